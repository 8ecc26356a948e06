#!/usr/bin/env python3
# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the go-live conversion on a synthetic city (issue 17, item 6).

Not a unit test (pytest collects only test_*.py): run it with
``bash setup/benchmark.sh`` or ``python3 tests/benchmarks/bench_conversion.py``
(``-d`` or ``UB_BENCH_DB`` names the database).

1. (Re)creates the benchmark database with utility_billing and
   utility_billing_payments, no demo data (``--reuse`` keeps it). The cities
   of the other benchmarks are not needed: the legacy city is in the files.
2. Writes the conversion templates (static/conversion/) of a synthetic legacy
   city of ``--conversion-accounts`` accounts (20,000) with ``--months`` (12)
   months of reads: customers, premises on 20 routes, water meters, accounts
   (one in fifty final), water and trash services, opening balances by aging
   bucket, deposits held (one account in four) and the read history; and the
   legacy control totals of the proof. ``--export DIR`` only writes the files
   (and the totals, totals.txt) to DIR.
3. In the company of the database (its routes and rate codes created for the
   run), measures each stage of a conversion batch as a manager runs it:
   Validate, Load, and the proof totals; everything is rolled back afterwards,
   so that the benchmark can run again.
4. Stock Odoo beside it, in the same transaction, rolled back too: base_import
   of the same customers.csv into res.partner (the nearest stock import), and
   ``account.move`` create([...]) and post of as many opening invoices as the
   load made, by batches of 500.

