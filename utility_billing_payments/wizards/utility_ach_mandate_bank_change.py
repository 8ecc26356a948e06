# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools.controls import check_company


class UtilityAchMandateBankChange(models.TransientModel):
    """A new bank account for an autopay mandate (CSR II): the mandate goes
    back to waiting for its prenote, sent in the next ACH file, and is not
    debited before the prenote wait is over."""

    _name = "utility.ach.mandate.bank.change"
    _description = "Change the Bank Account of an Autopay Mandate"

    mandate_id = fields.Many2one("utility.ach.mandate", required=True, readonly=True)
    routing_number = fields.Char(size=9, required=True)
    bank_account_number = fields.Char(size=17, required=True)
    bank_account_type = fields.Selection(
        [("checking", "Checking"), ("savings", "Savings")],
        required=True,
        default="checking",
    )
    reason = fields.Char(
        required=True,
        default=lambda self: self.env._("New bank account given by the customer"),
    )

    @api.onchange("mandate_id")
    def _onchange_mandate_id(self):
        if self.mandate_id:
            self.bank_account_type = self.mandate_id.bank_account_type

    def action_apply(self):
        self.ensure_one()
        mandate = self.mandate_id
        mandate._check_csr2()
        check_company(mandate)
        mandate._change_bank_account(
            {
                "routing_number": self.routing_number,
                "bank_account_number": self.bank_account_number,
                "bank_account_type": self.bank_account_type,
            },
            self.reason,
        )
        return {"type": "ir.actions.act_window_close"}
