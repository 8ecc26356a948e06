#!/usr/bin/env bash
# Screenshots of the main screens of each role, in English and Spanish (Mexico),
# for the README: starts Odoo on the demo database, runs setup/screenshots.py as
# csr1, csr2 and manager, saves docs/screenshots/*.png (1440x900), stops Odoo.
#
# Usage: bash setup/screenshots.sh [DATABASE]
#   DATABASE: default $UB_DEMO_DB or utility_demo; create it first with
#   `bash setup/demo.sh --no-start` (UB_DEMO_DB=DATABASE for another name).
# Environment: UB_SHOTS_PORT (default: a free port), UB_SHOTS_OUT (default
#   docs/screenshots), UB_SHOTS_WAIT (seconds a page loads, default 5),
#   ODOO_PATH, UB_DB_USER, PGHOST, PGPORT.
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
-h | --help)
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac
(($# <= 1)) || ub_die "usage: bash setup/screenshots.sh [DATABASE]"
db="${1:-${UB_DEMO_DB:-utility_demo}}"
ub_check_db_name "$db"
ub_prepare
cd "$UB_ROOT" || exit 1
ub_have_chrome || ub_die "Chromium not found (apt-get install chromium)."
ub_db_exists "$db" ||
    ub_die "no database $db: create it with UB_DEMO_DB=$db bash setup/demo.sh --no-start"
[[ "$(ub_installed_addons "$db" | wc -l)" == 3 ]] ||
    ub_die "$db does not hold the three addons: run UB_DEMO_DB=$db bash setup/demo.sh --no-start"

out="${UB_SHOTS_OUT:-docs/screenshots}"
wait_s="${UB_SHOTS_WAIT:-5}"
port="${UB_SHOTS_PORT:-$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')}"
url="http://127.0.0.1:$port"
mkdir -p "$out"

# A bill that carries the utility users tax, for its form.
bill_id="$(psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d "$db" -tA -c \
    "SELECT m.id FROM account_move m
       JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'tax'
       JOIN account_tax t ON t.id = l.tax_line_id AND t.amount = 5
      WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
        AND m.utility_account_id IS NOT NULL
      ORDER BY m.invoice_date DESC, m.id DESC LIMIT 1")"

# The latest posted billing run, for its form.
run_id="$(psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d "$db" -tA -c \
    "SELECT id FROM utility_billing_run WHERE state = 'posted' ORDER BY id DESC LIMIT 1")"

log="$(mktemp -t ub-shots-XXXXXX.log)"
ub_info "starting Odoo on $url (database $db, log $log)"
ub_odoo -d "$db" --db-filter="^${db}\$" --http-interface=127.0.0.1 --http-port="$port" \
    --workers=0 --max-cron-threads=0 --log-level=warn >"$log" 2>&1 &
odoo_pid=$!
stop_odoo() {
    if kill -0 "$odoo_pid" 2>/dev/null; then
        kill "$odoo_pid" 2>/dev/null
        wait "$odoo_pid" 2>/dev/null
    fi
}
trap stop_odoo EXIT

for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$url/web/login" 2>/dev/null && break
    kill -0 "$odoo_pid" 2>/dev/null || { tail -n 20 "$log" >&2; ub_die "Odoo stopped."; }
    sleep 1
done
curl -fsS -o /dev/null "$url/web/login" || ub_die "Odoo did not answer on $url (log $log)."

# shots LOGIN LANG SUFFIX NAME=PATH...: one user's screens in one language.
shots() {
    local login="$1" lang="$2" suffix="$3" arg name
    shift 3
    local named=()
    for arg in "$@"; do
        name="${arg%%=*}"
        named+=("$name-$suffix=${arg#*=}")
    done
    python3 setup/screenshots.py --url "$url" --db "$db" --login "$login" \
        --password "$login" --lang "$lang" --out "$out" --wait "$wait_s" "${named[@]}" ||
        ub_die "screenshots of $login ($lang) failed (Odoo log: $log)."
}

accounts="accounts=/odoo/action-utility_billing.utility_account_action"
run="billing-run=/odoo/action-utility_billing.utility_billing_run_action${run_id:+/$run_id}"
revenue="revenue=/odoo/action-utility_billing_reports.utility_report_revenue_action"
bill=()
if [[ -n "$bill_id" ]]; then
    bill=("bill=/odoo/action-account.action_move_out_invoice_type/$bill_id")
fi
# Spanish first: each user ends in English, the demo's language.
shots csr1 es_MX es "$accounts"
shots csr2 es_MX es "$run"
shots manager es_MX es "$revenue"
shots csr1 en_US en "$accounts" "${bill[@]}"
shots csr2 en_US en "$run"
shots manager en_US en "$revenue"

ub_info "screenshots saved in $out/"
