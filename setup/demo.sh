#!/usr/bin/env bash
# Create or update the demo database (the three addons, demo data, es_MX) and
# start Odoo on http://localhost:8069. Safe to run again.
#
# Usage: bash setup/demo.sh [--no-start]
#   --no-start (or UB_NO_START=1): install/update, print the logins, stop.
# Environment: UB_DEMO_DB (default utility_demo), ODOO_PATH, UB_DB_USER,
#   PGHOST, PGPORT.
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

no_start="${UB_NO_START:-0}"
for arg in "$@"; do
    case "$arg" in
    --no-start) no_start=1 ;;
    -h | --help)
        sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) ub_die "unknown argument '$arg' (usage: bash setup/demo.sh [--no-start])" ;;
    esac
done

db="${UB_DEMO_DB:-utility_demo}"
ub_check_db_name "$db"
ub_prepare

# Install what is missing, update what is installed, in one Odoo run.
installed=()
if ub_db_exists "$db"; then
    mapfile -t installed < <(ub_installed_addons "$db")
fi
to_install=()
to_update=()
for a in ${UB_ADDONS//,/ }; do
    if [[ " ${installed[*]} " == *" $a "* ]]; then
        to_update+=("$a")
    else
        to_install+=("$a")
    fi
done
# Odoo's demo payment provider, to try paying online from the portal.
for a in ${UB_EXTRA_ADDONS//,/ }; do
    state=""
    if ub_db_exists "$db"; then
        state="$(psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d "$db" -tAc \
            "SELECT state FROM ir_module_module WHERE name = '$a'" 2>/dev/null || true)"
    fi
    if [[ "$state" != installed ]]; then
        to_install+=("$a")
    fi
done
args=()
if ((${#to_install[@]})); then
    args+=(-i "$(IFS=,; echo "${to_install[*]}")")
fi
if ((${#to_update[@]})); then
    args+=(-u "$(IFS=,; echo "${to_update[*]}")")
fi

ub_info "Odoo $UB_ODOO_VERSION at $UB_ODOO_ROOT; database $db: ${args[*]}"
log="$(mktemp -t ub-demo-XXXXXX.log)"
if ! ub_odoo -d "$db" "${args[@]}" --load-language="$UB_LANGS" --log-level=warn \
    --stop-after-init >"$log" 2>&1; then
    grep -E ' (ERROR|CRITICAL) ' "$log" >&2 || tail -n 40 "$log" >&2
    ub_die "Odoo install/update of $db failed (full log: $log)."
fi
if grep -qE ' (ERROR|CRITICAL) ' "$log"; then
    grep -E ' (ERROR|CRITICAL) ' "$log" >&2
    ub_die "Odoo logged errors while installing/updating $db (full log: $log)."
fi
rm -f "$log"

missing_users="$(psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d "$db" -tA -c \
    "SELECT string_agg(l, ' ') FROM unnest(ARRAY['admin','csr1','csr2','manager']) l
     WHERE NOT EXISTS (SELECT 1 FROM res_users u WHERE u.login = l)")"
[[ -z "$missing_users" ]] ||
    ub_warn "demo users missing from $db: $missing_users (the addons' demo data should create them)."

cat <<EOF

Utility billing demo is ready.
  URL:       http://localhost:8069
  Database:  $db
  Users (login / password):
    admin   / admin    Administrator (billing manager)
    csr1    / csr1     Customer Service Representative I
    csr2    / csr2     Customer Service Representative II
    manager / manager  Finance Director
    customer / customer  A customer on the portal (/my/utility_accounts)

EOF

# A customer without a user yet, to try the registration with the bill's code.
register_demo="$(psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d "$db" -tA -F ' ' -c \
    "SELECT a.name, substr(a.registration_code, 1, 4) || '-' || substr(a.registration_code, 5),
            coalesce(p.email, '(none on file: any)')
       FROM utility_account a JOIN res_partner p ON p.id = a.partner_id
      WHERE a.state = 'active' AND a.registration_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM res_users u JOIN res_partner up ON up.id = u.partner_id
                         WHERE up.commercial_partner_id = p.commercial_partner_id)
      ORDER BY a.name LIMIT 1" 2>/dev/null || true)"
if [[ -n "$register_demo" ]]; then
    read -r reg_number reg_code reg_email <<<"$register_demo"
    echo "  Self-registration: http://localhost:8069/my/utility_register"
    echo "    account $reg_number, code $reg_code, e-mail $reg_email"
    echo
fi

if [[ "$no_start" == 1 ]]; then
    exit 0
fi
ub_info "starting Odoo on http://localhost:8069 (Ctrl+C to stop)"
exec "${UB_ODOO_CMD[@]}" --addons-path="$UB_ADDONS_PATH" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$UB_DB_USER" \
    -d "$db" --db-filter="^${db}\$" --http-port 8069
