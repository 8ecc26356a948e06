# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The start and stop wizards close only the request they serve: an open
request of the right type, company and customer (the request field is
read-only only in the view; a JSON-RPC caller sets any id). Each refusal is
tried as a CSR I over /web/dataset/call_kw, then the request is read again as
superuser to prove that nothing changed; the allowed path is run last."""

import re

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .common import UtilityBillingCommon, call_kw


@tagged("post_install", "-at_install")
class TestServiceRequestWizardControls(UtilityBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.write({"email": "maria@example.com", "lang": "en_US"})
        cls.premise, cls.meter, cls.account = cls._setup_account("WC-1")
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Jose Ramirez", "email": "jose@example.com", "lang": "en_US"}
        )
        _premise, _meter, cls.other_account = cls._setup_account(
            "WC-2", partner=cls.other_partner
        )
        # The premise the customers ask to move to: on file, with its meter.
        cls.new_premise = cls._create_premise(street="88 Calle Nueva", sequence=40)
        cls.new_meter = cls._create_meter("WC-3")
        cls.new_meter._install(cls.new_premise, "2025-01-05", 0.0)
        # A CSR I who also works a second city's requests.
        cls.other_company = cls.env["res.company"].create({"name": "Other City"})
        cls.csr1.company_ids |= cls.other_company
        cls.Request = cls.env["utility.service.request"]
        cls.today = cls.company._utility_today()
        cls.us_ca = cls.env.ref("base.state_us_5")

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _submit(self, request_type, account, **post):
        """A request from the account's customer, as the portal makes it."""
        post.setdefault("requested_date", fields.Date.to_string(self.today))
        prefix = "new" if request_type == "start" else "forwarding"
        post.setdefault(f"{prefix}_street", "88 Calle Nueva")
        post.setdefault(f"{prefix}_city", "Coachella")
        post.setdefault(f"{prefix}_state_id", str(self.us_ca.id))
        post.setdefault(f"{prefix}_zip", "92236")
        service_request, errors = self.Request._portal_submit(
            request_type, post, account.partner_id, account=account, ip="203.0.113.9"
        )
        self.assertFalse(errors)
        return service_request

    def _wizard_vals(self, service_request, **vals):
        """What a caller sends to create Start Service (Maria, the new premise)."""
        return dict(
            {
                "service_request_id": service_request.id,
                "customer_mode": "existing",
                "partner_id": self.partner.id,
                "premise_id": self.new_premise.id,
                "start_date": fields.Date.to_string(self.today),
                "lang": "en_US",
                "line_ids": [
                    Command.create(
                        {
                            "service_type_id": self.water.id,
                            "meter_id": self.new_meter.id,
                            "reading": 0.0,
                        }
                    )
                ],
            },
            **vals,
        )

    def _start_over_rpc(self, vals, context=None):
        """(result, error) of creating Start Service and starting it."""
        reply = call_kw(
            self, "utility.start.service", "create", [vals], context=context
        )
        if "error" in reply:
            return None, reply["error"]
        reply = call_kw(
            self,
            "utility.start.service",
            "action_start",
            [[reply["result"]]],
            context=context,
        )
        return reply.get("result"), reply.get("error")

    def assertRefused(self, error, *patterns):
        self.assertTrue(error, "the call was not refused")
        self.assertEqual(error["data"]["name"], "odoo.exceptions.UserError")
        for pattern in patterns:
            self.assertRegex(error["data"]["message"], pattern)

    def assertUnchanged(self, service_request, state):
        """As superuser: the request is as it was; no account at the premise."""
        service_request.invalidate_recordset()
        self.assertRecordValues(
            service_request,
            [{"state": state, "new_account_id": False, "done_date": False}],
        )
        self.assertFalse(
            self.env["utility.account"].search(
                [("premise_id", "=", self.new_premise.id)]
            )
        )

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_other_customers_request_refused_over_jsonrpc(self):
        """A CSR cannot close Jose's start request by starting service for
        Maria, nor for a new customer typed in the wizard: the request stays
        in progress, no account is opened, no customer is created."""
        jose_request = self._submit("start", self.other_account)
        jose_request.with_user(self.csr1).action_take()
        self.authenticate(self.csr1.login, self.csr1.login)
        name = re.escape(jose_request.name)
        _result, error = self._start_over_rpc(self._wizard_vals(jose_request))
        self.assertRefused(error, name, "Jose Ramirez")
        self.assertUnchanged(jose_request, "in_progress")
        _result, error = self._start_over_rpc(
            self._wizard_vals(
                jose_request,
                customer_mode="new",
                partner_id=False,
                new_name="Jose Ramirez",
                new_email="jose@example.com",
            )
        )
        self.assertRefused(error, name)
        self.assertUnchanged(jose_request, "in_progress")
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=", "Jose Ramirez")]), 1
        )

    def test_other_companys_request_refused_over_jsonrpc(self):
        """A CSR of two cities cannot close one city's start request with an
        account opened at the other city's premise."""
        other_request = self.Request.create(
            {
                "request_type": "start",
                "partner_id": self.partner.id,
                "company_id": self.other_company.id,
            }
        )
        self.authenticate(self.csr1.login, self.csr1.login)
        _result, error = self._start_over_rpc(
            self._wizard_vals(other_request),
            context={"allowed_company_ids": [self.company.id, self.other_company.id]},
        )
        self.assertRefused(error, re.escape(other_request.name), "Other City")
        self.assertUnchanged(other_request, "new")

    def test_closed_request_refused(self):
        """A done or refused request is not closed again by a start or a stop
        (over JSON-RPC for the start; the account stays active on the stop)."""
        done = self._submit("start", self.account)
        done.write({"state": "done", "done_date": self.today})
        refused = self._submit("start", self.account)
        refused.write({"state": "refused", "refuse_reason": "Duplicate"})
        self.authenticate(self.csr1.login, self.csr1.login)
        for service_request, label in ((done, "Done"), (refused, "Refused")):
            with self.subTest(state=label):
                _result, error = self._start_over_rpc(
                    self._wizard_vals(service_request)
                )
                self.assertRefused(error, re.escape(service_request.name), label)
                service_request.invalidate_recordset()
                self.assertEqual(service_request.state, label.lower())
                self.assertFalse(service_request.new_account_id)
                self.assertFalse(
                    self.env["utility.account"].search(
                        [("premise_id", "=", self.new_premise.id)]
                    )
                )
        stop = self._submit("stop", self.account)
        stop.write({"state": "refused", "refuse_reason": "Asked by mistake"})
        wizard_form = Form(
            self.env["utility.stop.service"]
            .with_user(self.csr1)
            .with_context(
                default_account_id=self.account.id,
                default_service_request_id=stop.id,
            )
        )
        wizard = wizard_form.save()
        with self.assertRaisesRegex(UserError, re.escape(stop.name)):
            wizard.action_stop()
        self.assertEqual(self.account.state, "active")
        self.assertEqual(stop.state, "refused")

    def test_own_request_started_over_jsonrpc(self):
        """The allowed path: the CSR processes Maria's start request and starts
        service with the wizard Process fills; the request is done and names
        Maria's new account."""
        service_request = self._submit("start", self.account)
        self.authenticate(self.csr1.login, self.csr1.login)
        reply = call_kw(
            self, "utility.service.request", "action_process", [[service_request.id]]
        )
        action = reply["result"]
        self.assertEqual(action["res_model"], "utility.start.service")
        result, error = self._start_over_rpc(
            {
                "line_ids": self._wizard_vals(service_request)["line_ids"],
            },
            context=action["context"],
        )
        self.assertFalse(error)
        new_account = self.env["utility.account"].browse(result["res_id"])
        self.assertRecordValues(
            new_account,
            [
                {
                    "partner_id": self.partner.id,
                    "premise_id": self.new_premise.id,
                    "state": "active",
                }
            ],
        )
        service_request.invalidate_recordset()
        self.assertEqual(service_request.state, "done")
        self.assertEqual(service_request.new_account_id, new_account)
