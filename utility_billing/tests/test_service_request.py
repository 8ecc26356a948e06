# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service requests (issue 18 item 4): what the portal accepts, the
CSR's queue (take, process, refuse) and the customer's e-mails."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from ..models.utility_service_request_portal import MAX_OPEN_REQUESTS
from .common import UtilityBillingCommon


@tagged("post_install", "-at_install")
class TestServiceRequest(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_MX")
        cls.partner.write({"email": "maria@example.com", "lang": "en_US"})
        cls.premise, cls.meter, cls.account = cls._setup_account("SR-1")
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Jose Ramirez", "email": "jose@example.com", "lang": "es_MX"}
        )
        _premise, _meter, cls.other_account = cls._setup_account(
            "SR-2", partner=cls.other_partner
        )
        # The premise the customer moves to: on file, with its meter.
        cls.new_premise = cls._create_premise(street="77 Calle Nueva", sequence=30)
        cls.new_meter = cls._create_meter("SR-3")
        cls.new_meter._install(cls.new_premise, "2025-01-05", 0.0)
        cls.Request = cls.env["utility.service.request"]
        cls.today = cls.company._utility_today()
        cls.us_ca = cls.env.ref("base.state_us_5")

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _submit(self, request_type, account=None, partner=None, **post):
        """What the portal controller does once it checked the customer."""
        account = self.account if account is None else account
        service_request, errors = self.Request._portal_submit(
            request_type,
            post,
            partner or (account.partner_id if account else self.partner),
            account=account or None,
            ip="203.0.113.7",
        )
        return service_request, errors

    def _mails(self, service_request):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "utility.service.request"),
                ("res_id", "=", service_request.id),
            ],
            order="id",
        )

    def _address(self, prefix, street="500 Forwarding Ave"):
        return {
            f"{prefix}_street": street,
            f"{prefix}_city": "Indio",
            f"{prefix}_state_id": str(self.us_ca.id),
            f"{prefix}_zip": "92201",
        }

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_leak_received_taken_done(self):
        """A leak: received (e-mail), taken by a CSR I (e-mail), processed into
        an urgent leak check of the account's premise (e-mail naming it)."""
        service_request, errors = self._submit(
            "leak", description="Water under the sink since Monday", urgent="1"
        )
        self.assertFalse(errors)
        self.assertRecordValues(
            service_request,
            [
                {
                    "request_type": "leak",
                    "state": "new",
                    "channel": "portal",
                    "partner_id": self.partner.id,
                    "company_id": self.company.id,
                    "submitted_ip": "203.0.113.7",
                    "urgent": True,
                }
            ],
        )
        self.assertTrue(service_request.name.startswith("REQ/"))
        mails = self._mails(service_request)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.partner)
        self.assertIn("Request received", mails.subject)
        self.assertIn(service_request.name, mails.body_html)

        as_csr = service_request.with_user(self.csr1)
        as_csr.action_take()
        self.assertEqual(service_request.state, "in_progress")
        self.assertEqual(service_request.user_id, self.csr1)
        self.assertIn("Request in progress", self._mails(service_request)[-1].subject)

        action = as_csr.action_process()
        order = service_request.service_order_id
        self.assertEqual(action["res_model"], "utility.service.order")
        self.assertEqual(action["res_id"], order.id)
        self.assertRecordValues(
            order,
            [
                {
                    "order_type": "leak_check",
                    "account_id": self.account.id,
                    "premise_id": self.premise.id,
                    "priority": "1",
                    "state": "new",
                }
            ],
        )
        self.assertIn("Water under the sink", order.description)
        self.assertEqual(service_request.state, "done")
        self.assertEqual(service_request.done_date, self.today)
        done_mail = self._mails(service_request)[-1]
        self.assertIn("Request done", done_mail.subject)
        self.assertIn(order.name, done_mail.body_html)
        self.assertEqual(len(self._mails(service_request)), 3)
        # Done is done.
        with self.assertRaises(UserError):
            as_csr.action_process()

    def test_high_bill_investigation(self):
        """A high bill, processed straight from New: an investigation order."""
        service_request, errors = self._submit(
            "high_bill", description="Twice the usual amount"
        )
        self.assertFalse(errors)
        service_request.with_user(self.csr1).action_process()
        self.assertEqual(service_request.state, "done")
        self.assertEqual(service_request.service_order_id.order_type, "investigate")
        self.assertEqual(service_request.user_id, self.csr1)

    def test_sb998_review_appeal(self):
        """An SB 998 review becomes a pending appeal received the day the
        customer sent it: the account is protected; a second review links the
        same pending appeal."""
        service_request, errors = self._submit(
            "sb998_review", description="I dispute the March bill"
        )
        self.assertFalse(errors)
        service_request.with_user(self.csr1).action_process()
        case = service_request.sb998_case_id
        self.assertRecordValues(
            case,
            [
                {
                    "account_id": self.account.id,
                    "kind": "appeal",
                    "state": "received",
                    "received_date": self.today,
                }
            ],
        )
        self.assertTrue(self.account.appeal_pending)
        again, errors = self._submit("sb998_review", description="Please hurry")
        self.assertFalse(errors)
        again.with_user(self.csr1).action_process()
        self.assertEqual(again.sb998_case_id, case)

    def test_start_service_at_new_address(self):
        """A start of service at an address on file: Process opens Start
        Service with the customer, the premise, the date and the language;
        when it starts the account, the request is done and names it."""
        start_day = self.today
        service_request, errors = self._submit(
            "start",
            requested_date=fields.Date.to_string(start_day),
            **dict(
                self._address("new", street="77 calle nueva"),
                new_city="Coachella",
                new_zip="92236",
            ),
        )
        self.assertFalse(errors)
        self.assertEqual(
            service_request._new_address(), "77 calle nueva, Coachella, CA 92236"
        )
        action = service_request.with_user(self.csr1).action_process()
        self.assertEqual(action["res_model"], "utility.start.service")
        self.assertEqual(service_request.state, "in_progress")
        self.assertEqual(action["context"]["default_premise_id"], self.new_premise.id)
        wizard_form = Form(
            self.env["utility.start.service"]
            .with_user(self.csr1)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.partner_id, self.partner)
        self.assertEqual(wizard_form.start_date, start_day)
        wizard = wizard_form.save()
        result = wizard.action_start()
        new_account = self.env["utility.account"].browse(result["res_id"])
        self.assertEqual(new_account.premise_id, self.new_premise)
        self.assertEqual(new_account.state, "active")
        self.assertEqual(service_request.state, "done")
        self.assertEqual(service_request.new_account_id, new_account)
        self.assertIn(new_account.name, self._mails(service_request)[-1].body_html)

    def test_stop_service_with_forwarding(self):
        """A stop of service: Process opens Stop Service of the account with
        the stop date and the forwarding address; when it stops the account,
        the request is done."""
        stop_day = self.today
        service_request, errors = self._submit(
            "stop",
            requested_date=fields.Date.to_string(stop_day),
            **self._address("forwarding"),
        )
        self.assertFalse(errors)
        action = service_request.with_user(self.csr1).action_process()
        self.assertEqual(action["res_model"], "utility.stop.service")
        wizard_form = Form(
            self.env["utility.stop.service"]
            .with_user(self.csr1)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.end_date, stop_day)
        self.assertEqual(wizard_form.forwarding_city, "Indio")
        wizard_form.save().action_stop()
        self.assertEqual(self.account.state, "final")
        self.assertEqual(self.account.end_date, stop_day)
        self.assertIn("500 Forwarding Ave", self.account.forwarding_address)
        self.assertEqual(service_request.state, "done")
        self.assertIn("Request done", self._mails(service_request)[-1].subject)
        # Another account's stop wizard does not close this request.
        other_request, _errors = self._submit(
            "stop",
            account=self.other_account,
            requested_date=fields.Date.to_string(stop_day),
            **self._address("forwarding"),
        )
        wizard = (
            self.env["utility.stop.service"]
            .with_user(self.csr1)
            .create({"account_id": self.account.id})
        )
        wizard.service_request_id = other_request
        with self.assertRaises(UserError):
            wizard.action_stop()

    def test_start_on_a_later_day(self):
        """A stop asked for a later day: taking it leaves a to-do for that day;
        before that day, Process says so instead of opening the wizard."""
        stop_day = self.today + timedelta(days=3)
        service_request, errors = self._submit(
            "stop",
            requested_date=fields.Date.to_string(stop_day),
            **self._address("forwarding"),
        )
        self.assertFalse(errors)
        as_csr = service_request.with_user(self.csr1)
        as_csr.action_take()
        activity = service_request.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, stop_day)
        self.assertEqual(activity.user_id, self.csr1)
        action = as_csr.action_process()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("process it on that day", action["params"]["message"])
        self.assertEqual(service_request.state, "in_progress")
        # Processed straight from New: taken (with its to-do), no wizard yet.
        start, errors = self._submit(
            "start",
            requested_date=fields.Date.to_string(stop_day),
            **self._address("new"),
        )
        self.assertFalse(errors)
        action = start.with_user(self.csr1).action_process()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(start.state, "in_progress")
        self.assertEqual(start.activity_ids.date_deadline, stop_day)

    def test_refuse_with_reason_spanish(self):
        """Refused with a reason: the customer reads it in their language."""
        service_request, _errors = self._submit(
            "leak",
            account=self.other_account,
            description="Fuga en el jardín",
        )
        received = self._mails(service_request)
        self.assertIn("Solicitud recibida", received.subject)
        self.assertIn("Recibimos su solicitud", received.body_html)
        as_csr = service_request.with_user(self.csr1)
        with self.assertRaises(UserError):
            as_csr.action_refuse("  ")
        wizard = (
            self.env["utility.service.request.refuse"]
            .with_user(self.csr1)
            .create(
                {
                    "request_id": service_request.id,
                    "reason": "The leak is on the customer's side of the meter.",
                }
            )
        )
        wizard.action_refuse()
        self.assertEqual(service_request.state, "refused")
        mail = self._mails(service_request)[-1]
        self.assertIn("Solicitud no atendida", mail.subject)
        self.assertIn("customer&#39;s side of the meter", mail.body_html)
        with self.assertRaises(UserError):
            as_csr.action_take()

    def test_queue_views_and_account_button(self):
        """The queue opens for a CSR I, open requests first; the account's
        Requests button lists its own."""
        Request = self.env["utility.service.request"].with_user(self.csr1)
        views = Request.get_views([(False, "list"), (False, "form"), (False, "search")])
        self.assertIn("action_process", views["views"]["form"]["arch"])
        service_request, _errors = self._submit("leak", description="Leak")
        account = self.account.with_user(self.csr1)
        self.assertEqual(account.service_request_count, 1)
        action = account.action_view_service_requests()
        self.assertEqual(Request.search(action["domain"]), service_request)
        self.assertEqual(
            self.env["utility.account"]
            .with_user(self.csr1)
            .get_views([(False, "form")])["views"]["form"]["arch"]
            .count("action_view_service_requests"),
            1,
        )

    def test_other_company_refused(self):
        """A CSR works only the requests of their companies."""
        other_company = self.env["res.company"].create({"name": "Other City"})
        service_request = self.Request.create(
            {
                "request_type": "start",
                "partner_id": self.partner.id,
                "company_id": other_company.id,
                "new_street": "1 Other Street",
            }
        )
        with self.assertRaises(AccessError):
            service_request.with_user(self.csr1).action_take()
        self.assertEqual(service_request.state, "new")
        self.assertFalse(
            self.Request.with_user(self.csr1).search([("id", "=", service_request.id)])
        )

    def test_customer_without_email(self):
        """No e-mail address: no mail; the chatter tells the CSR to call."""
        self.partner.email = False
        service_request, _errors = self._submit("leak", description="Leak")
        self.assertFalse(self._mails(service_request))
        self.assertIn(
            "has no e-mail address",
            service_request.message_ids[:1].body,
        )

    def test_portal_validation(self):
        """The server checks each form and says what is wrong."""
        yesterday = fields.Date.to_string(self.today - timedelta(days=1))
        _request, errors = self._submit(
            "stop", requested_date=yesterday, **self._address("forwarding")
        )
        self.assertEqual(len(errors), 1)
        self.assertIn("cannot be in the past", errors[0])
        _request, errors = self._submit(
            "stop", requested_date="31/12/2099", **self._address("forwarding")
        )
        self.assertIn("is not a date", errors[0])
        _request, errors = self._submit(
            "start",
            requested_date=fields.Date.to_string(self.today),
            **dict(self._address("new"), new_zip="ABCDE"),
        )
        self.assertIn("ZIP code", errors[0])
        _request, errors = self._submit("leak", description="   ")
        self.assertIn("Describe the leak", errors[0])
        _request, errors = self._submit(
            "high_bill", description="Too high", bill_id="999999999"
        )
        self.assertIn("Choose one of this account's bills.", errors)
        _request, errors = self._submit("leak", description="x" * 2500)
        self.assertIn("too long", errors[0])
        _request, errors = self._submit("disconnect")
        self.assertTrue(errors)
        self.assertFalse(
            self.Request.search([("utility_account_id", "=", self.account.id)])
        )

    def test_open_requests_limit(self):
        """At most MAX_OPEN_REQUESTS open requests of one type per account;
        a closed one frees a place."""
        requests = self.Request
        for index in range(MAX_OPEN_REQUESTS):
            service_request, errors = self._submit("leak", description=f"Leak {index}")
            self.assertFalse(errors)
            requests |= service_request
        _request, errors = self._submit("leak", description="One more")
        self.assertIn("open requests of this kind", errors[0])
        # Another type is still accepted.
        _request, errors = self._submit("high_bill", description="High")
        self.assertFalse(errors)
        requests[0].with_user(self.csr1).action_refuse("Duplicate")
        _request, errors = self._submit("leak", description="One more")
        self.assertFalse(errors)

    def test_rights_and_protected_fields(self):
        """Only customer service works requests; state and links change only
        through the buttons."""
        service_request, _errors = self._submit("leak", description="Leak")
        clerk = new_test_user(self.env, login="sr_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            service_request.with_user(clerk).action_take()
        as_csr = service_request.with_user(self.csr1)
        order = self._service_order("leak_check", self.account)
        for vals in (
            {"state": "done"},
            {"service_order_id": order.id},
            {"utility_account_id": self.other_account.id},
            {"channel": "office"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_csr.write(vals)
        with self.assertRaises(UserError):
            self.Request.with_user(self.csr1).create(
                {
                    "request_type": "leak",
                    "utility_account_id": self.account.id,
                    "state": "done",
                }
            )
        # A CSR records a phone call as a request (the office channel).
        phoned = self.Request.with_user(self.csr1).create(
            {
                "request_type": "high_bill",
                "utility_account_id": self.account.id,
                "description": "Called about the bill",
            }
        )
        self.assertRecordValues(
            phoned,
            [{"channel": "office", "partner_id": self.partner.id, "state": "new"}],
        )
        # Not another customer's account.
        with self.assertRaises(UserError):
            self.Request.with_user(self.csr1).create(
                {
                    "request_type": "leak",
                    "utility_account_id": self.account.id,
                    "partner_id": self.other_partner.id,
                }
            )
        # What the customer wrote is frozen once the request is closed.
        as_csr.action_refuse("Duplicate")
        with self.assertRaises(UserError):
            as_csr.write({"description": "Changed"})
        with self.assertRaises(UserError):
            as_csr.unlink()
