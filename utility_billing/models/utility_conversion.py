# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii
import csv
import hashlib
import io
import re
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import numbering
from ..tools.workflow import check_protected, workflow
from .account_move import BOOKS_DOOR
from .utility_account import ACCOUNT_DOOR
from .utility_conversion_spec import (
    BALANCE_BUCKETS,
    KINDS,
    TEMPLATES,
    file_name,
    key_of,
)
from .utility_meter import METER_DOOR

# The conversion's door (tools/workflow.py): its state, and what the load
# created or found (which the proof totals read), change only through Validate,
# Load and Back to Draft, each after the manager check.
CONVERSION_DOOR = "utility.conversion"
CONVERSION_WORKFLOW_FIELDS = (
    "state",
    "created_count",
    "partner_ids",
    "premise_ids",
    "meter_ids",
    "account_ids",
    "move_ids",
)
# External ids of the converted records: module and name are the legacy key,
# so that a re-load of the same files (in any conversion batch) finds them.
XMLID_MODULE = "__utility_conversion__"
FILE_FIELDS = [f"{kind}_file" for kind, _label in KINDS]
MODELS = {
    "customers": "res.partner",
    "premises": "utility.premise",
    "meters": "utility.meter",
    "accounts": "utility.account",
    "balances": "account.move",
    "deposits": "account.move",
}


# (kind, column): the columns holding the legacy key of a record of kind.
REFERENCES = [
    ("customers", "customer_ref"),
    ("premises", "premise_ref"),
    ("meters", "serial"),
    ("accounts", "account_number"),
]


def bucket_of(days):
    """Column of BALANCE_BUCKETS of an item ``days`` past due at the cut-over."""
    column = BALANCE_BUCKETS[0][0]
    for name, start, _label in BALANCE_BUCKETS:
        if days >= start:
            column = name
    return column


