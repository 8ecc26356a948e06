# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class UtilityReadImportMapping(models.Model):
    """A saved CSV layout for meter read files.

    Each column is named by its header text (case-insensitive) or by its
    1-based position when the file has no header line.
    """

    _name = "utility.read.import.mapping"
    _description = "Meter Read File Column Mapping"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    delimiter = fields.Selection(
        [(",", "Comma"), (";", "Semicolon"), ("\t", "Tab"), ("|", "Pipe")],
        required=True,
        default=",",
        tracking=True,
    )
    has_header = fields.Boolean(default=True, tracking=True)
    meter_key = fields.Selection(
        [("serial", "Meter serial number"), ("endpoint", "AMR/AMI endpoint ID")],
        string="Meter Identified By",
        required=True,
        default="serial",
        tracking=True,
    )
    col_meter = fields.Char(string="Meter Column", required=True, tracking=True)
    col_datetime = fields.Char(
        string="Read Date/Time Column",
        required=True,
        tracking=True,
        help="Column holding the read date, or date and time.",
    )
    col_time = fields.Char(
        string="Read Time Column", help="Only when the time is in a column of its own."
    )
    col_reading = fields.Char(string="Reading Column", required=True, tracking=True)
    col_account = fields.Char(string="Account Number Column")
    col_read_code = fields.Char(string="Read Code Column")
    col_note = fields.Char(string="Note Column")
    date_format = fields.Char(
        required=True,
        default="%Y-%m-%d %H:%M",
        tracking=True,
        help="Python strftime format of the date column, e.g. %m/%d/%Y %H:%M. "
        "ISO dates (2026-01-31, 2026-01-31 08:15[:00]) are always understood.",
    )
    source = fields.Selection(
        [("handheld", "Handheld"), ("ami", "AMR/AMI"), ("manual", "Manual entry")],
        required=True,
        default="ami",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.constrains(
        "has_header",
        "col_meter",
        "col_datetime",
        "col_reading",
        "col_time",
        "col_account",
        "col_read_code",
        "col_note",
    )
    def _check_columns(self):
        for mapping in self:
            if mapping.has_header:
                continue
            for field_name in (
                "col_meter",
                "col_datetime",
                "col_time",
                "col_reading",
                "col_account",
                "col_read_code",
                "col_note",
            ):
                value = mapping[field_name]
                if value and not (value.strip().isdigit() and int(value) >= 1):
                    raise ValidationError(
                        self.env._(
                            "Mapping %(name)s has no header line: column '%(field)s' "
                            "must be a column number (1, 2, ...), not '%(value)s'.",
                            name=mapping.name,
                            field=self._fields[field_name].string,
                            value=value,
                        )
                    )
