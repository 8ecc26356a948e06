# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parallel billing (go-live conversion): the legacy system's bills of one
cycle and period, compared with a computed billing run of ours account by
account and charge by charge. The differences and the file errors are in
utility_parallel_bill_line.py.

About 640 lines on purpose: one comparison (the legacy file read, our run's
bills read, both keyed the same way and matched charge by charge); split, the
charge keys of the two sides would be defined in different files."""

import base64
import binascii
import csv
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_round

from ..tools.workflow import check_create_draft, check_protected, workflow
from .utility_parallel_bill_line import PARALLEL_DOOR

# Set only by Compare.
PARALLEL_WORKFLOW_FIELDS = (
    "state",
    "account_count",
    "matched_count",
    "diff_account_count",
    "matched_charge_count",
    "legacy_total",
    "our_total",
)
# (column, required)
LEGACY_COLUMNS = [
    ("account_number", True),
    ("service_type", False),
    ("charge", True),
    ("consumption", False),
    ("amount", True),
]
LEGACY_FILE_NAME = "legacy_bills.csv"
TOLERANCE = 0.01  # a difference of a cent or less matches


class UtilityParallelBill(models.Model):
    """A parallel bill: the legacy bills of a cycle and period beside a
    computed (not posted) billing run of ours, with every difference over a
    cent and its probable cause."""

    _name = "utility.parallel.bill"
    _description = "Utility Parallel Bill"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("compared", "Compared")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        copy=False,
    )
    run_id = fields.Many2one(
        "utility.billing.run",
        string="Billing Run",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('state', '=', 'computed')]",
        help="A computed billing run of ours (not posted) of the cycle and "
        "period the legacy bills are for.",
    )
    cycle_id = fields.Many2one(related="run_id.cycle_id")
    period_start = fields.Date(related="run_id.period_start")
    period_end = fields.Date(related="run_id.period_end")
    legacy_file = fields.Binary(string="Legacy Bills File", attachment=True, copy=False)
    legacy_filename = fields.Char(copy=False)
    diff_ids = fields.One2many(
        "utility.parallel.bill.diff",
        "parallel_bill_id",
        string="Differences",
        readonly=True,
    )
    diff_count = fields.Integer(string="Differences Found", compute="_compute_counts")
    error_ids = fields.One2many(
        "utility.parallel.bill.error",
        "parallel_bill_id",
        string="File Errors",
        readonly=True,
    )
    error_count = fields.Integer(string="Errors Found", compute="_compute_counts")
    account_count = fields.Integer(
        string="Accounts Compared", readonly=True, copy=False, tracking=True
    )
    matched_count = fields.Integer(
        string="Accounts Matched", readonly=True, copy=False, tracking=True
    )
    diff_account_count = fields.Integer(
        string="Accounts with Differences", readonly=True, copy=False, tracking=True
    )
    matched_charge_count = fields.Integer(
        string="Charges Matched",
        readonly=True,
        copy=False,
        help="Charges billed the same by both sides, to the cent.",
    )
    legacy_total = fields.Monetary(readonly=True, copy=False, tracking=True)
    our_total = fields.Monetary(readonly=True, copy=False, tracking=True)
    total_difference = fields.Monetary(compute="_compute_total_difference")

    @api.depends("diff_ids", "error_ids")
    def _compute_counts(self):
        for parallel in self:
            parallel.diff_count = len(parallel.diff_ids)
            parallel.error_count = len(parallel.error_ids)

    @api.depends("legacy_total", "our_total")
    def _compute_total_difference(self):
        for parallel in self:
            parallel.total_difference = parallel.currency_id.round(
                parallel.our_total - parallel.legacy_total
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        check_create_draft(
            self,
            vals_list,
            PARALLEL_WORKFLOW_FIELDS,
            PARALLEL_DOOR,
            check_rights=self._check_manager,
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_manager()
        check_protected(self, vals, PARALLEL_WORKFLOW_FIELDS, PARALLEL_DOOR)
        changed = set(vals) & {"run_id", "legacy_file", "company_id"}
        if changed and self.filtered(lambda p: p.state != "draft"):
            raise UserError(
                self.env._(
                    "A compared parallel bill keeps its run and its file: set it "
                    "back to draft first, or start a new parallel bill."
                )
            )
        return super().write(vals)

    def _check_manager(self):
        """Only a utility manager runs a parallel bill (a CSR reads nothing of
        it either: access rules; this check guards the methods themselves)."""
        if not (
            self.env.su or self.env.user.has_group("utility_billing.group_manager")
        ):
            raise AccessError(
                self.env._("Only a utility billing manager runs a parallel bill.")
            )

    # ------------------------------------------------------------
    # The legacy file
    # ------------------------------------------------------------

    def _file_error(self, errors, line_no, column, message):
        errors.append(
            {
                "file_name": self.legacy_filename or LEGACY_FILE_NAME,
                "line_no": line_no,
                "column": column,
                "message": message,
            }
        )

    def _tax_names(self):
        """Lower-cased names of the company's sale taxes: a legacy charge
        with one of these names is a tax line."""
        taxes = (
            self.env["account.tax"]
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("type_tax_use", "=", "sale"),
                ]
            )
        )
        names = set()
        for lang in ("en_US", self.env.lang):
            for tax in taxes.with_context(lang=lang):
                names.add((tax.name or "").strip().lower())
        return names

    def _parse_amount(self, text, decimals):
        value = Decimal(text.replace(",", ""))
        if not value.is_finite() or (
            decimals is not None and -value.as_tuple().exponent > decimals
        ):
            raise InvalidOperation
        return float(value)

    def _parse_legacy(self, errors):
        """[(line number, row)] of the legacy file, each row typed:
        account_number, service_type (upper-cased, empty for a tax),
        charge, is_tax, consumption (None when not given), amount."""
        self.ensure_one()
        if not self.legacy_file:
            self._file_error(
                errors, 0, False, self.env._("Upload the legacy bills file.")
            )
            return []
        try:
            text = base64.b64decode(self.legacy_file).decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError):
            self._file_error(
                errors,
                0,
                False,
                self.env._(
                    "The file is not a CSV file in UTF-8: save it as CSV UTF-8."
                ),
            )
            return []
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]
        self._check_header(header, errors)
        if errors:
            return []
        codes = {
            (code or "").upper()
            for code in self.env["utility.service.type"]
            .with_context(active_test=False)
            .search([])
            .mapped("code")
        }
        tax_names = self._tax_names()
        rows = []
        for line_no, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            raw = {
                name: (values[index].strip() if index < len(values) else "")
                for index, name in enumerate(header)
            }
            row = self._type_row(line_no, raw, codes, tax_names, errors)
            if row:
                rows.append((line_no, row))
        if not rows and not errors:
            self._file_error(
                errors, 0, False, self.env._("The file holds no bill line.")
            )
        return rows

    def _check_header(self, header, errors):
        names = [name for name, _required in LEGACY_COLUMNS]
        for name in header:
            if name not in names:
                self._file_error(
                    errors,
                    1,
                    name,
                    self.env._(
                        "Unknown column %(column)s: the template's columns are "
                        "%(columns)s.",
                        column=name,
                        columns=", ".join(names),
                    ),
                )
        for name, required in LEGACY_COLUMNS:
            if required and name not in header:
                self._file_error(
                    errors,
                    1,
                    name,
                    self.env._("Required column %(column)s is missing.", column=name),
                )

    def _type_row(self, line_no, raw, codes, tax_names, errors):
        """The typed row of line ``line_no`` ({column: text}), or None when
        one of its values is wrong (reported in ``errors``)."""
        count = len(errors)
        for name, required in LEGACY_COLUMNS:
            if required and not raw.get(name):
                self._file_error(
                    errors,
                    line_no,
                    name,
                    self.env._("A value is required in %(column)s.", column=name),
                )
        if len(errors) > count:
            return None
        is_tax = raw["charge"].lower() in tax_names
        service = "" if is_tax else (raw.get("service_type") or "").upper()
        if not is_tax and not service:
            self._file_error(
                errors,
                line_no,
                "service_type",
                self.env._(
                    "A value is required in %(column)s (only a tax line "
                    "leaves it empty).",
                    column="service_type",
                ),
            )
        elif not is_tax and service not in codes:
            self._file_error(
                errors,
                line_no,
                "service_type",
                self.env._(
                    "Unknown service type code %(code)s.", code=raw["service_type"]
                ),
            )
        row = {
            "account_number": raw["account_number"],
            "charge": raw["charge"],
            "is_tax": is_tax,
            "service_type": service,
        }
        for name, decimals in (("amount", 2), ("consumption", None)):
            value = raw.get(name) or ""
            row[name] = None
            if not value:
                continue
            try:
                row[name] = self._parse_amount(value, decimals)
            except (InvalidOperation, ValueError):
                self._file_error(
                    errors,
                    line_no,
                    name,
                    self.env._(
                        "%(value)s is not a number (at most two decimals for "
                        "an amount, no currency sign).",
                        value=value,
                    ),
                )
        return row if len(errors) == count else None

    # ------------------------------------------------------------
    # Our run
    # ------------------------------------------------------------

    def _our_bills(self):
        """What our run billed, per account number:
        {number: {"account": account, "line": run line, "charges":
        {(service code, charge key): {"amount", "label", "service", "is_tax"}},
        "consumption": {service code: consumption}, "prorated": bool}}
        and {number: hold reason} of the accounts our run held."""
        self.ensure_one()
        run = self.run_id
        period_days = run._period_days()
        bills, held = {}, {}
        lines = run.line_ids.filtered(lambda ln: ln.move_id)
        reads = self.env["utility.meter.read"].search(
            [("billed_move_id", "in", lines.move_id.ids)]
        )
        consumption = defaultdict(float)
        for read in reads:
            key = (read.billed_move_id.id, (read.service_type_id.code or "").upper())
            consumption[key] += read.consumption
        for line in run.line_ids:
            account = line.account_id
            if not line.move_id:
                held[account.name] = line.hold_reason or line.message or ""
                continue
            move = line.move_id
            date_from = max(run.period_start, account.start_date or run.period_start)
            date_to = move.utility_period_end or run.period_end
            charges = {}
            for inv_line in move.invoice_line_ids:
                service = (inv_line.utility_service_type_id.code or "").upper()
                label = inv_line.product_id.default_code or inv_line.name or ""
                key = (service, label.strip().lower())
                charge = charges.setdefault(
                    key,
                    {
                        "amount": 0.0,
                        "label": label,
                        "service": service,
                        "is_tax": False,
                    },
                )
                charge["amount"] += inv_line.price_subtotal
            for tax_line in move.line_ids.filtered(lambda ml: ml.display_type == "tax"):
                label = tax_line.tax_line_id.name or tax_line.name or ""
                key = ("", label.strip().lower())
                charge = charges.setdefault(
                    key, {"amount": 0.0, "label": label, "service": "", "is_tax": True}
                )
                charge["amount"] -= tax_line.balance
            bills[account.name] = {
                "account": account,
                "charges": charges,
                "consumption": {
                    service: consumption[(move.id, service)]
                    for (move_id, service) in consumption
                    if move_id == move.id
                },
                "prorated": (date_to - date_from).days + 1 != period_days,
            }
        return bills, held

    # ------------------------------------------------------------
    # Compare
    # ------------------------------------------------------------

    def _differs(self, ours, legacy):
        return (
            float_compare(
                abs(float_round(ours - legacy, precision_digits=2)),
                TOLERANCE,
                precision_digits=2,
            )
            > 0
        )

    def action_compare(self):
        """Read the legacy file (nothing is compared while a line is bad:
        the errors are listed by file, line and column), then list every
        charge of every account the two sides bill more than a cent apart,
        with its probable cause, and the accounts only one side bills."""
        self._check_manager()
        for parallel in self:
            if parallel.run_id.state != "computed":
                raise UserError(
                    self.env._(
                        "%(run)s is not computed: compare the legacy bills with a "
                        "computed billing run, before it is posted.",
                        run=parallel.run_id.display_name,
                    )
                )
            parallel._compare()
        return True

    def _compare(self):
        self.ensure_one()
        with workflow(PARALLEL_DOOR):
            self.diff_ids.unlink()
            self.error_ids.unlink()
        errors = []
        rows = self._parse_legacy(errors)
        if errors:
            with workflow(PARALLEL_DOOR):
                self.env["utility.parallel.bill.error"].create(
                    [
                        dict(error, parallel_bill_id=self.id, sequence=sequence)
                        for sequence, error in enumerate(errors)
                    ]
                )
                self.write(
                    {
                        "state": "draft",
                        "account_count": 0,
                        "matched_count": 0,
                        "diff_account_count": 0,
                        "matched_charge_count": 0,
                        "legacy_total": 0.0,
                        "our_total": 0.0,
                    }
                )
            self.message_post(
                body=self.env._(
                    "Legacy bills not compared: %(errors)s errors in the file.",
                    errors=len(errors),
                )
            )
            return
        legacy = defaultdict(dict)
        legacy_consumption = {}
        for _line_no, row in rows:
            key = (row["service_type"], row["charge"].lower())
            charge = legacy[row["account_number"]].setdefault(
                key,
                {
                    "amount": 0.0,
                    "label": row["charge"],
                    "service": row["service_type"],
                    "is_tax": row["is_tax"],
                    "consumption": None,
                },
            )
            charge["amount"] += row["amount"]
            if row["consumption"] is not None:
                charge["consumption"] = row["consumption"]
            if row["consumption"] is not None and row["service_type"]:
                legacy_consumption.setdefault(
                    (row["account_number"], row["service_type"]), row["consumption"]
                )
        ours, held = self._our_bills()
        numbers = sorted(set(legacy) | set(ours))
        accounts = {
            a.name: a
            for a in self.env["utility.account"].search(
                [("name", "in", numbers), ("company_id", "=", self.company_id.id)]
            )
        }
        diffs = []
        matched_charges = 0
        diff_accounts = set()
        currency = self.currency_id
        for number in numbers:
            legacy_charges = legacy.get(number)
            our_bill = ours.get(number)
            if not our_bill or not legacy_charges:
                legacy_amount = sum(
                    c["amount"] for c in (legacy_charges or {}).values()
                )
                our_amount = sum(
                    c["amount"] for c in (our_bill or {}).get("charges", {}).values()
                )
                diffs.append(
                    {
                        "account_id": accounts[number].id
                        if number in accounts
                        else False,
                        "account_number": number,
                        "legacy_amount": legacy_amount,
                        "our_amount": our_amount,
                        "difference": currency.round(our_amount - legacy_amount),
                        "cause": "missing_legacy" if our_bill else "missing_ours",
                        "note": held.get(number)
                        or (
                            not our_bill
                            and number not in accounts
                            and self.env._("No such account")
                        )
                        or False,
                    }
                )
                diff_accounts.add(number)
                continue
            our_charges = our_bill["charges"]
            for key in sorted(set(legacy_charges) | set(our_charges)):
                theirs = legacy_charges.get(key)
                mine = our_charges.get(key)
                legacy_amount = theirs["amount"] if theirs else 0.0
                our_amount = mine["amount"] if mine else 0.0
                if not self._differs(our_amount, legacy_amount):
                    matched_charges += 1
                    continue
                service, _label = key
                charge = mine or theirs
                # The consumption on the charge's own legacy line, else on
                # another line of its service.
                legacy_cons = theirs and theirs["consumption"]
                if legacy_cons is None:
                    legacy_cons = legacy_consumption.get((number, service))
                our_cons = our_bill["consumption"].get(service)
                if charge["is_tax"]:
                    cause = "tax"
                elif (
                    legacy_cons is not None
                    and our_cons is not None
                    and float_compare(legacy_cons, our_cons, precision_digits=3)
                ):
                    cause = "consumption"
                elif our_bill["prorated"]:
                    cause = "proration"
                else:
                    cause = "rate"
                diffs.append(
                    {
                        "account_id": our_bill["account"].id,
                        "account_number": number,
                        "service_type_code": service or False,
                        "charge": charge["label"],
                        "legacy_consumption": legacy_cons or 0.0,
                        "our_consumption": our_cons or 0.0,
                        "legacy_amount": legacy_amount,
                        "our_amount": our_amount,
                        "difference": currency.round(our_amount - legacy_amount),
                        "cause": cause,
                        "note": (not theirs and self.env._("Not billed by legacy"))
                        or (not mine and self.env._("Not billed by ours"))
                        or False,
                    }
                )
                diff_accounts.add(number)
        with workflow(PARALLEL_DOOR):
            self.env["utility.parallel.bill.diff"].create(
                [
                    dict(diff, parallel_bill_id=self.id, sequence=sequence)
                    for sequence, diff in enumerate(diffs)
                ]
            )
            self.write(
                {
                    "state": "compared",
                    "account_count": len(numbers),
                    "matched_count": len(numbers) - len(diff_accounts),
                    "diff_account_count": len(diff_accounts),
                    "matched_charge_count": matched_charges,
                    "legacy_total": currency.round(
                        sum(c["amount"] for a in legacy.values() for c in a.values())
                    ),
                    "our_total": currency.round(
                        sum(
                            c["amount"]
                            for b in ours.values()
                            for c in b["charges"].values()
                        )
                    ),
                }
            )
        self.message_post(
            body=self.env._(
                "Compared: %(accounts)s accounts, %(matched)s matched, "
                "%(differ)s with differences.",
                accounts=len(numbers),
                matched=len(numbers) - len(diff_accounts),
                differ=len(diff_accounts),
            )
        )

    def action_draft(self):
        """Back to draft to change the run or the file (the differences go)."""
        self._check_manager()
        with workflow(PARALLEL_DOOR):
            self.diff_ids.unlink()
            self.error_ids.unlink()
            self.write({"state": "draft"})
        return True
