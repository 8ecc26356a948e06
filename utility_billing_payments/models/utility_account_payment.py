# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class UtilityAccount(models.Model):
    """The back office's payment door, shared by Record Payment, the payment
    batches and the lockbox import: one payment entry of the account, applied
    to its bills oldest due first."""

    _inherit = "utility.account"

    @api.model
    def _utility_outstanding_receipts_account(self, journal):
        """The journal's outstanding receipts account (matched with the bank
        statement's deposit), else its bank account. The payment methods of
        online payment providers on the journal (``account_payment``) are the
        providers' own: their accounts are not the office's receipts."""
        journal = journal.sudo()
        line = journal.inbound_payment_method_line_ids.filtered(
            lambda ln: ln.payment_account_id and not ln.payment_provider_id
        )[:1]
        account = line.payment_account_id or journal.default_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Journal %(journal)s has no outstanding receipts account.",
                    journal=journal.name,
                )
            )
        return account

    def _utility_record_payment(
        self,
        amount,
        date,
        journal,
        source,
        check_number=None,
        memo=None,
        ref_prefix=None,
    ):
        """Post a payment of ``amount`` received on ``date`` from ``source``
        (a ``utility_payment_source``) into ``journal``: debit the journal's
        outstanding receipts, credit the account's receivable, applied to the
        account's bills oldest due first, with a line in its history.

        The caller checked the user's role and company; this runs the
        accounting as superuser. Returns the posted entry.
        """
        self.ensure_one()
        account = self.sudo()
        currency = account.currency_id
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(
                self.env._(
                    "Account %(account)s: the payment must be a positive amount.",
                    account=account.name,
                )
            )
        if journal.sudo().company_id != account.company_id:
            raise UserError(
                self.env._(
                    "Journal %(journal)s is not of the company of account %(account)s.",
                    journal=journal.sudo().display_name,
                    account=account.name,
                )
            )
        Move = self.env["account.move"]
        source_label = dict(
            Move._fields["utility_payment_source"]._description_selection(self.env)
        )[source]
        label = self.env._(
            "%(origin)s payment, account %(account)s",
            origin=source_label,
            account=account.name,
        )
        if ref_prefix:
            label = f"{ref_prefix}: {label}"
        if check_number:
            label = self.env._(
                "%(label)s, check %(number)s", label=label, number=check_number
            )
        if memo:
            label = f"{label} ({memo})"
        amount = currency.round(amount)
        outstanding = self._utility_outstanding_receipts_account(journal)
        move = (
            Move.sudo()
            .with_company(account.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": label,
                    "utility_account_id": account.id,
                    "utility_payment_source": source,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": outstanding.id,
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
                amount=currency.format(amount),
                date=fields.Date.to_string(date),
                entry=move.display_name,
            )
        )
        return move
