# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import UtilityReportsCommon

REGISTER = "utility.report.billing.register"
LINES = "utility.report.billing.register.line"


@tagged("post_install", "-at_install")
class TestBillingRegister(UtilityReportsCommon):
    def test_bills_of_a_run(self):
        """Each bill of the April run with its consumption and amounts."""
        bills = self._report(REGISTER, [("run_id", "=", self.run_april.id)])
        table = {
            b.account_id: (
                b.consumption,
                b.amount_untaxed,
                b.amount_tax,
                b.amount_total,
            )
            for b in bills
        }
        self.assertEqual(
            table,
            {
                self.account_a: (50.0, 118.65, 4.51, 123.16),
                self.account_b: (24.0, 78.30, 2.49, 80.79),
                self.account_c: (10.0, 57.30, 1.44, 58.74),
            },
        )
        self.assertEqual(set(bills.mapped("state")), {"posted"})
        self.assertEqual(bills.move_id, self.run_april.invoice_ids)

    def test_bills_of_a_period_tie_to_the_journal(self):
        """The register's totals of a bill-date range are the bills' journal
        items: receivable debits, revenue and tax credits."""
        (total, untaxed, tax, count) = self._group(
            REGISTER,
            [],
            ["amount_total:sum", "amount_untaxed:sum", "amount_tax:sum", "__count"],
            date_from="2025-04-01",
            date_to="2025-04-30",
        )[0]
        self.assertEqual((count, untaxed, tax, total), (3, 219.90, 6.72, 226.62))
        moves = self.run_march.invoice_ids
        receivable = moves.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(sum(receivable.mapped("balance")), total, places=2)
        # The 2024 bill made by hand is in the register, on its own date.
        (old,) = self._group(
            REGISTER,
            [],
            ["amount_total:sum"],
            date_from="2024-01-01",
            date_to="2024-12-31",
        )[0]
        self.assertEqual(old, 50.0)

    def test_charges_by_component_and_tier(self):
        """One row per charge as on the bill (a tier per row), one per tax."""
        lines = self._report(LINES, [("move_id", "=", self.bill["a", "april"].id)])
        self.assertEqual(
            sorted(
                (
                    ln.line_kind,
                    ln.service_type_id.code or "",
                    ln.label,
                    ln.quantity,
                    ln.price_unit,
                    ln.amount_untaxed,
                    ln.amount_tax,
                )
                for ln in lines
            ),
            [
                ("charge", "TRASH", "Trash collection", 1.0, 28.50, 28.50, 0.0),
                (
                    "charge",
                    "WATER",
                    'Water service charge (3/4" meter)',
                    1.0,
                    13.80,
                    13.80,
                    0.0,
                ),
                (
                    "charge",
                    "WATER",
                    "Water usage tier 1 (0 to 41)",
                    41.0,
                    1.50,
                    61.50,
                    0.0,
                ),
                (
                    "charge",
                    "WATER",
                    "Water usage tier 2 (over 41)",
                    9.0,
                    1.65,
                    14.85,
                    0.0,
                ),
                ("tax", "", "Test Utility Users Tax 5%", 0.0, 0.0, 0.0, 4.51),
            ],
        )

    def test_run_totals_by_service_and_revenue_account(self):
        groups = self._group(
            LINES,
            ["line_kind", "service_type_id", "gl_account_id"],
            ["amount_total:sum"],
            domain=[("run_id", "=", self.run_april.id)],
        )
        self.assertEqual(
            {
                (kind, service, account): amount
                for kind, service, account, amount in groups
            },
            {
                ("charge", self.water, self.income_water): 168.75,
                ("charge", self.trash, self.income_trash): 85.50,
                ("tax", self.env["utility.service.type"], self.tax_payable): 8.44,
            },
        )

    def test_service_filter(self):
        """Filtered by service, the register's charges keep that service."""
        groups = self._group(
            LINES,
            [],
            ["amount_total:sum"],
            service_type_ids=[self.trash.id],
            date_from="2025-04-01",
            date_to="2025-05-31",
        )
        self.assertEqual(groups[0][0], 171.0)  # six bills x 28.50

    def test_draft_bills_are_in_the_register_not_in_the_posted_totals(self):
        self._read(self.meter_a, "2025-05-31", 90)
        self._read(self.meter_b, "2025-05-31", 50)
        self._read(self.meter_c, "2025-05-31", 30)
        run = self._new_run(
            period_start="2025-05-01", period_end="2025-05-31", bill_date="2025-06-03"
        )
        run.action_compute()
        drafts = self._report(REGISTER, [("run_id", "=", run.id)])
        self.assertEqual(set(drafts.mapped("state")), {"draft"})
        self.assertEqual(len(drafts), 3)
        posted = self._report(
            REGISTER, [("state", "=", "posted")], date_from="2025-06-01"
        )
        self.assertFalse(posted)

    def test_adjustment_notes_are_not_bills(self):
        bills = self._report(REGISTER)
        self.assertNotIn(self.adjustment.move_id, bills.move_id)
        self.assertEqual(len(bills), 7)  # 2 runs x 3 accounts + the 2024 bill