Prints a table (rows/s, seconds per stage, SQL queries, peak memory) and exits
1 when a target is missed: validate + load + proof under ``--target-seconds``
(600), the proof ties, and memory flat: the load's peak memory grows by less
than ``--target-grow-mb`` (1,500 MB) whatever the size of the city.
"""

import argparse
import base64
import cProfile
import csv
import io
import os
import random
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bench_common import (  # noqa: E402
    Measure,
    add_database_arguments,
    check_query_counter,
    gc,
    parse_known,
    prepare_database,
    print_profile,
    user_env,
)

ROUTES = 20
STOCK_BATCH = 500


# ----------------------------------------------------------------------------
# The legacy city, written to the templates
# ----------------------------------------------------------------------------


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_city_files(accounts, months, prefix, cutover, seed=17):
    """The conversion templates of a synthetic legacy city.

    :return: ({kind: CSV text}, {legacy control total field: value})
    """
    from dateutil.relativedelta import relativedelta

    rng = random.Random(seed)
    files = {kind: [] for kind in ("customers", "premises", "meters", "accounts")}
    files.update(services=[], balances=[], deposits=[], reads=[])
    totals = {
        "legacy_active_count": 0,
        "legacy_final_count": 0,
        "legacy_closed_count": 0,
        "legacy_meter_count": 0,
        "legacy_current": 0.0,
        "legacy_days_31_60": 0.0,
        "legacy_days_61_90": 0.0,
        "legacy_days_91_plus": 0.0,
        "legacy_deposits": 0.0,
    }
    route_sums = {}
    read_days = [cutover - relativedelta(months=k, days=2) for k in range(months)]
    read_days.reverse()
    for i in range(1, accounts + 1):
        ref = f"{prefix}{i:07d}"
        route = f"{prefix}R{i % ROUTES + 1:02d}"
        street = f"{50000 + i} Calle {rng.choice(('Tampico', 'Paloma', 'Luna'))}"
        files["customers"].append(
            [f"C{ref}", f"Customer {ref}", street, "Coachella", "92236", "", ""]
        )
        files["premises"].append(
            [f"P{ref}", street, "Coachella", "92236", "", route, i, "residential", 1]
        )
        number = f"A{ref}"
        final = i % 50 == 0
        start = "2015-01-10"
        if final:
            end = (cutover - timedelta(days=20)).isoformat()
            files["accounts"].append(
                [number, f"C{ref}", f"P{ref}", "final", start, end]
            )
            files["services"].append([number, "TRASH", f"{prefix}-T", "", ""])
            totals["legacy_final_count"] += 1
        else:
            serial = f"M{ref}"
            files["meters"].append(
                [serial, f"P{ref}", "WATER", "3/4", 6, 1, "Badger", "M25", start]
            )
            files["accounts"].append(
                [number, f"C{ref}", f"P{ref}", "active", start, ""]
            )
            files["services"].append([number, "WATER", f"{prefix}-W", serial, ""])
            files["services"].append([number, "TRASH", f"{prefix}-T", "", ""])
            totals["legacy_active_count"] += 1
            totals["legacy_meter_count"] += 1
            reading = rng.randint(100, 5000)
            for k, day in enumerate(read_days):
                reading += rng.randint(4, 30)
                estimated = k % 7 == 3 and i % 10 == 0
                files["reads"].append(
                    [
                        serial,
                        day.isoformat(),
                        reading,
                        "estimated" if estimated else "actual",
                        number if k == 0 else "",
                    ]
                )
            route_sums[route] = route_sums.get(route, 0) + reading
        buckets = [round(rng.uniform(20, 120), 2), "", "", ""]
        if i % 5 == 0:
            buckets[1] = round(rng.uniform(10, 90), 2)
        if i % 20 == 0:
            buckets[2] = round(rng.uniform(10, 90), 2)
        if i % 50 == 0:
            buckets[3] = round(rng.uniform(10, 200), 2)
        if i % 97 == 0:
            buckets[0] = -15.0  # a credit
        files["balances"].append([number, *buckets])
        for column, value in zip(
            ("current", "days_31_60", "days_61_90", "days_91_plus"),
            buckets,
            strict=True,
        ):
            totals[f"legacy_{column}"] += value or 0.0
        if i % 4 == 0:
            files["deposits"].append([number, "100.00", "2015-01-10"])
            totals["legacy_deposits"] += 100.0
    for key, value in totals.items():
        if isinstance(value, float):
            totals[key] = round(value, 2)
    totals["legacy_route_reads"] = "\n".join(
        f"{code}: {total}" for code, total in sorted(route_sums.items())
    )
    headers = {
        "customers": "customer_ref,name,street,city,zip,email,phone",
        "premises": "premise_ref,street,city,zip,apn,route_code,walk_sequence,"
        "customer_class,living_units",
        "meters": "serial,premise_ref,service_type,size,dials,multiplier,make,"
        "model,install_date",
        "accounts": "account_number,customer_ref,premise_ref,status,start_date,"
        "end_date",
        "services": "account_number,service_type,rate_code,meter_serial,start_date",
        "balances": "account_number,current,days_31_60,days_61_90,days_91_plus",
        "deposits": "account_number,amount,paid_date",
        "reads": "meter_serial,read_date,reading,read_type,account_number",
    }
    texts = {kind: _csv(headers[kind].split(","), rows) for kind, rows in files.items()}
    return texts, totals


def export_files(directory, texts, totals):
    os.makedirs(directory, exist_ok=True)
    for kind, text in texts.items():
        with open(os.path.join(directory, f"{kind}.csv"), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(directory, "totals.txt"), "w", encoding="utf-8") as f:
        for key, value in totals.items():
            f.write(f"{key} = {value}\n")


# ----------------------------------------------------------------------------
# The company's routes and rate codes
# ----------------------------------------------------------------------------


def prepare_company(env, prefix):
    """Routes, rate codes and the conversion's service types in the company."""
    company = env.company
    cycle = env["utility.billing.cycle"].create(
        {
            "name": f"Conversion {prefix}",
            "code": f"{prefix}C",
            "read_day": 5,
            "bill_day": 8,
            "due_days": 21,
        }
    )
    env["utility.route"].create(
        [
            {
                "name": f"Route {prefix}R{r:02d}",
                "code": f"{prefix}R{r:02d}",
                "cycle_id": cycle.id,
            }
            for r in range(1, ROUTES + 1)
        ]
    )
    types = {
        st.code: st
        for st in env["utility.service.type"].search(
            [("company_id", "in", [company.id, False])]
        )
    }
    for code, service in (("W", "WATER"), ("T", "TRASH")):
        env["utility.rate.schedule"].create(
            {
                "name": f"Conversion {prefix}-{code}",
                "code": f"{prefix}-{code}",
                "service_type_id": types[service].id,
                "effective_from": "2010-01-01",
                "resolution": "Conversion benchmark",
            }
        )


# ----------------------------------------------------------------------------
# Stock Odoo
# ----------------------------------------------------------------------------


