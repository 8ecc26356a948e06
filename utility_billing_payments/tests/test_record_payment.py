# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from .common_delinquency import UtilityDelinquencyCommon

FORGED = {
    "utility_adjustment_workflow": True,
    "skip_readonly_check": True,
    "check_move_validity": False,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestRecordPayment(UtilityDelinquencyCommon):
    """Record Payment: a payment received in the back office (a mailed check)
    recorded by a CSR I, applied to the account's bills oldest due first, with
    its source, check number and a line in the account's history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("REC-1")
        cls.old_bill = cls._bill(cls.account, 40.0, due=date(2025, 3, 3))
        cls.new_bill = cls._bill(cls.account, 50.0, due=date(2025, 4, 3))
        cls.other_company = cls.setup_other_company(name="Other Town")["company"]
        cls.outsider = new_test_user(
            cls.env,
            login="rec_outsider",
            groups="base.group_user,utility_billing.group_csr_1",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
            tz="America/Los_Angeles",
        )
        cls.employee = new_test_user(
            cls.env,
            login="rec_employee",
            groups="base.group_user,account.group_account_readonly",
            tz="America/Los_Angeles",
        )

    def _wizard(self, user, **vals):
        return (
            self.env["utility.record.payment"]
            .with_user(user)
            .with_context(default_account_id=self.account.id)
            .create(
                {
                    "account_id": self.account.id,
                    "amount": 60.0,
                    "date": date(2025, 4, 10),
                    "source": "mail",
                    "check_number": "1042",
                    **vals,
                }
            )
        )

    def _payment_moves(self):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "=", self.account.id),
                ("move_type", "=", "entry"),
            ]
        )

    def test_csr1_records_a_mailed_check_oldest_first(self):
        self.assertFalse(self._payment_moves())
        wizard = self._wizard(self.csr1)
        self.assertEqual(wizard.journal_id.type, "bank")
        wizard.action_record()
        move = self._payment_moves()
        self.assertEqual(len(move), 1)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.date, date(2025, 4, 10))
        self.assertEqual(move.utility_payment_source, "mail")
        self.assertIn("1042", move.ref)
        self.assertEqual(move.create_uid, self.csr1, "The CSR stays the author.")
        self.assertEqual(move.line_ids.utility_account_id, self.account)
        self.assertEqual(self.old_bill.amount_residual, 0.0, "Oldest due first.")
        self.assertEqual(self.new_bill.amount_residual, 30.0)
        self.assertTrue(
            any(move.name in (m.body or "") for m in self.account.message_ids),
            "The account's history shows the payment.",
        )

    def test_refusals(self):
        """A CSR I cannot post a payment entry by hand, even with a forged
        context; a user without a CSR role cannot record; a CSR I of another
        company cannot record on this account. Nothing is posted."""
        receivable = self.account.partner_id.property_account_receivable_id
        vals = {
            "move_type": "entry",
            "journal_id": self.bank_journal.id,
            "date": date(2025, 4, 10),
            "utility_account_id": self.account.id,
            "utility_payment_source": "mail",
            "line_ids": [
                Command.create(
                    {
                        "name": "Forged",
                        "account_id": self.bank_journal.default_account_id.id,
                        "debit": 60.0,
                    }
                ),
                Command.create(
                    {
                        "name": "Forged",
                        "account_id": receivable.id,
                        "partner_id": self.account.partner_id.id,
                        "credit": 60.0,
                    }
                ),
            ],
        }
        for ctx in ({}, FORGED):
            with self.subTest(ctx=ctx), self.assertRaises(UserError):
                self.env["account.move"].with_user(self.csr1).with_context(
                    **ctx
                ).create(vals)
            with self.subTest(ctx=ctx), self.assertRaises(AccessError):
                self._wizard(self.employee).with_context(**ctx).action_record()
            with self.subTest(ctx=ctx), self.assertRaises(UserError):
                self._wizard(self.outsider).with_context(**ctx).action_record()
        self.assertFalse(self._payment_moves())
        self.assertEqual(self.old_bill.amount_residual, 40.0)


@tagged("post_install", "-at_install")
class TestRecordPaymentRpc(UtilityDelinquencyCommon, HttpCase):
    """Record Payment over the web client's JSON-RPC: a CSR I of another
    company is refused, with a plain and a forged context; nothing is
    posted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("REC-RPC")
        cls.bill = cls._bill(cls.account, 40.0)
        cls.other_company = cls.setup_other_company(name="Other Town")["company"]
        cls.outsider = new_test_user(
            cls.env,
            login="rec_rpc_outsider",
            password="rec_rpc_outsider_pw",
            groups="base.group_user,utility_billing.group_csr_1",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
            tz="America/Los_Angeles",
        )

    def test_outsider_refused_over_json_rpc(self):
        self.authenticate("rec_rpc_outsider", "rec_rpc_outsider_pw")
        for ctx in ({}, FORGED):
            with self.subTest(ctx=ctx):
                with self.assertRaises(JsonRpcException) as cm:
                    wizard_id = self.make_jsonrpc_request(
                        "/web/dataset/call_kw/utility.record.payment/create",
                        {
                            "model": "utility.record.payment",
                            "method": "create",
                            "args": [
                                {
                                    "account_id": self.account.id,
                                    "amount": 40.0,
                                    "journal_id": self.bank_journal.id,
                                }
                            ],
                            "kwargs": {"context": ctx},
                        },
                    )
                    self.make_jsonrpc_request(
                        "/web/dataset/call_kw/utility.record.payment/action_record",
                        {
                            "model": "utility.record.payment",
                            "method": "action_record",
                            "args": [[wizard_id]],
                            "kwargs": {"context": ctx},
                        },
                    )
                self.assertIn(
                    str(cm.exception),
                    {
                        "odoo.exceptions.AccessError",
                        "odoo.exceptions.UserError",
                        "odoo.exceptions.ValidationError",
                    },
                )
        self.bill.invalidate_recordset()
        self.assertEqual(self.bill.amount_residual, 40.0)
        self.assertFalse(
            self.env["account.move"].search(
                [
                    ("utility_account_id", "=", self.account.id),
                    ("move_type", "=", "entry"),
                ]
            )
        )
