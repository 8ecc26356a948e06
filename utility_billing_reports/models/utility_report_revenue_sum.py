# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES

KEYS = (
    "date",
    "origin",
    "service_type_id",
    "product_id",
    "gl_account_id",
    "billing_cycle_id",
    "route_id",
    "customer_class",
    "company_id",
)


class UtilityReportRevenueSum(models.Model):
    """The revenue of the utility accounts summed by day and keys, the store
    the revenue report reads (a city's year of bills is a million income
    items; their sums by day are a few thousand rows).

    Written in SQL only, never edited: posting an entry of a utility account
    adds the sums of its income items, resetting it to draft adds the same
    sums negated (rows are only added, so that workers posting bills in
    parallel never wait on each other). ``_ub_compact`` merges the rows of a
    key; ``_ub_rebuild`` sums everything again from the journal items.

    The cycle, route and customer class are those fixed on the entry when it
    first posted (``account.move.utility_customer_class`` and the like; the
    account's for entries posted before they existed): revenue stays with the
    class it was billed to, and a reset or cancel takes it back from there.
    """

    _name = "utility.report.revenue.sum"
    _description = "Utility Revenue Sums"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Date(required=True, index=True, readonly=True)
    origin = fields.Selection(
        [("bill", "Bill"), ("adjustment", "Adjustment")], readonly=True
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
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    item_count = fields.Integer(string="Journal Items", readonly=True)
    amount = fields.Monetary(readonly=True)

    def init(self):
        res = super().init()
        # Installed over entries posted before: sum them (once).
        self.env.cr.execute(
            """SELECT NOT EXISTS (SELECT 1 FROM utility_report_revenue_sum)
                      AND EXISTS (SELECT 1 FROM account_move
                                   WHERE utility_account_id IS NOT NULL
                                     AND state = 'posted')"""
        )
        if self.env.cr.fetchone()[0]:
            self._ub_rebuild()
        return res

    @api.model
    def _ub_income_account_ids(self):
        return self.env["account.account"].sudo().with_context(
            active_test=False
        ).search([("account_type", "in", ("income", "income_other"))]).ids or [0]

    @api.model
    def _ub_sums_sql(self, moves_condition, sign=1):
        """INSERT of the sums of the income items of the posted entries of
        utility accounts that ``moves_condition`` (on ``m``) keeps."""
        return SQL(
            """
            INSERT INTO utility_report_revenue_sum (
                date, origin, service_type_id, product_id, gl_account_id,
                billing_cycle_id, route_id, customer_class, company_id,
                item_count, amount)
            SELECT l.date,
                   CASE WHEN m.utility_adjustment_id IS NULL THEN 'bill'
                        ELSE 'adjustment' END,
                   l.utility_service_type_id, l.product_id, l.account_id,
                   COALESCE(m.utility_billing_cycle_id, ua.billing_cycle_id),
                   COALESCE(m.utility_route_id, ua.route_id),
                   COALESCE(m.utility_customer_class, ua.customer_class),
                   l.company_id, %(sign)s * count(*), %(sign)s * sum(-l.balance)
              FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
              JOIN utility_account ua ON ua.id = m.utility_account_id
             WHERE %(moves)s AND m.state = 'posted'
               AND l.account_id = ANY(%(income)s)
          GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
            """,
            sign=sign,
            moves=moves_condition,
            income=self._ub_income_account_ids(),
        )

    @api.model
    def _ub_add_moves(self, moves, sign=1):
        """Add the sums of ``moves`` (posted entries), negated when ``sign``
        is -1."""
        moves = moves.filtered(lambda m: m.utility_account_id and m.state == "posted")
        if not moves:
            return
        self.env.flush_all()
        self.env.cr.execute(
            self._ub_sums_sql(SQL("m.id = ANY(%s)", moves.ids), sign=sign)
        )

    @api.model
    def _ub_rebuild(self):
        """Sum every posted entry of the utility accounts again."""
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM utility_report_revenue_sum"))
        self.env.cr.execute(self._ub_sums_sql(SQL("m.utility_account_id IS NOT NULL")))
        self.invalidate_model()
        return self.env.cr.rowcount

    @api.model
    def _ub_compact(self):
        """Merge the rows of each key into one (scheduled action). Rows added
        meanwhile by other transactions are left for the next time."""
        self.env.flush_all()
        keys = SQL(", ").join(SQL.identifier(key) for key in KEYS)
        self.env.cr.execute(
            SQL(
                """
                WITH merged AS (
                    DELETE FROM utility_report_revenue_sum
                     WHERE id <= (SELECT max(id) FROM utility_report_revenue_sum)
                 RETURNING *
                )
                INSERT INTO utility_report_revenue_sum (%(keys)s, item_count, amount)
                SELECT %(keys)s, sum(item_count), sum(amount)
                  FROM merged
              GROUP BY %(keys)s
                HAVING sum(item_count) != 0 OR round(sum(amount)::numeric, 6) != 0
                """,
                keys=keys,
            )
        )
        self.invalidate_model()
        return True
