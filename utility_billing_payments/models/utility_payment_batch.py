# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.utility_billing.tools.workflow import (
    check_protected,
    is_trusted,
    workflow,
)

from ..tools.controls import check_company, check_protected_create, check_role

# The batch's door (utility_billing/tools/workflow.py): its state, its
# payments and what a lockbox file put in it change only in its own methods.
BATCH_DOOR = "utility.payment.batch"
BATCH_PROTECTED = (
    "state",
    "posted_by_id",
    "posted_date",
    "checksum",
    "filename",
    "bank_batch_ref",
    "mapping_id",
)
BATCH_SOURCES = [
    ("mail", "Mail"),
    ("drop_box", "Drop Box"),
    ("lockbox", "Lockbox"),
]


class UtilityPaymentBatch(models.Model):
    """A back-office batch of payments deposited together (the day's mail,
    the drop box, a bank lockbox file): the CSR keys the control total and
    count from the adding-machine tape or the bank's deposit, enters the
    checks, and posting (only when the lines tie to the controls) records one
    payment per check, applied oldest due first, as Record Payment does."""

    _name = "utility.payment.batch"
    _description = "Payment Batch"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    journal_id = fields.Many2one(
        "account.journal",
        string="Deposit Journal",
        required=True,
        check_company=True,
        default=lambda self: self._default_journal(),
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        tracking=True,
    )
    date = fields.Date(
        string="Date Received",
        required=True,
        default=lambda self: self.env.company._utility_today(),
        tracking=True,
    )
    source = fields.Selection(
        BATCH_SOURCES, required=True, default="mail", tracking=True
    )
    control_total = fields.Monetary(
        required=True,
        tracking=True,
        help="The total of the checks, keyed from the adding-machine tape or the "
        "bank's deposit advice: the batch posts only when its lines add up to it.",
    )
    control_count = fields.Integer(
        required=True,
        tracking=True,
        help="The number of checks: the batch posts only when it has as many lines.",
    )
    line_ids = fields.One2many(
        "utility.payment.batch.line", "batch_id", string="Payments", copy=True
    )
    line_total = fields.Monetary(string="Lines Total", compute="_compute_totals")
    line_count = fields.Integer(string="Lines", compute="_compute_totals")
    difference = fields.Monetary(
        compute="_compute_totals",
        help="Control total less the lines' total.",
    )
    deposit_total = fields.Monetary(
        compute="_compute_totals",
        help="What the payments posted by this batch deposit in the journal: the "
        "one figure matched with the bank statement.",
    )
    move_ids = fields.Many2many(
        "account.move", string="Payment Entries", compute="_compute_totals"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    posted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    posted_date = fields.Datetime(readonly=True, copy=False)
    mapping_id = fields.Many2one(
        "utility.lockbox.mapping",
        string="Lockbox Mapping",
        readonly=True,
        copy=False,
        check_company=True,
    )
    error_ids = fields.One2many(
        "utility.payment.batch.error", "batch_id", string="Bad Lines", readonly=True
    )
    error_count = fields.Integer(
        string="Bad Line Count", compute="_compute_error_count"
    )
    filename = fields.Char(readonly=True, copy=False)
    checksum = fields.Char(readonly=True, copy=False, index="btree_not_null")
    bank_batch_ref = fields.Char(
        string="Bank Batch Reference", readonly=True, copy=False
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "checksum_company_uniq",
            "unique(checksum, company_id)",
            "This lockbox file has already been imported.",
        ),
    ]

    @api.depends("line_ids.amount", "line_ids.move_id", "control_total")
    def _compute_totals(self):
        for batch in self:
            lines = batch.line_ids
            batch.line_total = sum(lines.mapped("amount"))
            batch.line_count = len(lines)
            batch.difference = batch.currency_id.round(
                batch.control_total - batch.line_total
            )
            moves = lines.sudo().move_id.filtered(lambda m: m.state == "posted")
            batch.move_ids = moves
            batch.deposit_total = -sum(
                moves.line_ids.filtered(
                    lambda ln: ln.account_id.account_type == "asset_receivable"
                ).mapped("balance")
            )

    @api.depends("error_ids")
    def _compute_error_count(self):
        for batch in self:
            batch.error_count = len(batch.error_ids)

    @api.model
    def _default_journal(self):
        return self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self, vals_list, BATCH_PROTECTED, BATCH_DOOR, defaults={"state": "draft"}
        )
        trusted = is_trusted(self.env, BATCH_DOOR)
        for vals in vals_list:
            # The number is the sequence's: a batch is not created under the
            # name of another.
            if not trusted or vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("utility.payment.batch") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, (*BATCH_PROTECTED, "name"), BATCH_DOOR)
        if not is_trusted(self.env, BATCH_DOOR):
            self._check_draft(
                set(vals)
                - set(self.env["mail.thread"]._fields)
                - set(self.env["mail.activity.mixin"]._fields)
            )
        return super().write(vals)

    def _check_draft(self, fnames=None):
        """Refuse changing ``fnames`` (every field when None) of a posted batch;
        its note stays editable."""
        posted = self.filtered(lambda b: b.state != "draft")
        if posted and (fnames is None or set(fnames) - {"note"}):
            raise UserError(
                self.env._(
                    "Batch %(batch)s is posted: its payments are in the ledger and "
                    "it is no longer edited.",
                    batch=posted[0].name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_only(self):
        for batch in self:
            if batch.state != "draft" or batch.line_ids.move_id:
                raise UserError(
                    self.env._(
                        "Batch %(batch)s is posted and cannot be deleted.",
                        batch=batch.name,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_post(self):
        """Post the batch: refused unless its lines add up to the control total
        and count; one payment per line, applied oldest due first. Posting a
        posted batch again does nothing."""
        check_role(
            self.env,
            "utility_billing.group_csr_1",
            self.env._("Only a CSR or a manager can post a payment batch."),
        )
        check_company(self)
        self.check_access("write")
        for batch in self:
            batch._post_one()
        return True

    def _post_one(self):
        self.ensure_one()
        # One poster at a time: a second click, or a second user, waits here
        # and then finds the batch posted.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM utility_payment_batch WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset(["state"])
        if self.state == "posted":
            return
        self._check_controls()
        lines = self.line_ids
        check_company(lines.account_id)
        for line in lines:
            if line.account_id.sudo().company_id != self.company_id:
                raise UserError(
                    self.env._(
                        "Batch %(batch)s, line %(line)s: account %(account)s is "
                        "of another company.",
                        batch=self.name,
                        line=line.sequence,
                        account=line.account_id.sudo().name,
                    )
                )
        for line in lines.filtered(lambda ln: not ln.move_id):
            move = line.account_id._utility_record_payment(
                line.amount,
                self.date,
                self.journal_id,
                self.source,
                check_number=line.check_number,
                memo=line.payer,
                ref_prefix=self.name,
            )
            with workflow(BATCH_DOOR):
                line.write({"move_id": move.id})
        with workflow(BATCH_DOOR):
            self.write(
                {
                    "state": "posted",
                    "posted_by_id": self.env.uid,
                    "posted_date": fields.Datetime.now(),
                }
            )
        self.message_post(
            body=self.env._(
                "Posted: %(count)s payments, deposit of %(amount)s.",
                count=len(lines),
                amount=self.currency_id.format(self.deposit_total),
            )
        )

    def _check_controls(self):
        """The lines must add up to the control total and count."""
        self.ensure_one()
        currency = self.currency_id
        problems = []
        if not self.line_ids:
            raise UserError(
                self.env._("Batch %(batch)s has no payments.", batch=self.name)
            )
        if currency.compare_amounts(self.line_total, self.control_total):
            problems.append(
                self.env._(
                    "the lines add up to %(lines)s, the control total is "
                    "%(control)s (difference %(difference)s)",
                    lines=currency.format(self.line_total),
                    control=currency.format(self.control_total),
                    difference=currency.format(self.control_total - self.line_total),
                )
            )
        if self.line_count != self.control_count:
            problems.append(
                self.env._(
                    "it has %(lines)s payments, the control count is %(control)s "
                    "(difference %(difference)s)",
                    lines=self.line_count,
                    control=self.control_count,
                    difference=self.control_count - self.line_count,
                )
            )
        bad = self.line_ids.filtered(
            lambda ln: currency.compare_amounts(ln.amount, 0) <= 0
        )
        if bad:
            problems.append(
                self.env._(
                    "line %(line)s (account %(account)s) is not a positive amount",
                    line=bad[0].sequence,
                    account=bad[0].account_id.display_name,
                )
            )
        if problems:
            raise UserError(
                self.env._(
                    "Batch %(batch)s does not tie: %(problems)s. Nothing was posted: "
                    "find the difference, then post again.",
                    batch=self.name,
                    problems="; ".join(problems),
                )
            )

    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payment Entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }
