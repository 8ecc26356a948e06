# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportBillingRegisterLine(models.Model):
    """The charges of the billing register: one row per charge line of a bill
    (one per rate component, one per tier of a tiered charge, labelled as on
    the bill) and one per tax line, with its service and revenue (or tax)
    account; the run totals by service and revenue account are sums of these
    rows, which are the bills' journal items."""

    _name = "utility.report.billing.register.line"
    _description = "Utility Billing Register Charges"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, move_id desc, sequence, id"
    _rec_name = "label"
    _depends = {
        "account.move": [
            "state",
            "move_type",
            "invoice_date",
            "utility_period_start",
            "utility_period_end",
            "utility_billing_run_id",
            "utility_account_id",
            "utility_customer_class",
            "utility_route_id",
            "utility_billing_cycle_id",
            "utility_adjustment_id",
            "utility_deposit_kind",
            "partner_id",
        ],
        "account.move.line": [
            "move_id",
            "sequence",
            "display_type",
            "utility_service_type_id",
            "product_id",
            "name",
            "account_id",
            "quantity",
            "price_unit",
            "company_id",
            "company_currency_id",
            "balance",
        ],
        "utility.account": [
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "partner_id",
            "company_id",
        ],
        "utility.billing.run": ["cycle_id"],
    }

    move_id = fields.Many2one("account.move", string="Bill", readonly=True)
    sequence = fields.Integer(readonly=True)
    state = fields.Selection([("draft", "Draft"), ("posted", "Posted")], readonly=True)
    date = fields.Date(string="Bill Date", readonly=True)
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    run_id = fields.Many2one("utility.billing.run", string="Billing Run", readonly=True)
    account_id = fields.Many2one("utility.account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    line_kind = fields.Selection(
        [("charge", "Charge"), ("tax", "Tax")], string="Kind", readonly=True
    )
    service_type_id = fields.Many2one(
        "utility.service.type", string="Service", readonly=True
    )
    product_id = fields.Many2one("product.product", string="Component", readonly=True)
    label = fields.Char(string="Charge", readonly=True)
    gl_account_id = fields.Many2one(
        "account.account", string="Revenue Account", readonly=True
    )
    quantity = fields.Float(
        digits="Product Unit of Measure", readonly=True, aggregator=None
    )
    price_unit = fields.Float(
        string="Rate", digits="Product Price", readonly=True, aggregator=None
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(string="Charges", readonly=True)
    amount_tax = fields.Monetary(string="Taxes", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id AS id,
                   l.move_id AS move_id,
                   l.sequence AS sequence,
                   m.state AS state,
                   m.invoice_date AS date,
                   m.utility_period_start AS period_start,
                   m.utility_period_end AS period_end,
                   m.utility_billing_run_id AS run_id,
                   m.utility_account_id AS account_id,
                   m.partner_id AS partner_id,
                   COALESCE(m.utility_billing_cycle_id, run.cycle_id,
                            ua.billing_cycle_id) AS billing_cycle_id,
                   COALESCE(m.utility_route_id, ua.route_id) AS route_id,
                   COALESCE(m.utility_customer_class, ua.customer_class)
                       AS customer_class,
                   CASE WHEN l.display_type = 'tax' THEN 'tax' ELSE 'charge' END
                       AS line_kind,
                   l.utility_service_type_id AS service_type_id,
                   l.product_id AS product_id,
                   l.name AS label,
                   l.account_id AS gl_account_id,
                   CASE WHEN l.display_type = 'tax' THEN 0.0 ELSE l.quantity END
                       AS quantity,
                   CASE WHEN l.display_type = 'tax' THEN 0.0 ELSE l.price_unit END
                       AS price_unit,
                   l.company_id AS company_id,
                   l.company_currency_id AS currency_id,
                   CASE WHEN l.display_type = 'tax' THEN 0.0 ELSE -l.balance END
                       AS amount_untaxed,
                   CASE WHEN l.display_type = 'tax' THEN -l.balance ELSE 0.0 END
                       AS amount_tax,
                   -l.balance AS amount_total
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              JOIN utility_account ua ON ua.id = m.utility_account_id
         LEFT JOIN utility_billing_run run ON run.id = m.utility_billing_run_id
             WHERE m.move_type = 'out_invoice'
               AND m.utility_adjustment_id IS NULL
               AND m.utility_deposit_kind IS NULL
               AND m.state IN ('draft', 'posted')
               AND l.display_type IN ('product', 'tax')
            """
        )
