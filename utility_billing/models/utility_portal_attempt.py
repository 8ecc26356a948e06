# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attempts on the customer portal's public doors (registration, online
payment, requests), for their rate limits.

Server code records each attempt with ``_record`` and asks ``_check_rate``
before the next one: after too many failures from one IP address, or on one
key (an account number), in the company's window, the door refuses further
attempts with a neutral message until the failures age out of the window.
The key is kept as a keyed hash (HMAC with the database secret), never as
typed: counting needs no more, and a number that names no account is not kept.

Managers read the attempts (Utility Billing > Configuration > Portal
Attempts); nobody writes them but the server. Old rows are vacuumed daily.
"""

import hashlib
import hmac
from datetime import timedelta

from odoo import api, fields, models

from .utility_account_register import normalize_account_number

# Rows older than this are deleted by the daily vacuum.
ATTEMPT_KEEP_DAYS = 30
ATTEMPT_KINDS = [
    ("register", "Registration"),
    ("payment", "Online Payment"),
    ("request", "Service Request"),
]


class UtilityPortalAttempt(models.Model):
    _name = "utility.portal.attempt"
    _description = "Customer Portal Attempt"
    _order = "create_date desc, id desc"

    kind = fields.Selection(ATTEMPT_KINDS, required=True, readonly=True, index=True)
    ip = fields.Char(string="IP Address", readonly=True, index=True)
    key = fields.Char(
        string="Key Hash",
        readonly=True,
        index=True,
        help="Keyed hash of what the visitor typed (the account number): "
        "attempts on one number are counted without keeping it.",
    )
    account_number = fields.Char(
        compute="_compute_account_number",
        search="_search_account_number",
        help="Search the attempts on an account number (its hash is compared).",
    )
    account_id = fields.Many2one(
        "utility.account",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The account registered or paid, on a success.",
    )
    success = fields.Boolean(readonly=True)
    refused = fields.Boolean(
        readonly=True,
        help="Refused by the rate limit before it was checked (not counted as a "
        "failure).",
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, default=lambda self: self.env.company
    )

    def _compute_account_number(self):
        # Not kept: only searched.
        for attempt in self:
            attempt.account_number = attempt.account_id.name or False

    def _search_account_number(self, operator, value):
        if operator not in ("=", "ilike") or not isinstance(value, str):
            return [("id", "=", False)]
        return [("key", "=", self._hash_key(value))]

    # ------------------------------------------------------------------
    # API for the portal's doors (called in sudo by controllers)
    # ------------------------------------------------------------------
    @api.model
    def _hash_key(self, key):
        """The stored form of ``key`` (an account number: normalized first)."""
        key = normalize_account_number(key)
        if not key:
            return False
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), key.encode(), hashlib.sha256
        ).hexdigest()[:32]

    @api.model
    def _rate_limits(self, company=None):
        """(IP failures, IP window minutes, key failures, key window minutes)
        of ``company`` (the current one by default)."""
        company = (company or self.env.company).sudo()
        return (
            company.utility_portal_ip_attempts,
            company.utility_portal_ip_minutes,
            company.utility_portal_key_attempts,
            company.utility_portal_key_minutes,
        )

    @api.model
    def _check_rate(self, kind, ip, key=None, company=None):
        """True when a new ``kind`` attempt from ``ip`` on ``key`` may be
        checked; False while the failures from that IP, or on that key, within
        the company's windows reach its limits. A limit of 0 is no limit."""
        Attempt = self.sudo()
        ip_limit, ip_minutes, key_limit, key_minutes = self._rate_limits(company)
        now = fields.Datetime.now()
        failed = [("kind", "=", kind), ("success", "=", False), ("refused", "=", False)]
        hashed = self._hash_key(key) if key else False
        for fname, value, limit, minutes in (
            ("ip", ip, ip_limit, ip_minutes),
            ("key", hashed, key_limit, key_minutes),
        ):
            if not (value and limit):
                continue
            count = Attempt.search_count(
                failed
                + [
                    (fname, "=", value),
                    ("create_date", ">", now - timedelta(minutes=minutes)),
                ],
                limit=limit,
            )
            if count >= limit:
                return False
        return True

    @api.model
    def _record(self, kind, ip, key=None, success=False, account=None, refused=False):
        """Keep one attempt: ``success`` False counts against the limits,
        ``refused`` marks an attempt the limits turned away (not counted)."""
        account = account.sudo() if account else self.env["utility.account"]
        return self.sudo().create(
            {
                "kind": kind,
                "ip": ip or False,
                "key": self._hash_key(key) if key else False,
                "account_id": account[:1].id,
                "success": bool(success),
                "refused": bool(refused),
                "company_id": account[:1].company_id.id or self.env.company.id,
            }
        )

    @api.autovacuum
    def _gc_old_attempts(self):
        """Daily: forget attempts older than the longest window kept."""
        limit = fields.Datetime.now() - timedelta(days=ATTEMPT_KEEP_DAYS)
        self.sudo().search([("create_date", "<", limit)]).unlink()
