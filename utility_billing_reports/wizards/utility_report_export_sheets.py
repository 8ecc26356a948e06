# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Print and Export: one XLSX sheet per report (billing register, aged
receivables, revenue, consumption, cash receipts, adjustments, deposits,
month-end summary), each tied to the report models' figures."""

from odoo import models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools.sheet_writer import selection_label


class UtilityReportExport(models.TransientModel):
    _inherit = "utility.report.export"

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
                    selection_label(row, "adjustment_type"),
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
                    selection_label(row, "state"),
                    selection_label(row, "customer_class"),
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
