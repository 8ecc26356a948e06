#!/usr/bin/env python3
# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the meter read file import on a synthetic city.

Not a unit test (pytest collects only test_*.py): run it with
``bash setup/benchmark.sh`` or ``python3 tests/benchmarks/bench_read_import.py``.

1. (Re)creates the database (default ``ub_bench``) with utility_billing and no
   demo data, and builds a synthetic city of 20,000 accounts with 12 months of
   reads (setup/generate_city.py), plus a small city of 2,000 accounts. With
   ``--reuse`` an existing database and its cities are kept (utility_billing is
   updated in it first, unless ``--no-update``).
2. Imports a 20,000-line CSV of next month's reads (one read per meter,
   realistic use, about 1% high reads, 10 bad lines) with the read import,
   exception checks included: wall time, SQL queries, peak memory.
3. Creates the same reads, values already computed, with a bare ORM
   ``create()`` (``utility_read_raw``), by batches of 2,000 as the import does.
   Steps 2 and 3 run in turn ``--repeat`` times (2); the fastest of each counts.
4. Imports 2,000 lines into the 20,000-account city and 2,000 lines into the
   2,000-account city: the SQL queries per read must be the same.

Everything measured is rolled back, so the benchmark can run again. Prints a
table and exits 1 when a target is missed: the 20,000-line import under 60 s,
at least half the speed of the bare create, queries per read independent of
the number of accounts.
"""

import argparse
import cProfile
import importlib.util
import io
import os
import pstats
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TZ = "America/Los_Angeles"
IMPORT_BATCH = 2000  # CHUNK_SIZE of utility_read_import.py
HIGH_EVERY = 100  # one line in 100 is a high read (four times the usual use)
BAD_LINES = 10  # lines with an unknown meter or a reading that is not a number


def load_generator():
    """setup/generate_city.py as a module (it is a script, not a package)."""
    path = os.path.join(REPO, "setup", "generate_city.py")
    spec = importlib.util.spec_from_file_location("ub_generate_city", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gc = load_generator()


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


class Measure:
    """Wall time, SQL queries and peak resident memory of a block.

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
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        import odoo.sql_db

        self.seconds = time.perf_counter() - self.t0
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


def pg_connect(args, dbname):
    import psycopg2

    return psycopg2.connect(
        dbname=dbname, host=args.db_host, port=args.db_port, user=args.db_user
    )


def database_state(args):
    """'missing', 'empty' (no utility_billing installed) or 'installed'."""
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
                "SELECT state FROM ir_module_module WHERE name = 'utility_billing'"
            )
            row = cur.fetchone()
            return "installed" if row and row[0] == "installed" else "empty"
    finally:
        conn.close()


def drop_database(args):
    import odoo

    conn = pg_connect(args, "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    finally:
        conn.close()
    shutil.rmtree(odoo.tools.config.filestore(args.database), ignore_errors=True)


def run_odoo(args, options, what):
    """Run Odoo on the benchmark database with ``options``, until it stops."""
    cmd = odoo_command(args) + ["-d", args.database, *options]
    cmd += ["--stop-after-init", "--log-level=warn"]
    env = dict(os.environ)
    if os.environ.get("ODOO_PATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (os.environ["ODOO_PATH"], env.get("PYTHONPATH")) if p
        )
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"ERROR: {what} utility_billing in {args.database} failed.")
    print(
        f"  {what} utility_billing in {args.database}: "
        f"{time.perf_counter() - started:.0f} s"
    )


def create_database(args):
    """Create the database with utility_billing, without demo data."""
    run_odoo(args, ["-i", "utility_billing", "--without-demo=all"], "installing")


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


# ----------------------------------------------------------------------------
# Read files
# ----------------------------------------------------------------------------


def city_meters(env, prefix, step=1):
    """Meters of a city (every ``step``-th) with what a reader's file needs."""
    like = prefix + "%"
    pattern = f"^{prefix}[0-9]{{8}}$"
    env.cr.execute(
        """SELECT m.serial, m.dials, acc.name, last.reading, last.read_datetime,
                  hist.daily
             FROM utility_meter m
             JOIN LATERAL (
                  SELECT r.reading, r.read_datetime FROM utility_meter_read r
                   WHERE r.meter_id = m.id AND r.state != 'rejected'
                ORDER BY r.read_datetime DESC, r.id DESC LIMIT 1) last ON TRUE
             LEFT JOIN LATERAL (
                  SELECT sum(h.consumption) / NULLIF(sum(h.days), 0) AS daily
                    FROM (SELECT r.consumption, r.days FROM utility_meter_read r
                           WHERE r.meter_id = m.id AND r.state IN ('valid', 'billed')
                             AND r.read_type != 'initial'
                        ORDER BY r.read_datetime DESC, r.id DESC LIMIT 3) h
                  ) hist ON TRUE
             LEFT JOIN LATERAL (
                  SELECT a.name FROM utility_account_service s
                    JOIN utility_account a ON a.id = s.account_id
                   WHERE s.meter_id = m.id AND a.state = 'active' LIMIT 1) acc ON TRUE
            WHERE m.serial LIKE %s AND m.serial ~ %s
         ORDER BY m.serial""",
        (like, pattern),
    )
    return env.cr.fetchall()[::step]


