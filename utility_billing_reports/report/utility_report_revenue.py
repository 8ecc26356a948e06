# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportRevenue(models.Model):
    """Revenue by service and revenue account: the income journal items of the
    posted entries of utility accounts (bills, adjustment notes, fees), summed
    by day, service, component, revenue account, customer class, route and
    cycle (per bill and account detail: the billing register).

    Each sum gives two rows: one on its own date (``amount``) and one a year
    later (``amount_prior``), so that any date range shows its revenue beside
    the revenue of the same range a year before. Months and quarters group on
    ``date``; the company's fiscal year (and its quarters) are columns of their
    own.
    """

    _name = "utility.report.revenue"
    _description = "Utility Revenue Report"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"
    _depends = {
        "account.move": [
            "state",
            "move_type",
            "utility_account_id",
            "utility_adjustment_id",
        ],
        "account.move.line": [
            "move_id",
            "date",
            "utility_service_type_id",
            "product_id",
            "account_id",
            "company_id",
            "balance",
        ],
        "account.account": ["account_type"],
        "utility.account": [
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "partner_id",
            "company_id",
        ],
        "res.company": ["currency_id", "fiscalyear_last_month", "fiscalyear_last_day"],
    }

    date = fields.Date(readonly=True)
    fiscal_year = fields.Char(readonly=True)
    fiscal_quarter = fields.Char(readonly=True)
    period = fields.Selection(
        [("current", "This Period"), ("prior", "Same Period Last Year")],
        readonly=True,
        help="This Period: the journal items' own date. Same Period Last Year: "
        "journal items of the year before, shown a year later for comparison.",
    )
    origin = fields.Selection(
        [("bill", "Bill"), ("adjustment", "Adjustment"), ("other", "Other")],
        readonly=True,
    )
    service_type_id = fields.Many2one(
        "utility.service.type", string="Service", readonly=True
    )
    product_id = fields.Many2one("product.product", readonly=True)
    gl_account_id = fields.Many2one(
        "account.account", string="Revenue Account", readonly=True
    )
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    item_count = fields.Integer(string="Journal Items", readonly=True)
    amount = fields.Monetary(string="Revenue", readonly=True)
    amount_prior = fields.Monetary(string="Same Period Last Year", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT x.*,
                   %(fiscal_year)s AS fiscal_year,
                   %(fiscal_quarter)s AS fiscal_quarter,
                   company.currency_id AS currency_id
              FROM (%(current)s UNION ALL %(prior)s) x
              JOIN res_company company ON company.id = x.company_id
            """,
            fiscal_year=self._ub_fiscal_year(SQL("x.date"), "company"),
            fiscal_quarter=self._ub_fiscal_quarter(SQL("x.date"), "company"),
            current=self._ub_revenue_rows(prior=False),
            prior=self._ub_revenue_rows(prior=True),
        )

    def _ub_income_account_ids(self):
        return self.env["account.account"].sudo().with_context(
            active_test=False
        ).search([("account_type", "in", ("income", "income_other"))]).ids or [0]

    def _ub_revenue_rows(self, prior):
        amount = SQL("sum(-l.balance)")
        zero = SQL("0.0")
        return SQL(
            """
            SELECT min(l.id) * 2 + %(offset)s AS id,
                   %(date)s AS date,
                   %(period)s AS period,
                   CASE WHEN m.utility_adjustment_id IS NOT NULL THEN 'adjustment'
                        WHEN m.move_type = 'out_invoice' THEN 'bill'
                        ELSE 'other' END AS origin,
                   l.utility_service_type_id AS service_type_id,
                   l.product_id AS product_id,
                   l.account_id AS gl_account_id,
                   ua.billing_cycle_id AS billing_cycle_id,
                   ua.route_id AS route_id,
                   ua.customer_class AS customer_class,
                   l.company_id AS company_id,
                   count(*) AS item_count,
                   %(amount)s AS amount,
                   %(amount_prior)s AS amount_prior
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              JOIN utility_account ua ON ua.id = m.utility_account_id
             WHERE m.state = 'posted'
               AND l.account_id = ANY(%(income)s)
          GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
            """,
            offset=1 if prior else 0,
            date=SQL("(l.date + interval '1 year')::date") if prior else SQL("l.date"),
            period="prior" if prior else "current",
            amount=zero if prior else amount,
            amount_prior=amount if prior else zero,
            income=self._ub_income_account_ids(),
        )

    def _ub_pdf_values(self, data):
        """Revenue by month, by service and revenue account, and by fiscal
        quarter and year, each beside the same period a year before."""
        domain = self._ub_report_domain(data)
        measures = ["amount:sum", "amount_prior:sum"]
        by_month = self._read_group(domain, ["date:month"], measures)
        return {
            "by_month": [
                (month.strftime("%Y-%m"), cur, prior) for month, cur, prior in by_month
            ],
            "by_account": self._read_group(
                domain, ["service_type_id", "gl_account_id"], measures
            ),
            "by_quarter": self._read_group(domain, ["fiscal_quarter"], measures),
            "by_year": self._read_group(domain, ["fiscal_year"], measures),
            "totals": self._read_group(domain, [], measures)[0],
            "title": self._ub_report_title(data),
        }
