#!/usr/bin/env python3
# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the daily delinquency run beside a stock Odoo equivalent.

Not a unit test (pytest collects only test_*.py): run it with
``bash setup/benchmark.sh`` or ``python3 tests/benchmarks/bench_delinquency_run.py``
(``-d`` or ``UB_BENCH_DB`` names the database).

1. (Re)creates the benchmark database with utility_billing and
   utility_billing_payments, no demo data (``--reuse`` keeps it), and the
   synthetic city of 20,000 accounts and the town of 2,000
   (setup/generate_city.py). The shipped delinquency policies apply
   (residential, commercial, other classes); the late-penalty product gets an
   income account.
2. One account in five (``--share``) of both cities gets one posted bill, due
   six days before the run's date (once: with ``--reuse`` the seeded database
   is kept and the run's date follows its bills): on that date each of them is
   charged its late penalty (a posted invoice, day 1; waived once a year for
   low-income households) and gets its late notice (day 5): a letter, or an
   e-mail for paperless customers.
3. Each measurement works in a copy of that database (``CREATE DATABASE ...
   TEMPLATE``), dropped afterwards.
   a. Our daily run for that date, as the scheduled action does it: batches
      of ``--batch-size`` accounts, each committed: ``--measure-batches``
      batches of the city, then one batch of the town. The letters' PDF is
      left out (``NO_PDF_DOOR``: wkhtmltopdf is not what is measured).
   b. Stock Odoo, for as many overdue invoices as (a) did in the city:
      Community has no follow-up, so the nearest stock way to do the same is
      what an accountant would do by hand, in batches of the same size: search
      the overdue receivable lines (``account.move.line`` search, as the aged
      receivable does), create and post one penalty invoice per overdue
      invoice with ``account.move.create(vals_list)`` / ``_post(soft=False)``
      (the same values as ours), and post a reminder message on each customer
      (``message_post``, the chatter note stock Odoo offers for a reminder).
   c. Queries per account, batch by batch: the city's batches, then the
      town's; they must be the same (no growth with the size of the city, nor
      with the batches done).

