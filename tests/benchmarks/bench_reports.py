#!/usr/bin/env python3
# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the Finance Director's reports beside stock Odoo's nearest
queries, on the synthetic city with a year of bills and payments.

Not a unit test (pytest collects only test_*.py): run it with
``UB_BENCH_DB=ub_bench_rep python3 tests/benchmarks/bench_reports.py``
(or through ``bash setup/benchmark.sh``).

1. The benchmark database (``--database``, default ``$UB_BENCH_DB`` or
   ``ub_bench``) with the benchmark addons and utility_billing_reports, no demo
   data, Coachella's rates (bench_billing_run.py) and the synthetic city of
   20,000 accounts with 12 months of reads (setup/generate_city.py). With
   ``--reuse`` the database, its city and its ledger are kept.
2. The ledger, built once (its build is timed apart, never with the reports;
   each step is committed, and a run interrupted resumes at the next step):
   a. the month of the city's last reads billed by real billing runs (one per
      cycle of the city, batches of 200 as the cron workers do) for
      ``--bill-accounts`` accounts spread over the city; the bills of the
      other accounts are SQL copies of theirs (same customer class, so the
      same services), so that every account has its bill;
   b. those bills copied in SQL to each of the 11 months before (new numbers,
      dates a month earlier each time, their own billing runs), and each
      month's reads marked billed on its bill;
   c. payments in SQL, as the counter, ACH, mail and online postings make
      them: one entry per bill paid (about 92% of the bills, some half paid,
      the rest unpaid), with its payment source, reconciled with the bill
      (partial reconciliations with their max_date) from 15 days before to 14
      days after the due date; the counter ones also as Point of Sale orders
      and payments (cash, check, card, three cashiers), plus ``--citations``
      citations sold at the counter;
   d. ``--adjustments`` adjustments posted through the ORM (request,
      approval, credit note); deposits held by a third of the accounts, booked
      to the customer deposits account; the revenue sums of the copied bills.
   The first run (city and ledger) takes about a quarter of an hour on two
   busy cores; with ``--reuse`` the measurements alone take two minutes.
3. Each report is measured as a user opens it: the list's first page and
   count, the pivot's groups, the aged receivables of 20,000 accounts as of
   a date, the month-end roll-forward, the workbook of a month. Each stock Odoo
   query beside it is the nearest one Odoo Community has (no aged balance or
   financial report there): read_group of the receivable journal items by
   partner, of the invoice analysis, of the income items, of POS payments.
   Each measurement runs ``--repeat`` times; the fastest counts.

Prints a table and exits 1 when a report takes ``--target`` seconds (2.0) or
more (the workbook, which writes every bill of the month, is shown for
information).
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
    city_end_date,
    ensure_city,
    gc,
    parse_known,
    pg_connect,
    prepare_database,
    run_odoo,
    user_env,
)
from bench_billing_run import assign_rates, ensure_billing_setup  # noqa: E402

BATCH_SIZE = 200
LEDGER_PARAM = "utility_billing_reports.bench_ledger"
LEDGER_STEP_PARAM = "utility_billing_reports.bench_ledger_step"


# ----------------------------------------------------------------------------
# SQL helpers of the ledger
# ----------------------------------------------------------------------------

NOW = "(now() AT TIME ZONE 'UTC')"


def columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = %s
         ORDER BY ordinal_position""",
        (table,),
    )
    return [row[0] for row in cr.fetchall()]


def clone_rows(cr, table, source_sql, overrides, id_expr="map.new_id"):
    """INSERT INTO ``table`` a copy of the template row ``t`` for each row
    ``map`` of ``source_sql`` (a FROM clause): every column copied from ``t``
    unless ``overrides`` gives its SQL expression; the id is ``id_expr``.
    Returns the number of rows inserted."""
    cols = [c for c in columns(cr, table) if c != "id"]
    exprs = [overrides.get(c, f't."{c}"') for c in cols]
    names = ", ".join(f'"{c}"' for c in cols)
    cr.execute(
        f"INSERT INTO {table} (id, {names}) "
        f"SELECT {id_expr}, {', '.join(exprs)} FROM {source_sql}"
    )
    return cr.rowcount


def shifted(column):
    """``column`` moved ``map.k`` months earlier."""
    return f"({column} - make_interval(months => map.k))::date"


# ----------------------------------------------------------------------------
# The ledger: a year of bills, payments, counter receipts, adjustments and
# deposits in the city
# ----------------------------------------------------------------------------


def city_cycles(env, prefix):
    return env["utility.billing.cycle"].search([("code", "=like", f"{prefix}C%")])


def bill_last_month(env, prefix, sample):
    """Real billing runs of the month of the city's last reads, one per cycle,
    batch by batch as the cron workers do, for one account in ``sample``."""
    from dateutil.relativedelta import relativedelta

    runs = env["utility.billing.run"]
    for cycle in city_cycles(env, prefix):
        env.cr.execute(
            """SELECT max(r.read_date) FROM utility_meter_read r
                 JOIN utility_account a ON a.id = r.account_id
                WHERE a.billing_cycle_id = %s AND r.state = 'valid'""",
            (cycle.id,),
        )
        last = env.cr.fetchone()[0]
        run = runs.create(
            {
                "cycle_id": cycle.id,
                "period_start": last - relativedelta(months=1) + timedelta(days=1),
                "period_end": last,
                "bill_date": last + timedelta(days=3),
            }
        )
        run._create_lines()
        env.flush_all()
        env.cr.execute(
            "DELETE FROM utility_billing_run_line WHERE run_id = %s "
            "AND mod(account_id, %s) != 0",
            (run.id, sample),
        )
        env.invalidate_all()
        run._bill_sequence()
        run._set_state("computing")
        env.cr.commit()
        while run._process_batch("compute", batch_size=BATCH_SIZE):
            env.cr.commit()
        run._lock_rates()
        run._set_state("posting")
        env.cr.commit()
        while run._process_batch("post", batch_size=BATCH_SIZE):
            env.cr.commit()
        env.cr.commit()
        runs |= run
    return runs


def copy_accounts(env, runs):
    """Bills of the other accounts of the runs' cycles, copied from the billed
    ones of the same customer class (same services): the whole city billed."""
    cr = env.cr
    cr.execute("DROP TABLE IF EXISTS bench_acct_map")
    cr.execute(
        """CREATE TEMP TABLE bench_acct_map AS
           WITH templates AS (
                SELECT m.id AS bill_id, m.utility_billing_run_id AS run_id,
                       a.customer_class,
                       row_number() OVER w AS rn, count(*) OVER w AS n
                  FROM account_move m
                  JOIN utility_account a ON a.id = m.utility_account_id
                 WHERE m.utility_billing_run_id = ANY(%s)
                   AND m.move_type = 'out_invoice' AND m.state = 'posted'
                WINDOW w AS (PARTITION BY m.utility_billing_run_id, a.customer_class
                             ORDER BY m.id)
           ), targets AS (
                SELECT a.id AS account_id, a.partner_id, r.id AS run_id,
                       a.customer_class,
                       row_number() OVER (PARTITION BY r.id, a.customer_class
                                          ORDER BY a.id) AS rn
                  FROM utility_account a
                  JOIN utility_billing_run r ON r.cycle_id = a.billing_cycle_id
                 WHERE r.id = ANY(%s) AND a.state = 'active'
                   AND NOT EXISTS (
                       SELECT 1 FROM account_move m
                        WHERE m.utility_account_id = a.id
                          AND m.utility_billing_run_id = r.id)
           )
           SELECT t.account_id, t.partner_id, tp.bill_id AS old_id,
                  nextval('account_move_id_seq') AS new_id
             FROM targets t
             JOIN (SELECT DISTINCT ON (run_id, customer_class) run_id,
                          customer_class, n FROM templates) c
               ON c.run_id = t.run_id AND c.customer_class = t.customer_class
             JOIN templates tp
               ON tp.run_id = t.run_id AND tp.customer_class = t.customer_class
              AND tp.rn = 1 + mod(t.rn - 1, c.n)""",
        (runs.ids, runs.ids),
    )
    bills = clone_rows(
        cr,
        "account_move",
        "bench_acct_map map JOIN account_move t ON t.id = map.old_id",
        {
            "name": "'UBC/' || map.new_id",
            "sequence_prefix": "'UBC/'",
            "sequence_number": "map.new_id",
            "partner_id": "map.partner_id",
            "commercial_partner_id": "map.partner_id",
            "partner_shipping_id": "map.partner_id",
            "utility_account_id": "map.account_id",
            "inalterable_hash": "NULL",
            "secure_sequence_number": "NULL",
            "access_token": "NULL",
            "made_sequence_gap": "FALSE",
            "create_date": NOW,
            "write_date": NOW,
        },
    )
    lines = clone_rows(
        cr,
        "account_move_line",
        "bench_acct_map map JOIN account_move_line t ON t.move_id = map.old_id",
        {
            "move_id": "map.new_id",
            "move_name": "'UBC/' || map.new_id",
            "partner_id": "map.partner_id",
            "utility_account_id": "map.account_id",
            "create_date": NOW,
            "write_date": NOW,
        },
        id_expr="nextval('account_move_line_id_seq')",
    )
    return bills, lines


def copy_months(env, runs, months):
    """Copy the bills of ``runs`` (and the runs) to each of the ``months``
    months before theirs; each month's reads are billed on its bill."""
    cr = env.cr
    cr.execute("DROP TABLE IF EXISTS bench_run_map, bench_bill_map")
    cr.execute(
        """CREATE TEMP TABLE bench_run_map AS
           SELECT r.id AS old_id, k, nextval('utility_billing_run_id_seq') AS new_id
             FROM utility_billing_run r, generate_series(1, %s) k
            WHERE r.id = ANY(%s)""",
        (months, runs.ids),
    )
    clone_rows(
        cr,
        "utility_billing_run",
        "bench_run_map map JOIN utility_billing_run t ON t.id = map.old_id",
        {
            "name": "t.name || '-' || map.k",
            "period_start": shifted("t.period_start"),
            "period_end": shifted("t.period_end"),
            "bill_date": shifted("t.bill_date"),
            "due_date": shifted("t.due_date"),
            "create_date": NOW,
            "write_date": NOW,
        },
    )
    cr.execute(
        """CREATE TEMP TABLE bench_bill_map AS
           SELECT m.id AS old_id, rm.k, rm.new_id AS run_id,
                  nextval('account_move_id_seq') AS new_id
             FROM account_move m
             JOIN bench_run_map rm ON rm.old_id = m.utility_billing_run_id
            WHERE m.move_type = 'out_invoice' AND m.state = 'posted'"""
    )
    bills = clone_rows(
        cr,
        "account_move",
        "bench_bill_map map JOIN account_move t ON t.id = map.old_id",
        {
            "name": "'UBH/' || map.new_id",
            "sequence_prefix": "'UBH/'",
            "sequence_number": "map.new_id",
            "date": shifted("t.date"),
            "invoice_date": shifted("t.invoice_date"),
            "invoice_date_due": shifted("t.invoice_date_due"),
            "utility_period_start": shifted("t.utility_period_start"),
            "utility_period_end": shifted("t.utility_period_end"),
            "utility_billing_run_id": "map.run_id",
            "inalterable_hash": "NULL",
            "secure_sequence_number": "NULL",
            "access_token": "NULL",
            "made_sequence_gap": "FALSE",
            "create_date": NOW,
            "write_date": NOW,
        },
    )
    lines = clone_rows(
        cr,
        "account_move_line",
        "bench_bill_map map JOIN account_move_line t ON t.move_id = map.old_id",
        {
            "move_id": "map.new_id",
            "move_name": "'UBH/' || map.new_id",
            "date": shifted("t.date"),
            "date_maturity": shifted("t.date_maturity"),
            "invoice_date": shifted("t.invoice_date"),
            "create_date": NOW,
            "write_date": NOW,
        },
        id_expr="nextval('account_move_line_id_seq')",
    )
    return bills, lines


