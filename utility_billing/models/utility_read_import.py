# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import logging
import time
from datetime import datetime

import psycopg2
import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.read_formats import (
    BadHeader,
    MissingColumns,
    UnnamedColumns,
    parse_csv,
    parse_neptune,
)
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

    # ------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------

    def _process(self, text):
        self.ensure_one()
        started = time.perf_counter()
        if self.file_format == "neptune":
            rows, errors = parse_neptune(text)
        else:
            mapping = self.mapping_id
            try:
                rows, errors = parse_csv(
                    text,
                    {
                        "delimiter": mapping.delimiter,
                        "has_header": mapping.has_header,
                        "date_format": mapping.date_format,
                        "col_meter": mapping.col_meter,
                        "col_datetime": mapping.col_datetime,
                        "col_time": mapping.col_time,
                        "col_reading": mapping.col_reading,
                        "col_account": mapping.col_account,
                        "col_read_code": mapping.col_read_code,
                        "col_note": mapping.col_note,
                    },
                )
            except MissingColumns as exc:
                raise UserError(
                    self.env._(
                        "%(file)s, line 1: the header has no column %(missing)s "
                        "required "
                        "by mapping %(mapping)s. Columns found: %(found)s.",
                        file=self.filename,
                        missing=", ".join(repr(m) for m in exc.missing),
                        mapping=mapping.name,
                        found=", ".join(exc.header),
                    )
                ) from exc
            except BadHeader as exc:
                raise UserError(
                    self.env._(
                        "%(file)s, line 1: the header line cannot be read "
                        "(%(reason)s), so the columns of mapping %(mapping)s cannot "
                        "be found. Nothing was imported: fix the header line and "
                        "import the file again.",
                        file=self.filename,
                        reason=self._parser_message(exc.code, exc.params),
                        mapping=mapping.name,
                    )
                ) from exc
            except UnnamedColumns as exc:
                raise UserError(
                    self.env._(
                        "%(file)s, line 1: mapping %(mapping)s reads files without "
                        "a header line, but names column(s) %(names)s by their "
                        "header text. Nothing was imported: give the column "
                        "numbers (1, 2, ...) in the mapping, or tick its header "
                        "line option.",
                        file=self.filename,
                        mapping=mapping.name,
                        names=", ".join(repr(n) for n in exc.names),
                    )
                ) from exc
        errors = [
            (line, raw, self._parser_message(*reason)) for line, raw, reason in errors
        ]
        parse_error_count = len(errors)
        if not rows and not errors:
            raise UserError(
                self.env._("%(file)s has no meter reads in it.", file=self.filename)
            )
        good, line_errors, skipped = self._validate_rows(rows)
        errors += line_errors
        created_count, create_errors, late_skipped = self._create_valid_reads(good)
        errors += create_errors
        skipped += late_skipped
        errors.sort(key=lambda e: e[0])
        self.env["utility.read.import.error"].create(
            [
                {
                    "import_id": self.id,
                    "line_number": line,
                    # The database stores no NUL character: shown as \x00.
                    "content": (raw or "")[:500].replace("\x00", "\\x00"),
                    "reason": reason,
                }
                for line, raw, reason in errors
            ]
        )
        self.write(
            {
                "state": "done",
                "line_count": len(rows) + parse_error_count,
                "imported_count": created_count,
                "skipped_count": skipped,
                "error_count": len(errors),
                "duration": time.perf_counter() - started,
            }
        )
        self.message_post(
            body=self.env._(
                "%(file)s: %(imported)s reads imported, %(skipped)s already in the "
                "database, %(errors)s bad lines.",
                file=self.filename,
                imported=created_count,
                skipped=skipped,
                errors=len(errors),
            )
        )

    def _parser_message(self, code, params):
        if code == "unknown_record":
            return self.env._("unknown record type '%(kind)s'", **params)
        if code == "reading_without_meter":
            return self.env._("reading record without a meter record before it")
        if code == "missing_columns":
            return self.env._(
                "expected at least %(expected)s columns, found %(found)s", **params
            )
        if code == "nul_byte":
            return self.env._(
                "the line holds a NUL byte (\\x00): it is not text; check the "
                "export that wrote it"
            )
        if code == "bad_quotes":
            return self.env._(
                "unbalanced quote: a quoted field is not closed on this line, or a "
                "quote inside it is not doubled"
            )
        if code == "field_too_large":
            return self.env._(
                "a field is longer than the %(limit)s characters a CSV field may hold",
                **params,
            )
        if code == "csv_error":
            return self.env._("the line cannot be read: %(error)s", **params)
        return code

    def _parse_datetime(self, row, tz):
        """Local date (and time) text of a row to a naive UTC datetime."""
        text = row["date"] or ""
        if row.get("time"):
            text = f"{text} {row['time']}"
        text = text.strip()
        if not text:
            raise ValueError(self.env._("no read date"))
        formats = [row.get("date_format")] if row.get("date_format") else []
        if (
            row.get("time")
            and row.get("date_format")
            and "%H" not in row["date_format"]
        ):
            formats = [row["date_format"] + " %H:%M", row["date_format"] + " %H:%M:%S"]
        for fmt in formats + list(ISO_FORMATS):
            try:
                value = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return tz.localize(value).astimezone(pytz.utc).replace(tzinfo=None)
        raise ValueError(self.env._("read date '%(value)s' is not a date", value=text))

    def _validate_rows(self, rows):
        """Check rows against the database; return (good, errors, skipped)."""
        self.ensure_one()
        company = self.company_id
        # Times in a read file are the utility's local times, whoever imports
        # it (utility_billing/tools/dates.py).
        tz = pytz.timezone(company._utility_tz())
        today = company._utility_today()
        use_endpoint = (
            self.file_format == "csv" and self.mapping_id.meter_key == "endpoint"
        )
        key_field = "endpoint_id" if use_endpoint else "serial"
        keys = list({row["meter"] for row in rows if row["meter"]})
        meters = self.env["utility.meter"].search_read(
            [(key_field, "in", keys), ("company_id", "=", company.id)],
            [key_field, "dials", "state"],
        )
        meter_by_key = {m[key_field]: m for m in meters}
        meter_accounts = self.env["utility.meter.read"]._fetch_meter_accounts(
            [m["id"] for m in meters]
        )
        account_names = {
            a["id"]: a["name"]
            for a in self.env["utility.account"].search_read(
                [("id", "in", list({v[0] for v in meter_accounts.values()}))], ["name"]
            )
        }
        errors, candidates = [], []
        seen = {}
        for row in rows:
            line, raw = row["line"], row["raw"]
            label = (
                self.env._("meter serial")
                if key_field == "serial"
                else self.env._("endpoint ID")
            )
            if not row["meter"]:
                errors.append((line, raw, self.env._("no %(label)s", label=label)))
                continue
            meter = meter_by_key.get(row["meter"])
            if not meter:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "unknown meter: no meter has %(label)s %(value)s",
                            label=label,
                            value=row["meter"],
                        ),
                    )
                )
                continue
            if meter["state"] != "installed":
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "meter %(serial)s is not installed", serial=row["meter"]
                        ),
                    )
                )
                continue
            try:
                read_dt = self._parse_datetime(row, tz)
            except ValueError as exc:
                errors.append((line, raw, str(exc)))
                continue
            if self.env["utility.meter.read"]._local_date(read_dt, company) > today:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "read date %(date)s is in the future", date=row["date"]
                        ),
                    )
                )
                continue
            text = (row["reading"] or "").replace(",", "")
            try:
                reading = float(text)
            except ValueError:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "reading '%(value)s' is not a number",
                            value=row["reading"] or "",
                        ),
                    )
                )
                continue
            if reading != reading or reading < 0 or reading >= 10 ** meter["dials"]:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "reading %(reading)s does not fit the %(dials)s-dial "
                            "register of meter %(serial)s",
                            reading=row["reading"],
                            dials=meter["dials"],
                            serial=row["meter"],
                        ),
                    )
                )
                continue
            if (
                row.get("dials")
                and row["dials"].isdigit()
                and int(row["dials"]) != meter["dials"]
            ):
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "the file says %(file_dials)s dials, meter %(serial)s has "
                            "%(dials)s",
                            file_dials=int(row["dials"]),
                            serial=row["meter"],
                            dials=meter["dials"],
                        ),
                    )
                )
                continue
            account = meter_accounts.get(meter["id"])
            if (
                row.get("account")
                and account
                and account_names.get(account[0]) != row["account"].strip()
            ):
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "account %(file_account)s does not match account "
                            "%(account)s served by meter %(serial)s",
                            file_account=row["account"],
                            account=account_names.get(account[0]),
                            serial=row["meter"],
                        ),
                    )
                )
                continue
            key = (meter["id"], read_dt)
            if key in seen:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "duplicate of line %(line)s (same meter, date and time)",
                            line=seen[key],
                        ),
                    )
                )
                continue
            seen[key] = line
            candidates.append(
                {
                    "row": row,
                    "vals": {
                        "meter_id": meter["id"],
                        "read_datetime": read_dt,
                        "reading": reading,
                        "read_type": "actual",
                        "source": self.mapping_id.source
                        if self.file_format == "csv"
                        else "handheld",
                        "read_code": row.get("read_code"),
                        "note": row.get("note"),
                        "import_id": self.id,
                        "import_line": line,
                        "company_id": company.id,
                    },
                }
            )
        # Reads already in the database: same meter and time.
        good, errors_in_db, skipped = self._split_existing(candidates)
        return good, errors + errors_in_db, skipped

    def _split_existing(self, candidates):
        """(new candidates, bad lines, skipped count): a read already in the
        database at the same meter, date and time is skipped when its reading is
        the same, a bad line otherwise."""
        existing = self.env["utility.meter.read"]._existing_live_reads(
            [(c["vals"]["meter_id"], c["vals"]["read_datetime"]) for c in candidates]
        )
        good, errors, skipped = [], [], 0
        for cand in candidates:
            vals = cand["vals"]
            key = (vals["meter_id"], vals["read_datetime"])
            if key in existing:
                if abs(existing[key] - vals["reading"]) < 0.005:
                    skipped += 1
                else:
                    row = cand["row"]
                    errors.append(
                        (
                            row["line"],
                            row["raw"],
                            self.env._(
                                "meter %(serial)s already has reading %(existing)s at "
                                "this date "
                                "and time; correct that read instead",
                                serial=row["meter"],
                                existing=existing[key],
                            ),
                        )
                    )
                continue
            good.append(cand)
        return good, errors, skipped

    def _create_valid_reads(self, candidates):
        """Create reads by chunks; return (count, errors of reads left out,
        skipped: reads another user created meanwhile)."""
        Read = self.env["utility.meter.read"]
        errors = []
        count = skipped = 0

        def reject(vals):
            if vals.get("consumption", 0) < 0 and vals.get("previous_read_id"):
                previous = Read.browse(vals["previous_read_id"])
                if previous.read_type != "estimated":
                    return "negative"
            return None

        for start in range(0, len(candidates), CHUNK_SIZE):
            chunk = candidates[start : start + CHUNK_SIZE]
            try:
                with self.env.cr.savepoint():
                    created, rejected = Read._create_reads(
                        [c["vals"] for c in chunk],
                        reject=reject,
                        check_duplicates=False,
                    )
            except psycopg2.errors.UniqueViolation:
                # Reads of the chunk entered or imported meanwhile (the database
                # keeps one live read per meter, date and time): skip them as the
                # reads already in the database are, and create the others.
                _logger.info(
                    "%s: reads created meanwhile, chunk checked again", self.filename
                )
                chunk, late_errors, late_skipped = self._split_existing(chunk)
                errors += late_errors
                skipped += late_skipped
                created, rejected = Read._create_reads(
                    [c["vals"] for c in chunk], reject=reject, check_duplicates=False
                )
            count += len(created)
            for index in rejected:
                row = chunk[index]["row"]
                errors.append(
                    (
                        row["line"],
                        row["raw"],
                        self.env._(
                            "reading %(reading)s is below the previous reading and is "
                            "not a "
                            "plausible rollover of the register",
                            reading=row["reading"],
                        ),
                    )
                )
            Read.invalidate_model()
        return count, errors, skipped

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_read_action"
        )
        action["domain"] = [("import_id", "=", self.id)]
        return action


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
