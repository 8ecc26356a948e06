# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Autopay enrolment, its cancellation and paperless billing on the customer
portal, as the customer does them (issue 18 item 3)."""

from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.utility_billing.tests.common import (
    UtilityBillingCommon,
    call_kw,
    load_po_terms,
)
from odoo.addons.utility_billing_payments.models.utility_ach_mandate_portal import (
    AUTHORIZATION_TEXT_VERSION,
)

from .ach_common import ROUTING_A, UtilityAchCommon

BANK_NUMBER = "000123456789"


@tagged("post_install", "-at_install")
class TestPortalAutopay(UtilityAchCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.phone = "(760) 398-3502"
        cls.account = cls._account(
            "PA-1", "Maria Garcia", email="maria@example.com", lang="en_US"
        )
        cls.customer = cls.account.partner_id
        cls.other_account = cls._account("PA-2", "Jose Ramirez")
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_autopay",
            password="portal_autopay",
            name="Maria Garcia",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.Mandate = cls.env["utility.ach.mandate"]

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _login(self, lang="en_US"):
        self.portal_user.lang = lang
        self.authenticate("portal_autopay", "portal_autopay")

    def _post(self, account, route, **data):
        data.setdefault("csrf_token", Request.csrf_token(self))
        response = self.url_open(
            f"/my/utility_accounts/{account.id}/{route}", data=data, timeout=60
        )
        # The request wrote through its own environment.
        self.env.invalidate_all()
        return response

    def _enrol(self, account=None, **overrides):
        data = {
            "holder_name": "Maria Garcia",
            "bank_account_type": "checking",
            "routing_number": ROUTING_A,
            "bank_account_number": BANK_NUMBER,
            "bank_account_number_confirm": BANK_NUMBER,
            "authorize": "1",
            "text_version": AUTHORIZATION_TEXT_VERSION,
        }
        data.update(overrides)
        data = {key: value for key, value in data.items() if value is not None}
        return self._post(account or self.account, "autopay/enrol", **data)

    def _mandates(self, account=None):
        return self.Mandate.search([("account_id", "=", (account or self.account).id)])

    def _call_kw(self, model, method, args, kwargs=None):
        reply = call_kw(self, model, method, args, kwargs=kwargs, context=None)
        return reply.get("result"), reply.get("error")

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_page_shows_card_and_authorization(self):
        self._login()
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Autopay and paperless", page)
        self.assertIn("Not enrolled", page)
        self.assertIn(f"/my/utility_accounts/{self.account.id}/autopay/enrol", page)
        self.assertIn(AUTHORIZATION_TEXT_VERSION, page)
        # The NACHA WEB terms: debit on the due date, revocation, phone.
        self.assertIn("on the bill&#39;s due date", page)
        self.assertIn("revoke it at any time", page)
        self.assertIn("(760) 398-3502", page)
        self.assertIn("csrf_token", page)

    def test_enrol(self):
        """The customer enrols: a WEB mandate waiting for its prenote, with
        the authorization kept; the page shows the last 4 digits only."""
        self._login()
        response = self._enrol()
        self.assertEqual(response.status_code, 200)
        mandate = self._mandates()
        self.assertEqual(len(mandate), 1)
        self.assertRecordValues(
            mandate,
            [
                {
                    "state": "pending_prenote",
                    "sec_code": "WEB",
                    "routing_number": ROUTING_A,
                    "bank_account_number": BANK_NUMBER,
                    "bank_account_masked": "****6789",
                    "bank_account_type": "checking",
                    "holder_name": "Maria Garcia",
                    "authorization_channel": "web",
                    "authorization_ip": "127.0.0.1",
                    "authorization_text_version": AUTHORIZATION_TEXT_VERSION,
                    "authorization_date": self.company._utility_today(),
                    "prenote_batch_id": False,
                }
            ],
        )
        self.assertTrue(mandate.authorization_datetime)
        self.assertIn("(760) 398-3502", mandate.authorization_text)
        self.assertIn(self.account.name, mandate.authorization_text)
        self.assertFalse(self.account.autopay)  # not debited before its prenote
        page = response.text
        self.assertIn("Pending bank check", page)
        self.assertIn("****6789", page)
        self.assertIn("your autopay is set up", page)
        self.assertNotIn(BANK_NUMBER, page)
        self.assertNotIn("123456789", page)
        self.assertIn("/autopay/cancel", page)
        # Reloaded later: still masked, the message is gone.
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("****6789", page)
        self.assertNotIn("123456789", page)
        self.assertNotIn("your autopay is set up", page)
        # Its prenote goes in the next ACH file.
        batch = self._batch()
        prenote = batch.line_ids.filtered(lambda ln: ln.mandate_id == mandate)
        self.assertEqual(prenote.kind, "prenote")
        self.assertEqual(prenote.amount, 0.0)
        # The chatter tells the office what happened, masked.
        body = mandate.message_ids[:1].body
        self.assertIn("127.0.0.1", body)
        self.assertNotIn(BANK_NUMBER, body)

    def test_enrol_refused_with_messages(self):
        """A wrong check digit, two different numbers, no consent: refused
        with the reasons on the page, nothing created, the number not echoed."""
        self._login()
        response = self._enrol(routing_number="021000022")
        self.assertEqual(response.status_code, 200)
        self.assertIn("The routing number is not valid", response.text)
        self.assertIn('value="021000022"', response.text)  # given back to fix
        self.assertNotIn(BANK_NUMBER, response.text)
        self.assertFalse(self._mandates())
        response = self._enrol(bank_account_number_confirm="000123456788")
        self.assertIn("The two bank account numbers are not the same.", response.text)
        self.assertNotIn(BANK_NUMBER, response.text)
        response = self._enrol(authorize=None)
        self.assertIn("Tick “I authorize”", response.text)
        response = self._enrol(text_version="2020-01")
        self.assertIn("The authorization text has changed", response.text)
        response = self._enrol(
            bank_account_number="12", bank_account_number_confirm="12"
        )
        self.assertIn("must be 4 to 17 letters or digits", response.text)
        self.assertFalse(self._mandates())
        # A closed account: no enrolment form, no enrolment.
        self.account.state = "closed"
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertNotIn("/autopay/enrol", page)
        response = self._enrol()
        self.assertIn("This account is closed", response.text)
        self.assertFalse(self._mandates())
        self.account.state = "active"
        # Without the CSRF token, nothing either.
        with mute_logger("odoo.http"):
            response = self._enrol(csrf_token="forged")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._mandates())

    def test_second_enrolment_refused(self):
        self._login()
        self._enrol()
        response = self._enrol(routing_number="011000015")
        self.assertIn("already enrolled in autopay", response.text)
        mandate = self._mandates()
        self.assertEqual(len(mandate), 1)
        self.assertEqual(mandate.routing_number, ROUTING_A)

    def test_other_account_refused(self):
        """Another customer's account (or a missing one): 404, nothing done."""
        self._login()
        with mute_logger("odoo.http"):
            enrol = self._enrol(self.other_account)
            paperless = self._post(self.other_account, "paperless", paperless="1")
            missing = self._post(self.account.browse(999999999), "autopay/cancel")
        self.assertEqual(enrol.status_code, 404)
        self.assertEqual(paperless.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertFalse(self._mandates(self.other_account))
        self.assertFalse(self.other_account.paperless)
        # Cancelling the neighbour's autopay: refused, the mandate untouched.
        neighbour = self._mandate(self.other_account)
        with mute_logger("odoo.http"):
            cancel = self._post(self.other_account, "autopay/cancel")
        self.assertEqual(cancel.status_code, 404)
        self.assertEqual(neighbour.state, "active")

    def test_office_preview_has_no_forms(self):
        """A CSR previewing the page sees the status, enrols nobody from it."""
        self.authenticate(self.csr1.login, self.csr1.login)
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Autopay and paperless", page)
        self.assertNotIn("/autopay/enrol", page)
        with mute_logger("odoo.http"):
            response = self._enrol()
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._mandates())

    def test_cancel(self):
        """The customer cancels: the mandate is revoked by its own workflow,
        the page offers enrolment again."""
        self._login()
        self._enrol()
        mandate = self._mandates()
        response = self._post(self.account, "autopay/cancel")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(mandate.state, "revoked")
        self.assertEqual(mandate.revocation_date, self.company._utility_today())
        self.assertIn("Revoked online", mandate.state_reason)
        self.assertIn("Your autopay is cancelled", response.text)
        self.assertIn("Not enrolled", response.text)
        self.assertIn("/autopay/enrol", response.text)
        # Nothing more to cancel.
        response = self._post(self.account, "autopay/cancel")
        self.assertIn("not enrolled in autopay", response.text)
        # Enrolled again: a new mandate, the revoked one is kept.
        self._enrol()
        self.assertEqual(len(self._mandates()), 2)

    def test_paperless(self):
        self._login()
        response = self._post(self.account, "paperless", paperless="1")
        self.assertTrue(self.account.paperless)
        self.assertIn("sent by e-mail only", response.text)
        response = self._post(self.account, "paperless")
        self.assertFalse(self.account.paperless)
        self.assertIn("Your bills are now sent by mail.", response.text)
        # No e-mail address: no paperless.
        self.customer.email = False
        response = self._post(self.account, "paperless", paperless="1")
        self.assertFalse(self.account.paperless)
        self.assertIn("add your e-mail address", response.text)

    def test_authorization_fields_protected_over_rpc(self):
        """The online authorization is recorded by the portal only: a CSR
        (I or II) neither writes nor creates it over JSON-RPC."""
        self._login()
        self._enrol()
        mandate = self._mandates()
        for user in (self.csr1, self.csr2):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                for vals in (
                    {"authorization_ip": "10.0.0.1"},
                    {"authorization_text_version": "2020-01"},
                    {"authorization_datetime": "2026-01-01 10:00:00"},
                    {"authorization_channel": "office"},
                ):
                    with mute_logger("odoo.http"):
                        _result, error = self._call_kw(
                            "utility.ach.mandate", "write", [mandate.ids, vals]
                        )
                    self.assertTrue(error, vals)
                    self.assertIn(
                        error["data"]["name"],
                        ("odoo.exceptions.UserError", "odoo.exceptions.AccessError"),
                    )
                with mute_logger("odoo.http"):
                    _result, error = self._call_kw(
                        "utility.ach.mandate",
                        "create",
                        [
                            {
                                "account_id": self.other_account.id,
                                "routing_number": ROUTING_A,
                                "bank_account_number": "55554444",
                                "authorization_channel": "web",
                                "authorization_ip": "10.0.0.1",
                            }
                        ],
                    )
                self.assertTrue(error)
        # The CSR II's refusal is the protection, not a missing access right.
        self.authenticate(self.csr2.login, self.csr2.login)
        with mute_logger("odoo.http"):
            _result, error = self._call_kw(
                "utility.ach.mandate", "write", [mandate.ids, {"authorization_ip": "1"}]
            )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.UserError")
        self.assertIn("recorded by the customer portal only", error["data"]["message"])
        self.assertEqual(mandate.authorization_ip, "127.0.0.1")
        self.assertEqual(mandate.authorization_text_version, AUTHORIZATION_TEXT_VERSION)
        self.assertFalse(self._mandates(self.other_account))

    def test_spanish(self):
        """A customer who reads Spanish gets the card, the authorization and
        the messages in Spanish, and the Spanish text is the one kept."""
        load_po_terms(self.env, "utility_billing_payments", cleanup=self.addCleanup)
        self._login("es_MX")
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Pago automático y facturas sin papel", page)
        self.assertIn("Autorizo a ", page)
        self.assertIn("Inscribirse en el pago automático", page)
        response = self._enrol(routing_number="021000022")
        self.assertIn("El número de ruta no es válido", response.text)
        page = self._enrol().text
        self.assertIn("Autorizo a ", self._mandates().authorization_text)
        self.assertIn("Gracias: su pago automático quedó registrado", page)


