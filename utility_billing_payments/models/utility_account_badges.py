# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class UtilityAccount(models.Model):
    """Status badges of the account list: what a CSR must know before talking
    to the customer (autopay debits the bills, a payment plan is running, a
    shut-off is coming, the counter takes no checks). Display only: the
    search view filters on the underlying fields."""

    _inherit = "utility.account"

    badge_autopay = fields.Char(string="Autopay Badge", compute="_compute_badges")
    badge_plan = fields.Char(string="Payment Plan Badge", compute="_compute_badges")
    badge_shutoff = fields.Char(string="Shut-off Badge", compute="_compute_badges")
    badge_cash_only = fields.Char(string="Cash Only Badge", compute="_compute_badges")

    @api.depends(
        "ach_mandate_ids.state",
        "payment_plan_id",
        "shutoff_pending",
        "dlq_shutoff_date",
        "cash_only",
    )
    def _compute_badges(self):
        labels = {
            "autopay": self.env._("Autopay"),
            "plan": self.env._("Plan"),
            "shutoff_list": self.env._("Shut-off Pending"),
            "shutoff_notice": self.env._("Shut-off Notice"),
            "cash_only": self.env._("Cash Only"),
        }
        for account in self:
            account.badge_autopay = labels["autopay"] if account.autopay else False
            account.badge_plan = labels["plan"] if account.payment_plan_id else False
            if account.shutoff_pending:
                account.badge_shutoff = labels["shutoff_list"]
            elif account.dlq_shutoff_date:
                account.badge_shutoff = labels["shutoff_notice"]
            else:
                account.badge_shutoff = False
            account.badge_cash_only = (
                labels["cash_only"] if account.cash_only else False
            )
