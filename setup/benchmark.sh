#!/usr/bin/env bash
# Run the benchmarks of tests/benchmarks/ (bench_*.py; pytest never collects
# them) and print their figures beside stock Odoo's nearest equivalent: billing
# run, meter read import, ACH batch, daily delinquency run, the reports and the
# go-live conversion (bench_<name>.py), on a synthetic city of 20,000 accounts.
#
# Usage: bash setup/benchmark.sh [--ci] [--reuse] [--profile] [other options]
#   --ci       reduced size for CI (a city of 2,000 accounts, a town of 400, 200
#              accounts to convert, one repeat): every benchmark still runs beside
#              stock Odoo, fails on a crash; about 11 minutes (full size: README)
#   --reuse    keep the benchmark database and its synthetic cities between runs
#              (the first run builds them: about 5 minutes more); utility_billing
#              is updated in it first (--no-update skips that)
#   --profile  also profile what each benchmark measures and print its top
#              functions
#   --help     every option (python3 tests/benchmarks/bench_<name>.py --help);
#              an option only one benchmark knows is ignored by the others
# The first benchmark builds (or updates) the database; the next ones reuse it
# as it is. Environment: UB_BENCH_DB (default ub_bench; dropped and rebuilt
# unless --reuse), ODOO_PATH, UB_DB_USER, PGHOST, PGPORT.
# Exits non-zero when a benchmark misses a target (its figures come first).
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for arg in "$@"; do
    if [[ "$arg" == -h || "$arg" == --help ]]; then
        sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
    fi
done

# --ci: the reduced sizes, given before the caller's own options (which win).
args=()
ci=0
for arg in "$@"; do
    if [[ "$arg" == --ci ]]; then ci=1; else args+=("$arg"); fi
done
if ((ci)); then
    args=(--accounts 2000 --small-accounts 400 --months 12 --bill-accounts 400
        --scale-accounts 200 --repeat 1 --stock-sample 200 --citations 300
        --measure-batches 2 --profile-accounts 100 --conversion-accounts 200
        "${args[@]}")
fi
set -- "${args[@]}"

db="${UB_BENCH_DB:-ub_bench}"
ub_check_db_name "$db"
ub_find_odoo
ub_ensure_python_packages
ub_ensure_postgres
cd "$UB_ROOT" || exit 1
ub_info "Odoo $UB_ODOO_VERSION at $UB_ODOO_ROOT; benchmark database $db"

# Every benchmark gets the same options: each ignores the others' options.
export UB_ADDONS_PATH UB_DB_USER UB_BENCH_ALL=1
rc=0
shopt -s nullglob
# The first benchmark builds the database the next ones reuse: run them in the
# order they were checked to share it (the billing run builds the city), then
# any other bench_*.py.
order=(billing_run delinquency_run read_import ach_batch reports conversion)
benches=()
for name in "${order[@]}"; do
    [[ -f "tests/benchmarks/bench_$name.py" ]] && benches+=("tests/benchmarks/bench_$name.py")
done
for bench in tests/benchmarks/bench_*.py; do
    [[ " ${benches[*]} " == *" $bench "* ]] || benches+=("$bench")
done
((${#benches[@]})) || ub_die "no benchmark in tests/benchmarks/ (bench_*.py)."
reuse=()
for bench in "${benches[@]}"; do
    ub_info "python3 $bench --database $db $* ${reuse[*]}"
    python3 "$bench" --database "$db" --addons-path "$UB_ADDONS_PATH" \
        --db-host "$PGHOST" --db-port "$PGPORT" --db-user "$UB_DB_USER" "$@" \
        "${reuse[@]}" || rc=$?
    # The database is built and up to date: the next benchmarks reuse it.
    reuse=()
    [[ " $* " == *" --reuse "* ]] || reuse+=(--reuse)
    [[ " $* " == *" --no-update "* ]] || reuse+=(--no-update)
done
if ((rc)); then
    echo "ERROR: a benchmark missed its target or failed (exit $rc, see above)." >&2
    exit 1
fi
ub_info "benchmarks: every target met"
