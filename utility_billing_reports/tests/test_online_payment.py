# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An online payment of the customer portal in the cash receipts journal and
the month-end (issue 18 item 2)."""

from datetime import date

from odoo.tests import tagged

from odoo.addons.utility_billing_payments.tests.common_online import (
    UtilityOnlinePaymentMixin,
)

from .common import UtilityReportsCommon

RECEIPTS = "utility.report.cash.receipt"


@tagged("post_install", "-at_install")
class TestOnlinePaymentReports(UtilityOnlinePaymentMixin, UtilityReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls._setup_online_provider(cls.bank_journal)

    def _receivable_lines(self, date_from, date_to):
        return self.env["account.move.line"].search(
            [
                ("utility_account_id.billing_cycle_id", "=", self.cycle.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ]
        )

    def test_online_payment_on_the_day_received(self):
        """Paid at 9:30 pm in California on June 30 (04:30 UTC on July 1):
        a June receipt of source online in the bank journal, and June's
        month-end collects it and ties."""
        account = self.account_a
        account.invalidate_recordset(["balance"])
        balance = account.balance
        self.assertGreater(balance, 20.0)
        tx = self._online_pay(account, 20.0, "2025-07-01 04:30:00")
        move = tx.payment_id.move_id
        self.assertEqual(move.date, date(2025, 6, 30))
        self.assertEqual(move.utility_payment_source, "online")
        account.invalidate_recordset(["balance"])
        self.assertAlmostEqual(account.balance, balance - 20.0)
        rows = self._report(
            RECEIPTS, [("move_id", "=", move.id)], date_from="2025-06-01"
        )
        self.assertRecordValues(
            rows,
            [
                {
                    "date": date(2025, 6, 30),
                    "source": "online",
                    "tender": self.bank_journal.name,
                    "account_id": account.id,
                    "amount": 20.0,
                }
            ],
        )
        receipts = self._group(
            RECEIPTS,
            ["date:day", "source"],
            ["amount:sum"],
            date_from="2025-06-01",
            date_to="2025-07-31",
        )
        self.assertEqual(
            [(day.isoformat(), source, amount) for day, source, amount in receipts],
            [("2025-06-30", "online", 20.0)],
        )
        june = self._month_end("2025-06-01", "2025-06-30")
        self.assertAlmostEqual(june.collected, 20.0)
        closing = sum(
            self._receivable_lines("2000-01-01", "2025-06-30").mapped("balance")
        )
        self.assertAlmostEqual(june.closing_journal, closing)
        self.assertAlmostEqual(june.closing_computed, closing)
        self.assertTrue(june.ties)
        self.assertEqual(june._ub_summary()["collected_by_source"], [("Online", 20.0)])
