# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Start and stop service from a customer's request: the wizard remembers the
request and, once it has started or stopped the account, closes it done."""

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.utility_service_request import OPEN_STATES


class UtilityStartService(models.TransientModel):
    _inherit = "utility.start.service"

    service_request_id = fields.Many2one(
        "utility.service.request",
        string="Customer Request",
        readonly=True,
        domain="[('request_type', '=', 'start')]",
    )

    def action_start(self):
        self.ensure_one()
        service_request = self.service_request_id
        if service_request:
            self._check_service_request()
        action = super().action_start()
        if service_request:
            account = self.env["utility.account"].browse(action.get("res_id"))
            service_request._done({"new_account_id": account.id})
        return action

    def _check_service_request(self):
        """The request this wizard closes is an open start request of the
        premise's company, from the customer the account is opened for: the
        caller sets the request (it is read-only only in the view). Process
        fills the wizard with the request's customer, an existing one; a new
        customer created here is never the request's."""
        service_request = self.service_request_id
        if service_request.request_type != "start":
            raise UserError(
                self.env._(
                    "Request %(name)s is not a start of service.",
                    name=service_request.name,
                )
            )
        service_request._check_state(OPEN_STATES)
        company = self.premise_id.company_id
        if service_request.company_id != company:
            raise UserError(
                self.env._(
                    "Request %(name)s is for %(company)s: the premise is in "
                    "%(premise_company)s.",
                    name=service_request.name,
                    company=service_request.company_id.name,
                    premise_company=company.name,
                )
            )
        customer = (
            self.partner_id
            if self.customer_mode == "existing"
            else self.env["res.partner"]
        )
        if (
            not customer
            or customer.commercial_partner_id
            != service_request.partner_id.commercial_partner_id
        ):
            raise UserError(
                self.env._(
                    "Request %(name)s is from %(customer)s: start the service for "
                    "that customer (an existing customer).",
                    name=service_request.name,
                    customer=service_request.partner_id.display_name,
                )
            )


class UtilityStopService(models.TransientModel):
    _inherit = "utility.stop.service"

    service_request_id = fields.Many2one(
        "utility.service.request",
        string="Customer Request",
        readonly=True,
        domain="[('request_type', '=', 'stop')]",
    )

    def action_stop(self):
        service_request = self.service_request_id
        if service_request and (
            service_request.request_type != "stop"
            or service_request.utility_account_id != self.account_id
        ):
            raise UserError(
                self.env._(
                    "Request %(name)s is not a stop of service of account %(account)s.",
                    name=service_request.name,
                    account=self.account_id.name,
                )
            )
        if service_request:
            service_request._check_state(OPEN_STATES)
        action = super().action_stop()
        if service_request:
            service_request._done()
        return action
