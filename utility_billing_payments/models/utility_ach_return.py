# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

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
RETURN_LINE_FIELDS = (
    "return_id",
    "line_number",
    "kind",
    "code",
    "reason",
    "trace_number",
    "amount",
    "corrected_data",
    "state",
    "message",
    "batch_line_id",
    "mandate_id",
    "reversal_move_id",
    "fee_move_id",
    "notice_id",
    "company_id",
    "represent_state",
    "represent_until",
    "represent_note",
    "fee_entry_state",
    "fee_entry_from",
)
# NACHA: an entry returned R01 or R09 may be presented again at most twice
# (three presentments in all) within 180 days of the settlement date of the
# original entry; a return fee entry only for these codes
# (docs/domain-rules.md §3.4).
REINITIATION_CODES = ("R01", "R09")
REINITIATION_DAYS = 180
MAX_PRESENTMENTS = 3


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


class UtilityAchReturnLine(models.Model):
    """One line of a return file: a returned entry or a notification of
    change, and what was done about it."""

    _name = "utility.ach.return.line"
    _description = "ACH Return Line"
    _order = "return_id desc, line_number, id"
    _check_company_auto = True

    return_id = fields.Many2one(
        "utility.ach.return",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    date = fields.Date(related="return_id.date", store=True)
    line_number = fields.Integer(aggregator=None, string="Line")
    kind = fields.Selection(
        [("return", "Return"), ("noc", "Notification of Change")], required=True
    )
    code = fields.Char(required=True)
    reason = fields.Char()
    trace_number = fields.Char(string="Original Trace", index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary()
    corrected_data = fields.Char(groups="utility_billing.group_csr_2")
    state = fields.Selection(
        [
            ("matched", "Matched"),
            ("done", "Processed"),
            ("unmatched", "Unmatched"),
            ("duplicate", "Duplicate"),
            ("error", "Error"),
        ],
        required=True,
        default="matched",
        index=True,
    )
    message = fields.Char(string="Result")
    batch_line_id = fields.Many2one(
        "utility.ach.batch.line", string="ACH Entry", index="btree_not_null"
    )
    batch_id = fields.Many2one(related="batch_line_id.batch_id", store=True)
    mandate_id = fields.Many2one(
        "utility.ach.mandate", index="btree_not_null", check_company=True
    )
    account_id = fields.Many2one(
        related="batch_line_id.account_id", store=True, string="Account"
    )
    payment_id = fields.Many2one(related="batch_line_id.payment_id")
    reversal_move_id = fields.Many2one("account.move", readonly=True, copy=False)
    fee_move_id = fields.Many2one(
        "account.move", string="Fee Invoice", readonly=True, copy=False
    )
    notice_id = fields.Many2one("utility.notice", readonly=True, copy=False)
    represent_state = fields.Selection(
        [
            ("pending", "To Re-present"),
            ("sent", "Re-presented"),
            ("refused", "Not Re-presented"),
        ],
        string="Re-presentment",
        readonly=True,
        copy=False,
        help="NACHA re-initiation of the returned entry: R01 and R09 only, at most "
        "twice, within 180 days of the original entry's settlement date.",
    )
    represent_until = fields.Date(
        string="Re-present Until",
        readonly=True,
        copy=False,
        help="180 days after the settlement date of the original entry.",
    )
    represent_note = fields.Char(string="Re-presentment Note", readonly=True)
    fee_entry_state = fields.Selection(
        [
            ("pending", "To Debit"),
            ("sent", "Debited"),
            ("paid", "Paid Otherwise"),
        ],
        string="Return Fee Entry",
        readonly=True,
        copy=False,
        help="The fee debited by its own RETURN FEE entry, in a file settling "
        "after the notice period, when the mandate authorizes return fees.",
    )
    fee_entry_from = fields.Date(
        string="Fee Debit From",
        readonly=True,
        copy=False,
        help="First settlement date of the RETURN FEE entry: the notice date "
        "plus the company's notice days.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            RETURN_LINE_FIELDS,
            "utility.ach.return",
            message=self.env._("Return lines are read from the bank's return file."),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, RETURN_LINE_FIELDS, "utility.ach.return")
        return super().write(vals)

    def _process(self):
        self.ensure_one()
        if self.kind == "return":
            self._process_return()
        else:
            self._process_change()

    def _process_or_mark(self):
        """Process the line; a business error on this entry (a correction the
        mandate refuses, a fee that cannot be charged...) undoes what was done
        for it and marks it in error with the reason, and the rest of the file
        is processed."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._process()
        except (UserError, ValidationError, nacha.NachaError) as exc:
            _logger.info(
                "ACH return %s, line %s not processed: %s",
                self.return_id.name,
                self.line_number,
                exc,
            )
            self.env.invalidate_all()
            self.write(
                {
                    "state": "error",
                    "message": self.env._(
                        "Not processed: %(error)s",
                        error=exc.args[0] if exc.args else exc,
                    ),
                }
            )

    # ------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------

    def _process_return(self):
        entry = self.batch_line_id
        account = entry.account_id
        done = []
        if entry.kind != "prenote" and entry.payment_id:
            # What the payment paid (the open balance may have taken bills
            # not due yet): what its re-presentment collects again.
            paid = entry.payment_id.move_id.line_ids.filtered(
                lambda ml: ml.account_id.account_type == "asset_receivable"
            ).matched_debit_ids.debit_move_id.move_id
            if paid and entry.kind != "fee":
                entry.bill_ids = [Command.set(paid.ids)]
            self.reversal_move_id = self._reverse_payment()
            done.append(
                self.env._(
                    "payment %(payment)s of %(amount)s reversed",
                    payment=entry.payment_id.name,
                    amount=self.currency_id.format(entry.amount),
                )
            )
            # One fee per returned item: a re-presentment or a return fee
            # entry returned again charges none.
            if nacha.RETURN_REASONS[self.code][2] and entry.kind == "debit":
                self.fee_move_id = self._charge_fee()
                if self.fee_move_id:
                    done.append(
                        self.env._(
                            "fee %(fee)s charged (%(amount)s)",
                            fee=self.fee_move_id.name,
                            amount=self.currency_id.format(
                                self.fee_move_id.amount_total
                            ),
                        )
                    )
        entry.write({"returned": True, "return_line_id": self.id})
        self.state = "done"
        mandate_text = entry.mandate_id._apply_return(self)
        if mandate_text:
            done.append(mandate_text)
        if entry.kind in ("debit", "represent"):
            done.append(self._plan_representment())
        self.notice_id = self._send_notice()
        if self.fee_move_id and self.code in REINITIATION_CODES:
            done.append(self._plan_fee_entry())
        self.message = "; ".join(done)
        body = self.env._(
            "ACH %(kind)s of %(date)s returned by the bank: %(code)s %(reason)s "
            "(bank account %(bank)s, file %(file)s). %(done)s",
            kind=self.env._("prenote")
            if entry.kind == "prenote"
            else self.env._("debit"),
            date=entry.batch_id.effective_date,
            code=self.code,
            reason=self.reason,
            bank=entry.mandate_id.bank_account_masked,
            file=self.return_id.name,
            done="; ".join(done),
        )
        account.message_post(body=body)

    def _plan_representment(self):
        """Decide whether the returned entry is presented again (NACHA
        re-initiation): R01 and R09 only, at most two re-presentments, within
        180 days of the original entry's settlement date, on a mandate still
        active. Return the text saying it."""
        entry = self.batch_line_id
        original = entry.original_line_id or entry
        until = original.batch_id.effective_date + timedelta(days=REINITIATION_DAYS)
        presentments = 1 + len(
            original.represent_line_ids.filtered(lambda ln: ln.state == "sent")
        )
        if self.code not in REINITIATION_CODES:
            note = self.env._(
                "Not re-presented: NACHA allows re-initiation of R01 and R09 returns "
                "only; %(code)s needs its cause fixed or a new authorization.",
                code=self.code,
            )
        elif presentments >= MAX_PRESENTMENTS:
            note = self.env._(
                "Not re-presented: presented %(count)s times already (the original "
                "entry and two re-presentments, the NACHA limit).",
                count=presentments,
            )
        elif self.return_id.date > until:
            note = self.env._(
                "Not re-presented: more than 180 days since the original entry "
                "settled on %(date)s.",
                date=original.batch_id.effective_date,
            )
        elif entry.mandate_id.state != "active":
            note = self.env._(
                "Not re-presented: the autopay mandate is no longer active."
            )
        else:
            self.write(
                {
                    "represent_state": "pending",
                    "represent_until": until,
                    "represent_note": self.env._(
                        "To be re-presented (RETRY PYMT) by the next ACH file "
                        "settling by %(date)s (presentment %(number)s of 3).",
                        date=until,
                        number=presentments + 1,
                    ),
                }
            )
            return self.represent_note
        self.write(
            {
                "represent_state": "refused",
                "represent_until": until,
                "represent_note": note,
            }
        )
        return note

    def _plan_fee_entry(self):
        """The fee's own RETURN FEE entry, after notice: in a file settling at
        least the company's notice days after the notice, only when the mandate
        authorizes return fee debits. Return the text saying it."""
        mandate = self.batch_line_id.mandate_id
        if not mandate.return_fee_authorized:
            return self.env._(
                "The fee is not debited by ACH: the mandate does not authorize "
                "return fees."
            )
        start = self.return_id.date + timedelta(
            days=max(self.company_id.ach_return_fee_notice_days, 1)
        )
        self.write({"fee_entry_state": "pending", "fee_entry_from": start})
        return self.env._(
            "The fee will be debited by its own RETURN FEE entry settling on or "
            "after %(date)s.",
            date=start,
        )

    def _reverse_payment(self):
        """Reverse the entry's payment: its receivable line is unreconciled
        from the bills, which reopen, and reconciled with the reversal."""
        payment = self.batch_line_id.payment_id
        move = payment.move_id
        reversal = move._reverse_moves(
            [
                {
                    "date": max(self.return_id.date, move.date),
                    "ref": self.env._(
                        "ACH return %(code)s of %(payment)s",
                        code=self.code,
                        payment=payment.name,
                    ),
                    "utility_account_id": move.utility_account_id.id,
                    "utility_payment_source": "ach",
                }
            ],
            cancel=True,
        )
        payment.action_reject()
        return reversal

    def _charge_fee(self):
        """The returned-payment fee, a posted invoice on the utility account."""
        account = self.account_id
        company = self.company_id
        product = company.ach_return_fee_product_id or self.env.ref(
            "utility_billing_payments.product_ach_return_fee",
            raise_if_not_found=False,
        )
        if not product or product.company_id and product.company_id != company:
            return self.env["account.move"]
        price = account._utility_returned_payment_fee(exclude=self)
        if self.currency_id.is_zero(price):
            return self.env["account.move"]
        journal = company._get_utility_journal()
        fee = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "journal_id": journal.id,
                "invoice_date": self.return_id.date,
                "date": self.return_id.date,
                "invoice_date_due": self.return_id.date,
                "utility_account_id": account.id,
                "invoice_origin": self.return_id.name,
                "payment_reference": account.name,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": self.env._(
                                "Returned autopay payment fee (%(code)s %(reason)s)",
                                code=self.code,
                                reason=self.reason,
                            ),
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [
                                Command.set(
                                    product.taxes_id.filtered(
                                        lambda t: t.company_id == company
                                    ).ids
                                )
                            ],
                        }
                    )
                ],
            }
        )
        fee._post(soft=False)
        return fee

    def _send_notice(self):
        account = self.account_id
        notice = self.env["utility.notice"].create(
            {
                "account_id": account.id,
                "kind": "ach_return",
                "ach_return_line_id": self.id,
                "amount_due": max(account.balance, 0.0),
                "company_id": self.company_id.id,
            }
        )
        notice.action_send()
        return notice

    # ------------------------------------------------------------
    # Notifications of change
    # ------------------------------------------------------------

    def _process_change(self):
        mandate = self.mandate_id
        data = self.sudo().corrected_data
        if not data:
            self.write(
                {
                    "state": "error",
                    "message": self.env._(
                        "No corrected data: import the bank's NACHA file to apply "
                        "this notification of change."
                    ),
                }
            )
            return
        try:
            corrected = nacha.parse_corrected_data(self.code, data)
        except nacha.NachaError as exc:
            self.write({"state": "error", "message": str(exc.reason)})
            return
        if not corrected:
            self.write(
                {
                    "state": "done",
                    "message": self.env._(
                        "%(code)s concerns the company's ACH settings, not the "
                        "mandate: check them with the bank.",
                        code=self.code,
                    ),
                }
            )
            return
        changed = mandate._apply_change(self.code, corrected)
        labels = {
            "routing_number": self.env._("routing number"),
            "bank_account_number": self.env._("account number"),
            "holder_name": self.env._("account holder"),
            "bank_account_type": self.env._("account type"),
        }
        text = (
            self.env._(
                "Mandate corrected: %(fields)s.",
                fields=", ".join(labels[f] for f in changed),
            )
            if changed
            else self.env._("The mandate already had the corrected data.")
        )
        self.write({"state": "done", "message": text})
        mandate.message_post(
            body=self.env._(
                "Notification of change %(code)s (%(reason)s) from %(file)s: %(text)s",
                code=self.code,
                reason=self.reason,
                file=self.return_id.name,
                text=text,
            )
        )
