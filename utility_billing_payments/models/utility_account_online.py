# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Online payments (customer portal): the payment of a done transaction
joins the account's payment door."""

# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models
from odoo.exceptions import UserError


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    def _utility_online_payment(self, payment):
        """The posted ``payment`` of an online transaction is a payment of this
        account: its entry carries the account and the source "online" (cash
        receipts journal, month-end), it is applied to the account's bills
        oldest due first (what is left stays as a credit), the delinquency is
        re-checked at once (off the shut-off list when under the minimum, as
        at the counter), and the account's history says so.

        Called by the transaction's post-processing (superuser): the portal
        controller checked that the user is the account's customer."""
        self.ensure_one()
        account = self.sudo()
        move = payment.sudo().move_id
        if not move or move.state != "posted":
            raise UserError(
                self.env._(
                    "Account %(account)s: the online payment %(payment)s has no "
                    "posted journal entry.",
                    account=account.name,
                    payment=payment.display_name,
                )
            )
        move.write(
            {"utility_account_id": account.id, "utility_payment_source": "online"}
        )
        account._utility_apply_credit(move.line_ids)
        account.message_post(
            body=self.env._(
                "Online payment of %(amount)s received on %(date)s recorded: "
                "%(entry)s.",
                amount=account.currency_id.format(payment.amount),
                date=fields.Date.to_string(payment.date),
                entry=move.display_name,
            )
        )
        return move
