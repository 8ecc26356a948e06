# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.controls import check_protected_create, check_protected_write

DELINQUENCY_KINDS = ("late", "final", "shutoff", "door_hanger", "plan_broken")
# What the delinquency run and payment plans record on their notices (door
# "utility.notice"): a notice a user makes cannot pose as the shut-off notice of
# a bill, nor as the notice of a broken plan.
DLQ_NOTICE_PROTECTED_FIELDS = (
    "delinquency_run_id",
    "delinquency_bill_id",
    "delinquency_step_id",
    "payment_plan_id",
    "due_date",
    "shutoff_date",
    "occupant",
)
# The notices the shut-off safeguards count: made by the delinquency run (the
# shut-off notice of a bill) or by a broken payment plan.
SAFEGUARD_NOTICE_DOMAIN = [
    "|",
    ("delinquency_bill_id", "!=", False),
    ("payment_plan_id", "!=", False),
]
# Kinds delivered on paper whatever the account's preference: the SB 998 written
# notice is mailed (and posted at the premise for the door hanger).
LETTER_ONLY_KINDS = ("shutoff", "door_hanger", "plan_broken")


class UtilityNotice(models.Model):
    _inherit = "utility.notice"

    kind = fields.Selection(
        selection_add=[
            ("late", "Late Notice"),
            ("final", "Final Notice"),
            ("shutoff", "Shut-off Notice"),
            ("door_hanger", "48-hour Notice / Door Hanger"),
            ("plan_broken", "Payment Plan Broken"),
        ],
        ondelete={
            "late": "cascade",
            "final": "cascade",
            "shutoff": "cascade",
            "door_hanger": "cascade",
            "plan_broken": "cascade",
        },
    )
    delinquency_run_id = fields.Many2one(
        "utility.delinquency.run",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    delinquency_bill_id = fields.Many2one(
        "account.move",
        string="Delinquent Bill",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    delinquency_step_id = fields.Many2one(
        "utility.delinquency.policy.step", readonly=True, copy=False
    )
    payment_plan_id = fields.Many2one(
        "utility.payment.plan", index="btree_not_null", readonly=True, copy=False
    )
    due_date = fields.Date(
        string="Bill Due Date", help="Due date of the oldest delinquent bill."
    )
    shutoff_date = fields.Date(
        string="Shut-off On or After",
        help="Date on or after which service may be shut off unless the amount is "
        "paid or a payment arrangement is made (SB 998: at least 7 business days "
        "after the notice).",
    )
    occupant = fields.Boolean(
        string="Copy to Occupant",
        help="Copy mailed to 'Occupant' at the service address, which differs from "
        "the customer's mailing address (SB 998).",
    )
    walk_sequence = fields.Integer(aggregator=None, related="premise_id.sequence")
    route_id = fields.Many2one(related="premise_id.route_id")

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self, vals_list, DLQ_NOTICE_PROTECTED_FIELDS, "utility.notice"
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, DLQ_NOTICE_PROTECTED_FIELDS, "utility.notice")
        return super().write(vals)

    def init(self):
        res = super().init()
        # A delinquency notice of a kind is sent once per bill (and its copy to
        # the occupant once): enforced by the database, whatever re-runs.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS utility_notice_delinquency_uniq
                       ON utility_notice (delinquency_bill_id, kind,
                                          coalesce(occupant, false))
                    WHERE delinquency_bill_id IS NOT NULL"""
            )
        )
        return res

    @api.depends("account_id.paperless", "partner_id.email", "kind", "occupant")
    def _compute_channel(self):
        res = super()._compute_channel()
        for notice in self.filtered(lambda n: n.state != "sent"):
            if notice.kind in LETTER_ONLY_KINDS or notice.occupant:
                notice.channel = "letter"
        return res

    def _get_mail_template(self):
        self.ensure_one()
        if self.kind in DELINQUENCY_KINDS:
            return self.env.ref(
                "utility_billing_payments.mail_template_notice_delinquency"
            )
        return super()._get_mail_template()

    def _compute_display_name(self):
        res = super()._compute_display_name()
        for notice in self.filtered("occupant"):
            notice.display_name = self.env._(
                "%(notice)s (Occupant copy)", notice=notice.display_name
            )
        return res

    @api.model
    def _portal_domain(self, account):
        # The copy mailed to "Occupant" is the same notice: listed once.
        return super()._portal_domain(account) + [("occupant", "=", False)]

    # ------------------------------------------------------------
    # Letter helpers
    # ------------------------------------------------------------

    def _dlq_phone(self):
        self.ensure_one()
        return self.company_id.utility_sb998_phone or self.company_id.phone or ""

    def _dlq_is_delinquency(self):
        self.ensure_one()
        return self.kind in DELINQUENCY_KINDS

    def _dlq_amount(self):
        """The amount due, formatted in the currency."""
        self.ensure_one()
        return self.currency_id.format(self.amount_due)

    @api.model
    def _dlq_letters_in_walk_order(self, notices):
        """Letters sorted as the mail room and the field crews want them: by
        route, then walk sequence, then account."""
        return notices.sorted(
            lambda n: (
                n.premise_id.route_id.code or "",
                n.premise_id.sequence,
                n.account_id.name or "",
                n.occupant,
                n.id,
            )
        )
