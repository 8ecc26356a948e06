# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class UtilityAccountStatement(models.TransientModel):
    """Print an account history statement for a date range."""

    _name = "utility.account.statement"
    _description = "Account History Statement"

    account_id = fields.Many2one("utility.account", required=True)
    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(months=12),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    def action_print(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The statement ends before it starts."))
        return self.env.ref(
            "utility_billing.action_report_account_statement"
        ).report_action(self.account_id, data=self._report_data())

    def _report_data(self):
        self.ensure_one()
        return {
            "account_id": self.account_id.id,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
        }


class ReportAccountStatement(models.AbstractModel):
    _name = "report.utility_billing.report_account_statement"
    _description = "Account History Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        accounts = self.env["utility.account"].browse(
            [data["account_id"]] if data.get("account_id") else docids
        )
        today = fields.Date.context_today(self)
        date_from = fields.Date.to_date(data.get("date_from")) or today.replace(
            month=1, day=1
        )
        date_to = fields.Date.to_date(data.get("date_to")) or today
        Timeline = self.env["utility.account.timeline"]
        # The customer's statement shows posted documents only (bills, credit
        # notes, payments, posted adjustments): not the pending or rejected
        # adjustment requests and their internal reasons, nor the office's
        # reads, notices and orders.
        posted = [
            "|",
            ("kind", "in", ("bill", "credit", "payment")),
            "&",
            ("kind", "=", "adjustment"),
            ("state", "=", "posted"),
        ]
        statements = []
        for account in accounts:
            rows = Timeline.search(
                [
                    ("account_id", "=", account.id),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                    *posted,
                ],
                order="date, sequence, id",
            )
            before = Timeline.search(
                [("account_id", "=", account.id), ("date", "<", date_from), *posted],
                order="date desc, sequence desc, id desc",
                limit=1,
            )
            opening = before.balance if before else 0.0
            closing = rows[-1].balance if rows else opening
            statements.append(
                {
                    "account": account,
                    "rows": rows,
                    "opening": opening,
                    "closing": closing,
                }
            )
        return {
            "doc_ids": accounts.ids,
            "doc_model": "utility.account",
            "docs": accounts,
            "statements": statements,
            "date_from": date_from,
            "date_to": date_to,
        }
