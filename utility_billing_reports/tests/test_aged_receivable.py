# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import UtilityReportsCommon


@tagged("post_install", "-at_install")
class TestAgedReceivable(UtilityReportsCommon):
    def test_as_of_end_of_april(self):
        """A paid its March bill on April 20; B and C had not paid theirs (due
        April 24): six days past due. The April bills did not exist yet."""
        report = self._aged(date(2025, 4, 30))
        self.assertEqual(
            self._aged_table(report),
            {
                self.account_b.name: (0.0, 74.49, 0.0, 0.0, 0.0, 0.0, 74.49),
                self.account_c.name: (0.0, 61.89, 0.0, 0.0, 0.0, 0.0, 61.89),
            },
        )
        self.assertEqual(report._ub_totals()["amount_total"], 136.38)

    def test_bill_paid_later_shows_open_then(self):
        """C paid its March bill on May 28: as of May 26 it is open and 32 days
        past due, as of May 31 it is paid. B's March bill, partly paid on May
        10 and 15, is open for the rest then, and written off on May 31."""
        report = self._aged(date(2025, 5, 26))
        self.assertEqual(
            self._aged_table(report),
            {
                # April bill less the 10.00 credit of May 20, due May 24.
                self.account_a.name: (0.0, 113.16, 0.0, 0.0, 0.0, 0.0, 113.16),
                # March: 74.49 - 40.00 - 20.00 = 14.49, 32 days; April 80.79.
                self.account_b.name: (0.0, 80.79, 14.49, 0.0, 0.0, 0.0, 95.28),
                # March 61.89, 32 days; April 58.74.
                self.account_c.name: (0.0, 58.74, 61.89, 0.0, 0.0, 0.0, 120.63),
            },
        )
        report = self._aged(date(2025, 5, 31))
        self.assertEqual(
            self._aged_table(report),
            {
                self.account_a.name: (0.0, 113.16, 0.0, 0.0, 0.0, 0.0, 113.16),
                self.account_b.name: (0.0, 80.79, 0.0, 0.0, 0.0, 0.0, 80.79),
                self.account_c.name: (0.0, 58.74, 0.0, 0.0, 0.0, 0.0, 58.74),
            },
        )
        self.assertEqual(report._ub_totals()["amount_total"], 252.69)

    def test_not_yet_due_is_current(self):
        report = self._aged(date(2025, 5, 10))
        self.assertEqual(
            self._aged_table(report),
            {
                self.account_a.name: (123.16, 0.0, 0.0, 0.0, 0.0, 0.0, 123.16),
                # March 74.49 - 40.00 paid that day, 16 days past due.
                self.account_b.name: (80.79, 34.49, 0.0, 0.0, 0.0, 0.0, 115.28),
                self.account_c.name: (58.74, 61.89, 0.0, 0.0, 0.0, 0.0, 120.63),
            },
        )

    def test_older_buckets(self):
        """Bills left unpaid age through every bucket."""
        table = self._aged_table(self._aged(date(2025, 9, 1)))
        # April bills due May 24: 100 days past due on September 1.
        self.assertEqual(
            table[self.account_b.name], (0.0, 0.0, 0.0, 0.0, 80.79, 0.0, 80.79)
        )
        table = self._aged_table(self._aged(date(2025, 10, 1)))
        self.assertEqual(
            table[self.account_b.name], (0.0, 0.0, 0.0, 0.0, 0.0, 80.79, 80.79)
        )
        table = self._aged_table(self._aged(date(2025, 7, 10)))
        # 47 days.
        self.assertEqual(
            table[self.account_c.name], (0.0, 0.0, 58.74, 0.0, 0.0, 0.0, 58.74)
        )
        table = self._aged_table(self._aged(date(2025, 8, 10)))
        # 78 days.
        self.assertEqual(
            table[self.account_c.name], (0.0, 0.0, 0.0, 58.74, 0.0, 0.0, 58.74)
        )

    def test_unapplied_credit_is_negative(self):
        """A payment beyond what is owed stays a credit on the account."""
        self._pay(self.account_c, 100.0, "2025-06-02", "mail")
        table = self._aged_table(self._aged(date(2025, 6, 5)))
        # 58.74 applied to the April bill, 41.26 left as a credit (current).
        self.assertEqual(
            table[self.account_c.name], (-41.26, 0.0, 0.0, 0.0, 0.0, 0.0, -41.26)
        )

    def test_total_ties_to_the_receivable_balance(self):
        for as_of in ("2025-04-15", "2025-05-12", "2025-05-27", "2025-06-30"):
            report = self._aged(as_of)
            lines = self.env["account.move.line"].search(
                [
                    ("utility_account_id.billing_cycle_id", "=", self.cycle.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("date", "<=", as_of),
                ]
            )
            self.assertAlmostEqual(
                report._ub_totals()["amount_total"],
                sum(lines.mapped("balance")),
                places=2,
                msg=as_of,
            )

    def test_filters_by_class_route_and_totals_by_class(self):
        report = self._aged(date(2025, 5, 31), customer_class="commercial")
        self.assertEqual(list(self._aged_table(report)), [self.account_b.name])
        report = self._aged(date(2025, 5, 31))
        by_class = {
            label: (totals["amount_total"], count)
            for label, totals, count in report._ub_totals_by_class()
        }
        self.assertEqual(
            by_class, {"Residential": (171.90, 2), "Commercial": (80.79, 1)}
        )
        other_route = self.env["utility.route"].create(
            {"name": "Other", "code": "TR9", "cycle_id": self.cycle.id}
        )
        report = self._aged(date(2025, 5, 31), route_ids=[Command.set(other_route.ids)])
        self.assertFalse(report.line_ids)

    def test_show_opens_the_lines_and_is_repeatable(self):
        report = self._aged(date(2025, 5, 31))
        action = report.action_show()
        self.assertEqual(action["res_model"], "utility.report.aged.receivable.line")
        self.assertEqual(action["domain"], [("report_id", "=", report.id)])
        report.as_of_date = date(2025, 4, 30)
        report.action_show()
        # Computed again, never added twice.
        self.assertEqual(len(report.line_ids), 2)
        self.assertEqual(report._ub_totals()["amount_total"], 136.38)
