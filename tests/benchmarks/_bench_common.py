# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers shared by the benchmarks of this folder (bench_*.py).

The benchmark database (``ub_bench`` by default) and its synthetic cities,
measurement of a block (wall time, SQL queries, peak memory), the profile
printout. Not a benchmark itself (setup/benchmark.sh runs bench_*.py only).
"""

import importlib.util
import os
import pstats
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TZ = "America/Los_Angeles"
# Set by setup/benchmark.sh, which passes the same options to every benchmark:
# options of another benchmark are then ignored instead of refused.
ALL_BENCHMARKS_ENV = "UB_BENCH_ALL"


def load_generator():
    """setup/generate_city.py as a module (it is a script, not a package)."""
    path = os.path.join(REPO, "setup", "generate_city.py")
    spec = importlib.util.spec_from_file_location("ub_generate_city", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gc = load_generator()


# ----------------------------------------------------------------------------
# Arguments
# ----------------------------------------------------------------------------


def add_database_arguments(parser, small_accounts_help):
    """Options of the benchmark database and its two cities."""
    parser.add_argument(
        "-d",
        "--database",
        default="ub_bench",
        help="dropped and created again unless --reuse [%(default)s]",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database and its cities if they are there",
    )
    parser.add_argument(
        "--no-update",
        action="store_true",
        help="with --reuse, do not update utility_billing in the database first",
    )
    parser.add_argument(
        "--accounts", type=int, default=20000, help="accounts of the city [%(default)s]"
    )
    parser.add_argument(
        "--small-accounts",
        type=int,
        default=2000,
        help=small_accounts_help,
    )
    parser.add_argument(
        "--months", type=int, default=12, help="months of reads [%(default)s]"
    )
    parser.add_argument("--prefix", default="CITY", help="of the city [%(default)s]")
    parser.add_argument(
        "--small-prefix", default="TOWN", help="of the small city [%(default)s]"
    )


def parse_known(parser, argv):
    """``parser.parse_args(argv)``; under setup/benchmark.sh, which gives every
    benchmark the same options, the options of another benchmark are ignored."""
    if not os.environ.get(ALL_BENCHMARKS_ENV):
        return parser.parse_args(argv)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"  options of another benchmark, ignored: {' '.join(unknown)}")
    return args


# ----------------------------------------------------------------------------
# Measurement
# ----------------------------------------------------------------------------


def _proc_status_kb(key):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_mb():
    """Resident set of this process now, in MB (None where unknown)."""
    kb = _proc_status_kb("VmRSS")
    return kb / 1024 if kb is not None else None


class Measure:
    """Wall time, CPU time, SQL queries and peak resident memory of a block.

    Queries: ``cr.sql_log_count`` (the per-cursor counter every
    ``Cursor.execute`` increments), cross-checked against the global
    ``odoo.sql_db.sql_counter``. Peak memory: the process's peak resident set
    (VmHWM), reset before the block through /proc/self/clear_refs; where that
    is not possible, the peak since the process started (ru_maxrss).
    """

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        import odoo.sql_db

        self.peak_reset = False
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            self.peak_reset = True
        except OSError:
            pass
        self.start_rss_kb = _proc_status_kb("VmRSS")
        self.queries0 = self.cr.sql_log_count
        self.global0 = odoo.sql_db.sql_counter
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        import odoo.sql_db

        self.seconds = time.perf_counter() - self.t0
        # This process's CPU time (not PostgreSQL's): steadier than the wall
        # time on a shared machine.
        self.cpu_seconds = time.process_time() - self.cpu0
        self.queries = self.cr.sql_log_count - self.queries0
        self.global_queries = odoo.sql_db.sql_counter - self.global0
        peak_kb = _proc_status_kb("VmHWM") if self.peak_reset else None
        if peak_kb is None:
            self.peak_reset = False
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.peak_mb = peak_kb / 1024
        self.grow_mb = (peak_kb - (self.start_rss_kb or peak_kb)) / 1024
        return False


def check_query_counter(cr):
    """Make sure cr.sql_log_count counts queries; return a description."""
    import odoo.sql_db

    before, before_global = cr.sql_log_count, odoo.sql_db.sql_counter
    cr.execute("SELECT 1")
    cr.execute("SELECT 2")
    if cr.sql_log_count - before != 2 or odoo.sql_db.sql_counter - before_global != 2:
        raise SystemExit(
            "ERROR: cr.sql_log_count does not count queries in this Odoo "
            f"({cr.sql_log_count - before} for 2 queries)."
        )
    return "cr.sql_log_count (checked: 2 queries counted 2)"


def print_profile(profiler, limit, what="the import"):
    """Top functions of a cProfile.Profile (or of a pstats.Stats)."""
    stats = profiler if isinstance(profiler, pstats.Stats) else pstats.Stats(profiler)
    stats.strip_dirs()
    for key, title in (("cumulative", "cumulative time"), ("tottime", "own time")):
        print(f"\n--- profile of {what}, top {limit} by {title}")
        stats.sort_stats(key).print_stats(limit)


# ----------------------------------------------------------------------------
# Database and cities
# ----------------------------------------------------------------------------


def odoo_command(args):
    odoo_root = os.path.dirname(
        os.path.dirname(os.path.abspath(gc.import_odoo().__file__))
    )
    bin_path = os.path.join(odoo_root, "odoo-bin")
    cmd = (
        [sys.executable, bin_path]
        if os.path.isfile(bin_path)
        else [sys.executable, "-m", "odoo"]
    )
    return cmd + [
        f"--addons-path={args.addons_path or gc.default_addons_path()}",
        f"--db_host={args.db_host}",
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
    ]


def odoo_env():
    """Environment of a child process: ODOO_PATH on its PYTHONPATH when set."""
    env = dict(os.environ)
    if os.environ.get("ODOO_PATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (os.environ["ODOO_PATH"], env.get("PYTHONPATH")) if p
        )
    return env


def pg_connect(args, dbname):
    import psycopg2

    return psycopg2.connect(
        dbname=dbname, host=args.db_host, port=args.db_port, user=args.db_user
    )


# Addons of the benchmark database: the ACH benchmark needs the payments addon.
BENCH_ADDONS = ("utility_billing", "utility_billing_payments")


def database_state(args):
    """'missing', 'empty' (no utility_billing installed), 'partial' (not every
    addon of BENCH_ADDONS installed) or 'installed'."""
    import psycopg2

    try:
        conn = pg_connect(args, args.database)
    except psycopg2.OperationalError as exc:
        if "does not exist" in str(exc):
            return "missing"
        raise
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
            if not cur.fetchone()[0]:
                return "empty"
            cur.execute(
                "SELECT name FROM ir_module_module WHERE name IN %s "
                "AND state = 'installed'",
                (BENCH_ADDONS,),
            )
            installed = {row[0] for row in cur.fetchall()}
            if "utility_billing" not in installed:
                return "empty"
            return "installed" if installed >= set(BENCH_ADDONS) else "partial"
    finally:
        conn.close()


def drop_database(args, database=None):
    import odoo

    database = database or args.database
    conn = pg_connect(args, "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        conn.close()
    shutil.rmtree(odoo.tools.config.filestore(database), ignore_errors=True)


def run_odoo(args, options, what):
    """Run Odoo on the benchmark database with ``options``, until it stops."""
    cmd = odoo_command(args) + ["-d", args.database, *options]
    cmd += ["--stop-after-init", "--log-level=warn"]
    started = time.perf_counter()
    result = subprocess.run(
        cmd, env=odoo_env(), capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"ERROR: {what} utility_billing in {args.database} failed.")
    print(
        f"  {what} utility_billing in {args.database}: "
        f"{time.perf_counter() - started:.0f} s"
    )


def create_database(args):
    """Create the database with the addons of BENCH_ADDONS, without demo
    data."""
    run_odoo(args, ["-i", ",".join(BENCH_ADDONS), "--without-demo=all"], "installing")


def prepare_database(args):
    """Create the database, or reuse it (updating utility_billing in it first
    unless --no-update); return True when it was created."""
    state = database_state(args)
    if state == "partial" and args.reuse:
        # A database built before the payments addon was benchmarked: add it,
        # the cities stay.
        run_odoo(
            args,
            ["-i", ",".join(BENCH_ADDONS), "--without-demo=all"],
            "installing utility_billing_payments beside",
        )
        state = "installed"
    if state != "installed" or not args.reuse:
        if state != "missing":
            print(f"  dropping database {args.database}")
            drop_database(args)
        create_database(args)
        return True
    if args.no_update:
        print(f"  database {args.database} reused as it is")
    else:
        # The code may have changed since the database was built.
        run_odoo(args, ["-u", ",".join(BENCH_ADDONS)], "updating")
    return False


def city_end_date():
    """Date of the cities' last reads: a month ago, so that next month's reads
    are not in the future."""
    from dateutil.relativedelta import relativedelta

    return datetime.now().date() - relativedelta(months=1)


def ensure_city(registry, prefix, accounts, months, end_date, reuse):
    """Build the city unless it is there; return its number of accounts."""
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if gc.city_exists(env, prefix):
            found = gc.city_counts(env, prefix)[0]
            if found != accounts:
                raise SystemExit(
                    f"ERROR: city {prefix} in the database has {found} accounts, "
                    f"not {accounts}: run without --reuse to rebuild the database."
                )
            print(f"  city {prefix}: {found} accounts (reused)")
            return found
        if reuse:
            print(f"  city {prefix}: not in the database, building it")
        elapsed, counts = gc.generate_city(
            env, accounts, months, prefix, end_date=end_date
        )
        cr.commit()
        gc.analyze(env)
        cr.commit()
        print(
            f"  city {prefix}: {counts[0]} accounts, {counts[1]} meters, "
            f"{counts[2]} reads built in {elapsed:.1f} s"
        )
        return counts[0]


def ensure_cities(registry, args):
    """The city and the small city of the benchmark database."""
    end_date = city_end_date()
    ensure_city(registry, args.prefix, args.accounts, args.months, end_date, args.reuse)
    ensure_city(
        registry,
        args.small_prefix,
        args.small_accounts,
        args.months,
        end_date,
        args.reuse,
    )


def user_env(cr):
    """The administrator (a manager, record rules apply), in California."""
    import odoo

    admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
    return odoo.api.Environment(cr, admin.id, {"tz": TZ, "lang": "en_US"})
