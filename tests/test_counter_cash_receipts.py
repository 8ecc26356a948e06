# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The cash receipts journal (utility_billing_reports) of the utility counter
(utility_billing_payments), tied to the journal items: a card and a check
taken at the counter are counted once (not again as "other" when the session
posts its own payments), a Point of Sale that is not a utility counter is no
receipt of the utility, and a counter check returned by the bank is a
negative receipt on the day it was returned."""

from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from odoo.addons.utility_billing_payments.tests.common_counter import (
    UtilityCounterCommon,
)

RECEIPTS = "utility.report.cash.receipt"
MISC = "utility.report.misc.receipt"


@tagged("post_install", "-at_install")
class TestCounterCashReceipts(UtilityCounterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._counter_account(
            "CR-1001", "Rosa Counter", [(100.0, "2026-02-15"), (80.0, "2026-03-15")]
        )
        cls.shop_journal = cls.env["account.journal"].create(
            {"name": "Furniture Cash", "code": "TFUR", "type": "cash"}
        )
        cls.shop_cash = cls.env["pos.payment.method"].create(
            {
                "name": "Shop Cash",
                "journal_id": cls.shop_journal.id,
                "receivable_account_id": cls.cash_pm.receivable_account_id.id,
            }
        )
        cls.shop = cls.env["pos.config"].create(
            {
                "name": "Test Furniture Shop",
                "payment_method_ids": [Command.set(cls.shop_cash.ids)],
            }
        )
        cls.desk = cls.env["product.product"].create(
            {
                "name": "Office Desk",
                "type": "consu",
                "list_price": 500.0,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
            }
        )

    def _counter_day(self):
        """A session taking a check and a card for the account and cash for a
        citation."""
        session = self._open_session()
        check_order = self._sync_order(
            session,
            [(self.payment_product, 100.0, self.account, None)],
            [(self.check_pm, 100.0, "7001")],
        )
        self._sync_order(
            session,
            [(self.payment_product, 50.0, self.account, None)],
            [(self.card_pm, 50.0)],
        )
        self._sync_order(
            session,
            [(self.citation, 50.0, None, "PC-1")],
            [(self.cash_pm, 50.0)],
            partner=self.account.partner_id,
        )
        return session, check_order

    def _ledger_receipts(self, session, journals):
        """What the session put in the tenders' journals, from the journal
        items: the cash in the drawer, the check and card deposits."""
        moves = session._get_related_account_moves()
        lines = self.env["account.move.line"].search(
            [
                ("move_id", "in", moves.ids),
                ("journal_id", "in", journals.ids),
                ("account_id.account_type", "!=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))

    def _close(self, session, cash):
        session.post_closing_cash_details(cash)
        self.assertTrue(session.close_session_from_ui()["successful"])
        self.assertEqual(session.state, "closed")

    def test_card_and_check_counted_once(self):
        """Before: closing the session posted its card and check deposits as
        account.payment entries, counted again as "other" receipts."""
        session, _order = self._counter_day()
        self._close(session, 50.0)
        moves = session._get_related_account_moves()
        rows = self.env[RECEIPTS].search(
            ["|", ("session", "=", session.name), ("move_id", "in", moves.ids)]
        )
        self.assertEqual(set(rows.mapped("source")), {"counter"})
        ledger = self._ledger_receipts(session, self.methods.journal_id)
        self.assertAlmostEqual(ledger, 200.0)
        self.assertAlmostEqual(sum(rows.mapped("amount")), ledger)
        self.assertEqual(sum(rows.mapped("receipt_count")), 3)

    def test_other_point_of_sale_is_no_utility_receipt(self):
        """Before: the furniture shop's sales showed as counter receipts."""
        session, _order = self._counter_day()
        shop_session = self._open_session(self.shop, user=self.env.user)
        shop_order = self._sync_order(
            shop_session,
            [(self.desk, 500.0, None, None)],
            [(self.shop_cash, 500.0)],
            partner=self.account.partner_id,
            user=self.env.user,
        )
        self.assertEqual(shop_order.state, "paid")
        self._close(session, 50.0)
        self._close(shop_session, 500.0)
        self.assertAlmostEqual(
            self._ledger_receipts(shop_session, self.shop_journal), 500.0
        )
        sessions = [session.name, shop_session.name]
        moves = (session | shop_session)._get_related_account_moves()
        rows = self.env[RECEIPTS].search(
            ["|", ("session", "in", sessions), ("move_id", "in", moves.ids)]
        )
        self.assertFalse(rows.filtered(lambda r: r.session == shop_session.name))
        self.assertAlmostEqual(
            sum(rows.mapped("amount")),
            self._ledger_receipts(session, self.methods.journal_id),
        )
        self.assertFalse(
            self.env[MISC].search([("session", "=", shop_session.name)]),
            "The shop's desk is no miscellaneous receipt of the utility.",
        )

    def test_returned_check_is_a_negative_receipt_on_its_day(self):
        """Before: a counter check returned by the bank never showed in the
        cash receipts."""
        session, order = self._counter_day()
        payment = order.payment_ids
        returned_on = self.company._utility_today() + timedelta(days=3)
        self.env["utility.counter.nsf"].with_user(self.csr2).create(
            {"payment_id": payment.id, "date": returned_on}
        ).action_confirm()
        entries = payment.utility_return_move_ids.filtered(
            lambda m: m.move_type == "entry"
        )
        self.assertTrue(entries)
        # What the bank took back, from the journal items of the return.
        taken_back = sum(
            entries.line_ids.filtered(
                lambda ln: ln.account_id.account_type != "asset_receivable"
            ).mapped("balance")
        )
        self.assertAlmostEqual(taken_back, -100.0)
        rows = self.env[RECEIPTS].search([("date", "=", returned_on)])
        returned = rows.filtered(lambda r: r.move_id in entries)
        self.assertEqual(set(returned.mapped("source")), {"counter"})
        self.assertEqual(set(returned.mapped("tender")), {self.check_pm.name})
        self.assertEqual(returned.mapped("session"), [session.name] * len(returned))
        self.assertAlmostEqual(sum(returned.mapped("amount")), taken_back)
        self.assertEqual(sum(returned.mapped("receipt_count")), 0)
        self.assertEqual(returned.account_id, self.account)
        # The day's counter receipts of the session: the return only.
        day = self.env[RECEIPTS]._read_group(
            [
                ("date", "=", returned_on),
                ("source", "=", "counter"),
                ("session", "=", session.name),
            ],
            [],
            ["amount:sum"],
        )[0][0]
        self.assertAlmostEqual(day, taken_back)