def stock_partner_import(env, text):
    """base_import of customers.csv into res.partner; return partners made."""
    importer = env["base_import.import"].create(
        {
            "res_model": "res.partner",
            "file": text.encode(),
            "file_name": "customers.csv",
            "file_type": "text/csv",
        }
    )
    header = text.split("\r\n", 1)[0].split(",")
    mapping = {
        "customer_ref": "ref",
        "name": "name",
        "street": "street",
        "city": "city",
        "zip": "zip",
        "email": "email",
        "phone": "phone",
    }
    result = importer.execute_import(
        [mapping[h] for h in header],
        header,
        {
            "quoting": '"',
            "separator": ",",
            "has_headers": True,
            "encoding": "utf-8",
            "date_format": "%Y-%m-%d",
            "float_thousand_separator": ",",
            "float_decimal_separator": ".",
        },
    )
    errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
    if errors:
        raise SystemExit(f"ERROR: stock base_import failed: {errors[:3]}")
    env.flush_all()
    return len(result.get("ids") or [])


def stock_opening_invoices(env, count, cutover):
    """account.move create([...]) and _post of ``count`` one-line customer
    invoices, by batches of STOCK_BATCH; return the moves made."""
    from odoo import Command

    company = env.company
    partner = env["res.partner"].create({"name": "Stock opening balances"})
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    income = company._utility_conversion_account()
    made = 0
    Move = env["account.move"].with_context(default_move_type="out_invoice")
    for start in range(0, count, STOCK_BATCH):
        vals_list = [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": cutover,
                "invoice_date_due": cutover,
                "date": cutover,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Opening balance",
                            "quantity": 1,
                            "price_unit": 10.0 + (start + n) % 90,
                            "account_id": income.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for n in range(min(STOCK_BATCH, count - start))
        ]
        moves = Move.create(vals_list)
        moves._post(soft=False)
        made += len(moves)
        env.flush_all()
        env.invalidate_all()
    return made


def stock_figures(env, texts, openings, cutover, results):
    """Stock Odoo beside it: base_import of customers.csv and as many opening
    invoices created and posted as the load made."""
    with Measure(env.cr) as m_partners:
        partners = stock_partner_import(env, texts["customers"])
    results.append(
        ("stock: base_import customers.csv -> res.partner", partners, m_partners)
    )
    env.invalidate_all()
    with Measure(env.cr) as m_moves:
        stock_moves = stock_opening_invoices(env, openings, cutover)
    results.append(
        (f"stock: account.move create+post, by {STOCK_BATCH}", stock_moves, m_moves)
    )


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark of the go-live conversion (validate, load, proof) "
        "of a synthetic legacy city beside stock Odoo. Defaults in square brackets."
    )
    add_database_arguments(
        parser, small_accounts_help="(not used by this benchmark) [%(default)s]"
    )
    parser.set_defaults(database=os.environ.get("UB_BENCH_DB", "ub_bench"))
    parser.add_argument(
        "--conversion-accounts",
        type=int,
        default=20000,
        help="accounts of the legacy city [%(default)s]",
    )
    parser.add_argument(
        "--conversion-prefix",
        default="CV",
        help="of the legacy keys, routes and rate codes [%(default)s]",
    )
    parser.add_argument(
        "--export",
        metavar="DIR",
        help="only write the legacy city's files and control totals to DIR",
    )
    parser.add_argument(
        "--target-seconds",
        type=float,
        default=600.0,
        help="validate + load + proof must take less [%(default)s]",
    )
    parser.add_argument(
        "--target-grow-mb",
        type=float,
        default=1500.0,
        help="the load's peak memory may grow by less [%(default)s]",
    )
    parser.add_argument(
        "--no-stock",
        action="store_true",
        help="leave out stock Odoo's figures (e.g. to profile the load alone)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the load and print its top functions (after the figures)",
    )
    parser.add_argument(
        "--profile-limit", type=int, default=30, help="functions listed [%(default)s]"
    )
    parser.add_argument(
        "--profile-out",
        metavar="FILE",
        help="with --profile, also save the load's profile to FILE (pstats)",
    )
    gc.add_db_arguments(parser)
    args = parse_known(parser, argv)
    if args.conversion_accounts < ROUTES:
        parser.error(f"--conversion-accounts must be at least {ROUTES}")
    return args


