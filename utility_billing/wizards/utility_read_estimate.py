# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

MONTHS = {"monthly": 1, "bimonthly": 2, "quarterly": 3}


class UtilityReadEstimate(models.TransientModel):
    """Estimate reads for the meters of a cycle that were not read."""

    _name = "utility.read.estimate"
    _description = "Estimate Missing Meter Reads"

    cycle_id = fields.Many2one("utility.billing.cycle", required=True)
    read_date = fields.Date(
        string="Estimate Date",
        required=True,
        default=lambda self: self.env.company._utility_today(),
        help="The date of the estimated reads, in the utility's time zone.",
    )
    period_start = fields.Date(
        compute="_compute_period_start",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        help="Meters with a read on or after this date are not estimated.",
    )
    basis = fields.Selection(
        [
            ("average", "Average daily use of the last reads"),
            ("last_year", "Same period last year"),
        ],
        required=True,
        default="average",
    )
    history_count = fields.Integer(string="Reads in Average", default=3, required=True)
    result = fields.Text(readonly=True)

    @api.depends("cycle_id", "read_date")
    def _compute_period_start(self):
        for wizard in self:
            months = MONTHS.get(wizard.cycle_id.frequency, 1)
            base = wizard.read_date or wizard.env.company._utility_today()
            wizard.period_start = (
                base - relativedelta(months=months) + relativedelta(days=1)
            )

    def action_estimate(self):
        self.ensure_one()
        reads, skipped = self.env["utility.meter.read"]._estimate_missing(
            self.cycle_id,
            self.cycle_id.company_id._utility_local_to_utc(self.read_date),
            self.period_start,
            self.basis,
            self.history_count,
        )
        lines = [self.env._("%(count)s reads estimated.", count=len(reads))]
        lines += [
            self.env._(
                "%(serial)s: not estimated, %(reason)s.",
                serial=meter.serial,
                reason=reason,
            )
            for meter, reason in skipped.items()
        ]
        self.result = "\n".join(lines)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