class UtilityConversion(models.Model):
    """A go-live conversion batch: the legacy system's files, validated as a
    whole, loaded in one step, and proved against the legacy control totals.

    Used again and again on a test database before the cut-over: a re-load of
    the same files finds every record it loaded before (by its legacy key,
    kept as an external id) and creates nothing.
    """

    _name = "utility.conversion"
    _description = "Utility Go-Live Conversion"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

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
        [("draft", "Draft"), ("validated", "Validated"), ("loaded", "Loaded")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        copy=False,
    )
    cutover_date = fields.Date(
        string="Balances As Of",
        required=True,
        tracking=True,
        default=lambda self: self.env.company._utility_today(),
        help="The cut-over date: the opening balances and deposits are entered "
        "in the books on this date, each aging bucket due so many days before it.",
    )
    customers_file = fields.Binary(attachment=True, copy=False)
    customers_filename = fields.Char(copy=False)
    premises_file = fields.Binary(attachment=True, copy=False)
    premises_filename = fields.Char(copy=False)
    meters_file = fields.Binary(attachment=True, copy=False)
    meters_filename = fields.Char(copy=False)
    accounts_file = fields.Binary(attachment=True, copy=False)
    accounts_filename = fields.Char(copy=False)
    services_file = fields.Binary(attachment=True, copy=False)
    services_filename = fields.Char(copy=False)
    balances_file = fields.Binary(
        string="Opening Balances File", attachment=True, copy=False
    )
    balances_filename = fields.Char(copy=False)
    deposits_file = fields.Binary(
        string="Deposits Held File", attachment=True, copy=False
    )
    deposits_filename = fields.Char(copy=False)
    line_ids = fields.One2many(
        "utility.conversion.line", "conversion_id", string="Staged Rows", readonly=True
    )
    line_count = fields.Integer(string="Rows Staged", compute="_compute_counts")
    error_ids = fields.One2many(
        "utility.conversion.error", "conversion_id", string="Errors", readonly=True
    )
    error_count = fields.Integer(string="Errors Found", compute="_compute_counts")
    # What the load created or found again (the proof reads these).
    partner_ids = fields.Many2many(
        "res.partner",
        "utility_conversion_partner_rel",
        string="Customers",
        readonly=True,
        copy=False,
    )
    premise_ids = fields.Many2many(
        "utility.premise",
        "utility_conversion_premise_rel",
        string="Premises",
        readonly=True,
        copy=False,
    )
    meter_ids = fields.Many2many(
        "utility.meter",
        "utility_conversion_meter_rel",
        string="Meters",
        readonly=True,
        copy=False,
    )
    account_ids = fields.Many2many(
        "utility.account",
        "utility_conversion_account_rel",
        string="Accounts",
        readonly=True,
        copy=False,
    )
    move_ids = fields.Many2many(
        "account.move",
        "utility_conversion_move_rel",
        string="Opening Entries",
        readonly=True,
        copy=False,
    )
    created_count = fields.Integer(
        string="Records Created",
        readonly=True,
        copy=False,
        help="Records the last load created (0 on a re-load of the same files).",
    )
    # Legacy control totals, keyed from the legacy system's own reports.
    legacy_active_count = fields.Integer(string="Legacy Active Accounts", tracking=True)
    legacy_final_count = fields.Integer(string="Legacy Final Accounts", tracking=True)
    legacy_closed_count = fields.Integer(string="Legacy Closed Accounts", tracking=True)
    legacy_meter_count = fields.Integer(string="Legacy Meters", tracking=True)
    legacy_current = fields.Monetary(tracking=True)
    legacy_days_31_60 = fields.Monetary(string="Legacy 31-60 Days", tracking=True)
    legacy_days_61_90 = fields.Monetary(string="Legacy 61-90 Days", tracking=True)
    legacy_days_91_plus = fields.Monetary(string="Legacy 91+ Days", tracking=True)
    legacy_deposits = fields.Monetary(string="Legacy Deposits Held", tracking=True)
    # What was loaded, read from the records and the journal items.
    loaded_active_count = fields.Integer(
        string="Active Accounts Loaded", compute="_compute_proof"
    )
    loaded_final_count = fields.Integer(
        string="Final Accounts Loaded", compute="_compute_proof"
    )
    loaded_closed_count = fields.Integer(
        string="Closed Accounts Loaded", compute="_compute_proof"
    )
    loaded_meter_count = fields.Integer(
        string="Meters Loaded", compute="_compute_proof"
    )
    loaded_current = fields.Monetary(string="Current Loaded", compute="_compute_proof")
    loaded_days_31_60 = fields.Monetary(
        string="31-60 Days Loaded", compute="_compute_proof"
    )
    loaded_days_61_90 = fields.Monetary(
        string="61-90 Days Loaded", compute="_compute_proof"
    )
    loaded_days_91_plus = fields.Monetary(
        string="91+ Days Loaded", compute="_compute_proof"
    )
    loaded_deposits = fields.Monetary(
        string="Deposits Loaded", compute="_compute_proof"
    )
    proof_ties = fields.Boolean(
        compute="_compute_proof",
        help="Every loaded total equals its legacy control total.",
    )
    proof_html = fields.Html(
        string="Proof Totals", compute="_compute_proof", sanitize=False
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("line_ids", "error_ids")
    def _compute_counts(self):
        for conversion in self:
            conversion.line_count = len(conversion.line_ids)
            conversion.error_count = len(conversion.error_ids)

    def _proof_rows(self):
        """[(label, field suffix, is money)] of the proof, in report order."""
        return [
            (self.env._("Active accounts"), "active_count", False),
            (self.env._("Final accounts"), "final_count", False),
            (self.env._("Closed accounts"), "closed_count", False),
            (self.env._("Meters"), "meter_count", False),
            *(
                (self.env._("Balances, %(bucket)s", bucket=str(label)), column, True)
                for column, _days, label in BALANCE_BUCKETS
            ),
            (self.env._("Deposits held"), "deposits", True),
        ]

    @api.depends(
        "account_ids.state",
        "meter_ids",
        "move_ids.line_ids.balance",
        "cutover_date",
        "legacy_active_count",
        "legacy_final_count",
        "legacy_closed_count",
        "legacy_meter_count",
        "legacy_current",
        "legacy_days_31_60",
        "legacy_days_61_90",
        "legacy_days_91_plus",
        "legacy_deposits",
    )
    def _compute_proof(self):
        for conversion in self:
            totals = conversion._loaded_totals()
            for suffix, value in totals.items():
                conversion[f"loaded_{suffix}"] = value
            rows = []
            ties = True
            currency = conversion.currency_id
            for label, suffix, money in conversion._proof_rows():
                legacy = conversion[f"legacy_{suffix}"]
                loaded = totals[suffix]
                if money:
                    difference = currency.round(loaded - legacy)
                    tie = currency.is_zero(difference)
                    shown = [currency.format(v) for v in (legacy, loaded, difference)]
                else:
                    difference = loaded - legacy
                    tie = not difference
                    shown = [str(v) for v in (legacy, loaded, difference)]
                ties = ties and tie
                rows.append(
                    Markup(
                        "<tr><td>%s</td><td class='text-end'>%s</td>"
                        "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                        "<td class='%s'><strong>%s</strong></td></tr>"
                    )
                    % (
                        label,
                        *shown,
                        "text-success" if tie else "text-danger",
                        self.env._("TIES") if tie else self.env._("DIFFERENCE"),
                    )
                )
            conversion.proof_ties = ties
            conversion.proof_html = Markup(
                "<table class='table table-sm o_utility_conversion_proof'><thead><tr>"
                "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th><th></th></tr></thead><tbody>%s</tbody>"
                "</table>"
            ) % (
                self.env._("Control total"),
                self.env._("Legacy"),
                self.env._("Loaded"),
                self.env._("Difference"),
                Markup().join(rows),
            )

    def _loaded_totals(self):
        """{proof suffix: value} of what this conversion loaded: accounts by
        status, meters, and from the journal items of its opening entries the
        receivable by aging bucket (days past due at the cut-over) and the
        deposits on the customer deposits account."""
        self.ensure_one()
        totals = {
            "active_count": 0,
            "final_count": 0,
            "closed_count": 0,
            "meter_count": len(self.meter_ids),
            "deposits": 0.0,
            **{column: 0.0 for column, _days, _label in BALANCE_BUCKETS},
        }
        for account in self.account_ids:
            key = f"{account.state}_count"
            if key in totals:
                totals[key] += 1
        moves = self.move_ids.filtered(lambda m: m.state == "posted")
        deposit_account = self.company_id.utility_deposit_account_id
        for line in moves.line_ids:
            move = line.move_id
            if move.utility_deposit_kind:
                if line.account_id == deposit_account:
                    totals["deposits"] -= line.balance
            elif (
                move.move_type != "entry"
                and line.account_id.account_type == "asset_receivable"
            ):
                due = line.date_maturity or line.date
                totals[bucket_of((self.cutover_date - due).days)] += line.balance
        currency = self.currency_id
        for key, value in totals.items():
            if isinstance(value, float):
                totals[key] = currency.round(value)
        return totals

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        for vals in vals_list:
            check_protected(
                self,
                {
                    k: v
                    for k, v in vals.items()
                    if v and not (k == "state" and v == "draft")
                },
                CONVERSION_WORKFLOW_FIELDS,
                CONVERSION_DOOR,
            )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, CONVERSION_WORKFLOW_FIELDS, CONVERSION_DOOR)
        changed = set(vals) & {*FILE_FIELDS, "cutover_date", "company_id"}
        if changed and self.filtered(lambda c: c.state != "draft"):
            raise UserError(
                self.env._(
                    "A validated or loaded conversion keeps its files and dates: "
                    "set it back to draft first, or start a new conversion."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_not_loaded(self):
        if self.filtered(lambda c: c.state == "loaded"):
            raise UserError(
                self.env._("A loaded conversion is kept: it proves what was loaded.")
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_manager(self):
        """Only a utility manager converts (a CSR reads nothing of it either:
        access rules; this check guards the workflow methods themselves)."""
        if not (
            self.env.su or self.env.user.has_group("utility_billing.group_manager")
        ):
            raise AccessError(
                self.env._("Only a utility billing manager runs a go-live conversion.")
            )

    def action_validate(self):
        """Read every file, type every value, check every reference and
        duplicate; list the errors. Validated only when there is none."""
        self._check_manager()
        for conversion in self:
            if conversion.state != "draft":
                raise UserError(
                    self.env._("%(name)s is not a draft.", name=conversion.display_name)
                )
            errors = conversion._stage()
            with workflow(CONVERSION_DOOR):
                conversion.state = "draft" if errors else "validated"
            conversion.message_post(
                body=self.env._(
                    "Validated: %(rows)s rows, %(errors)s errors.",
                    rows=len(conversion.line_ids),
                    errors=len(errors),
                )
            )
        return True

    def action_draft(self):
        self._check_manager()
        for conversion in self:
            if conversion.state != "validated":
                raise UserError(
                    self.env._(
                        "%(name)s: only a validated conversion goes back to draft.",
                        name=conversion.display_name,
                    )
                )
            with workflow(CONVERSION_DOOR):
                conversion.state = "draft"
        return True

    def action_load(self):
        """Load the validated files in one step: all of it, or nothing.

        Validation runs again first (the database may have changed since):
        with any error the conversion goes back to draft with its errors
        listed and nothing is loaded. The records are created as superuser
        once the manager check passed: the opening entries post to the books,
        which utility managers need no accounting rights for.
        """
        self._check_manager()
        for conversion in self:
            if conversion.state != "validated":
                raise UserError(
                    self.env._(
                        "%(name)s: validate the files before loading them.",
                        name=conversion.display_name,
                    )
                )
            errors = conversion._stage()
            if errors:
                with workflow(CONVERSION_DOOR):
                    conversion.state = "draft"
                conversion.message_post(
                    body=self.env._(
                        "Not loaded: %(errors)s errors found on validating again.",
                        errors=len(errors),
                    )
                )
                continue
            with self.env.cr.savepoint():
                created = conversion.with_company(conversion.company_id)._load()
                with workflow(CONVERSION_DOOR):
                    conversion.write({"state": "loaded", "created_count": created})
            conversion.message_post(
                body=self.env._(
                    "Loaded: %(created)s records created, %(accounts)s accounts, "
                    "%(entries)s opening entries.",
                    created=created,
                    accounts=len(conversion.account_ids),
                    entries=len(conversion.move_ids),
                )
            )
        return True

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def _stage(self):
        """Parse and check the files; replace the staged rows and the errors.

        :return: the errors (a list of values of utility.conversion.error)
        """
        self.ensure_one()
        self.line_ids.unlink()
        self.error_ids.unlink()
        errors = []
        rows = {}
        for kind, _label in KINDS:
            rows[kind] = self._parse(kind, errors)
        self._check_references(rows, errors)
        for sequence, error in enumerate(errors):
            error.update(conversion_id=self.id, sequence=sequence)
        self.env["utility.conversion.error"].create(errors)
        self.env["utility.conversion.line"].create(
            [
                {
                    "conversion_id": self.id,
                    "kind": kind,
                    "line_no": line_no,
                    "key": key_of(kind, row),
                    "data": row,
                }
                for kind, kind_rows in rows.items()
                for line_no, row in kind_rows
            ]
        )
        return errors

    def _error(self, errors, kind, line_no, field_name, message):
        errors.append(
            {
                "kind": kind,
                "file_name": self[f"{kind}_filename"] or file_name(kind),
                "line_no": line_no,
                "field_name": field_name,
                "message": message,
            }
        )

    def _parse(self, kind, errors):
        """[(line number, {column: typed value})] of the file of ``kind``:
        rows with an error in a value are reported and left out."""
        content = self[f"{kind}_file"]
        if not content:
            return []
        try:
            text = base64.b64decode(content).decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError):
            self._error(
                errors,
                kind,
                0,
                False,
                self.env._(
                    "The file is not a CSV file in UTF-8: save it as CSV UTF-8."
                ),
            )
            return []
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]
        columns = TEMPLATES[kind]
        names = [name for name, *_rest in columns]
        for name in header:
            if name not in names:
                self._error(
                    errors,
                    kind,
                    1,
                    name,
                    self.env._(
                        "Unknown column %(column)s: the template's columns are "
                        "%(columns)s.",
                        column=name,
                        columns=", ".join(names),
                    ),
                )
        missing = [
            name
            for name, _t, required, _e in columns
            if required and name not in header
        ]
        for name in missing:
            self._error(
                errors,
                kind,
                1,
                name,
                self.env._("Required column %(column)s is missing.", column=name),
            )
        if missing:
            return []
        rows = []
        seen = {}
        for line_no, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            raw = dict(zip(header, (cell.strip() for cell in cells), strict=False))
            row = {}
            ok = True
            for name, type_, required, _example in columns:
                value = raw.get(name, "")
                if not value:
                    if required:
                        ok = False
                        self._error(
                            errors,
                            kind,
                            line_no,
                            name,
                            self.env._("A value is required."),
                        )
                    row[name] = False
                    continue
                typed, message = self._typed(type_, value)
                if message:
                    ok = False
                    self._error(errors, kind, line_no, name, message)
                row[name] = typed
            if not ok:
                continue
            key = key_of(kind, row)
            if key in seen:
                self._duplicate(errors, kind, line_no, row, seen[key])
                continue
            seen[key] = (line_no, row)
            rows.append((line_no, row))
        return rows

    def _duplicate(self, errors, kind, line_no, row, first):
        first_line, first_row = first
        key_column = TEMPLATES[kind][0][0]
        if kind == "meters" and first_row["premise_ref"] != row["premise_ref"]:
            message = self.env._(
                "Meter %(serial)s is on two premises: %(premise)s here, %(other)s "
                "on line %(line)s.",
                serial=row["serial"],
                premise=row["premise_ref"],
                other=first_row["premise_ref"],
                line=first_line,
            )
        elif kind == "services":
            key_column = "service_type"
            message = self.env._(
                "Account %(account)s has service %(service)s twice (also on line "
                "%(line)s).",
                account=row["account_number"],
                service=row["service_type"],
                line=first_line,
            )
        else:
            message = self.env._(
                "Duplicate %(column)s %(key)s: also on line %(line)s.",
                column=key_column,
                key=key_of(kind, row),
                line=first_line,
            )
        self._error(errors, kind, line_no, key_column, message)

    def _typed(self, type_, value):
        """(typed value, error message or None) of a cell."""
        if type_ == "char":
            return value, None
        if type_ == "int":
            if re.fullmatch(r"[+-]?\d+", value):
                return int(value), None
            return False, self.env._("%(value)s is not a whole number.", value=value)
        if type_ in ("float", "money"):
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                return False, self.env._("%(value)s is not a number.", value=value)
            if type_ == "money" and number != number.quantize(Decimal("0.01")):
                return False, self.env._(
                    "%(value)s has more than two decimals.", value=value
                )
            return float(number), None
        if type_ == "date":
            for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
                try:
                    return datetime.strptime(value, pattern).date().isoformat(), None
                except ValueError:
                    continue
            return False, self.env._(
                "%(value)s is not a date (YYYY-MM-DD or MM/DD/YYYY).", value=value
            )
        if type_.startswith("selection:"):
            allowed = type_.split(":", 1)[1].split("|")
            if value in allowed:
                return value, None
            return False, self.env._(
                "%(value)s is not one of %(allowed)s.",
                value=value,
                allowed=", ".join(allowed),
            )
        raise ValueError(type_)

    def _check_references(self, rows, errors):
        """References between the files and to the database: premises of the
        meters, customers and premises of the accounts, route, service type
        and rate codes, meters on the premise of the account, one active
        account per service at a premise; records of the same key that exist
        in the database without being converted."""
        company = self.company_id
        rates = defaultdict(set)
        for schedule in self.env["utility.rate.schedule"].search(
            [("company_id", "=", company.id)]
        ):
            rates[schedule.code].add(schedule.service_type_id.code)
        ctx = {
            "rows": rows,
            "errors": errors,
            "by_key": {
                kind: {key_of(kind, row): (ln, row) for ln, row in kind_rows}
                for kind, kind_rows in rows.items()
            },
            "routes": set(
                self.env["utility.route"]
                .with_context(active_test=False)
                .search([("company_id", "=", company.id)])
                .mapped("code")
            ),
            "service_types": {
                st.code: st
                for st in self.env["utility.service.type"].search(
                    [("company_id", "in", [company.id, False])]
                )
            },
            "rates": rates,
        }
        # Keys referred to may be of records converted before (a re-load).
        wanted = defaultdict(set)
        for kind_rows in rows.values():
            for _line_no, row in kind_rows:
                for kind, column in REFERENCES:
                    if row.get(column):
                        wanted[kind].add(row[column])
        ctx["converted"] = {
            kind: set(self._converted_map(kind, wanted[kind]))
            for kind, _column in REFERENCES
        }
        self._check_premises(ctx)
        self._check_meters(ctx)
        self._check_accounts(ctx)
        self._check_services(ctx)
        self._check_active_services(ctx)
        self._check_amounts(ctx)

    def _known(self, ctx, kind, key):
        """Whether ``key`` of ``kind`` is in the files or was converted."""
        return key in ctx["by_key"][kind] or key in ctx["converted"][kind]

    def _check_premises(self, ctx):
        for line_no, row in ctx["rows"]["premises"]:
            if row["route_code"] not in ctx["routes"]:
                self._error(
                    ctx["errors"],
                    "premises",
                    line_no,
                    "route_code",
                    self.env._(
                        "Route %(code)s does not exist: create it in Utility "
                        "Billing > Configuration > Routes.",
                        code=row["route_code"],
                    ),
                )

    def _check_meters(self, ctx):
        rows = ctx["rows"]["meters"]
        # Serials of meters in the database that no conversion loaded.
        serials = (
            self._existing("utility.meter", "serial", [r["serial"] for _l, r in rows])
            - ctx["converted"]["meters"]
        )
        for line_no, row in rows:
            if not self._known(ctx, "premises", row["premise_ref"]):
                self._error(
                    ctx["errors"],
                    "meters",
                    line_no,
                    "premise_ref",
                    self.env._(
                        "Premise %(ref)s is not in the premises file.",
                        ref=row["premise_ref"],
                    ),
                )
            service_type = ctx["service_types"].get(row["service_type"])
            if not service_type or not service_type.metered:
                self._error(
                    ctx["errors"],
                    "meters",
                    line_no,
                    "service_type",
                    self.env._(
                        "%(code)s is not the code of a metered service type.",
                        code=row["service_type"],
                    ),
                )
            if row["serial"] in serials:
                self._error(
                    ctx["errors"],
                    "meters",
                    line_no,
                    "serial",
                    self.env._(
                        "A meter with serial %(serial)s already exists in the "
                        "database.",
                        serial=row["serial"],
                    ),
                )

    def _check_accounts(self, ctx):
        rows = ctx["rows"]["accounts"]
        numbers = (
            self._existing(
                "utility.account", "name", [r["account_number"] for _l, r in rows]
            )
            - ctx["converted"]["accounts"]
        )
        served = {r["account_number"] for _l, r in ctx["rows"]["services"]}
        for line_no, row in rows:
            number = row["account_number"]
            problems = []
            if not self._known(ctx, "customers", row["customer_ref"]):
                problems.append(
                    (
                        "customer_ref",
                        self.env._(
                            "Customer %(ref)s is not in the customers file.",
                            ref=row["customer_ref"],
                        ),
                    )
                )
            if not self._known(ctx, "premises", row["premise_ref"]):
                problems.append(
                    (
                        "premise_ref",
                        self.env._(
                            "Premise %(ref)s is not in the premises file.",
                            ref=row["premise_ref"],
                        ),
                    )
                )
            if number in numbers:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Account %(number)s already exists in the database.",
                            number=number,
                        ),
                    )
                )
            if row["status"] in ("final", "closed") and not row["end_date"]:
                problems.append(
                    (
                        "end_date",
                        self.env._(
                            "A %(status)s account needs its end date.",
                            status=row["status"],
                        ),
                    )
                )
            if row["end_date"] and row["end_date"] < row["start_date"]:
                problems.append(
                    ("end_date", self.env._("The end date is before the start date."))
                )
            if row["status"] == "active" and number not in served:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Active account %(number)s has no service in the "
                            "services file.",
                            number=number,
                        ),
                    )
                )
            for column, message in problems:
                self._error(ctx["errors"], "accounts", line_no, column, message)

    def _check_services(self, ctx):
        by_key = ctx["by_key"]
        rates = ctx["rates"]
        for line_no, row in ctx["rows"]["services"]:
            problems = []
            account = by_key["accounts"].get(row["account_number"])
            if not account:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Account %(number)s is not in the accounts file.",
                            number=row["account_number"],
                        ),
                    )
                )
            service_type = ctx["service_types"].get(row["service_type"])
            if not service_type:
                problems.append(
                    (
                        "service_type",
                        self.env._(
                            "Service type %(code)s does not exist.",
                            code=row["service_type"],
                        ),
                    )
                )
            if row["rate_code"] not in rates:
                problems.append(
                    (
                        "rate_code",
                        self.env._(
                            "Rate %(code)s does not exist: create it in Utility "
                            "Billing > Configuration > Rate Schedules.",
                            code=row["rate_code"],
                        ),
                    )
                )
            elif row["service_type"] not in rates[row["rate_code"]]:
                problems.append(
                    (
                        "rate_code",
                        self.env._(
                            "Rate %(code)s is not a rate of service %(service)s.",
                            code=row["rate_code"],
                            service=row["service_type"],
                        ),
                    )
                )
            problems += self._meter_problems(ctx, row, service_type, account)
            for column, message in problems:
                self._error(ctx["errors"], "services", line_no, column, message)

    def _meter_problems(self, ctx, row, service_type, account):
        """[(column, message)] of the meter of a service row."""
        serial = row["meter_serial"]
        if not serial:
            if service_type and service_type.metered:
                return [
                    (
                        "meter_serial",
                        self.env._(
                            "%(service)s is metered: the meter serial is required.",
                            service=row["service_type"],
                        ),
                    )
                ]
            return []
        meter = ctx["by_key"]["meters"].get(serial)
        if not meter:
            return [
                (
                    "meter_serial",
                    self.env._(
                        "Meter %(serial)s is not in the meters file.", serial=serial
                    ),
                )
            ]
        if account and meter[1]["premise_ref"] != account[1]["premise_ref"]:
            return [
                (
                    "meter_serial",
                    self.env._(
                        "Meter %(serial)s is at premise %(meter_premise)s, account "
                        "%(number)s at premise %(premise)s.",
                        serial=serial,
                        meter_premise=meter[1]["premise_ref"],
                        number=row["account_number"],
                        premise=account[1]["premise_ref"],
                    ),
                )
            ]
        return []

    def _check_active_services(self, ctx):
        """One active account per service at a premise (in the files, and in
        the database at the premises converted before)."""
        active_service = {}
        in_database = self._active_services_in_database(ctx)
        for line_no, row in ctx["rows"]["services"]:
            account = ctx["by_key"]["accounts"].get(row["account_number"])
            if not account or account[1]["status"] != "active":
                continue
            slot = (account[1]["premise_ref"], row["service_type"])
            other_number = in_database.get(slot)
            if other_number and other_number != row["account_number"]:
                self._error(
                    ctx["errors"],
                    "services",
                    line_no,
                    "account_number",
                    self.env._(
                        "Premise %(premise)s already has %(service)s on active "
                        "account %(other)s in the database.",
                        premise=slot[0],
                        service=slot[1],
                        other=other_number,
                    ),
                )
            if slot not in active_service:
                active_service[slot] = (line_no, row["account_number"])
                continue
            other_line, other_number = active_service[slot]
            self._error(
                ctx["errors"],
                "services",
                line_no,
                "account_number",
                self.env._(
                    "Premise %(premise)s has %(service)s on two active "
                    "accounts: %(number)s here and %(other)s on line %(line)s.",
                    premise=slot[0],
                    service=slot[1],
                    number=row["account_number"],
                    other=other_number,
                    line=other_line,
                ),
            )

    def _active_services_in_database(self, ctx):
        """{(premise key, service type code): account number} of the services
        of active accounts at the premises of the accounts file that a
        conversion loaded before."""
        refs = {row["premise_ref"] for _line_no, row in ctx["rows"]["accounts"]}
        premises = self._converted_map("premises", refs)
        if not premises:
            return {}
        ref_of = {premise.id: ref for ref, premise in premises.items()}
        services = self.env["utility.account.service"].search(
            [
                ("premise_id", "in", list(ref_of)),
                ("account_state", "=", "active"),
                ("end_date", "=", False),
            ]
        )
        return {
            (ref_of[service.premise_id.id], service.service_type_id.code): (
                service.account_id.name
            )
            for service in services
        }

    def _check_amounts(self, ctx):
        rows = ctx["rows"]
        for kind in ("balances", "deposits"):
            for line_no, row in rows[kind]:
                if row["account_number"] not in ctx["by_key"]["accounts"]:
                    self._error(
                        ctx["errors"],
                        kind,
                        line_no,
                        "account_number",
                        self.env._(
                            "Account %(number)s is not in the accounts file.",
                            number=row["account_number"],
                        ),
                    )
        for line_no, row in rows["balances"]:
            for column, _days, _label in BALANCE_BUCKETS[1:]:
                if (row[column] or 0.0) < 0:
                    self._error(
                        ctx["errors"],
                        "balances",
                        line_no,
                        column,
                        self.env._(
                            "An aged balance is never negative: a credit goes in "
                            "the current column."
                        ),
                    )
        for line_no, row in rows["deposits"]:
            if row["amount"] <= 0:
                self._error(
                    ctx["errors"],
                    "deposits",
                    line_no,
                    "amount",
                    self.env._("A deposit held is a positive amount."),
                )

    def _existing(self, model, field_name, values):
        """Values of ``values`` that records of ``model`` of the company hold."""
        if not values:
            return set()
        records = (
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search(
                [(field_name, "in", values), ("company_id", "=", self.company_id.id)]
            )
        )
        return set(records.mapped(field_name))

    # ------------------------------------------------------------
    # Load
    # ------------------------------------------------------------

    def _xmlid_name(self, kind, key):
        """External id name of a converted record: readable, and unique by a
        hash of the legacy key (two keys may read the same once cleaned)."""
        clean = re.sub(r"[^A-Za-z0-9]+", "_", str(key))[:60]
        digest = hashlib.sha1(str(key).encode()).hexdigest()[:10]
        return f"c{self.company_id.id}_{kind}_{clean}_{digest}"

    def _converted(self, kind, key):
        """The record a conversion loaded for legacy ``key`` of ``kind``."""
        return self._converted_map(kind, [key]).get(key, False)

    def _converted_map(self, kind, keys):
        """{legacy key: record} of the ``keys`` of ``kind`` a conversion
        loaded (one query for the lot; records deleted since are left out)."""
        names = {self._xmlid_name(kind, key): key for key in keys}
        if not names or kind not in MODELS:
            return {}
        datas = (
            self.env["ir.model.data"]
            .sudo()
            .search_fetch(
                [("module", "=", XMLID_MODULE), ("name", "in", list(names))],
                ["name", "model", "res_id"],
            )
        )
        ids = defaultdict(set)
        for data in datas:
            ids[data.model].add(data.res_id)
        alive = {
            model: set(self.env[model].sudo().browse(list(res_ids)).exists().ids)
            for model, res_ids in ids.items()
        }
        return {
            names[data.name]: self.env[data.model].sudo().browse(data.res_id)
            for data in datas
            if data.res_id in alive[data.model]
        }

    def _remember(self, kind, records_by_key):
        self.env["ir.model.data"].sudo().create(
            [
                {
                    "module": XMLID_MODULE,
                    "name": self._xmlid_name(kind, key),
                    "model": record._name,
                    "res_id": record.id,
                    "noupdate": True,
                }
                for key, record in records_by_key.items()
            ]
        )

    def _load_kind(self, kind, lines, prepare):
        """{legacy key: record} of the staged ``lines`` of ``kind``: found
        again, or created from ``prepare(row)`` in one batch."""
        found, to_create = {}, {}
        converted = self._converted_map(kind, lines.mapped("key"))
        for line in lines:
            record = converted.get(line.key)
            if record:
                found[line.key] = record
            else:
                to_create[line.key] = prepare(line.data)
        if to_create:
            records = self.env[MODELS[kind]].sudo().create(list(to_create.values()))
            created = dict(zip(to_create, records, strict=True))
            self._remember(kind, created)
            found.update(created)
        return found, len(to_create)

    def _load(self):
        """Create what the staged rows describe (superuser, doors open): the
        caller checked the role and the files. Return how many records were
        created."""
        self.ensure_one()
        company = self.company_id
        lines = defaultdict(lambda: self.env["utility.conversion.line"])
        for line in self.line_ids:
            lines[line.kind] |= line
        created = 0
        env = self.env
        routes = {
            r.code: r
            for r in env["utility.route"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        }
        service_types = {
            st.code: st
            for st in env["utility.service.type"].search(
                [("company_id", "in", [company.id, False])]
            )
        }
        with workflow(METER_DOOR, ACCOUNT_DOOR, BOOKS_DOOR):
            partners, count = self._load_kind(
                "customers",
                lines["customers"],
                lambda row: {
                    "name": row["name"],
                    "street": row["street"],
                    "city": row["city"],
                    "zip": row["zip"],
                    "email": row["email"],
                    "phone": row["phone"],
                },
            )
            created += count
            premises, count = self._load_kind(
                "premises",
                lines["premises"],
                lambda row: {
                    "street": row["street"],
                    "city": row["city"],
                    "zip": row["zip"],
                    "apn": row["apn"],
                    "route_id": routes[row["route_code"]].id,
                    "sequence": row["walk_sequence"] or 10,
                    "customer_class": row["customer_class"],
                    "living_units": row["living_units"] or 1,
                    "company_id": company.id,
                },
            )
            created += count
            meters, count = self._load_kind(
                "meters",
                lines["meters"],
                lambda row: {
                    "serial": row["serial"],
                    "service_type_id": service_types[row["service_type"]].id,
                    "size": row["size"],
                    "dials": row["dials"],
                    "multiplier": row["multiplier"] or 1.0,
                    "make": row["make"],
                    "model": row["model"],
                    "state": "installed",
                    "premise_id": premises[row["premise_ref"]].id,
                    "install_date": row["install_date"],
                    "company_id": company.id,
                },
            )
            created += count
            services = defaultdict(list)
            for line in lines["services"]:
                services[line.data["account_number"]].append(line.data)
            rates = {}
            accounts, count = self._load_kind(
                "accounts",
                lines["accounts"],
                lambda row: {
                    "name": row["account_number"],
                    "partner_id": partners[row["customer_ref"]].id,
                    "premise_id": premises[row["premise_ref"]].id,
                    "start_date": row["start_date"],
                    "company_id": company.id,
                    "service_ids": [
                        Command.create(
                            {
                                "service_type_id": service_types[s["service_type"]].id,
                                "rate_schedule_id": self._rate(rates, s).id,
                                "meter_id": meters[s["meter_serial"]].id
                                if s["meter_serial"]
                                else False,
                                "start_date": s["start_date"] or row["start_date"],
                                "end_date": row["end_date"],
                            }
                        )
                        for s in services[row["account_number"]]
                    ],
                },
            )
            created += count
            new_accounts = env["utility.account"].sudo()
            for line in lines["accounts"]:
                account = accounts[line.key]
                if account.state == "draft":
                    new_accounts |= account
                    account.write(
                        {
                            "state": line.data["status"],
                            "end_date": line.data["end_date"],
                        }
                    )
            new_accounts.service_ids._check_no_overlap()
            balances, count = self._load_balances(lines["balances"], accounts)
            created += count
            deposits, count = self._load_deposits(lines["deposits"], accounts)
            created += count
        with workflow(CONVERSION_DOOR):
            self._write_loaded(partners, premises, meters, accounts, balances, deposits)
        return created

    def _write_loaded(self, partners, premises, meters, accounts, balances, deposits):
        """Link what the load created or found (dicts {legacy key: record})."""
        self.write(
            {
                "partner_ids": [Command.set([r.id for r in partners.values()])],
                "premise_ids": [Command.set([r.id for r in premises.values()])],
                "meter_ids": [Command.set([r.id for r in meters.values()])],
                "account_ids": [Command.set([r.id for r in accounts.values()])],
                "move_ids": [
                    Command.set(
                        [m.id for m in (*balances.values(), *deposits.values())]
                    )
                ],
            }
        )

    def _rate(self, cache, service_row):
        key = (service_row["rate_code"], service_row["service_type"])
        if key not in cache:
            cache[key] = self.env["utility.rate.schedule"].search(
                [
                    ("code", "=", key[0]),
                    ("service_type_id.code", "=", key[1]),
                    ("company_id", "=", self.company_id.id),
                ],
                order="effective_from desc",
                limit=1,
            )
        return cache[key]

    def _load_balances(self, lines, accounts):
        """One posted opening invoice per account and aging bucket (a credit
        note for a credit in the current column), against the conversion
        clearing account; due so many days before the cut-over that the aging
        puts it in its bucket. Keyed ``<account>/<bucket>``."""
        company = self.company_id
        clearing = company._utility_conversion_account()
        journal = company._get_utility_journal()
        if not journal:
            raise UserError(
                self.env._("The company has no sales journal for the opening balances.")
            )
        found = {}
        to_create = {}
        converted = self._converted_map(
            "balances",
            [
                f"{key}/{column}"
                for key in lines.mapped("key")
                for column, *_r in BALANCE_BUCKETS
            ],
        )
        for line in lines:
            account = accounts[line.data["account_number"]]
            for column, days, label in BALANCE_BUCKETS:
                amount = line.data.get(column) or 0.0
                if company.currency_id.is_zero(amount):
                    continue
                key = f"{line.key}/{column}"
                move = converted.get(key)
                if move:
                    found[key] = move
                    continue
                due = self.cutover_date - relativedelta(days=days)
                to_create[key] = self._opening_invoice_vals(
                    account, journal, clearing, amount, due, label
                )
        if to_create:
            moves = self.env["account.move"].sudo()
            for vals in to_create.values():
                moves |= (
                    self.env["account.move"]
                    .sudo()
                    .with_context(default_move_type=vals["move_type"])
                    .create(vals)
                )
            moves._post(soft=False)
            created = dict(zip(to_create, moves, strict=True))
            self._remember("balances", created)
            found.update(created)
        return found, len(to_create)

    def _opening_invoice_vals(self, account, journal, clearing, amount, due, label):
        move_type = "out_invoice" if amount > 0 else "out_refund"
        text = self.env._(
            "Opening balance from the legacy system, %(bucket)s", bucket=str(label)
        )
        vals = {
            "move_type": move_type,
            "partner_id": account.partner_id.id,
            "journal_id": journal.id,
            # Dated the cut-over (the month-end summary counts it in that
            # month), due in the past: the aging reads the due date.
            "invoice_date": self.cutover_date,
            "invoice_date_due": due,
            "date": self.cutover_date,
            "currency_id": account.currency_id.id,
            "company_id": account.company_id.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": account.id,
            "payment_reference": account.name,
            "ref": text,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": text,
                        "quantity": 1,
                        "price_unit": abs(amount),
                        "account_id": clearing.id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        sequence = journal.utility_bill_sequence_id
        if sequence:
            vals["name"] = numbering.next_name(
                sequence.sudo(), journal, self.cutover_date
            )
        return vals

    def _load_deposits(self, lines, accounts):
        """Per account, its deposit held: a posted deposit invoice on the
        customer deposits account (as Start Service bills it), paid at once by
        an entry on the conversion clearing account, so that the account holds
        the deposit, paid, as the legacy system held it. Keyed
        ``<account>`` (the invoice) and ``<account>/paid`` (the entry)."""
        company = self.company_id
        found = {}
        new = {}
        keys = lines.mapped("key")
        converted = self._converted_map("deposits", keys + [f"{k}/paid" for k in keys])
        for line in lines:
            invoice = converted.get(line.key)
            entry = converted.get(f"{line.key}/paid")
            if invoice and entry:
                found[line.key] = invoice
                found[f"{line.key}/paid"] = entry
                continue
            new[line.key] = (accounts[line.key], line.data["amount"])
        if not new:
            return found, 0
        clearing = company._utility_conversion_account()
        journal = company._get_utility_journal()
        general = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1
        )
        if not journal or not general:
            raise UserError(
                self.env._(
                    "The company needs a sales and a miscellaneous journal for "
                    "the deposits held."
                )
            )
        created = {}
        day = self.cutover_date
        for key, (account, amount) in new.items():
            label = self.env._(
                "Deposit held in the legacy system, account %(account)s",
                account=account.name,
            )
            vals = {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "journal_id": journal.id,
                "invoice_date": day,
                "invoice_date_due": day,
                "date": day,
                "currency_id": account.currency_id.id,
                "company_id": company.id,
                "invoice_payment_term_id": False,
                "fiscal_position_id": False,
                "utility_account_id": account.id,
                "utility_deposit_kind": "bill",
                "payment_reference": account.name,
                "ref": label,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": company._get_utility_deposit_product().id,
                            "name": label,
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": company._get_utility_deposit_account().id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            sequence = journal.utility_bill_sequence_id
            if sequence:
                vals["name"] = numbering.next_name(sequence.sudo(), journal, day)
            invoice = (
                self.env["account.move"]
                .sudo()
                .with_context(default_move_type="out_invoice")
                .create(vals)
            )
            invoice._post(soft=False)
            receivable = invoice.line_ids.filtered(
                lambda ln: ln.account_id.account_type == "asset_receivable"
            )
            entry = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": general.id,
                        "date": day,
                        "ref": label,
                        "utility_account_id": account.id,
                        "line_ids": [
                            Command.create(
                                {
                                    "name": label,
                                    "account_id": clearing.id,
                                    "partner_id": account.partner_id.id,
                                    "debit": invoice.amount_total,
                                }
                            ),
                            Command.create(
                                {
                                    "name": label,
                                    "account_id": receivable.account_id.id,
                                    "partner_id": account.partner_id.id,
                                    "credit": invoice.amount_total,
                                }
                            ),
                        ],
                    }
                )
            )
            entry._post(soft=False)
            (
                receivable
                | entry.line_ids.filtered(
                    lambda ln, a=receivable.account_id: ln.account_id == a
                )
            ).reconcile()
            created[key] = invoice
            created[f"{key}/paid"] = entry
        self._remember("deposits", created)
        found.update(created)
        return found, len(created)
