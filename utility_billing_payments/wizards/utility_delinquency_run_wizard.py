# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class UtilityDelinquencyRunWizard(models.TransientModel):
    """Run the delinquency steps for a date (CSR II); running a date again
    changes nothing that was done."""

    _name = "utility.delinquency.run.wizard"
    _description = "Run Delinquency Steps for a Date"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def action_run(self):
        self.ensure_one()
        Run = self.env["utility.delinquency.run"]
        Run._check_can_run()
        if self.company_id not in self.env.companies:
            raise UserError(
                self.env._(
                    "You do not work in %(company)s: its delinquency steps are run "
                    "by its own staff.",
                    company=self.company_id.name,
                )
            )
        run = Run._get_or_create(self.company_id, self.date)
        run.action_run()
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.delinquency.run",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }
