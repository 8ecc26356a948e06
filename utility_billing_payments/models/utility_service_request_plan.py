# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service requests: a payment plan asked for on the portal; the
CSR's Process makes it a draft payment plan of the account."""

from odoo import api, fields, models

from odoo.addons.utility_billing.models.utility_service_request import (
    REQUEST_CONTENT_FIELDS,
    REQUEST_WORKFLOW_FIELDS,
)


class UtilityServiceRequest(models.Model):
    _inherit = "utility.service.request"

    request_type = fields.Selection(
        selection_add=[("payment_plan", "Payment Plan")],
        ondelete={"payment_plan": "cascade"},
    )
    payment_plan_id = fields.Many2one(
        "utility.payment.plan", readonly=True, copy=False, index="btree_not_null"
    )
    plan_months = fields.Integer(
        string="Installments Asked For",
        aggregator=None,
        help="The number of monthly installments the customer asked for.",
    )

    def _workflow_fields(self):
        return REQUEST_WORKFLOW_FIELDS + ("payment_plan_id",)

    def _content_fields(self):
        return REQUEST_CONTENT_FIELDS + ("plan_months",)

    @api.model
    def _portal_request_types(self):
        return super()._portal_request_types() + ["payment_plan"]

    @api.model
    def _portal_vals_payment_plan(self, post, company, account, errors):
        self._portal_check_open_account(account, errors)
        if account.currency_id.compare_amounts(account.balance, 0.0) <= 0:
            errors.append(
                self.env._(
                    "Account %(account)s owes nothing: there is no balance to "
                    "pay in installments.",
                    account=account.name,
                )
            )
        maximum = company.utility_plan_max_months or 12
        raw = (post.get("plan_months") or "").strip()
        months = int(raw) if raw.isdigit() else 0
        if not 1 <= months <= maximum:
            errors.append(
                self.env._(
                    "Choose between 1 and %(max)s monthly installments.",
                    max=maximum,
                )
            )
        return {
            "plan_months": months,
            "description": self._portal_text(post, "description", errors),
        }

    def _process_payment_plan(self):
        """A draft payment plan of the account with the installments asked
        for (the draft the account has, if any); the CSR computes, confirms
        and has it approved as for any plan."""
        account = self.utility_account_id
        Plan = self.env["utility.payment.plan"]
        plan = Plan.search(
            [("account_id", "=", account.id), ("state", "=", "draft")], limit=1
        )
        if not plan:
            maximum = self.company_id.utility_plan_max_months or 12
            plan = Plan.with_company(self.company_id).create(
                {
                    "account_id": account.id,
                    "company_id": self.company_id.id,
                    "start_date": self.company_id._utility_today(),
                    "months": min(max(self.plan_months or 6, 1), maximum),
                    "note": self.env._(
                        "Asked for by the customer (request %(name)s): %(text)s",
                        name=self.name,
                        text=self.description or "",
                    ),
                }
            )
        self._done({"payment_plan_id": plan.id})
        return self._open(plan)

    def _result_record(self):
        return self.payment_plan_id or super()._result_record()
