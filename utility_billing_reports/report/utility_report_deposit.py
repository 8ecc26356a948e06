# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES

ACCOUNT_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("final", "Final"),
    ("closed", "Closed"),
]


class UtilityReportDeposit(models.Model):
    """Deposits held: every account holding a customer deposit, or owing one
    billed. The deposits held and the deposits billed not yet paid together
    tie to the balance of the company's customer deposits (liability)
    account, which every deposit invoice credits and every deposit applied
    or cancelled debits."""

    _name = "utility.report.deposit"
    _description = "Utility Deposits Held"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "account_name"
    _rec_name = "account_id"
    _depends = {
        "utility.account": [
            "name",
            "partner_id",
            "state",
            "start_date",
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "company_id",
            "deposit_required",
            "deposit_held",
            "deposit_unpaid",
        ],
        "res.company": ["currency_id"],
    }

    account_id = fields.Many2one("utility.account", readonly=True)
    account_name = fields.Char(string="Account Number", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    state = fields.Selection(ACCOUNT_STATES, string="Account Status", readonly=True)
    start_date = fields.Date(string="Service Start", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    deposit_required = fields.Monetary(readonly=True)
    deposit_held = fields.Monetary(readonly=True)
    deposit_unpaid = fields.Monetary(string="Billed, Unpaid", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT ua.id AS id,
                   ua.id AS account_id,
                   ua.name AS account_name,
                   ua.partner_id AS partner_id,
                   ua.state AS state,
                   ua.start_date AS start_date,
                   ua.billing_cycle_id AS billing_cycle_id,
                   ua.route_id AS route_id,
                   ua.customer_class AS customer_class,
                   ua.company_id AS company_id,
                   company.currency_id AS currency_id,
                   COALESCE(ua.deposit_required, 0.0) AS deposit_required,
                   COALESCE(ua.deposit_held, 0.0) AS deposit_held,
                   COALESCE(ua.deposit_unpaid, 0.0) AS deposit_unpaid
              FROM utility_account ua
              JOIN res_company company ON company.id = ua.company_id
             WHERE COALESCE(ua.deposit_held, 0.0) != 0.0
                OR COALESCE(ua.deposit_unpaid, 0.0) != 0.0
            """
        )

    @api.model
    def _ub_tie_out(self, company, as_of=None):
        """{'held', 'unpaid', 'total', 'ledger', 'difference', 'gl_account',
        'ties'}: the deposits held by the company's accounts and the deposits
        billed to them not yet paid, beside the balance of its customer
        deposits account (posted entries up to ``as_of``, today by
        default)."""
        held, unpaid = self._read_group(
            [("company_id", "=", company.id)],
            [],
            ["deposit_held:sum", "deposit_unpaid:sum"],
        )[0]
        held, unpaid = held or 0.0, unpaid or 0.0
        gl_account = company.utility_deposit_account_id
        ledger = 0.0
        if gl_account:
            domain = [
                ("company_id", "=", company.id),
                ("account_id", "=", gl_account.id),
                ("parent_state", "=", "posted"),
            ]
            if as_of:
                domain.append(("date", "<=", as_of))
            groups = (
                self.env["account.move.line"]
                .sudo()
                ._read_group(domain, [], ["balance:sum"])
            )
            ledger = -(groups[0][0] or 0.0)
        currency = company.currency_id
        total = held + unpaid
        return {
            "held": currency.round(held),
            "unpaid": currency.round(unpaid),
            "total": currency.round(total),
            "ledger": currency.round(ledger),
            "difference": currency.round(total - ledger),
            "gl_account": gl_account,
            "ties": currency.is_zero(total - ledger),
        }

    def _ub_pdf_values(self, data):
        rows = self._ub_report_records(data).sorted("account_name")
        company = rows.company_id[:1] or self.env.company
        return {
            "rows": rows,
            "total_held": sum(rows.mapped("deposit_held")),
            "total_unpaid": sum(rows.mapped("deposit_unpaid")),
            "total_required": sum(rows.mapped("deposit_required")),
            "tie": self._ub_tie_out(company),
            "company": company,
            "title": self._ub_report_title(data),
        }