def build_read_file(meters, run_tag, seed, bad_lines=0):
    """CSV (generic AMI mapping) of next month's read of each meter.

    :return: (bytes, {"lines", "high", "bad"})
    """
    import pytz
    from dateutil.relativedelta import relativedelta

    rng = random.Random(seed)
    tz = pytz.timezone(TZ)
    today = datetime.now(tz).date()
    bad_at = {}  # line index: 0 for an unknown meter, 1 for a reading not a number
    if bad_lines:
        spacing = max(1, len(meters) // bad_lines)
        bad_at = {spacing // 2 + i * spacing: i % 2 for i in range(bad_lines)}
    out = io.StringIO()
    out.write("meter_serial,read_datetime,reading,account,read_code,note\n")
    high = 0
    for index, (serial, dials, account, last_reading, last_dt, daily) in enumerate(
        meters
    ):
        last_local = pytz.utc.localize(last_dt).astimezone(tz)
        next_local = (last_local + relativedelta(months=1)).replace(
            hour=7 + index % 9, minute=index * 7 % 60
        )
        if next_local.date() > today:
            raise SystemExit(
                f"ERROR: meter {serial} was last read on {last_local.date()}: next "
                "month's read would be in the future. Rebuild the database "
                "(run without --reuse)."
            )
        days = (next_local.date() - last_local.date()).days
        use = round((daily or 0.6) * days * rng.uniform(0.85, 1.15))
        note = ""
        if index % HIGH_EVERY == HIGH_EVERY // 2:
            use = max(use * 4, 40)  # a leak: well above the recent average
            note = "high"
            high += 1
        reading = str(int(last_reading + use) % 10**dials)
        if index in bad_at:
            if bad_at[index] == 0:
                serial = f"{serial[:-8]}X{serial[-8:]}"  # no such meter
            else:
                reading = f"{reading[:-1]}O"  # a letter O for a zero
        if index == 0:
            note = f"benchmark run {run_tag}"
        out.write(
            f"{serial},{next_local:%Y-%m-%d %H:%M},{reading},{account or ''},,{note}\n"
        )
    return out.getvalue().encode(), {
        "lines": len(meters),
        "high": high,
        "bad": len(bad_at),
    }


# ----------------------------------------------------------------------------
# The measured operations
# ----------------------------------------------------------------------------


def run_import(env, content, filename):
    mapping = env.ref("utility_billing.mapping_generic_ami")
    imp = env["utility.read.import"]._import_file(content, filename, "csv", mapping)
    env.flush_all()
    return imp


def import_summary(env, imp):
    env.cr.execute(
        """SELECT state, coalesce(exception_code, ''), count(*)
             FROM utility_meter_read WHERE import_id = %s
         GROUP BY 1, 2 ORDER BY 1, 2""",
        (imp.id,),
    )
    states = env.cr.fetchall()
    return {
        "imported": imp.imported_count,
        "errors": imp.error_count,
        "skipped": imp.skipped_count,
        "states": states,
        "error_reasons": imp.error_ids.mapped("reason")[:3],
    }


READ_FIELDS = [
    "meter_id",
    "account_id",
    "premise_id",
    "read_datetime",
    "reading",
    "read_type",
    "source",
    "previous_read_id",
    "previous_reading",
    "rollover",
    "raw_consumption",
    "consumption",
    "days",
    "exception_code",
    "exception_note",
    "state",
    "read_code",
    "note",
    "company_id",
    "import_line",
]


def imported_values(env, imp):
    """The imported reads as create() values, in file order (import excluded)."""
    env.cr.execute(
        f"SELECT {', '.join(READ_FIELDS)} FROM utility_meter_read "
        "WHERE import_id = %s ORDER BY import_line",
        (imp.id,),
    )
    return [
        {k: v for k, v in zip(READ_FIELDS, row, strict=True) if v is not None}
        for row in env.cr.fetchall()
    ]


def run_bare_create(env, vals_list):
    Read = env["utility.meter.read"].with_context(utility_read_raw=True)
    count = 0
    for start in range(0, len(vals_list), IMPORT_BATCH):
        count += len(Read.create(vals_list[start : start + IMPORT_BATCH]))
        Read.invalidate_model()
    env.flush_all()
    return count


def user_env(cr):
    """The administrator (a manager, record rules apply), in California."""
    import odoo

    admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
    return odoo.api.Environment(cr, admin.id, {"tz": TZ, "lang": "en_US"})


def print_profile(profiler, limit):
    stats = pstats.Stats(profiler)
    stats.strip_dirs()
    for key, title in (("cumulative", "cumulative time"), ("tottime", "own time")):
        print(f"\n--- profile of the import, top {limit} by {title}")
        stats.sort_stats(key).print_stats(limit)


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark of the meter read file import on a synthetic city. "
        "Defaults in square brackets."
    )
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
        help="accounts of the small city, lines of the files compared [%(default)s]",
    )
    parser.add_argument(
        "--months", type=int, default=12, help="months of reads [%(default)s]"
    )
    parser.add_argument("--prefix", default="CITY", help="of the city [%(default)s]")
    parser.add_argument(
        "--small-prefix", default="TOWN", help="of the small city [%(default)s]"
    )
    parser.add_argument(
        "--target-seconds",
        type=float,
        default=60.0,
        help="the import of --accounts lines must take less [%(default)s]",
    )
    parser.add_argument(
        "--target-ratio",
        type=float,
        default=0.5,
        help="minimum import speed / bare create speed [%(default)s]",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs of the import and of the bare create, the fastest counts "
        "[%(default)s]",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="import the 20,000-line file once more under cProfile and print "
        "the top functions (after the figures, which it does not affect)",
    )
    parser.add_argument(
        "--profile-limit", type=int, default=30, help="functions listed [%(default)s]"
    )
    gc.add_db_arguments(parser)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.accounts < 1 or args.small_accounts < 1:
        parser.error("--repeat, --accounts and --small-accounts must be at least 1")
    return args


