# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Service accounts: self-registration on the customer portal.

Each account has a registration code, printed on its bills: with the account
number it lets the customer open their own portal user at
/my/utility_register (controllers/portal_register.py). The code is read by a
CSR II or a manager only, never keyed: it is made when the account is created
(and for accounts that have none at install or update, ``init``) and changes
only through *Regenerate Registration Code*, which invalidates the old one. A
code stays valid until it is regenerated; once the customer has a user, it
creates no other.
"""

import hmac
import logging
import secrets

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize

from ..tools.workflow import check_protected, is_trusted, workflow
from .utility_account import ACCOUNT_DOOR

_logger = logging.getLogger(__name__)

# 32 characters a customer cannot misread: no 0/O, no 1/I.
REGISTRATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REGISTRATION_CODE_LENGTH = 8
REGISTRATION_FIELDS = ("registration_code",)
# Compared with when no account has the number, so that a wrong number takes
# the path of a wrong code (no account enumeration by timing).
_NO_CODE = "!" * REGISTRATION_CODE_LENGTH


def new_registration_code():
    """A fresh random code (``secrets``), 8 characters of the alphabet."""
    return "".join(
        secrets.choice(REGISTRATION_ALPHABET) for _i in range(REGISTRATION_CODE_LENGTH)
    )


def normalize_registration_code(code):
    """What the customer typed, as stored: upper case, without the dash and
    spaces of the printed form."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def normalize_account_number(number):
    """The account number as stored (upper case, no surrounding spaces)."""
    return (number or "").strip().upper()


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    registration_code = fields.Char(
        copy=False,
        readonly=True,
        groups="utility_billing.group_csr_2",
        help="Printed on the account's bills: with the account number, the "
        "customer registers on the portal (/my/utility_register). Regenerate "
        "it to invalidate the printed one.",
    )
    registration_code_display = fields.Char(
        string="Registration Code as Printed",
        compute="_compute_registration_code_display",
        groups="utility_billing.group_csr_2",
    )

    def init(self):
        res = super().init()
        # Accounts created before the code existed (install or update): one
        # random code each. Not a field default: Odoo would give every existing
        # row the same one.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM utility_account WHERE registration_code IS NULL"
                " ORDER BY id"
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            self.env.cr.execute(
                SQL(
                    """UPDATE utility_account AS account
                          SET registration_code = codes.code
                         FROM (VALUES %s) AS codes(id, code)
                        WHERE account.id = codes.id""",
                    SQL(", ").join(
                        SQL("(%s, %s)", account_id, new_registration_code())
                        for account_id in chunk
                    ),
                )
            )
        if ids:
            _logger.info("Registration codes given to %s utility accounts", len(ids))
        return res

    @api.depends("registration_code")
    def _compute_registration_code_display(self):
        for account in self:
            account.registration_code_display = account._registration_code_printed()

    def _registration_code_printed(self):
        """The code as printed on the bill (XXXX-XXXX); server side only."""
        self.ensure_one()
        code = self.sudo().registration_code or ""
        half = len(code) // 2
        return f"{code[:half]}-{code[half:]}" if code else ""

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, ACCOUNT_DOOR):
            for vals in vals_list:
                check_protected(
                    self,
                    {key: value for key, value in vals.items() if value},
                    REGISTRATION_FIELDS,
                    ACCOUNT_DOOR,
                    message=self._registration_protected_message(),
                )
        for vals in vals_list:
            if not vals.get("registration_code"):
                vals["registration_code"] = new_registration_code()
        return super().create(vals_list)

    def write(self, vals):
        check_protected(
            self,
            vals,
            REGISTRATION_FIELDS,
            ACCOUNT_DOOR,
            message=self._registration_protected_message(),
        )
        return super().write(vals)

    def _registration_protected_message(self):
        return self.env._(
            "Utility account: the registration code is made by the system and "
            "changes only through Regenerate Registration Code."
        )

    # ------------------------------------------------------------------
    # Office side
    # ------------------------------------------------------------------
    def action_regenerate_registration_code(self):
        """A CSR II or a manager replaces the code (e.g. the customer lost the
        bill, or someone else had it): the printed code stops working."""
        if not self.env.user.has_group("utility_billing.group_csr_2"):
            raise AccessError(
                self.env._(
                    "Only a Customer Service Representative II or a manager can "
                    "regenerate a registration code."
                )
            )
        self.check_access("write")
        for account in self:
            with workflow(ACCOUNT_DOOR):
                account.write({"registration_code": new_registration_code()})
            account.message_post(
                body=self.env._(
                    "Registration code regenerated: the code printed on earlier "
                    "bills no longer registers on the portal."
                )
            )
        return True

    # ------------------------------------------------------------------
    # Portal side (called by the registration page, in sudo)
    # ------------------------------------------------------------------
    @api.model
    def _registration_match(self, number, code):
        """The account with this number and code, else an empty recordset.

        A missing number and a wrong code take the same path: a constant-time
        comparison against a code either way."""
        number = normalize_account_number(number)
        code = normalize_registration_code(code)
        # One query either way: the codes come with the search (no read of an
        # account's code after it, which a missing number would skip).
        accounts = self.sudo().search_fetch(
            [("name", "=", number), ("state", "in", ("active", "final"))],
            ["registration_code"],
            limit=5,
        )
        found = self.sudo().browse()
        pairs = [
            (account, account.registration_code or _NO_CODE) for account in accounts
        ] or [(found, _NO_CODE)]
        for account, account_code in pairs:
            if hmac.compare_digest(account_code.encode(), code.encode()) and account:
                found = account
        return found

    def _registration_customer(self):
        """The partner whose user registers: the account's commercial partner
        (portal record rules give it every account of that partner)."""
        self.ensure_one()
        return self.sudo().partner_id.commercial_partner_id

    def _registration_has_user(self):
        """True when the customer (or one of its contacts) already has a user,
        active or archived: a code never creates a second one, nor reopens
        access the office revoked."""
        self.ensure_one()
        customer = self._registration_customer()
        return bool(
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("partner_id", "child_of", customer.id)], limit=1)
        )

    def _registration_create_user(self, email, name, ip=None, lang=None):
        """Make the customer's portal user with Odoo's portal wizard (Grant
        Access: the user from the portal template, the invitation e-mail with
        the link to choose a password), in the account's company.

        The e-mail is the user's login. When the customer has an e-mail on
        file it must be that one (whoever holds an old bill cannot take the
        account over with their own address); else it becomes the customer's.

        The user reads the portal and the invitation in ``lang`` (the page's
        language) when that language is installed.

        :return: the new user
        :raise UserError: the e-mail cannot be used (what to do instead)
        """
        self.ensure_one()
        account = self.sudo()
        customer = account._registration_customer()
        email = email_normalize(email)
        if not email:
            raise UserError(self.env._("Enter a valid e-mail address."))
        on_file = email_normalize(customer.email)
        if on_file and on_file != email:
            raise UserError(
                self.env._(
                    "Use the e-mail address we have on file for this account, or "
                    "call customer service to change it."
                )
            )
        if (
            lang
            and lang != customer.lang
            and lang in self.env["res.lang"]._get_active_by("code")
        ):
            customer.lang = lang
        wizard = (
            self.env["portal.wizard"]
            .sudo()
            .with_company(account.company_id)
            .create({"partner_ids": [Command.set(customer.ids)]})
        )
        wizard_user = wizard.user_ids.filtered(lambda u: u.partner_id == customer)
        wizard_user.email = email
        if wizard_user.email_state != "ok":
            raise UserError(
                self.env._(
                    "This e-mail address already signs in to another online "
                    "account: sign in with it, or use another address."
                )
            )
        wizard_user.with_company(account.company_id).action_grant_access()
        user = wizard_user.user_id
        account.message_post(
            body=self.env._(
                "The customer registered on the portal: %(name)s, %(email)s "
                "(from %(ip)s). An e-mail with a link to choose a password was "
                "sent.",
                name=name or "",
                email=email,
                ip=ip or "",
            )
        )
        return user
