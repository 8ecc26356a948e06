# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class UtilityReportMiscReceipt(models.Model):
    """Miscellaneous counter receipts (citations, permits, fees) by revenue
    account: the lines of the paid orders of the utility counters (not of any
    other Point of Sale of the company) that are not utility
    account payments, with the income account of their product (the
    product's, else its category's, as the session's journal entry books
    them)."""

    _name = "utility.report.misc.receipt"
    _description = "Utility Miscellaneous Receipts"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"
    _depends = {
        "pos.order.line": [
            "order_id",
            "product_id",
            "qty",
            "price_subtotal",
            "price_subtotal_incl",
        ],
        "pos.order": [
            "state",
            "session_id",
            "user_id",
            "name",
            "partner_id",
            "company_id",
            "date_order",
        ],
        "pos.session": ["name", "config_id"],
        "product.template": ["property_account_income_id", "categ_id"],
        "product.category": ["property_account_income_categ_id"],
        "res.company": ["currency_id", "partner_id"],
        "res.partner": ["tz"],
        "utility.business.calendar": ["tz", "company_id"],
    }

    date = fields.Date(readonly=True)
    reference = fields.Char(string="Order", readonly=True)
    session = fields.Char(string="Counter Session", readonly=True)
    cashier_id = fields.Many2one("res.users", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", string="Receipt", readonly=True)
    gl_account_id = fields.Many2one(
        "account.account", string="Revenue Account", readonly=True
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(string="Revenue", readonly=True)
    amount_total = fields.Monetary(string="Received", readonly=True)

    @property
    def _table_query(self):
        # The utility's time zone (its business calendar's), as every utility date.
        tz = SQL("COALESCE(cal.tz, NULLIF(cp.tz, ''), NULLIF(up.tz, ''), 'UTC')")
        return SQL(
            """
            SELECT pol.id AS id,
                   %(date)s AS date,
                   po.name AS reference,
                   ps.name AS session,
                   po.user_id AS cashier_id,
                   po.partner_id AS partner_id,
                   pol.product_id AS product_id,
                   COALESCE(
                       (pt.property_account_income_id ->> po.company_id::text)::int,
                       (categ.property_account_income_categ_id
                            ->> po.company_id::text)::int,
                       fallback.account_id) AS gl_account_id,
                   pol.qty AS quantity,
                   po.company_id AS company_id,
                   company.currency_id AS currency_id,
                   pol.price_subtotal AS amount_untaxed,
                   pol.price_subtotal_incl AS amount_total
              FROM pos_order_line pol
              JOIN pos_order po ON po.id = pol.order_id
              JOIN pos_session ps ON ps.id = po.session_id
              JOIN pos_config pc ON pc.id = ps.config_id AND %(counter)s
              JOIN product_product pp ON pp.id = pol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN product_category categ ON categ.id = pt.categ_id
              JOIN res_company company ON company.id = po.company_id
              JOIN res_partner cp ON cp.id = company.partner_id
         LEFT JOIN utility_business_calendar cal ON cal.company_id = po.company_id
         LEFT JOIN res_users u ON u.id = po.user_id
         LEFT JOIN res_partner up ON up.id = u.partner_id
         LEFT JOIN LATERAL (
                   SELECT d.json_value::int AS account_id
                     FROM ir_default d
                    WHERE d.field_id = %(default_field)s
                      AND d.user_id IS NULL AND d.condition IS NULL
                      AND (d.company_id = po.company_id OR d.company_id IS NULL)
                 ORDER BY d.company_id NULLS LAST
                    LIMIT 1) fallback ON TRUE
             WHERE po.state IN ('paid', 'done', 'invoiced')
               AND %(misc)s
            """,
            date=self._ub_local_date(SQL("po.date_order"), tz),
            default_field=self.env["ir.model.fields"]
            .sudo()
            ._get("product.category", "property_account_income_categ_id")
            .id,
            misc=self._ub_misc_line_condition(),
            counter=self.env["utility.report.cash.receipt"]._ub_counter_condition("pc"),
        )

    @api.model
    def _ub_misc_line_condition(self):
        """Whether an order line (``pol``, product template ``pt``) is a
        miscellaneous receipt, not the payment of a utility account.

        The counter payments addon marks utility payments (the product's
        counter receipt kind, the line's utility account); without it, every
        line is a miscellaneous receipt.
        """
        conditions = [SQL("TRUE")]
        kind = self.env["product.template"]._fields.get("utility_counter_kind")
        if kind and kind.store:
            conditions.append(SQL("COALESCE(pt.utility_counter_kind, '') != 'payment'"))
        line_account = self.env["pos.order.line"]._fields.get("utility_account_id")
        if line_account and line_account.store:
            conditions.append(SQL("pol.utility_account_id IS NULL"))
        return SQL(" AND ").join(conditions)

    @api.model
    def _ub_domain_from(self, domain):
        """The part of a cash receipts domain that applies here (company and
        dates: counter receipts have no utility account)."""
        return [
            leaf
            for leaf in domain
            if isinstance(leaf, (list, tuple)) and leaf[0] in ("company_id", "date")
        ]
