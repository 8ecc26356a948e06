# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyEveryPayment(UtilityDelinquencyCommon):
    """Every payment counts (issue 13, item 5): money applied to the account's
    bills by any path re-evaluates the account at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("EVERY01")
        cls.bill = cls._bill(cls.account, 120.0)

    def _listed_and_ordered(self):
        """Day 60 (Friday May 2, 2025): on the list, confirmed, its disconnect
        order scheduled on May 2."""
        self._walk_to_list(self.account)
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        self.assertEqual(line.order_id.state, "scheduled")
        self.assertEqual(line.order_id.scheduled_date, self._days(60))
        self.assertTrue(self.account.shutoff_pending)
        return line

    def _open_moves(self):
        return (self.bill | self._penalties(self.account)).filtered(
            lambda m: m.payment_state not in ("paid", "in_payment")
        )

    def test_register_payment_in_full_cancels_order(self):
        line = self._listed_and_ordered()
        order = line.order_id
        moves = self._open_moves()
        self.assertEqual(sum(moves.mapped("amount_residual")), 132.0)
        with freeze_time("2025-05-02 10:00:00"):
            self.env["account.payment.register"].with_user(self.manager).with_context(
                active_model="account.move", active_ids=moves.ids
            ).create(
                {
                    "journal_id": self.bank_journal.id,
                    "payment_date": self._days(60),
                    "group_payment": True,
                }
            )._create_payments()
        self.assertTrue(all(m.payment_state in ("paid", "in_payment") for m in moves))
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(line.state, "removed")
        self.assertIn("Paid", line.block_reason)
        self.assertFalse(self.account.shutoff_pending)

    def test_register_payment_of_part_keeps_order(self):
        """Paying the bill and not the $12 penalty leaves more than the $10
        minimum past due: the order stays."""
        line = self._listed_and_ordered()
        with freeze_time("2025-05-02 10:00:00"):
            self.env["account.payment.register"].with_user(self.manager).with_context(
                active_model="account.move", active_ids=self.bill.ids
            ).create(
                {"journal_id": self.bank_journal.id, "payment_date": self._days(60)}
            )._create_payments()
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertEqual(line.order_id.state, "scheduled")
        self.assertEqual(line.state, "ordered")

    def test_outstanding_credit_applied_removes_from_draft_list(self):
        """A payment posted unapplied, then assigned to the bills from the
        invoice (Odoo's outstanding credits): off the list before it is
        confirmed."""
        self._walk_to_list(self.account)
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        self.assertEqual(line.state, "eligible")
        with freeze_time("2025-05-02 10:00:00"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.account.partner_id.id,
                    "amount": 132.0,
                    "journal_id": self.bank_journal.id,
                    "date": self._days(60),
                }
            )
            payment.action_post()
            self.assertEqual(line.state, "eligible", "Not applied yet")
            credit = payment.move_id.line_ids.filtered(
                lambda ln: ln.account_type == "asset_receivable"
            )
            for move in self._open_moves():
                move.js_assign_outstanding_line(credit.id)
        self.assertEqual(line.state, "removed")
        line.list_id.with_user(self.csr2).action_confirm()
        self.assertFalse(line.order_id)
