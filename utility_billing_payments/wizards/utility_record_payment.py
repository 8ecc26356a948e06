# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.controls import check_company

# Where a payment recorded in the back office came from.
RECORD_SOURCES = [
    ("mail", "Mail"),
    ("drop_box", "Drop Box"),
    ("online", "Online"),
    ("other", "Other Department"),
]


class UtilityRecordPayment(models.TransientModel):
    """Record a payment received in the back office (a mailed check, the drop
    box, an online payment, another department): a payment entry of the
    account (debit the journal's outstanding receipts, credit receivable),
    applied to its bills oldest due first."""

    _name = "utility.record.payment"
    _description = "Record Payment"

    account_id = fields.Many2one(
        "utility.account", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id")
    currency_id = fields.Many2one(related="account_id.currency_id")
    amount = fields.Monetary(required=True)
    date = fields.Date(
        string="Date Received",
        required=True,
        default=lambda self: self.env.company._utility_today(),
    )
    source = fields.Selection(RECORD_SOURCES, required=True, default="mail")
    journal_id = fields.Many2one(
        "account.journal",
        string="Deposit Journal",
        required=True,
        default=lambda self: self._default_journal(),
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    check_number = fields.Char()
    memo = fields.Char()

    @api.model
    def _default_journal(self):
        account = self.env["utility.account"].browse(
            self.env.context.get("default_account_id")
        )
        company = account.sudo().company_id or self.env.company
        return (
            self.env["account.journal"]
            .sudo()
            .search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
        )

    def _check_rights(self):
        if not self.env.user.has_group("utility_billing.group_csr_1"):
            raise AccessError(
                self.env._("Only a CSR or a manager can record a payment.")
            )
        # The account the user named: theirs to see and of a company they
        # work in, checked before anything is done as superuser.
        check_company(self.account_id)
        if self.journal_id.company_id != self.account_id.company_id:
            raise UserError(
                self.env._(
                    "Journal %(journal)s is not of the company of account %(account)s.",
                    journal=self.journal_id.display_name,
                    account=self.account_id.name,
                )
            )

    def action_record(self):
        self.ensure_one()
        self._check_rights()
        self.account_id._utility_record_payment(
            self.amount,
            self.date,
            self.journal_id,
            self.source,
            check_number=self.check_number,
            memo=self.memo,
        )
        return {"type": "ir.actions.act_window_close"}