def print_table(rows):
    header = (
        f"{'':52} {'rows':>7} {'seconds':>8} {'cpu s':>7} {'rows/s':>8} "
        f"{'queries':>8} {'peak MB':>8} {'+MB':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, count, m in rows:
        per_s = count / m.seconds if m.seconds else 0.0
        print(
            f"{name:52} {count:>7} {m.seconds:>8.2f} {m.cpu_seconds:>7.1f} "
            f"{per_s:>8.0f} "
            f"{m.queries:>8} {m.peak_mb:>8.0f} {m.grow_mb:>6.0f}"
        )


def main(argv=None):
    args = parse_args(argv)
    gc.configure_odoo(args)
    import odoo
    from odoo.modules.registry import Registry

    prefix = args.conversion_prefix
    if args.export:
        from datetime import date

        texts, totals = write_city_files(
            args.conversion_accounts, args.months, prefix, date.today()
        )
        export_files(args.export, texts, totals)
        print(f"  legacy city of {args.conversion_accounts} accounts in {args.export}")
        return 0

    print(f"== Conversion benchmark, database {args.database}")
    prepare_database(args)
    registry = Registry(args.database)
    results = []
    with registry.cursor() as cr:
        counter = check_query_counter(cr)
        env = user_env(cr)
        if not env.user.has_group("utility_billing.group_manager"):
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(env.context))
        cutover = env.company._utility_today() - timedelta(days=1)
        with Measure(cr) as m_files:
            texts, totals = write_city_files(
                args.conversion_accounts, args.months, prefix, cutover
            )
        rows = {kind: text.count("\r\n") - 1 for kind, text in texts.items()}
        all_rows = sum(rows.values())
        print(
            f"  legacy city: {args.conversion_accounts} accounts, "
            + ", ".join(f"{n} {kind}" for kind, n in rows.items())
            + f" ({sum(len(t) for t in texts.values()) / 1e6:.1f} MB of CSV)"
        )
        results.append(("write the templates (script)", all_rows, m_files))
        prepare_company(env, prefix)
        values = {
            "name": f"Benchmark {prefix}",
            "cutover_date": cutover,
            **totals,
        }
        for kind, text in texts.items():
            values[f"{kind}_file"] = base64.b64encode(text.encode())
            values[f"{kind}_filename"] = f"{kind}.csv"
        conversion = env["utility.conversion"].create(values)
        env.flush_all()
        with Measure(cr) as m_validate:
            conversion.action_validate()
            env.flush_all()
        errors = conversion.error_ids[:5].mapped(
            lambda e: f"{e.file_name}:{e.line_no}:{e.field_name}: {e.message}"
        )
        if conversion.state != "validated":
            cr.rollback()
            raise SystemExit(f"ERROR: the legacy city does not validate: {errors}")
        results.append(("validate (parse, type, check, stage)", all_rows, m_validate))
        env.invalidate_all()
        profiler = cProfile.Profile() if args.profile else None
        with Measure(cr) as m_load:
            if profiler:
                profiler.enable()
            conversion.action_load()
            env.flush_all()
            if profiler:
                profiler.disable()
        created = conversion.created_count
        moves = len(conversion.move_ids)
        results.append(
            (f"load ({created} records created)", all_rows, m_load),
        )
        env.invalidate_all()
        with Measure(cr) as m_proof:
            ties = conversion.proof_ties
            proof = conversion.proof_html
        results.append(("proof totals", all_rows, m_proof))
        reads = env["utility.meter.read"].search_count(
            [("meter_id", "in", conversion.meter_ids.ids)]
        )
        openings = env["account.move"].search_count(
            [("id", "in", conversion.move_ids.ids), ("move_type", "=", "out_invoice")]
        )
        env.invalidate_all()

        if args.no_stock:
            cr.rollback()
        else:
            stock_figures(env, texts, openings, cutover, results)
            cr.rollback()

    print()
    print_table(results)
    print()
    total = m_validate.seconds + m_load.seconds + m_proof.seconds
    print(
        f"loaded: {created} records created, {reads} reads, "
        f"{moves} opening entries ({openings} opening invoices); everything "
        "rolled back"
    )
    print(
        f"queries counted with {counter}; cpu s = this process's CPU time "
        "(PostgreSQL's not counted); peak MB = peak resident set of the process "
        "during the step, +MB = its growth over the step's start"
    )
    if not ties:
        print(proof)
    targets = [
        (
            f"validate + load + proof under {args.target_seconds:.0f} s",
            f"{total:.1f} s for {args.conversion_accounts} accounts, {all_rows} rows",
            total < args.target_seconds,
        ),
        ("the proof totals tie", "TIES" if ties else "DIFFERENCE", ties),
        (
            f"memory flat: the load grows by less than {args.target_grow_mb:.0f} MB",
            f"+{m_load.grow_mb:.0f} MB (peak {m_load.peak_mb:.0f} MB)",
            m_load.grow_mb < args.target_grow_mb,
        ),
    ]
    for name, value, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    if profiler:
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
        print_profile(profiler, args.profile_limit, what="the load")
    return 0 if all(ok for _n, _v, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
