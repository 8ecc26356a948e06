# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import nacha


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

    def _utility_returned_payment_count(self, exclude=None):
        """Returned payments of the account so far, for the Civil Code 1719
        schedule: its returned counter checks and its autopay debits returned
        for a reason that bears a fee (the first return of each item; a
        re-presentment returned again is the same item). ``exclude``: the
        return line being processed."""
        self.ensure_one()
        fee_codes = [
            code for code, (_r, _a, fee) in nacha.RETURN_REASONS.items() if fee
        ]
        ach = (
            self.env["utility.ach.return.line"]
            .sudo()
            .search_count(
                [
                    ("account_id", "=", self.id),
                    ("kind", "=", "return"),
                    ("state", "=", "done"),
                    ("code", "in", fee_codes),
                    ("batch_line_id.kind", "=", "debit"),
                    ("id", "not in", exclude.ids if exclude else []),
                ]
            )
        )
        return self.sudo().returned_check_count + ach

    def _utility_returned_payment_fee(self, exclude=None):
        """The returned payment fee of the account's next returned payment,
        check or autopay alike (Civil Code 1719, docs/domain-rules.md §1.8):
        the company's first fee ($25) when the account has never had a payment
        returned, its later fee ($35) for each subsequent one, over the
        account's whole history (the statute sets no period)."""
        self.ensure_one()
        company = self.company_id
        if self._utility_returned_payment_count(exclude=exclude):
            return company.utility_nsf_fee_next
        return company.utility_nsf_fee_first
