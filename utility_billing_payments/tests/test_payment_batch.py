# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from .common_delinquency import UtilityDelinquencyCommon

FORGED = {
    "utility_adjustment_workflow": True,
    "skip_readonly_check": True,
    "check_move_validity": False,
    "tracking_disable": True,
}


class PaymentBatchCommon(UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account_a = cls._account("PB-A")
        cls.a_old = cls._bill(cls.account_a, 40.0, due=date(2025, 3, 3))
        cls.a_new = cls._bill(cls.account_a, 50.0, due=date(2025, 4, 3))
        cls.account_b = cls._account("PB-B")
        cls.b_bill = cls._bill(cls.account_b, 75.0, due=date(2025, 4, 3))

    def _batch(self, user, lines, control_total, control_count, **vals):
        return (
            self.env["utility.payment.batch"]
            .with_user(user)
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "date": date(2025, 4, 10),
                    "source": "mail",
                    "control_total": control_total,
                    "control_count": control_count,
                    "line_ids": [
                        Command.create(
                            {"account_id": account.id, "amount": amount, **extra}
                        )
                        for account, amount, extra in lines
                    ],
                    **vals,
                }
            )
        )

    def _moves(self, *accounts):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "in", [a.id for a in accounts]),
                ("move_type", "=", "entry"),
            ]
        )


@tagged("post_install", "-at_install")
class TestPaymentBatch(PaymentBatchCommon):
    """A batch of mailed checks entered as one deposit: it posts only when it
    ties to the control total and count keyed by the CSR; each check is a
    payment of its account applied oldest due first; posting is done once."""

    def test_batch_refused_until_it_ties_then_posts_once(self):
        batch = self._batch(
            self.csr1,
            [
                (self.account_a, 60.0, {"check_number": "1001"}),
                (self.account_b, 30.0, {"check_number": "2002", "payer": "Mom"}),
            ],
            100.0,
            3,
        )
        self.assertTrue(batch.name.startswith("PB/"))
        with self.assertRaises(UserError) as cm:
            batch.with_user(self.csr1).action_post()
        message = str(cm.exception)
        self.assertIn("difference $ 10.00", message.replace("\xa0", " "))
        self.assertIn("control count is 3 (difference 1)", message)
        self.assertEqual(batch.state, "draft")
        self.assertFalse(self._moves(self.account_a, self.account_b))
        # The CSR finds the missing check and the keying error.
        batch.with_user(self.csr1).write(
            {
                "line_ids": [
                    Command.update(
                        batch.line_ids.filtered(
                            lambda ln: ln.account_id == self.account_b
                        ).id,
                        {"amount": 25.0},
                    ),
                    Command.create({"account_id": self.account_b.id, "amount": 15.0}),
                ]
            }
        )
        batch.with_user(self.csr1).action_post()
        self.assertEqual(batch.state, "posted")
        self.assertEqual(batch.posted_by_id, self.csr1)
        moves = self._moves(self.account_a, self.account_b)
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("utility_payment_source")), {"mail"})
        self.assertEqual(set(moves.mapped("date")), {date(2025, 4, 10)})
        self.assertEqual(moves.create_uid, self.csr1)
        self.assertTrue(
            any("1001" in (m.ref or "") for m in moves), "Check number in the entry."
        )
        # Oldest due first, exactly as Record Payment.
        self.assertEqual(self.a_old.amount_residual, 0.0)
        self.assertEqual(self.a_new.amount_residual, 30.0)
        self.assertEqual(self.b_bill.amount_residual, 35.0)
        # One deposit figure, as the journal items say.
        receivable = moves.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(-sum(receivable.mapped("balance")), 100.0)
        deposit = moves.line_ids - receivable
        self.assertEqual(len(deposit.account_id), 1)
        self.assertAlmostEqual(sum(deposit.mapped("balance")), 100.0)
        self.assertAlmostEqual(batch.deposit_total, 100.0)
        # Posting again does nothing again.
        batch.with_user(self.csr1).action_post()
        batch.with_user(self.csr2).action_post()
        self.assertEqual(self._moves(self.account_a, self.account_b), moves)
        self.assertEqual(self.b_bill.amount_residual, 35.0)

    def test_drop_box_source(self):
        batch = self._batch(
            self.csr2, [(self.account_b, 75.0, {})], 75.0, 1, source="drop_box"
        )
        batch.with_user(self.csr2).action_post()
        move = self._moves(self.account_b)
        self.assertEqual(move.utility_payment_source, "drop_box")
        self.assertEqual(self.b_bill.amount_residual, 0.0)

    def test_posted_batch_is_locked(self):
        """Once posted, nothing of the batch changes by editing: its state,
        controls, lines and payments are the ledger's."""
        batch = self._batch(self.csr1, [(self.account_b, 20.0, {})], 20.0, 1)
        for ctx in ({}, FORGED):
            for vals in ({"state": "posted"}, {"name": "PB/FORGED"}):
                with self.subTest(ctx=ctx, vals=vals), self.assertRaises(UserError):
                    batch.with_user(self.csr1).with_context(**ctx).write(vals)
            with self.subTest(ctx=ctx), self.assertRaises(UserError):
                self.env["utility.payment.batch"].with_user(self.csr1).with_context(
                    **ctx
                ).create(
                    {
                        "journal_id": self.bank_journal.id,
                        "control_total": 0.0,
                        "control_count": 0,
                        "state": "posted",
                    }
                )
            with self.subTest(ctx=ctx), self.assertRaises(UserError):
                batch.line_ids.with_user(self.csr1).with_context(**ctx).create(
                    {
                        "batch_id": batch.id,
                        "account_id": self.account_b.id,
                        "amount": 1.0,
                        "move_id": self.b_bill.id,
                    }
                )
        batch.with_user(self.csr1).action_post()
        line = batch.line_ids
        for ctx in ({}, FORGED):
            for target, vals in (
                (batch, {"state": "draft"}),
                (batch, {"control_total": 30.0}),
                (line, {"amount": 30.0}),
                (line, {"move_id": False}),
            ):
                with self.subTest(ctx=ctx, vals=vals), self.assertRaises(UserError):
                    target.with_user(self.csr1).with_context(**ctx).write(vals)
            with self.subTest(ctx=ctx), self.assertRaises(UserError):
                batch.with_user(self.csr1).with_context(**ctx).unlink()
        self.assertEqual(batch.state, "posted")
        self.assertAlmostEqual(line.amount, 20.0)
        self.assertTrue(line.move_id)

    def test_refusals(self):
        """A user without a CSR role cannot post; a batch of another
        company's account does not post; a zero line does not post."""
        employee = new_test_user(
            self.env,
            login="pb_employee",
            groups="base.group_user,account.group_account_readonly",
        )
        batch = self._batch(self.csr1, [(self.account_b, 20.0, {})], 20.0, 1)
        with self.assertRaises(UserError):
            batch.with_user(employee).action_post()
        zero = self._batch(self.csr1, [(self.account_b, 0.0, {})], 0.0, 1)
        with self.assertRaisesRegex(UserError, "not a positive amount"):
            zero.with_user(self.csr1).action_post()
        self.assertFalse(self._moves(self.account_b))


