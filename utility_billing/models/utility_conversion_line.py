# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .utility_conversion_spec import KINDS


class UtilityConversionLine(models.Model):
    """One row of a conversion file, staged: parsed and typed, not loaded.

    One staging model for every file rather than one per file: the columns of
    each file are the template's (``utility_conversion_spec.TEMPLATES``), kept
    as typed JSON in ``data``, while what validation and the proof look up
    (file, line, legacy key) are real, indexed columns. So a new template is a
    spec entry, not a model, a view and access rules, and a staged file stays
    queryable: ``[('kind', '=', 'meters'), ('key', '=', 'SN-1')]``.
    """

    _name = "utility.conversion.line"
    _description = "Utility Conversion Staged Row"
    _order = "conversion_id, kind, line_no"
    _rec_name = "key"

    conversion_id = fields.Many2one(
        "utility.conversion", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Selection(KINDS, string="File", required=True, index=True)
    line_no = fields.Integer(string="Line", required=True)
    key = fields.Char(string="Legacy Key", index=True)
    data = fields.Json(help="The row's values, typed (dates as ISO text).")
    company_id = fields.Many2one(
        related="conversion_id.company_id", store=True, index=True
    )


class UtilityConversionError(models.Model):
    """One problem found in a conversion file: where it is and what to fix."""

    _name = "utility.conversion.error"
    _description = "Utility Conversion Error"
    _order = "conversion_id, sequence, id"
    _rec_name = "message"

    conversion_id = fields.Many2one(
        "utility.conversion", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    kind = fields.Selection(KINDS, string="File", required=True)
    file_name = fields.Char()
    line_no = fields.Integer(string="Line")
    field_name = fields.Char(string="Column")
    message = fields.Char(required=True)
    company_id = fields.Many2one(
        related="conversion_id.company_id", store=True, index=True
    )
