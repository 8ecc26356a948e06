# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportBillingRegister(models.Model):
    """The billing register: one row per bill (customer invoice of a utility
    account, adjustment notes left out), draft or posted, with its consumption
    and amounts. Totals are the bills' own amounts, so that they tie to the
    journal entries."""

    _name = "utility.report.billing.register"
    _description = "Utility Billing Register"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, name desc"
    _rec_name = "name"
    _depends = {
        "account.move": [
            "name",
            "state",
            "move_type",
            "invoice_date",
            "invoice_date_due",
            "utility_period_start",
            "utility_period_end",
            "utility_is_final",
            "utility_billing_run_id",
            "utility_account_id",
            "utility_customer_class",
            "utility_route_id",
            "utility_billing_cycle_id",
            "utility_adjustment_id",
            "utility_deposit_kind",
            "partner_id",
            "company_id",
            "amount_untaxed_signed",
            "amount_tax_signed",
            "amount_total_signed",
            "amount_residual_signed",
        ],
        "utility.account": [
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "partner_id",
            "company_id",
        ],
        "utility.billing.run": ["cycle_id"],
        "utility.meter.read": ["consumption", "billed_move_id"],
        "res.company": ["currency_id"],
    }

    move_id = fields.Many2one("account.move", string="Bill", readonly=True)
    name = fields.Char(string="Bill Number", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("posted", "Posted")], readonly=True)
    date = fields.Date(string="Bill Date", readonly=True)
    due_date = fields.Date(readonly=True)
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    is_final = fields.Boolean(string="Final Bill", readonly=True)
    run_id = fields.Many2one("utility.billing.run", string="Billing Run", readonly=True)
    account_id = fields.Many2one("utility.account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    consumption = fields.Float(
        digits="Utility Consumption",
        readonly=True,
        help="Metered use of the reads the bill charges (all metered services).",
    )
    amount_untaxed = fields.Monetary(string="Charges", readonly=True)
    amount_tax = fields.Monetary(string="Taxes", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    amount_residual = fields.Monetary(
        string="Open Now",
        readonly=True,
        help="What is still open on the bill today.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT m.id AS id,
                   m.id AS move_id,
                   m.name AS name,
                   m.state AS state,
                   m.invoice_date AS date,
                   m.invoice_date_due AS due_date,
                   m.utility_period_start AS period_start,
                   m.utility_period_end AS period_end,
                   COALESCE(m.utility_is_final, FALSE) AS is_final,
                   m.utility_billing_run_id AS run_id,
                   m.utility_account_id AS account_id,
                   m.partner_id AS partner_id,
                   COALESCE(m.utility_billing_cycle_id, run.cycle_id,
                            ua.billing_cycle_id) AS billing_cycle_id,
                   COALESCE(m.utility_route_id, ua.route_id) AS route_id,
                   COALESCE(m.utility_customer_class, ua.customer_class)
                       AS customer_class,
                   m.company_id AS company_id,
                   company.currency_id AS currency_id,
                   COALESCE((SELECT sum(r.consumption) FROM utility_meter_read r
                              WHERE r.billed_move_id = m.id), 0.0) AS consumption,
                   m.amount_untaxed_signed AS amount_untaxed,
                   m.amount_tax_signed AS amount_tax,
                   m.amount_total_signed AS amount_total,
                   m.amount_residual_signed AS amount_residual
              FROM account_move m
              JOIN utility_account ua ON ua.id = m.utility_account_id
              JOIN res_company company ON company.id = m.company_id
         LEFT JOIN utility_billing_run run ON run.id = m.utility_billing_run_id
             WHERE m.move_type = 'out_invoice'
               AND m.utility_adjustment_id IS NULL
               AND m.utility_deposit_kind IS NULL
               AND m.state IN ('draft', 'posted')
            """
        )

    @api.model
    def _ub_totals_by(self, domain, groupby):
        """[(group values..., untaxed, tax, total, bills)] of the bills of
        ``domain`` grouped by ``groupby`` (list of field names)."""
        return self._read_group(
            domain,
            groupby,
            [
                "amount_untaxed:sum",
                "amount_tax:sum",
                "amount_total:sum",
                "__count",
            ],
        )

    def _ub_pdf_values(self, data):
        """What the billing register PDF prints: each bill with its charges,
        then the totals by service and revenue account."""
        bills = self._ub_report_records(data).sorted(
            lambda b: (b.run_id.id or 0, b.route_id.code or "", b.account_id.name)
        )
        lines = self.env["utility.report.billing.register.line"].search(
            [("move_id", "in", bills.move_id.ids)],
            order="move_id, line_kind, service_type_id, sequence, id",
        )
        lines_by_move = {}
        for line in lines:
            lines_by_move.setdefault(line.move_id.id, []).append(line)
        by_account = lines._read_group(
            [("id", "in", lines.ids)],
            ["line_kind", "service_type_id", "gl_account_id"],
            ["quantity:sum", "amount_total:sum"],
        )
        by_run = self._read_group(
            [("id", "in", bills.ids)],
            ["run_id"],
            [
                "consumption:sum",
                "amount_untaxed:sum",
                "amount_tax:sum",
                "amount_total:sum",
                "__count",
            ],
        )
        return {
            "bills": bills,
            "lines_by_move": lines_by_move,
            "by_account": by_account,
            "by_run": by_run,
            "title": self._ub_report_title(data),
            "totals": {
                "consumption": sum(bills.mapped("consumption")),
                "amount_untaxed": sum(bills.mapped("amount_untaxed")),
                "amount_tax": sum(bills.mapped("amount_tax")),
                "amount_total": sum(bills.mapped("amount_total")),
            },
        }
