# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter read imports: the import record, its controls and the entry point
that checks and stores a file. The processing of the file's lines lives in
utility_read_import_processing.py; the bad lines in utility_read_import_error.py."""

import base64
import hashlib
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import check_protected, is_trusted, workflow

_logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE_MB = 50
CHUNK_SIZE = 2000
# The import's door (tools/workflow.py): an import and its bad lines are the
# record of what a file held; only the import itself writes them.
IMPORT_DOOR = "utility.read.import"
ISO_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)


class UtilityReadImport(models.Model):
    """One imported meter read file and what became of each of its lines.

    A file is imported once: the same file (same content) again is refused, and
    reads already in the database (same meter, date and time, reading) are
    skipped and counted. Bad lines are listed with their line number and reason;
    the good lines are imported. Each line is all or nothing.
    """

    _name = "utility.read.import"
    _description = "Meter Read File Import"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    filename = fields.Char(required=True, readonly=True)
    file = fields.Binary(attachment=True, readonly=True)
    checksum = fields.Char(readonly=True, index=True, copy=False)
    file_format = fields.Selection(
        [("csv", "CSV (column mapping)"), ("neptune", "Neptune handheld route file")],
        required=True,
        readonly=True,
    )
    mapping_id = fields.Many2one(
        "utility.read.import.mapping", readonly=True, check_company=True
    )
    encoding = fields.Char(readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Imported")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    line_count = fields.Integer(string="Lines Read", readonly=True)
    imported_count = fields.Integer(string="Reads Imported", readonly=True)
    skipped_count = fields.Integer(
        string="Already in Database",
        readonly=True,
        help="Lines whose read was already imported.",
    )
    error_count = fields.Integer(string="Bad Line Count", readonly=True)
    review_count = fields.Integer(
        string="Reads to Review", compute="_compute_review_count"
    )
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(12, 2))
    error_ids = fields.One2many(
        "utility.read.import.error", "import_id", string="Bad Lines"
    )
    read_ids = fields.One2many("utility.meter.read", "import_id", string="Reads")
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True, required=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "checksum_company_uniq",
            "unique(checksum, company_id)",
            "This file has already been imported.",
        ),
    ]

    def _compute_review_count(self):
        groups = self.env["utility.meter.read"]._read_group(
            [("import_id", "in", self.ids), ("state", "=", "to_review")],
            ["import_id"],
            ["__count"],
        )
        counts = {imp.id: count for imp, count in groups}
        for imp in self:
            imp.review_count = counts.get(imp.id, 0)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_import_door()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("utility.read.import") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(
            self,
            vals,
            set(self._fields) - set(self.env["mail.thread"]._fields),
            IMPORT_DOOR,
            message=self.env._(
                "A read import is the record of what its file held: it is made by "
                "importing the file, not edited."
            ),
        )
        return super().write(vals)

    @api.model
    def _check_import_door(self):
        if not is_trusted(self.env, IMPORT_DOOR):
            raise UserError(
                self.env._(
                    "Meter read files are imported with Import Read File; an "
                    "import is not created by hand."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_without_reads(self):
        for imp in self:
            if imp.read_ids:
                raise UserError(
                    self.env._(
                        "Import %(name)s created reads and cannot be deleted.",
                        name=imp.name,
                    )
                )

    # ------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------

    @api.model
    def _import_file(self, content, filename, file_format, mapping=None):
        """Check, store and import a read file; return the import record."""
        self._check_file(content, filename)
        checksum = hashlib.sha256(content).hexdigest()
        previous = self.search(
            [("checksum", "=", checksum), ("company_id", "=", self.env.company.id)],
            limit=1,
        )
        if previous:
            raise UserError(
                self.env._(
                    "%(file)s was already imported as %(import)s on %(date)s "
                    "(%(count)s reads): nothing was imported again.",
                    file=filename,
                    **{"import": previous.name},
                    date=fields.Datetime.to_string(previous.create_date),
                    count=previous.imported_count,
                )
            )
        if file_format == "csv" and not mapping:
            raise UserError(
                self.env._(
                    "Choose the column mapping of the CSV file %(file)s.", file=filename
                )
            )
        text, encoding = self._decode(content, filename)
        with workflow(IMPORT_DOOR):
            imp = self.create(
                {
                    "filename": filename,
                    "file": base64.b64encode(content),
                    "checksum": checksum,
                    "file_format": file_format,
                    "mapping_id": mapping.id if mapping else False,
                    "encoding": encoding,
                }
            )
            imp._process(text)
        return imp

    @api.model
    def _max_size(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("utility_billing.read_import_max_mb", DEFAULT_MAX_SIZE_MB)
        )
        try:
            return float(value) * 1024 * 1024
        except ValueError:
            return DEFAULT_MAX_SIZE_MB * 1024 * 1024

    @api.model
    def _check_file(self, content, filename):
        if not content or not content.strip():
            raise UserError(
                self.env._("%(file)s is empty: nothing to import.", file=filename)
            )
        if len(content) > self._max_size():
            raise UserError(
                self.env._(
                    "%(file)s is %(size).1f MB, more than the %(max).0f MB allowed "
                    "for a "
                    "read file. Split it, or ask a manager to raise the limit "
                    "(system parameter utility_billing.read_import_max_mb).",
                    file=filename,
                    size=len(content) / 1024 / 1024,
                    max=self._max_size() / 1024 / 1024,
                )
            )
        # Binary (a spreadsheet, a UTF-16 export...) when control bytes are more
        # than 5% of the start of the file; a stray NUL byte in a text file is a
        # bad line, listed with its number.
        sample = content[:8192]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
        if controls > len(sample) * 0.05:
            raise UserError(
                self.env._(
                    "%(file)s is not a text file (it looks binary): export the reads "
                    "as CSV or as the handheld's text route file.",
                    file=filename,
                )
            )

    @api.model
    def _decode(self, content, filename):
        """UTF-8 (with or without byte-order mark), else Latin-1."""
        try:
            return content.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            return content.decode("latin-1"), "latin-1"

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_read_action"
        )
        action["domain"] = [("import_id", "=", self.id)]
        return action