def bill_reads(env):
    """Each month's reads billed on that month's bill of the account."""
    env.cr.execute(
        """UPDATE utility_meter_read r
              SET billed_move_id = m.id, state = 'billed'
             FROM account_move m
            WHERE m.utility_account_id = r.account_id
              AND m.move_type = 'out_invoice'
              AND m.utility_billing_run_id IS NOT NULL
              AND r.read_date BETWEEN m.utility_period_start AND m.utility_period_end
              AND r.billed_move_id IS NULL AND r.state = 'valid'"""
    )
    return env.cr.rowcount


def add_payments(env, today):
    """One payment entry per paid bill, from a template paid through the ORM,
    reconciled with the bill; returns (payments, partial reconciliations)."""
    cr = env.cr
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
    )
    payer = env["res.partner"].create({"name": "Bench template payer"})
    payment = env["account.payment"].create(
        {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": payer.id,
            "amount": 1.0,
            "journal_id": journal.id,
        }
    )
    payment.action_post()
    template = payment.move_id
    receivable_tmpl = template.line_ids.filtered(
        lambda ln: ln.account_id.account_type == "asset_receivable"
    )
    bank_tmpl = template.line_ids - receivable_tmpl
    env.flush_all()
    cr.execute("DROP TABLE IF EXISTS bench_pay")
    # Choices from the bill's id: 8% unpaid, 6% half paid; the source; the day,
    # from 15 days before to 14 days after the due date (none after today).
    cr.execute(
        """CREATE TEMP TABLE bench_pay AS
           SELECT m.id AS bill_id, l.id AS bill_line_id, l.account_id,
                  m.partner_id, m.utility_account_id, m.date AS bill_date,
                  (m.invoice_date_due + (mod(m.id::bigint * 7919, 30)::int - 15))::date
                      AS date,
                  CASE WHEN mod(m.id::bigint * 104729, 100) < 14
                       THEN round(m.amount_total / 2, 2) ELSE m.amount_total END
                      AS amount,
                  CASE WHEN mod(m.id::bigint * 31, 100) < 45 THEN 'ach'
                       WHEN mod(m.id::bigint * 31, 100) < 65 THEN 'mail'
                       WHEN mod(m.id::bigint * 31, 100) < 80 THEN 'online'
                       WHEN mod(m.id::bigint * 31, 100) < 94 THEN 'counter'
                       ELSE 'other' END AS source,
                  nextval('account_move_id_seq') AS new_id,
                  nextval('account_move_line_id_seq') AS bank_line_id,
                  nextval('account_move_line_id_seq') AS rec_line_id
             FROM account_move m
             JOIN account_move_line l ON l.move_id = m.id
             JOIN account_account a ON a.id = l.account_id
            WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
              AND m.utility_billing_run_id IS NOT NULL
              AND a.account_type = 'asset_receivable'
              AND mod(m.id::bigint * 104729, 100) >= 8
              AND (m.invoice_date_due + (mod(m.id::bigint * 7919, 30)::int - 15))
                  <= %s""",
        (today,),
    )
    payments = clone_rows(
        cr,
        "account_move",
        f"bench_pay map JOIN account_move t ON t.id = {template.id}",
        {
            "name": "'BPAY/' || map.new_id",
            "sequence_prefix": "'BPAY/'",
            "sequence_number": "map.new_id",
            "ref": "NULL",
            "date": "map.date",
            "partner_id": "map.partner_id",
            "commercial_partner_id": "map.partner_id",
            "utility_account_id": "map.utility_account_id",
            "utility_payment_source": "map.source",
            "origin_payment_id": "NULL",
            "amount_total": "map.amount",
            "amount_total_signed": "map.amount",
            "amount_total_in_currency_signed": "map.amount",
            "inalterable_hash": "NULL",
            "secure_sequence_number": "NULL",
            "create_date": NOW,
            "write_date": NOW,
        },
    )
    common = {
        "move_id": "map.new_id",
        "move_name": "'BPAY/' || map.new_id",
        "date": "map.date",
        "date_maturity": "map.date",
        "partner_id": "map.partner_id",
        "payment_id": "NULL",
        "utility_account_id": "map.utility_account_id",
        "create_date": NOW,
        "write_date": NOW,
    }
    clone_rows(
        cr,
        "account_move_line",
        f"bench_pay map JOIN account_move_line t ON t.id = {bank_tmpl.id}",
        {
            **common,
            "debit": "map.amount",
            "credit": "0.0",
            "balance": "map.amount",
            "amount_currency": "map.amount",
            "amount_residual": "map.amount",
            "amount_residual_currency": "map.amount",
        },
        id_expr="map.bank_line_id",
    )
    clone_rows(
        cr,
        "account_move_line",
        f"bench_pay map JOIN account_move_line t ON t.id = {receivable_tmpl.id}",
        {
            **common,
            "account_id": "map.account_id",
            "debit": "0.0",
            "credit": "map.amount",
            "balance": "-map.amount",
            "amount_currency": "-map.amount",
            "amount_residual": "0.0",
            "amount_residual_currency": "0.0",
            "reconciled": "TRUE",
        },
        id_expr="map.rec_line_id",
    )
    cr.execute(
        f"""INSERT INTO account_partial_reconcile (
                debit_move_id, credit_move_id, amount, debit_amount_currency,
                credit_amount_currency, company_id, debit_currency_id,
                credit_currency_id, max_date, create_uid, write_uid,
                create_date, write_date)
            SELECT p.bill_line_id, p.rec_line_id, p.amount, p.amount, p.amount,
                   l.company_id, l.currency_id, l.currency_id,
                   greatest(p.bill_date, p.date), 1, 1, {NOW}, {NOW}
              FROM bench_pay p
              JOIN account_move_line l ON l.id = p.bill_line_id"""
    )
    partials = cr.rowcount
    cr.execute(
        """UPDATE account_move_line l
              SET amount_residual = l.balance - p.amount,
                  amount_residual_currency = l.amount_currency - p.amount,
                  reconciled = (l.balance - p.amount = 0)
             FROM bench_pay p WHERE p.bill_line_id = l.id"""
    )
    cr.execute(
        """UPDATE account_move m
              SET amount_residual = m.amount_total - p.amount,
                  amount_residual_signed = m.amount_total - p.amount,
                  payment_state = CASE WHEN m.amount_total - p.amount = 0
                                       THEN 'paid' ELSE 'partial' END
             FROM bench_pay p WHERE p.bill_id = m.id"""
    )
    # The template leaves no trace in the reports.
    payment.action_draft()
    payment.action_cancel()
    return payments, partials


