# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from odoo.addons.utility_billing.tools.csv_safe import csv_safe_cell

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
        _LABELS.clear()
        output = io.BytesIO()
        # No text of the export is ever read as a formula (see _SheetWriter).
        workbook = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False}
        )
        formats = self._ub_formats(workbook)
        for key in sheets:
            label = self._ub_report_label(key)
            sheet = workbook.add_worksheet(label[:31])
            writer = _SheetWriter(sheet, formats, self.env._("Total"))
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

    # Sheets ---------------------------------------------------------------

    def _ub_sheet_billing_register(self, writer):
        _ = self.env._
        model = self.env["utility.report.billing.register"]
        classes = self._ub_class_labels()
        # One query for the bills and the names they show (a city's month is
        # tens of thousands of bills): the register's own search, record
        # rules included, as its subquery.
        query = model._search(self._ub_domain_for(model._name))
        self.env.cr.execute(
            SQL(
                """SELECT r.name, r.date, ua.name, p.name, r.customer_class,
                          route.name, run.name, r.consumption, r.amount_untaxed,
                          r.amount_tax, r.amount_total
                     FROM %s r
                     JOIN utility_account ua ON ua.id = r.account_id
                     JOIN res_partner p ON p.id = r.partner_id
                LEFT JOIN utility_route route ON route.id = r.route_id
                LEFT JOIN utility_billing_run run ON run.id = r.run_id
                    WHERE r.id IN %s
                 ORDER BY r.date, r.name""",
                model._table_sql,
                query.subselect(),
            )
        )
        writer.table(
            [
                (_("Bill"), "text"),
                (_("Bill Date"), "date"),
                (_("Account"), "text"),
                (_("Customer"), "text"),
                (_("Class"), "text"),
                (_("Route"), "text"),
                (_("Billing Run"), "text"),
                (_("Consumption"), "number"),
                (_("Charges"), "money"),
                (_("Taxes"), "money"),
                (_("Total"), "money"),
            ],
            (
                [*row[:4], classes.get(row[4], ""), *row[5:]]
                for row in self.env.cr.fetchall()
            ),
            totals={7, 8, 9, 10},
        )
        writer.section(_("Totals by Service and Revenue Account"))
        lines = self.env["utility.report.billing.register.line"]
        groups = lines._read_group(
            self._ub_domain_for("utility.report.billing.register.line"),
            ["line_kind", "service_type_id", "gl_account_id"],
            ["quantity:sum", "amount_total:sum"],
        )
        writer.table(
            [
                (_("Kind"), "text"),
                (_("Service"), "text"),
                (_("Revenue Account"), "text"),
                (_("Quantity"), "number"),
                (_("Amount"), "money"),
            ],
            (
                [
                    _("Tax") if kind == "tax" else _("Charge"),
                    service.name or "",
                    gl_account.display_name or "",
                    quantity if kind != "tax" else None,
                    amount,
                ]
                for kind, service, gl_account, quantity, amount in groups
            ),
            totals={4},
        )

    def _ub_sheet_aged(self, writer):
        _ = self.env._
        report = self._ub_aged_wizard()
        report._ub_compute()
        buckets = report._ub_buckets()
        writer.subtitle(
            _("As of %(date)s", date=format_date(self.env, report.as_of_date))
        )
        classes = self._ub_class_labels()
        names = [name for name, _label in buckets]
        self.env.cr.execute(
            SQL(
                """SELECT ua.name, p.name, l.customer_class, route.name,
                          l.oldest_due_date, %s, l.amount_total
                     FROM utility_report_aged_receivable_line l
                     JOIN utility_account ua ON ua.id = l.account_id
                     JOIN res_partner p ON p.id = l.partner_id
                LEFT JOIN utility_route route ON route.id = l.route_id
                    WHERE l.report_id = %s
                 ORDER BY ua.name""",
                SQL(", ").join(SQL.identifier("l", name) for name in names),
                report.id,
            )
        )
        writer.table(
            [
                (_("Account"), "text"),
                (_("Customer"), "text"),
                (_("Class"), "text"),
                (_("Route"), "text"),
                (_("Oldest Due"), "date"),
            ]
            + [(label, "money") for _name, label in buckets]
            + [(_("Total"), "money")],
            (
                [*row[:2], classes.get(row[2], ""), *row[3:]]
                for row in self.env.cr.fetchall()
            ),
            totals=set(range(5, 5 + len(buckets) + 1)),
        )
        writer.section(_("By Customer Class"))
        writer.table(
            [(_("Class"), "text"), (_("Accounts"), "integer")]
            + [(label, "money") for _name, label in buckets]
            + [(_("Total"), "money")],
            (
                [label, count]
                + [totals[name] for name, _label in buckets]
                + [totals["amount_total"]]
                for label, totals, count in report._ub_totals_by_class()
            ),
            totals=set(range(1, 2 + len(buckets) + 1)),
        )

    def _ub_class_labels(self):
        return dict(
            self.env["utility.account"]
            ._fields["customer_class"]
            ._description_selection(self.env)
        )

    def _ub_sheet_revenue(self, writer):
        _ = self.env._
        model = self.env["utility.report.revenue"]
        domain = self._ub_domain_for("utility.report.revenue")
        writer.section(_("By Month"))
        groups = model._read_group(
            domain, ["date:month"], ["amount:sum", "amount_prior:sum"]
        )
        writer.table(
            [
                (_("Month"), "text"),
                (_("Revenue"), "money"),
                (_("Same Period Last Year"), "money"),
            ],
            ([month.strftime("%Y-%m"), cur, prior] for month, cur, prior in groups),
            totals={1, 2},
        )
        writer.section(_("By Service and Revenue Account"))
        groups = model._read_group(
            domain,
            ["service_type_id", "gl_account_id"],
            ["amount:sum", "amount_prior:sum"],
        )
        writer.table(
            [
                (_("Service"), "text"),
                (_("Revenue Account"), "text"),
                (_("Revenue"), "money"),
                (_("Same Period Last Year"), "money"),
            ],
            (
                [service.name or "", gl_account.display_name, cur, prior]
                for service, gl_account, cur, prior in groups
            ),
            totals={2, 3},
        )
        for title, field in (
            (_("By Fiscal Quarter"), "fiscal_quarter"),
            (_("By Fiscal Year"), "fiscal_year"),
        ):
            writer.section(title)
            groups = model._read_group(
                domain, [field], ["amount:sum", "amount_prior:sum"]
            )
            writer.table(
                [
                    (_("Period"), "text"),
                    (_("Revenue"), "money"),
                    (_("Same Period Last Year"), "money"),
                ],
                ([label, cur, prior] for label, cur, prior in groups),
                totals={1, 2},
            )

    def _ub_sheet_consumption(self, writer):
        _ = self.env._
        stats = self._ub_consumption_statistics()
        writer.table(
            [
                (_("Service"), "text"),
                (_("Class"), "text"),
                (_("Accounts"), "integer"),
                (_("Total"), "number"),
                (_("Average per Account"), "number"),
                (_("Median per Account"), "number"),
                (_("Largest User"), "number"),
            ],
            (
                [
                    group["service"].name,
                    group["class_label"],
                    group["accounts"],
                    group["total"],
                    group["average"],
                    group["median"],
                    group["maximum"],
                ]
                for group in stats["groups"]
            ),
        )
        writer.section(_("Top Users"))
        services = self.env["utility.service.type"]
        writer.table(
            [
                (_("Service"), "text"),
                (_("Rank"), "integer"),
                (_("Account"), "text"),
                (_("Customer"), "text"),
                (_("Consumption"), "number"),
            ],
            (
                [
                    services.browse(service_id).name,
                    rank,
                    user["account"].name,
                    user["account"].partner_id.name,
                    user["consumption"],
                ]
                for service_id, users in stats["top"].items()
                for rank, user in enumerate(users, start=1)
            ),
        )

    def _ub_sheet_cash_receipts(self, writer):
        _ = self.env._
        model = self.env["utility.report.cash.receipt"]
        domain = self._ub_domain_for("utility.report.cash.receipt")
        groups = model._read_group(
            domain,
            ["date:day", "source", "tender", "cashier_id"],
            ["receipt_count:sum", "amount:sum"],
        )
        sources = dict(model._fields["source"]._description_selection(self.env))
        writer.table(
            [
                (_("Date"), "date"),
                (_("Source"), "text"),
                (_("Tender"), "text"),
                (_("Cashier"), "text"),
                (_("Receipts"), "integer"),
                (_("Amount"), "money"),
            ],
            (
                [day, sources.get(source, ""), tender, cashier.name, count, amount]
                for day, source, tender, cashier, count, amount in groups
            ),
            totals={4, 5},
        )
        writer.section(_("Miscellaneous Receipts by Revenue Account"))
        misc = self.env["utility.report.misc.receipt"]
        groups = misc._read_group(
            self._ub_domain_for("utility.report.misc.receipt"),
            ["gl_account_id", "product_id"],
            ["quantity:sum", "amount_untaxed:sum", "amount_total:sum"],
        )
        writer.table(
            [
                (_("Revenue Account"), "text"),
                (_("Receipt"), "text"),
                (_("Quantity"), "number"),
                (_("Revenue"), "money"),
                (_("Received"), "money"),
            ],
            (
                [gl_account.display_name or "", product.display_name, qty, rev, total]
                for gl_account, product, qty, rev, total in groups
            ),
            totals={2, 3, 4},
        )

    def _ub_sheet_adjustments(self, writer):
        _ = self.env._
        model = "utility.report.adjustment"
        rows = self.env[model].search(self._ub_domain_for(model), order="date, name")
        writer.table(
            [
                (_("Reference"), "text"),
                (_("Date"), "date"),
                (_("Type"), "text"),
                (_("Account"), "text"),
                (_("Customer"), "text"),
                (_("Note"), "text"),
                (_("Original Bill"), "text"),
                (_("Requested By"), "text"),
                (_("Approver"), "text"),
                (_("Credit"), "money"),
            ],
            (
                [
                    row.name,
                    row.date,
                    _selection_label(row, "adjustment_type"),
                    row.account_id.name,
                    row.partner_id.name,
                    row.move_id.name,
                    row.bill_id.name or "",
                    row.requested_by.name or "",
                    row.approver_id.name or "",
                    row.amount,
                ]
                for row in rows
            ),
            totals={9},
        )

    def _ub_sheet_deposits(self, writer):
        _ = self.env._
        model = self.env["utility.report.deposit"]
        domain = model._ub_domain(self._ub_filters())
        rows = model.search(domain)
        writer.table(
            [
                (_("Account"), "text"),
                (_("Customer"), "text"),
                (_("Status"), "text"),
                (_("Class"), "text"),
                (_("Route"), "text"),
                (_("Required"), "money"),
                (_("Held"), "money"),
                (_("Billed, Unpaid"), "money"),
            ],
            (
                [
                    row.account_name,
                    row.partner_id.name,
                    _selection_label(row, "state"),
                    _selection_label(row, "customer_class"),
                    row.route_id.name or "",
                    row.deposit_required,
                    row.deposit_held,
                    row.deposit_unpaid,
                ]
                for row in rows
            ),
            totals={5, 6, 7},
        )
        tie = model._ub_tie_out(self.company_id)
        writer.section(_("Tie-Out to the Customer Deposits Account"))
        writer.pairs(
            [
                (_("Deposits held (all accounts of the company)"), tie["held"]),
                (_("Deposits billed, not yet paid"), tie["unpaid"]),
                (
                    _(
                        "Balance of %(account)s",
                        account=tie["gl_account"].display_name or _("(not set)"),
                    ),
                    tie["ledger"],
                ),
                (_("Difference"), tie["difference"]),
            ]
        )

    def _ub_sheet_month_end(self, writer):
        _ = self.env._
        summary = self._ub_month_end_wizard()._ub_summary()
        writer.pairs(
            [
                (_("Receivables at start"), summary["opening_balance"]),
                (_("+ Billed"), summary["billed"]),
                (_("- Collected"), summary["collected"]),
                (_("- Adjusted"), summary["adjusted"]),
                (_("- Written off"), summary["written_off"]),
                (_("+ Other receivable entries"), summary["other_movements"]),
                (_("= Receivables at end (roll-forward)"), summary["closing_computed"]),
                (_("Receivables at end (journal)"), summary["closing_journal"]),
                (_("Difference"), summary["difference"]),
                (_("Aged receivables at end"), summary["aged_total"]),
            ]
        )
        writer.text(
            _("Ties to the journal")
            if summary["ties"]
            else _("Does NOT tie to the journal")
        )
        writer.section(_("Collected by Source"))
        writer.pairs(summary["collected_by_source"])


