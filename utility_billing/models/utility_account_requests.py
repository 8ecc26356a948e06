# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Service accounts: the customer's service requests about the account."""

from odoo import fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    service_request_ids = fields.One2many(
        "utility.service.request", "utility_account_id", string="Service Requests"
    )
    service_request_count = fields.Integer(compute="_compute_service_request_count")

    def _compute_service_request_count(self):
        counts = dict(
            self.env["utility.service.request"]._read_group(
                [("utility_account_id", "in", self.ids)],
                ["utility_account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.service_request_count = counts.get(account, 0)

    def action_view_service_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_service_request_action"
        )
        action["domain"] = [("utility_account_id", "=", self.id)]
        action["context"] = {"default_utility_account_id": self.id}
        return action
