# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES

# Government Code 54348: a basic penalty of at most 10% of the delinquent
# charges for the first month (plus at most 0.5% a month after that, which
# this version does not charge).
PENALTY_CAP_PERCENT = 10.0

STEP_ACTIONS = [
    ("penalty", "Late Penalty"),
    ("late_notice", "Late Notice"),
    ("final_notice", "Final Notice"),
    ("shutoff_notice", "Shut-off Notice"),
    ("door_hanger", "48-hour Notice / Door Hanger"),
    ("shutoff_list", "Shut-off List"),
]
# The notice kind each notice step sends.
NOTICE_KIND_BY_ACTION = {
    "late_notice": "late",
    "final_notice": "final",
    "shutoff_notice": "shutoff",
    "door_hanger": "door_hanger",
}
# Customer classes whose water service SB 998 protects.
SB998_CLASSES = ("residential", "multi_family")


class UtilityDelinquencyPolicy(models.Model):
    """Dated delinquency steps for a customer class.

    Each step is taken when the oldest delinquent bill of an account is that many
    days past its due date (penalties: each delinquent bill), once.
    """

    _name = "utility.delinquency.policy"
    _description = "Utility Delinquency Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    customer_class = fields.Selection(
        CUSTOMER_CLASSES,
        tracking=True,
        help="Accounts of this class follow this policy; a policy without a class "
        "applies to the classes that have none of their own.",
    )
    minimum_amount = fields.Monetary(
        string="Minimum Past Due",
        currency_field="currency_id",
        default=10.0,
        tracking=True,
        help="Nothing happens to an account owing less than this past due.",
    )
    sb998 = fields.Boolean(
        string="SB 998 Protections",
        compute="_compute_sb998",
        store=True,
        readonly=False,
        tracking=True,
        help="Residential water service: no shut-off before 60 days of delinquency, "
        "nor while a medical certification, inability to pay and willingness to "
        "enter a payment plan are on file (Health and Safety Code 116900 et seq.).",
    )
    shutoff_notice_business_days = fields.Integer(
        aggregator=None,
        string="Shut-off Notice Business Days",
        default=7,
        help="Business days between the shut-off notice and the shut-off (SB 998: "
        "at least 7).",
    )
    contact_attempt_required = fields.Boolean(
        tracking=True,
        help="SB 998 accounts go on a shut-off list only when the contact log "
        "shows a phone call, or a site visit and a notice posted at the residence, "
        "since the oldest unpaid bill fell due. Whatever this says, a letter "
        "returned undeliverable to a customer not reached by phone calls for the "
        "site visit and the posted notice (HSC 116908(a)(2)).",
    )
    step_ids = fields.One2many(
        "utility.delinquency.policy.step", "policy_id", string="Steps", copy=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("customer_class")
    def _compute_sb998(self):
        for policy in self:
            policy.sb998 = policy.customer_class in SB998_CLASSES

    @api.constrains("customer_class", "company_id", "active")
    def _check_one_per_class(self):
        for policy in self.filtered("active"):
            others = self.search_count(
                [
                    ("id", "!=", policy.id),
                    ("company_id", "=", policy.company_id.id),
                    ("customer_class", "=", policy.customer_class),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: its customer class already has an "
                        "active delinquency policy.",
                        policy=policy.name,
                    )
                )

    @api.constrains("sb998", "shutoff_notice_business_days", "minimum_amount")
    def _check_sb998(self):
        for policy in self:
            if policy.minimum_amount < 0:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: the minimum past due cannot be negative.",
                        policy=policy.name,
                    )
                )
            if not policy.sb998:
                continue
            if policy.shutoff_notice_business_days < 7:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s protects residential water service under "
                        "SB 998: the shut-off notice comes at least 7 business days "
                        "before the shut-off.",
                        policy=policy.name,
                    )
                )
            for step in policy.step_ids.filtered(
                lambda s: s.action == "shutoff_list" and s.active
            ):
                if step.days < 60:
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s, step %(step)s: under SB 998 no "
                            "residential water shut-off before a bill is 60 days "
                            "delinquent (%(days)s days set).",
                            policy=policy.name,
                            step=step.name,
                            days=step.days,
                        )
                    )

    def _get_steps(self):
        """Active steps, in the order they are taken."""
        self.ensure_one()
        return self.step_ids.filtered("active").sorted(lambda s: (s.days, s.sequence))

    @api.model
    def _get_policy_by_class(self, company):
        """{customer class: policy} for ``company`` (classes without a policy of
        their own get the policy without class)."""
        policies = self.search([("company_id", "=", company.id)])
        default = policies.filtered(lambda p: not p.customer_class)[:1]
        result = {}
        for code, _label in CUSTOMER_CLASSES:
            result[code] = (
                policies.filtered(lambda p, c=code: p.customer_class == c)[:1]
                or default
            )
        return result


class UtilityDelinquencyPolicyStep(models.Model):
    _name = "utility.delinquency.policy.step"
    _description = "Utility Delinquency Policy Step"
    _order = "policy_id, days, sequence, id"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "utility.delinquency.policy", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    action = fields.Selection(STEP_ACTIONS, required=True)
    days = fields.Integer(
        aggregator=None,
        string="Days After Due Date",
        required=True,
        help="The step is taken when the bill is this many days past its due date.",
    )
    penalty_type = fields.Selection(
        [("percent", "Percentage of the delinquent charges"), ("flat", "Flat amount")],
        default="percent",
    )
    penalty_percent = fields.Float(
        aggregator=None,
        string="Penalty (%)",
        default=10.0,
        help="At most 10% of the delinquent charges (Government Code 54348).",
    )
    penalty_amount = fields.Monetary(
        string="Flat Penalty",
        currency_field="currency_id",
        help="Charged as it is, but never more than 10% of the delinquent charges "
        "(Government Code 54348).",
    )
    currency_id = fields.Many2one(related="policy_id.currency_id")
    company_id = fields.Many2one(related="policy_id.company_id", store=True)

    @api.constrains("action", "penalty_type", "penalty_percent", "penalty_amount")
    def _check_penalty(self):
        for step in self.filtered(lambda s: s.action == "penalty"):
            if step.penalty_type == "percent" and not (
                0 < step.penalty_percent <= PENALTY_CAP_PERCENT
            ):
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s, step %(step)s: the late penalty is at "
                        "most %(cap)s%% of the delinquent charges (Government Code "
                        "54348); %(percent)s%% set.",
                        policy=step.policy_id.name,
                        step=step.name,
                        cap=PENALTY_CAP_PERCENT,
                        percent=step.penalty_percent,
                    )
                )
            if step.penalty_type == "flat" and step.penalty_amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s, step %(step)s: enter the flat penalty.",
                        policy=step.policy_id.name,
                        step=step.name,
                    )
                )

    @api.constrains("days", "action", "active")
    def _check_days(self):
        for step in self:
            if step.days < 0:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s, step %(step)s: days after the due date "
                        "cannot be negative.",
                        policy=step.policy_id.name,
                        step=step.name,
                    )
                )
        self.policy_id._check_sb998()

    def _compute_penalty(self, delinquent_amount, currency):
        """Penalty for ``delinquent_amount``: the step's percentage or flat amount,
        never above Government Code 54348's 10% of the delinquent charges."""
        self.ensure_one()
        cap = currency.round(delinquent_amount * PENALTY_CAP_PERCENT / 100.0)
        if self.penalty_type == "flat":
            amount = self.penalty_amount
        else:
            amount = delinquent_amount * self.penalty_percent / 100.0
        return min(currency.round(amount), cap)
