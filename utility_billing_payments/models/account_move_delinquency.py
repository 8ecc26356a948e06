# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models
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
