# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Service requests on the customer portal, as the customer sends them
(issue 18 item 4), and what JSON-RPC refuses to the customer and to a CSR."""

from datetime import timedelta

from odoo import fields
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import UtilityBillingCommon, call_kw, load_po_terms


@tagged("post_install", "-at_install")
class TestPortalRequests(UtilityBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.write({"email": "maria@example.com", "lang": "en_US"})
        cls.premise, _meter, cls.account = cls._setup_account("PR-1")
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Jose Ramirez", "email": "jose@example.com"}
        )
        _premise, _meter, cls.other_account = cls._setup_account(
            "PR-2", partner=cls.other_partner
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_req_maria",
            password="portal_req_maria",
            name="Maria Garcia",
            groups="base.group_portal",
            partner_id=cls.partner.id,
        )
        cls.other_portal_user = new_test_user(
            cls.env,
            login="portal_req_jose",
            password="portal_req_jose",
            name="Jose Ramirez",
            groups="base.group_portal",
            partner_id=cls.other_partner.id,
        )
        cls.Request = cls.env["utility.service.request"]
        cls.today = cls.company._utility_today()
        cls.us_ca = cls.env.ref("base.state_us_5")
        cls.env["res.lang"]._activate_lang("es_MX")

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _login(self, user=None, lang="en_US"):
        user = user or self.portal_user
        user.lang = lang
        self.authenticate(user.login, user.login)

    def _post(self, url, **data):
        data.setdefault("csrf_token", Request.csrf_token(self))
        response = self.url_open(url, data=data, timeout=60)
        self.env.invalidate_all()
        return response

    def _post_request(self, request_type, account=None, **data):
        account = account or self.account
        return self._post(
            f"/my/utility_accounts/{account.id}/requests",
            request_type=request_type,
            **data,
        )

    def _requests(self, account=None, **domain):
        return self.Request.search(
            [("utility_account_id", "=", (account or self.account).id)]
            + [(key, "=", value) for key, value in domain.items()]
        )

    def _address(self, prefix):
        return {
            f"{prefix}_street": "500 Forwarding Ave",
            f"{prefix}_city": "Indio",
            f"{prefix}_state_id": str(self.us_ca.id),
            f"{prefix}_zip": "92201",
        }

    def _call_kw(self, model, method, args, kwargs=None):
        with mute_logger("odoo.http"):
            reply = call_kw(self, model, method, args, kwargs=kwargs)
        return reply.get("result"), reply.get("error")

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_page_shows_forms(self):
        self._login()
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Requests", page)
        self.assertIn("No requests yet.", page)
        for label in (
            "Report a leak",
            "Report a high bill",
            "Appeal a bill (SB 998 review)",
            "Stop service",
            "Start service at a new address",
        ):
            self.assertIn(label, page)
        self.assertIn(f"/my/utility_accounts/{self.account.id}/requests", page)
        self.assertIn("csrf_token", page)

    def test_each_type_from_the_portal(self):
        """Each form creates its request, listed on the page with its state;
        the customer gets the e-mail that it was received."""
        self._login()
        day = fields.Date.to_string(self.today)
        posts = {
            "leak": {"description": "Water in the yard", "urgent": "1"},
            "high_bill": {"description": "Too high"},
            "sb998_review": {"description": "Review the last bill"},
            "stop": {"requested_date": day, **self._address("forwarding")},
            "start": {"requested_date": day, **self._address("new")},
        }
        for request_type, data in posts.items():
            with self.subTest(request_type=request_type):
                response = self._post_request(request_type, **data)
                self.assertEqual(response.status_code, 200)
                self.assertIn("we received your request", response.text)
                service_request = self._requests(request_type=request_type)
                self.assertEqual(len(service_request), 1)
                self.assertEqual(service_request.channel, "portal")
                self.assertEqual(service_request.state, "new")
                self.assertTrue(service_request.submitted_ip)
                self.assertIn(service_request.name, response.text)
                mail = self.env["mail.mail"].search(
                    [
                        ("model", "=", service_request._name),
                        ("res_id", "=", service_request.id),
                    ]
                )
                self.assertEqual(mail.recipient_ids, self.partner)
        stop = self._requests(request_type="stop")
        self.assertEqual(stop.forwarding_state_id, self.us_ca)
        self.assertEqual(stop.requested_date, self.today)
        # The CSR processes the leak: a leak check; the page shows it done.
        leak = self._requests(request_type="leak")
        leak.with_user(self.csr1).action_process()
        self.assertEqual(leak.service_order_id.order_type, "leak_check")
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Done", page)

    def test_validation_messages(self):
        """A bad form comes back with what is wrong and what was typed."""
        self._login()
        yesterday = fields.Date.to_string(self.today - timedelta(days=1))
        response = self._post_request(
            "stop", requested_date=yesterday, **self._address("forwarding")
        )
        self.assertIn("cannot be in the past", response.text)
        self.assertIn("500 Forwarding Ave", response.text)
        response = self._post_request("leak", description="")
        self.assertIn("Describe the leak", response.text)
        self.assertFalse(self._requests())

    def test_start_from_accounts_list(self):
        """A start of service at a new address from /my/utility_accounts,
        without an account; listed there."""
        self._login()
        page = self.url_open("/my/utility_accounts").text
        self.assertIn("/my/utility_accounts/start_request", page)
        response = self._post(
            "/my/utility_accounts/start_request",
            requested_date=fields.Date.to_string(self.today + timedelta(days=10)),
            contact_phone="760-555-0101",
            **self._address("new"),
        )
        self.assertIn("we received your request", response.text)
        service_request = self.Request.search(
            [("partner_id", "=", self.partner.id), ("request_type", "=", "start")]
        )
        self.assertEqual(len(service_request), 1)
        self.assertFalse(service_request.utility_account_id)
        self.assertEqual(service_request.contact_phone, "760-555-0101")
        self.assertIn(service_request.name, response.text)

    def test_other_customer_refused(self):
        """Another customer's account: 404, nothing created; the page lists
        only the customer's own requests."""
        self.Request.create(
            {
                "request_type": "leak",
                "utility_account_id": self.other_account.id,
                "description": "Jose's leak",
            }
        )
        self._login()
        with mute_logger("odoo.http"):
            response = self._post_request(
                "leak", account=self.other_account, description="Not mine"
            )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(self._requests(account=self.other_account)), 1)
        # The other customer, logged in, cannot post on Maria's account either.
        self._login(self.other_portal_user)
        with mute_logger("odoo.http"):
            response = self._post_request("leak", description="Not mine")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._requests())
        # No CSRF token: refused.
        self._login()
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/utility_accounts/{self.account.id}/requests",
                data={"request_type": "leak", "description": "No token"},
            )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(self._requests())

    def test_portal_user_rpc(self):
        """Over JSON-RPC the customer reads their own requests only and
        creates or changes none."""
        own = self.Request.create(
            {"request_type": "leak", "utility_account_id": self.account.id}
        )
        other = self.Request.create(
            {"request_type": "leak", "utility_account_id": self.other_account.id}
        )
        self._login()
        result, error = self._call_kw(
            "utility.service.request", "search_read", [[]], {"fields": ["name"]}
        )
        self.assertFalse(error)
        self.assertEqual([row["id"] for row in result], own.ids)
        _result, error = self._call_kw(
            "utility.service.request", "read", [other.ids, ["name"]]
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        _result, error = self._call_kw(
            "utility.service.request",
            "create",
            [{"request_type": "leak", "utility_account_id": self.account.id}],
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        _result, error = self._call_kw(
            "utility.service.request", "write", [own.ids, {"description": "Hi"}]
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        # The state is refused before the access rights are even read.
        _result, error = self._call_kw(
            "utility.service.request", "write", [own.ids, {"state": "done"}]
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.UserError")
        _result, error = self._call_kw(
            "utility.service.request", "action_take", [own.ids]
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.assertEqual(own.state, "new")

    def test_csr_rpc_refusals(self):
        """A CSR I over JSON-RPC: the state and the links change only through
        the buttons, whatever the context says; the buttons work."""
        service_request = self.Request.create(
            {"request_type": "leak", "utility_account_id": self.account.id}
        )
        order = self._service_order("leak_check", self.account)
        self.authenticate(self.csr1.login, self.csr1.login)
        for vals in (
            {"state": "done"},
            {"service_order_id": order.id},
            {"submitted_ip": "198.51.100.1"},
        ):
            with self.subTest(vals=vals):
                _result, error = self._call_kw(
                    "utility.service.request", "write", [service_request.ids, vals]
                )
                self.assertEqual(error["data"]["name"], "odoo.exceptions.UserError")
        _result, error = self._call_kw(
            "utility.service.request",
            "create",
            [
                {
                    "request_type": "leak",
                    "utility_account_id": self.account.id,
                    "state": "done",
                    "channel": "portal",
                }
            ],
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.UserError")
        self.env.invalidate_all()
        self.assertEqual(service_request.state, "new")
        self.assertFalse(service_request.service_order_id)
        _result, error = self._call_kw(
            "utility.service.request", "action_process", [service_request.ids]
        )
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(service_request.state, "done")
        self.assertEqual(service_request.service_order_id.order_type, "leak_check")

    def test_spanish_page_and_mail(self):
        """A customer who reads Spanish: the card and the e-mail in Spanish."""
        load_po_terms(self.env, "utility_billing", cleanup=self.addCleanup)
        self.partner.lang = "es_MX"
        self._login(lang="es_MX")
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Solicitudes", page)
        self.assertIn("Reportar una fuga", page)
        self.assertNotIn("Report a leak", page)
        response = self._post_request("leak", description="")
        self.assertIn("Describa la fuga", response.text)
        response = self._post_request("leak", description="Fuga en el patio")
        self.assertIn("Gracias: recibimos su solicitud", response.text)
        # The list of requests: its type and status in Spanish.
        self.assertIn("Fuga", response.text)
        self.assertIn("Nueva", response.text)
        self.assertNotIn(">Leak<", response.text)
        service_request = self._requests()
        mail = self.env["mail.mail"].search(
            [("model", "=", service_request._name), ("res_id", "=", service_request.id)]
        )
        self.assertIn("Solicitud recibida", mail.subject)
        self.assertIn("reporte de fuga", mail.body_html)


@tagged("post_install", "-at_install")
class TestRequestDemoRpc(UtilityBillingCommon, HttpCase):
    """The demo's own CSR I (csr1), logged in with the web client's JSON-RPC,
    plainly and with context keys an old workflow trusted: a request's state,
    links and submission trace stay the workflow's."""

    on_demo_company = True

    def test_demo_csr1_refused(self):
        account = self.env["utility.account"].search(
            [("state", "=", "active"), ("company_id", "=", self.env.company.id)],
            limit=1,
        )
        self.assertTrue(account, "the demo has active accounts")
        service_request = self.env["utility.service.request"].create(
            {
                "request_type": "leak",
                "utility_account_id": account.id,
                "description": "Demo leak",
            }
        )
        order = self._service_order("leak_check", account)
        fnames = ["state", "service_order_id", "channel", "submitted_ip"]
        before = service_request.read(fnames)
        self.authenticate("csr1", "csr1")
        trusted_keys = {"skip_readonly_check": True, "tracking_disable": True}
        for context in ({}, trusted_keys):
            for method, args in (
                ("write", [service_request.ids, {"state": "done"}]),
                ("write", [service_request.ids, {"service_order_id": order.id}]),
                ("write", [service_request.ids, {"channel": "portal"}]),
                ("write", [service_request.ids, {"submitted_ip": "10.0.0.1"}]),
                (
                    "create",
                    [
                        {
                            "request_type": "leak",
                            "utility_account_id": account.id,
                            "state": "in_progress",
                        }
                    ],
                ),
                ("unlink", [service_request.ids]),
            ):
                with (
                    self.subTest(method=method, args=args, context=context),
                    mute_logger("odoo.http"),
                ):
                    reply = call_kw(
                        self, "utility.service.request", method, args, context=context
                    )
                    self.assertIn("error", reply)
                    self.assertIn(
                        reply["error"]["data"]["name"],
                        ("odoo.exceptions.UserError", "odoo.exceptions.AccessError"),
                    )
        self.env.invalidate_all()
        self.assertEqual(service_request.read(fnames), before)
        # The buttons work for csr1.
        reply = call_kw(
            self, "utility.service.request", "action_take", [service_request.ids]
        )
        self.assertNotIn("error", reply)
        self.env.invalidate_all()
        self.assertEqual(service_request.state, "in_progress")
        self.assertEqual(service_request.user_id.login, "csr1")