Prints a table (accounts/s, notices/s, queries per account, peak memory) and
exits 1 when the queries per account of the full batches vary by more than
``--query-spread`` (25%) or an account did not get exactly one penalty and one
notice.
"""

import argparse
import os
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bench_common import (  # noqa: E402
    Measure,
    add_database_arguments,
    check_query_counter,
    drop_database,
    ensure_cities,
    gc,
    parse_known,
    pg_connect,
    prepare_database,
    run_odoo,
)

BATCH_SIZE = 500  # BATCH_SIZE of utility_delinquency_run.py
DUE_DAYS_BEFORE = 6  # the bills are due this many days before the run


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark of the daily delinquency run beside stock Odoo, on "
        "a synthetic city. Defaults in square brackets."
    )
    add_database_arguments(
        parser, small_accounts_help="accounts of the small city [%(default)s]"
    )
    parser.set_defaults(database=os.environ.get("UB_BENCH_DB", "ub_bench"))
    parser.add_argument(
        "--share",
        type=float,
        default=0.2,
        help="share of the accounts with a delinquent bill [%(default)s]",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        help="accounts a batch (ours), overdue invoices a batch (stock) [%(default)s]",
    )
    parser.add_argument(
        "--measure-batches",
        type=int,
        default=3,
        help="batches of the city measured (ours and stock), then one batch of "
        "the town (ours) [%(default)s]",
    )
    parser.add_argument(
        "--query-spread",
        type=float,
        default=0.25,
        help="largest relative spread of the queries per account of the full "
        "batches [%(default)s]",
    )
    gc.add_db_arguments(parser)
    args = parse_known(parser, argv)
    if not 0 < args.share <= 1:
        parser.error("--share must be in (0, 1]")
    return args


# ----------------------------------------------------------------------------
# Database
# ----------------------------------------------------------------------------


def setup_database(args):
    import odoo
    from odoo.modules.registry import Registry

    prepare_database(args)
    conn = pg_connect(args, args.database)
    try:
        with conn.cursor() as cur:
            cur.execute(
                """SELECT state FROM ir_module_module
                    WHERE name = 'utility_billing_payments'"""
            )
            row = cur.fetchone()
    finally:
        conn.close()
    if not row or row[0] != "installed":
        run_odoo(
            args,
            ["-i", "utility_billing_payments", "--without-demo=all"],
            "installing utility_billing_payments beside",
        )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        income = env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", company.ids)],
            order="code",
            limit=1,
        )
        category = env.ref("utility_billing.product_category_utility").with_company(
            company
        )
        if not category.property_account_income_categ_id:
            category.property_account_income_categ_id = income
        company._get_utility_journal()
        cr.commit()
    ensure_cities(registry, args)
    Registry.delete(args.database)
    odoo.sql_db.close_db(args.database)


class Copy:
    """A copy of the benchmark database, dropped on exit."""

    def __init__(self, args, tag):
        self.args = args
        self.name = f"{args.database}_dlq_{tag}"

    def __enter__(self):
        drop_database(self.args, self.name)
        conn = pg_connect(self.args, "postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(
                    f'CREATE DATABASE "{self.name}" TEMPLATE "{self.args.database}"'
                )
        finally:
            conn.close()
        return self

    def __exit__(self, *exc):
        import odoo
        from odoo.modules.registry import Registry

        Registry.delete(self.name)
        odoo.sql_db.close_db(self.name)
        drop_database(self.args, self.name)
        return False


SEED_REF = "DLQBENCH"


def seed_bills(env, share, due, batch_size):
    """One posted bill, due on ``due``, for one account in 1/share of the active
    accounts (once: a database seeded before is kept); return their number."""
    from odoo import Command

    env.cr.execute("SELECT count(*) FROM account_move WHERE ref = %s", (SEED_REF,))
    seeded = env.cr.fetchone()[0]
    if seeded:
        return seeded, False
    step = max(1, round(1 / share))
    env.cr.execute("SELECT id FROM utility_account WHERE state = 'active' ORDER BY id")
    ids = [r[0] for r in env.cr.fetchall()][::step]
    company = env.company
    journal = company._get_utility_journal()
    product = env.ref("utility_billing.product_water_usage")
    account_id = product._utility_income_account(company).id
    Account = env["utility.account"]
    for start in range(0, len(ids), batch_size):
        accounts = Account.browse(ids[start : start + batch_size])
        vals_list = [
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "journal_id": journal.id,
                "invoice_date": due - timedelta(days=21),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "utility_account_id": account.id,
                "payment_reference": account.name,
                "ref": SEED_REF,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Water usage",
                            "quantity": 1,
                            "price_unit": 40.0 + account.id % 60,
                            "account_id": account_id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for account in accounts
        ]
        moves = (
            env["account.move"].with_context(tracking_disable=True).create(vals_list)
        )
        moves.with_context(skip_invoice_sync=True)._post(soft=False)
        env.cr.commit()
        env.invalidate_all()
    env.cr.execute("ANALYZE account_move_line")
    env.cr.commit()
    return len(ids), True


# ----------------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------------


def ours(copy, run_date, batch_size, measure_batches, town_prefix):
    """Our run for ``run_date``: ``measure_batches`` batches from the first
    account (the city's), then one batch from the town's first account, each
    batch its own transaction as the scheduled action works."""
    import odoo
    from odoo.modules.registry import Registry

    from odoo.addons.utility_billing.tools.workflow import workflow
    from odoo.addons.utility_billing_payments.models.utility_delinquency_run import (
        NO_PDF_DOOR,
    )

    registry = Registry(copy.name)
    batches = []
    # Letters' PDF left out: wkhtmltopdf is not what is measured.
    with registry.cursor() as cr, workflow(NO_PDF_DOOR):
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "UTC"})
        check_query_counter(cr)
        cr.execute(
            "SELECT min(id) FROM utility_account WHERE name LIKE %s",
            (town_prefix + "%",),
        )
        town_first = cr.fetchone()[0]
        Run = env["utility.delinquency.run"]
        with Measure(cr) as total:
            run = Run._get_or_create(env.company, run_date)
            run._start()
            cr.commit()
            for index in range(measure_batches + 1):
                if index == measure_batches:
                    run.last_account_id = town_first - 1  # the town's batch
                    cr.commit()
                with Measure(cr) as one:
                    before = run.account_count
                    more = run._process_batch(batch_size)
                    cr.commit()
                where = "town" if index == measure_batches else "city"
                batches.append(
                    (where, run.account_count - before, one.queries, one.seconds)
                )
                env.invalidate_all()
                if not more and index < measure_batches:
                    break
            run._finish()
            cr.commit()
        cr.execute(
            """SELECT count(*) FILTER (WHERE n_pen = 1 AND n_not = 1),
                      count(*) FILTER (WHERE n_pen != 1 OR n_not != 1),
                      count(*) FILTER (WHERE waived)
                 FROM (SELECT e.account_id,
                              count(*) FILTER (WHERE e.action = 'penalty') n_pen,
                              bool_or(e.waived) waived,
                              count(*) FILTER (WHERE e.action = 'late_notice') n_not
                         FROM utility_delinquency_event e
                        WHERE e.run_id = %s
                     GROUP BY e.account_id) t""",
            (run.id,),
        )
        exact, wrong, waived = cr.fetchone()
        cr.execute(
            """SELECT count(*) FROM mail_mail mm
                 JOIN mail_message m ON m.id = mm.mail_message_id
                WHERE m.model = 'utility.notice'"""
        )
        emails = cr.fetchone()[0]
        figures = {
            "accounts": run.account_count,
            "notices": run.notice_count,
            "penalties": run.penalty_count,
            "waived": waived,
            "emails": emails,
            "seconds": total.seconds,
            "queries": total.queries,
            "peak_mb": total.peak_mb,
            "batches": batches,
            "exact": exact,
            "wrong": wrong,
        }
    return figures


def stock(copy, run_date, batch_size, limit):
    """Stock Odoo: overdue invoices searched, one penalty invoice each, a
    reminder message on each customer."""
    import odoo
    from odoo import Command
    from odoo.modules.registry import Registry

    registry = Registry(copy.name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "UTC"})
        company = env.company
        journal = company._get_utility_journal()
        product = env.ref("utility_billing_payments.product_late_penalty")
        income = product._utility_income_account(company).id
        Move = env["account.move"].with_context(tracking_disable=True)
        done = notices = 0
        with Measure(cr) as total:
            last_id = 0
            while done < limit:
                lines = env["account.move.line"].search(
                    [
                        ("id", ">", last_id),
                        ("company_id", "=", company.id),
                        ("parent_state", "=", "posted"),
                        ("account_id.account_type", "=", "asset_receivable"),
                        ("reconciled", "=", False),
                        ("amount_residual", ">", 0),
                        ("date_maturity", "<", run_date),
                        ("move_id.move_type", "=", "out_invoice"),
                    ],
                    order="id",
                    limit=min(batch_size, limit - done),
                )
                if not lines:
                    break
                last_id = lines[-1].id
                vals_list = [
                    {
                        "move_type": "out_invoice",
                        "partner_id": line.partner_id.id,
                        "journal_id": journal.id,
                        "invoice_date": run_date,
                        "date": run_date,
                        "invoice_date_due": run_date + timedelta(days=21),
                        "invoice_payment_term_id": False,
                        "ref": line.move_id.name,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": f"Late penalty on bill {line.move_id.name}",
                                    "quantity": 1,
                                    "price_unit": round(line.amount_residual * 0.1, 2),
                                    "account_id": income,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for line in lines
                ]
                moves = Move.create(vals_list)
                moves.with_context(skip_invoice_sync=True)._post(soft=False)
                for line in lines:
                    line.partner_id.message_post(
                        body=f"Late payment notice: {line.amount_residual:.2f} past "
                        f"due on bill {line.move_id.name}, due on "
                        f"{line.date_maturity}.",
                        message_type="comment",
                        subtype_xmlid="mail.mt_note",
                    )
                    notices += 1
                done += len(lines)
                cr.commit()
                env.invalidate_all()
        return {
            "accounts": done,
            "notices": notices,
            "penalties": done,
            "seconds": total.seconds,
            "queries": total.queries,
            "peak_mb": total.peak_mb,
        }


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------


def main(argv=None):
    args = parse_args(argv)
    gc.configure_odoo(args)
    import odoo
    from odoo.modules.registry import Registry

    print(f"== Delinquency run benchmark, database {args.database}")
    setup_database(args)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "UTC"})
        started = time.perf_counter()
        due = odoo.fields.Date.today() - timedelta(days=DUE_DAYS_BEFORE)
        delinquent, created = seed_bills(env, args.share, due, args.batch_size)
        cr.execute(
            "SELECT max(invoice_date_due) FROM account_move WHERE ref = %s",
            (SEED_REF,),
        )
        due = cr.fetchone()[0]
        run_date = due + timedelta(days=DUE_DAYS_BEFORE)
        what = "seeded" if created else "seeded before, kept"
        print(
            f"  {delinquent} delinquent accounts {what} ({args.share:.0%}), bills "
            f"due {due}: {time.perf_counter() - started:.0f} s"
        )
    Registry.delete(args.database)
    odoo.sql_db.close_db(args.database)
    measured = args.measure_batches * args.batch_size
    print(
        f"  our daily run for {run_date}: {args.measure_batches} batches of "
        f"{args.batch_size} in {args.prefix}, one in {args.small_prefix}"
    )
    with Copy(args, "ours") as copy:
        our = ours(
            copy, run_date, args.batch_size, args.measure_batches, args.small_prefix
        )
    print(f"    {our['accounts']} accounts in {our['seconds']:.0f} s")
    print(
        f"  stock Odoo: {measured} overdue invoices, penalty invoices, reminder "
        "messages"
    )
    with Copy(args, "stock") as copy:
        base = stock(copy, run_date, args.batch_size, measured)
    print(f"    {base['accounts']} accounts in {base['seconds']:.0f} s")

    def per_s(n, seconds):
        return n / seconds if seconds else 0.0

    print()
    header = (
        f"{'':34} {'accounts':>8} {'notices':>8} {'seconds':>8} {'acc/s':>7} "
        f"{'notice/s':>8} {'q/acc':>6} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, res in (
        ("stock Odoo (search+invoice+message)", base),
        ("our daily run", our),
    ):
        print(
            f"{name:34} {res['accounts']:>8} {res['notices']:>8} "
            f"{res['seconds']:>8.1f} {per_s(res['accounts'], res['seconds']):>7.1f} "
            f"{per_s(res['notices'], res['seconds']):>8.1f} "
            f"{res['queries'] / max(res['accounts'], 1):>6.1f} {res['peak_mb']:>8.0f}"
        )
    full = [b for b in our["batches"] if b[1] == args.batch_size]
    print()
    print(
        "our run, queries per account batch by batch: "
        + ", ".join(f"{w} {q / n:.1f}" for w, n, q, _s in our["batches"] if n)
    )
    spread = 0.0
    if full:
        q_full = [q / n for _w, n, q, _s in full]
        spread = (max(q_full) - min(q_full)) / min(q_full)
        print(
            f"full batches: {len(full)}, queries per account {min(q_full):.1f} to "
            f"{max(q_full):.1f} (spread {spread:.0%})"
        )
    print(
        f"our run: {our['penalties']} penalty invoices posted and {our['waived']} "
        f"penalties waived (low income), {our['notices']} notices "
        f"({our['emails']} e-mailed, the others letters); accounts with exactly "
        f"one penalty step and one late notice: {our['exact']}, other: "
        f"{our['wrong']}"
    )
    print(
        "ours per account: penalty invoice created and posted, notice created (and "
        "e-mailed when paperless), steps recorded, account updated, shut-off list "
        "and safeguards checked; stock per account: the same invoice created and "
        "posted, a chatter message on the customer"
    )
    ok = (
        our["wrong"] == 0
        and our["exact"] == our["accounts"]
        and spread <= args.query_spread
    )
    ratio = per_s(our["accounts"], our["seconds"]) / max(
        per_s(base["accounts"], base["seconds"]), 1e-9
    )
    print(f"accounts/s, ours / stock: {ratio:.2f}")
    if not ok:
        print("ERROR: a target is missed (see above).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
