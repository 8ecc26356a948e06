# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import fields, models
from odoo.exceptions import UserError


class UtilityAchReturnImport(models.TransientModel):
    """Upload the bank's return file: NACHA (returns with addenda 99,
    notifications of change with 98) or CSV (trace_number,return_code,amount).
    """

    _name = "utility.ach.return.import"
    _description = "Import ACH Return File"

    file_data = fields.Binary(string="Return File", required=True)
    file_name = fields.Char()
    date = fields.Date(
        string="Return Date",
        required=True,
        default=fields.Date.context_today,
        help="Date of the reversals and fees.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def action_import(self):
        self.ensure_one()
        if not self.file_data:
            raise UserError(self.env._("Choose the return file to import."))
        ret = self.env["utility.ach.return"]._import_file(
            base64.b64decode(self.file_data),
            self.file_name or "return.txt",
            date=self.date,
            company=self.company_id,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.ach.return",
            "res_id": ret.id,
            "view_mode": "form",
            "target": "current",
        }
