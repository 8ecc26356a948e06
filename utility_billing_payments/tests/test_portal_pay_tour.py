# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's visit in a real browser (issue 18 tests): log in, open a
bill's PDF, pay part of the balance with Odoo's demo payment provider, enrol
in autopay; then the payment and the mandate are checked in the books.

Needs ``payment_demo`` installed in the test database (it is no dependency
of the addon): skipped otherwise."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .ach_common import ROUTING_A, UtilityAchCommon


@tagged("post_install", "-at_install")
class TestPortalPayTour(UtilityAchCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"]._get("payment_demo")
        cls.demo_installed = module.state == "installed"
        if not cls.demo_installed:
            return
        cls.account = cls._account(
            "TOUR-PAY", "Ana Lopez", email="ana@example.com", lang="en_US"
        )
        cls.old_bill = cls._bill(cls.account, 70.0, "2026-10-25")
        cls.new_bill = cls._bill(cls.account, 45.0, "2026-11-25")
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_pay_tour",
            password="portal_pay_tour",
            name="Ana Lopez",
            groups="base.group_portal",
            partner_id=cls.account.partner_id.id,
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )
        demo = cls.env.ref("payment.payment_provider_demo")
        cls.demo_provider = demo.copy(
            {
                "name": "Demo (test company)",
                "company_id": cls.company.id,
                "state": "test",
                "is_published": True,
                "payment_method_ids": [Command.set(demo.payment_method_ids.ids)],
            }
        )
        cls.demo_provider.journal_id = cls.bank_journal

    def test_pay_and_enrol(self):
        if not self.demo_installed:
            self.skipTest("payment_demo is not installed in the test database")
        self.start_tour(
            f"/my/utility_accounts/{self.account.id}",
            "utility_portal_pay_tour",
            login="portal_pay_tour",
        )
        tx = self.env["payment.transaction"].search(
            [("utility_account_id", "=", self.account.id)]
        )
        self.assertEqual(len(tx), 1)
        self.assertRecordValues(
            tx,
            [
                {
                    "state": "done",
                    "amount": 50.0,
                    "provider_id": self.demo_provider.id,
                    "partner_id": self.account.partner_id.id,
                    "is_post_processed": True,
                }
            ],
        )
        move = tx.payment_id.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.bank_journal)
        self.assertEqual(move.utility_account_id, self.account)
        self.assertEqual(move.utility_payment_source, "online")
        self.assertEqual(move.date, self.company._utility_today())
        self.assertEqual(self.old_bill.amount_residual, 20.0, "Oldest due first.")
        self.assertEqual(self.new_bill.amount_residual, 45.0)
        self.account.invalidate_recordset(["balance"])
        self.assertEqual(self.account.balance, 65.0)
        mandate = self.env["utility.ach.mandate"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertRecordValues(
            mandate,
            [
                {
                    "state": "pending_prenote",
                    "sec_code": "WEB",
                    "routing_number": ROUTING_A,
                    "bank_account_masked": "****6789",
                    "holder_name": "Ana Lopez",
                    "authorization_channel": "web",
                }
            ],
        )
