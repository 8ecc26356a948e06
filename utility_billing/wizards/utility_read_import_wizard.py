# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import fields, models
from odoo.exceptions import UserError


class UtilityReadImportWizard(models.TransientModel):
    """Upload a meter read file (CSV with a saved mapping, or a handheld route file)."""

    _name = "utility.read.import.wizard"
    _description = "Import Meter Read File"

    file = fields.Binary(required=True)
    filename = fields.Char()
    file_format = fields.Selection(
        [("csv", "CSV (column mapping)"), ("neptune", "Neptune handheld route file")],
        required=True,
        default="csv",
    )
    mapping_id = fields.Many2one("utility.read.import.mapping", string="Column Mapping")

    def action_import(self):
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Choose the file to import."))
        content = base64.b64decode(self.file)
        imp = self.env["utility.read.import"]._import_file(
            content, self.filename or "reads", self.file_format, self.mapping_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.read.import",
            "res_id": imp.id,
            "view_mode": "form",
        }
