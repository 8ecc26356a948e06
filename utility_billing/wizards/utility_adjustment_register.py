# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class UtilityAdjustmentRegister(models.TransientModel):
    """Print the register of the adjustments posted in a date range."""

    _name = "utility.adjustment.register"
    _description = "Utility Billing Adjustments Register"

    date_from = fields.Date(
        required=True,
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        ),
    )
    date_to = fields.Date(
        required=True,
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        ),
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise UserError(self.env._("The register ends before it starts."))

    def _get_adjustments(self):
        self.ensure_one()
        return self.env["utility.adjustment"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "posted"),
                ("post_date", ">=", self.date_from),
                ("post_date", "<=", self.date_to),
            ],
            order="adjustment_type, post_date, name",
        )

    def action_print(self):
        self.ensure_one()
        adjustments = self._get_adjustments()
        if not adjustments:
            raise UserError(
                self.env._(
                    "No adjustment was posted from %(start)s to %(end)s.",
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        return self.env.ref(
            "utility_billing.action_report_utility_adjustment_register"
        ).report_action(
            adjustments,
            data={
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
            },
        )
