# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Service requests: what the customer portal accepts (the form's values,
checked on the server) and the limit of open requests per account."""

import re

from odoo import api, fields, models

from ..tools.workflow import workflow
from .utility_service_request import OPEN_STATES, REQUEST_DOOR

# At most this many open requests of one type per account (per customer for
# a start of service without an account).
MAX_OPEN_REQUESTS = 3
MAX_TEXT = 2000
MAX_CHAR = 120
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


class UtilityServiceRequest(models.Model):
    _inherit = "utility.service.request"

    @api.model
    def _portal_request_types(self):
        """The request types the customer portal offers (an addon adds its own)."""
        return ["start", "stop", "leak", "high_bill", "sb998_review"]

    @api.model
    def _portal_submit(self, request_type, post, partner, account=None, ip=None):
        """Check the customer's form and create the request; return
        ``(request, errors)``. Called in sudo by the portal controller once
        it checked that the user is the account's customer."""
        env = self.env
        company = account.company_id if account else env.company
        errors = []
        if request_type not in self._portal_request_types():
            return self, [env._("Choose what you are asking for.")]
        if not account and request_type != "start":
            return self, [env._("Choose the account the request is about.")]
        vals = {
            "request_type": request_type,
            "partner_id": (account.partner_id if account else partner).id,
            "utility_account_id": account.id if account else False,
            "company_id": company.id,
            "channel": "portal",
            "submitted_at": fields.Datetime.now(),
            "submitted_ip": (ip or "")[:45],
            "contact_phone": self._portal_char(post, "contact_phone"),
        }
        domain = [
            ("request_type", "=", request_type),
            ("state", "in", OPEN_STATES),
        ]
        if account:
            domain.append(("utility_account_id", "=", account.id))
        else:
            domain += [
                ("utility_account_id", "=", False),
                ("partner_id", "=", partner.id),
            ]
        if self.search_count(domain) >= MAX_OPEN_REQUESTS:
            errors.append(
                env._(
                    "You already have %(count)s open requests of this kind: we "
                    "will answer them before you send another one.",
                    count=MAX_OPEN_REQUESTS,
                )
            )
        vals.update(
            getattr(self, f"_portal_vals_{request_type}")(
                post, company, account, errors
            )
        )
        if errors:
            return self, errors
        with workflow(REQUEST_DOOR):
            service_request = self.with_company(company).create(vals)
        return service_request, []

    # ------------------------------------------------------------
    # Parsing the form
    # ------------------------------------------------------------

    @api.model
    def _portal_char(self, post, key, size=MAX_CHAR):
        return (post.get(key) or "").strip()[:size]

    @api.model
    def _portal_text(self, post, key, errors, required_message=None):
        text = (post.get(key) or "").strip()
        if required_message and not text:
            errors.append(required_message)
        if len(text) > MAX_TEXT:
            errors.append(
                self.env._(
                    "The description is too long: at most %(max)s characters.",
                    max=MAX_TEXT,
                )
            )
        return text[:MAX_TEXT]

    @api.model
    def _portal_date(self, post, key, company, errors, label):
        """A date keyed by the customer (YYYY-MM-DD), not before today in the
        company's zone."""
        raw = (post.get(key) or "").strip()
        if not raw:
            errors.append(self.env._("Enter the %(label)s.", label=label))
            return False
        try:
            day = fields.Date.to_date(raw)
        except ValueError:
            day = None
        if not day:
            errors.append(
                self.env._(
                    "The %(label)s is not a date: %(value)s.", label=label, value=raw
                )
            )
            return False
        today = company._utility_today()
        if day < today:
            errors.append(
                self.env._(
                    "The %(label)s cannot be in the past (today is %(today)s).",
                    label=label,
                    today=fields.Date.to_string(today),
                )
            )
        return day

    @api.model
    def _portal_state(self, post, key, company, errors):
        raw = (post.get(key) or "").strip()
        if not raw:
            return False
        state = self.env["res.country.state"].browse(int(raw) if raw.isdigit() else 0)
        country = company.country_id or self.env.ref("base.us")
        if not state.exists() or state.country_id != country:
            errors.append(self.env._("Choose the state in the list."))
            return False
        return state.id

    @api.model
    def _portal_address(self, post, prefix, company, errors, what):
        street = self._portal_char(post, f"{prefix}_street")
        city = self._portal_char(post, f"{prefix}_city")
        zip_code = self._portal_char(post, f"{prefix}_zip", size=10)
        if not street or not city or not zip_code:
            errors.append(
                self.env._("Enter the street, city and ZIP of the %(what)s.", what=what)
            )
        elif not ZIP_RE.match(zip_code):
            errors.append(
                self.env._(
                    "The ZIP code of the %(what)s is 5 digits (or 5+4): %(zip)s.",
                    what=what,
                    zip=zip_code,
                )
            )
        return {
            f"{prefix}_street": street,
            f"{prefix}_street2": self._portal_char(post, f"{prefix}_street2"),
            f"{prefix}_city": city,
            f"{prefix}_state_id": self._portal_state(
                post, f"{prefix}_state_id", company, errors
            ),
            f"{prefix}_zip": zip_code,
        }

    @api.model
    def _portal_bill(self, post, account, errors):
        raw = (post.get("bill_id") or "").strip()
        if not raw:
            return False
        bill = self.env["account.move"].browse(int(raw) if raw.isdigit() else 0)
        if (
            not bill.exists()
            or bill.utility_account_id != account
            or bill.state != "posted"
        ):
            errors.append(self.env._("Choose one of this account's bills."))
            return False
        return bill.id

    # ------------------------------------------------------------
    # Each type's form
    # ------------------------------------------------------------

    @api.model
    def _portal_vals_start(self, post, company, account, errors):
        vals = self._portal_address(
            post, "new", company, errors, self.env._("new address")
        )
        vals["requested_date"] = self._portal_date(
            post, "requested_date", company, errors, self.env._("start date")
        )
        vals["description"] = self._portal_text(post, "description", errors)
        return vals

    @api.model
    def _portal_vals_stop(self, post, company, account, errors):
        if account.state != "active":
            errors.append(
                self.env._(
                    "Service at account %(account)s is not active: there is no "
                    "service to stop.",
                    account=account.name,
                )
            )
        vals = self._portal_address(
            post, "forwarding", company, errors, self.env._("forwarding address")
        )
        day = self._portal_date(
            post, "requested_date", company, errors, self.env._("stop date")
        )
        if day and account.start_date and day < account.start_date:
            errors.append(
                self.env._("The stop date is before the day service started.")
            )
        vals["requested_date"] = day
        vals["description"] = self._portal_text(post, "description", errors)
        return vals

    def _portal_check_open_account(self, account, errors):
        if account.state not in ("active", "final"):
            errors.append(
                self.env._(
                    "Account %(account)s is closed: call us about it.",
                    account=account.name,
                )
            )

    @api.model
    def _portal_vals_leak(self, post, company, account, errors):
        self._portal_check_open_account(account, errors)
        return {
            "description": self._portal_text(
                post,
                "description",
                errors,
                self.env._("Describe the leak: where it is and since when."),
            ),
            "urgent": bool(post.get("urgent")),
        }

    @api.model
    def _portal_vals_high_bill(self, post, company, account, errors):
        self._portal_check_open_account(account, errors)
        return {
            "bill_id": self._portal_bill(post, account, errors),
            "description": self._portal_text(
                post,
                "description",
                errors,
                self.env._("Tell us why the bill looks too high."),
            ),
        }

    @api.model
    def _portal_vals_sb998_review(self, post, company, account, errors):
        self._portal_check_open_account(account, errors)
        return {
            "bill_id": self._portal_bill(post, account, errors),
            "description": self._portal_text(
                post,
                "description",
                errors,
                self.env._("Tell us what you want reviewed and why."),
            ),
        }
