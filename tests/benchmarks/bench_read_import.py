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
   ``create()`` (``_create_prepared``), by batches of 2,000 as the import does.
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
import io
import os
import random
import sys
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bench_common import (  # noqa: E402
    TZ,
    Measure,
    add_database_arguments,
    check_query_counter,
    ensure_cities,
    gc,
    parse_known,
    prepare_database,
    print_profile,
    user_env,
)

IMPORT_BATCH = 2000  # CHUNK_SIZE of utility_read_import.py
HIGH_EVERY = 100  # one line in 100 is a high read (four times the usual use)
BAD_LINES = 10  # lines with an unknown meter or a reading that is not a number


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
        if next_local.date() >= today:
            # Early in the month the cycle's read day is still to come (the
            # city's last reads are a month old at most): read yesterday.
            yesterday = datetime.combine(today - timedelta(days=1), next_local.time())
            next_local = tz.localize(yesterday)
        if next_local.date() <= last_local.date():
            raise SystemExit(
                f"ERROR: meter {serial} was last read on {last_local.date()}: no "
                "day is left for next month's read before today. Rebuild the "
                "database (run without --reuse)."
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
    Read = env["utility.meter.read"]
    count = 0
    for start in range(0, len(vals_list), IMPORT_BATCH):
        count += len(Read._create_prepared(vals_list[start : start + IMPORT_BATCH]))
        Read.invalidate_model()
    env.flush_all()
    return count


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark of the meter read file import on a synthetic city. "
        "Defaults in square brackets."
    )
    add_database_arguments(
        parser,
        small_accounts_help="accounts of the small city, lines of the files compared "
        "[%(default)s]",
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
    args = parse_known(parser, argv)
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
    from odoo.modules.registry import Registry

    print(f"== Read import benchmark, database {args.database}")
    prepare_database(args)
    registry = Registry(args.database)
    # The cities' last reads are a month old, so that next month's reads are
    # not in the future.
    ensure_cities(registry, args)
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
