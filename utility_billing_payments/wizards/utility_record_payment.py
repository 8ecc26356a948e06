# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.controls import check_company

# Where a payment recorded in the back office came from.
RECORD_SOURCES = [
    ("mail", "Mail / Drop Box"),
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

    def _outstanding_account(self):
        """The journal's outstanding receipts account (matched with the bank
        statement's deposit), else its bank account."""
        journal = self.journal_id.sudo()
        line = journal.inbound_payment_method_line_ids.filtered("payment_account_id")[
            :1
        ]
        account = line.payment_account_id or journal.default_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Journal %(journal)s has no outstanding receipts account.",
                    journal=journal.name,
                )
            )
        return account

    def action_record(self):
        self.ensure_one()
        self._check_rights()
        if self.currency_id.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(
                self.env._(
                    "Account %(account)s: the payment must be a positive amount.",
                    account=self.account_id.name,
                )
            )
        account = self.account_id.sudo()
        source_label = dict(self._fields["source"]._description_selection(self.env))[
            self.source
        ]
        label = self.env._(
            "%(origin)s payment, account %(account)s",
            origin=source_label,
            account=account.name,
        )
        if self.check_number:
            label = self.env._(
                "%(label)s, check %(number)s", label=label, number=self.check_number
            )
        if self.memo:
            label = f"{label} ({self.memo})"
        amount = self.currency_id.round(self.amount)
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(account.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": self.journal_id.id,
                    "date": self.date,
                    "ref": label,
                    "utility_account_id": account.id,
                    "utility_payment_source": self.source,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": self._outstanding_account().id,
                                "debit": amount,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": account._utility_receivable_account().id,
                                "partner_id": account.partner_id.id,
                                "credit": amount,
                            }
                        ),
                    ],
                }
            )
        )
        move._post(soft=False)
        account._utility_apply_credit(move.line_ids)
        account.message_post(
            body=self.env._(
                "Payment of %(amount)s received on %(date)s recorded: %(entry)s.",
                amount=self.currency_id.format(amount),
                date=fields.Date.to_string(self.date),
                entry=move.display_name,
            )
        )
        return {"type": "ir.actions.act_window_close"}
