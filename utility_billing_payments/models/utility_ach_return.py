# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools import nacha
from ..tools.controls import check_protected_create, check_protected_write, check_role

_logger = logging.getLogger(__name__)

# Door "utility.ach.return": a return file is the bank's evidence; it and its
# lines are written by the import only.
RETURN_FIELDS = (
    "checksum",
    "state",
    "line_ids",
    "file_data",
    "file_name",
    "file_type",
    "company_id",
)


class UtilityAchReturn(models.Model):
    """A return file from the bank: returned entries (R-codes) and
    notifications of change (C-codes), matched to our entries by trace number.

    Processing a returned debit reverses its payment (the bills reopen),
    charges the returned-payment fee, sends the customer a notice, notes it on
    the account and suspends or revokes the mandate as the code says. A
    notification of change corrects the mandate. Lines that match nothing, or
    were processed before, are listed with the reason; the same file imported
    twice is refused.
    """

    _name = "utility.ach.return"
    _description = "ACH Return File"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    date = fields.Date(
        string="Return Date",
        required=True,
        default=fields.Date.context_today,
        help="Date of the reversals and fees.",
    )
    # Its own column, not an attachment (see utility.ach.batch.file_data).
    file_data = fields.Binary(
        string="File",
        attachment=False,
        copy=False,
        groups="utility_billing.group_csr_2",
    )
    file_name = fields.Char(copy=False)
    file_type = fields.Selection(
        [("nacha", "NACHA"), ("csv", "CSV")], required=True, default="nacha"
    )
    checksum = fields.Char(readonly=True, copy=False, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Processed")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        "utility.ach.return.line", "return_id", string="Lines", readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    return_count = fields.Integer(compute="_compute_counts", store=True)
    noc_count = fields.Integer(
        string="Notifications of Change", compute="_compute_counts", store=True
    )
    problem_count = fields.Integer(
        string="Unmatched or Duplicate", compute="_compute_counts", store=True
    )
    amount_returned = fields.Monetary(compute="_compute_counts", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "checksum_company_uniq",
            "unique(checksum, company_id)",
            "This return file has already been imported.",
        ),
    ]

    @api.depends("line_ids.state", "line_ids.kind", "line_ids.amount")
    def _compute_counts(self):
        for ret in self:
            done = ret.line_ids.filtered(lambda ln: ln.state == "done")
            returns = done.filtered(lambda ln: ln.kind == "return")
            ret.return_count = len(returns)
            ret.noc_count = len(done) - len(returns)
            ret.problem_count = len(ret.line_ids) - len(done)
            ret.amount_returned = sum(returns.mapped("amount"))

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            ("checksum", "state", "line_ids"),
            "utility.ach.return",
            defaults={"state": "draft"},
            message=self.env._(
                "Return files are imported with ACH > Import ACH Return File."
            ),
        )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("utility.ach.return")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, RETURN_FIELDS, "utility.ach.return")
        check_protected_write(
            self.filtered(lambda r: r.state != "draft"),
            vals,
            ("date",),
            "utility.ach.return",
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for ret in self:
            if ret.state != "draft":
                raise UserError(
                    self.env._(
                        "Return file %(name)s has been processed: it is kept.",
                        name=ret.name,
                    )
                )

    # ------------------------------------------------------------
    # Import
    # ------------------------------------------------------------

    @api.model
    def _import_file(self, content, file_name, date=None, company=None):
        """Create the return of ``content`` (bytes) and process it; refuse a
        file already imported (same SHA-256) in the company.

        A CSR II of the company imports; the reversals, fees, notices and
        mandate changes are then made as superuser (the user stays their
        author), inside the doors of the records they change."""
        company = company or self.env.company
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Only a Customer Service Representative II imports ACH return files."
            ),
        )
        if company not in self.env.companies:
            raise UserError(
                self.env._(
                    "You do not work in %(company)s: its return files are imported "
                    "by its own staff.",
                    company=company.name,
                )
            )
        with workflow("utility.ach.return", "utility.ach.batch", "utility.ach.mandate"):
            ret = self.sudo()._import_content(content, file_name, date, company)
        return ret.with_env(self.env)

    @api.model
    def _import_content(self, content, file_name, date, company):
        checksum = hashlib.sha256(content).hexdigest()
        previous = self.search(
            [("checksum", "=", checksum), ("company_id", "=", company.id)], limit=1
        )
        if previous:
            raise UserError(
                self.env._(
                    "This file was already imported on %(date)s as %(name)s: "
                    "nothing was changed.",
                    date=previous.date,
                    name=previous.name,
                )
            )
        is_csv = (file_name or "").lower().endswith(".csv")
        ret = self.create(
            {
                "file_name": file_name,
                "file_data": base64.b64encode(content),
                "file_type": "csv" if is_csv else "nacha",
                "checksum": checksum,
                "date": date or fields.Date.context_today(self),
                "company_id": company.id,
            }
        )
        ret._process(content)
        return ret

    def _parse(self, content):
        """ReturnItems of the file; raise a UserError naming the line."""
        self.ensure_one()
        try:
            if self.file_type == "csv":
                return nacha.parse_return_csv(content)
            items = nacha.parse_returns(content)
        except nacha.NachaError as exc:
            raise UserError(
                self.env._(
                    "%(file)s is not a readable return file: %(error)s",
                    file=self.file_name,
                    error=exc,
                )
            ) from exc
        ours = self.company_id.ach_company_identification
        others = {i.company_identification for i in items} - {ours}
        if items and others and ours:
            raise UserError(
                self.env._(
                    "%(file)s returns entries of ACH company %(others)s, not of "
                    "%(company)s (company identification %(ours)s).",
                    file=self.file_name,
                    others=", ".join(sorted(others)),
                    company=self.company_id.name,
                    ours=ours,
                )
            )
        return items

    def _process(self, content):
        """Read, match and process the lines of the file."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._("Return file %(name)s is already processed.", name=self.name)
            )
        items = self._parse(content)
        BatchLine = self.env["utility.ach.batch.line"]
        entries = BatchLine.search(
            [
                ("company_id", "=", self.company_id.id),
                ("trace_number", "in", [i.original_trace for i in items]),
                ("state", "=", "sent"),
            ],
            order="id desc",
        )
        by_trace = {}
        for entry in entries:
            by_trace.setdefault(entry.trace_number, entry)
        Line = self.env["utility.ach.return.line"]
        seen = {}
        for item in items:
            vals = self._prepare_line_vals(item)
            entry = by_trace.get(item.original_trace)
            # An entry is returned once; it may get several changes.
            key = (item.kind, item.original_trace)
            if item.kind == "noc":
                key += (item.code,)
            if not entry:
                state = "unmatched"
                reason = self.env._(
                    "No ACH entry of %(company)s has trace number %(trace)s.",
                    company=self.company_id.name,
                    trace=item.original_trace,
                )
            elif key in seen:
                state = "duplicate"
                reason = self.env._(
                    "Already in this file (line %(line)s).", line=seen[key]
                )
            else:
                state, reason = self._check_entry(item, entry)
            seen.setdefault(key, item.line)
            vals.update(
                state=state,
                message=reason,
                batch_line_id=entry.id if entry else False,
                mandate_id=entry.mandate_id.id if entry else False,
            )
            line = Line.create(vals)
            if state == "matched":
                line._process_or_mark()
        self.state = "done"
        self.message_post(
            body=self.env._(
                "Processed: %(returns)s returns (%(amount)s), %(nocs)s notifications "
                "of change, %(problems)s lines unmatched or duplicate.",
                returns=self.return_count,
                amount=self.currency_id.format(self.amount_returned),
                nocs=self.noc_count,
                problems=self.problem_count,
            )
        )

    def _prepare_line_vals(self, item):
        self.ensure_one()
        if item.kind == "return":
            reason = nacha.RETURN_REASONS.get(item.code, ("",))[0]
        else:
            reason = nacha.CHANGE_REASONS.get(item.code, ("",))[0]
        return {
            "return_id": self.id,
            "line_number": item.line,
            "kind": item.kind,
            "code": item.code,
            "reason": reason,
            "trace_number": item.original_trace,
            "amount": item.amount / 100.0,
            "corrected_data": item.corrected_data or False,
            "company_id": self.company_id.id,
        }

    def _check_entry(self, item, entry):
        """('matched', '') when the entry can take this return or change, else
        the state and reason of the line."""
        done = self.env["utility.ach.return.line"].search(
            [
                ("batch_line_id", "=", entry.id),
                ("state", "=", "done"),
                ("kind", "=", item.kind),
            ]
            + ([("code", "=", item.code)] if item.kind == "noc" else []),
            limit=1,
        )
        if done:
            return "duplicate", self.env._(
                "Already processed by %(file)s of %(date)s.",
                file=done.return_id.name,
                date=done.return_id.date,
            )
        if item.kind == "return":
            if item.code not in nacha.RETURN_REASONS:
                return "error", self.env._(
                    "Unknown return reason code %(code)s.", code=item.code
                )
            expected = 0 if entry.kind == "prenote" else nacha.to_cents(entry.amount)
            if item.amount != expected:
                return "error", self.env._(
                    "Returned amount %(amount)s differs from the entry's %(entry)s.",
                    amount=self.currency_id.format(item.amount / 100.0),
                    entry=self.currency_id.format(expected / 100.0),
                )
        elif item.code not in nacha.CHANGE_REASONS:
            return "error", self.env._(
                "Unknown or refused change code %(code)s.", code=item.code
            )
        return "matched", ""