def add_counter_receipts(env, citations):
    """The counter payments as Point of Sale orders and payments (cash,
    check, card; three cashiers), and ``citations`` citations sold at the
    counter, copied in SQL from two orders made through the ORM."""
    from odoo import Command

    cr = env.cr
    # Opening a counter session takes a Point of Sale user.
    env = env(user=env.ref("base.user_admin"))
    company = env.company
    Account = env["account.account"]
    pos_receivable = company.account_default_pos_receivable_account_id or (
        Account.create(
            {
                "name": "Bench POS receivable",
                "code": "BPOS1",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
    )
    journals = env["account.journal"].create(
        [
            {"name": name, "code": code, "type": kind}
            for name, code, kind in (
                ("Bench Counter Cash", "BCSH", "cash"),
                ("Bench Counter Checks", "BCHK", "bank"),
                ("Bench Counter Cards", "BCRD", "bank"),
            )
        ]
    )
    methods = env["pos.payment.method"].create(
        [
            {
                "name": name,
                "journal_id": journal.id,
                "receivable_account_id": pos_receivable.id,
            }
            for name, journal in zip(("Cash", "Check", "Card"), journals, strict=True)
        ]
    )
    income = Account.create(
        {"name": "Bench Citations", "code": "BCIT1", "account_type": "income"}
    )
    citation = env["product.product"].create(
        {
            "name": "Bench Parking Citation",
            "type": "service",
            "available_in_pos": True,
            "list_price": 45.0,
            "taxes_id": [Command.clear()],
            "property_account_income_id": income.id,
        }
    )
    cashiers = env["res.users"].create(
        [
            {
                "name": f"Bench Cashier {n}",
                "login": f"bench_cashier_{n}",
                "groups_id": [Command.link(env.ref("point_of_sale.group_pos_user").id)],
            }
            for n in (1, 2, 3)
        ]
    )
    config = env["pos.config"].create(
        {
            "name": "Bench City Hall Counter",
            "payment_method_ids": [Command.set(methods.ids)],
        }
    )
    config.open_ui()
    session = config.current_session_id
    session.set_opening_control(0, None)
    order_data = {
        "amount_paid": 45.0,
        "amount_return": 0.0,
        "amount_tax": 0.0,
        "amount_total": 45.0,
        "date_order": "2025-01-01 17:00:00",
        "fiscal_position_id": False,
        "pricelist_id": config.pricelist_id.id,
        "name": "Order bench-template",
        "last_order_preparation_change": "{}",
        "lines": [
            Command.create(
                {
                    "product_id": citation.id,
                    "qty": 1,
                    "price_unit": 45.0,
                    "price_subtotal": 45.0,
                    "price_subtotal_incl": 45.0,
                    "tax_ids": [Command.clear()],
                }
            )
        ],
        "partner_id": False,
        "session_id": session.id,
        "sequence_number": 1,
        "payment_ids": [
            Command.create(
                {"amount": 45.0, "name": "x", "payment_method_id": methods[0].id}
            )
        ],
        "uuid": "bench-template-0001",
        "user_id": cashiers[0].id,
        "to_invoice": False,
        "state": "paid",
    }
    result = env["pos.order"].sync_from_ui([order_data])
    template = env["pos.order"].browse(result["pos.order"][0]["id"])
    env.flush_all()
    cr.execute("DROP TABLE IF EXISTS bench_pos")
    # One order a counter payment (the utility payment itself: its amount),
    # plus the citations, spread over the year.
    cr.execute(
        """CREATE TEMP TABLE bench_pos AS
           SELECT nextval('pos_order_id_seq') AS new_id,
                  nextval('pos_payment_id_seq') AS payment_id,
                  NULL::int AS line_id,
                  (p.date + time '17:00')::timestamp AS date_order,
                  p.amount, p.partner_id,
                  (%s::int[])[1 + mod(p.bill_id::bigint, 3)] AS method_id,
                  (%s::int[])[1 + mod(p.bill_id::bigint * 7, 3)] AS user_id
             FROM bench_pay p WHERE p.source = 'counter'""",
        (methods.ids, cashiers.ids),
    )
    cr.execute(
        """INSERT INTO bench_pos
           SELECT nextval('pos_order_id_seq'), nextval('pos_payment_id_seq'),
                  nextval('pos_order_line_id_seq'),
                  (current_date - (n %% 365) + time '16:00')::timestamp,
                  45.0, NULL, (%s::int[])[1 + mod(n, 3)],
                  (%s::int[])[1 + mod(n, 3)]
             FROM generate_series(1, %s) n""",
        (methods.ids, cashiers.ids, citations),
    )
    orders = clone_rows(
        cr,
        "pos_order",
        f"bench_pos map JOIN pos_order t ON t.id = {template.id}",
        {
            "name": "'BENCH/' || map.new_id",
            "pos_reference": "'Order ' || map.new_id",
            "uuid": "gen_random_uuid()::text",
            "date_order": "map.date_order",
            "amount_total": "map.amount",
            "amount_paid": "map.amount",
            "partner_id": "map.partner_id",
            "user_id": "map.user_id",
            "state": "'done'",
            "access_token": "NULL",
            "create_date": NOW,
            "write_date": NOW,
        },
    )
    clone_rows(
        cr,
        "pos_payment",
        f"bench_pos map JOIN pos_payment t ON t.pos_order_id = {template.id}",
        {
            "pos_order_id": "map.new_id",
            "amount": "map.amount",
            "payment_method_id": "map.method_id",
            "payment_date": "map.date_order",
            "uuid": "gen_random_uuid()::text",
            "create_date": NOW,
            "write_date": NOW,
        },
        id_expr="map.payment_id",
    )
    lines = clone_rows(
        cr,
        "pos_order_line",
        "(SELECT * FROM bench_pos WHERE line_id IS NOT NULL) map "
        f"JOIN pos_order_line t ON t.order_id = {template.id}",
        {
            "order_id": "map.new_id",
            "uuid": "gen_random_uuid()::text",
            "create_date": NOW,
            "write_date": NOW,
        },
        id_expr="map.line_id",
    )
    return orders, lines


def add_adjustments(env, count):
    """``count`` courtesy credits requested, approved and posted (ORM)."""
    from odoo import Command

    requester = env["res.users"].create(
        {
            "name": "Bench CSR II",
            "login": "bench_csr2",
            "groups_id": [Command.link(env.ref("utility_billing.group_csr_2").id)],
        }
    )
    env.cr.execute(
        """SELECT m.id FROM account_move m
            WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
              AND m.utility_billing_run_id IS NOT NULL
              AND m.payment_state != 'paid'
         ORDER BY m.id DESC LIMIT %s""",
        (count,),
    )
    bills = env["account.move"].browse([row[0] for row in env.cr.fetchall()])
    for bill in bills:
        adjustment = (
            env["utility.adjustment"]
            .with_user(requester)
            .create(
                {
                    "account_id": bill.utility_account_id.id,
                    "bill_id": bill.id,
                    "adjustment_type": "other",
                    "amount": 10.0,
                    "reason": "Benchmark courtesy credit",
                }
            )
        )
        adjustment.action_compute()
        adjustment.action_submit()
        adjustment.with_user(env.ref("base.user_admin")).action_approve()
        adjustment.with_user(env.ref("base.user_admin")).action_post()
    return len(bills)


def add_deposits(env, prefix):
    """A 100.00 deposit held by every third account, booked in one entry."""
    from odoo import Command

    company = env.company
    liability = company.utility_deposit_account_id or env["account.account"].create(
        {
            "name": "Bench Customer Deposits",
            "code": "BDEP1",
            "account_type": "liability_current",
        }
    )
    company.utility_deposit_account_id = liability
    env.cr.execute(
        """UPDATE utility_account SET deposit_held = 100.0
            WHERE name LIKE %s AND mod(id, 3) = 0""",
        (prefix + "%",),
    )
    total = env.cr.rowcount * 100.0
    journal = env["account.journal"].search(
        [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
    )
    move = env["account.move"].create(
        {
            "journal_id": journal.id,
            "ref": "Bench deposits held",
            "line_ids": [
                Command.create(
                    {"account_id": journal.default_account_id.id, "debit": total}
                ),
                Command.create({"account_id": liability.id, "credit": total}),
            ],
        }
    )
    move.action_post()
    env["utility.account"].invalidate_model(["deposit_held"])
    return total


def build_ledger(registry, args):
    """The ledger of the city, built once, step by step (a step done is kept
    when the benchmark is run again after a failure): returns ({step:
    seconds}, summary)."""
    import odoo

    timings, counts = {}, {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "tz": "UTC"}
        )
        params = env["ir.config_parameter"]
        summary = params.get_param(LEDGER_PARAM)
        if summary:
            print(f"  ledger of {args.prefix}: {summary} (reused)")
            return timings, summary
        done = int(params.get_param(LEDGER_STEP_PARAM) or 0)
        env.company.write({"fiscalyear_last_month": "6", "fiscalyear_last_day": 30})
        today = time.strftime("%Y-%m-%d")
        runs = env["utility.billing.run"].search(
            [("cycle_id", "in", city_cycles(env, args.prefix).ids)],
            order="id",
            limit=len(city_cycles(env, args.prefix)),
        )

        def step(number, label, func):
            if done >= number:
                print(f"  ledger: {label}: done before")
                return
            t0 = time.perf_counter()
            func()
            params.set_param(LEDGER_STEP_PARAM, str(number))
            cr.commit()
            timings[label] = time.perf_counter() - t0

        def billing():
            nonlocal runs
            sample = max(1, args.accounts // args.bill_accounts)
            runs = bill_last_month(env, args.prefix, sample)
            counts["bills of billing runs"] = sum(len(r.invoice_ids) for r in runs)
            counts["bills copied to the other accounts"] = copy_accounts(env, runs)[0]

        def months():
            counts["bills copied to the months before"] = copy_months(
                env, runs, args.months - 1
            )[0]
            counts["reads billed"] = bill_reads(env)

        def payments():
            counts["payments"], counts["reconciliations"] = add_payments(env, today)

        def counter():
            counts["counter orders"] = add_counter_receipts(env, args.citations)[0]

        def others():
            counts["adjustments"] = add_adjustments(env, args.adjustments)
            counts["deposits held"] = add_deposits(env, args.prefix)

        def revenue_sums():
            # The copies were made in SQL: sum their revenue (the bills of the
            # billing runs were summed when they posted).
            counts["revenue sums"] = env["utility.report.revenue.sum"]._ub_rebuild()

        def analyze():
            cr.execute(
                "ANALYZE account_move, account_move_line, account_partial_reconcile, "
                "utility_meter_read, utility_account, pos_order, pos_payment, "
                "pos_order_line, utility_report_revenue_sum"
            )

        step(1, "billing runs of the last month, bills copied to the others", billing)
        step(2, f"bills copied to the {args.months - 1} months before", months)
        step(3, "payments and reconciliations", payments)
        step(4, "counter orders and citations", counter)
        step(5, "adjustments and deposits", others)
        step(6, "revenue sums of the copied bills", revenue_sums)
        step(7, "analyze", analyze)
        cr.execute(
            """SELECT
                 (SELECT count(*) FROM account_move WHERE move_type = 'out_invoice'
                     AND utility_billing_run_id IS NOT NULL AND state = 'posted'),
                 (SELECT count(*) FROM account_move
                   WHERE utility_payment_source IS NOT NULL),
                 (SELECT count(*) FROM account_partial_reconcile),
                 (SELECT count(*) FROM account_move_line),
                 (SELECT count(*) FROM pos_order),
                 (SELECT count(*) FROM utility_adjustment WHERE state = 'posted'),
                 (SELECT count(*) FROM utility_account WHERE deposit_held != 0)"""
        )
        bills, pays, partials, items, orders, adjustments, deposits = cr.fetchone()
        summary = (
            f"{bills} bills, {pays} payment entries, {partials} reconciliations, "
            f"{items} journal items, {orders} counter orders, {adjustments} "
            f"adjustments, {deposits} accounts holding a deposit"
        )
        params.set_param(LEDGER_PARAM, summary)
        cr.commit()
        return timings, summary


# ----------------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------------


def list_page(model, domain, fields_, limit=80):
    """What a list view asks (web_search_read): its first page with its
    fields, in one query, and the count."""
    model.search_fetch(domain, fields_, limit=limit)
    return model.search_count(domain)


def measurements(env, period):
    """[(report, what, ours, stock)]: callables measured in turn."""
    from dateutil.relativedelta import relativedelta

    month_start, month_end, year_start, as_of = period
    six_months = as_of - relativedelta(months=6)
    Reg = env["utility.report.billing.register"]
    Line = env["utility.report.billing.register.line"]
    Rev = env["utility.report.revenue"]
    Cons = env["utility.report.consumption"]
    Stats = env["utility.report.consumption.stats"]
    Cash = env["utility.report.cash.receipt"]
    Misc = env["utility.report.misc.receipt"]
    Adj = env["utility.report.adjustment"]
    Dep = env["utility.report.deposit"]
    AML = env["account.move.line"]
    Inv = env["account.invoice.report"]
    month = [("date", ">=", month_start), ("date", "<=", month_end)]
    year = [("date", ">=", year_start), ("date", "<=", month_end)]
    company = env.company
    receivable = [
        ("account_id.account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
    ]

    def aged(day):
        report = env["utility.report.aged.receivable"].create({"as_of_date": day})
        report._ub_compute()
        report._ub_totals_by_class()
        return len(report.line_ids)

    def roll_forward():
        wizard = env["utility.report.month.end"].create(
            {"date_from": month_start, "date_to": month_end}
        )
        return wizard._ub_summary()["ties"]

    def workbook():
        wizard = env["utility.report.export"].create(
            {"date_from": month_start, "date_to": month_end}
        )
        return len(wizard._ub_workbook(REPORT_KEYS))

    inv_month = [
        ("invoice_date", ">=", month_start),
        ("invoice_date", "<=", month_end),
        ("move_type", "=", "out_invoice"),
    ]
    return [
        (
            "Billing register",
            "list of the month's bills (page + count)",
            lambda: list_page(
                Reg,
                [*month, ("state", "=", "posted")],
                ["name", "date", "account_id", "consumption", "amount_total"],
            ),
            lambda: list_page(
                env["account.move"],
                inv_month,
                ["name", "invoice_date", "partner_id", "amount_total"],
            ),
        ),
        (
            "Billing register",
            "totals by run and class, fiscal year",
            lambda: Reg._read_group(
                year, ["run_id", "customer_class"], ["amount_total:sum", "__count"]
            ),
            lambda: Inv._read_group(
                [
                    ("invoice_date", ">=", year_start),
                    ("invoice_date", "<=", month_end),
                ],
                ["invoice_date:month"],
                ["price_total:sum"],
            ),
        ),
        (
            "Billing register",
            "month by service and revenue account",
            lambda: Line._read_group(
                month,
                ["line_kind", "service_type_id", "gl_account_id"],
                ["amount_total:sum", "quantity:sum"],
            ),
            lambda: Inv._read_group(
                [
                    ("invoice_date", ">=", month_start),
                    ("invoice_date", "<=", month_end),
                ],
                ["product_id", "account_id"],
                ["price_subtotal:sum", "quantity:sum"],
            ),
        ),
        (
            "Aged receivables",
            "20,000 accounts as of the month's end",
            lambda: aged(month_end),
            lambda: AML._read_group(
                [*receivable, ("reconciled", "=", False)],
                ["partner_id"],
                ["amount_residual:sum"],
            ),
        ),
        (
            "Aged receivables",
            "as of six months before",
            lambda: aged(six_months),
            lambda: AML._read_group(
                [*receivable, ("date", "<=", six_months)],
                ["partner_id"],
                ["balance:sum"],
            ),
        ),
        (
            "Revenue",
            "fiscal year by month, service, account (+ last year)",
            lambda: Rev._read_group(
                year,
                ["date:month", "service_type_id", "gl_account_id"],
                ["amount:sum", "amount_prior:sum"],
            ),
            lambda: AML._read_group(
                [
                    ("account_id.account_type", "in", ("income", "income_other")),
                    ("parent_state", "=", "posted"),
                    ("date", ">=", year_start),
                    ("date", "<=", month_end),
                ],
                ["date:month", "account_id"],
                ["balance:sum"],
            ),
        ),
        (
            "Revenue",
            "by fiscal quarter and year, all years",
            lambda: Rev._read_group(
                [],
                ["fiscal_year", "fiscal_quarter"],
                ["amount:sum", "amount_prior:sum"],
            ),
            lambda: AML._read_group(
                [
                    ("account_id.account_type", "in", ("income", "income_other")),
                    ("parent_state", "=", "posted"),
                ],
                ["date:quarter"],
                ["balance:sum"],
            ),
        ),
        (
            "Consumption",
            "year by month and class (pivot)",
            lambda: Cons._read_group(
                year,
                ["date:month", "customer_class"],
                ["consumption:sum", "average_consumption:avg"],
            ),
            lambda: env["utility.meter.read"]._read_group(
                [
                    ("read_date", ">=", year_start),
                    ("read_date", "<=", month_end),
                    ("state", "in", ("valid", "billed")),
                ],
                ["read_date:month", "service_type_id"],
                ["consumption:sum"],
            ),
        ),
        (
            "Consumption",
            "statistics list of the month",
            lambda: list_page(
                Stats,
                month,
                ["date", "service_type_id", "customer_class", "total", "median"],
            ),
            None,
        ),
        (
            "Consumption",
            "quarter: medians and top users",
            lambda: Stats._ub_statistics(
                company, month_start - relativedelta(months=2), month_end
            ),
            None,
        ),
        (
            "Cash receipts",
            "month by day, source and tender",
            lambda: Cash._read_group(
                month, ["date:day", "source", "tender"], ["amount:sum"]
            ),
            lambda: env["account.payment"]._read_group(
                [("date", ">=", month_start), ("date", "<=", month_end)],
                ["date:day", "journal_id"],
                ["amount:sum"],
            ),
        ),
        (
            "Cash receipts",
            "list of the month (page + count)",
            lambda: list_page(
                Cash, month, ["date", "source", "tender", "cashier_id", "amount"]
            ),
            lambda: list_page(
                env["pos.payment"],
                [
                    ("payment_date", ">=", month_start),
                    ("payment_date", "<=", month_end),
                ],
                ["payment_date", "payment_method_id", "amount"],
            ),
        ),
        (
            "Cash receipts",
            "miscellaneous receipts by account, year",
            lambda: Misc._read_group(
                year, ["gl_account_id", "product_id"], ["amount_untaxed:sum"]
            ),
            lambda: env["pos.order.line"]._read_group(
                [("order_id.date_order", ">=", year_start)],
                ["product_id"],
                ["price_subtotal:sum"],
            ),
        ),
        (
            "Adjustments",
            "register of the year (page + count)",
            lambda: list_page(Adj, year, ["name", "date", "account_id", "amount"]),
            lambda: list_page(
                env["account.move"],
                [("move_type", "=", "out_refund"), ("date", ">=", year_start)],
                ["name", "date", "amount_total"],
            ),
        ),
        (
            "Deposits held",
            "list (page + count) and tie-out",
            lambda: (
                list_page(Dep, [], ["account_id", "deposit_held"]),
                Dep._ub_tie_out(company),
            ),
            lambda: AML._read_group(
                [("account_id", "=", company.utility_deposit_account_id.id)],
                [],
                ["balance:sum"],
            ),
        ),
        (
            "Month-end summary",
            "roll-forward of the month, checked",
            roll_forward,
            lambda: AML._read_group(
                [("parent_state", "=", "posted"), ("date", "<=", month_end)],
                ["account_id"],
                ["balance:sum"],
            ),
        ),
        (
            "Workbook (information)",
            "XLSX of the month, every report",
            workbook,
            None,
        ),
    ]


REPORT_KEYS = [
    "billing_register",
    "aged",
    "revenue",
    "consumption",
    "cash_receipts",
    "adjustments",
    "deposits",
    "month_end",
]


def measure(env, func, repeat):
    """Fastest of ``repeat`` calls of ``func``: (seconds, queries)."""
    best = None
    for _attempt in range(repeat):
        env.invalidate_all()
        with Measure(env.cr) as m:
            func()
            env.flush_all()
        env.cr.rollback()
        env.invalidate_all()
        if best is None or m.seconds < best[0]:
            best = (m.seconds, m.queries)
    return best


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark of the reports beside stock Odoo's nearest queries, "
        "on a synthetic city with a year of bills and payments. Defaults in "
        "square brackets."
    )
    add_database_arguments(
        parser,
        small_accounts_help="unused here (the reports are measured in the city "
        "alone) [%(default)s]",
    )
    parser.set_defaults(database=os.environ.get("UB_BENCH_DB", "ub_bench"))
    parser.add_argument(
        "--bill-accounts",
        type=int,
        default=1000,
        help="accounts of the city billed by real billing runs; the others' "
        "bills are copies of theirs [%(default)s]",
    )
    parser.add_argument(
        "--adjustments",
        type=int,
        default=20,
        help="adjustments posted through the ORM [%(default)s]",
    )
    parser.add_argument(
        "--citations",
        type=int,
        default=3000,
        help="citations sold at the counter over the year [%(default)s]",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="calls of each query [%(default)s]"
    )
    parser.add_argument(
        "--target",
        type=float,
        default=2.0,
        help="seconds a report must answer in [%(default)s]",
    )
    gc.add_db_arguments(parser)
    args = parse_known(parser, argv)
    if min(args.accounts, args.months, args.repeat) < 1:
        parser.error("--accounts, --months and --repeat must be >= 1")
    return args


def setup_database(args):
    """The database with the reports addon, the rates, the city and its
    ledger; returns the ledger's build timings and its summary."""
    import odoo
    from odoo.modules.registry import Registry

    created = prepare_database(args)
    conn = pg_connect(args, args.database)
    try:
        with conn.cursor() as cur:
            cur.execute(
                """SELECT state FROM ir_module_module
                    WHERE name = 'utility_billing_reports'"""
            )
            row = cur.fetchone()
    finally:
        conn.close()
    # A database the other benchmarks built has no reports addon yet: install
    # it whatever --reuse and --no-update say.
    if created or not args.reuse or not row or row[0] != "installed":
        run_odoo(
            args,
            ["-i", "utility_billing_reports", "--without-demo=all"],
            "installing utility_billing_reports beside",
        )
    elif not args.no_update:
        run_odoo(
            args,
            ["-i", "utility_billing_reports", "-u", "utility_billing_reports"],
            "updating utility_billing_reports beside",
        )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        ensure_billing_setup(env)
        cr.commit()
    ensure_city(
        registry, args.prefix, args.accounts, args.months, city_end_date(), args.reuse
    )
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if assign_rates(env):
            gc.analyze(env)
        cr.commit()
    timings, summary = build_ledger(registry, args)
    return registry, timings, summary


def main(argv=None):
    args = parse_args(argv)
    gc.configure_odoo(args)
    print(f"== Reports benchmark, database {args.database}")
    started = time.perf_counter()
    registry, timings, summary = setup_database(args)
    for step, seconds in timings.items():
        print(f"  ledger: {step}: {seconds:.1f} s")
    print(f"  ledger: {summary}")
    from dateutil.relativedelta import relativedelta

    with registry.cursor() as cr:
        env = user_env(cr)
        check_query_counter(cr)
        cr.execute(
            """SELECT max(invoice_date) FROM account_move
                WHERE move_type = 'out_invoice' AND state = 'posted'"""
        )
        last_bill = cr.fetchone()[0]
        month_start = last_bill.replace(day=1)
        month_end = month_start + relativedelta(months=1) - timedelta(days=1)
        fy_end = env.company.compute_fiscalyear_dates(month_end)
        period = (month_start, month_end, fy_end["date_from"], month_end)
        print(
            f"  the month measured: {month_start} to {month_end}; fiscal year from "
            f"{fy_end['date_from']}; best of {args.repeat} calls"
        )
        rows = []
        for report, what, ours, stock in measurements(env, period):
            our_s, our_q = measure(env, ours, args.repeat)
            stock_s, stock_q = (
                measure(env, stock, args.repeat) if stock else (None, None)
            )
            rows.append((report, what, our_s, our_q, stock_s, stock_q))
            print(
                f"  {report}: {what}: {our_s:.3f} s"
                + (f" (stock {stock_s:.3f} s)" if stock else "")
            )
        cr.rollback()
    print()
    header = (
        f"{'report':24} {'what':52} {'ours s':>7} {'queries':>7} "
        f"{'stock s':>8} {'queries':>7}"
    )
    print(header)
    print("-" * len(header))
    for report, what, our_s, our_q, stock_s, stock_q in rows:
        stock_text = f"{stock_s:>8.3f} {stock_q:>7}" if stock_s is not None else ""
        print(f"{report:24} {what:52} {our_s:>7.3f} {our_q:>7} {stock_text}")
    print()
    print(
        "ours: the report's query as the screen (list page and count, pivot "
        "groups), the wizard (aged receivables filled for every account, the "
        "month-end roll-forward with its checks) or the export asks it, as the "
        "administrator (record rules on); stock: the nearest query of Odoo "
        "Community (it has no aged balance or financial reports): read_group "
        "of account.move.line, account.invoice.report, account.payment, "
        "pos.payment, pos.order.line, utility.meter.read."
    )
    failed = [
        r for r in rows if not r[0].endswith("(information)") and r[2] >= args.target
    ]
    print()
    for report, what, our_s, _q, _s, _sq in rows:
        if report.endswith("(information)"):
            continue
        ok = our_s < args.target
        print(f"{'PASS' if ok else 'FAIL'}  {report}: {what} < {args.target} s")
    print(f"total run time {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
