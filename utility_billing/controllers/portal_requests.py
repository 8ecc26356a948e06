# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer portal: the customer's service requests (start or stop service,
a leak, a high bill, an SB 998 review...) on the account's page, and a start
of service at a new address from the accounts list.

Every POST checks that the user reaches the account (record rules, through
``_document_check_access``) and is its customer, a portal user
(``_utility_portal_account``: 404 otherwise, as for a missing account); the
form is checked by the request model (``_portal_submit``), which creates the
request in sudo.
"""

from odoo import http
from odoo.http import request

from .portal import UtilityAccountPortal

SESSION_KEY = "utility_request_feedback"
LIST_LIMIT = 20


class UtilityRequestPortal(UtilityAccountPortal):
    # ------------------------------------------------------------
    # Page values
    # ------------------------------------------------------------

    def _get_page_view_values(self, document, access_token, values, *args, **kwargs):
        values = super()._get_page_view_values(
            document, access_token, values, *args, **kwargs
        )
        if document._name == "utility.account":
            values.update(self._request_values(document))
        return values

    def _request_feedback(self, key):
        feedback = request.session.pop(SESSION_KEY, None) or {}
        if feedback.get("key") != key:
            return {}
        return feedback

    def _request_common_values(self, company):
        country = company.country_id or request.env.ref("base.us")
        return {
            "request_states": request.env["res.country.state"]
            .sudo()
            .search([("country_id", "=", country.id)], order="name"),
            "request_today": company._utility_today(),
        }

    def _request_values(self, account_sudo):
        feedback = self._request_feedback(account_sudo.id)
        Request = request.env["utility.service.request"].sudo()
        values = self._request_common_values(account_sudo.company_id)
        values.update(
            {
                "service_requests": Request.search(
                    [("utility_account_id", "=", account_sudo.id)], limit=LIST_LIMIT
                ),
                # Office staff who preview the page take requests in the
                # back office: a portal user only.
                "request_can_submit": self._utility_portal_is_customer(
                    account_sudo.partner_id, portal_only=True
                ),
                "request_types": Request._portal_request_types(),
                "request_errors": feedback.get("errors") or [],
                "request_success": feedback.get("success") or "",
                "request_form": feedback.get("form") or {},
            }
        )
        return values

    # ------------------------------------------------------------
    # Accounts list: a start of service at a new address
    # ------------------------------------------------------------

    @http.route()
    def portal_my_utility_accounts(self, page=1, **kw):
        response = super().portal_my_utility_accounts(page=page, **kw)
        if getattr(response, "qcontext", None) is not None:
            user = request.env.user
            partner = user.partner_id.commercial_partner_id
            feedback = self._request_feedback("start")
            values = self._request_common_values(request.env.company)
            values.update(
                {
                    "start_requests": request.env["utility.service.request"]
                    .sudo()
                    .search(
                        [
                            ("partner_id", "child_of", partner.id),
                            ("request_type", "=", "start"),
                        ],
                        limit=LIST_LIMIT,
                    ),
                    "request_can_submit": user._is_portal(),
                    "request_errors": feedback.get("errors") or [],
                    "request_success": feedback.get("success") or "",
                    "request_form": feedback.get("form") or {},
                }
            )
            response.qcontext.update(values)
        return response

    # ------------------------------------------------------------
    # POST routes
    # ------------------------------------------------------------

    def _request_back(self, key, url, errors=None, success=None, form=None):
        request.session[SESSION_KEY] = {
            "key": key,
            "errors": errors or [],
            "success": success or "",
            "form": form or {},
        }
        return request.redirect(url)

    @staticmethod
    def _request_form(post):
        """What the form gives back on an error (never the CSRF token)."""
        return {
            key: value[:2000]
            for key, value in post.items()
            if key != "csrf_token" and isinstance(value, str)
        }

    def _submit(self, request_type, post, partner, account_sudo=None):
        Request = request.env["utility.service.request"].sudo()
        service_request, errors = Request._portal_submit(
            request_type,
            post,
            partner,
            account=account_sudo,
            ip=request.httprequest.remote_addr,
        )
        return service_request, errors

    @http.route(
        ["/my/utility_accounts/<int:account_id>/requests"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_utility_request_submit(self, account_id, **post):
        account_sudo = self._utility_portal_account(account_id, portal_only=True)
        request_type = post.get("request_type") or ""
        url = f"{account_sudo.access_url}#requests"
        service_request, errors = self._submit(
            request_type, post, account_sudo.partner_id, account_sudo
        )
        if errors:
            return self._request_back(
                account_sudo.id, url, errors=errors, form=self._request_form(post)
            )
        return self._request_back(
            account_sudo.id,
            url,
            success=request.env._(
                "Thank you: we received your request %(name)s. We will e-mail "
                "you at each step.",
                name=service_request.name,
            ),
        )

    @http.route(
        ["/my/utility_accounts/start_request"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_utility_start_request(self, **post):
        user = request.env.user
        if not user._is_portal():
            raise request.not_found()
        url = "/my/utility_accounts#start_request"
        service_request, errors = self._submit("start", post, user.partner_id)
        if errors:
            return self._request_back(
                "start", url, errors=errors, form=self._request_form(post)
            )
        return self._request_back(
            "start",
            url,
            success=request.env._(
                "Thank you: we received your request %(name)s. We will e-mail "
                "you at each step.",
                name=service_request.name,
            ),
        )
