# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer portal: pay a utility account online (issue 18 item 2).

The account's page offers to pay the balance, the past due or another amount
(more than zero, at most the balance: an overpayment is taken at the counter
only). ``/my/utility_accounts/<id>/pay`` shows Odoo's payment form for that
amount; its transaction route creates the ``payment.transaction`` of the
account's customer, for the account (``utility_account_id``), referenced by
the account number. Every route checks that the logged-in user reaches the
account and is its customer (404 otherwise, as for a missing account); the
amount is signed in the form's access token and checked again against the
balance when the transaction is created. The payment itself is made when the
provider confirms the transaction (``payment.transaction._create_payment``).

Each transaction started is a portal attempt (``utility.portal.attempt``,
kind "payment", on the account's number from the customer's IP address), a
failure until it is done: past the company's limits (Utility Billing >
Configuration > Settings, page Portal) the pay page sends the customer back
to the account with a neutral message (the refusal is kept) and the
transaction route refuses to start another one (card testing).
"""

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment.controllers.portal import PaymentPortal
from odoo.addons.utility_billing.controllers.portal import UtilityAccountPortal

SESSION_KEY = "utility_pay_feedback"
CHOICES = ("balance", "past_due", "other")
ATTEMPT_KIND = "payment"


class UtilityPayPortal(UtilityAccountPortal, PaymentPortal):
    # ------------------------------------------------------------
    # The account page's values
    # ------------------------------------------------------------

    def _get_page_view_values(self, document, access_token, values, *args, **kwargs):
        values = super()._get_page_view_values(
            document, access_token, values, *args, **kwargs
        )
        if document._name == "utility.account":
            values.update(self._pay_values(document, kwargs.get("online_tx")))
        return values

    def _pay_values(self, account_sudo, online_tx=None):
        feedback = request.session.pop(SESSION_KEY, None) or {}
        if feedback.get("account_id") != account_sudo.id:
            feedback = {}
        return {
            "pay_can_pay": self._utility_portal_is_customer(account_sudo.partner_id)
            and account_sudo.currency_id.compare_amounts(account_sudo.balance, 0.0) > 0,
            "pay_errors": feedback.get("errors") or [],
            "pay_form": feedback.get("form") or {},
            "pay_result": self._pay_result(
                self._pay_landing_tx(account_sudo, online_tx)
            ),
        }

    @staticmethod
    def _pay_result(tx_sudo):
        """What the customer reads on coming back from the payment:
        ``(alert class, message)``, or ``None``."""
        if not tx_sudo:
            return None
        env = request.env
        amount = tx_sudo.currency_id.format(tx_sudo.amount)
        if tx_sudo.state == "done":
            return (
                "success",
                env._(
                    "Thank you: your payment of %(amount)s was received "
                    "(reference %(reference)s).",
                    amount=amount,
                    reference=tx_sudo.reference,
                ),
            )
        if tx_sudo.state in ("draft", "pending", "authorized"):
            return (
                "info",
                env._(
                    "Your payment of %(amount)s is being processed: it shows on "
                    "your account once your bank confirms it.",
                    amount=amount,
                ),
            )
        return (
            "warning",
            env._(
                "Your payment did not go through: nothing was paid. You can try again."
            ),
        )

    def _pay_landing_tx(self, account_sudo, online_tx):
        """The transaction the customer comes back from (its state message),
        only if it is one of this account's."""
        tx_id = self._cast_as_int(online_tx)
        if not tx_id:
            return request.env["payment.transaction"]
        tx_sudo = request.env["payment.transaction"].sudo().browse(tx_id).exists()
        if tx_sudo.utility_account_id != account_sudo:
            return request.env["payment.transaction"]
        return tx_sudo

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _pay_amount_error(self, account_sudo, amount):
        """Why ``amount`` cannot be paid online on the account, or ``None``."""
        env = request.env
        currency = account_sudo.currency_id
        if amount is None or currency.compare_amounts(amount, 0.0) <= 0:
            return env._("Enter an amount to pay greater than zero.")
        if currency.compare_amounts(amount, account_sudo.balance) > 0:
            return env._(
                "You can pay at most the balance, %(balance)s, online. To leave a "
                "credit on your account, pay at the counter.",
                balance=currency.format(account_sudo.balance),
            )
        return None

    def _pay_amount(self, account_sudo, choice, amount):
        """The amount of the customer's choice, rounded to the cent."""
        if choice == "balance":
            return account_sudo.balance
        if choice == "past_due":
            return account_sudo.past_due_amount
        amount = self._cast_as_float((amount or "").replace(",", "").replace("$", ""))
        return account_sudo.currency_id.round(amount) if amount is not None else None

    @staticmethod
    def _pay_access_token(account_sudo, amount):
        return payment_utils.generate_access_token(
            account_sudo.id,
            account_sudo.partner_id.id,
            amount,
            account_sudo.currency_id.id,
        )

    @staticmethod
    def _pay_rate_ok(account_sudo):
        """The company's limits let the customer start another payment on the
        account from this IP address."""
        return (
            request.env["utility.portal.attempt"]
            .sudo()
            ._check_rate(
                ATTEMPT_KIND,
                request.httprequest.remote_addr,
                account_sudo.name,
                company=account_sudo.company_id,
            )
        )

    @staticmethod
    def _pay_too_many():
        return request.env._(
            "Too many payment attempts. Please try again later, or call customer "
            "service."
        )

    def _pay_back(self, account_sudo, errors, form=None):
        request.session[SESSION_KEY] = {
            "account_id": account_sudo.id,
            "errors": errors,
            "form": form or {},
        }
        return request.redirect(f"{account_sudo.access_url}#pay")

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @http.route(
        ["/my/utility_accounts/<int:account_id>/pay"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def portal_utility_pay(self, account_id, choice="balance", amount=None, **kw):
        """The payment form for the amount chosen on the account's page."""
        account_sudo = self._utility_portal_account(account_id)
        if choice not in CHOICES:
            choice = "balance"
        amount = self._pay_amount(account_sudo, choice, amount)
        error = self._pay_amount_error(account_sudo, amount)
        if error:
            return self._pay_back(
                account_sudo,
                [error],
                form={"choice": choice, "amount": kw.get("amount")},
            )
        if not self._pay_rate_ok(account_sudo):
            request.env["utility.portal.attempt"].sudo()._record(
                ATTEMPT_KIND,
                request.httprequest.remote_addr,
                account_sudo.name,
                account=account_sudo,
                refused=True,
            )
            return self._pay_back(account_sudo, [self._pay_too_many()])
        company = account_sudo.company_id
        partner_sudo = account_sudo.partner_id
        currency = account_sudo.currency_id
        availability_report = {}
        providers_sudo = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                company.id,
                partner_sudo.id,
                amount,
                currency_id=currency.id,
                report=availability_report,
            )
        )
        payment_methods_sudo = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(
                providers_sudo.ids,
                partner_sudo.id,
                currency_id=currency.id,
                report=availability_report,
            )
        )
        tokens_sudo = (
            request.env["payment.token"]
            .sudo()
            ._get_available_tokens(providers_sudo.ids, partner_sudo.id)
        )
        tokenize_mapping = self._compute_show_tokenize_input_mapping(providers_sudo)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "utility_account",
                "account": account_sudo,
                "pay_choice": choice,
                "company_mismatch": not self._can_partner_pay_in_company(
                    partner_sudo, company
                ),
                "expected_company": company,
                "show_tokenize_input_mapping": tokenize_mapping,
                "reference_prefix": account_sudo.name,
                "amount": amount,
                "currency": currency,
                "partner_id": partner_sudo.id,
                "providers_sudo": providers_sudo,
                "payment_methods_sudo": payment_methods_sudo,
                "tokens_sudo": tokens_sudo,
                "availability_report": availability_report,
                "transaction_route": f"/my/utility_accounts/{account_sudo.id}"
                "/pay/transaction",
                "landing_route": account_sudo.access_url,
                "access_token": self._pay_access_token(account_sudo, amount),
            }
        )
        return request.render("utility_billing_payments.portal_utility_pay", values)

    @http.route(
        ["/my/utility_accounts/<int:account_id>/pay/transaction"],
        type="json",
        auth="user",
    )
    def portal_utility_pay_transaction(self, account_id, access_token=None, **kwargs):
        """Create the account's draft transaction; return its processing
        values (the payment form's transaction route)."""
        account_sudo = self._utility_portal_account(account_id)
        env = request.env
        amount = self._cast_as_float(kwargs.get("amount"))
        if amount is None or not payment_utils.check_access_token(
            access_token,
            account_sudo.id,
            account_sudo.partner_id.id,
            amount,
            account_sudo.currency_id.id,
        ):
            raise ValidationError(env._("The access token is invalid."))
        error = self._pay_amount_error(account_sudo, amount)
        if error:
            raise ValidationError(error)
        self._validate_transaction_kwargs(kwargs)
        if not self._pay_rate_ok(account_sudo):
            raise ValidationError(self._pay_too_many())
        provider_sudo = (
            env["payment.provider"]
            .sudo()
            .browse(self._cast_as_int(kwargs.get("provider_id")))
        )
        if kwargs.get("flow") != "token" and (
            not provider_sudo.exists()
            or provider_sudo.state == "disabled"
            or provider_sudo.company_id != account_sudo.company_id
        ):
            raise ValidationError(env._("This payment method is not available."))
        kwargs.update(
            {
                "amount": amount,
                "currency_id": account_sudo.currency_id.id,
                "partner_id": account_sudo.partner_id.id,
                "landing_route": account_sudo.access_url,
                "is_validation": False,
                "reference_prefix": account_sudo.name,
            }
        )
        kwargs.pop("csrf_token", None)
        tx_sudo = self._create_transaction(
            custom_create_values={"utility_account_id": account_sudo.id}, **kwargs
        )
        attempt = (
            env["utility.portal.attempt"]
            .sudo()
            ._record(
                ATTEMPT_KIND,
                request.httprequest.remote_addr,
                account_sudo.name,
                account=account_sudo,
            )
        )
        attempt.transaction_id = tx_sudo
        # Back to the account's page, which tells how the payment went.
        tx_sudo.landing_route = f"{account_sudo.access_url}?online_tx={tx_sudo.id}"
        return tx_sudo._get_processing_values()


class UtilityPortalAccount(PortalAccount):
    def _get_overdue_invoices_domain(self, partner_id=None):
        """Odoo's overdue invoices (the "Invoices to pay" banner of /my and
        its "Pay Now") leave utility bills out: they are paid from the
        account's page."""
        return super()._get_overdue_invoices_domain(partner_id=partner_id) + [
            ("utility_account_id", "=", False)
        ]
