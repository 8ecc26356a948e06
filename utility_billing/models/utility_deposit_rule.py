# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .utility_service_type import CUSTOMER_CLASSES


class UtilityDepositRule(models.Model):
    """Deposit required when service starts, by customer class."""

    _name = "utility.deposit.rule"
    _description = "Utility Deposit Rule"
    _inherit = ["mail.thread"]
    _order = "customer_class"

    customer_class = fields.Selection(CUSTOMER_CLASSES, required=True, tracking=True)
    amount = fields.Monetary(required=True, tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "class_company_uniq",
            "unique(customer_class, company_id)",
            "There is already a deposit rule for this customer class.",
        ),
        ("amount_positive", "CHECK(amount >= 0)", "A deposit cannot be negative."),
    ]
