# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common_counter import UtilityCounterCommon


@tagged("post_install", "-at_install")
class TestCounterTours(UtilityCounterCommon, HttpCase):
    """The cashier's flows in the real POS (headless Chromium), then the
    session is closed and its journal entries checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo's Parking Citation is shared (no company): the tour's
        # "Parking Citation" is the test company's own, the only one on sale.
        cls.env["product.template"].search(
            [
                ("utility_counter_kind", "=", "citation"),
                ("id", "!=", cls.citation.product_tmpl_id.id),
            ]
        ).available_in_pos = False

    def _run_tour(self, name):
        self.config.with_user(self.cashier).open_ui()
        self.start_tour(
            f"/pos/ui?config_id={self.config.id}", name, login=self.cashier.login
        )
        session = self.config.current_session_id
        self.assertEqual(session.state, "opened")
        return session

    def _close(self, session, counted_cash):
        session.post_closing_cash_details(counted_cash)
        result = session.close_session_from_ui()
        self.assertTrue(result.get("successful"), result)
        self.assertEqual(session.state, "closed")

    def _clearing_balance(self):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", self.clearing.id), ("parent_state", "=", "posted")]
        )
        return sum(lines.mapped("balance"))

    def test_cash_payment_with_change(self):
        account = self._counter_account(
            "TOUR-A", "Alma Tour", [(60.0, "2026-09-25"), (45.5, "2026-10-25")]
        )
        older, newer = account.invoice_ids.sorted("invoice_date_due")
        session = self._run_tour("UtilityCounterCashTour")
        order = session.order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "paid")
        self.assertRegex(order.utility_receipt_number, r"^R\d{2}-\d{4}-000001$")
        line = order.lines
        self.assertEqual(line.utility_account_id, account)
        self.assertEqual(line.price_subtotal_incl, 105.5)
        # 110.00 tendered, 4.50 change: the drawer keeps 105.50.
        self.assertEqual(order.amount_return, 4.5)
        self.assertEqual(sum(order.payment_ids.mapped("amount")), 105.5)
        # Applied as soon as the order reached the server.
        entry = order.utility_payment_move_ids
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.utility_payment_source, "counter")
        self.assertRecordValues(
            entry.line_ids.sorted("debit"),
            [
                {
                    "account_id": self._receivable(older).account_id.id,
                    "debit": 0.0,
                    "credit": 105.5,
                },
                {"account_id": self.clearing.id, "debit": 105.5, "credit": 0.0},
            ],
        )
        self.assertEqual(older.payment_state, "paid")
        self.assertEqual(newer.payment_state, "paid")
        self.assertEqual(account.balance, 0.0)
        self.assertEqual(line.utility_balance_after, 0.0)
        # 100.50 counted instead of 105.50: 5.00 short.
        self._close(session, 100.5)
        self.assertEqual(session.cash_register_difference, -5.0)
        session_move = session.move_id
        clearing_lines = session_move.line_ids.filtered(
            lambda ln: ln.account_id == self.clearing
        )
        self.assertEqual(sum(clearing_lines.mapped("credit")), 105.5)
        cash_journal = self.cash_pm.journal_id
        statement_lines = session.statement_line_ids
        self.assertEqual(sum(statement_lines.mapped("amount")), 100.5)
        short = statement_lines.move_id.line_ids.filtered(
            lambda ln: ln.account_id == cash_journal.loss_account_id
        )
        self.assertEqual(sum(short.mapped("debit")), 5.0)
        self.assertEqual(self._clearing_balance(), 0.0)

    def test_partial_payment_by_check(self):
        account = self._counter_account(
            "TOUR-B", "Bertha Tour", [(80.0, "2026-09-25"), (40.0, "2026-10-25")]
        )
        older, newer = account.invoice_ids.sorted("invoice_date_due")
        session = self._run_tour("UtilityCounterCheckTour")
        order = session.order_ids
        self.assertEqual(order.payment_ids.payment_method_id, self.check_pm)
        self.assertEqual(order.payment_ids.check_number, "1234")
        self.assertEqual(order.payment_ids.amount, 50.0)
        # Oldest bill first: 30.00 left on it, the newer one untouched.
        self.assertEqual(older.amount_residual, 30.0)
        self.assertEqual(older.payment_state, "partial")
        self.assertEqual(newer.amount_residual, 40.0)
        self.assertEqual(account.balance, 70.0)
        self.assertEqual(order.lines.utility_balance_after, 70.0)
        self._close(session, 0.0)
        self.assertEqual(session.cash_register_difference, 0.0)
        # The check is deposited through the check journal.
        check_payment = self.env["account.payment"].search(
            [("pos_session_id", "=", session.id)]
        )
        self.assertEqual(check_payment.journal_id, self.check_pm.journal_id)
        self.assertEqual(check_payment.amount, 50.0)
        self.assertEqual(self._clearing_balance(), 0.0)

    def test_two_accounts_and_a_citation(self):
        account_c = self._counter_account(
            "TOUR-C", "Celia Tour", [(30.0, "2026-10-25")]
        )
        account_d = self._counter_account(
            "TOUR-D", "Diego Tour", [(70.0, "2026-10-25")]
        )
        session = self._run_tour("UtilityCounterLandlordTour")
        order = session.order_ids
        self.assertEqual(order.amount_total, 150.0)
        self.assertEqual(order.payment_ids.payment_method_id, self.card_pm)
        citation_line = order.lines.filtered(lambda ln: ln.product_id == self.citation)
        self.assertEqual(citation_line.utility_reference, "C-778899")
        self.assertEqual(len(order.utility_payment_move_ids), 2)
        self.assertEqual(account_c.balance, 0.0)
        self.assertEqual(account_d.balance, 0.0)
        self.assertEqual(account_c.invoice_ids.payment_state, "paid")
        self.assertEqual(account_d.invoice_ids.payment_state, "paid")
        self._close(session, 0.0)
        session_move = session.move_id
        citation_credit = session_move.line_ids.filtered(
            lambda ln: ln.account_id == self.citation_revenue
        )
        self.assertEqual(sum(citation_credit.mapped("credit")), 50.0)
        clearing_credit = session_move.line_ids.filtered(
            lambda ln: ln.account_id == self.clearing
        )
        self.assertEqual(sum(clearing_credit.mapped("credit")), 100.0)
        self.assertEqual(self._clearing_balance(), 0.0)
