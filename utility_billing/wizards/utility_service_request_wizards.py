# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Start and stop service from a customer's request: the wizard remembers the
request and, once it has started or stopped the account, closes it done."""

from odoo import fields, models
from odoo.exceptions import UserError


class UtilityStartService(models.TransientModel):
    _inherit = "utility.start.service"

    service_request_id = fields.Many2one(
        "utility.service.request",
        string="Customer Request",
        readonly=True,
        domain="[('request_type', '=', 'start')]",
    )

    def action_start(self):
        service_request = self.service_request_id
        if service_request and service_request.request_type != "start":
            raise UserError(
                self.env._(
                    "Request %(name)s is not a start of service.",
                    name=service_request.name,
                )
            )
        action = super().action_start()
        if service_request:
            account = self.env["utility.account"].browse(action.get("res_id"))
            service_request._done({"new_account_id": account.id})
        return action


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
        action = super().action_stop()
        if service_request:
            service_request._done()
        return action