@tagged("post_install", "-at_install")
class TestPortalAuthorizationDemoRpc(UtilityBillingCommon, HttpCase):
    """The demo's own CSRs (csr1, csr2), logged in with the web client's
    JSON-RPC, plainly and with the context keys an old workflow trusted: the
    online authorization of a demo mandate stays as the portal recorded it."""

    on_demo_company = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mandate = cls.env["utility.ach.mandate"].search(
            [("company_id", "=", cls.company.id), ("state", "!=", "revoked")],
            limit=1,
        )
        # As the portal's workflow leaves it (superuser: the test's setup).
        cls.mandate.write(
            {
                "authorization_channel": "web",
                "authorization_datetime": "2026-11-30 18:00:00",
                "authorization_ip": "203.0.113.7",
                "authorization_text_version": AUTHORIZATION_TEXT_VERSION,
                "authorization_text": "I authorize ...",
            }
        )

    def _call(self, model, method, args, context):
        return call_kw(self, model, method, args, kwargs=None, context=context)

    def test_demo_csrs_cannot_write_the_authorization(self):
        self.assertTrue(self.mandate, "the demo has autopay mandates")
        fnames = (
            "authorization_channel",
            "authorization_datetime",
            "authorization_ip",
            "authorization_text_version",
            "authorization_text",
        )
        before = self.mandate.read(fnames)
        trusted_keys = {"ach_noc": True, "skip_readonly_check": True}
        for login in ("csr1", "csr2"):
            self.authenticate(login, login)
            for context in ({}, trusted_keys):
                for vals in (
                    {"authorization_ip": "10.0.0.1"},
                    {"authorization_text_version": "2020-01"},
                    {"authorization_datetime": "2026-01-01 10:00:00"},
                    {"authorization_channel": "office"},
                    {"authorization_text": "Nothing was authorized."},
                ):
                    with (
                        self.subTest(user=login, vals=vals, context=context),
                        mute_logger("odoo.http"),
                    ):
                        body = self._call(
                            "utility.ach.mandate",
                            "write",
                            [self.mandate.ids, vals],
                            context,
                        )
                        self.assertIn("error", body)
                        self.assertIn(
                            body["error"]["data"]["name"],
                            (
                                "odoo.exceptions.UserError",
                                "odoo.exceptions.AccessError",
                            ),
                        )
        self.env.invalidate_all()
        self.assertEqual(self.mandate.read(fnames), before)
