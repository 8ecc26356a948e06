# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.utility_billing.tools import numbering
from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools import nacha
from ..tools.controls import (
    check_company,
    check_protected_create,
    check_protected_write,
    check_role,
)

# Entries posted at a time when a file is generated: payments created, their
# entries created and posted, and reconciled with the bills, in one go each.
POST_CHUNK = 500
# Door "utility.ach.batch": what the batch's buttons write.
BATCH_WORKFLOW_FIELDS = (
    "state",
    "journal_id",
    "file_data",
    "file_name",
    "file_id_modifier",
    "file_creation",
    "file_checksum",
    "generated_by_id",
    "settlement_move_id",
    "line_ids",
)
BATCH_DRAFT_FIELDS = ("effective_date", "company_id", "excluded_mandate_ids")
LINE_FIELDS = (
    "batch_id",
    "mandate_id",
    "kind",
    "transaction_code",
    "amount",
    "bill_ids",
    "trace_number",
    "state",
    "returned",
    "return_line_id",
    "payment_id",
    "company_id",
    "source_return_line_id",
    "original_line_id",
)
# Company Entry Description of the batches of re-presented entries and of
# return fee entries (NACHA; docs/domain-rules.md §3.4).
REPRESENT_DESCRIPTION = "RETRY PYMT"
RETURN_FEE_DESCRIPTION = "RETURN FEE"
# Entries that debit money (all but prenotes).
MONEY_KINDS = ("debit", "represent", "fee")


