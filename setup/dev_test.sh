#!/usr/bin/env bash
# Developer's quick loop (not CI): keep a test database between runs.
#   - installs the three addons with demo data into UB_TEST_DB when it does not
#     hold them yet, otherwise updates them (-u), which is much faster;
#   - then runs pytest with pytest-odoo on the paths given (default: every
#     test directory), with any other pytest arguments.
# No lint, no fresh database: `bash setup/test.sh` stays the command of record.
# Usage: UB_TEST_DB=ub_mine bash setup/dev_test.sh [pytest args] [test paths]
#   e.g. bash setup/dev_test.sh -x utility_billing/tests/test_utility_adjustment.py
#   UB_DEV_NO_UPDATE=1 skips the module update (only Python test files changed).
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

db="${UB_TEST_DB:-utility_dev}"
ub_check_db_name "$db"
ub_prepare
cd "$UB_ROOT" || exit 1

log="$(mktemp -t ub-dev-XXXXXX.log)"
if [[ "$(ub_installed_addons "$db" | wc -l)" != 3 ]]; then
    ub_drop_db "$db"
    ub_info "installing $UB_ADDONS with demo data into $db"
    ub_odoo -d "$db" -i "$UB_ADDONS,$UB_EXTRA_ADDONS" --load-language="$UB_LANGS" --log-level=warn \
        --stop-after-init >"$log" 2>&1 || { tail -n 40 "$log" >&2; ub_die "install failed: $log"; }
elif [[ -z "${UB_DEV_NO_UPDATE:-}" ]]; then
    ub_info "updating $UB_ADDONS in $db"
    ub_odoo -d "$db" -u "$UB_ADDONS" -i "$UB_EXTRA_ADDONS" --log-level=warn \
        --stop-after-init >"$log" 2>&1 || { tail -n 40 "$log" >&2; ub_die "update failed: $log"; }
fi
if grep -E ' (ERROR|CRITICAL) ' "$log"; then
    ub_die "the install/update logged errors (full log: $log)."
fi

paths=()
args=()
for a in "$@"; do
    if [[ "$a" != -* && -e "${a%%::*}" ]]; then paths+=("$a"); else args+=("$a"); fi
done
if ((${#paths[@]} == 0)); then
    paths=(utility_billing/tests utility_billing_payments/tests utility_billing_reports/tests tests)
fi
python3 -m pytest -p no:cacheprovider \
    --odoo-database="$db" \
    --odoo-addons-path="$UB_ADDONS_PATH" \
    --odoo-extra "db_host=$PGHOST" \
    --odoo-extra "db_port=$PGPORT" \
    --odoo-extra "db_user=$UB_DB_USER" \
    --odoo-http \
    --odoo-log-level=warn \
    "${args[@]}" "${paths[@]}"
