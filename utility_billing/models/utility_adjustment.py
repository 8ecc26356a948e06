# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The billing adjustment request: its fields, the city's policy and its
approval (the workflow is :mod:`.utility_approval_mixin`'s).

What an adjustment credits is worked out in :mod:`.utility_adjustment_compute`
(one strategy per kind); the credit or debit note is posted by
:mod:`.utility_adjustment_post`.
"""

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context, float_is_zero
from odoo.tools.misc import format_date
from odoo.tools.translate import LazyTranslate

from ..tools.workflow import workflow

_lt = LazyTranslate(__name__)

ADJUSTMENT_DOOR = "utility.adjustment"

ADJUSTMENT_TYPES = [
    ("leak", "Leak"),
    ("penalty_reversal", "Penalty Reversal"),
    ("estimate_correction", "Estimate Correction"),
    ("other", "Other"),
]
# Fields set only by the workflow methods (with the mixin's: submit, approve,
# reject; here: post), and the amounts, computed from the lines.
WORKFLOW_FIELDS = {
    "move_id",
    "post_date",
    "amount_untaxed",
    "amount_tax",
}
# Fields frozen once the request is submitted.
REQUEST_FIELDS = {
    "account_id",
    "bill_id",
    "adjustment_type",
    "amount",
    "line_ids",
    "date",
    "reason",
    "computation",
    "company_id",
    "proof_attachment_ids",
}
# Types allowed at most once in 12 months per account.
YEARLY_TYPES = ("leak", "penalty_reversal")
MESSAGES = {
    "not_draft": _lt("Adjustment %(name)s is not a draft."),
    "not_to_approve": _lt("Adjustment %(name)s is not waiting for approval."),
    "cannot_reject": _lt("Adjustment %(name)s is %(state)s: it cannot be rejected."),
    "cannot_draft": _lt(
        "Adjustment %(name)s is %(state)s: it cannot go back to draft."
    ),
    "cannot_delete": _lt("Adjustment %(name)s is %(state)s and cannot be deleted."),
    "submitted": _lt(
        "Adjustment %(name)s has been submitted: set it back to draft to change it."
    ),
    "protected": _lt(
        "The status, approval, amounts and posting of an adjustment change only "
        "through its buttons."
    ),
    "create_protected": _lt(
        "An adjustment starts as a draft requested by you; its approval and "
        "posting are done with its buttons."
    ),
    "reject_reason": _lt("Say why the adjustment is rejected."),
    "reject_title": _lt("Reject Adjustment"),
    "own_request": _lt(
        "You requested adjustment %(name)s: someone else must approve it."
    ),
    "reviewer_rights": _lt(
        "Only a Customer Service Representative II or a manager can approve, "
        "reject or post adjustments."
    ),
    "over_limit": _lt(
        "Adjustment %(name)s of %(amount)s is above the approval limit of "
        "%(limit)s: a manager must approve it."
    ),
}


class UtilityAdjustment(models.Model):
    """A billing adjustment of an account: a credit (or a charge) with its
    computation, approved by someone other than the requester and posted as a
    credit note (or a debit note) linked to the bill it corrects.

    ``amount`` is seen from the customer: positive is a credit (credit note),
    negative a charge (debit note). Each line shows one step of the
    computation; the note posts the lines as they are.
    """

    _name = "utility.adjustment"
    _description = "Utility Billing Adjustment"
    _inherit = ["utility.approval.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _approval_reject_wizard = ("utility.adjustment.reject", "adjustment_id")

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
        default=lambda self: self.env.company._utility_today(),
        tracking=True,
        index=True,
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
        string="Original Bill",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('utility_account_id', '=', account_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
        help="The bill this adjustment corrects; its credit note is reconciled with "
        "it.",
    )
    adjustment_type = fields.Selection(
        ADJUSTMENT_TYPES, string="Type", required=True, default="leak", tracking=True
    )
    reason = fields.Text(required=True, tracking=True)
    computation = fields.Text(
        readonly=True, help="How the figures of the lines were worked out."
    )
    line_ids = fields.One2many(
        "utility.adjustment.line", "adjustment_id", string="Computation Lines"
    )
    proof_attachment_ids = fields.Many2many(
        "ir.attachment",
        "utility_adjustment_proof_rel",
        "adjustment_id",
        "attachment_id",
        string="Proof of Repair",
        help="A leak credit needs proof of the repair (receipt, plumber's invoice, "
        "photo).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_untaxed = fields.Monetary(
        compute="_compute_amounts", store=True, string="Untaxed Amount"
    )
    amount_tax = fields.Monetary(compute="_compute_amounts", store=True, string="Tax")
    amount = fields.Monetary(
        compute="_compute_amounts",
        store=True,
        readonly=False,
        tracking=True,
        help="Positive: a credit to the customer (credit note). Negative: a charge "
        "(debit note).",
    )
    state = fields.Selection(
        selection_add=[("approved", "Approved"), ("posted",)],
        ondelete={"approved": "set default"},
    )
    move_id = fields.Many2one(
        "account.move",
        string="Credit / Debit Note",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        check_company=True,
    )
    move_type = fields.Selection(related="move_id.move_type", string="Note Type")
    post_date = fields.Date(readonly=True, copy=False, tracking=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # ------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------

    @api.depends("line_ids.amount", "line_ids.amount_total")
    def _compute_amounts(self):
        for adjustment in self:
            lines = adjustment.line_ids
            if not lines and adjustment.adjustment_type == "other":
                # Entered by hand: its one line is made from it at compute.
                adjustment.amount_untaxed = adjustment.amount
                adjustment.amount_tax = 0.0
                continue
            adjustment.amount_untaxed = sum(lines.mapped("amount"))
            adjustment.amount = sum(lines.mapped("amount_total"))
            adjustment.amount_tax = adjustment.amount - adjustment.amount_untaxed

    @api.onchange("account_id")
    def _onchange_account_id(self):
        if self.bill_id and self.bill_id.utility_account_id != self.account_id:
            self.bill_id = False
        if self.account_id and not self.bill_id:
            self.bill_id = self.account_id.invoice_ids.filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.state == "posted"
                    and m.utility_period_start
                )
            ).sorted("invoice_date", reverse=True)[:1]

    @api.onchange("adjustment_type", "bill_id")
    def _onchange_clear_lines(self):
        if self.state == "draft" and self.line_ids:
            self.line_ids = [Command.clear()]
            self.computation = False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        adjustments = super().create(vals_list)
        for adjustment in adjustments:
            adjustment._check_account_open()
        return adjustments

    # ------------------------------------------------------------
    # Approval workflow (utility.approval.mixin)
    # ------------------------------------------------------------

    def _approval_messages(self):
        return MESSAGES

    def _approval_reviewer_group(self):
        return "utility_billing.group_csr_2"

    def _approval_workflow_fields(self):
        return super()._approval_workflow_fields() | WORKFLOW_FIELDS

    def _approval_frozen_fields(self):
        return REQUEST_FIELDS

    def _approval_limit_amount(self):
        return self.company_id.utility_adjustment_approval_limit

    def _approval_amount(self):
        return abs(self.amount)

    def _on_submit(self):
        # Computed again: the approver sees the figures of the bill as it is.
        self.action_compute()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_compute(self):
        """Work out the lines of the adjustment from its type and bill."""
        # The form's defaults (default_account_id...) must not reach the lines.
        for adjustment in self.with_context(clean_context(self.env.context)):
            if adjustment.state != "draft":
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s is %(state)s: only a draft is computed.",
                        name=adjustment.name,
                        state=adjustment._state_label(),
                    )
                )
            adjustment._check_policy()
            get_lines = getattr(adjustment, f"_get_lines_{adjustment.adjustment_type}")
            lines, note = get_lines()
            with workflow(ADJUSTMENT_DOOR):
                adjustment.line_ids.unlink()
                adjustment.write(
                    {
                        "line_ids": [
                            Command.create(dict(vals, sequence=index))
                            for index, vals in enumerate(lines, start=1)
                        ],
                        "computation": note,
                    }
                )
        return True

    # ------------------------------------------------------------
    # Policy
    # ------------------------------------------------------------

    def _check_can_submit(self):
        self.ensure_one()
        if float_is_zero(self.amount, precision_rounding=self.currency_id.rounding):
            if self.computation:
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s has no amount:\n%(computation)s",
                        name=self.name,
                        computation=self.computation,
                    )
                )
            raise UserError(
                self.env._("Adjustment %(name)s has no amount.", name=self.name)
            )
        if self.adjustment_type == "leak" and not self.proof_attachment_ids:
            raise UserError(
                self.env._(
                    "Attach the proof of the leak repair to adjustment %(name)s "
                    "before submitting it.",
                    name=self.name,
                )
            )

    def _check_account_open(self):
        """A closed account's balance is settled: no adjustment moves it."""
        self.ensure_one()
        if self.account_id.state == "closed":
            raise UserError(
                self.env._(
                    "Account %(account)s is closed: reopen it before adjusting it "
                    "(adjustment %(name)s).",
                    account=self.account_id.name,
                    name=self.name,
                )
            )

    def _check_policy(self):
        """The city's limits: the bill belongs to the account, one adjustment of a
        kind per bill, leak credits and penalty reversals at most once in 12
        months per account."""
        self.ensure_one()
        self._check_account_open()
        bill = self.bill_id
        if self.adjustment_type != "other" and not bill:
            raise UserError(
                self.env._(
                    "Choose the bill adjustment %(name)s corrects.", name=self.name
                )
            )
        if bill and (
            bill.utility_account_id != self.account_id
            or bill.move_type != "out_invoice"
            or bill.state != "posted"
        ):
            raise UserError(
                self.env._(
                    "Bill %(bill)s is not a posted bill of account %(account)s.",
                    bill=bill.display_name,
                    account=self.account_id.name,
                )
            )
        if bill and self.adjustment_type != "other":
            same = self.search_count(
                [
                    ("id", "not in", self.ids),
                    ("bill_id", "=", bill.id),
                    ("adjustment_type", "=", self.adjustment_type),
                    ("state", "!=", "rejected"),
                ]
            )
            if same:
                raise UserError(
                    self.env._(
                        "Bill %(bill)s already has a %(type)s adjustment.",
                        bill=bill.name,
                        type=dict(ADJUSTMENT_TYPES)[self.adjustment_type],
                    )
                )
        if self.adjustment_type in YEARLY_TYPES and self._is_yearly_limited():
            previous = self._previous_within_year()
            if previous:
                raise UserError(
                    self.env._(
                        "Account %(account)s had a %(type)s adjustment on %(date)s "
                        "(%(ref)s): the policy allows one in 12 months.",
                        account=self.account_id.name,
                        type=dict(ADJUSTMENT_TYPES)[self.adjustment_type],
                        date=format_date(self.env, previous.post_date or previous.date),
                        ref=previous.name,
                    )
                )

    def _is_yearly_limited(self):
        if self.adjustment_type == "leak":
            return self.company_id.utility_leak_once_a_year
        return True

    def _previous_within_year(self):
        """The account's last adjustment of the same type posted in the 12 months
        before this request (or still pending)."""
        since = self.date - relativedelta(months=12)
        return self.search(
            [
                ("id", "not in", self.ids),
                ("account_id", "=", self.account_id.id),
                ("adjustment_type", "=", self.adjustment_type),
                "|",
                ("state", "in", ("to_approve", "approved")),
                "&",
                ("state", "=", "posted"),
                ("post_date", ">", since),
            ],
            order="post_date desc",
            limit=1,
        )
