# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A delinquency step taken on a bill of an account (``utility.delinquency.event``)."""

from odoo import api, fields, models

from ..tools.controls import (
    check_protected_create,
    check_protected_write,
)

EVENT_FIELDS = (
    "run_id",
    "account_id",
    "bill_id",
    "step_id",
    "date",
    "amount",
    "waived",
    "notice_id",
    "penalty_move_id",
    "company_id",
)


class UtilityDelinquencyEvent(models.Model):
    """A delinquency step taken on a bill of an account, once."""

    _name = "utility.delinquency.event"
    _description = "Utility Delinquency Step Taken"
    _order = "date desc, id desc"
    _check_company_auto = True

    run_id = fields.Many2one(
        "utility.delinquency.run", index=True, ondelete="set null", readonly=True
    )
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, readonly=True
    )
    bill_id = fields.Many2one("account.move", required=True, index=True, readonly=True)
    step_id = fields.Many2one(
        "utility.delinquency.policy.step", required=True, readonly=True
    )
    action = fields.Selection(related="step_id.action", store=True)
    date = fields.Date(required=True, readonly=True, index=True)
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Penalty charged, or amount past due when the step was taken.",
    )
    waived = fields.Boolean(
        readonly=True, help="Low-income household: penalty waived (SB 998)."
    )
    notice_id = fields.Many2one("utility.notice", readonly=True)
    penalty_move_id = fields.Many2one(
        "account.move", string="Penalty Invoice", readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "bill_step_uniq",
            "unique(bill_id, step_id)",
            "A delinquency step is taken once per bill.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            EVENT_FIELDS,
            "utility.delinquency.run",
            message=self.env._("Delinquency steps are taken by the delinquency run."),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, EVENT_FIELDS, "utility.delinquency.run")
        return super().write(vals)
