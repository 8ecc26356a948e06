# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import hashlib
import io
import re
from decimal import Decimal, InvalidOperation

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.workflow import workflow

from ..models.utility_payment_batch import BATCH_DOOR
from ..tools.controls import check_company, check_role

MAX_SIZE = 20 * 1024 * 1024
AMOUNT_RE = re.compile(r"^\(?-?\$?\s*[0-9][0-9,]*(\.[0-9]+)?\)?$")


class UtilityLockboxImport(models.TransientModel):
    """Import the bank's lockbox file (CSV, with a saved column mapping) as a
    payment batch of the lockbox source, to check against the bank's deposit
    and post. A line is imported whole or not at all; bad lines are listed
    with the file name, line number and field. The same file, or a check the
    bank already sent (same bank batch and item), is never imported twice."""

    _name = "utility.lockbox.import"
    _description = "Import Lockbox File"

    file = fields.Binary(required=True)
    filename = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    mapping_id = fields.Many2one(
        "utility.lockbox.mapping",
        string="Column Mapping",
        required=True,
        domain="[('company_id', '=', company_id)]",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Deposit Journal",
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    date = fields.Date(
        string="Deposit Date",
        required=True,
        default=lambda self: self.env.company._utility_today(),
    )
    control_total = fields.Monetary(
        help="The bank's deposit total. Leave empty to take the total of the "
        "file's good lines.",
    )
    control_count = fields.Integer(
        help="The bank's item count. Leave empty to take the file's good lines.",
    )

    @api.depends("mapping_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = (
                wizard.mapping_id.journal_id
                or wizard.journal_id
                or self.env["utility.payment.batch"]._default_journal()
            )

    def action_import(self):
        self.ensure_one()
        check_role(
            self.env,
            "utility_billing.group_csr_1",
            self.env._("Only a CSR or a manager can import a lockbox file."),
        )
        check_company(self.mapping_id)
        check_company(self.journal_id)
        if self.company_id not in self.env.companies or (
            self.mapping_id.sudo().company_id != self.company_id
            or self.journal_id.sudo().company_id != self.company_id
        ):
            raise UserError(
                self.env._(
                    "The mapping and the journal must be of %(company)s, a company "
                    "you work in.",
                    company=self.company_id.name,
                )
            )
        batch = self._import(
            base64.b64decode(self.file or b""), self.filename or "lockbox.csv"
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.payment.batch",
            "res_id": batch.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------

    def _import(self, content, filename):
        """Create the batch of the file's good lines; return it."""
        Batch = self.env["utility.payment.batch"]
        if not content or not content.strip():
            raise UserError(
                self.env._("%(file)s is empty: nothing to import.", file=filename)
            )
        if len(content) > MAX_SIZE:
            raise UserError(
                self.env._("%(file)s is too large for a lockbox file.", file=filename)
            )
        checksum = hashlib.sha256(content).hexdigest()
        previous = Batch.sudo().search(
            [("checksum", "=", checksum), ("company_id", "=", self.company_id.id)],
            limit=1,
        )
        if previous:
            raise UserError(
                self.env._(
                    "%(file)s was already imported as batch %(batch)s: nothing was "
                    "imported again.",
                    file=filename,
                    batch=previous.name,
                )
            )
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
        good, errors = self._parse(text, filename)
        if not good:
            listed = "; ".join(
                self.env._(
                    "line %(line)s, %(field)s: %(reason)s",
                    line=e["line_number"],
                    field=e["field"],
                    reason=e["reason"],
                )
                for e in errors[:10]
            )
            raise UserError(
                self.env._(
                    "%(file)s: no payment to import (%(errors)s).",
                    file=filename,
                    errors=listed or self.env._("no lines"),
                )
            )
        currency = self.currency_id
        total = currency.round(sum(v["amount"] for v in good))
        batch_refs = {v.pop("batch_ref") for v in good} - {None}
        with workflow(BATCH_DOOR):
            batch = Batch.create(
                {
                    "company_id": self.company_id.id,
                    "journal_id": self.journal_id.id,
                    "date": self.date,
                    "source": "lockbox",
                    "control_total": self.control_total or total,
                    "control_count": self.control_count or len(good),
                    "filename": filename,
                    "checksum": checksum,
                    "mapping_id": self.mapping_id.id,
                    "bank_batch_ref": ", ".join(sorted(batch_refs)) or False,
                    "line_ids": [fields.Command.create(vals) for vals in good],
                    "error_ids": [
                        fields.Command.create({**e, "filename": filename})
                        for e in errors
                    ],
                }
            )
        batch.message_post(
            body=self.env._(
                "%(file)s imported: %(count)s payments for %(amount)s, %(errors)s "
                "bad lines.",
                file=filename,
                count=len(good),
                amount=currency.format(total),
                errors=len(errors),
            )
        )
        return batch

    def _column_index(self, header, spec):
        """Index of the column ``spec`` (header text or 1-based number)."""
        if not spec:
            return None
        spec = spec.strip()
        if not self.mapping_id.has_header:
            return int(spec) - 1
        names = [h.strip().lower() for h in header]
        try:
            return names.index(spec.lower())
        except ValueError:
            return -1

    def _parse(self, text, filename):
        """The good lines (values of batch lines) and the bad ones."""
        mapping = self.mapping_id
        labels = {
            name: mapping._fields[name]._description_string(self.env)
            for name in (
                "col_account",
                "col_amount",
                "col_check",
                "col_payer",
                "col_batch_ref",
                "col_item_ref",
            )
        }
        if mapping.file_format == "fixed":
            rows, columns = self._read_fixed(text, labels)
        else:
            rows, columns = self._read_csv(text, filename, labels)
        rows = [(n, row) for n, row in rows if any(cell.strip() for cell in row)]
        numbers = {
            (
                row[columns["col_account"]].strip()
                if len(row) > columns["col_account"]
                else ""
            )
            for _n, row in rows
        } - {""}
        # Bank layouts zero-fill numeric account numbers: 000001234 is 1234.
        numbers |= {n.lstrip("0") for n in numbers if n.isdigit()} - {""}
        accounts = {
            a.name: a
            for a in self.env["utility.account"].search(
                [("name", "in", list(numbers)), ("company_id", "=", self.company_id.id)]
            )
        }
        for number in list(numbers):
            if number not in accounts and number.isdigit():
                account = accounts.get(number.lstrip("0"))
                if account:
                    accounts[number] = account
        good, errors, seen = [], [], {}
        existing = self._existing_items(rows, columns)
        for line_number, row in rows:
            vals, line_errors = self._parse_row(
                row, line_number, columns, labels, accounts, seen, existing
            )
            if line_errors:
                raw = mapping.delimiter.join(row)[:500]
                errors.extend(
                    {
                        "line_number": line_number,
                        "field": field,
                        "reason": reason,
                        "content": raw,
                    }
                    for field, reason in line_errors
                )
            else:
                good.append(vals)
        return good, errors

    def _parse_row(self, row, line_number, columns, labels, accounts, seen, existing):
        """Values of one batch line, or the errors of the line (then nothing of
        it is kept)."""
        currency = self.currency_id
        line_errors = []

        def cell(name):
            index = columns[name]
            if index is None or index >= len(row):
                return ""
            return row[index].strip()

        def bad(name, reason):
            line_errors.append((labels[name], reason))

        for name in ("col_account", "col_amount"):
            if columns[name] >= len(row):
                bad(name, self.env._("the line has no such column"))
        number = cell("col_account")
        account = accounts.get(number)
        if number and not account:
            bad(
                "col_account",
                self.env._(
                    "no account %(number)s in %(company)s",
                    number=number,
                    company=self.company_id.name,
                ),
            )
        elif not number and columns["col_account"] < len(row):
            bad("col_account", self.env._("empty"))
        amount = self._parse_amount(cell("col_amount"))
        if amount is None:
            if columns["col_amount"] < len(row):
                bad(
                    "col_amount",
                    self.env._(
                        "'%(value)s' is not an amount", value=cell("col_amount")
                    ),
                )
        elif currency.compare_amounts(amount, 0.0) <= 0:
            bad("col_amount", self.env._("the amount must be positive"))
        batch_ref = cell("col_batch_ref") or None
        item_ref = cell("col_item_ref") or None
        key = None
        if item_ref:
            key = f"{batch_ref}/{item_ref}" if batch_ref else item_ref
            if key in seen:
                bad(
                    "col_item_ref",
                    self.env._(
                        "item %(item)s is already on line %(line)s of the file",
                        item=key,
                        line=seen[key],
                    ),
                )
            elif key in existing:
                bad(
                    "col_item_ref",
                    self.env._(
                        "item %(item)s was already imported in batch %(batch)s",
                        item=key,
                        batch=existing[key],
                    ),
                )
            elif not line_errors:
                seen[key] = line_number
        if line_errors:
            return None, line_errors
        return {
            "sequence": line_number,
            "account_id": account.id,
            "amount": currency.round(amount),
            "check_number": cell("col_check") or False,
            "payer": cell("col_payer") or False,
            "bank_item_ref": key or False,
            "batch_ref": batch_ref,
        }, []

    def _read_csv(self, text, filename, labels):
        """The CSV file's rows and the index of each mapped column."""
        mapping = self.mapping_id
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
        rows = []
        try:
            for row in reader:
                rows.append((reader.line_num, row))
        except csv.Error as exc:
            raise UserError(
                self.env._(
                    "%(file)s, line %(line)s: the file cannot be read as CSV "
                    "(%(error)s). Nothing was imported.",
                    file=filename,
                    line=reader.line_num,
                    error=str(exc),
                )
            ) from exc
        header = []
        if mapping.has_header and rows:
            header = rows.pop(0)[1]
        columns = {name: self._column_index(header, mapping[name]) for name in labels}
        missing = [
            f"{labels[name]} ({mapping[name]})"
            for name, index in columns.items()
            if index == -1
        ]
        if missing:
            raise UserError(
                self.env._(
                    "%(file)s, line 1: the header has no column %(missing)s of "
                    "mapping %(mapping)s. Columns found: %(found)s. Nothing was "
                    "imported.",
                    file=filename,
                    missing=", ".join(missing),
                    mapping=mapping.name,
                    found=", ".join(header),
                )
            )
        return rows, columns

    def _read_fixed(self, text, labels):
        """The fixed-width file's detail records (those starting with the
        mapping's record code) cut at the mapped positions."""
        mapping = self.mapping_id
        names = [name for name in labels if mapping[name]]
        ranges = [mapping._position_range(mapping[name]) for name in names]
        prefix = mapping.record_code or ""
        rows = [
            (number, [line[start - 1 : end] for start, end in ranges])
            for number, line in enumerate(text.splitlines(), 1)
            if line.strip() and line.startswith(prefix)
        ]
        columns = {
            name: (names.index(name) if name in names else None) for name in labels
        }
        return rows, columns

    def _existing_items(self, rows, columns):
        """Bank items of the file already imported: {key: batch name}."""
        if columns["col_item_ref"] is None:
            return {}
        keys = set()
        for _n, row in rows:
            item_index, batch_index = columns["col_item_ref"], columns["col_batch_ref"]
            item = row[item_index].strip() if item_index < len(row) else ""
            if not item:
                continue
            batch = (
                row[batch_index].strip()
                if batch_index is not None and batch_index < len(row)
                else ""
            )
            keys.add(f"{batch}/{item}" if batch else item)
        lines = (
            self.env["utility.payment.batch.line"]
            .sudo()
            .search(
                [
                    ("bank_item_ref", "in", list(keys)),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )
        return {line.bank_item_ref: line.batch_id.name for line in lines}

    def _parse_amount(self, text):
        if not text or not AMOUNT_RE.match(text):
            return None
        negative = text.startswith("(") or "-" in text
        digits = text.strip("()").replace("$", "").replace(",", "").replace("-", "")
        try:
            value = Decimal(digits.strip())
        except InvalidOperation:
            return None
        if self.mapping_id.amount_in_cents:
            if "." in digits:
                return None
            value = value / 100
        return float(-value if negative else value)
