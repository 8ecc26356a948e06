# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data of the delinquency run: a timeline of three accounts and today's run.

Plain functions of the ``utility.delinquency.run`` model (``runs``), reached
through its thin methods ``_demo_timeline`` (``demo/utility_delinquency_demo.xml``)
and ``_demo_today`` (``utility.report.demo`` of utility_billing_reports).
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.tools import clean_context

from odoo.addons.utility_billing.tools.workflow import workflow

from ..models.utility_delinquency_run import (
    NO_PDF_DOOR,
    QUIET_CONTEXT,
)


def demo_today(runs):
    """Demo data: today's daily run, after the timeline, so that every
    past-due account of the demo town is at its delinquency step (late
    notice first) or shows why not (a safeguard, a plan, under the
    policy's minimum), as the office would find it the morning the
    scheduled action has run."""
    company = runs.env.company
    if not runs.env["utility.delinquency.policy"].search_count(
        [("company_id", "=", company.id)]
    ):
        return False
    run = runs._get_or_create(company, company._utility_today())
    if run.state == "done" or run._later_run():
        return False
    # Letters are rendered when printed, not during the install.
    with workflow(NO_PDF_DOOR):
        run._run_all()
    return True


def demo_timeline(runs):
    """Demo data: three residential accounts with an unpaid bill.

    * the first (bill due 62 days ago) went through the late, final and
      shut-off notices and the door hanger, reached the shut-off list two
      days ago, and the list was confirmed: its disconnect order waits;
    * the second, low income with a medical certification and willing to
      enter a plan, is on the same list, blocked, with its reason;
    * the third has a bill due 3 days ago: run the steps for later dates
      (Collections > Run Delinquency Steps) to watch it go from the late
      notice to the shut-off list.
    """
    env = runs.with_context(clean_context(runs.env.context), **QUIET_CONTEXT).env
    company = env.company
    candidates = env["utility.account"].search(
        [
            ("company_id", "=", company.id),
            ("state", "=", "active"),
            ("customer_class", "=", "residential"),
            ("dlq_step_id", "=", False),
            ("low_income", "=", False),
            ("medical_certification", "=", False),
            ("appeal_pending", "=", False),
        ],
        order="id",
        limit=3,
    )
    if len(candidates) < 3 or runs.search_count([("company_id", "=", company.id)]):
        return False
    accounts = candidates
    today = fields.Date.context_today(runs)
    product = env.ref("utility_billing.product_water_usage")
    journal = company._get_utility_journal()
    first, second, third = accounts
    received = today - timedelta(days=40)
    env["utility.sb998.case"].sudo().create(
        [
            {
                "account_id": second.id,
                "kind": "medical",
                "received_date": received,
                "provider_name": "Dr. Elena Ruiz, Coachella Family Clinic",
            },
            {
                "account_id": second.id,
                "kind": "inability",
                "received_date": received,
                "inability_basis": "program",
                "program": "calfresh",
            },
            {
                "account_id": second.id,
                "kind": "willingness",
                "received_date": received,
            },
        ]
    ).action_accept()
    due_old = today - timedelta(days=62)
    for account, due, amount in (
        (first, due_old, 96.45),
        (second, due_old, 71.20),
        (third, today - timedelta(days=3), 88.10),
    ):
        bill = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "journal_id": journal.id,
                "invoice_date": due - timedelta(days=21),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "utility_account_id": account.id,
                "payment_reference": account.name,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": runs.with_context(
                                lang=account._utility_label_lang()
                            ).env._("Water usage (demo)"),
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": product._utility_income_account(company).id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        bill.action_post()
    runs = runs.browse()
    for days in (1, 5, 30, 45, 58, 60):
        run = runs._get_or_create(company, due_old + timedelta(days=days))
        with workflow(NO_PDF_DOOR):
            run._run_all()
        runs |= run
    shutoff = runs.shutoff_list_id
    if shutoff:
        shutoff.action_confirm()
    return True
