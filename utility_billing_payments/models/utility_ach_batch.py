# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ACH batch (``utility.ach.batch``): the record, its states, protected
fields and actions.

Its other concerns are sibling ``_inherit`` files: computing its entries
(``utility_ach_batch_entries.py``), generating its NACHA file and payments
(``utility_ach_batch_file.py``), the payments' numbers, reversal and the
settlement entry (``utility_ach_batch_settlement.py``); its entries are
``utility_ach_batch_line.py``.
"""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.workflow import workflow

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
