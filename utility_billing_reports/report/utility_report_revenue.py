# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportRevenue(models.Model):
    """Revenue by service and revenue account: the income journal items of the
    posted entries of utility accounts (bills, fees, adjustment notes), summed
    by day, service, component, revenue account, customer class, route and
    cycle (``utility.report.revenue.sum``; per bill and account detail: the
    billing register).

    Each sum gives two rows: one on its own date (``amount``) and one a year
    later (``amount_prior``), so that any date range shows its revenue beside
    the revenue of the same range a year before. Months and quarters group on
    ``date``; the company's fiscal year (and its quarters) are columns of their
    own.

    Last year's rows stop at the last day with revenue of the search: no
    empty period after it (the next fiscal year, months to come) shows only
    last year's figures, and the latest period compares to date.
    """

    _name = "utility.report.revenue"
    _description = "Utility Revenue Report"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"
    _depends = {
        "utility.report.revenue.sum": [
            "date",
            "origin",
            "service_type_id",
            "product_id",
            "gl_account_id",
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "company_id",
            "item_count",
            "amount",
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
        [("bill", "Bill"), ("adjustment", "Adjustment")],
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
        """The income items summed by day and keys once, each sum then given
        twice: on its day (this period) and a year later (last year's)."""
        return SQL(
            """
            SELECT s.id * 2 + v.shift AS id,
                   v.date AS date,
                   v.period AS period,
                   s.origin, s.service_type_id, s.product_id, s.gl_account_id,
                   s.billing_cycle_id, s.route_id, s.customer_class, s.company_id,
                   s.item_count,
                   v.amount AS amount,
                   v.amount_prior AS amount_prior,
                   %(fiscal_year)s AS fiscal_year,
                   %(fiscal_quarter)s AS fiscal_quarter,
                   company.currency_id AS currency_id
              FROM (%(sums)s) s
        CROSS JOIN LATERAL (
                   VALUES (0, 'current', s.date, s.amount, 0.0),
                          (1, 'prior', (s.date + interval '1 year')::date, 0.0,
                           s.amount)
                   ) v(shift, period, date, amount, amount_prior)
              JOIN res_company company ON company.id = s.company_id
             WHERE %(prior_until)s
            """,
            fiscal_year=self._ub_fiscal_year(SQL("v.date"), "company"),
            fiscal_quarter=self._ub_fiscal_quarter(SQL("v.date"), "company"),
            sums=self._ub_revenue_sums(),
            prior_until=self._ub_prior_until_sql(),
        )

    def _ub_prior_until_sql(self):
        until = self.env.context.get("ub_prior_until")
        if not until:
            return SQL("TRUE")
        return SQL("(v.period = 'current' OR v.date <= %s)", until)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Searched with the last day of revenue the domain keeps: last year's
        rows go no further (``_ub_prior_until_sql``)."""
        if "ub_prior_until" in self.env.context:
            return super()._search(domain, offset=offset, limit=limit, order=order)
        scan = self.with_context(ub_prior_until=False)
        [(last,)] = scan._read_group(
            expression.AND([domain or [], [("period", "=", "current")]]),
            [],
            ["date:max"],
        )
        return super(
            UtilityReportRevenue, self.with_context(ub_prior_until=last or date.min)
        )._search(domain, offset=offset, limit=limit, order=order)

    def _ub_revenue_sums(self):
        """The revenue sums by day and keys (``utility.report.revenue.sum``),
        only of the days a searched date range needs (its own and the year
        before)."""
        conditions = [SQL("TRUE")]
        first, last = self.env.context.get("ub_date_bounds") or (None, None)
        year = relativedelta(years=1)
        if first and last and last - first < timedelta(days=365):
            # The range and the same range a year before.
            conditions.append(
                SQL(
                    "(r.date BETWEEN %s AND %s OR r.date BETWEEN %s AND %s)",
                    first,
                    last,
                    first - year,
                    last - year,
                )
            )
        else:
            if first:
                conditions.append(SQL("r.date >= %s", first - year))
            if last:
                conditions.append(SQL("r.date <= %s", last))
        return SQL(
            """
            SELECT min(r.id) AS id, r.date, r.origin, r.service_type_id,
                   r.product_id, r.gl_account_id, r.billing_cycle_id, r.route_id,
                   r.customer_class, r.company_id,
                   sum(r.item_count) AS item_count, sum(r.amount) AS amount
              FROM utility_report_revenue_sum r
             WHERE %(conditions)s
          GROUP BY r.date, r.origin, r.service_type_id, r.product_id,
                   r.gl_account_id, r.billing_cycle_id, r.route_id,
                   r.customer_class, r.company_id
            HAVING sum(r.item_count) != 0 OR sum(r.amount) != 0
            """,
            conditions=SQL(" AND ").join(conditions),
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
