# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    utility_penalty_bill_id = fields.Many2one(
        "account.move",
        string="Penalty On Bill",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The delinquent bill this late-penalty invoice charges.",
    )
    utility_reconnect_fee_capped = fields.Boolean(
        string="Capped Reconnection Fee",
        copy=False,
        readonly=True,
        help="Reconnection fee of a low-income household, capped by SB 998: it "
        "bears no late penalty and gets no late notice.",
    )

    def init(self):
        res = super().init()
        # One late penalty per delinquent bill, whatever re-runs or workers.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS account_move_utility_penalty_uniq
                       ON account_move (utility_penalty_bill_id)
                    WHERE utility_penalty_bill_id IS NOT NULL
                      AND state != 'cancel'"""
            )
        )
        return res


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
