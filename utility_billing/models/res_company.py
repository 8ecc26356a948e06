# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    utility_journal_id = fields.Many2one(
        "account.journal",
        string="Utility Bills Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
    )
    utility_deposit_account_id = fields.Many2one(
        "account.account",
        string="Customer Deposits Account",
        help="Liability account holding customer deposits; a final bill applies the "
        "deposit from it.",
    )
    utility_deposit_product_id = fields.Many2one(
        "product.product", string="Deposit Product"
    )

    def _get_utility_journal(self):
        """The sale journal bills post to: the configured one, else one named
        'Utility Bills' (created on first use, code UB)."""
        self.ensure_one()
        if self.utility_journal_id:
            return self.utility_journal_id
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.id), ("type", "=", "sale"), ("code", "=", "UB")],
            limit=1,
        )
        if not journal:
            default = self.env["account.journal"].search(
                [("company_id", "=", self.id), ("type", "=", "sale")], limit=1
            )
            if not default:
                return journal
            journal = default.sudo().copy(
                {"name": self.env._("Utility Bills"), "code": "UB", "sequence": 5}
            )
        self.sudo().utility_journal_id = journal
        return journal


class AccountJournal(models.Model):
    _inherit = "account.journal"

    utility_bill_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Utility Bill Numbers",
        copy=False,
        help="Numbers of the bills billing runs create in this journal.",
    )
