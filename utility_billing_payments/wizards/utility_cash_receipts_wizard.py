# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import fields, models
from odoo.exceptions import UserError


class UtilityCashReceiptsWizard(models.TransientModel):
    """Print the day's cash receipts and deposit slip of the counters."""

    _name = "utility.cash.receipts.wizard"
    _description = "Daily Cash Receipts"

    date = fields.Date(required=True, default=fields.Date.context_today)
    config_ids = fields.Many2many(
        "pos.config",
        string="Counters",
        domain=[("utility_counter", "=", True)],
        help="Leave empty for every counter of the company.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def _get_sessions(self):
        self.ensure_one()
        start = datetime.combine(self.date, time.min)
        domain = [
            ("company_id", "=", self.company_id.id),
            ("start_at", ">=", fields.Datetime.to_string(start)),
            ("start_at", "<", fields.Datetime.to_string(start + timedelta(days=1))),
        ]
        if self.config_ids:
            domain.append(("config_id", "in", self.config_ids.ids))
        else:
            domain.append(("config_id.utility_counter", "=", True))
        return self.env["pos.session"].search(domain, order="start_at")

    def action_print(self):
        sessions = self._get_sessions()
        if not sessions:
            raise UserError(
                self.env._("No counter session was opened on %(date)s.", date=self.date)
            )
        return self.env.ref(
            "utility_billing_payments.action_report_utility_cash_receipts"
        ).report_action(sessions)
