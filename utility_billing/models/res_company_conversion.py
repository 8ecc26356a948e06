# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (go-live conversion), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# (code, name, account type, reconcile), as UTILITY_CHART's entries: the
# balance sheet account the legacy balances and deposits are brought in
# against; it clears when the legacy general ledger's receivable and deposit
# balances are journaled against it at the cut-over.
CONVERSION_CLEARING = ("199100", _lt("Conversion Clearing"), "asset_current", False)


class ResCompany(models.Model):
    _inherit = "res.company"

    utility_conversion_account_id = fields.Many2one(
        "account.account",
        string="Conversion Clearing Account",
        help="The go-live conversion enters the opening balances and deposits "
        "held against this account (199100 Conversion Clearing by default).",
    )

    def _utility_conversion_account(self):
        """The conversion clearing account of the company: the one set, else
        account 199100 (created when missing), set on the company."""
        self.ensure_one()
        if not self.utility_conversion_account_id:
            code, name, account_type, reconcile = CONVERSION_CLEARING
            Account = self.env["account.account"].sudo().with_company(self)
            account = Account.search(
                [("company_ids", "in", self.id), ("code", "=", code)], limit=1
            ) or self._utility_create_translated(
                "account.account",
                {
                    "code": code,
                    "account_type": account_type,
                    "reconcile": reconcile,
                    "company_ids": [Command.set(self.ids)],
                },
                name._translate,
            )
            self.sudo().utility_conversion_account_id = account
        return self.utility_conversion_account_id

    def _utility_chart_setup(self):
        """The utility chart also holds the conversion clearing account."""
        res = super()._utility_chart_setup()
        for company in self:
            company.with_company(company)._utility_conversion_account()
        return res
