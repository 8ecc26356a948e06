# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Autopay enrolment by the customer on the portal (NACHA WEB authorization).

The customer's authorization is kept on the mandate with the moment it was
given, the IP address it came from, the version of the text accepted and the
text itself, as NACHA asks for WEB and PPD authorizations. Only the portal
workflow (``_portal_enrol``) sets them, after the controller's access check
and validation: nobody edits them afterwards, over the web client or RPC.
"""

import re

from stdnum.us import rtn

from odoo import api, fields, models

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import check_protected_create, check_protected_write

# Bump when the wording of the authorization changes: a mandate keeps the
# version its customer accepted.
AUTHORIZATION_TEXT_VERSION = "2026-12"
PORTAL_AUTHORIZATION_FIELDS = (
    "authorization_datetime",
    "authorization_ip",
    "authorization_text_version",
    "authorization_text",
    "authorization_channel",
)


def normalize_bank_account_number(number):
    """The bank account number as the mandate stores it (no spaces or dashes,
    upper case)."""
    return re.sub(r"[\s-]", "", number or "").upper()


def is_valid_routing_number(routing):
    """9 digits whose ABA check digit is right."""
    return bool(re.fullmatch(r"\d{9}", routing or "")) and rtn.is_valid(routing)


def is_valid_bank_account_number(number):
    return bool(re.fullmatch(r"[A-Z0-9]{4,17}", number or ""))


class UtilityAchMandate(models.Model):
    _inherit = "utility.ach.mandate"

    authorization_channel = fields.Selection(
        [("office", "Office"), ("web", "Web")],
        readonly=True,
        copy=False,
        tracking=True,
        help="Web: the customer authorized the debits on the customer portal.",
    )
    authorization_datetime = fields.Datetime(
        string="Authorized At",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the customer accepted the authorization on the portal.",
    )
    authorization_ip = fields.Char(
        string="Authorized From IP",
        readonly=True,
        copy=False,
        tracking=True,
    )
    authorization_text_version = fields.Char(
        readonly=True,
        copy=False,
        tracking=True,
    )
    authorization_text = fields.Text(
        string="Authorization Text Accepted",
        readonly=True,
        copy=False,
        help="The authorization as the customer read it, in their language.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            PORTAL_AUTHORIZATION_FIELDS,
            "utility.ach.mandate",
            message=self.env._(
                "Autopay mandate: the online authorization (its date, IP address "
                "and text) is recorded by the customer portal only."
            ),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self,
            vals,
            PORTAL_AUTHORIZATION_FIELDS,
            "utility.ach.mandate",
            message=self.env._(
                "Autopay mandate: the online authorization (its date, IP address "
                "and text) is recorded by the customer portal only and never "
                "edited."
            ),
        )
        return super().write(vals)

    # ------------------------------------------------------------
    # Portal workflow (called in sudo by the portal controller, after its
    # access check on the account and its validation of the form)
    # ------------------------------------------------------------

    @api.model
    def _portal_authorization_text(self, account):
        """The authorization the customer reads and accepts (NACHA WEB), in
        the language of the environment."""
        company = account.company_id
        contact = company.phone or company.email or ""
        return self.env._(
            "I authorize %(company)s to debit the bank account I entered above "
            "through the ACH network for the amount of each bill of utility "
            "account %(account)s, on the bill's due date (or the next business "
            "day). If a debit is made in error, I authorize %(company)s to "
            "correct it. This authorization stays in effect until I revoke it. "
            "I may revoke it at any time on this page or by calling "
            "%(company)s at %(phone)s; a revocation received at least 3 business "
            "days before a due date applies to that bill. I confirm that I am "
            "an owner or authorized signer of this bank account.",
            company=company.name,
            account=account.name,
            phone=contact,
        )

    @api.model
    def _portal_enrol(self, account, bank_vals, ip_address, text_version):
        """Create the WEB mandate of ``account`` (pending its prenote, sent in
        the next ACH file) with the customer's authorization; return it.

        ``bank_vals``: routing_number, bank_account_number,
        bank_account_type, holder_name (validated by the caller).
        """
        account.ensure_one()
        company = account.company_id
        vals = {
            fname: bank_vals[fname]
            for fname in (
                "routing_number",
                "bank_account_number",
                "bank_account_type",
                "holder_name",
            )
        }
        vals.update(
            {
                "account_id": account.id,
                "company_id": company.id,
                "sec_code": "WEB",
                "authorization_date": company._utility_today(),
                "authorization_channel": "web",
                "authorization_datetime": fields.Datetime.now(),
                "authorization_ip": ip_address or "",
                "authorization_text_version": text_version,
                "authorization_text": self._portal_authorization_text(account),
            }
        )
        with workflow("utility.ach.mandate"):
            mandate = self.with_company(company).create(vals)
        mandate.message_post(
            body=self.env._(
                "Autopay authorized online by %(user)s from %(ip)s (authorization "
                "text %(version)s), bank account %(bank)s: the prenote is sent in "
                "the next ACH file.",
                user=self.env.user.name,
                ip=ip_address or "?",
                version=text_version,
                bank=mandate.bank_account_masked,
            )
        )
        return mandate

    def _portal_cancel(self, ip_address):
        """The customer revokes the authorization on the portal."""
        for mandate in self:
            mandate._set_state(
                "revoked",
                self.env._(
                    "Revoked online by %(user)s from %(ip)s.",
                    user=self.env.user.name,
                    ip=ip_address or "?",
                ),
            )
        return True