@tagged("post_install", "-at_install")
class TestPaymentBatchRpc(PaymentBatchCommon, HttpCase):
    """Over the web client's JSON-RPC, as the demo CSR I: a batch that does not
    tie is refused, and a state written by hand is refused, plainly and with
    a forged context; nothing is posted. The tied batch then posts."""

    def _call(self, method, args, ctx):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/utility.payment.batch/{method}",
            {
                "model": "utility.payment.batch",
                "method": method,
                "args": args,
                "kwargs": {"context": ctx},
            },
        )

    def test_demo_csr1_refused_over_json_rpc(self):
        csr1 = self.env.ref("utility_billing.user_csr1_demo")
        # The demo CSR I works for the test company too (its current one).
        csr1.write(
            {
                "company_ids": [Command.link(self.company.id)],
                "company_id": self.company.id,
            }
        )
        batch = self._batch(csr1, [(self.account_b, 70.0, {})], 75.0, 1)
        self.authenticate("csr1", "csr1")
        for ctx in ({}, FORGED):
            for method, args in (
                ("action_post", [batch.ids]),
                ("write", [batch.ids, {"state": "posted"}]),
                ("write", [batch.ids, {"state": "posted", "control_total": 70.0}]),
            ):
                with self.subTest(ctx=ctx, method=method, args=args):
                    with self.assertRaises(JsonRpcException) as cm:
                        self._call(method, args, ctx)
                    self.assertIn(
                        str(cm.exception),
                        {"odoo.exceptions.UserError", "odoo.exceptions.AccessError"},
                    )
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "draft")
        self.assertAlmostEqual(batch.control_total, 75.0)
        self.assertFalse(self._moves(self.account_b))
        # The allowed path: the CSR I corrects the control and posts.
        self._call("write", [batch.ids, {"control_total": 70.0}], {})
        self._call("action_post", [batch.ids], {})
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "posted")
        self.b_bill.invalidate_recordset()
        self.assertAlmostEqual(self.b_bill.amount_residual, 5.0)
