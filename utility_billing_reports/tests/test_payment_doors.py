# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from .common import UtilityReportsCommon

RECEIPTS = "utility.report.cash.receipt"


@tagged("post_install", "-at_install")
class TestPaymentDoors(UtilityReportsCommon):
    """Payments through every door, one rule: Odoo's own Register Payment on a
    utility bill belongs to the bill's account, so the cash receipts and the
    month-end count it."""

    def _register(self, bill, amount, when, source=None):
        vals = {
            "amount": amount,
            "payment_date": when,
            "journal_id": self.bank_journal.id,
        }
        if source:
            vals["utility_payment_source"] = source
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create(vals)
            ._create_payments()
        )

    def _receivable_lines(self, date_from, date_to, domain=()):
        return self.env["account.move.line"].search(
            [
                ("utility_account_id.billing_cycle_id", "=", self.cycle.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                *domain,
            ]
        )

    def test_register_payment_counts_in_month_end_and_cash_receipts(self):
        bill = self.bill["c", "april"]
        payment = self._register(bill, 58.74, date(2025, 6, 5), source="mail")
        self.assertEqual(bill.payment_state, "paid")
        move = payment.move_id
        self.assertEqual(move.utility_account_id, self.account_c)
        self.assertEqual(move.utility_payment_source, "mail")
        self.assertEqual(move.line_ids.utility_account_id, self.account_c)
        # Straight from the journal items: what June collected and what the
        # receivables of the ledger's accounts hold at the end of June.
        collected = -sum(
            self._receivable_lines(
                "2025-06-01", "2025-06-30", [("move_id.origin_payment_id", "!=", False)]
            ).mapped("balance")
        )
        self.assertAlmostEqual(collected, 58.74)
        closing = sum(
            self._receivable_lines("2000-01-01", "2025-06-30").mapped("balance")
        )
        june = self._month_end("2025-06-01", "2025-06-30")
        self.assertAlmostEqual(june.collected, collected)
        self.assertAlmostEqual(june.closing_journal, closing)
        self.assertAlmostEqual(june.closing_computed, closing)
        self.assertTrue(june.ties)
        receipts = self._group(
            RECEIPTS,
            ["date:day", "source"],
            ["amount:sum"],
            date_from="2025-06-01",
            date_to="2025-06-30",
        )
        self.assertEqual(
            [(day.isoformat(), source, amount) for day, source, amount in receipts],
            [("2025-06-05", "mail", 58.74)],
        )

    def test_register_payment_source_defaults_to_other(self):
        payment = self._register(self.bill["a", "april"], 20.0, date(2025, 6, 6))
        self.assertEqual(payment.move_id.utility_account_id, self.account_a)
        self.assertEqual(payment.move_id.utility_payment_source, "other")
