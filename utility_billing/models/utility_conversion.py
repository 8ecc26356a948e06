# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: the batch, its state, its proof totals and its actions.
Validation is in utility_conversion_validate.py, the load in
utility_conversion_load.py (sibling files by concern)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.workflow import check_create_draft, check_protected, workflow
from .utility_conversion_spec import (
    BALANCE_BUCKETS,
    KINDS,
    TEMPLATES,
    key_of,
)

# The conversion's door (tools/workflow.py): its state, and what the load
# created or found (which the proof totals read), change only through Validate,
# Load and Back to Draft, each after the manager check.
CONVERSION_DOOR = "utility.conversion"
CONVERSION_WORKFLOW_FIELDS = (
    "state",
    "files_checksum",
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
# Legacy keys looked up together by ``_converted_totals`` (memory stays flat
# whatever the number of staged rows).
PROOF_KEY_CHUNK = 10000


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
    files_checksum = fields.Char(
        readonly=True,
        copy=False,
        help="Digest of the files as Validate staged them: Load checks the "
        "staged rows again without parsing the files when it is unchanged.",
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
    # Hooks: the kinds of files (addons add theirs)
    # ------------------------------------------------------------

    def _conversion_templates(self):
        """{kind: columns} of the templates, in load order. An addon adds a
        kind by extending this (with its ``<kind>_file`` and
        ``<kind>_filename`` fields and a ``selection_add`` on the ``kind`` of
        utility.conversion.line and utility.conversion.error); it checks its
        rows in ``_check_references`` and loads them in ``_load``."""
        return dict(TEMPLATES)

    def _conversion_models(self):
        """{kind: model} of the records a kind loads (their legacy keys are
        kept as external ids)."""
        return dict(MODELS)

    def _conversion_key(self, kind, row):
        """The legacy key of a parsed ``row`` of ``kind``."""
        if kind in TEMPLATES:
            return key_of(kind, row)
        return row.get(self._conversion_templates()[kind][0][0])

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
                if f"loaded_{suffix}" in conversion._fields:
                    conversion[f"loaded_{suffix}"] = value
            rows = []
            ties = True
            # A new record's form computes this before its company is set.
            currency = conversion.currency_id or self.env.company.currency_id
            legacy_totals = conversion._legacy_totals()
            for label, suffix, money in conversion._proof_rows():
                legacy = legacy_totals[suffix]
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

    def _legacy_totals(self):
        """{proof suffix: legacy control total} of the rows of ``_proof_rows``
        (by default the ``legacy_<suffix>`` fields)."""
        self.ensure_one()
        return {
            suffix: self[f"legacy_{suffix}"]
            for _label, suffix, _money in self._proof_rows()
            if f"legacy_{suffix}" in self._fields
        }

    def _loaded_totals(self):
        """{proof suffix: value} of what this conversion loaded: accounts by
        status, meters, and from the journal items of its opening entries the
        receivable by aging bucket (days past due at the cut-over) and the
        deposits on the customer deposits account.

        Aggregated in the database (a few queries whatever the size of the
        city), as the records read through the conversion's fields: the
        access rules of the reader apply, archived records count."""
        self.ensure_one()
        totals = {
            "active_count": 0,
            "final_count": 0,
            "closed_count": 0,
            "meter_count": 0,
            "deposits": 0.0,
            **{column: 0.0 for column, _days, _label in BALANCE_BUCKETS},
        }
        if self._origin.id:
            self._flush_proof()
            accounts = self._proof_query("account_ids")
            state = SQL.identifier(accounts.table, "state")
            accounts.groupby = state
            for status, count in self.env.execute_query(
                accounts.select(state, SQL("count(*)"))
            ):
                key = f"{status or False}_count"
                if key in totals:
                    totals[key] += count
            meters = self._proof_query("meter_ids")
            totals["meter_count"] = self.env.execute_query(
                meters.select(SQL("count(*)"))
            )[0][0]
            for due, deposit, balance in self._proof_move_sums():
                if deposit:
                    totals["deposits"] -= balance
                else:
                    totals[bucket_of((self.cutover_date - due).days)] += balance
        currency = self.currency_id or self.env.company.currency_id
        for key, value in totals.items():
            if isinstance(value, float):
                totals[key] = currency.round(value)
        return totals

    # ------------------------------------------------------------
    # Proof: aggregates in the database
    # ------------------------------------------------------------

    def _flush_proof(self):
        """Write to the database what the proof's queries read."""
        self.env["utility.conversion"].flush_model(
            ["company_id", "meter_ids", "account_ids", "move_ids"]
        )
        self.env["utility.account"].flush_model(["state", "premise_id"])
        self.env["utility.premise"].flush_model(["customer_class"])
        self.env["utility.meter"].flush_model(["size"])
        self.env["account.move"].flush_model(
            ["state", "move_type", "utility_deposit_kind"]
        )
        self.env["account.move.line"].flush_model(
            ["move_id", "account_id", "balance", "date", "date_maturity"]
        )
        self.env["account.account"].flush_model(["account_type"])

    def _proof_query(self, field_name, domain=()):
        """Query of the records of Many2many ``field_name`` of this conversion
        (read from its relation table) matching ``domain``, as reading the
        field gives them: the access rules of the reader apply, archived
        records are in."""
        field = self._fields[field_name]
        rel_ids = SQL(
            "(SELECT %s FROM %s WHERE %s = %s)",
            SQL.identifier(field.column2),
            SQL.identifier(field.relation),
            SQL.identifier(field.column1),
            self._origin.id,
        )
        Model = self.env[field.comodel_name].with_context(active_test=False)
        return Model._search([("id", "in", rel_ids), *domain])

    def _proof_move_sums(self):
        """[(due date, is deposit, balance)]: the journal items of the posted
        opening entries summed by due date (``date_maturity``, else the
        date) on the receivable of the invoices and credit notes, and on the
        customer deposits account in the deposit entries (due date None)."""
        moves = self._proof_query("move_ids", [("state", "=", "posted")])
        lines = self.env["account.move.line"]._search([("move_id", "in", moves)])
        line = lines.table
        move = lines.make_alias(line, "proof_move")
        lines.add_join(
            "JOIN",
            move,
            "account_move",
            SQL("%s = %s", SQL.identifier(move, "id"), SQL.identifier(line, "move_id")),
        )
        account = lines.make_alias(line, "proof_account")
        lines.add_join(
            "LEFT JOIN",
            account,
            "account_account",
            SQL(
                "%s = %s",
                SQL.identifier(account, "id"),
                SQL.identifier(line, "account_id"),
            ),
        )
        deposit = SQL(
            "COALESCE(%s, '') != ''", SQL.identifier(move, "utility_deposit_kind")
        )
        due = SQL(
            "CASE WHEN %s THEN NULL ELSE COALESCE(%s, %s) END",
            deposit,
            SQL.identifier(line, "date_maturity"),
            SQL.identifier(line, "date"),
        )
        lines.add_where(
            SQL(
                "((%s AND %s IS NOT DISTINCT FROM %s) OR (NOT %s AND %s != 'entry' "
                "AND %s = 'asset_receivable'))",
                deposit,
                SQL.identifier(line, "account_id"),
                self.company_id.utility_deposit_account_id.id or None,
                deposit,
                SQL.identifier(move, "move_type"),
                SQL.identifier(account, "account_type"),
            )
        )
        lines.groupby = SQL("1, 2")
        return [
            (day, is_deposit, float(balance or 0.0))
            for day, is_deposit, balance in self.env.execute_query(
                lines.select(
                    due, deposit, SQL("SUM(%s)", SQL.identifier(line, "balance"))
                )
            )
        ]

    def _converted_totals(self, kind, aggregates, condition=None):
        """Totals of SQL ``aggregates`` (sums or counts, on the table alias
        ``converted``) over the records this conversion's staged rows of
        ``kind`` were converted to, those matching SQL ``condition``: found
        by their external id as ``_converted_map`` finds them (records deleted
        since are left out), by chunks of legacy keys read from the staged
        rows (never the rows themselves): memory stays flat.

        :return: list of totals, one per aggregate
        """
        totals = [0] * len(aggregates)
        model = self._conversion_models().get(kind)
        conversion_id = self._origin.id
        if not model or not conversion_id:
            return totals
        Model = self.env[model]
        self.env["utility.conversion.line"].flush_model(
            ["conversion_id", "kind", "key"]
        )
        self.env["ir.model.data"].flush_model(["module", "name", "model", "res_id"])
        Model.flush_model()
        last = None
        while True:
            keys = [
                key
                for (key,) in self.env.execute_query(
                    SQL(
                        "SELECT DISTINCT key FROM utility_conversion_line "
                        "WHERE conversion_id = %s AND kind = %s AND key IS NOT NULL"
                        "%s ORDER BY key LIMIT %s",
                        conversion_id,
                        kind,
                        SQL(" AND key > %s", last) if last is not None else SQL(),
                        PROOF_KEY_CHUNK,
                    )
                )
            ]
            if not keys:
                break
            row = self.env.execute_query(
                SQL(
                    "SELECT %s FROM ir_model_data data "
                    "JOIN %s converted ON converted.id = data.res_id "
                    "WHERE data.module = %s AND data.model = %s "
                    "AND data.name = ANY(%s) AND %s",
                    SQL(", ").join(aggregates),
                    SQL.identifier(Model._table),
                    XMLID_MODULE,
                    model,
                    [self._xmlid_name(kind, key) for key in keys],
                    condition or SQL("TRUE"),
                )
            )[0]
            totals = [
                total + (value or 0) for total, value in zip(totals, row, strict=True)
            ]
            if len(keys) < PROOF_KEY_CHUNK:
                break
            last = keys[-1]
        return totals

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        check_create_draft(
            self,
            vals_list,
            CONVERSION_WORKFLOW_FIELDS,
            CONVERSION_DOOR,
            check_rights=self._check_manager,
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, CONVERSION_WORKFLOW_FIELDS, CONVERSION_DOOR)
        file_fields = {f"{kind}_file" for kind in self._conversion_templates()}
        changed = set(vals) & {*FILE_FIELDS, *file_fields, "cutover_date", "company_id"}
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
                conversion.write(
                    {
                        "state": "draft" if errors else "validated",
                        "files_checksum": not errors and conversion._files_checksum(),
                    }
                )
            conversion.message_post(
                body=self.env._(
                    "Validated: %(rows)s rows, %(errors)s errors.",
                    rows=self.env["utility.conversion.line"].search_count(
                        [("conversion_id", "=", conversion.id)]
                    ),
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
                conversion.write({"state": "draft", "files_checksum": False})
        return True

    def action_load(self):
        """Load the validated files in one step: all of it, or nothing.

        Validation runs again first (the database may have changed since):
        on the rows staged at Validate when the files are those it checked
        (``files_checksum``), else on the files parsed and staged again.
        With any error the conversion goes back to draft with its errors
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
            if (
                conversion.files_checksum
                and conversion.files_checksum == conversion._files_checksum()
            ):
                errors = conversion._check_staged()
            else:
                errors = conversion._stage()
            # What validating read (every row of every file) leaves the cache.
            self.env.flush_all()
            self.env.invalidate_all()
            if errors:
                with workflow(CONVERSION_DOOR):
                    conversion.write({"state": "draft", "files_checksum": False})
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
