# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Online payments of utility accounts (customer portal, ``payment``).

A transaction started from an account's portal page pays that account. When
it is done, Odoo's post-processing creates its payment (``_create_payment``);
for a utility account the payment is dated the day it was received in the
company's zone, posted to the account's receivable, and handed to the suite's
payment door: source "online", applied to the account's bills oldest due
first, the delinquency re-checked (``utility.account._utility_online_payment``).
A pending, authorized, cancelled or failed transaction creates no payment and
changes nothing. Its portal attempt (utility.portal.attempt, kind "payment")
counts as a failure against the portal's rate limits until it is done.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    utility_account_id = fields.Many2one(
        "utility.account",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The utility account this online payment pays (customer portal).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Utility bills are paid from their account's page: a transaction of
        Odoo's invoice payment (the bill's page, overdue invoices, a payment
        link) for a utility bill is refused, as its payment would skip the
        suite's door."""
        txs = super().create(vals_list)
        for tx in txs:
            if not tx.utility_account_id and tx.invoice_ids.filtered(
                "utility_account_id"
            ):
                raise ValidationError(
                    self.env._(
                        "Utility bills are paid online from the utility account's "
                        "page (My Account > Utility Accounts > Pay online)."
                    )
                )
        return txs

    def _create_payment(self, **extra_create_values):
        """Utility accounts: the payment is the account's, dated the local day
        received, on the account's receivable, applied through the suite's
        door rather than reconciled with the transaction's invoices."""
        self.ensure_one()
        account = self.utility_account_id.sudo()
        if not account:
            return super()._create_payment(**extra_create_values)
        extra_create_values.setdefault("date", account.company_id._utility_today())
        extra_create_values.setdefault(
            "destination_account_id", account._utility_receivable_account().id
        )
        extra_create_values.setdefault(
            "memo",
            self.env._(
                "Online payment, account %(account)s, reference %(reference)s",
                reference=self.reference,
                account=account.name,
            ),
        )
        payment = super()._create_payment(**extra_create_values)
        account._utility_online_payment(payment)
        return payment

    def _set_done(self, *args, **kwargs):
        """A confirmed payment is a successful portal attempt: it no longer
        counts against the account's or the IP address's limits."""
        txs = super()._set_done(*args, **kwargs)
        utility_txs = txs.filtered("utility_account_id")
        if utility_txs:
            self.env["utility.portal.attempt"].sudo().search(
                [("transaction_id", "in", utility_txs.ids)]
            ).write({"success": True})
        return txs
