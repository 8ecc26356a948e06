# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools.misc import format_date

from .utility_report_aged_receivable_line import BUCKETS


class UtilityReportAgedReceivable(models.TransientModel):
    """Aged receivables of the utility accounts as of any date.

    What each account owed at the end of the date, aged by due date (current,
    1-30, 31-60, 61-90, 91-120 and over 120 days past due). Payments and
    credits count from the date they were applied (the reconciliation's
    ``max_date``): as of a past date a bill paid since shows open, as it was.
    """

    _name = "utility.report.aged.receivable"
    _description = "Utility Aged Receivables"
    _inherit = "utility.report.filter.mixin"

    as_of_date = fields.Date(
        string="As of",
        required=True,
        default=fields.Date.context_today,
    )
    line_ids = fields.One2many(
        "utility.report.aged.receivable.line", "report_id", string="Accounts"
    )

    def _ub_compute(self):
        for report in self:
            self.env["utility.report.aged.receivable.line"]._ub_fill(report)
        return True

    def action_show(self):
        """Fill the report and show its accounts (list, pivot by class)."""
        self.ensure_one()
        self._ub_compute()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing_reports.utility_report_aged_receivable_line_action"
        )
        action["domain"] = [("report_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Aged Receivables as of %(date)s",
            date=format_date(self.env, self.as_of_date),
        )
        return action

    def action_print(self):
        self.ensure_one()
        self._ub_compute()
        return self.env.ref(
            "utility_billing_reports.action_report_utility_aged_receivable"
        ).report_action(self)

    def action_export_xlsx(self):
        self.ensure_one()
        export = self.env["utility.report.export"].create(
            self._ub_export_vals(
                {
                    "as_of_date": self.as_of_date,
                    "date_from": self.as_of_date.replace(day=1),
                    "date_to": self.as_of_date,
                    **self.env["utility.report.export"]._ub_only_sheet("aged"),
                }
            )
        )
        return export.action_export_xlsx()

    def _ub_export_vals(self, vals):
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "billing_cycle_ids": [fields.Command.set(self.billing_cycle_ids.ids)],
            "route_ids": [fields.Command.set(self.route_ids.ids)],
            "service_type_ids": [fields.Command.set(self.service_type_ids.ids)],
            "customer_class": self.customer_class,
            **vals,
        }

    def _ub_buckets(self):
        """[(field name, label)] of the aging columns."""
        labels = {
            "amount_current": self.env._("Current"),
            "amount_1_30": self.env._("1-30"),
            "amount_31_60": self.env._("31-60"),
            "amount_61_90": self.env._("61-90"),
            "amount_91_120": self.env._("91-120"),
            "amount_over_120": self.env._("Over 120"),
        }
        return [(name, labels[name]) for name, _label in BUCKETS]

    def _ub_totals(self):
        """{bucket field: total} of the report's lines, and 'amount_total'."""
        self.ensure_one()
        names = [name for name, _label in BUCKETS] + ["amount_total"]
        groups = self.env["utility.report.aged.receivable.line"]._read_group(
            [("report_id", "=", self.id)], [], [f"{n}:sum" for n in names]
        )
        return dict(zip(names, groups[0], strict=True))

    def _ub_totals_by_class(self):
        """[(customer class label, {bucket: total}, accounts)] of the lines."""
        self.ensure_one()
        names = [name for name, _label in BUCKETS] + ["amount_total"]
        groups = self.env["utility.report.aged.receivable.line"]._read_group(
            [("report_id", "=", self.id)],
            ["customer_class"],
            [f"{n}:sum" for n in names] + ["__count"],
        )
        labels = dict(
            self.env["utility.report.aged.receivable.line"]
            ._fields["customer_class"]
            ._description_selection(self.env)
        )
        return [
            (
                labels.get(group[0], self.env._("None")),
                dict(zip(names, group[1:-1], strict=True)),
                group[-1],
            )
            for group in groups
        ]
