# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import clean_context, float_compare, float_is_zero, float_round
from odoo.tools.misc import format_date

from ..tools import numbering
from ..tools.workflow import (
    check_protected,
    is_trusted,
    workflow,
)
from .utility_rate_schedule import MONTHS_PER_FREQUENCY

ADJUSTMENT_DOOR = "utility.adjustment"

ADJUSTMENT_TYPES = [
    ("leak", "Leak"),
    ("penalty_reversal", "Penalty Reversal"),
    ("estimate_correction", "Estimate Correction"),
    ("other", "Other"),
]
# Fields set only by the workflow methods (submit, approve, reject, post), and
# the amounts, computed from the lines.
WORKFLOW_FIELDS = {
    "state",
    "requested_by",
    "approver_id",
    "approval_date",
    "rejection_reason",
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
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

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
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("posted", "Posted"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    requested_by = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        tracking=True,
        copy=False,
    )
    approver_id = fields.Many2one("res.users", readonly=True, tracking=True, copy=False)
    approval_date = fields.Datetime(readonly=True, tracking=True, copy=False)
    rejection_reason = fields.Text(readonly=True, tracking=True, copy=False)
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
        if not is_trusted(self.env, ADJUSTMENT_DOOR):
            message = self.env._(
                "An adjustment starts as a draft requested by you; its approval "
                "and posting are done with its buttons."
            )
            for vals in vals_list:
                if vals.get("requested_by", self.env.uid) != self.env.uid:
                    raise UserError(message)
                check_protected(
                    self,
                    {
                        key: value
                        for key, value in vals.items()
                        if key != "requested_by"
                        and (key != "state" or value != "draft")
                    },
                    WORKFLOW_FIELDS,
                    ADJUSTMENT_DOOR,
                    message,
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
                    .next_by_code("utility.adjustment", sequence_date=vals.get("date"))
                    or "/"
                )
        adjustments = super().create(vals_list)
        for adjustment in adjustments:
            adjustment._check_account_open()
        return adjustments

    def write(self, vals):
        check_protected(
            self,
            vals,
            WORKFLOW_FIELDS,
            ADJUSTMENT_DOOR,
            self.env._(
                "The status, approval, amounts and posting of an adjustment change "
                "only through its buttons."
            ),
        )
        locked = self.filtered(lambda a: a.state != "draft")
        if locked:
            check_protected(
                self,
                vals,
                REQUEST_FIELDS,
                ADJUSTMENT_DOOR,
                self.env._(
                    "Adjustment %(name)s has been submitted: set it back to draft "
                    "to change it.",
                    name=locked[0].name,
                ),
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_rejected(self):
        for adjustment in self:
            if adjustment.state not in ("draft", "rejected"):
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s is %(state)s and cannot be deleted.",
                        name=adjustment.name,
                        state=adjustment._state_label(),
                    )
                )

    def _workflow_write(self, vals):
        with workflow(ADJUSTMENT_DOOR):
            return self.write(vals)

    def _state_label(self):
        return dict(self._fields["state"].selection)[self.state]

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

    def action_submit(self):
        """Send the request for approval (CSR I and above)."""
        for adjustment in self:
            if adjustment.state != "draft":
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s is not a draft.", name=adjustment.name
                    )
                )
            # Computed again: the approver sees the figures of the bill as it is.
            adjustment.action_compute()
            adjustment._check_can_submit()
            adjustment._workflow_write({"state": "to_approve"})
        return True

    def action_approve(self):
        """Approve: a CSR II up to the company limit, a manager above it, never
        the requester."""
        for adjustment in self:
            if adjustment.state != "to_approve":
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s is not waiting for approval.",
                        name=adjustment.name,
                    )
                )
            adjustment._check_approval_rights()
            adjustment._check_policy()
            adjustment._check_can_submit()
            adjustment._workflow_write(
                {
                    "state": "approved",
                    "approver_id": self.env.uid,
                    "approval_date": fields.Datetime.now(),
                }
            )
        return True

    def action_reject_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Adjustment"),
            "res_model": "utility.adjustment.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_adjustment_id": self.id},
        }

    def action_reject(self, reason):
        """Refuse the request, saying why (CSR II and above)."""
        if not reason:
            raise UserError(self.env._("Say why the adjustment is rejected."))
        self._check_csr2()
        for adjustment in self:
            if adjustment.state not in ("to_approve", "approved"):
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s is %(state)s: it cannot be rejected.",
                        name=adjustment.name,
                        state=adjustment._state_label(),
                    )
                )
            adjustment._workflow_write(
                {
                    "state": "rejected",
                    "rejection_reason": reason,
                    "approver_id": False,
                    "approval_date": False,
                }
            )
            adjustment.message_post(
                body=self.env._("Rejected: %(reason)s", reason=reason),
                partner_ids=adjustment.requested_by.partner_id.ids,
            )
        return True

    def action_draft(self):
        """Back to draft, to be changed and submitted again."""
        for adjustment in self:
            if adjustment.state not in ("to_approve", "rejected"):
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s is %(state)s: it cannot go back to draft.",
                        name=adjustment.name,
                        state=adjustment._state_label(),
                    )
                )
            if adjustment.requested_by != self.env.user:
                adjustment._check_csr2()
            adjustment._workflow_write(
                {"state": "draft", "approver_id": False, "approval_date": False}
            )
        return True

    def action_post(self):
        """Post the credit note (or debit note) and reconcile it with the bill.

        A CSR II or a manager posts; Odoo's accounting rights are not theirs
        (CSRs read accounting only): the note is created, posted and reconciled
        with ``sudo()`` once the role, the company, the approval and the policy
        are checked (the user stays the author of the note).
        """
        self._check_csr2()
        self.check_access("write")
        # The form's defaults (default_account_id is a utility account) must not
        # reach the journal entry and its lines.
        for adjustment in self.with_context(clean_context(self.env.context)):
            if adjustment.state != "approved":
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s must be approved before it is posted.",
                        name=adjustment.name,
                    )
                )
            adjustment._check_policy()
            adjustment._check_can_submit()
            if not adjustment.approver_id or adjustment.approver_id == (
                adjustment.requested_by
            ):
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s has no approval by someone other than "
                        "its requester.",
                        name=adjustment.name,
                    )
                )
            accounting = adjustment.sudo()
            move = accounting._create_move()
            move._post(soft=False)
            accounting._reconcile_move(move)
            adjustment._workflow_write(
                {"state": "posted", "move_id": move.id, "post_date": move.date}
            )
            label = (
                self.env._("Credit note")
                if move.move_type == "out_refund"
                else self.env._("Debit note")
            )
            body = self.env._(
                "%(label)s %(move)s of %(amount)s posted for adjustment "
                "%(name)s (%(type)s).",
                label=label,
                move=move.name,
                amount=move.currency_id.format(move.amount_total),
                name=adjustment.name,
                type=dict(ADJUSTMENT_TYPES)[adjustment.adjustment_type],
            )
            adjustment.message_post(body=body)
            adjustment.account_id.message_post(body=body)
            if adjustment.bill_id:
                adjustment.bill_id.sudo().message_post(body=body)
        return True

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Rights and policies
    # ------------------------------------------------------------

    def _check_csr2(self):
        if self.env.su or self.env.user.has_group("utility_billing.group_csr_2"):
            return
        raise AccessError(
            self.env._(
                "Only a Customer Service Representative II or a manager can approve, "
                "reject or post adjustments."
            )
        )

    def _check_approval_rights(self):
        """CSR II up to the company's limit, manager above it; never one's own."""
        self.ensure_one()
        if self.requested_by == self.env.user:
            raise UserError(
                self.env._(
                    "You requested adjustment %(name)s: someone else must approve it.",
                    name=self.name,
                )
            )
        self._check_csr2()
        limit = self.company_id.utility_adjustment_approval_limit
        over = float_compare(
            abs(self.amount), limit, precision_rounding=self.currency_id.rounding
        )
        if over > 0 and not self.env.user.has_group("utility_billing.group_manager"):
            raise AccessError(
                self.env._(
                    "Adjustment %(name)s of %(amount)s is above the approval limit of "
                    "%(limit)s: a manager must approve it.",
                    name=self.name,
                    amount=self.currency_id.format(abs(self.amount)),
                    limit=self.currency_id.format(limit),
                )
            )

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

    # ------------------------------------------------------------
    # Computations
    # ------------------------------------------------------------

    def _get_lines_other(self):
        """One line: the amount entered, with the reason."""
        self.ensure_one()
        if float_is_zero(self.amount, precision_rounding=self.currency_id.rounding):
            raise UserError(
                self.env._("Enter the amount of adjustment %(name)s.", name=self.name)
            )
        product = self.company_id._get_utility_adjustment_product()
        return [
            {
                "name": self.reason,
                "product_id": product.id,
                "account_id": product._utility_income_account(self.company_id).id,
                "quantity": 1.0,
                "price_unit": self.amount,
                "tax_ids": [Command.clear()],
            }
        ], False

    def _get_lines_penalty_reversal(self):
        """Credit the penalty lines of the bill, as they were billed."""
        self.ensure_one()
        product = self.company_id._utility_penalty_product()
        if not product:
            raise UserError(
                self.env._(
                    "Set the penalty product in Utility Billing > Configuration > "
                    "Settings before reversing penalties."
                )
            )
        penalties = self.bill_id.invoice_line_ids.filtered(
            lambda ln: ln.product_id == product and ln.display_type == "product"
        )
        if not penalties:
            raise UserError(
                self.env._(
                    "Bill %(bill)s has no %(product)s line to reverse.",
                    bill=self.bill_id.name,
                    product=product.display_name,
                )
            )
        lines = [
            self._prepare_line_from_bill_line(
                line,
                self.env._(
                    "Reversal of %(line)s (bill %(bill)s)",
                    line=line.name,
                    bill=self.bill_id.name,
                ),
                line.quantity,
            )
            for line in penalties
        ]
        return lines, False

    def _get_lines_leak(self):
        """Credit for a repaired leak, by the city's policy.

        For each metered service of the bill: usual use = the average daily use
        of the account's earlier valid reads (actual reads of the 12 months
        before the bill's reads, no estimates) times the days of the bill
        period; excess = the use billed on the bill minus the usual use.

        * basis ``tier1``: credit the excess at the price of the bill's first
          tier line (the tier-1 price);
        * basis ``percent``: credit the company's percentage of what the excess
          was charged, the excess being the top of the billed use: the bill's
          tier lines are taken from the highest price down.
        """
        self.ensure_one()
        company = self.company_id
        bill = self.bill_id
        lines, notes = [], []
        period_days = (bill.utility_period_end - bill.utility_period_start).days + 1
        for service_type, reads in bill.utility_read_ids.grouped(
            "service_type_id"
        ).items():
            tier_lines = self._bill_tier_lines(service_type)
            if not tier_lines:
                continue
            uom = service_type.uom_id.name or ""
            billed = float_round(sum(reads.mapped("consumption")), precision_digits=3)
            daily, history_note = self._usual_daily_use(service_type, reads)
            usual = float_round(daily * period_days, precision_digits=3)
            excess = float_round(billed - usual, precision_digits=3)
            notes.append(
                self.env._(
                    "%(service)s: billed use %(billed)s %(uom)s. Usual use "
                    "%(daily)s %(uom)s a day (%(history)s) x %(days)s days of the "
                    "bill period = %(usual)s %(uom)s. Excess: %(excess)s %(uom)s.",
                    service=service_type.name,
                    billed=billed,
                    uom=uom,
                    daily=float_round(daily, precision_digits=4),
                    history=history_note,
                    days=period_days,
                    usual=usual,
                    excess=excess,
                )
            )
            if excess <= 0:
                continue
            if company.utility_leak_credit_basis == "percent":
                percent = company.utility_leak_credit_percent
                remaining = excess
                for line in tier_lines.sorted(lambda ln: (-ln.price_unit, -ln.id)):
                    quantity = float_round(
                        min(remaining, line.quantity), precision_digits=3
                    )
                    if quantity <= 0:
                        break
                    lines.append(
                        self._prepare_line_from_bill_line(
                            line,
                            self.env._(
                                "Leak credit: %(percent)s%% of %(qty)s %(uom)s of "
                                "excess billed at %(price)s",
                                percent=percent,
                                qty=quantity,
                                uom=uom,
                                price=line.price_unit,
                            ),
                            quantity,
                            percent=percent,
                        )
                    )
                    remaining = float_round(remaining - quantity, precision_digits=3)
            else:
                tier1 = tier_lines[0]
                lines.append(
                    self._prepare_line_from_bill_line(
                        tier1,
                        self.env._(
                            "Leak credit: %(qty)s %(uom)s above usual use at the "
                            "tier-1 price %(price)s",
                            qty=excess,
                            uom=uom,
                            price=tier1.price_unit,
                        ),
                        excess,
                    )
                )
        if not notes:
            raise UserError(
                self.env._(
                    "Bill %(bill)s has no metered use billed by tiers.", bill=bill.name
                )
            )
        if not lines:
            # Not an error: the computation is kept on the request for the CSR
            # to read (and to tell the customer); submitting it is refused.
            notes.insert(
                0,
                self.env._(
                    "Bill %(bill)s shows no use above the usual use: no leak credit.",
                    bill=bill.name,
                ),
            )
        return lines, "\n".join(notes)

    def _get_lines_estimate_correction(self):
        """Re-rate periods billed on estimates once an actual read trues them up.

        The bill must carry the actual read of a meter whose previous read(s)
        were estimates billed on earlier bills. The actual read's consumption is
        measured from the last estimate, so the use of the estimated periods
        plus this one is exact only taken together: it is re-rated as one
        period covering all of them (from the first period's start to this
        bill's end, with the tier allowances of all their months, at the rate
        versions in effect, prorated by days across a rate change) with the
        service's rate (``_rate``). The volumetric (tiered) charges of that
        re-rating are compared, price by price, with the tiered lines billed for
        the service on the estimated bills and on this bill: billed more is
        credited, billed less is charged. Fixed charges and minimum bills do not
        depend on the consumption and stay as billed.
        """
        self.ensure_one()
        bill = self.bill_id
        account = self.account_id
        lines, notes = [], []
        for meter, reads in bill.utility_read_ids.grouped("meter_id").items():
            reads = reads.sorted(lambda r: (r.read_datetime, r.id))
            if reads[-1].read_type == "estimated":
                continue
            bills = bill
            estimated = self.env["utility.meter.read"]
            previous = reads[0].previous_read_id
            while (
                previous
                and previous.read_type == "estimated"
                and previous.billed_move_id
                and previous.billed_move_id.state == "posted"
            ):
                estimated |= previous
                bills |= previous.billed_move_id
                previous = previous.previous_read_id
            if not estimated:
                continue
            service = account.service_ids.filtered(lambda s, m=meter: s.meter_id == m)[
                :1
            ]
            schedule = service.rate_schedule_id
            if not schedule:
                continue
            all_reads = self.env["utility.meter.read"].search(
                [("meter_id", "=", meter.id), ("billed_move_id", "in", bills.ids)],
                order="read_datetime, id",
            )
            consumption = float_round(
                sum(all_reads.mapped("consumption")), precision_digits=3
            )
            date_from = min(bills.mapped("utility_period_start"))
            date_to = max(bills.mapped("utility_period_end"))
            months = sum(
                MONTHS_PER_FREQUENCY.get(
                    b.utility_billing_run_id.cycle_id.frequency
                    or account.billing_cycle_id.frequency,
                    1,
                )
                for b in bills
            )
            ctx = {
                "date_from": date_from,
                "date_to": date_to,
                "period_days": (date_to - date_from).days + 1,
                "days": sum(all_reads.mapped("days")) or (date_to - date_from).days + 1,
                "months": months,
                "consumption": consumption,
                "read_date": all_reads[-1].read_date,
                "meter_size": meter.size,
                "living_units": account.premise_id.living_units,
                "winter_average": None,
                "proration": 1.0,
            }
            rerated = [
                charge
                for charge in schedule._rate(ctx)
                if charge["component"].component_type == "tiered"
            ]
            products = self._tiered_products(schedule)
            billed_lines = bills.invoice_line_ids.filtered(
                lambda ln, s=service, p=products: (
                    ln.display_type == "product"
                    and ln.utility_service_type_id == s.service_type_id
                    and ln.product_id in p
                )
            )
            uom = meter.service_type_id.uom_id.name or ""
            notes.append(
                self.env._(
                    "Meter %(serial)s: %(count)s estimated read(s) trued up by the "
                    "read of %(date)s. Use of %(start)s to %(end)s (%(months)s "
                    "months, bills %(bills)s): %(consumption)s %(uom)s, re-rated "
                    "as one period.",
                    serial=meter.serial,
                    count=len(estimated),
                    date=reads[-1].read_date,
                    start=date_from,
                    end=date_to,
                    months=months,
                    bills=", ".join(bills.sorted("invoice_date").mapped("name")),
                    consumption=consumption,
                    uom=uom,
                )
            )
            lines += self._net_rerated_lines(billed_lines, rerated, service, uom)
        if not notes:
            raise UserError(
                self.env._(
                    "Bill %(bill)s carries no actual read following billed estimates: "
                    "choose the bill of the read that replaced the estimates.",
                    bill=bill.name,
                )
            )
        if not lines:
            raise UserError(
                self.env._(
                    "Re-rating the estimated periods gives what was billed: nothing "
                    "to adjust.\n%(computation)s",
                    computation="\n".join(notes),
                )
            )
        return lines, "\n".join(notes)

    # ------------------------------------------------------------
    # Computation helpers
    # ------------------------------------------------------------

    def _tiered_products(self, schedule):
        """Products of the tiered components of every version of ``schedule``."""
        versions = schedule.with_context(active_test=False).search(
            [("code", "=", schedule.code), ("company_id", "=", schedule.company_id.id)]
        )
        return versions.component_ids.filtered(
            lambda c: c.component_type == "tiered"
        ).product_id

    def _bill_tier_lines(self, service_type):
        """The bill's tiered charge lines of ``service_type``, tier 1 first."""
        service = self.account_id.service_ids.filtered(
            lambda s: s.service_type_id == service_type
        )[:1]
        if not service.rate_schedule_id:
            return self.env["account.move.line"]
        products = self._tiered_products(service.rate_schedule_id)
        return self.bill_id.invoice_line_ids.filtered(
            lambda ln: (
                ln.display_type == "product"
                and ln.utility_service_type_id == service_type
                and ln.product_id in products
                and ln.quantity > 0
            )
        ).sorted(lambda ln: (ln.sequence, ln.id))

    def _usual_daily_use(self, service_type, bill_reads):
        """(average daily use, description) of the account's reads before
        ``bill_reads``: actual reads of the previous 12 months, no estimates."""
        first = min(bill_reads.mapped("read_datetime"))
        since = self.bill_id.utility_period_start - relativedelta(months=12)
        history = self.env["utility.meter.read"].search(
            [
                ("account_id", "=", self.account_id.id),
                ("service_type_id", "=", service_type.id),
                ("state", "in", ("valid", "billed")),
                ("read_type", "not in", ("initial", "estimated")),
                ("read_datetime", "<", first),
                ("read_date", ">=", since),
                ("id", "not in", bill_reads.ids),
                ("days", ">", 0),
                ("consumption", ">=", 0),
            ]
        )
        days = sum(history.mapped("days"))
        if not days:
            raise UserError(
                self.env._(
                    "Account %(account)s has no earlier reads to measure its usual "
                    "use from.",
                    account=self.account_id.name,
                )
            )
        total = float_round(sum(history.mapped("consumption")), precision_digits=3)
        description = self.env._(
            "%(total)s over %(days)s days of %(count)s reads",
            total=total,
            days=days,
            count=len(history),
        )
        return total / days, description

    def _net_rerated_lines(self, billed_lines, rerated, service, uom):
        """Lines crediting (billed more) or charging (billed less), price by price."""
        by_price = defaultdict(lambda: {"billed": 0.0, "rerated": 0.0, "line": None})
        for line in billed_lines:
            key = (line.product_id.id, round(line.price_unit, 6))
            by_price[key]["billed"] += line.quantity
            by_price[key]["line"] = by_price[key]["line"] or line
        for charge in rerated:
            key = (charge["product"].id, round(charge["price_unit"], 6))
            by_price[key]["rerated"] += charge["quantity"]
            by_price[key].setdefault("charge", charge)
        lines = []
        for (product_id, price), values in sorted(
            by_price.items(), key=lambda item: item[0][1]
        ):
            quantity = float_round(
                values["billed"] - values["rerated"], precision_digits=3
            )
            if float_is_zero(quantity, precision_digits=3):
                continue
            name = self.env._(
                "%(product)s at %(price)s: billed %(billed)s %(uom)s, re-rated "
                "%(rerated)s %(uom)s",
                product=self.env["product.product"].browse(product_id).display_name,
                price=price,
                billed=float_round(values["billed"], precision_digits=3),
                rerated=float_round(values["rerated"], precision_digits=3),
                uom=uom,
            )
            if values["line"]:
                vals = self._prepare_line_from_bill_line(values["line"], name, quantity)
                vals["price_unit"] = price
            else:
                product = values["charge"]["product"]
                taxes = product.taxes_id.filtered(
                    lambda t: t.company_id == self.company_id
                )
                if self.account_id.uut_exempt:
                    taxes = self.env["account.tax"]
                vals = {
                    "name": name,
                    "product_id": product.id,
                    "account_id": product._utility_income_account(self.company_id).id,
                    "quantity": quantity,
                    "price_unit": price,
                    "tax_ids": [Command.set(taxes.ids)],
                    "service_type_id": service.service_type_id.id,
                }
            lines.append(vals)
        return lines

    def _prepare_line_from_bill_line(self, bill_line, name, quantity, percent=100.0):
        """A computation line crediting ``quantity`` of ``bill_line`` as billed."""
        return {
            "name": name,
            "bill_line_id": bill_line.id,
            "product_id": bill_line.product_id.id,
            "account_id": bill_line.account_id.id,
            "quantity": quantity,
            "price_unit": bill_line.price_unit,
            "percent": percent,
            "tax_ids": [Command.set(bill_line.tax_ids.ids)],
            "service_type_id": bill_line.utility_service_type_id.id,
        }

    # ------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------

    def _create_move(self):
        """The draft credit note (credit) or debit note (charge) of the lines."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(
                self.env._("Adjustment %(name)s has no line.", name=self.name)
            )
        vals = self._prepare_move_vals()
        return (
            self.env["account.move"]
            .with_context(default_move_type=vals["move_type"])
            .create(vals)
        )

    def _prepare_move_vals(self):
        self.ensure_one()
        credit = self.amount > 0
        sign = 1 if credit else -1
        account = self.account_id
        bill = self.bill_id
        journal = bill.journal_id or self.company_id._get_utility_journal()
        today = fields.Date.context_today(self)
        vals = {
            "move_type": "out_refund" if credit else "out_invoice",
            "partner_id": account.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": today,
            "date": today,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": account.id,
            "utility_adjustment_id": self.id,
            "payment_reference": account.name,
            "invoice_origin": bill.name or self.name,
            "ref": self.env._(
                "%(name)s: %(reason)s", name=self.name, reason=self.reason
            ),
            "invoice_line_ids": [
                Command.create(line._prepare_move_line_vals(sign))
                for line in self.line_ids
            ],
        }
        if credit:
            if bill:
                vals["reversed_entry_id"] = bill.id
        else:
            vals["invoice_date_due"] = today + relativedelta(
                days=account.billing_cycle_id.due_days or 0
            )
            # A debit note of the utility journal takes its number from the bills'
            # sequence, so that it never takes a number a later bill will get.
            sequence = journal.utility_bill_sequence_id
            if sequence:
                # Past the numbers Odoo gave to entries of the journal.
                vals["name"] = numbering.next_name(sequence, journal, today)
        return vals

    def _reconcile_move(self, move):
        """Apply a credit note to what is still open on the original bill."""
        self.ensure_one()
        if move.move_type != "out_refund" or not self.bill_id:
            return
        lines = (move.line_ids | self.bill_id.line_ids).filtered(
            lambda ln: (
                ln.account_id.account_type == "asset_receivable" and not ln.reconciled
            )
        )
        if lines.filtered(lambda ln: ln.move_id == move) and lines.filtered(
            lambda ln: ln.move_id == self.bill_id
        ):
            lines.reconcile()
