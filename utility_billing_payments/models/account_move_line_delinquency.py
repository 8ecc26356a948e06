# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delinquency: every payment that reconciles an account's receivable lines
counts (``account.move.line``).
"""

from odoo import api, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _reconcile_plan(self, reconciliation_plan):
        """Every payment counts: whatever reconciled the account's receivable
        lines (counter, ACH, mail, Register Payment, bank reconciliation, a
        credit applied), the accounts with something in progress (on a
        shut-off list, a disconnect order, disconnected, letters not sent yet)
        are re-evaluated at once, once the reconciliation is complete (outside
        its synchronisation of the entries: a reconnection fee may be
        invoiced). One query selects them among the accounts of the reconciled
        lines; the others cost nothing more."""
        res = super()._reconcile_plan(reconciliation_plan)
        account_ids = set()

        def collect(plan):
            for item in plan:
                if isinstance(item, models.BaseModel):
                    account_ids.update(
                        line.utility_account_id.id
                        for line in item
                        if line.account_type == "asset_receivable"
                        and line.utility_account_id
                    )
                else:
                    collect(item)

        collect(reconciliation_plan)
        if account_ids:
            accounts = self.env["utility.account"]._dlq_in_progress(list(account_ids))
            if accounts:
                # The reconciliation was allowed: the delinquency workflow
                # follows with its own rights (the user stays the author).
                accounts.sudo()._dlq_after_payment(recover=False)
        return res
