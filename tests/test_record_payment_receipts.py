# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Record Payment (utility_billing_payments) in the reports
(utility_billing_reports): a mailed check recorded by a CSR I is a receipt of
the day it was received, by source, in the cash receipts journal, and counts as
collected in the month-end, as the journal items say."""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.utility_billing_reports.tests.common import UtilityReportsCommon

RECEIPTS = "utility.report.cash.receipt"


@tagged("post_install", "-at_install")
class TestRecordPaymentReceipts(UtilityReportsCommon):
    def test_mailed_check_in_cash_receipts_and_month_end(self):
        self.env["utility.record.payment"].with_user(self.csr1).create(
            {
                "account_id": self.account_c.id,
                "amount": 30.0,
                "date": date(2025, 6, 4),
                "source": "mail",
                "journal_id": self.bank_journal.id,
                "check_number": "2201",
            }
        ).action_record()
        bill = self.bill["c", "april"]
        self.assertAlmostEqual(bill.amount_residual, bill.amount_total - 30.0)
        receipts = self._group(
            RECEIPTS,
            ["date:day", "source", "tender"],
            ["receipt_count:sum", "amount:sum"],
            date_from="2025-06-01",
            date_to="2025-06-30",
        )
        self.assertEqual(
            [(d.isoformat(), s, t, c, a) for d, s, t, c, a in receipts],
            [("2025-06-04", "mail", "Test Utility Bank", 1, 30.0)],
        )
        collected = -sum(
            self.env["account.move.line"]
            .search(
                [
                    ("utility_account_id.billing_cycle_id", "=", self.cycle.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("move_id.utility_payment_source", "!=", False),
                    ("date", ">=", "2025-06-01"),
                    ("date", "<=", "2025-06-30"),
                ]
            )
            .mapped("balance")
        )
        self.assertAlmostEqual(collected, 30.0)
        june = self._month_end("2025-06-01", "2025-06-30")
        self.assertAlmostEqual(june.collected, collected)
        self.assertTrue(june.ties)

    def test_drop_box_and_lockbox_batches_by_source(self):
        """A drop box batch and a lockbox batch posted on June 5: each is a
        source of its own in the cash receipts, on the day received, and the
        month-end collects them, as the journal items say."""
        Batch = self.env["utility.payment.batch"].with_user(self.csr1)
        for source, amount in (("drop_box", 25.0), ("lockbox", 12.5)):
            batch = Batch.create(
                {
                    "journal_id": self.bank_journal.id,
                    "date": date(2025, 6, 5),
                    "source": source,
                    "control_total": amount,
                    "control_count": 1,
                    "line_ids": [
                        Command.create(
                            {"account_id": self.account_c.id, "amount": amount}
                        )
                    ],
                }
            )
            batch.action_post()
        receipts = self._group(
            RECEIPTS,
            ["source"],
            ["receipt_count:sum", "amount:sum"],
            date_from="2025-06-05",
            date_to="2025-06-05",
        )
        by_source = {s: (c, a) for s, c, a in receipts}
        for source in ("drop_box", "lockbox"):
            lines = self.env["account.move.line"].search(
                [
                    ("utility_account_id", "=", self.account_c.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("move_id.utility_payment_source", "=", source),
                    ("date", "=", "2025-06-05"),
                ]
            )
            self.assertEqual(by_source[source], (1, -sum(lines.mapped("balance"))))
        self.assertEqual(by_source["drop_box"], (1, 25.0))
        self.assertEqual(by_source["lockbox"], (1, 12.5))
        june = self._month_end("2025-06-01", "2025-06-30")
        self.assertAlmostEqual(june.collected, 37.5)
        self.assertTrue(june.ties)