class UtilityAchBatch(models.Model):
    """One NACHA debit file of autopay entries for a settlement date.

    Draft: *Compute Entries* lists the active mandates whose account has bills
    due by the settlement date (and the prenotes to send); entries can be
    removed. *Generate File* writes the file and posts one payment per debit
    in the ACH clearing account, applied to the bills oldest first. *Mark
    Settled* when the bank has settled it; *Cancel* before that reverses the
    payments (the bills reopen).
    """

    _name = "utility.ach.batch"
    _description = "ACH Debit Batch"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "effective_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    effective_date = fields.Date(
        string="Settlement Date",
        required=True,
        default=lambda self: self.env.company._ach_next_banking_day(
            self.env.company._utility_today() + timedelta(days=1)
        ),
        tracking=True,
        help="Effective entry date of the file: the banking day the customers' "
        "accounts are debited.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("generated", "Generated"),
            ("settled", "Settled"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    line_ids = fields.One2many(
        "utility.ach.batch.line", "batch_id", string="Entries", copy=False
    )
    excluded_mandate_ids = fields.Many2many(
        "utility.ach.mandate",
        string="Removed Mandates",
        copy=False,
        help="Mandates whose entry was removed from this batch: computing the "
        "entries again leaves them out.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="ACH Journal",
        readonly=True,
        copy=False,
        check_company=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    debit_count = fields.Integer(compute="_compute_totals", store=True)
    prenote_count = fields.Integer(compute="_compute_totals", store=True)
    amount_total = fields.Monetary(
        string="Total Debits", compute="_compute_totals", store=True
    )
    returned_count = fields.Integer(compute="_compute_totals", store=True)
    # In the batch's own column, not an attachment: Odoo 18 checks the field's
    # groups when the field is read, not when an attachment is read by id.
    file_data = fields.Binary(
        string="NACHA File",
        attachment=False,
        copy=False,
        readonly=True,
        groups="utility_billing.group_csr_2",
    )
    file_name = fields.Char(readonly=True, copy=False)
    file_id_modifier = fields.Char(readonly=True, copy=False, tracking=True)
    file_creation = fields.Datetime(readonly=True, copy=False)
    file_checksum = fields.Char(
        readonly=True, copy=False, help="SHA-256 of the file generated."
    )
    generated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    settlement_move_id = fields.Many2one(
        "account.move", readonly=True, copy=False, check_company=True
    )
    payment_count = fields.Integer(compute="_compute_payment_count")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends(
        "line_ids.amount", "line_ids.kind", "line_ids.state", "line_ids.returned"
    )
    def _compute_totals(self):
        for batch in self:
            lines = batch.line_ids.filtered(lambda ln: ln.state != "cancelled")
            debits = lines.filtered(lambda ln: ln.kind in MONEY_KINDS)
            batch.debit_count = len(debits)
            batch.prenote_count = len(lines) - len(debits)
            batch.amount_total = sum(debits.mapped("amount"))
            batch.returned_count = len(lines.filtered(lambda ln: ln.returned))

    def _compute_payment_count(self):
        groups = self.env["utility.ach.batch.line"]._read_group(
            [("batch_id", "in", self.ids), ("payment_id", "!=", False)],
            ["batch_id"],
            ["__count"],
        )
        counts = {batch.id: count for batch, count in groups}
        for batch in self:
            batch.payment_count = counts.get(batch.id, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            BATCH_WORKFLOW_FIELDS,
            "utility.ach.batch",
            defaults={"state": "draft"},
            message=self.env._(
                "An ACH batch is created as a draft; Compute Entries lists its "
                "entries and Generate File writes its file."
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
                    .next_by_code("utility.ach.batch")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self,
            vals,
            BATCH_WORKFLOW_FIELDS,
            "utility.ach.batch",
            message=self.env._(
                "ACH batch: its entries, file and status change through its "
                "buttons only (Compute Entries, Generate File, Mark Settled, "
                "Cancel)."
            ),
        )
        check_protected_write(
            self.filtered(lambda b: b.state != "draft"),
            vals,
            BATCH_DRAFT_FIELDS,
            "utility.ach.batch",
        )
        return super().write(vals)

    def _check_csr2(self):
        """The batch's buttons: a CSR II of the batch's company. The work is
        then done as superuser (payments, reconciliation, the file), the user
        staying its author."""
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Only a Customer Service Representative II works on ACH batches."
            ),
        )
        self.check_access("write")
        check_company(self)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for batch in self:
            if batch.state != "draft" or batch.file_id_modifier:
                raise UserError(
                    self.env._(
                        "ACH batch %(batch)s has had a file: it is kept.",
                        batch=batch.name,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_compute(self):
        """List the entries: the debits of the active mandates whose account
        has bills due by the settlement date, and the prenotes to send."""
        self._check_csr2()
        with workflow("utility.ach.batch"):
            return self.sudo()._compute_entries()

    def _compute_entries(self):
        for batch in self:
            batch._check_draft()
            batch._lock_company()
            self.env["utility.ach.mandate"]._activate_prenoted(
                batch.effective_date, batch.company_id
            )
            skipped = batch._compute_debit_lines()
            skipped += batch._add_represent_lines()
            skipped += batch._add_fee_lines()
            batch._add_prenote_lines()
            body = self.env._(
                "Entries computed: %(debits)s debits (%(amount)s), %(prenotes)s "
                "prenotes.",
                debits=batch.debit_count,
                amount=batch.currency_id.format(batch.amount_total),
                prenotes=batch.prenote_count,
            )
            if skipped:
                body += " " + self.env._(
                    "Left out: %(skipped)s.", skipped="; ".join(skipped[:20])
                )
                if len(skipped) > 20:
                    body += " " + self.env._(
                        "(%(count)s more)", count=len(skipped) - 20
                    )
            batch.message_post(body=body)
        return True

    def action_generate(self):
        """Write the NACHA file and post the payments of its debits."""
        self._check_csr2()
        with workflow("utility.ach.batch"):
            for batch in self.sudo():
                batch._generate()
        return True

    def action_settle(self):
        self._check_csr2()
        with workflow("utility.ach.batch"):
            return self.sudo()._settle()

    def _settle(self):
        for batch in self:
            if batch.state != "generated":
                raise UserError(
                    self.env._(
                        "ACH batch %(batch)s is not generated.", batch=batch.name
                    )
                )
            batch._post_settlement()
            payments = batch.line_ids.filtered(
                lambda ln: ln.payment_id and not ln.returned
            ).payment_id
            payments.filtered(lambda p: p.state == "in_process").action_validate()
            batch.state = "settled"
        return True

    def action_cancel(self):
        """Cancel a draft batch, or a generated one whose file the bank did not
        process: its payments are reversed and the bills reopen."""
        self._check_csr2()
        with workflow("utility.ach.batch"):
            return self.sudo()._cancel()

    def _cancel(self):
        for batch in self:
            if batch.state not in ("draft", "generated"):
                raise UserError(
                    self.env._(
                        "ACH batch %(batch)s is %(state)s: only draft and generated "
                        "batches can be cancelled.",
                        batch=batch.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[batch.state],
                    )
                )
            if batch.returned_count:
                raise UserError(
                    self.env._(
                        "ACH batch %(batch)s has returned entries: the bank "
                        "processed its file, it cannot be cancelled.",
                        batch=batch.name,
                    )
                )
            if batch.state == "generated":
                batch._reverse_payments()
                prenotes = batch.line_ids.filtered(lambda ln: ln.kind == "prenote")
                prenotes.mandate_id._prenote_cancelled(batch)
                batch.line_ids.write({"state": "cancelled"})
                batch.line_ids._mark_return_lines("pending")
                batch.message_post(
                    body=self.env._(
                        "File %(file)s (modifier %(modifier)s) cancelled: its "
                        "payments are reversed.",
                        file=batch.file_name,
                        modifier=batch.file_id_modifier,
                    )
                )
            batch.state = "cancelled"
        return True

    def action_new_batch(self):
        """A new draft batch for the settlement date of this cancelled one, its
        entries computed, to generate a new file (the next file id modifier,
        new trace numbers); the cancelled batch keeps its file and history."""
        self.ensure_one()
        self._check_csr2()
        if self.state != "cancelled":
            raise UserError(
                self.env._("ACH batch %(batch)s is not cancelled.", batch=self.name)
            )
        batch = self.create(
            {
                "effective_date": self.effective_date,
                "company_id": self.company_id.id,
                "excluded_mandate_ids": [Command.set(self.excluded_mandate_ids.ids)],
            }
        )
        batch.action_compute()
        batch.message_post(
            body=self.env._("Replaces cancelled batch %(batch)s.", batch=self.name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": batch.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_download(self):
        self.ensure_one()
        if not self.file_name:
            raise UserError(
                self.env._("ACH batch %(batch)s has no file yet.", batch=self.name)
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file_data/"
            f"{self.file_name}?download=true",
            "target": "self",
        }

    def action_view_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_account_payments"
        )
        action["domain"] = [("id", "in", self.line_ids.payment_id.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # Compute entries
    # ------------------------------------------------------------

    def _check_draft(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._("ACH batch %(batch)s is not a draft.", batch=self.name)
            )

    def _lock_company(self):
        """Serialize the ACH batches of the company: entries are computed and
        files generated one transaction at a time. The company row is updated
        (not only locked): under PostgreSQL's repeatable read, the second
        transaction then fails with a serialization error and is retried with a
        fresh snapshot, where it sees the entries of the first (a bill is in one
        open batch only)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET write_date = write_date WHERE id = %s",
                self.company_id.id,
            )
        )

    def _get_debit_mandates(self):
        """Active mandates of the batch's company, not removed from it."""
        self.ensure_one()
        return self.env["utility.ach.mandate"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "active"),
                ("active_from", "<=", self.effective_date),
                ("id", "not in", self.excluded_mandate_ids.ids),
            ],
            order="id",
        )

    def _open_receivables(self, accounts):
        """{account id: open receivable lines (debits and credits)} of posted
        entries, oldest due first."""
        lines = self.env["account.move.line"].search(
            [
                ("utility_account_id", "in", accounts.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ],
            order="date_maturity, date, id",
        )
        lines.fetch(
            [
                "utility_account_id",
                "amount_residual",
                "date_maturity",
                "move_id",
                "account_id",
            ]
        )
        by_account = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            by_account[line.utility_account_id.id] |= line
        return by_account

    def _prepare_debit_amount(self, open_lines):
        """(amount to debit, bills due) of an account from its open receivable
        lines, per the company's setting; amount <= 0: nothing to debit."""
        self.ensure_one()
        due = open_lines.filtered(
            lambda ln: (
                ln.amount_residual > 0
                and (ln.date_maturity or ln.date) <= self.effective_date
            )
        )
        if not due:
            return 0.0, due.move_id
        balance = sum(open_lines.mapped("amount_residual"))
        if self.company_id.ach_debit_amount_mode == "bill_amount":
            amount = min(sum(due.mapped("amount_residual")), balance)
        else:
            amount = balance
        return self.currency_id.round(amount), due.move_id

    def _compute_debit_lines(self):
        """Create or update the debit lines; return why mandates were left out."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        mandates = self._get_debit_mandates()
        open_by_account = self._open_receivables(mandates.account_id)
        existing = {
            line.mandate_id.id: line
            for line in self.line_ids.filtered(lambda ln: ln.kind == "debit")
        }
        held = self._held_receivables(mandates.account_id)
        # Bills already in another batch not cancelled, not returned.
        busy = Line.search(
            [
                ("batch_id", "!=", self.id),
                ("batch_id.state", "in", ("draft", "generated")),
                ("kind", "=", "debit"),
                ("state", "!=", "cancelled"),
                ("returned", "=", False),
                ("account_id", "in", mandates.account_id.ids),
            ]
        )
        busy_bills = defaultdict(set)
        for line in busy:
            busy_bills[line.account_id.id].update(line.bill_ids.ids)
        skipped, vals_list = [], []
        for mandate in mandates:
            account = mandate.account_id
            amount, bills = self._prepare_debit_amount(
                open_by_account.get(account.id, self.env["account.move.line"]) - held
            )
            line = existing.get(mandate.id)
            if amount <= 0 or (bills and set(bills.ids) & busy_bills[account.id]):
                if amount > 0:
                    skipped.append(
                        self.env._(
                            "%(account)s (bills already in another batch)",
                            account=account.name,
                        )
                    )
                if line and line.kind == "debit":
                    line.unlink()
                continue
            if mandate.max_amount and amount > mandate.max_amount:
                skipped.append(
                    self.env._(
                        "%(account)s (%(amount)s above the authorized maximum)",
                        account=account.name,
                        amount=self.currency_id.format(amount),
                    )
                )
                if line:
                    line.unlink()
                continue
            if line:
                line.write({"amount": amount, "bill_ids": [Command.set(bills.ids)]})
                continue
            vals_list.append(self._prepare_line_vals(mandate, "debit", amount, bills))
        Line.create(vals_list)
        return skipped

    def _held_receivables(self, accounts):
        """Open receivable lines no regular debit takes: the bills of entries
        returned R01/R09 (collected by their re-presentments only, NACHA
        re-initiation) and the returned payment fees (collected by their own
        RETURN FEE entry only, or paid another way)."""
        returns = self.env["utility.ach.return.line"].search(
            [
                ("account_id", "in", accounts.ids),
                ("kind", "=", "return"),
                ("state", "=", "done"),
            ]
        )
        moves = (
            returns.fee_move_id
            | returns.filtered(
                lambda r: r.code in ("R01", "R09")
            ).batch_line_id.bill_ids
        )
        return moves.line_ids.filtered(
            lambda ml: (
                ml.account_id.account_type == "asset_receivable" and not ml.reconciled
            )
        )

    def _add_represent_lines(self):
        """Re-present the entries returned R01/R09 waiting for it (NACHA
        re-initiation): same amount, bills and mandate as the returned entry,
        in a batch of their own described RETRY PYMT. One past its 180 days is
        refused with the reason on its return line. Return why entries were
        left out."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        returns = self.env["utility.ach.return.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("represent_state", "=", "pending"),
                ("mandate_id", "not in", self.excluded_mandate_ids.ids),
            ],
            order="id",
        )
        planned = Line.search(
            [
                ("source_return_line_id", "in", returns.ids),
                ("kind", "=", "represent"),
                ("state", "!=", "cancelled"),
                ("batch_id.state", "in", ("draft", "generated", "settled")),
            ]
        )
        returns -= planned.source_return_line_id
        busy = set(
            self.line_ids.filtered(lambda ln: ln.kind == "represent").mandate_id.ids
        )
        skipped, vals_list = [], []
        for ret in returns:
            entry = ret.batch_line_id
            if self.effective_date > ret.represent_until:
                with workflow("utility.ach.return"):
                    ret.write(
                        {
                            "represent_state": "refused",
                            "represent_note": self.env._(
                                "Not re-presented: more than 180 days since the "
                                "original entry settled (last day %(date)s).",
                                date=ret.represent_until,
                            ),
                        }
                    )
                continue
            if ret.mandate_id.state != "active" or ret.mandate_id.id in busy:
                skipped.append(
                    self.env._(
                        "%(account)s (re-presentment waits: mandate not active or "
                        "already re-presented in this batch)",
                        account=ret.account_id.name,
                    )
                )
                continue
            busy.add(ret.mandate_id.id)
            vals = self._prepare_line_vals(
                ret.mandate_id, "represent", entry.amount, entry.bill_ids
            )
            vals.update(
                source_return_line_id=ret.id,
                original_line_id=(entry.original_line_id or entry).id,
            )
            vals_list.append(vals)
        Line.create(vals_list)
        return skipped

    def _add_fee_lines(self):
        """The RETURN FEE entries due: fees of R01/R09 returns whose mandate
        authorizes them, once the notice period is over (``fee_entry_from``),
        the returned entry no longer waiting for its re-presentment, each fee
        still fully open. Return why entries were left out."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        returns = self.env["utility.ach.return.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("fee_entry_state", "=", "pending"),
                ("fee_entry_from", "<=", self.effective_date),
                ("mandate_id", "not in", self.excluded_mandate_ids.ids),
            ],
            order="id",
        )
        planned = Line.search(
            [
                ("source_return_line_id", "in", returns.ids),
                ("kind", "=", "fee"),
                ("state", "!=", "cancelled"),
                ("batch_id.state", "in", ("draft", "generated", "settled")),
            ]
        )
        returns -= planned.source_return_line_id
        busy = set(self.line_ids.filtered(lambda ln: ln.kind == "fee").mandate_id.ids)
        represented = self.line_ids.filtered(
            lambda ln: ln.kind == "represent"
        ).source_return_line_id
        skipped, vals_list = [], []
        for ret in returns:
            fee = ret.fee_move_id
            if fee.payment_state in ("paid", "in_payment", "reversed"):
                with workflow("utility.ach.return"):
                    ret.fee_entry_state = "paid"
                continue
            if (
                ret.represent_state == "pending"
                or ret in represented
                or ret.mandate_id.state != "active"
                or ret.mandate_id.id in busy
                or self.currency_id.compare_amounts(
                    fee.amount_residual, fee.amount_total
                )
            ):
                skipped.append(
                    self.env._(
                        "%(account)s (return fee entry waits)",
                        account=ret.account_id.name,
                    )
                )
                continue
            busy.add(ret.mandate_id.id)
            vals = self._prepare_line_vals(ret.mandate_id, "fee", fee.amount_total, fee)
            vals["source_return_line_id"] = ret.id
            vals_list.append(vals)
        Line.create(vals_list)
        return skipped

    def _add_prenote_lines(self):
        """Prenote lines of the mandates waiting for one and in no other batch
        (not cancelled); return them."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        mandates = self.env["utility.ach.mandate"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "pending_prenote"),
                ("prenote_date", "=", False),
                ("id", "not in", self.excluded_mandate_ids.ids),
                ("id", "not in", self.line_ids.mandate_id.ids),
            ],
            order="id",
        )
        elsewhere = Line.search(
            [
                ("mandate_id", "in", mandates.ids),
                ("kind", "=", "prenote"),
                ("state", "!=", "cancelled"),
                ("batch_id.state", "in", ("draft", "generated", "settled")),
            ]
        ).mandate_id
        return Line.create(
            [
                self._prepare_line_vals(mandate, "prenote", 0.0)
                for mandate in mandates - elsewhere
            ]
        )

    def _prepare_line_vals(self, mandate, kind, amount, bills=None):
        return {
            "batch_id": self.id,
            "mandate_id": mandate.id,
            "kind": kind,
            "amount": amount,
            "bill_ids": [Command.set(bills.ids)] if bills else [],
            "company_id": self.company_id.id,
        }

    # ------------------------------------------------------------
    # Generate
    # ------------------------------------------------------------

    def _generate(self):
        self.ensure_one()
        self._check_draft()
        company = self.company_id
        company._ach_check_settings()
        today = company._utility_today()
        if self.effective_date < today or not company._ach_is_banking_day(
            self.effective_date
        ):
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s: the settlement date %(date)s must be a "
                    "banking day, today or later (next banking day: %(next)s).",
                    batch=self.name,
                    date=self.effective_date,
                    next=company._ach_next_banking_day(max(today, self.effective_date)),
                )
            )
        self._add_prenote_lines()
        lines = self.line_ids.sorted("id")
        if not lines:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s has no entry: compute the entries first.",
                    batch=self.name,
                )
            )
        lines._check_generable()
        # Lock the batch: two users generating it at once get one file.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM utility_ach_batch WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        self._lock_company()
        # What is still due now: a bill paid at the counter since the entries
        # were computed is not debited again.
        lines = self._refresh_debits(lines)
        if not lines:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s has nothing left to send: every account of "
                    "its entries has paid since they were computed.",
                    batch=self.name,
                )
            )
        # The file's creation date and time: the utility's local time.
        creation = fields.Datetime.context_timestamp(
            self.with_context(tz=company._utility_tz()), fields.Datetime.now()
        )
        modifier = company._ach_next_file_id_modifier(creation.date())
        dfi = company._ach_originating_dfi()
        sequences = company._ach_reserve_trace_sequences(len(lines))
        lines._set_trace_numbers([f"{dfi}{seq:07d}" for seq in sequences])
        for prenote in (False, True):
            kind_lines = lines.filtered(
                lambda ln, p=prenote: (ln.kind == "prenote") == p
            )
            for code, code_lines in kind_lines.grouped(
                lambda ln, p=prenote: ln.mandate_id._transaction_code(prenote=p)
            ).items():
                code_lines.transaction_code = code
        content = self._build_file(lines, creation, modifier)
        data = content.encode("ascii")
        self.write(
            {
                "state": "generated",
                "journal_id": company.ach_journal_id.id,
                "file_data": base64.b64encode(data),
                "file_name": f"{self.name.replace('/', '_')}_{modifier}.txt",
                "file_id_modifier": modifier,
                "file_creation": fields.Datetime.now(),
                "file_checksum": hashlib.sha256(data).hexdigest(),
                "generated_by_id": self.env.user.id,
            }
        )
        lines.write({"state": "sent"})
        lines._mark_return_lines("sent")
        prenotes = lines.filtered(lambda ln: ln.kind == "prenote")
        prenotes.mandate_id._prenote_sent(self)
        debits = lines - prenotes
        for start in range(0, len(debits), POST_CHUNK):
            debits[start : start + POST_CHUNK]._post_payments()
            # Written to the database and out of the cache: the memory stays
            # that of one chunk, whatever the size of the file.
            self.env.invalidate_all()
        self.message_post(
            body=self.env._(
                "File %(file)s generated (file id modifier %(modifier)s): "
                "%(debits)s debits for %(amount)s, %(prenotes)s prenotes; payments "
                "posted in the ACH clearing account.",
                file=self.file_name,
                modifier=modifier,
                debits=len(debits),
                amount=self.currency_id.format(self.amount_total),
                prenotes=len(prenotes),
            )
        )

    def _refresh_debits(self, lines):
        """Debit no more than what each account still owes: its open receivable
        lines are locked and read again (set-based, one query each), then a debit
        whose account owes less is lowered to what is due, one that owes nothing
        is removed, and the batch's chatter says which. Return the entries left.

        Locking the receivable lines (``FOR NO KEY UPDATE``) makes a payment
        applied to them at the same time wait, or makes this transaction fail
        and be retried with a fresh snapshot (repeatable read) when the payment
        committed first: the amounts read here are the ones in the database.
        """
        self.ensure_one()
        debits = lines.filtered(lambda ln: ln.kind in MONEY_KINDS)
        if not debits:
            return lines
        accounts = debits.account_id
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT l.id FROM account_move_line l
                     JOIN account_account a ON a.id = l.account_id
                    WHERE l.utility_account_id = ANY(%s)
                      AND l.parent_state = 'posted'
                      AND a.account_type = 'asset_receivable'
                      AND NOT l.reconciled
                 ORDER BY l.id
                      FOR NO KEY UPDATE OF l""",
                accounts.ids,
            )
        )
        self.env["account.move.line"].invalidate_model(
            ["amount_residual", "amount_residual_currency", "reconciled"]
        )
        open_by_account = self._open_receivables(accounts)
        held = self._held_receivables(accounts)
        empty = self.env["account.move.line"]
        removed = self.env["utility.ach.batch.line"]
        lowered = []
        for line in debits:
            if line.kind != "debit":
                # A re-presentment or fee entry keeps its amount (NACHA): sent
                # only while what it collects is still open in full.
                still_open = sum(
                    line._target_receivables(held).mapped("amount_residual")
                )
                if self.currency_id.compare_amounts(still_open, line.amount) < 0:
                    removed |= line
                continue
            amount, bills = self._prepare_debit_amount(
                open_by_account.get(line.account_id.id, empty) - held
            )
            if amount <= 0:
                removed |= line
            elif self.currency_id.compare_amounts(amount, line.amount) < 0:
                lowered.append((line, amount, bills))
        notes = []
        for line, amount, bills in lowered:
            notes.append(
                self.env._(
                    "%(account)s: %(old)s lowered to %(new)s still due",
                    account=line.account_id.name,
                    old=self.currency_id.format(line.amount),
                    new=self.currency_id.format(amount),
                )
            )
            line.write({"amount": amount, "bill_ids": [Command.set(bills.ids)]})
        if removed:
            notes.extend(
                self.env._(
                    "%(account)s: removed, %(amount)s already paid",
                    account=line.account_id.name,
                    amount=self.currency_id.format(line.amount),
                )
                for line in removed
            )
            lines -= removed
            removed.unlink()
        if notes:
            self.message_post(
                body=self.env._(
                    "Paid since the entries were computed, not debited again: "
                    "%(notes)s.",
                    notes="; ".join(notes),
                )
            )
        return lines

    def _build_file(self, lines, creation, modifier):
        """The NACHA file of ``lines`` (one batch per entry class)."""
        self.ensure_one()
        company = self.company_id
        dfi = company._ach_originating_dfi()
        batches = []
        by_class = defaultdict(list)
        # One batch per entry class and description: regular debits and
        # prenotes, re-presented entries (RETRY PYMT), return fees (RETURN
        # FEE), with the same company name and id (NACHA).
        rank = {"debit": 0, "prenote": 0, "represent": 1, "fee": 2}
        for line in lines:
            by_class[(line.mandate_id.sec_code, rank[line.kind])].append(line)
        descriptions = {
            0: company.ach_entry_description or "UTILITY",
            1: REPRESENT_DESCRIPTION,
            2: RETURN_FEE_DESCRIPTION,
        }
        for number, ((sec_code, kind_rank), class_lines) in enumerate(
            sorted(by_class.items()), start=1
        ):
            batches.append(
                nacha.Batch(
                    company_name=company.ach_company_name or company.name,
                    company_identification=company.ach_company_identification,
                    entry_description=descriptions[kind_rank],
                    effective_date=self.effective_date,
                    originating_dfi=dfi,
                    batch_number=number,
                    standard_entry_class=sec_code,
                    entries=[line._nacha_entry() for line in class_lines],
                    # Debits and prenotes of debits only.
                    service_class_code=225,
                )
            )
        ach_file = nacha.File(
            immediate_destination=company.ach_immediate_destination,
            immediate_origin=company.ach_immediate_origin,
            creation=creation,
            file_id_modifier=modifier,
            destination_name=company.ach_immediate_destination_name or "",
            origin_name=company.ach_immediate_origin_name or company.name,
            batches=batches,
        )
        try:
            return ach_file.render(
                "\r\n" if company.ach_line_ending == "crlf" else "\n"
            )
        except nacha.NachaError as exc:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s: the file cannot be written: %(error)s",
                    batch=self.name,
                    error=exc,
                )
            ) from exc

    def _payment_name_sequence(self):
        """The number sequence of the ACH journal's payment entries (created on
        first use), in Odoo's format for payments: P, the journal code, the
        year, 5 digits."""
        self.ensure_one()
        journal = self.journal_id
        return numbering.journal_sequence(
            journal,
            f"utility.ach.payment.{journal.id}",
            self.env._("ACH payments: %(journal)s", journal=journal.name),
            f"P{journal.code}/%(year)s/",
        ).with_context(ir_sequence_date=self.effective_date)

    def _allocate_payment_names(self, count):
        """``count`` numbers for the payment entries of the batch, as the
        billing run numbers its bills (``utility_billing/tools/numbering.py``).
        Numbering at posting costs every entry a search of the journal's
        entries, which grows with the entries of the file."""
        self.ensure_one()
        return numbering.allocate_names(
            self._payment_name_sequence(), self.journal_id, count, self.effective_date
        )

    def _reverse_payments(self):
        """Reverse the posted payments of the batch's entries (cancellation):
        the bills reopen."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda ln: ln.payment_id)
        moves = lines.payment_id.move_id.filtered(lambda m: m.state == "posted")
        if moves:
            moves._reverse_moves(
                [
                    {
                        "date": max(move.date, fields.Date.context_today(self)),
                        "ref": self.env._(
                            "Cancellation of ACH batch %(batch)s", batch=self.name
                        ),
                        "utility_account_id": move.utility_account_id.id,
                        "utility_payment_source": "ach",
                    }
                    for move in moves
                ],
                cancel=True,
            )
        lines.payment_id.filtered(lambda p: p.state != "canceled").write(
            {"state": "canceled"}
        )

    def _post_settlement(self):
        """Move the batch's debits from the ACH clearing account to the bank
        account of the ACH journal, on the settlement date."""
        self.ensure_one()
        amount = sum(
            self.line_ids.filtered(lambda ln: ln.payment_id).payment_id.mapped("amount")
        )
        journal = self.journal_id or self.company_id.ach_journal_id
        clearing = self.company_id.ach_clearing_account_id
        if self.currency_id.is_zero(amount):
            return
        if not journal.default_account_id or not clearing:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s: the ACH journal needs a bank account and "
                    "the ACH clearing account must be set.",
                    batch=self.name,
                )
            )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": self.effective_date,
                "ref": self.env._("Settlement of ACH batch %(batch)s", batch=self.name),
                "line_ids": [
                    Command.create(
                        {
                            "name": self.name,
                            "account_id": journal.default_account_id.id,
                            "debit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "name": self.name,
                            "account_id": clearing.id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        move._post(soft=False)
        self.settlement_move_id = move


class UtilityAchBatchLine(models.Model):
    """One entry of an ACH file: a debit of a mandate's bank account, or its
    prenote (zero-dollar test entry)."""

    _name = "utility.ach.batch.line"
    _description = "ACH Batch Entry"
    _order = "batch_id, id"
    _check_company_auto = True

    batch_id = fields.Many2one(
        "utility.ach.batch",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    mandate_id = fields.Many2one(
        "utility.ach.mandate",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    account_id = fields.Many2one(
        related="mandate_id.account_id", store=True, index=True, string="Account"
    )
    partner_id = fields.Many2one(related="mandate_id.partner_id", string="Customer")
    holder_name = fields.Char(related="mandate_id.holder_name")
    bank_account_masked = fields.Char(related="mandate_id.bank_account_masked")
    routing_number = fields.Char(related="mandate_id.routing_number")
    kind = fields.Selection(
        [
            ("debit", "Debit"),
            ("prenote", "Prenote"),
            ("represent", "Re-presentment"),
            ("fee", "Return Fee"),
        ],
        required=True,
        default="debit",
    )
    source_return_line_id = fields.Many2one(
        "utility.ach.return.line",
        string="Returned Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Re-presentment: the return it presents again. Return fee: the "
        "return whose fee it debits.",
    )
    original_line_id = fields.Many2one(
        "utility.ach.batch.line",
        string="Original Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Re-presentment: the entry first presented (its settlement date "
        "starts the 180 days).",
    )
    represent_line_ids = fields.One2many(
        "utility.ach.batch.line",
        "original_line_id",
        string="Re-presentments",
        readonly=True,
    )
    transaction_code = fields.Integer(aggregator=None, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary()
    bill_ids = fields.Many2many(
        "account.move",
        string="Bills",
        help="The bills due by the settlement date when the entry was computed; "
        "once returned, the bills its payment had paid.",
    )
    trace_number = fields.Char(readonly=True, index="btree_not_null", copy=False)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
    )
    returned = fields.Boolean(readonly=True, copy=False)
    return_line_id = fields.Many2one(
        "utility.ach.return.line", readonly=True, copy=False
    )
    payment_id = fields.Many2one(
        "account.payment", readonly=True, copy=False, index="btree_not_null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "mandate_batch_uniq",
            "unique(batch_id, mandate_id, kind)",
            "A mandate can have only one entry of each kind in an ACH batch.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            LINE_FIELDS,
            "utility.ach.batch",
            defaults={"state": "draft", "kind": "debit"},
            message=self.env._(
                "ACH entries are listed by Compute Entries on their batch."
            ),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self,
            vals,
            LINE_FIELDS,
            "utility.ach.batch",
            message=self.env._(
                "ACH entries are computed by their batch: recompute the entries or "
                "remove the entry instead of editing it."
            ),
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for line in self:
            if line.batch_id.state != "draft" and line.state != "draft":
                raise UserError(
                    self.env._(
                        "Entries of ACH batch %(batch)s can be removed only while it "
                        "is a draft.",
                        batch=line.batch_id.name,
                    )
                )

    def action_remove(self):
        """Remove the entries from their draft batch; computing the entries
        again leaves their mandates out."""
        self.batch_id._check_csr2()
        for line in self:
            line.batch_id._check_draft()
            line.batch_id.excluded_mandate_ids = [Command.link(line.mandate_id.id)]
        with workflow("utility.ach.batch"):
            self.unlink()
        return True

    def _check_generable(self):
        """Refuse the file when an entry cannot be sent as it is."""
        problems = []
        for line in self:
            mandate = line.mandate_id
            if line.kind in MONEY_KINDS and mandate.state != "active":
                problems.append(
                    self.env._(
                        "%(account)s: mandate %(state)s",
                        account=line.account_id.name,
                        state=dict(
                            mandate._fields["state"]._description_selection(self.env)
                        )[mandate.state],
                    )
                )
            elif line.kind == "prenote" and mandate.state != "pending_prenote":
                problems.append(
                    self.env._(
                        "%(account)s: no prenote due", account=line.account_id.name
                    )
                )
            elif line.kind in MONEY_KINDS and line.amount <= 0:
                problems.append(
                    self.env._(
                        "%(account)s: nothing to debit", account=line.account_id.name
                    )
                )
            elif (
                line.kind == "represent"
                and line.batch_id.effective_date
                > line.source_return_line_id.represent_until
            ):
                problems.append(
                    self.env._(
                        "%(account)s: re-presentment after its 180 days",
                        account=line.account_id.name,
                    )
                )
        if problems:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s cannot be generated; remove or recompute "
                    "these entries: %(problems)s",
                    batch=self.batch_id[:1].name,
                    problems="; ".join(problems),
                )
            )

    def _target_receivables(self, held):
        """Open receivable lines a re-presentment or fee entry collects: the
        returned entry's bills, or the fee invoice (among ``held``)."""
        self.ensure_one()
        moves = (
            self.source_return_line_id.fee_move_id
            if self.kind == "fee"
            else self.bill_ids
        )
        return held.filtered(lambda ml: ml.move_id in moves)

    def _mark_return_lines(self, state):
        """Tell the returns behind re-presentments and fee entries that their
        entry was sent (``sent``) or cancelled with its file (``pending``)."""
        with workflow("utility.ach.return"):
            for line in self.filtered("source_return_line_id"):
                field = (
                    "represent_state" if line.kind == "represent" else "fee_entry_state"
                )
                line.source_return_line_id.write({field: state})

    def _set_trace_numbers(self, traces):
        """Write the trace numbers of the entries (one UPDATE for the file: a
        file has up to tens of thousands of entries)."""
        self.flush_recordset(["trace_number"])
        self.env.cr.execute(
            SQL(
                """UPDATE utility_ach_batch_line AS line SET trace_number = v.trace
                     FROM unnest(%s::int[], %s::varchar[]) AS v(id, trace)
                    WHERE line.id = v.id""",
                self.ids,
                traces,
            )
        )
        self.invalidate_recordset(["trace_number"])

    def _nacha_entry(self):
        self.ensure_one()
        mandate = self.mandate_id
        prenote = self.kind == "prenote"
        return nacha.Entry(
            transaction_code=self.transaction_code,
            routing_number=mandate.routing_number,
            # The full number goes only into the file, readable by CSR II.
            account_number=mandate.sudo().bank_account_number,
            amount=0 if prenote else nacha.to_cents(self.amount),
            individual_id=self.account_id.name,
            individual_name=mandate.holder_name,
            trace_number=self.trace_number,
        )

    # ------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------

    def _prepare_payment_vals(self, method_line):
        self.ensure_one()
        batch = self.batch_id
        return {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.account_id.partner_id.id,
            "amount": self.amount,
            "date": batch.effective_date,
            "journal_id": batch.journal_id.id,
            "payment_method_line_id": method_line.id,
            "memo": {
                "represent": self.env._(
                    "ACH re-presentment %(batch)s, account %(account)s",
                    batch=batch.name,
                    account=self.account_id.name,
                ),
                "fee": self.env._(
                    "ACH return fee %(batch)s, account %(account)s",
                    batch=batch.name,
                    account=self.account_id.name,
                ),
            }.get(
                self.kind,
                self.env._(
                    "ACH autopay %(batch)s, account %(account)s",
                    batch=batch.name,
                    account=self.account_id.name,
                ),
            ),
            "payment_reference": self.trace_number,
            "company_id": batch.company_id.id,
        }

    def _post_payments(self):
        """Post one payment per debit entry, in the ACH clearing account, each
        applied to its account's open bills oldest due first.

        In bulk: the payments are created at once, their journal entries (with
        ``utility_account_id`` and the ACH payment source) created at once and
        posted at once, and reconciled in one reconciliation plan, the bulk
        form of ``utility.account._utility_apply_credit`` (Odoo's plan matches
        the lines of an account by due date, the oldest bill first).
        """
        if not self:
            return
        batch = self.batch_id
        batch.ensure_one()
        journal = batch.journal_id
        method_line = journal.inbound_payment_method_line_ids[:1]
        if not method_line:
            raise UserError(
                self.env._(
                    "The ACH journal %(journal)s has no incoming payment method.",
                    journal=journal.display_name,
                )
            )
        clearing = batch.company_id.ach_clearing_account_id
        if method_line.payment_account_id != clearing:
            batch.company_id._ach_sync_payment_method()
        ctx = {"tracking_disable": True, "mail_create_nolog": True}
        payments = (
            self.env["account.payment"]
            .with_context(**ctx)
            .create([line._prepare_payment_vals(method_line) for line in self])
        )
        if payments.outstanding_account_id != clearing:
            payments.write({"outstanding_account_id": clearing.id})
        names = batch._allocate_payment_names(len(self))
        move_vals = []
        for line, payment, name in zip(self, payments, names, strict=True):
            move_vals.append(
                {
                    "move_type": "entry",
                    "name": name,
                    "ref": payment.memo,
                    "date": payment.date,
                    "journal_id": journal.id,
                    "company_id": batch.company_id.id,
                    "partner_id": payment.partner_id.id,
                    "currency_id": payment.currency_id.id,
                    "utility_account_id": line.account_id.id,
                    "utility_payment_source": "ach",
                    "origin_payment_id": payment.id,
                    "fiscal_position_id": False,
                    "line_ids": [
                        Command.create(vals)
                        for vals in payment._prepare_move_line_default_vals()
                    ],
                }
            )
        # Balanced by construction (the payment's own line values) and without
        # invoice lines to synchronise: created as Odoo's point of sale creates
        # its entries; posting checks the balance again.
        move_ctx = dict(ctx, skip_invoice_sync=True, check_move_validity=False)
        moves = self.env["account.move"].with_context(**move_ctx).create(move_vals)
        # Each payment gets its entry and is in process (what Odoo's write of
        # the state does, one payment at a time), each ACH entry its payment:
        # one UPDATE for all, the fields computed from them marked to recompute
        # as a write does (a write a record costs more than the posting).
        self._link_payments(payments, moves)
        moves.with_context(**ctx, skip_invoice_sync=True)._post(soft=False)
        # The bills' payment status is not tracked one by one: the batch's
        # chatter records the posting. Reconciling changes no line of the
        # bills nor any balance: no synchronisation of their invoice lines.
        self.with_context(**move_ctx)._reconcile_payments()

    def _link_payments(self, payments, moves):
        """``move_id`` and the state *in process* of each payment (its entry
        just created, not posted yet) and ``payment_id`` of each ACH entry, in
        SQL (one query each), then the ORM told: cache invalidated, dependent
        fields marked to recompute."""
        payments.flush_recordset(["move_id", "state"])
        self.flush_recordset(["payment_id"])
        self.env.cr.execute(
            SQL(
                """UPDATE account_payment AS pay
                      SET move_id = v.move, state = 'in_process'
                     FROM unnest(%s::int[], %s::int[]) AS v(id, move)
                    WHERE pay.id = v.id""",
                payments.ids,
                moves.ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE utility_ach_batch_line AS line SET payment_id = v.payment
                     FROM unnest(%s::int[], %s::int[]) AS v(id, payment)
                    WHERE line.id = v.id""",
                self.ids,
                payments.ids,
            )
        )
        payments.invalidate_recordset(["move_id", "state"])
        self.invalidate_recordset(["payment_id"])
        payments.modified(["move_id", "state"])
        self.modified(["payment_id"])

    def _reconcile_payments(self):
        """Apply each posted payment to the open receivable lines of its account
        (bills oldest due first, and any credit left on the account)."""
        open_by_account = self.batch_id._open_receivables(self.account_id)
        held = self.batch_id._held_receivables(self.account_id)
        # The payments of the other entries of an account pay their own lines.
        batch_payments = self.payment_id.move_id.line_ids
        plan = []
        for line in self:
            credit = line.payment_id.move_id.line_ids.filtered(
                lambda ml: ml.account_id.account_type == "asset_receivable"
            )
            others = open_by_account.get(line.account_id.id)
            if not others:
                continue
            # A re-presentment pays the returned bills, a fee entry its fee,
            # a regular debit the rest.
            others -= batch_payments
            if line.kind == "debit":
                others -= held
            else:
                others = line._target_receivables(held)
            others = (others - credit).filtered(
                lambda ml, account=credit.account_id: ml.account_id == account
            )
            if others:
                plan.append(credit | others)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)
