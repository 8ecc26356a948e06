# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportConsumptionStats(models.Model):
    """Consumption statistics by service, customer class, route and month:
    accounts read, total, average and median per account, the largest user.

    Averages and medians are those of each row's accounts; for a wider group
    (a whole class, a quarter) print the statistics or export them, which
    compute them over the group.
    """

    _name = "utility.report.consumption.stats"
    _description = "Utility Consumption Statistics"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, service_type_id, customer_class, route_id"
    _rec_name = "date"
    _depends = {
        "utility.meter.read": [
            "account_id",
            "service_type_id",
            "read_date",
            "consumption",
            "state",
            "company_id",
        ],
        "utility.account": [
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "partner_id",
            "company_id",
        ],
        "utility.service.type": ["uom_id"],
    }

    date = fields.Date(string="Month", readonly=True)
    service_type_id = fields.Many2one(
        "utility.service.type", string="Service", readonly=True
    )
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    account_count = fields.Integer(string="Accounts", readonly=True)
    total = fields.Float(digits="Utility Consumption", readonly=True)
    average = fields.Float(
        string="Average per Account",
        digits="Utility Consumption",
        readonly=True,
        aggregator=None,
    )
    median = fields.Float(
        string="Median per Account",
        digits="Utility Consumption",
        readonly=True,
        aggregator=None,
    )
    maximum = fields.Float(
        string="Largest User",
        digits="Utility Consumption",
        readonly=True,
        aggregator="max",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT min(x.id) AS id,
                   x.date AS date,
                   x.service_type_id AS service_type_id,
                   x.uom_id AS uom_id,
                   x.customer_class AS customer_class,
                   x.route_id AS route_id,
                   x.billing_cycle_id AS billing_cycle_id,
                   x.company_id AS company_id,
                   count(*) AS account_count,
                   sum(x.consumption) AS total,
                   avg(x.consumption) AS average,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY x.consumption)
                       AS median,
                   max(x.consumption) AS maximum
              FROM (%s) x
          GROUP BY x.date, x.service_type_id, x.uom_id, x.customer_class,
                   x.route_id, x.billing_cycle_id, x.company_id
            """,
            self.env["utility.report.consumption"]._table_query,
        )

    @api.model
    def _ub_statistics(self, company, date_from, date_to, filters=None, top=10):
        """Statistics over a date range, computed over each whole group.

        Each account's consumption over the range is summed first; then, per
        service and customer class (and per service for all classes): accounts,
        total, average, median and largest account; and the ``top`` largest
        users of each service.

        ``filters``: {'billing_cycle_ids', 'route_ids', 'service_type_ids':
        ids, 'customer_class': value}. Returns {'groups': [dict], 'top': {service
        id: [dict]}}.
        """
        filters = filters or {}
        conditions = [
            SQL("r.company_id = %s", company.id),
            SQL("r.state IN ('valid', 'billed')"),
            SQL("r.read_date >= %s", date_from),
            SQL("r.read_date <= %s", date_to),
        ]
        if filters.get("billing_cycle_ids"):
            conditions.append(
                SQL("ua.billing_cycle_id = ANY(%s)", list(filters["billing_cycle_ids"]))
            )
        if filters.get("route_ids"):
            conditions.append(SQL("ua.route_id = ANY(%s)", list(filters["route_ids"])))
        if filters.get("service_type_ids"):
            conditions.append(
                SQL("r.service_type_id = ANY(%s)", list(filters["service_type_ids"]))
            )
        if filters.get("customer_class"):
            conditions.append(SQL("ua.customer_class = %s", filters["customer_class"]))
        per_account = SQL(
            """SELECT r.account_id, r.service_type_id, ua.customer_class,
                      sum(r.consumption) AS consumption
                 FROM utility_meter_read r
                 JOIN utility_account ua ON ua.id = r.account_id
                WHERE %s
             GROUP BY r.account_id, r.service_type_id, ua.customer_class""",
            SQL(" AND ").join(conditions),
        )
        self._ub_tune_session()
        self.env["utility.meter.read"].flush_model()
        self.env["utility.account"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT x.service_type_id, x.customer_class,
                          count(*), sum(x.consumption), avg(x.consumption),
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY x.consumption),
                          max(x.consumption)
                     FROM (%s) x
                 GROUP BY GROUPING SETS ((x.service_type_id, x.customer_class),
                                         (x.service_type_id))
                 ORDER BY x.service_type_id, x.customer_class NULLS LAST""",
                per_account,
            )
        )
        services = self.env["utility.service.type"]
        classes = dict(CUSTOMER_CLASSES)
        groups = []
        for (
            service_id,
            customer_class,
            count,
            total,
            avg,
            median,
            peak,
        ) in self.env.cr.fetchall():
            groups.append(
                {
                    "service": services.browse(service_id),
                    "customer_class": customer_class or False,
                    "class_label": classes.get(customer_class)
                    if customer_class
                    else self.env._("All classes"),
                    "accounts": count,
                    "total": total or 0.0,
                    "average": avg or 0.0,
                    "median": median or 0.0,
                    "maximum": peak or 0.0,
                }
            )
        self.env.cr.execute(
            SQL(
                """SELECT service_type_id, account_id, consumption
                     FROM (SELECT x.*, row_number() OVER (
                                      PARTITION BY x.service_type_id
                                      ORDER BY x.consumption DESC, x.account_id)
                                  AS rank
                             FROM (%s) x) ranked
                    WHERE rank <= %s
                 ORDER BY service_type_id, rank""",
                per_account,
                top,
            )
        )
        accounts = self.env["utility.account"]
        top_users = {}
        for service_id, account_id, consumption in self.env.cr.fetchall():
            top_users.setdefault(service_id, []).append(
                {"account": accounts.browse(account_id), "consumption": consumption}
            )
        return {"groups": groups, "top": top_users}
