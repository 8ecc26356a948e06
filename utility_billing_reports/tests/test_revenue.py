# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import UtilityReportsCommon

REVENUE = "utility.report.revenue"


@tagged("post_install", "-at_install")
class TestRevenue(UtilityReportsCommon):
    def _by(self, groupby, **filters):
        return {
            tuple(group[:-2]) if len(group) > 3 else group[0]: (group[-2], group[-1])
            for group in self._group(
                REVENUE, groupby, ["amount:sum", "amount_prior:sum"], **filters
            )
        }

    def test_by_service_and_revenue_account_by_month(self):
        """March bills are April's revenue, April bills May's; the credit of
        May 20 lowers May's revenue; taxes are no revenue."""
        adjustment_account = self.adjustment.move_id.invoice_line_ids.account_id
        table = self._by(
            ["date:month", "service_type_id", "gl_account_id"],
            date_from="2025-04-01",
            date_to="2025-05-31",
        )
        table = {
            (month.strftime("%Y-%m"), service.code or "", account): amounts
            for (month, service, account), amounts in table.items()
        }
        self.assertEqual(
            table,
            {
                # 3 x 13.80 + 45.00 + 30.00 + 18.00
                ("2025-04", "WATER", self.income_water): (134.40, 0.0),
                ("2025-04", "TRASH", self.income_trash): (85.50, 0.0),
                # 3 x 13.80 + 61.50 + 14.85 + 36.00 + 15.00, and 2024's 50.00
                ("2025-05", "WATER", self.income_water): (168.75, 50.0),
                ("2025-05", "TRASH", self.income_trash): (85.50, 0.0),
                ("2025-05", "", adjustment_account): (-10.0, 0.0),
            },
        )

    def test_totals_tie_to_the_income_journal_items(self):
        (amount, prior) = self._group(
            REVENUE,
            [],
            ["amount:sum", "amount_prior:sum"],
            date_from="2025-04-01",
            date_to="2025-05-31",
        )[0]
        self.assertEqual((amount, prior), (219.90 + 254.25 - 10.0, 50.0))
        moves = (
            self.run_march.invoice_ids
            | self.run_april.invoice_ids
            | self.adjustment.move_id
        )
        income = moves.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "income"
        )
        self.assertAlmostEqual(-sum(income.mapped("balance")), amount, places=2)

    def test_fiscal_year_and_quarters(self):
        """Coachella's fiscal year ends June 30: April to June 2025 is the
        fourth quarter of 2024-25, and so is the same period a year before,
        shown a year later."""
        table = self._by(["fiscal_year", "fiscal_quarter", "period"])
        self.assertEqual(
            table,
            {
                ("2024-25", "2024-25 Q4", "current"): (464.15, 0.0),
                ("2023-24", "2023-24 Q4", "current"): (50.0, 0.0),
                ("2024-25", "2024-25 Q4", "prior"): (0.0, 50.0),
                ("2025-26", "2025-26 Q4", "prior"): (0.0, 464.15),
            },
        )
        self.company.write({"fiscalyear_last_month": "12", "fiscalyear_last_day": 31})
        table = self._by(["fiscal_year", "fiscal_quarter"], date_from="2025-01-01")
        self.assertEqual(
            table,
            {
                ("2025", "2025 Q2"): (464.15, 50.0),
                ("2026", "2026 Q2"): (0.0, 464.15),
            },
        )

    def test_filters(self):
        (residential,) = self._group(
            REVENUE,
            [],
            ["amount:sum"],
            customer_class="residential",
            date_from="2025-04-01",
            date_to="2025-04-30",
        )[0]
        # A and C's March bills, untaxed.
        self.assertEqual(residential, 87.30 + 60.30)
        (trash,) = self._group(
            REVENUE,
            [],
            ["amount:sum"],
            service_type_ids=[self.trash.id],
            date_from="2025-04-01",
            date_to="2025-05-31",
        )[0]
        self.assertEqual(trash, 171.0)

    def test_fiscal_year_from_the_settings(self):
        """Utility Billing > Configuration > Settings sets the fiscal year the
        revenue groups by: ending September 30, April 2025 is in 2024-25's
        third quarter."""
        settings = self.env["res.config.settings"].create(
            {"utility_fiscalyear_last_month": "9", "utility_fiscalyear_last_day": 30}
        )
        settings.execute()
        self.assertEqual(
            (self.company.fiscalyear_last_month, self.company.fiscalyear_last_day),
            ("9", 30),
        )
        table = self._by(
            ["fiscal_quarter"], date_from="2025-04-01", date_to="2025-04-30"
        )
        self.assertEqual(table, {"2024-25 Q3": (219.90, 0.0)})

    def test_reset_to_draft_cancel_and_repost(self):
        """Revenue follows the entries: a bill reset to draft (or cancelled)
        leaves it, posted again it comes back."""

        def april():
            return self._group(
                REVENUE,
                [],
                ["amount:sum"],
                date_from="2025-04-01",
                date_to="2025-04-30",
            )[0][0]

        bill = self.bill["c", "march"]
        bill.line_ids.remove_move_reconcile()
        bill.button_draft()
        self.assertEqual(april(), 159.60)  # 219.90 - 60.30
        bill.action_post()
        self.assertEqual(april(), 219.90)
        bill.button_cancel()
        self.assertEqual(april(), 159.60)

    def test_sums_rebuilt_and_merged_are_the_same(self):
        Sums = self.env["utility.report.revenue.sum"]

        def table():
            return self._by(
                ["date:month", "service_type_id", "gl_account_id"],
                date_from="2024-01-01",
                date_to="2025-12-31",
            )

        before = table()
        rows = Sums.search_count([])
        Sums._ub_compact()
        self.assertEqual(table(), before)
        self.assertLessEqual(Sums.search_count([]), rows)
        Sums._ub_rebuild()
        self.assertEqual(table(), before)
