# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.utility_billing.tests.test_conversion import GOOD, ConversionCommon
from odoo.addons.utility_billing.tests.test_conversion_bills import BY_BILL

from .common_delinquency import UtilityDelinquencyCommon

HEADER = (
    "account_number,plan_ref,start_date,installment_amount,installments_left,"
    "next_due_date,frequency,amount_remaining\n"
)
# CV-0001 owes 83.85 (45.10 current, 38.75 at 31-60 days): 68.85 of it on a
# plan of three installments of 25.00, the last one smaller. CV-0002 owes
# 30.50: all of it on three of 10.17, within a cent.
PLANS = HEADER + (
    "CV-0001,PP-0001,2025-03-01,25.00,3,2025-07-15,monthly,68.85\n"
    "CV-0002,PP-0002,2025-05-01,10.17,3,2025-07-10,monthly,30.50\n"
)
BAD_PLANS = HEADER + (
    "CV-0001,PP-0001,2025-03-01,25.00,2,2025-07-15,monthly,68.85\n"
    "CV-0002,PP-0002,2025-05-01,10.00,5,2025-07-10,monthly,30.50\n"
    "CV-0003,PP-0003,2025-05-01,30.00,3,2025-04-15,monthly,90.00\n"
    "CV-0001,PP-0009,2025-03-01,25.00,3,2025-07-15,monthly,68.85\n"
    "CV-0099,PP-0005,2025-03-01,-5.00,13,2025-08-01,monthly,10.00\n"
    "CV-0098,PP-0006,2025-03-01,5.00,2,2025-08-01,weekly,10.00\n"
)
EXPECTED = {
    ("payment_plans.csv", 2, "amount_remaining"),  # installments pay less
    ("payment_plans.csv", 3, "amount_remaining"),  # one installment too many
    ("payment_plans.csv", 4, "amount_remaining"),  # more than the balance
    ("payment_plans.csv", 4, "next_due_date"),  # before the start
    ("payment_plans.csv", 5, "account_number"),  # a second plan of CV-0001
    ("payment_plans.csv", 6, "account_number"),  # account not in the file
    ("payment_plans.csv", 6, "installment_amount"),  # not positive
    ("payment_plans.csv", 6, "installments_left"),  # more than 12
    ("payment_plans.csv", 7, "frequency"),  # not monthly
}


