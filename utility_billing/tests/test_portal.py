# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal (/my/utility_accounts), as a portal user would use it."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import call_kw, load_po_terms
from .common_portal import UtilityPortalCommon


@tagged("post_install", "-at_install")
class TestUtilityPortal(UtilityPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two recent reads: 30 then 15 HCF in two different months.
        today = fields.Date.today()
        cls.recent_day = today - timedelta(days=20)
        cls._read(cls.meter, today - timedelta(days=60), 40)
        cls._read(cls.meter, cls.recent_day, 55)
        load_po_terms(cls.env, "utility_billing")

    def _login(self, lang="en_US"):
        self.portal_user.lang = lang
        self._portal_login()

    def _call_kw(self, model, method, args, kwargs=None):
        reply = call_kw(self, model, method, args, kwargs=kwargs, context=None)
        return reply.get("result"), reply.get("error")

    def test_own_account_list_and_page(self):
        """The customer sees their account in the list and its page: balance,
        due date, service address, the bill with links to Odoo's invoice page
        and PDF, and the recent consumption; not the neighbour's account."""
        self.assertTrue(self.bill)
        self.assertGreater(self.account.balance, 0)
        self._login()
        response = self.url_open("/my/utility_accounts")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.account.name, response.text)
        self.assertNotIn(self.other_account.name, response.text)

        response = self.url_open(f"/my/utility_accounts/{self.account.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(f"{self.account.balance:,.2f}", page)
        self.assertIn("Balance", page)
        self.assertIn("Past Due", page)
        self.assertIn(self.account.service_address, page)
        self.assertIn(self.bill.name, page)
        self.assertIn(f"/my/invoices/{self.bill.id}?access_token=", page)
        self.assertIn("report_type=pdf", page)
        self.assertNotIn(self.other_bill.name, page)
        self.assertIn("Water Use by Month", page)
        recent_month = fields.Date.to_string(self.recent_day)[:7]
        rows = self.account.sudo()._portal_consumption_compared()
        self.assertEqual(len(rows), 12)
        self.assertTrue(
            any(
                row["month"].isoformat()[:7] == recent_month
                and row["consumption"] == 15
                for row in rows
            )
        )
        self.assertIn(f'data-month="{recent_month}"', page)
        self.assertNotIn("Last 13 months", page)

        # The bill's own portal page and PDF open for the customer.
        bill_url = self.bill.get_portal_url()
        self.assertEqual(self.url_open(bill_url).status_code, 200)
        pdf = self.url_open(self.bill.get_portal_url(report_type="pdf"))
        self.assertEqual(pdf.status_code, 200)

    def test_payment_on_the_page(self):
        """A payment applied to the bill shows under Recent Payments and
        lowers the balance shown."""
        balance = self.account.balance
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.bill.ids
        ).create({"amount": 25.0, "payment_date": "2025-04-10"})._create_payments()
        self.account.invalidate_recordset(["balance"])
        self.assertAlmostEqual(self.account.balance, balance - 25.0)
        payments = self.account.sudo()._portal_payments()
        self.assertEqual(len(payments), 1)
        self.assertEqual(payments[0]["amount"], 25.0)
        self._login()
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertNotIn("No payments yet.", page)
        self.assertIn("04/10/2025", page)
        self.assertIn("25.00", page)
        self.assertIn(f"{balance - 25.0:,.2f}", page)

    def test_csr_preview(self):
        """A CSR I opens the customer's page (what the customer sees), with
        the way back to the account form."""
        self.authenticate(self.csr1.login, self.csr1.login)
        response = self.url_open(f"/my/utility_accounts/{self.account.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.bill.name, response.text)
        self.assertIn("utility_billing.utility_account_action", response.text)

    def test_other_account_refused_by_url(self):
        """Another customer's account, or one that does not exist, answers 404
        (the same answer: account ids cannot be probed)."""
        self._login()
        with mute_logger("odoo.http"):
            refused = self.url_open(f"/my/utility_accounts/{self.other_account.id}")
            missing = self.url_open("/my/utility_accounts/999999999")
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertNotIn(self.other_account.name, refused.text)
        # A made-up token opens nothing either.
        with mute_logger("odoo.http"):
            forged = self.url_open(
                f"/my/utility_accounts/{self.other_account.id}?access_token=forged"
            )
        self.assertEqual(forged.status_code, 404)

    def test_other_account_refused_by_rpc(self):
        """Over JSON-RPC the portal user finds only their own account and its
        services, reads and premise; reading the neighbour's is refused."""
        self._login()
        for model, field in (
            ("utility.account", "partner_id"),
            ("utility.account.service", "account_id.partner_id"),
            ("utility.meter.read", "account_id.partner_id"),
        ):
            with self.subTest(model=model):
                result, error = self._call_kw(
                    model, "search_read", [[]], {"fields": ["id"]}
                )
                self.assertFalse(error)
                records = self.env[model].browse([row["id"] for row in result])
                self.assertTrue(records)
                self.assertEqual(records.mapped(field), self.partner)
        result, error = self._call_kw(
            "utility.premise", "search_read", [[]], {"fields": ["id"]}
        )
        self.assertEqual([row["id"] for row in result], self.account.premise_id.ids)
        with mute_logger("odoo.http"):
            _result, error = self._call_kw(
                "utility.account", "read", [self.other_account.ids, ["balance"]]
            )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        # Read-only: the customer changes nothing on their own account.
        with mute_logger("odoo.http"):
            _result, error = self._call_kw(
                "utility.account", "write", [self.account.ids, {"paperless": True}]
            )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.assertFalse(self.account.paperless)
        with self.assertRaises(AccessError):
            self.other_account.with_user(self.portal_user).check_access("read")

    def test_home_shows_count(self):
        """/my/home has the Utility Accounts entry and its counter counts one."""
        self._login()
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/utility_accounts", response.text)
        self.assertIn("utility_account_count", response.text)
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["utility_account_count"]}
        )
        self.assertEqual(result["utility_account_count"], 1)

    def test_spanish_page(self):
        """A customer who reads Spanish gets the page in Spanish."""
        self._login("es_MX")
        response = self.url_open(f"/my/utility_accounts/{self.account.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        for label in ("Saldo", "Vencido", "Facturas", "Consumo de agua por mes"):
            self.assertIn(label, page)
        self.assertNotIn("Water Use by Month", page)
        response = self.url_open("/my/utility_accounts")
        self.assertIn("Cuentas de servicios públicos", response.text)

    def test_invite_to_portal(self):
        """A CSR I opens Odoo's portal wizard for the account's customer from
        the account; the portal user it makes reaches the account."""
        action = self.other_account.with_user(self.csr1).action_invite_portal()
        wizard = self.env["portal.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.partner_ids, self.other_partner)
        wizard_user = wizard.user_ids.with_user(self.csr1)
        wizard_user.action_grant_access()
        user = wizard_user.user_id
        self.assertTrue(user._is_portal())
        self.assertEqual(
            self.env["utility.account"].with_user(user).search([]),
            self.other_account,
        )
        # Not for a user outside customer service.
        clerk = new_test_user(self.env, login="test_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.other_account.with_user(clerk).action_invite_portal()
