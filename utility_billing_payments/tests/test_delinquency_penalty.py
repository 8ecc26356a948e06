# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.utility_billing.tools import numbering

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyPenalty(UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("PEN0001")
        cls.penalty_step = cls.policy.step_ids.filtered(lambda s: s.action == "penalty")

    def test_cap_of_government_code_54348(self):
        with self.assertRaisesRegex(ValidationError, "at most 10"):
            self.penalty_step.penalty_percent = 10.5
        with self.assertRaisesRegex(ValidationError, "at most 10"):
            self.penalty_step.penalty_percent = 0.0
        self.penalty_step.penalty_percent = 10.0
        # A flat penalty above 10% of the delinquent charges is cut to 10%.
        self.penalty_step.write({"penalty_type": "flat", "penalty_amount": 25.0})
        usd = self.company.currency_id
        self.assertEqual(self.penalty_step._compute_penalty(100.0, usd), 10.0)
        self.assertEqual(self.penalty_step._compute_penalty(400.0, usd), 25.0)
        self._bill(self.account, 80.0)
        self._run(self._days(1))
        self.assertEqual(self._penalties(self.account).amount_total, 8.0)

    def test_percent_of_unpaid_part(self):
        bill = self._bill(self.account, 150.0)
        self._pay(self.account, 50.0, self._days(0))
        self.penalty_step.penalty_percent = 5.0
        self._run(self._days(1))
        penalty = self._penalties(self.account)
        self.assertEqual(penalty.amount_total, 5.0, "5% of the $100 left unpaid")
        self.assertIn(bill.name, penalty.invoice_line_ids.name)
        # The account's history says what the penalty is, not only the number
        # of the bill it is on.
        row = self.account.timeline_ids.filtered(
            lambda r: r.res_model == "account.move" and r.res_id == penalty.id
        )
        self.assertEqual(
            row.description,
            f"{penalty.name}: Late penalty on bill {bill.name}: 5% of $\xa0100.00",
        )

    def test_penalty_in_the_account_language(self):
        """A Spanish-speaking customer's penalty line is in Spanish, as the
        lines of the bills it is on (whatever the clerk's language)."""
        if not self.env["res.lang"]._lang_get("es_MX"):
            self.skipTest("Spanish (es_MX) is not installed.")
        self.account.lang = "es_MX"
        bill = self._bill(self.account, 100.0)
        self.penalty_step.penalty_percent = 5.0
        self._run(self._days(1))
        line = self._penalties(self.account).invoice_line_ids
        self.assertEqual(
            line.name,
            f"Recargo por pago atrasado de la factura {bill.name}: 5% de $\xa0100.00",
        )

    def test_once_per_bill_each_bill(self):
        first = self._bill(self.account, 100.0)
        second = self._bill(self.account, 60.0, due=self._days(30))
        self._run(self._days(1))
        self._run(self._days(31))
        self._run(self._days(31))
        penalties = self._penalties(self.account)
        self.assertEqual(
            sorted(penalties.mapped("amount_total")), [6.0, 10.0], "One per bill"
        )
        self.assertEqual(penalties.utility_penalty_bill_id, first | second)
        # The database refuses a second penalty for a bill.
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            penalties[0].copy({"utility_penalty_bill_id": first.id})
            self.env.flush_all()

    def test_penalty_reversal_out_of_the_box(self):
        """With the payments addon and no penalty product set, the penalty the
        delinquency run bills (the shipped product) is reversed by an
        adjustment: requested, approved and posted by the CSRs."""
        self.company.utility_penalty_product_id = False
        self._bill(self.account, 100.0)
        self._run(self._days(1))
        penalty = self._penalties(self.account)
        self.assertEqual(penalty.invoice_line_ids.product_id, self.penalty_product)
        adjustment = (
            self.env["utility.adjustment"]
            .with_user(self.csr1)
            .create(
                {
                    "account_id": self.account.id,
                    "adjustment_type": "penalty_reversal",
                    "bill_id": penalty.id,
                    "reason": "First penalty in years: courtesy reversal",
                }
            )
        )
        adjustment.action_compute()
        self.assertEqual(adjustment.amount, penalty.amount_total)
        adjustment.with_user(self.csr1).action_submit()
        adjustment.with_user(self.csr2).action_approve()
        adjustment.with_user(self.csr2).action_post()
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.move_id.move_type, "out_refund")
        self.assertEqual(adjustment.move_id.amount_total, penalty.amount_total)
        self.assertEqual(penalty.payment_state, "reversed")

    def test_penalties_numbered_by_the_bills_sequence(self):
        """In a bills journal, the run's penalties take their numbers from the
        bills' sequence (as bills and debit notes do): past the numbers Odoo
        gave, and a later bill or debit note never takes theirs."""
        journal = self.journal
        sequence = self.env["ir.sequence"].create(
            {
                "name": "Test bills",
                "implementation": "standard",
                "prefix": f"{journal.code}/%(year)s/",
                "padding": 5,
                "company_id": self.company.id,
            }
        )
        journal.utility_bill_sequence_id = sequence
        bill = self._bill(self.account, 100.0)
        self._run(self._days(1))
        penalty = self._penalties(self.account)
        self.assertEqual(penalty.state, "posted")
        self.assertEqual(penalty.journal_id, journal)
        self.assertEqual(penalty.sequence_prefix, bill.sequence_prefix)
        self.assertGreater(penalty.sequence_number, bill.sequence_number)
        # The number came from the sequence: its next one follows it.
        after = numbering.next_name(sequence, journal, penalty.date)
        self.assertEqual(
            after,
            f"{penalty.sequence_prefix}{penalty.sequence_number + 1:05d}",
        )

    def test_penalty_invoices_take_no_step_of_their_own(self):
        self._bill(self.account, 100.0)
        for day in (1, 5, 30):
            self._run(self._days(day))
        self.assertEqual(len(self._penalties(self.account)), 1)
        notices = self._notices(self.account)
        self.assertEqual(notices.delinquency_bill_id.utility_penalty_bill_id.ids, [])

    def test_low_income_waiver_once_in_12_months(self):
        self._sb998_case(self.account, "inability")
        self._bill(self.account, 100.0)
        self._run(self._days(1))
        self.assertFalse(self._penalties(self.account))
        event = self._events(self.account).filtered(lambda e: e.action == "penalty")
        self.assertTrue(event.waived)
        self.assertEqual(self.account.interest_waiver_date, self._days(1))
        # The next bill within 12 months is charged.
        self._bill(self.account, 100.0, due=self._days(31))
        self._run(self._days(32))
        self.assertEqual(self._penalties(self.account).amount_total, 10.0)
        # A year later the waiver is available again.
        self._bill(self.account, 100.0, due=self._days(370))
        self._run(self._days(371))
        self.assertEqual(len(self._penalties(self.account)), 1)
        self.assertEqual(self.account.interest_waiver_date, self._days(371))