@tagged("post_install", "-at_install")
class TestConversionPlans(ConversionCommon, UtilityDelinquencyCommon):
    def _plans(self):
        return self.env["utility.payment.plan"].search(
            [("account_id.name", "=like", "CV-%")]
        )

    def test_planted_errors_nothing_loaded(self):
        conversion = self._conversion({**GOOD, "payment_plans": BAD_PLANS})
        conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        errors = conversion.error_ids
        self.assertEqual(
            {(e.file_name, e.line_no, e.field_name) for e in errors}, EXPECTED
        )

        def message(line, column):
            return errors.filtered(
                lambda e: e.line_no == line and e.field_name == column
            ).message

        self.assertIn("less than the", message(2, "amount_remaining"))
        self.assertIn("too many", message(3, "amount_remaining"))
        self.assertIn("opening balance", message(4, "amount_remaining"))
        with self.assertRaises(UserError):
            conversion.action_load()
        self.assertFalse(self._plans())

    def test_load_through_the_workflow_protects_then_reload(self):
        # Above the approval amount: the legacy system approved it; the
        # manager who loads confirms it, no approval waits.
        self.company.utility_plan_approval_amount = 50.0
        conversion = self._conversion(
            {**GOOD, "payment_plans": PLANS},
            legacy_plans_count=2,
            legacy_plans_remaining=99.35,
        )
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        plans = {p.account_id.name: p for p in self._plans()}
        self.assertEqual(len(plans), 2)
        one, two = plans["CV-0001"], plans["CV-0002"]
        for plan in (one, two):
            self.assertEqual(plan.state, "active")
            self.assertEqual(plan.approved_by_id, self.manager)
            self.assertEqual(plan.account_id.payment_plan_id, plan)
        self.assertIn("PP-0001", one.note)
        # CV-0001 covers its opening balance: 15.00 outside the legacy
        # plan due at the cut-over, then the legacy installments, the last
        # one smaller.
        self.assertEqual(one.amount_total, 83.85)
        self.assertEqual(one.down_payment, 15.0)
        # Its opening invoice, with one receivable item per aging bucket.
        self.assertEqual(len(one.move_ids), 1)
        self.assertEqual(
            len(
                one.move_ids.line_ids.filtered(
                    lambda ln: ln.account_id.account_type == "asset_receivable"
                )
            ),
            2,
        )
        self.assertEqual(
            [(i.due_date, i.amount) for i in one.installment_ids],
            [
                (date(2025, 6, 30), 15.0),
                (date(2025, 7, 15), 25.0),
                (date(2025, 8, 15), 25.0),
                (date(2025, 9, 15), 18.85),
            ],
        )
        self.assertEqual(two.amount_total, 30.5)
        self.assertFalse(two.down_payment)
        self.assertEqual(two.installment_ids.mapped("amount"), [10.17, 10.17, 10.16])
        self.assertEqual(two.installment_ids[0].due_date, date(2025, 7, 10))
        table = {row[0]: row for row in conversion._proof_table()}
        self.assertEqual(table["Payment plans"][1:5], (2, 2, 0, True))
        self.assertEqual(
            table["Payment plans, amount remaining"][1:5], (99.35, 99.35, 0.0, True)
        )
        conversion.write({"legacy_plans_remaining": 100.0})
        table = {row[0]: row for row in conversion._proof_table()}
        self.assertEqual(
            table["Payment plans, amount remaining"][1:5], (100.0, 99.35, -0.65, False)
        )
        self.assertIn("Payment plans, amount remaining", conversion.proof_html)

        # A re-load of the same files creates nothing.
        again = self._conversion({**GOOD, "payment_plans": PLANS})
        again.action_validate()
        self.assertFalse(again.error_ids.mapped("message"))
        again.action_load()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(len(self._plans()), 2)

    def test_converted_plan_stops_the_delinquency_steps(self):
        """The first delinquency run after the cut-over: the account on a
        converted plan takes no step; the account without one does."""
        only_two = HEADER + PLANS.splitlines(keepends=True)[2]
        conversion = self._conversion({**GOOD, "payment_plans": only_two})
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        accounts = {a.name: a for a in conversion.account_ids}
        planned, unplanned = accounts["CV-0002"], accounts["CV-0001"]
        self.assertTrue(planned.payment_plan_id)
        self._run(date(2025, 7, 1))
        self.assertFalse(self._events(planned))
        self.assertFalse(self._notices(planned))
        self.assertTrue(self._events(unplanned))
        # The plan kept through the run.
        self.assertEqual(planned.payment_plan_id.state, "active")

    def test_plan_on_bills_converted_by_bill(self):
        """A plan of an account converted bill by bill covers its legacy
        bills (the credit memo applied to the oldest one)."""
        plans = HEADER + "CV-0002,PP-0002,2025-05-01,35.00,2,2025-07-10,monthly,70.00\n"
        conversion = self._conversion({**BY_BILL, "payment_plans": plans})
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        plan = self._plans()
        self.assertEqual(plan.state, "active")
        self.assertEqual(
            sorted(plan.move_ids.mapped("ref")), ["B-1801", "B-1901", "B-2001"]
        )
        self.assertEqual(plan.amount_total, 70.0)
        self.assertEqual(plan.installment_ids.mapped("amount"), [35.0, 35.0])

    def test_plans_alone_after_the_accounts(self):
        """The plans file loaded in a later batch, alone: the accounts and
        their balances are the ones converted before."""
        first = self._conversion(GOOD)
        first.action_validate()
        first.action_load()
        only_one = HEADER + PLANS.splitlines(keepends=True)[1]
        too_much = HEADER + (
            "CV-0001,PP-0001,2025-03-01,25.00,4,2025-07-15,monthly,90.00\n"
        )
        refused = self._conversion({"payment_plans": too_much})
        refused.action_validate()
        self.assertEqual(
            [(e.line_no, e.field_name) for e in refused.error_ids],
            [(2, "amount_remaining")],
        )
        self.assertIn("83.85", refused.error_ids.message)
        later = self._conversion({"payment_plans": only_one})
        later.action_validate()
        self.assertFalse(later.error_ids.mapped("message"))
        later.action_load()
        plan = self._plans()
        self.assertEqual(plan.account_id.name, "CV-0001")
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.amount_total, 83.85)
        self.assertEqual(plan.down_payment, 15.0)
