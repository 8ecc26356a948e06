#!/usr/bin/env bash
# Run the whole suite on a fresh database:
#   1. drop and recreate UB_TEST_DB by installing the three addons with demo
#      data and the languages en_US + es_MX; fails on a non-zero exit or on
#      any ERROR/CRITICAL line in the log;
#   2. lint (setup/lint.sh);
#   3. pytest with pytest-odoo on the addons' tests/ and the root tests/.
# Exits non-zero if any step fails; a lint failure does not stop pytest.
# Usage: bash setup/test.sh [extra pytest arguments, e.g. -k name -x]
# Environment: UB_TEST_DB (default utility_test), ODOO_PATH, UB_DB_USER,
#   PGHOST, PGPORT; UB_JUNIT_XML=path also writes a JUnit report there.
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

db="${UB_TEST_DB:-utility_test}"
ub_check_db_name "$db"
ub_prepare
cd "$UB_ROOT" || exit 1
ub_info "Odoo $UB_ODOO_VERSION at $UB_ODOO_ROOT"

# 1. Fresh database with demo data ------------------------------------------
ub_drop_db "$db"
ub_info "installing $UB_ADDONS (and $UB_EXTRA_ADDONS) with demo data into fresh database $db"
log="$(mktemp -t ub-test-install-XXXXXX.log)"
install_rc=0
ub_odoo -d "$db" -i "$UB_ADDONS,$UB_EXTRA_ADDONS" --load-language="$UB_LANGS" --log-level=warn \
    --stop-after-init >"$log" 2>&1 || install_rc=$?
errors="$(grep -E ' (ERROR|CRITICAL) ' "$log" || true)"
if ((install_rc)) || [[ -n "$errors" ]]; then
    if [[ -n "$errors" ]]; then
        echo "--- ERROR/CRITICAL lines logged by the install:" >&2
        echo "$errors" >&2
    fi
    echo "--- last lines of the install log:" >&2
    tail -n 40 "$log" >&2
    ub_die "installing $UB_ADDONS into $db failed (exit $install_rc; full log: $log)."
fi
warnings="$(grep -cE ' WARNING ' "$log" || true)"
if ((warnings)); then
    echo "--- $warnings WARNING line(s) logged by the install:"
    grep -E ' WARNING ' "$log" | head -n 30
fi
rm -f "$log"

installed="$(ub_installed_addons "$db" | wc -l)"
[[ "$installed" == 3 ]] ||
    ub_die "after the install only $installed of $UB_ADDONS are installed in $db."
demo="$(psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d "$db" -tA \
    -c "SELECT demo FROM ir_module_module WHERE name = 'utility_billing'")"
[[ "$demo" == t ]] || ub_die "demo data was not loaded into $db."

# 2. Lint (a failure fails the run, but pytest still runs) --------------------
lint_rc=0
UB_LINT_SKIP_PREPARE=1 bash "$UB_ROOT/setup/lint.sh" || lint_rc=$?

# 3. pytest ------------------------------------------------------------------
test_dirs=()
for d in utility_billing/tests utility_billing_payments/tests utility_billing_reports/tests tests; do
    if [[ -d "$d" ]] && [[ -n "$(find "$d" -name 'test_*.py' -not -path '*/benchmarks/*' -print -quit)" ]]; then
        test_dirs+=("$d")
    fi
done
((${#test_dirs[@]})) || ub_die "no test files (test_*.py) found in the addons' tests/ or in tests/."

pytest_args=(
    -p no:cacheprovider
    --odoo-database="$db"
    --odoo-addons-path="$UB_ADDONS_PATH"
    --odoo-extra "db_host=$PGHOST"
    --odoo-extra "db_port=$PGPORT"
    --odoo-extra "db_user=$UB_DB_USER"
    --odoo-http
    --odoo-log-level=warn
)
[[ -n "${UB_JUNIT_XML:-}" ]] && pytest_args+=(--junitxml="$UB_JUNIT_XML")
ub_info "pytest ${test_dirs[*]}"
pytest_rc=0
python3 -m pytest "${pytest_args[@]}" "$@" "${test_dirs[@]}" || pytest_rc=$?
if ((pytest_rc == 5)); then
    ub_die "pytest collected no tests in ${test_dirs[*]}."
fi
if ((lint_rc)); then
    ub_die "lint failed (see setup/lint.sh output above)."
fi
exit "$pytest_rc"
