# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An account on a shut-off list, eligible or blocked with its reasons
(``utility.shutoff.list.line``).
"""

from odoo import api, fields, models

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import check_protected_create, check_protected_write

LINE_PROTECTED_FIELDS = (
    "list_id",
    "account_id",
    "state",
    "block_reason",
    "amount_past_due",
    "oldest_due_date",
    "order_id",
)


class UtilityShutoffListLine(models.Model):
    _name = "utility.shutoff.list.line"
    _description = "Utility Shut-off List Line"
    _order = "route_id, walk_sequence, id"
    _check_company_auto = True

    list_id = fields.Many2one(
        "utility.shutoff.list", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, check_company=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id")
    premise_id = fields.Many2one(related="account_id.premise_id")
    route_id = fields.Many2one(
        "utility.route", related="account_id.premise_id.route_id", store=True
    )
    walk_sequence = fields.Integer(
        aggregator=None, related="account_id.premise_id.sequence", store=True
    )
    customer_class = fields.Selection(related="account_id.customer_class")
    amount_past_due = fields.Monetary(currency_field="currency_id")
    oldest_due_date = fields.Date()
    state = fields.Selection(
        [
            ("eligible", "To Shut Off"),
            ("blocked", "Blocked"),
            ("removed", "Removed"),
            ("ordered", "Order Created"),
            ("disconnected", "Disconnected"),
        ],
        default="eligible",
        required=True,
        index=True,
    )
    shutoff_date = fields.Date(
        related="account_id.dlq_shutoff_date",
        string="Shut-off On or After",
        help="The date the notices sent to the account print: the account is "
        "not shut off before it.",
    )
    block_reason = fields.Text(string="Blocked By / Removed Because")
    order_id = fields.Many2one(
        "utility.service.order", string="Disconnect Order", readonly=True
    )
    currency_id = fields.Many2one(related="list_id.currency_id")
    company_id = fields.Many2one(related="list_id.company_id", store=True)

    _sql_constraints = [
        (
            "list_account_uniq",
            "unique(list_id, account_id)",
            "An account appears once on a shut-off list.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            LINE_PROTECTED_FIELDS,
            "utility.shutoff.list",
            defaults={"state": "eligible"},
            message=self.env._(
                "Accounts are put on a shut-off list by the delinquency run only."
            ),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, LINE_PROTECTED_FIELDS, "utility.shutoff.list")
        return super().write(vals)

    def _recheck(self):
        """Check the line again on the list's date."""
        with workflow("utility.shutoff.list"):
            self._recheck_lines()

    def _recheck_lines(self):
        for line in self:
            account = line.account_id
            date = line.list_id.date
            if account._dlq_under_minimum(date):
                line._remove(self.env._("Paid: under the minimum past due."))
                continue
            reasons = account._dlq_block_reasons(date)
            line.write(
                {
                    "state": "blocked" if reasons else "eligible",
                    "block_reason": "\n".join(label for _c, label in reasons),
                    "amount_past_due": account._dlq_past_due(date),
                }
            )

    def _remove(self, reason):
        """Take the accounts off the list; cancel their disconnect orders not
        done yet (the truck has not rolled)."""
        with workflow("utility.shutoff.list"):
            self._remove_lines(reason)

    def _remove_lines(self, reason):
        for line in self:
            if line.order_id and line.order_id.state in ("new", "scheduled"):
                line.order_id.action_cancel()
            line.write({"state": "removed", "block_reason": reason})
            line.list_id.message_post(
                body=self.env._(
                    "Account %(account)s removed: %(reason)s",
                    account=line.account_id.name,
                    reason=reason,
                )
            )

    def _prepare_disconnect_order_vals(self):
        self.ensure_one()
        return {
            "order_type": "disconnect",
            "account_id": self.account_id.id,
            "priority": "1",
            "scheduled_date": self.list_id.date,
            "shutoff_line_id": self.id,
            "description": self.env._(
                "Shut off for non-payment: %(amount)s past due (list of %(date)s).",
                amount=self.currency_id.format(self.amount_past_due),
                date=self.list_id.date,
            ),
            "company_id": self.list_id.company_id.id,
        }
