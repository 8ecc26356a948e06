# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Print and Export: the wizard that prints one report (PDF) or exports the
reports to one workbook (XLSX). The sheets of the workbook live in
utility_report_export_sheets.py; the sheet writer in tools/sheet_writer.py."""

import base64
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..tools.sheet_writer import SELECTION_LABELS, SheetWriter

REPORTS = [
    ("billing_register", "Billing Register"),
    ("aged", "Aged Receivables"),
    ("revenue", "Revenue"),
    ("consumption", "Consumption Statistics"),
    ("cash_receipts", "Cash Receipts Journal"),
    ("adjustments", "Adjustments Register"),
    ("deposits", "Deposits Held"),
    ("month_end", "Month-End Summary"),
]


def _last_month_start(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(months=1)


def _last_month_end(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(days=1)


class UtilityReportExport(models.TransientModel):
    """Print one report (PDF) or export the reports to one workbook (XLSX, a
    sheet per report) for a period and filters."""

    _name = "utility.report.export"
    _description = "Utility Billing Reports: Print and Export"
    _inherit = "utility.report.filter.mixin"

    report = fields.Selection(
        REPORTS, string="Report to Print", required=True, default="billing_register"
    )
    date_from = fields.Date(string="From", required=True, default=_last_month_start)
    date_to = fields.Date(string="To", required=True, default=_last_month_end)
    as_of_date = fields.Date(
        string="Aged As of",
        help="Date of the aged receivables (the end of the period when empty).",
    )
    run_id = fields.Many2one(
        "utility.billing.run",
        string="Billing Run",
        check_company=True,
        help="Only the bills of this run in the billing register.",
    )
    sheet_billing_register = fields.Boolean(string="Billing Register", default=True)
    sheet_aged = fields.Boolean(string="Aged Receivables", default=True)
    sheet_revenue = fields.Boolean(string="Revenue", default=True)
    sheet_consumption = fields.Boolean(string="Consumption Statistics", default=True)
    sheet_cash_receipts = fields.Boolean(string="Cash Receipts Journal", default=True)
    sheet_adjustments = fields.Boolean(string="Adjustments Register", default=True)
    sheet_deposits = fields.Boolean(string="Deposits Held", default=True)
    sheet_month_end = fields.Boolean(string="Month-End Summary", default=True)
    xlsx_file = fields.Binary(string="Workbook", readonly=True, attachment=False)
    xlsx_name = fields.Char(readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise UserError(self.env._("The period ends before it starts."))

    @api.model
    def _ub_only_sheet(self, report):
        """Values that export the sheet of ``report`` alone."""
        return {f"sheet_{key}": key == report for key, _label in REPORTS}

    def _ub_report_label(self, report):
        return dict(self._fields["report"]._description_selection(self.env))[report]

    def _ub_as_of(self):
        return self.as_of_date or self.date_to

    def _ub_domain_for(self, model):
        """Domain of the report model ``model`` for the wizard's filters."""
        self.ensure_one()
        report = self.env[model]
        domain = report._ub_domain(self._ub_filters())
        if self.run_id and "run_id" in report._fields:
            domain.append(("run_id", "=", self.run_id.id))
        if model in (
            "utility.report.billing.register",
            "utility.report.billing.register.line",
        ):
            domain.append(("state", "=", "posted"))
        return domain

    def _ub_print_data(self, model):
        return {
            "ub_domain": self._ub_domain_for(model),
            "ub_title": self._ub_period_title(),
        }

    def _ub_period_title(self):
        self.ensure_one()
        return self.env._(
            "%(start)s to %(end)s; %(filters)s",
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
            filters=self._ub_filter_description(),
        )

    # ------------------------------------------------------------
    # Print (PDF)
    # ------------------------------------------------------------

    def action_print(self):
        self.ensure_one()
        report = self.report
        if report == "aged":
            return self._ub_aged_wizard().action_print()
        if report == "month_end":
            return self._ub_month_end_wizard().action_print()
        if report == "consumption":
            return self.env.ref(
                "utility_billing_reports.action_report_utility_consumption_stats"
            ).report_action(self)
        model, action = {
            "billing_register": (
                "utility.report.billing.register",
                "action_report_utility_billing_register",
            ),
            "revenue": ("utility.report.revenue", "action_report_utility_revenue"),
            "cash_receipts": (
                "utility.report.cash.receipt",
                "action_report_utility_cash_receipt",
            ),
            "adjustments": (
                "utility.report.adjustment",
                "action_report_utility_adjustment",
            ),
            "deposits": ("utility.report.deposit", "action_report_utility_deposit"),
        }[report]
        if not self.env[model].search_count(self._ub_domain_for(model), limit=1):
            raise UserError(
                self.env._(
                    "%(report)s: nothing to print for %(period)s.",
                    report=self._ub_report_label(report),
                    period=self._ub_period_title(),
                )
            )
        return self.env.ref(f"utility_billing_reports.{action}").report_action(
            self.env[model], data=self._ub_print_data(model)
        )

    def _ub_aged_wizard(self):
        self.ensure_one()
        return self.env["utility.report.aged.receivable"].create(
            {
                "company_id": self.company_id.id,
                "as_of_date": self._ub_as_of(),
                "billing_cycle_ids": [fields.Command.set(self.billing_cycle_ids.ids)],
                "route_ids": [fields.Command.set(self.route_ids.ids)],
                "customer_class": self.customer_class,
            }
        )

    def _ub_month_end_wizard(self):
        self.ensure_one()
        return self.env["utility.report.month.end"].create(
            {
                "company_id": self.company_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "billing_cycle_ids": [fields.Command.set(self.billing_cycle_ids.ids)],
                "route_ids": [fields.Command.set(self.route_ids.ids)],
                "customer_class": self.customer_class,
            }
        )

    def _ub_consumption_statistics(self):
        self.ensure_one()
        return self.env["utility.report.consumption.stats"]._ub_statistics(
            self.company_id, self.date_from, self.date_to, self._ub_filters()
        )

    # ------------------------------------------------------------
    # Export (XLSX)
    # ------------------------------------------------------------

    def action_export_xlsx(self):
        self.ensure_one()
        sheets = [key for key, _label in REPORTS if self[f"sheet_{key}"]]
        if not sheets:
            raise UserError(self.env._("Choose at least one report to export."))
        content = self._ub_workbook(sheets)
        self.write(
            {
                "xlsx_file": base64.b64encode(content),
                "xlsx_name": self.env._(
                    "utility-reports-%(start)s-%(end)s.xlsx",
                    start=fields.Date.to_string(self.date_from),
                    end=fields.Date.to_string(self.date_to),
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}"
            "&field=xlsx_file&filename_field=xlsx_name&download=true",
            "target": "self",
        }

    def _ub_workbook(self, sheets):
        """The bytes of a workbook with a sheet for each report of ``sheets``."""
        self.ensure_one()
        SELECTION_LABELS.clear()
        output = io.BytesIO()
        # No text of the export is ever read as a formula (see SheetWriter).
        workbook = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False}
        )
        formats = self._ub_formats(workbook)
        for key in sheets:
            label = self._ub_report_label(key)
            sheet = workbook.add_worksheet(label[:31])
            writer = SheetWriter(sheet, formats, self.env._("Total"))
            writer.title(label, self.company_id.name, self._ub_period_title())
            getattr(self, f"_ub_sheet_{key}")(writer)
        workbook.close()
        return output.getvalue()

    def _ub_formats(self, workbook):
        digits = self.company_id.currency_id.decimal_places
        money = "#,##0." + "0" * digits if digits else "#,##0"
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "subtitle": workbook.add_format({"italic": True}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#D9E1F2", "border": 1}
            ),
            "section": workbook.add_format({"bold": True, "font_size": 12}),
            "money": workbook.add_format({"num_format": money}),
            "money_total": workbook.add_format(
                {"num_format": money, "bold": True, "top": 1}
            ),
            "number": workbook.add_format({"num_format": "#,##0.000"}),
            "number_total": workbook.add_format(
                {"num_format": "#,##0.000", "bold": True, "top": 1}
            ),
            "integer": workbook.add_format({"num_format": "#,##0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "text": workbook.add_format({}),
            "total": workbook.add_format({"bold": True, "top": 1}),
        }
