# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import UserError


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    ach_mandate_ids = fields.One2many(
        "utility.ach.mandate", "account_id", string="Autopay Mandates"
    )
    autopay = fields.Boolean(
        compute="_compute_autopay",
        search="_search_autopay",
        help="An active ACH autopay mandate debits this account's bills.",
    )

    @api.depends("ach_mandate_ids.state")
    def _compute_autopay(self):
        for account in self:
            account.autopay = any(m.state == "active" for m in account.ach_mandate_ids)

    def _search_autopay(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Autopay can only be searched as set or not set.")
            )
        positive = (operator == "=") == bool(value)
        return [
            (
                "ach_mandate_ids",
                "any" if positive else "not any",
                [("state", "=", "active")],
            )
        ]

    def _pos_counter_flags(self):
        flags = (
            super()._pos_counter_flags()
            if hasattr(super(), "_pos_counter_flags")
            else []
        )
        if self.autopay:
            flags = flags + [self.env._("Autopay")]
        return flags

    def action_enroll_autopay(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Enroll in Autopay"),
            "res_model": "utility.ach.mandate",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_account_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_ach_mandates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing_payments.utility_ach_mandate_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {
            "default_account_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action
