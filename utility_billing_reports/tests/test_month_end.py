# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import UtilityReportsCommon


@tagged("post_install", "-at_install")
class TestMonthEnd(UtilityReportsCommon):
    def _figures(self, wizard):
        return {
            name: round(wizard[name], 2)
            for name in (
                "opening_balance",
                "billed",
                "collected",
                "adjusted",
                "written_off",
                "other_movements",
                "closing_computed",
                "closing_journal",
                "difference",
                "aged_total",
            )
        }

    def test_april_roll_forward(self):
        april = self._month_end("2025-04-01", "2025-04-30")
        self.assertEqual(
            self._figures(april),
            {
                "opening_balance": 0.0,
                "billed": 226.62,
                "collected": 90.24,
                "adjusted": 0.0,
                "written_off": 0.0,
                "other_movements": 0.0,
                "closing_computed": 136.38,
                "closing_journal": 136.38,
                "difference": 0.0,
                "aged_total": 136.38,
            },
        )
        self.assertTrue(april.ties)

    def test_may_roll_forward(self):
        """136.38 + 262.69 billed - 121.89 collected - 10.00 adjusted - 14.49
        written off = 252.69, the journal's and the aged receivables' May 31."""
        may = self._month_end("2025-05-01", "2025-05-31")
        self.assertEqual(
            self._figures(may),
            {
                "opening_balance": 136.38,
                "billed": 262.69,
                "collected": 121.89,
                "adjusted": 10.0,
                "written_off": 14.49,
                "other_movements": 0.0,
                "closing_computed": 252.69,
                "closing_journal": 252.69,
                "difference": 0.0,
                "aged_total": 252.69,
            },
        )
        self.assertTrue(may.ties)
        summary = may._ub_summary()
        self.assertEqual(
            summary["collected_by_source"],
            [("Mail", 40.0), ("Online", 61.89), ("Other", 20.0)],
        )
        self.assertEqual(
            sorted(may._ub_billed_by_service()),
            [("Taxes", 8.44), ("Trash", 85.50), ("Water", 168.75)],
        )

    def test_quarter_and_class(self):
        quarter = self._month_end("2025-04-01", "2025-06-30")
        self.assertEqual(quarter.billed, 226.62 + 262.69)
        self.assertAlmostEqual(quarter.closing_computed, 252.69, places=2)
        self.assertTrue(quarter.ties)
        commercial = self._month_end(
            "2025-05-01", "2025-05-31", customer_class="commercial"
        )
        self.assertEqual(
            self._figures(commercial),
            {
                "opening_balance": 74.49,
                "billed": 80.79,
                "collected": 60.0,
                "adjusted": 0.0,
                "written_off": 14.49,
                "other_movements": 0.0,
                "closing_computed": 80.79,
                "closing_journal": 80.79,
                "difference": 0.0,
                "aged_total": 80.79,
            },
        )

    def test_deposit_billed_and_paid_ties(self):
        """A deposit billed to B on May 12 and half paid on May 13:
        the deposit invoice is an other receivable entry (not a bill of the
        register), its payment a receipt; the month ties to the journal, and
        the deposits account holds what is held and owed."""
        invoice = self.account_b._utility_bill_deposit(60.0, "2025-05-12")
        self.assertNotIn(
            invoice, self._report("utility.report.billing.register").move_id
        )
        # Paid with Odoo's Register Payment on the deposit invoice.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 30.0, "payment_date": "2025-05-13"})._create_payments()
        self.assertEqual(invoice.amount_residual, 30.0)
        may = self._month_end("2025-05-01", "2025-05-31")
        self.assertEqual(may.other_movements, 60.0)
        self.assertTrue(may.ties)
        self.assertEqual(
            (self.account_b.deposit_held, self.account_b.deposit_unpaid), (30.0, 30.0)
        )
        tie = self.env["utility.report.deposit"]._ub_tie_out(self.company)
        items = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.deposit_account.id),
                ("parent_state", "=", "posted"),
                ("utility_account_id", "in", (self.account_b | self.account_c).ids),
            ]
        )
        self.assertEqual(-sum(items.mapped("balance")), 160.0)
        self.assertEqual(
            (tie["held"] - self._other_held(), tie["unpaid"] - self._other_unpaid()),
            (130.0, 30.0),
        )

    def _other_held(self):
        """Deposits held by the company's other accounts."""
        others = self.env["utility.account"].search(
            [
                ("company_id", "=", self.company.id),
                ("id", "not in", (self.account_b | self.account_c).ids),
            ]
        )
        return sum(others.mapped("deposit_held"))

    def _other_unpaid(self):
        others = self.env["utility.account"].search(
            [
                ("company_id", "=", self.company.id),
                ("id", "not in", (self.account_b | self.account_c).ids),
            ]
        )
        return sum(others.mapped("deposit_unpaid"))

    def test_other_entries_are_shown(self):
        """A deposit applied to a final bill (a credit note of the account, not
        an adjustment) is an 'other' entry of the receivable."""
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.partner_c.id,
                "invoice_date": "2025-05-30",
                "date": "2025-05-30",
                "utility_account_id": self.account_c.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Deposit applied",
                            "quantity": 1,
                            "price_unit": 25.0,
                            "account_id": self.deposit_account.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        credit.action_post()
        may = self._month_end("2025-05-01", "2025-05-31")
        self.assertEqual(may.other_movements, -25.0)
        self.assertAlmostEqual(may.closing_computed, 252.69 - 25.0, places=2)
        self.assertTrue(may.ties)

    def test_a_bill_dated_apart_from_its_entry_does_not_tie(self):
        """The register counts a bill on its bill date, the journal on its
        accounting date: a bill of May 31 entered in June shows the
        difference."""
        bill = self._manual_bill(self.account_b, "2025-05-31", 30.0)
        bill.button_draft()
        bill.date = "2025-06-01"
        bill.action_post()
        may = self._month_end("2025-05-01", "2025-05-31")
        self.assertEqual(may.billed, 262.69 + 30.0)
        self.assertAlmostEqual(may.difference, 30.0, places=2)
        self.assertFalse(may.ties)
        june = self._month_end("2025-06-01", "2025-06-30")
        self.assertAlmostEqual(june.difference, -30.0, places=2)
        self.assertFalse(june.ties)

    def test_period_must_end_after_it_starts(self):
        with self.assertRaisesRegex(UserError, "ends before it starts"):
            self._month_end("2025-05-31", "2025-05-01")

    def test_print(self):
        may = self._month_end("2025-05-01", "2025-05-31")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_reports.action_report_utility_month_end", may.ids
            )[0]
            .decode()
        )
        self.assertIn("252.69", html)
        self.assertIn("o_ub_ties", html)
        self.assertNotIn("o_ub_not_ties", html)
        action = may.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
