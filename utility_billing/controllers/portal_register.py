# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer portal: self-registration at /my/utility_register.

A visitor types the account number and the registration code printed on the
bill, an e-mail and a name. The right pair gives the account's customer a
portal user (Odoo's portal wizard, which e-mails the link to choose a
password), unless the customer has one already. A wrong number and a wrong
code get the same answer through the same path; failures are limited by IP
address and by account number (utility.portal.attempt).
"""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

ATTEMPT_KIND = "register"


class UtilityPortalRegister(http.Controller):
    @http.route(
        "/my/utility_register",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["GET", "POST"],
    )
    def utility_register(self, **post):
        values = {
            # What the visitor typed comes back, except the code.
            "account_number": (post.get("account_number") or "").strip(),
            "email": (post.get("email") or "").strip(),
            "name": (post.get("name") or "").strip(),
        }
        if request.httprequest.method == "POST":
            values.update(self._utility_register_submit(post))
        response = request.render("utility_billing.portal_utility_register", values)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _utility_register_submit(self, post):
        """Check the pair and register; the values the page shows after it:
        ``error`` (a message), ``exists`` (the customer has a user already) or
        ``done`` (the invitation was sent to ``email``)."""
        env = request.env
        number = (post.get("account_number") or "").strip()
        code = (post.get("code") or "").strip()
        email = (post.get("email") or "").strip()
        name = (post.get("name") or "").strip()
        if not (number and code and email and name):
            return {"error": env._("Fill in all four fields.")}
        ip = request.httprequest.remote_addr
        Attempt = env["utility.portal.attempt"].sudo()
        if not Attempt._check_rate(ATTEMPT_KIND, ip, number):
            Attempt._record(ATTEMPT_KIND, ip, number, success=False, refused=True)
            return {"account_number": "", "error": self._utility_register_too_many()}
        account = env["utility.account"].sudo()._registration_match(number, code)
        if not account:
            Attempt._record(ATTEMPT_KIND, ip, number, success=False)
            return {
                # Nothing typed comes back: the same page for a wrong number
                # and a wrong code.
                "account_number": "",
                "error": env._(
                    "This account number and registration code do not match. "
                    "Type them as printed on your latest bill."
                ),
            }
        Attempt._record(ATTEMPT_KIND, ip, number, success=True, account=account)
        if account._registration_has_user():
            return {"exists": True}
        try:
            with env.cr.savepoint():
                account._registration_create_user(email, name, ip=ip, lang=env.lang)
        except UserError as error:
            return {"error": error.args[0]}
        return {"done": True}

    def _utility_register_too_many(self):
        return request.env._(
            "Too many attempts. Please try again later, or call customer service."
        )
