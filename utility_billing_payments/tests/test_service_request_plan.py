# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment plan asked for on the customer portal (issue 18 item 4): the
CSR's Process makes it a draft payment plan of the account."""

from odoo.exceptions import UserError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestServiceRequestPlan(UtilityDelinquencyCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("SRP-1")
        cls.account.partner_id.write({"email": "plan@example.com", "lang": "en_US"})
        cls.bill = cls._bill(cls.account, 300.0)
        cls.paid_up = cls._account("SRP-2")
        cls.Request = cls.env["utility.service.request"]
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_req_plan",
            password="portal_req_plan",
            groups="base.group_portal",
            partner_id=cls.account.partner_id.id,
        )

    def _submit(self, account=None, **post):
        account = account or self.account
        return self.Request._portal_submit(
            "payment_plan", post, account.partner_id, account=account
        )

    def test_plan_request_to_draft_plan(self):
        """Asked for in 6 installments: Process makes a draft plan of the
        account's open bills with 6 months; the customer is told."""
        service_request, errors = self._submit(plan_months="6", description="Lost job")
        self.assertFalse(errors)
        action = service_request.with_user(self.csr1).action_process()
        plan = service_request.payment_plan_id
        self.assertEqual(action["res_model"], "utility.payment.plan")
        self.assertEqual(action["res_id"], plan.id)
        self.assertRecordValues(
            plan,
            [{"account_id": self.account.id, "state": "draft", "months": 6}],
        )
        self.assertEqual(plan.move_ids, self.bill)
        self.assertIn("Lost job", plan.note)
        self.assertEqual(service_request.state, "done")
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", service_request._name),
                ("res_id", "=", service_request.id),
            ],
            order="id desc",
            limit=1,
        )
        self.assertIn(plan.name, mail.body_html)
        # The CSR goes on as for any plan.
        plan.with_user(self.csr1).action_compute_installments()
        self.assertEqual(len(plan.installment_ids), 6)

    def test_plan_request_checked(self):
        _request, errors = self._submit(plan_months="40")
        self.assertIn("between 1 and 12", errors[0])
        _request, errors = self._submit(account=self.paid_up, plan_months="3")
        self.assertIn("owes nothing", errors[0])
        service_request, errors = self._submit(plan_months="3")
        self.assertFalse(errors)
        # The plan is the workflow's link: a CSR does not set it by hand.
        plan = self.env["utility.payment.plan"].create(
            {"account_id": self.account.id, "months": 3}
        )
        with self.assertRaisesRegex(UserError, "change only through its buttons"):
            service_request.with_user(self.csr1).write({"payment_plan_id": plan.id})

    def test_plan_form_on_the_portal(self):
        self.authenticate("portal_req_plan", "portal_req_plan")
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Ask for a payment plan", page)
        response = self.url_open(
            f"/my/utility_accounts/{self.account.id}/requests",
            data={
                "csrf_token": Request.csrf_token(self),
                "request_type": "payment_plan",
                "plan_months": "4",
            },
        )
        self.assertEqual(response.status_code, 200)
        service_request = self.Request.search(
            [("utility_account_id", "=", self.account.id)]
        )
        self.assertEqual(service_request.request_type, "payment_plan")
        self.assertEqual(service_request.plan_months, 4)
