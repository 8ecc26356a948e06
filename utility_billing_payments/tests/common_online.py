# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Online payments in tests: a payment provider in test mode (Odoo's dummy
provider of ``payment``'s and ``account_payment``'s test commons, code
``none``) on a bank journal of the test company, and transactions of a
utility account taken to a final state as the provider would."""

from freezegun import freeze_time

from odoo import Command

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

TX_STATES = {
    "done": lambda tx: tx._set_done(),
    "pending": lambda tx: tx._set_pending(),
    "authorized": lambda tx: tx._set_authorized(),
    "cancel": lambda tx: tx._set_canceled(),
    "error": lambda tx: tx._set_error("Card declined."),
}


class UtilityOnlinePaymentMixin:
    """Mixed into a ``UtilityBillingCommon`` test class."""

    @classmethod
    def _setup_online_provider(cls, journal=None):
        env = cls.env
        company = cls.company
        journal = journal or env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        redirect_form = env["ir.ui.view"].create(
            {
                "name": "Test Online Payment Redirect Form",
                "type": "qweb",
                "arch": '<form action="dummy" method="post">'
                '<input type="hidden" name="view_id" t-att-value="viewid"/></form>',
            }
        )
        unknown = env.ref("payment.payment_method_unknown")
        with AccountPaymentCommon.mocked_get_payment_method_information(cls):
            Method = env["account.payment.method"]
            if not Method.search([("code", "=", "none")], limit=1):
                Method.create(
                    {"name": "Dummy method", "code": "none", "payment_type": "inbound"}
                )
            provider = env["payment.provider"].create(
                {
                    "name": "Test Online Payments",
                    "code": "none",
                    "state": "test",
                    "is_published": True,
                    "company_id": company.id,
                    "payment_method_ids": [Command.set(unknown.ids)],
                    "redirect_form_view_id": redirect_form.id,
                    "available_currency_ids": [Command.set(company.currency_id.ids)],
                }
            )
            provider.journal_id = journal
        # Enabled once a provider in test mode supports it.
        unknown.write({"active": True, "support_tokenization": True})
        return provider

    def _online_tx(self, account, amount, provider=None):
        """A draft transaction of ``account``, as the portal creates it."""
        provider = provider or self.provider
        Tx = self.env["payment.transaction"]
        return Tx.create(
            {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "reference": Tx._compute_reference(provider.code, prefix=account.name),
                "amount": amount,
                "currency_id": account.currency_id.id,
                "partner_id": account.partner_id.id,
                "operation": "online_redirect",
                "utility_account_id": account.id,
            }
        )

    def _online_pay(self, account, amount, when, state="done", provider=None):
        """A transaction of ``account`` that reaches ``state`` at ``when`` (UTC)
        and is post-processed then, as the provider's notification and the
        payment status page do."""
        tx = self._online_tx(account, amount, provider=provider)
        with freeze_time(when):
            TX_STATES[state](tx)
            tx._post_process()
        return tx
