# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportConsumption(models.Model):
    """Metered consumption of each account and service by month (of the read
    date), from its valid and billed reads. Sorted by consumption, it lists the
    top users; averaged, it gives the use per account and month."""

    _name = "utility.report.consumption"
    _description = "Utility Consumption by Account"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, consumption desc, id"
    _rec_name = "account_id"
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
    account_id = fields.Many2one("utility.account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    service_type_id = fields.Many2one(
        "utility.service.type", string="Service", readonly=True
    )
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    consumption = fields.Float(digits="Utility Consumption", readonly=True)
    average_consumption = fields.Float(
        string="Average per Account",
        digits="Utility Consumption",
        readonly=True,
        aggregator="avg",
        help="Average monthly consumption of the accounts of the group.",
    )
    read_count = fields.Integer(string="Reads", readonly=True)

    @property
    def _table_query(self):
        conditions = [SQL("r.state IN ('valid', 'billed')")]
        first, last = self.env.context.get("ub_date_bounds") or (None, None)
        # Only the reads of the months a searched date range needs.
        if first:
            conditions.append(SQL("r.read_date >= %s", first))
        if last:
            conditions.append(
                SQL("r.read_date < %s", last.replace(day=1) + relativedelta(months=1))
            )
        return SQL(
            """
            SELECT min(r.id) AS id,
                   date_trunc('month', r.read_date)::date AS date,
                   r.account_id AS account_id,
                   ua.partner_id AS partner_id,
                   r.service_type_id AS service_type_id,
                   st.uom_id AS uom_id,
                   ua.billing_cycle_id AS billing_cycle_id,
                   ua.route_id AS route_id,
                   ua.customer_class AS customer_class,
                   r.company_id AS company_id,
                   sum(r.consumption) AS consumption,
                   sum(r.consumption) AS average_consumption,
                   count(*) AS read_count
              FROM utility_meter_read r
              JOIN utility_account ua ON ua.id = r.account_id
              JOIN utility_service_type st ON st.id = r.service_type_id
             WHERE %s
          GROUP BY date_trunc('month', r.read_date), r.account_id, ua.partner_id,
                   r.service_type_id, st.uom_id, ua.billing_cycle_id, ua.route_id,
                   ua.customer_class, r.company_id
            """,
            SQL(" AND ").join(conditions),
        )
