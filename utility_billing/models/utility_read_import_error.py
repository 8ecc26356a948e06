# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A bad line of an imported meter read file: the import's one2many child, kept
in its own file (one class per file)."""

from odoo import api, fields, models


class UtilityReadImportError(models.Model):
    """A line of an imported read file that was not imported, and why."""

    _name = "utility.read.import.error"
    _description = "Meter Read Import Bad Line"
    _order = "import_id, line_number"

    import_id = fields.Many2one(
        "utility.read.import", required=True, index=True, ondelete="cascade"
    )
    line_number = fields.Integer(aggregator=None, required=True)
    content = fields.Char(string="Line")
    reason = fields.Char(required=True)
    company_id = fields.Many2one(related="import_id.company_id", store=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        self.env["utility.read.import"]._check_import_door()
        return super().create(vals_list)

    def write(self, vals):
        self.env["utility.read.import"]._check_import_door()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_with_import(self):
        self.env["utility.read.import"]._check_import_door()