_LABELS = {}


def _selection_label(record, field_name):
    """The label of a selection value (labels read once per export)."""
    value = record[field_name]
    if not value:
        return ""
    key = (record._name, field_name, record.env.lang)
    if key not in _LABELS:
        _LABELS[key] = dict(
            record._fields[field_name]._description_selection(record.env)
        )
    return _LABELS[key].get(value, value)


class _SheetWriter:
    """Writes titled tables down a worksheet.

    Text is always written as text (``write_string``: never a formula), and the
    text of records (names, references, the filters) through ``csv_safe_cell``: a
    customer named ``=HYPERLINK(...)`` stays text when the sheet is edited or
    saved as CSV. Amounts, quantities and dates stay numbers. The fixed labels
    of the sheets (``+ Billed``...) are the addon's own.
    """

    def __init__(self, sheet, formats, total_label):
        self.sheet = sheet
        self.total_label = total_label
        self.formats = formats
        self.row = 0
        self.widths = {}

    def _width(self, col, value):
        length = len(str(value)) if value is not None else 0
        if length > self.widths.get(col, 0):
            self.widths[col] = min(length, 60)
            self.sheet.set_column(col, col, max(self.widths[col] + 2, 10))

    def title(self, title, company, subtitle):
        self.sheet.write_string(self.row, 0, title, self.formats["title"])
        self.row += 1
        self.sheet.write_string(
            self.row, 0, csv_safe_cell(company or ""), self.formats["subtitle"]
        )
        self.row += 1
        self.sheet.write_string(
            self.row, 0, csv_safe_cell(subtitle), self.formats["subtitle"]
        )
        self.row += 2

    def subtitle(self, text):
        self.sheet.write_string(
            self.row, 0, csv_safe_cell(text), self.formats["subtitle"]
        )
        self.row += 2

    def section(self, text):
        self.row += 1
        self.sheet.write_string(self.row, 0, text, self.formats["section"])
        self.row += 1

    def text(self, text):
        self.sheet.write_string(self.row, 0, text, self.formats["total"])
        self.row += 1

    def table(self, columns, rows, totals=()):
        for col, (label, _kind) in enumerate(columns):
            self.sheet.write_string(self.row, col, label, self.formats["header"])
            self._width(col, label)
        self.row += 1
        sums = dict.fromkeys(totals, 0.0)
        count = 0
        for values in rows:
            count += 1
            for col, value in enumerate(values):
                kind = columns[col][1]
                if value is None or value is False:
                    self.sheet.write_blank(self.row, col, None)
                    continue
                if kind == "date":
                    self.sheet.write_datetime(
                        self.row,
                        col,
                        fields.Datetime.to_datetime(value),
                        self.formats["date"],
                    )
                elif kind in ("money", "number", "integer"):
                    self.sheet.write_number(self.row, col, value, self.formats[kind])
                else:
                    text = csv_safe_cell(str(value))
                    self.sheet.write_string(self.row, col, text)
                    self._width(col, text)
                if col in sums:
                    sums[col] += value
            self.row += 1
        if totals:
            self.sheet.write_string(
                self.row, 0, f"{self.total_label} ({count})", self.formats["total"]
            )
            for col, value in sums.items():
                kind = columns[col][1]
                fmt = "number_total" if kind in ("number", "integer") else "money_total"
                self.sheet.write_number(self.row, col, value, self.formats[fmt])
            self.row += 1
        self.row += 1
        return count

    def pairs(self, pairs):
        for label, value in pairs:
            self.sheet.write_string(self.row, 0, label)
            self._width(0, label)
            self.sheet.write_number(self.row, 1, value, self.formats["money"])
            self.row += 1
        self.row += 1
