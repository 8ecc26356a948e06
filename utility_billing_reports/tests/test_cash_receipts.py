# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import UtilityReportsCommon

RECEIPTS = "utility.report.cash.receipt"


@tagged("post_install", "-at_install")
class TestCashReceipts(UtilityReportsCommon):
    """Receipts other than the counter's: ACH, mail, online and plain
    payments, from the payment entries of the accounts."""

    def _day_table(self, **filters):
        return {
            (day.isoformat(), source, tender): (count, amount)
            for day, source, tender, count, amount in self._group(
                RECEIPTS,
                ["date:day", "source", "tender"],
                ["receipt_count:sum", "amount:sum"],
                **filters,
            )
        }

    def test_by_day_and_source(self):
        self.assertEqual(
            self._day_table(date_from="2025-04-01", date_to="2025-05-31"),
            {
                ("2025-04-20", "ach", "Test Utility Bank"): (1, 90.24),
                ("2025-05-10", "mail", "Test Utility Bank"): (1, 40.0),
                # A customer payment without a source counts as "other".
                ("2025-05-15", "other", "Test Utility Bank"): (1, 20.0),
                ("2025-05-28", "online", "Test Utility Bank"): (1, 61.89),
            },
        )
        rows = self._report(RECEIPTS, date_from="2025-05-28", date_to="2025-05-28")
        self.assertEqual(rows.account_id, self.account_c)
        self.assertEqual(rows.partner_id, self.partner_c)
        self.assertEqual(rows.move_id, self.pay_c.move_id)
        self.assertEqual(rows.cashier_id, self.env.user)

    def test_write_offs_credit_notes_and_bills_are_no_receipts(self):
        rows = self._report(RECEIPTS, date_from="2025-01-01", date_to="2025-12-31")
        self.assertEqual(
            rows.move_id,
            (
                self.pay_a
                | self.pay_b_mail
                | self.pay_b_other
                | self.pay_c
                | self.deposit_payment
            ).move_id,
        )

    def test_returned_payment_is_negative(self):
        """An ACH debit returned on May 5 (reversed as the ACH returns do, on
        the account): its reversal counts against the receipts of that day,
        and A's March bill is open again."""
        move = self.pay_a.move_id
        receivable = move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        receivable.remove_move_reconcile()
        reversal = move._reverse_moves(
            [
                {
                    "date": "2025-05-05",
                    "ref": "R01 returned",
                    "utility_account_id": self.account_a.id,
                    "utility_payment_source": "ach",
                }
            ],
            cancel=True,
        )
        self.assertEqual(reversal.state, "posted")
        table = self._day_table(date_from="2025-05-05", date_to="2025-05-05")
        self.assertEqual(
            table, {("2025-05-05", "ach", "Test Utility Bank"): (0, -90.24)}
        )
        report = self._aged("2025-05-06")
        # March 90.24, 12 days past due; April not due yet.
        self.assertEqual(
            self._aged_table(report)[self.account_a.name],
            (123.16, 90.24, 0.0, 0.0, 0.0, 0.0, 213.40),
        )
        month = self._month_end("2025-05-01", "2025-05-31")
        self.assertAlmostEqual(month.collected, 31.65, places=2)
        self.assertTrue(month.ties)

    def test_filters_by_cycle_and_source(self):
        other_cycle = self.env["utility.billing.cycle"].create(
            {"name": "Other", "code": "TC9"}
        )
        self.assertFalse(self._report(RECEIPTS, billing_cycle_ids=[other_cycle.id]))
        rows = self._report(RECEIPTS, [("source", "=", "mail")])
        # C's deposit, paid by mail, is a receipt like any other.
        self.assertEqual(
            rows.move_id,
            (self.pay_b_mail | self.prior_payment | self.deposit_payment).move_id,
        )
