# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer portal: the customer's service accounts under /my/utility_accounts."""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class UtilityAccountPortal(CustomerPortal):
    # ------------------------------------------------------------
    # The account's customer (the POST routes of the account's page)
    # ------------------------------------------------------------

    @staticmethod
    def _utility_portal_is_customer(partner, portal_only=False):
        """The logged-in user is ``partner``'s customer (the same commercial
        partner), never the public user. ``portal_only``: a portal user only
        (office staff who preview the page work in the back office)."""
        user = request.env.user
        if user._is_public() or (portal_only and not user._is_portal()):
            return False
        return partner.commercial_partner_id == user.partner_id.commercial_partner_id

    def _utility_portal_account(self, account_id, portal_only=False):
        """The account in sudo, once the user's own access (record rules) and
        ownership (``_utility_portal_is_customer``) are checked; 404 otherwise,
        as for a missing account: account ids are not to be enumerated."""
        try:
            account_sudo = self._document_check_access("utility.account", account_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        if not self._utility_portal_is_customer(
            account_sudo.partner_id, portal_only=portal_only
        ):
            raise request.not_found()
        return account_sudo

    # ------------------------------------------------------------
    # Home and account pages
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "utility_account_count" in counters:
            Account = request.env["utility.account"]
            values["utility_account_count"] = (
                Account.search_count([]) if Account.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/utility_accounts", "/my/utility_accounts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_utility_accounts(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        # The user's own rights and record rules: no sudo() for the list.
        Account = request.env["utility.account"]
        if not Account.has_access("read"):
            return request.redirect("/my")
        total = Account.search_count([])
        pager = portal_pager(
            url="/my/utility_accounts",
            total=total,
            page=page,
            step=self._items_per_page,
        )
        accounts = Account.search(
            [], order="name desc", limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_utility_accounts_history"] = accounts.ids[:100]
        values.update(
            {
                # Found with the user's own rights above; balances read the
                # books, which a portal user does not read line by line.
                "accounts": accounts.sudo(),
                "page_name": "utility_account",
                "pager": pager,
                "default_url": "/my/utility_accounts",
            }
        )
        return request.render("utility_billing.portal_my_utility_accounts", values)

    @http.route(
        ["/my/utility_accounts/<int:account_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_utility_account(self, account_id, access_token=None, **kw):
        try:
            # Checks the user's read access (record rules) or the share
            # token first, and only then hands back the account in sudo.
            account_sudo = self._document_check_access(
                "utility.account", account_id, access_token
            )
        except (AccessError, MissingError):
            # Same answer for another customer's account and a missing one:
            # account ids are not to be enumerated.
            raise request.not_found() from None
        values = {
            "page_name": "utility_account",
            "account": account_sudo,
            "bills": account_sudo._portal_bills(),
            "due_date": account_sudo._portal_next_due_date(),
            "payments": account_sudo._portal_payments(),
            "consumption_compared": account_sudo._portal_consumption_compared(),
            "uom_name": account_sudo._portal_uom_name(),
        }
        values = self._get_page_view_values(
            account_sudo,
            access_token,
            values,
            "my_utility_accounts_history",
            False,
            **kw,
        )
        return request.render("utility_billing.portal_my_utility_account", values)
