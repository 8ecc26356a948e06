# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
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
        shown a year later. Last year's figures stop at the last revenue:
        no 2025-26 row of last year's figures only."""
        table = self._by(["fiscal_year", "fiscal_quarter", "period"])
        self.assertEqual(
            table,
            {
                ("2024-25", "2024-25 Q4", "current"): (464.15, 0.0),
                ("2023-24", "2023-24 Q4", "current"): (50.0, 0.0),
                ("2024-25", "2024-25 Q4", "prior"): (0.0, 50.0),
            },
        )
        self.company.write({"fiscalyear_last_month": "12", "fiscalyear_last_day": 31})
        table = self._by(["fiscal_year", "fiscal_quarter"], date_from="2025-01-01")
        self.assertEqual(table, {("2025", "2025 Q2"): (464.15, 50.0)})

    def test_default_pivot_shows_the_periods_with_revenue(self):
        """Reporting > Revenue opens on fiscal years (rows) by month
        (columns), measuring the revenue only: the rows and columns are the
        periods with revenue, none of last year's figures alone after the
        last revenue day."""
        action = self.env.ref("utility_billing_reports.utility_report_revenue_action")
        self.assertIn("search_default_groupby_fiscal_year", action.context)
        arch = self.env[REVENUE].get_view(action.view_id.id, "pivot")["arch"]
        self.assertIn('name="amount" type="measure"', arch)
        self.assertNotIn('name="amount_prior" type="measure"', arch)
        rows = self._by(["fiscal_year"])
        self.assertEqual(rows, {"2023-24": (50.0, 0.0), "2024-25": (464.15, 50.0)})
        cells = {
            (year, month.strftime("%Y-%m")): amounts
            for (year, month), amounts in self._by(
                ["fiscal_year", "date:month"]
            ).items()
        }
        self.assertEqual(
            cells,
            {
                ("2023-24", "2024-05"): (50.0, 0.0),
                ("2024-25", "2025-04"): (219.90, 0.0),
                ("2024-25", "2025-05"): (244.25, 50.0),
            },
        )
        # A range of the same period a year later still shows last year's.
        self.assertEqual(
            self._by(["fiscal_year"], date_from="2025-04-01", date_to="2025-05-31"),
            {"2024-25": (464.15, 50.0)},
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

    def test_revenue_keeps_the_facts_of_its_day(self):
        """A bill's class, route and cycle are fixed when it posts: after its
        account moved to another class and route, resetting the bill takes its
        revenue back from the class and route it was billed under, re-posting
        puts it back there, and cancelling takes it away again; each figure
        equals the income journal items of the posted bills of that class and
        route (Issue 14, item 4)."""
        bill = self.bill["c", "march"]
        self.assertEqual(
            (
                bill.utility_customer_class,
                bill.utility_route_id,
                bill.utility_billing_cycle_id,
            ),
            ("residential", self.route, self.cycle),
        )
        route_2 = self.env["utility.route"].create(
            {"name": "Test Route 2", "code": "TR2", "cycle_id": self.cycle.id}
        )
        self.account_c.premise_id.write(
            {"customer_class": "commercial", "route_id": route_2.id}
        )
        self.assertEqual(self.account_c.customer_class, "commercial")
        bills = self.run_march.invoice_ids | self.run_april.invoice_ids

        def revenue():
            return {
                (customer_class, route): amount
                for customer_class, route, amount in self._group(
                    REVENUE,
                    ["customer_class", "route_id"],
                    ["amount:sum"],
                    date_from="2025-04-01",
                    date_to="2025-04-30",
                )
            }

        def ledger():
            """Income of the posted March bills by the class and route they
            posted under, straight from the journal items."""
            sums = {}
            for move in bills.filtered(
                lambda m: m.state == "posted" and m.invoice_date.month == 4
            ):
                income = move.line_ids.filtered(
                    lambda ln: ln.account_id.account_type == "income"
                )
                key = (move.utility_customer_class, move.utility_route_id)
                sums[key] = sums.get(key, 0.0) - sum(income.mapped("balance"))
            return {key: round(amount, 2) for key, amount in sums.items()}

        before = {
            ("residential", self.route): 147.60,
            ("commercial", self.route): 72.30,
        }
        self.assertEqual(revenue(), before)
        self.assertEqual(ledger(), before)
        bill.line_ids.remove_move_reconcile()
        bill.button_draft()
        after_reset = {
            ("residential", self.route): 87.30,
            ("commercial", self.route): 72.30,
        }
        self.assertEqual(revenue(), after_reset)
        self.assertEqual(ledger(), after_reset)
        self.assertNotIn(("commercial", route_2), revenue())
        bill.action_post()
        # Re-posted under the facts of its first posting.
        self.assertEqual(bill.utility_customer_class, "residential")
        self.assertEqual(bill.utility_route_id, self.route)
        self.assertEqual(revenue(), before)
        self.assertEqual(ledger(), before)
        bill.button_cancel()
        self.assertEqual(revenue(), after_reset)
        self.assertEqual(ledger(), after_reset)
        # The billing register groups the bill the same way.
        register = self.env["utility.report.billing.register"].search(
            [("move_id", "=", bill.id)]
        )
        self.assertFalse(register)  # cancelled bills are not listed
        register = self.env["utility.report.billing.register"].search(
            [("move_id", "=", self.bill["c", "april"].id)]
        )
        self.assertEqual(
            (register.customer_class, register.route_id),
            ("residential", self.route),
        )

    def test_no_group_with_an_amount_is_hidden(self):
        """A group whose journal items net to none but whose amount is not zero
        (an item added under one key and taken back under another) shows."""
        Sums = self.env["utility.report.revenue.sum"].sudo()
        self.env.flush_all()
        self.env.cr.execute(
            """INSERT INTO utility_report_revenue_sum
                   (date, origin, service_type_id, customer_class, company_id,
                    billing_cycle_id, item_count, amount)
               VALUES ('2025-04-10', 'bill', %s, 'institutional', %s, %s, 0, 12.5)""",
            (self.water.id, self.company.id, self.cycle.id),
        )
        Sums.invalidate_model()
        groups = {
            customer_class: amount
            for customer_class, amount in self._group(
                REVENUE,
                ["customer_class"],
                ["amount:sum"],
                date_from="2025-04-01",
                date_to="2025-04-30",
            )
        }
        self.assertEqual(groups.get("institutional"), 12.5)

    def test_posting_facts_are_not_keyed(self):
        """Nobody writes the class, route or cycle a bill posted under: not on a
        posted bill, not on a draft, not on a new entry."""
        bill = self.bill["a", "march"]
        for vals in (
            {"utility_customer_class": "commercial"},
            {"utility_route_id": False},
        ):
            with self.assertRaisesRegex(UserError, "set when it posts"):
                bill.with_user(self.manager).write(vals)
        self.assertEqual(bill.utility_customer_class, "residential")

    def test_credit_note_follows_the_bill_it_corrects(self):
        """A credit (adjustment) on a bill posted under residential, route 1,
        after the account moved to commercial, route 2: the credit takes the
        revenue back from residential, route 1, where the bill put it."""
        route_2 = self.env["utility.route"].create(
            {"name": "Test Route 3", "code": "TR3", "cycle_id": self.cycle.id}
        )
        self.account_a.premise_id.write(
            {"customer_class": "commercial", "route_id": route_2.id}
        )
        adjustment = self._credit(
            self.account_a, self.bill["a", "april"], 5.0, when="2025-05-25"
        )
        note = adjustment.move_id
        self.assertEqual(
            (note.utility_customer_class, note.utility_route_id),
            ("residential", self.route),
        )
        groups = {
            (customer_class, route): amount
            for customer_class, route, amount in self._group(
                REVENUE,
                ["customer_class", "route_id"],
                ["amount:sum"],
                date_from="2025-05-25",
                date_to="2025-05-25",
            )
        }
        self.assertEqual(groups, {("residential", self.route): -5.0})
