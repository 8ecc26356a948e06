# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityServiceRequestRefuse(models.TransientModel):
    """Refuse a customer's request, saying why (the customer is told)."""

    _name = "utility.service.request.refuse"
    _description = "Refuse a Customer Service Request"

    request_id = fields.Many2one("utility.service.request", required=True)
    reason = fields.Text(required=True)

    def action_refuse(self):
        self.ensure_one()
        # The request's own method checks the rights and the state.
        self.request_id.action_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
