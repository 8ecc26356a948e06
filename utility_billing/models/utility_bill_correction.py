# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cancel and rebill, a request approved by a manager (the workflow is
:mod:`.utility_approval_mixin`'s; the corrected bill's lines are
:mod:`.utility_bill_correction_line`)."""

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, clean_context
from odoo.tools.translate import LazyTranslate

from ..tools import numbering

_lt = LazyTranslate(__name__)

CORRECTION_DOOR = "utility.bill.correction"
# Set only by the workflow methods (with the mixin's: submit, approve, reject),
# and the amounts, computed from the lines.
WORKFLOW_FIELDS = {
    "posted_by",
    "post_date",
    "credit_note_id",
    "new_bill_id",
    "amount_untaxed",
    "amount_total",
}
# Frozen once the request is submitted.
REQUEST_FIELDS = {
    "account_id",
    "bill_id",
    "date",
    "reason",
    "line_ids",
    "company_id",
}
MESSAGES = {
    "not_draft": _lt("Bill correction %(name)s is not a draft."),
    "not_to_approve": _lt("Bill correction %(name)s is not waiting for approval."),
    "cannot_reject": _lt(
        "Bill correction %(name)s is %(state)s: it cannot be rejected."
    ),
    "cannot_draft": _lt(
        "Bill correction %(name)s is %(state)s: it cannot go back to draft."
    ),
    "cannot_delete": _lt(
        "Bill correction %(name)s is %(state)s and cannot be deleted."
    ),
    "submitted": _lt(
        "Bill correction %(name)s has been submitted: set it back to draft to "
        "change it."
    ),
    "protected": _lt(
        "The status, approval and posting of a bill correction change only "
        "through its buttons."
    ),
    "create_protected": _lt(
        "A bill correction starts as a draft requested by you; its approval and "
        "posting are done with its buttons."
    ),
    "reject_reason": _lt("Say why the bill correction is rejected."),
    "reject_title": _lt("Reject Bill Correction"),
    "own_request": _lt(
        "You requested bill correction %(name)s: another manager must approve it."
    ),
    "submit_rights": _lt(
        "Only a Customer Service Representative II or a manager can request "
        "a bill correction."
    ),
    "reviewer_rights": _lt(
        "Only a manager can approve, reject or post a bill correction."
    ),
}


class UtilityBillCorrection(models.Model):
    """Cancel and rebill: the only way a posted bill of a utility account is
    corrected.

    A Customer Service Representative II or a manager requests it, saying why,
    with the lines the corrected bill must carry (the bill's own lines to start
    with); a manager other than the requester approves it; a manager posts it.
    Posting reverses the bill with a credit note (Odoo's reversal, reconciled
    with the bill), creates and posts the corrected bill for the same period,
    moves the reads and the payments of the bill to it, and records who, when
    and why in the chatter of the account and of the three documents. Nothing
    is deleted or reset to draft: the books keep both bills and the credit note.

    Without lines, the bill is cancelled (reversed) and not rebilled.
    """

    _name = "utility.bill.correction"
    _description = "Utility Bill Correction (Cancel and Rebill)"
    _inherit = ["utility.approval.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _approval_reject_wizard = ("utility.bill.correction.reject", "correction_id")

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    date = fields.Date(
        string="Request Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        related="account_id.partner_id", store=True, string="Customer"
    )
    bill_id = fields.Many2one(
        "account.move",
        string="Bill to Correct",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('utility_account_id', '=', account_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('utility_period_start', '!=', False), ('utility_superseded', '=', False)]",
    )
    bill_amount = fields.Monetary(
        related="bill_id.amount_total",
        string="Bill Total",
        currency_field="currency_id",
    )
    period_start = fields.Date(related="bill_id.utility_period_start")
    period_end = fields.Date(related="bill_id.utility_period_end")
    reason = fields.Text(required=True, tracking=True)
    line_ids = fields.One2many(
        "utility.bill.correction.line",
        "correction_id",
        string="Corrected Bill Lines",
        copy=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_untaxed = fields.Monetary(
        compute="_compute_amounts", store=True, string="Corrected Untaxed"
    )
    amount_total = fields.Monetary(
        compute="_compute_amounts", store=True, string="Corrected Total"
    )
    state = fields.Selection(
        selection_add=[("approved", "Approved"), ("posted",)],
        ondelete={"approved": "set default"},
    )
    posted_by = fields.Many2one(
        "res.users", string="Posted by", readonly=True, tracking=True, copy=False
    )
    post_date = fields.Date(readonly=True, tracking=True, copy=False)
    credit_note_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        tracking=True,
        check_company=True,
    )
    new_bill_id = fields.Many2one(
        "account.move",
        string="Corrected Bill",
        readonly=True,
        copy=False,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("line_ids.amount", "line_ids.amount_total")
    def _compute_amounts(self):
        for correction in self:
            correction.amount_untaxed = sum(correction.line_ids.mapped("amount"))
            correction.amount_total = sum(correction.line_ids.mapped("amount_total"))

    @api.onchange("account_id")
    def _onchange_account_id(self):
        if self.bill_id and self.bill_id.utility_account_id != self.account_id:
            self.bill_id = False

    @api.onchange("bill_id")
    def _onchange_bill_id(self):
        if self.state == "draft":
            self.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in self._bill_line_vals(self.bill_id)
            ]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "line_ids" not in vals and vals.get("bill_id"):
                bill = self.env["account.move"].browse(vals["bill_id"])
                vals["line_ids"] = [
                    Command.create(line_vals)
                    for line_vals in self._bill_line_vals(bill)
                ]
        corrections = super().create(vals_list)
        corrections._check_bill()
        return corrections

    def write(self, vals):
        res = super().write(vals)
        if {"bill_id", "account_id"} & set(vals):
            self._check_bill()
        return res

    @api.model
    def _bill_line_vals(self, bill):
        """The corrected bill's lines to start from: the bill's own."""
        return [
            {
                "sequence": index,
                "name": line.name,
                "product_id": line.product_id.id,
                "account_id": line.account_id.id,
                "quantity": line.quantity,
                "price_unit": line.price_unit,
                "tax_ids": [Command.set(line.tax_ids.ids)],
                "service_type_id": line.utility_service_type_id.id,
            }
            for index, line in enumerate(
                bill.invoice_line_ids.filtered(lambda ln: ln.display_type == "product"),
                start=1,
            )
        ]

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_post(self):
        """Cancel the bill with a credit note and post the corrected bill.

        A manager posts an approved correction. Managers hold Odoo's invoicing
        rights, but posted utility documents are locked for everyone: the
        accounting is done with ``sudo()`` once the role, the company and the
        approval are checked (the manager stays the author of the entries).
        """
        self._check_reviewer_rights()
        self.check_access("write")
        for correction in self.with_context(clean_context(self.env.context)):
            if correction.state != "approved":
                raise UserError(
                    self.env._(
                        "Bill correction %(name)s must be approved before it is "
                        "posted.",
                        name=correction.name,
                    )
                )
            if not correction.approver_id or (
                correction.approver_id == correction.requested_by
            ):
                raise UserError(
                    self.env._(
                        "Bill correction %(name)s has no approval by a manager other "
                        "than its requester.",
                        name=correction.name,
                    )
                )
            correction._check_bill()
            credit_note, new_bill = correction.sudo()._post_correction()
            correction._workflow_write(
                {
                    "state": "posted",
                    "posted_by": self.env.uid,
                    "post_date": credit_note.date,
                    "credit_note_id": credit_note.id,
                    "new_bill_id": new_bill.id,
                }
            )
            correction._log_correction()
        return True

    def action_view_moves(self):
        self.ensure_one()
        moves = self.bill_id | self.credit_note_id | self.new_bill_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bill, Credit Note and Corrected Bill"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------
    # Rights and checks
    # ------------------------------------------------------------

    def _approval_messages(self):
        return MESSAGES

    def _approval_submit_group(self):
        return "utility_billing.group_csr_2"

    def _approval_workflow_fields(self):
        return super()._approval_workflow_fields() | WORKFLOW_FIELDS

    def _approval_frozen_fields(self):
        return REQUEST_FIELDS

    def _check_can_submit(self):
        self._check_bill()

    def _check_bill(self):
        for correction in self:
            bill = correction.bill_id
            if (
                bill.utility_account_id != correction.account_id
                or bill.move_type != "out_invoice"
                or bill.state != "posted"
                or not bill.utility_period_start
            ):
                raise UserError(
                    self.env._(
                        "Bill %(bill)s is not a posted bill of account %(account)s.",
                        bill=bill.display_name,
                        account=correction.account_id.name,
                    )
                )
            if bill.utility_superseded and correction.state != "posted":
                raise UserError(
                    self.env._(
                        "Bill %(bill)s has already been cancelled and rebilled.",
                        bill=bill.name,
                    )
                )
            other = self.search_count(
                [
                    ("id", "!=", correction.id),
                    ("bill_id", "=", bill.id),
                    ("state", "in", ("draft", "to_approve", "approved")),
                ]
            )
            if other and correction.state != "posted":
                raise UserError(
                    self.env._(
                        "Bill %(bill)s already has a bill correction in progress.",
                        bill=bill.name,
                    )
                )

    # ------------------------------------------------------------
    # Accounting (called with sudo() after the checks)
    # ------------------------------------------------------------

    def _post_correction(self):
        """Reverse the bill, post the corrected bill, move reads and payments."""
        self.ensure_one()
        bill = self.bill_id
        account = self.account_id
        today = fields.Date.context_today(self)
        # What paid or credited the bill: applied again once it is rebilled.
        receivable = bill.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        partials = receivable.matched_debit_ids | receivable.matched_credit_ids
        applied = (partials.debit_move_id | partials.credit_move_id) - receivable
        # Odoo's reversal (cancel=True frees the bill's payments, posts the credit
        # note and reconciles it with the bill).
        credit_note = bill._reverse_moves(
            [
                {
                    "invoice_date": today,
                    "date": today,
                    "ref": self.env._(
                        "Cancellation of %(bill)s (%(name)s): %(reason)s",
                        bill=bill.name,
                        name=self.name,
                        reason=self.reason,
                    ),
                    "utility_account_id": account.id,
                    "utility_bill_correction_id": self.id,
                    "payment_reference": account.name,
                }
            ],
            cancel=True,
        )
        bill.write({"utility_superseded": True, "utility_bill_correction_id": self.id})
        # Before the corrected bill is inserted: the unique index on the account
        # and period leaves out a superseded bill.
        bill.flush_recordset(["utility_superseded"])
        new_bill = self.env["account.move"]
        if self.line_ids:
            new_bill = self.env["account.move"].create(self._prepare_bill_vals(today))
            new_bill._post(soft=False)
            # The reads billed on the bill are billed on the corrected bill.
            self.env["utility.meter.read"].flush_model(["billed_move_id"])
            self.env.cr.execute(
                SQL(
                    """UPDATE utility_meter_read SET billed_move_id = %s
                        WHERE billed_move_id = %s""",
                    new_bill.id,
                    bill.id,
                )
            )
            self.env["utility.meter.read"].invalidate_model(["billed_move_id"])
            (bill | new_bill).invalidate_recordset(["utility_read_ids"])
        account._utility_apply_credit(
            applied.filtered(lambda ln: ln.move_id.state == "posted")
        )
        return credit_note, new_bill

    def _prepare_bill_vals(self, today):
        self.ensure_one()
        bill = self.bill_id
        account = self.account_id
        journal = bill.journal_id
        vals = {
            "move_type": "out_invoice",
            "partner_id": bill.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": today,
            "date": today,
            "invoice_date_due": today
            + relativedelta(days=account.billing_cycle_id.due_days or 0),
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "currency_id": bill.currency_id.id,
            "company_id": bill.company_id.id,
            "invoice_origin": bill.name,
            "payment_reference": account.name,
            "ref": self.env._(
                "%(account)s: corrects %(bill)s (%(name)s)",
                account=account.name,
                bill=bill.name,
                name=self.name,
            ),
            "utility_account_id": account.id,
            "utility_period_start": bill.utility_period_start,
            "utility_period_end": bill.utility_period_end,
            "utility_is_final": bill.utility_is_final,
            "utility_bill_correction_id": self.id,
            "invoice_line_ids": [
                Command.create(line._prepare_move_line_vals()) for line in self.line_ids
            ],
        }
        # The bills' own numbers, as a billing run gives them.
        sequence = journal.utility_bill_sequence_id
        if sequence:
            vals["name"] = numbering.next_name(sequence, journal, today)
        return vals

    def _log_correction(self):
        """Who, when and why: on the correction, the account and the documents."""
        self.ensure_one()
        values = {
            "name": self.name,
            "bill": self.bill_id.name,
            "credit": self.credit_note_id.name,
            "requester": self.requested_by.name,
            "date": self.date,
            "approver": self.approver_id.name,
            "approval": fields.Datetime.to_string(self.approval_date),
            "user": self.env.user.name,
            "reason": self.reason,
        }
        if self.new_bill_id:
            body = self.env._(
                "Bill %(bill)s cancelled by credit note %(credit)s and rebilled as "
                "%(new)s of %(amount)s (bill correction %(name)s). Requested by "
                "%(requester)s on %(date)s, approved by %(approver)s on "
                "%(approval)s, posted by %(user)s. Reason: %(reason)s",
                new=self.new_bill_id.name,
                amount=self.currency_id.format(self.new_bill_id.amount_total),
                **values,
            )
        else:
            body = self.env._(
                "Bill %(bill)s cancelled by credit note %(credit)s, not rebilled "
                "(bill correction %(name)s). Requested by %(requester)s on "
                "%(date)s, approved by %(approver)s on %(approval)s, posted by "
                "%(user)s. Reason: %(reason)s",
                **values,
            )
        self.message_post(body=body)
        self.account_id.message_post(body=body)
        for move in self.bill_id | self.credit_note_id | self.new_bill_id:
            move.sudo().message_post(body=body)
