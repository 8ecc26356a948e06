# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A ledger for the demo town, so that the reports show figures: billing
runs of the last months, payments from every source (some partial, some
late, some missing), an adjustment and deposits billed and held.

Called at install by the ``utility.report.demo`` model (demo XML).
"""

import logging
import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields

_logger = logging.getLogger(__name__)

# Share of the bills paid by each source (the rest stays unpaid).
PAYMENT_MIX = [("ach", 0.40), ("mail", 0.20), ("online", 0.20), ("other", 0.05)]


def generate(env, months=6, seed=8):
    """Build the demo ledger in ``env``; False when bills already exist or no
    cycle has an active account."""
    company = env.company
    if env["account.move"].search_count(
        [
            ("company_id", "=", company.id),
            ("utility_billing_run_id", "!=", False),
        ],
        limit=1,
    ):
        return False  # bills already exist: nothing to add
    rng = random.Random(seed)
    quiet_env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
        )
    )
    today = fields.Date.context_today(env.user)
    cycles = quiet_env["utility.billing.cycle"].search(
        [("company_id", "=", company.id)]
    )
    cycles = cycles.filtered(
        lambda c: quiet_env["utility.account"].search_count(
            [("billing_cycle_id", "=", c.id), ("state", "=", "active")]
        )
    )
    if not cycles:
        return False
    # Deposits first: billed and paid when service started, before the
    # bills of the months that follow.
    _demo_deposits(env, company)
    bills = quiet_env["account.move"]
    first = today.replace(day=1) - relativedelta(months=months)
    for index in range(months):
        period_start = first + relativedelta(months=index)
        period_end = period_start + relativedelta(months=1) - timedelta(days=1)
        for cycle in cycles:
            run = quiet_env["utility.billing.run"].create(
                {
                    "cycle_id": cycle.id,
                    "period_start": period_start,
                    "period_end": period_end,
                    "bill_date": period_end + timedelta(days=3),
                }
            )
            run.action_compute()
            if run.state != "computed" or not run.billed_count:
                continue
            run.action_post()
            bills |= run.invoice_ids.filtered(lambda m: m.state == "posted")
    _demo_payments(env, bills, rng, today)
    _demo_adjustment(env, bills)
    # With the payments addon: today's delinquency step, as the scheduled
    # action would have taken it this morning, now that the ledger has its
    # past-due bills (every past-due account is at its step or says why
    # not).
    if "utility.delinquency.run" in env:
        env["utility.delinquency.run"]._demo_today()
    return True


def _demo_payments(env, bills, rng, today):
    journal = env["account.journal"].search(
        [("company_id", "=", env.company.id), ("type", "=", "bank")], limit=1
    )
    if not journal:
        return
    for bill in bills.sorted(lambda m: (m.invoice_date, m.id)):
        due = bill.invoice_date_due or bill.invoice_date
        roll = rng.random()
        source, cumulative = None, 0.0
        for key, share in PAYMENT_MIX:
            cumulative += share
            if roll < cumulative:
                source = key
                break
        if not source:
            continue
        pay_date = due + timedelta(days=rng.randint(-15, 20))
        if pay_date > today:
            continue
        amount = bill.amount_total
        if rng.random() < 0.1:
            amount = bill.currency_id.round(amount / 2)
        _demo_pay(env, bill.utility_account_id, journal, amount, pay_date, source)


def _demo_pay(env, account, journal, amount, date, source):
    """One customer payment of ``account`` with its source, applied to its
    bills oldest first."""
    payment = env["account.payment"].create(
        {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": account.partner_id.id,
            "amount": amount,
            "date": date,
            "journal_id": journal.id,
            "memo": account.name,
        }
    )
    payment.action_post()
    payment.move_id.write(
        {"utility_account_id": account.id, "utility_payment_source": source}
    )
    account._utility_apply_credit(payment.move_id.line_ids)
    return payment


def _demo_adjustment(env, bills):
    csr2 = env.ref("utility_billing.user_csr2_demo", raise_if_not_found=False)
    manager = env.ref("utility_billing.user_manager_demo", raise_if_not_found=False)
    bill = bills.sorted(lambda m: (m.invoice_date, m.id), reverse=True)[:1]
    if not (csr2 and manager and bill):
        return
    adjustment = (
        env["utility.adjustment"]
        .with_user(csr2)
        .create(
            {
                "account_id": bill.utility_account_id.id,
                "bill_id": bill.id,
                "adjustment_type": "other",
                "amount": 15.0,
                "reason": "Demo: meter misread corrected by the field crew.",
                "company_id": bill.company_id.id,
            }
        )
    )
    adjustment.action_compute()
    adjustment.action_submit()
    adjustment.with_user(manager).action_approve()
    adjustment.with_user(manager).action_post()


def _demo_deposits(env, company):
    """Deposits of a few residential accounts, billed as Start Service
    bills them (on the customer deposits account) and paid by mail on
    the day service started, but the last one's, still owed."""
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    if not journal:
        return
    accounts = (
        env["utility.account"]
        .search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "active"),
                ("customer_class", "=", "residential"),
            ],
            order="name",
        )
        .filtered(lambda a: not a.deposit_move_ids)[:8]
    )
    today = fields.Date.context_today(env.user)
    for index, account in enumerate(accounts):
        day = account.start_date or today
        invoice = account._utility_bill_deposit(account.deposit_required or 100.0, day)
        if index < len(accounts) - 1:
            _demo_pay(env, account, journal, invoice.amount_total, day, "mail")