def row(name, lines, reads, m):
    per_s = reads / m.seconds if m.seconds else 0.0
    per_read = m.queries / reads if reads else 0.0
    return (
        name,
        lines,
        reads,
        m.seconds,
        per_s,
        m.queries,
        per_read,
        m.peak_mb,
        m.grow_mb,
    )


def print_table(rows):
    header = (
        f"{'':40} {'lines':>6} {'reads':>6} {'seconds':>8} {'reads/s':>8} "
        f"{'queries':>8} {'q/read':>7} {'peak MB':>8} {'+MB':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, lines, reads, sec, per_s, queries, per_read, peak, grow in rows:
        print(
            f"{name:40} {lines:>6} {reads:>6} {sec:>8.2f} {per_s:>8.0f} "
            f"{queries:>8} {per_read:>7.4f} {peak:>8.0f} {grow:>6.0f}"
        )


def main(argv=None):
    args = parse_args(argv)
    gc.configure_odoo(args)
    from dateutil.relativedelta import relativedelta

    from odoo.modules.registry import Registry

    print(f"== Read import benchmark, database {args.database}")
    state = database_state(args)
    if state != "installed" or not args.reuse:
        if state != "missing":
            print(f"  dropping database {args.database}")
            drop_database(args)
        create_database(args)
    elif args.no_update:
        print(f"  database {args.database} reused as it is")
    else:
        # The code may have changed since the database was built.
        run_odoo(args, ["-u", "utility_billing"], "updating")
    registry = Registry(args.database)
    # The cities' last reads are a month old, so that next month's reads are
    # not in the future.
    end_date = datetime.now().date() - relativedelta(months=1)
    ensure_city(registry, args.prefix, args.accounts, args.months, end_date, args.reuse)
    ensure_city(
        registry,
        args.small_prefix,
        args.small_accounts,
        args.months,
        end_date,
        args.reuse,
    )
    run_tag = datetime.now().strftime("%Y%m%d-%H%M%S")
    results, notes = [], []
    with registry.cursor() as cr:
        counter = check_query_counter(cr)
        env = user_env(cr)
        big_meters = city_meters(env, args.prefix)
        content, info = build_read_file(
            big_meters, run_tag, seed=1, bad_lines=BAD_LINES
        )
        filename = f"bench-{args.prefix}-{run_tag}.csv"
        print(
            f"  file {filename}: {info['lines']} lines, {len(content) / 1e6:.1f} MB, "
            f"{info['high']} high reads, {info['bad']} bad lines"
        )

        # a. The import, exception checks included, and b. the bare ORM create
        # of the same reads, values already computed; each --repeat times, in
        # turn, keeping the fastest run of each (the machine may be busy).
        imports, bares = [], []
        for _run in range(args.repeat):
            with Measure(cr) as m:
                imp = run_import(env, content, filename)
            imports.append(m)
            if len(imports) == 1:
                summary = import_summary(env, imp)
                vals_list = imported_values(env, imp)
            cr.rollback()
            with Measure(cr) as m:
                created = run_bare_create(env, vals_list)
            bares.append(m)
            cr.rollback()
        m_import = min(imports, key=lambda m: m.seconds)
        m_bare = min(bares, key=lambda m: m.seconds)
        results.append(
            row(
                f"import {info['lines']} lines ({args.prefix})",
                info["lines"],
                summary["imported"],
                m_import,
            )
        )
        results.append(
            row("bare ORM create() of the same reads", created, created, m_bare)
        )

        # c. Queries per read against the number of accounts.
        sample = {}
        for prefix, accounts, step in (
            (args.prefix, args.accounts, max(1, args.accounts // args.small_accounts)),
            (args.small_prefix, args.small_accounts, 1),
        ):
            meters = city_meters(env, prefix, step=step)[: args.small_accounts]
            data, sinfo = build_read_file(meters, run_tag, seed=2)
            with Measure(cr) as m:
                simp = run_import(env, data, f"bench-{prefix}-{run_tag}-sample.csv")
            imported = simp.imported_count
            sample[prefix] = (m.queries, imported)
            results.append(
                row(
                    f"import {sinfo['lines']} lines ({prefix}, {accounts} acc.)",
                    sinfo["lines"],
                    imported,
                    m,
                )
            )
            cr.rollback()

        profiler = None
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            run_import(env, content, filename)
            profiler.disable()
            cr.rollback()
    if m_import.global_queries != m_import.queries:
        notes.append(
            f"odoo.sql_db.sql_counter counted {m_import.global_queries} queries "
            "for the import (other cursors at work)"
        )

    print()
    print_table(results)
    print()
    states = ", ".join(
        f"{s}{'/' + c if c else ''}: {n}" for s, c, n in summary["states"]
    )
    print(
        f"import: {summary['imported']} reads created ({states}); "
        f"{summary['errors']} bad lines listed, {summary['skipped']} already in the "
        f"database; the file has {info['bad']} bad lines on purpose "
        f"(unknown meter, reading not a number) and {info['high']} high reads."
    )
    if summary["error_reasons"]:
        print(f"  bad line reasons, e.g.: {'; '.join(summary['error_reasons'])}")
    print(
        f"queries counted with {counter}; peak MB = peak resident set of the process "
        "during the step, +MB = its growth over the step's start"
    )
    if not m_import.peak_reset:
        notes.append("peak MB is the process's peak since it started (ru_maxrss)")
    if args.repeat > 1:
        print(
            f"fastest of {args.repeat} runs; all runs (s): import "
            + ", ".join(f"{m.seconds:.2f}" for m in imports)
            + "; bare create "
            + ", ".join(f"{m.seconds:.2f}" for m in bares)
        )
    for note in notes:
        print(f"note: {note}")

    import_speed = summary["imported"] / m_import.seconds
    bare_speed = created / m_bare.seconds
    ratio = import_speed / bare_speed
    big_q, big_n = sample[args.prefix]
    small_q, small_n = sample[args.small_prefix]
    big_qpr, small_qpr = big_q / max(big_n, 1), small_q / max(small_n, 1)
    targets = [
        (
            f"{info['lines']}-line import under {args.target_seconds:.0f} s",
            f"{m_import.seconds:.1f} s",
            m_import.seconds < args.target_seconds,
        ),
        (
            f"import speed / bare create speed >= {args.target_ratio}",
            f"{import_speed:.0f} / {bare_speed:.0f} reads/s = {ratio:.2f}",
            ratio >= args.target_ratio,
        ),
        (
            "queries per read do not grow with the accounts",
            f"{big_qpr:.4f} ({args.accounts} acc.) vs {small_qpr:.4f} "
            f"({args.small_accounts} acc.)",
            big_n == small_n and big_q <= small_q + 5,
        ),
    ]
    print()
    for name, value, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    if profiler:
        print_profile(profiler, args.profile_limit)
    return 0 if all(ok for _n, _v, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
