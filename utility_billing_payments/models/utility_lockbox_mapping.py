# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAPPING_COLUMNS = (
    "col_account",
    "col_amount",
    "col_check",
    "col_payer",
    "col_batch_ref",
    "col_item_ref",
)


class UtilityLockboxMapping(models.Model):
    """A saved layout of the bank's lockbox file.

    CSV: each column is named by its header text (case-insensitive) or by its
    1-based position when the file has no header line. Fixed width (the BAI
    lockbox transmission and the banks' own variants of it): each field is the
    1-based, inclusive position range of the detail records (e.g. ``21-34``),
    which are the lines starting with the record code (``6`` in BAI, ``60`` in
    some banks' layouts); the other records (headers, totals) are skipped.
    """

    _name = "utility.lockbox.mapping"
    _description = "Lockbox File Column Mapping"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    file_format = fields.Selection(
        [("csv", "CSV"), ("fixed", "Fixed width")],
        required=True,
        default="csv",
        tracking=True,
    )
    record_code = fields.Char(
        string="Detail Record Code",
        tracking=True,
        help="Fixed width: the detail (check) records are the lines that start "
        "with this code, e.g. 6 (BAI lockbox) or 60; the others are skipped.",
    )
    delimiter = fields.Selection(
        [(",", "Comma"), (";", "Semicolon"), ("\t", "Tab"), ("|", "Pipe")],
        required=True,
        default=",",
        tracking=True,
    )
    has_header = fields.Boolean(default=True, tracking=True)
    col_account = fields.Char(
        string="Account Number Column", required=True, tracking=True
    )
    col_amount = fields.Char(string="Amount Column", required=True, tracking=True)
    amount_in_cents = fields.Boolean(
        tracking=True,
        help="The amount column holds cents without a decimal point (12345 is "
        "123.45), as many bank layouts do.",
    )
    col_check = fields.Char(string="Check Number Column", tracking=True)
    col_payer = fields.Char(string="Payer Column", tracking=True)
    col_batch_ref = fields.Char(
        string="Bank Batch Column",
        tracking=True,
        help="The bank's lockbox batch number: with the item column, it identifies "
        "a check so that it is never imported twice.",
    )
    col_item_ref = fields.Char(
        string="Bank Item Column",
        tracking=True,
        help="The bank's item (sequence) number of the check within its batch.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Deposit Journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="The bank journal the lockbox deposits in.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.model
    def _position_range(self, spec):
        """``(start, end)`` of a fixed-width position range ``21-34`` (or a
        single position ``35``), 1-based and inclusive; None when it is not
        one."""
        parts = (spec or "").replace(" ", "").split("-")
        if len(parts) not in (1, 2) or not all(p.isdigit() for p in parts):
            return None
        start, end = int(parts[0]), int(parts[-1])
        if start < 1 or end < start:
            return None
        return start, end

    @api.constrains("has_header", "file_format", *MAPPING_COLUMNS)
    def _check_columns(self):
        for mapping in self:
            if mapping.file_format == "fixed":
                for field_name in MAPPING_COLUMNS:
                    value = mapping[field_name]
                    if value and not self._position_range(value):
                        raise ValidationError(
                            self.env._(
                                "Mapping %(name)s is fixed width: column '%(field)s' "
                                "must be a position range such as 21-34, not "
                                "'%(value)s'.",
                                name=mapping.name,
                                field=self._fields[field_name].string,
                                value=value,
                            )
                        )
                continue
            if mapping.has_header:
                continue
            for field_name in MAPPING_COLUMNS:
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
