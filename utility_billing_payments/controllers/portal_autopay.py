# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer portal: autopay enrolment (NACHA WEB authorization), its
cancellation and paperless billing, on the account's page.

Every POST checks that the user reaches the account (record rules, through
``_document_check_access``) and is its customer (``_utility_portal_account``),
then validates the form;
only then does it call the mandate's own methods in sudo. The bank account
number is never shown back: the page shows ``bank_account_masked`` only.
"""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.utility_billing.controllers.portal import UtilityAccountPortal

from ..models.utility_ach_mandate_portal import (
    AUTHORIZATION_TEXT_VERSION,
    is_valid_bank_account_number,
    is_valid_routing_number,
    normalize_bank_account_number,
)

SESSION_KEY = "utility_autopay_feedback"


class UtilityAutopayPortal(UtilityAccountPortal):
    # ------------------------------------------------------------
    # The account page's values
    # ------------------------------------------------------------

    def _get_page_view_values(self, document, access_token, values, *args, **kwargs):
        values = super()._get_page_view_values(
            document, access_token, values, *args, **kwargs
        )
        if document._name == "utility.account":
            values.update(self._autopay_values(document))
        return values

    def _autopay_values(self, account_sudo):
        feedback = request.session.pop(SESSION_KEY, None) or {}
        if feedback.get("account_id") != account_sudo.id:
            feedback = {}
        Mandate = request.env["utility.ach.mandate"].sudo()
        return {
            "autopay_mandate": self._open_mandate(account_sudo),
            "autopay_can_edit": self._utility_portal_is_customer(
                account_sudo.partner_id
            ),
            "autopay_text": Mandate._portal_authorization_text(account_sudo),
            "autopay_text_version": AUTHORIZATION_TEXT_VERSION,
            "autopay_errors": feedback.get("errors") or [],
            "autopay_success": feedback.get("success") or "",
            "autopay_form": feedback.get("form") or {},
        }

    @staticmethod
    def _open_mandate(account_sudo):
        return account_sudo.ach_mandate_ids.filtered(lambda m: m.state != "revoked")[:1]

    # ------------------------------------------------------------
    # Helpers of the POST routes
    # ------------------------------------------------------------

    def _autopay_back(self, account_sudo, errors=None, success=None, form=None):
        request.session[SESSION_KEY] = {
            "account_id": account_sudo.id,
            "errors": errors or [],
            "success": success or "",
            "form": form or {},
        }
        return request.redirect(f"{account_sudo.access_url}#autopay")

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @http.route(
        ["/my/utility_accounts/<int:account_id>/autopay/enrol"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_utility_autopay_enrol(self, account_id, **post):
        account_sudo = self._utility_portal_account(account_id)
        env = request.env
        routing = "".join((post.get("routing_number") or "").split())
        number = normalize_bank_account_number(post.get("bank_account_number"))
        confirm = normalize_bank_account_number(post.get("bank_account_number_confirm"))
        account_type = post.get("bank_account_type") or ""
        holder = (post.get("holder_name") or "").strip()
        # Given back to the form on an error: never the bank account number.
        form = {
            "routing_number": routing,
            "bank_account_type": account_type,
            "holder_name": holder,
        }
        errors = []
        if account_sudo.state in ("final", "closed"):
            errors.append(
                env._("This account is closed: it cannot be enrolled in autopay.")
            )
        elif self._open_mandate(account_sudo):
            errors.append(
                env._(
                    "This account is already enrolled in autopay. Cancel the "
                    "current autopay first to use another bank account."
                )
            )
        if not is_valid_routing_number(routing):
            errors.append(
                env._(
                    "The routing number is not valid: it has 9 digits and is "
                    "printed at the bottom left of your checks."
                )
            )
        if not is_valid_bank_account_number(number):
            errors.append(
                env._("The bank account number must be 4 to 17 letters or digits.")
            )
        elif number != confirm:
            errors.append(env._("The two bank account numbers are not the same."))
        if account_type not in ("checking", "savings"):
            errors.append(env._("Choose a checking or a savings account."))
        if not holder:
            errors.append(env._("Enter the name on the bank account."))
        if not post.get("authorize"):
            errors.append(
                env._("Tick “I authorize” to accept the autopay authorization.")
            )
        elif post.get("text_version") != AUTHORIZATION_TEXT_VERSION:
            errors.append(
                env._(
                    "The authorization text has changed since you opened the "
                    "page: read it again and accept it."
                )
            )
        if errors:
            return self._autopay_back(account_sudo, errors=errors, form=form)
        try:
            with env.cr.savepoint():
                env["utility.ach.mandate"].sudo()._portal_enrol(
                    account_sudo,
                    {
                        "routing_number": routing,
                        "bank_account_number": number,
                        "bank_account_type": account_type,
                        "holder_name": holder,
                    },
                    request.httprequest.remote_addr,
                    AUTHORIZATION_TEXT_VERSION,
                )
        except UserError as exc:
            return self._autopay_back(account_sudo, errors=[exc.args[0]], form=form)
        return self._autopay_back(
            account_sudo,
            success=env._(
                "Thank you: your autopay is set up. We first check the bank "
                "account with your bank (a zero-amount test); your bills are "
                "debited on their due date once the check is over."
            ),
        )

    @http.route(
        ["/my/utility_accounts/<int:account_id>/autopay/cancel"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_utility_autopay_cancel(self, account_id, **post):
        account_sudo = self._utility_portal_account(account_id)
        mandate = self._open_mandate(account_sudo)
        if not mandate:
            return self._autopay_back(
                account_sudo,
                errors=[request.env._("This account is not enrolled in autopay.")],
            )
        mandate._portal_cancel(request.httprequest.remote_addr)
        return self._autopay_back(
            account_sudo,
            success=request.env._(
                "Your autopay is cancelled: your bills are no longer debited from "
                "your bank account."
            ),
        )

    @http.route(
        ["/my/utility_accounts/<int:account_id>/paperless"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_utility_paperless(self, account_id, **post):
        account_sudo = self._utility_portal_account(account_id)
        env = request.env
        paperless = post.get("paperless") == "1"
        if paperless and not account_sudo.partner_id.email:
            return self._autopay_back(
                account_sudo,
                errors=[
                    env._(
                        "Paperless bills are sent by e-mail: add your e-mail address "
                        "to your profile first."
                    )
                ],
            )
        if account_sudo.paperless != paperless:
            account_sudo.paperless = paperless
        return self._autopay_back(
            account_sudo,
            success=env._("Your bills are now sent by e-mail only.")
            if paperless
            else env._("Your bills are now sent by mail."),
        )
