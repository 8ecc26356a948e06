# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common_billing import UtilityBillingRunCommon


@tagged("post_install", "-at_install")
class TestUtilityCreditApply(UtilityBillingRunCommon):
    """Credits apply themselves: an unapplied credit of an account is applied to
    the next bill posted (billing run) and to the open bills when it appears
    (a credit note), oldest due first, with a line in the account's history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.premise_a, cls.meter_a, cls.account_a = cls._billing_account("CR-A")
        cls.premise_b, cls.meter_b, cls.account_b = cls._billing_account("CR-B")
        cls._read(cls.meter_a, "2025-03-28", 30)
        cls._read(cls.meter_b, "2025-03-28", 50)
        cls.receivable = cls.account_a.partner_id.with_company(
            cls.company
        ).property_account_receivable_id
        cls.bank = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )

    def _overpayment(self, account, amount, when):
        """A payment entry of ``account`` left open: a credit on the account."""
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.bank.id,
                "date": when,
                "utility_account_id": account.id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Overpayment",
                            "account_id": self.bank.default_account_id.id,
                            "debit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Overpayment",
                            "account_id": self.receivable.id,
                            "partner_id": account.partner_id.id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        move.action_post()
        return move.line_ids.filtered(lambda ln: ln.account_id == self.receivable)

    def _bill_of(self, account):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "=", account.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )

    def test_overpayment_applied_to_next_bill_of_run(self):
        credit = self._overpayment(self.account_a, 29.37, date(2025, 3, 20))
        self.assertFalse(credit.reconciled, "No bill open yet: the credit waits.")
        self.assertAlmostEqual(self.account_a.balance, -29.37)
        messages_before = self.account_a.message_ids
        self._bill()
        bill_a = self._bill_of(self.account_a)
        bill_b = self._bill_of(self.account_b)
        self.assertTrue(credit.reconciled)
        self.assertAlmostEqual(bill_a.amount_residual, bill_a.amount_total - 29.37)
        self.assertEqual(bill_b.amount_residual, bill_b.amount_total)
        self.account_a.invalidate_recordset(["balance"])
        self.assertAlmostEqual(self.account_a.balance, bill_a.amount_total - 29.37)
        history = self.account_a.message_ids - messages_before
        self.assertTrue(
            any(
                "Credit applied" in msg.body and bill_a.name in msg.body
                for msg in history
            ),
            "The account's history says where the credit went.",
        )
        self.assertFalse(
            any("Credit applied" in (m.body or "") for m in self.account_b.message_ids)
        )

    def test_credit_note_applies_to_open_bills_oldest_first(self):
        self._bill()
        march = self._bill_of(self.account_a)
        # An older bill, due before March's.
        older = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.account_a.partner_id.id,
                "invoice_date": date(2025, 3, 1),
                "invoice_date_due": date(2025, 3, 22),
                "utility_account_id": self.account_a.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Older charge",
                            "quantity": 1,
                            "price_unit": 10.0,
                            "account_id": self.income_other.id,
                        }
                    )
                ],
            }
        )
        older.action_post()
        self.assertEqual(older.amount_residual, 10.0, "No credit to apply yet.")
        note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.account_a.partner_id.id,
                "invoice_date": date(2025, 4, 10),
                "utility_account_id": self.account_a.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goodwill credit",
                            "quantity": 1,
                            "price_unit": 15.0,
                            "account_id": self.income_other.id,
                        }
                    )
                ],
            }
        )
        note.action_post()
        self.assertEqual(note.payment_state, "paid")
        self.assertEqual(older.amount_residual, 0.0, "Oldest due first.")
        self.assertAlmostEqual(march.amount_residual, march.amount_total - 5.0)
        self.assertTrue(
            any(
                "Credit applied" in (m.body or "") and older.name in m.body
                for m in self.account_a.message_ids
            )
        )
