# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The counter in the demo database, end to end: a cashier (csr1) takes a
utility payment and a citation at the City Hall Counter, closes the drawer and
prints the day's cash receipts and deposit slip; the books agree."""

import re

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDemoCounter(HttpCase):
    def test_demo_counter_day(self):
        env = self.env
        config = env["pos.config"].search(
            [("utility_counter", "=", True), ("name", "=", "City Hall Counter")]
        )
        self.assertEqual(len(config), 1, "the demo ships the City Hall Counter")
        account = env["utility.account"].search([("name", "=", "DEMO0000001")])
        balance = account.balance
        self.assertGreater(balance, 0, "DEMO0000001 owes on its demo bills")
        csr1 = env["res.users"].search([("login", "=", "csr1")])
        config.with_user(csr1).open_ui()
        self.start_tour(
            f"/pos/ui?config_id={config.id}", "UtilityCounterDemoTour", login="csr1"
        )
        session = config.current_session_id
        order = session.order_ids
        self.assertEqual(order.amount_total, balance + 50.0)
        self.assertEqual(order.user_id, csr1)
        account.invalidate_recordset(["balance"])
        self.assertEqual(account.balance, 0.0)
        posted = account.invoice_ids.filtered(lambda m: m.state == "posted")
        self.assertEqual(
            posted.mapped("amount_residual"), [0.0] * len(posted), "every bill paid"
        )
        session.post_closing_cash_details(balance + 50.0)
        self.assertTrue(session.close_session_from_ui()["successful"])
        # The books agree: the clearing account is back to zero, the session's
        # entry credits the citation revenue, the cash journal holds the cash.
        clearing = env.company.utility_counter_clearing_account_id
        lines = env["account.move.line"].search(
            [("account_id", "=", clearing.id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(lines.mapped("balance")), 0.0)
        citation_account = env.ref(
            "utility_billing_payments.account_citation_revenue_demo"
        )
        citation_lines = session.move_id.line_ids.filtered(
            lambda ln: ln.account_id == citation_account
        )
        self.assertEqual(sum(citation_lines.mapped("credit")), 50.0)
        self.assertAlmostEqual(
            sum(session.statement_line_ids.mapped("amount")), balance + 50.0
        )
        # The day's cash receipts and deposit slip, as the PDF the office prints.
        wizard = env["utility.cash.receipts.wizard"].create(
            {"date": session.start_at.date(), "config_ids": [(6, 0, config.ids)]}
        )
        self.assertEqual(wizard._get_sessions(), session)
        pdf, _kind = (
            env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "utility_billing_payments.action_report_utility_cash_receipts",
                session.ids,
            )
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        # Two pages: the cash receipts, then the deposit slip.
        self.assertEqual(len(re.findall(rb"/Type\s*/Page[^s]", pdf)), 2)
        html = (
            env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_payments.report_cash_receipts", session.ids
            )[0]
            .decode()
        )
        self.assertIn("Deposit Slip", html)
        self.assertIn(order.utility_receipt_number, html)
        self.assertIn(f"{balance + 50.0:,.2f}", html)
