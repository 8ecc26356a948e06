# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.models.utility_adjustment import ADJUSTMENT_TYPES
from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportAdjustment(models.Model):
    """The adjustments register: every posted adjustment with the credit note
    (or debit note) that posted it, dated as its journal entry.

    Amounts are seen from the customer, as on the adjustment: positive is a
    credit (it lowers the receivable), negative a charge.
    """

    _name = "utility.report.adjustment"
    _description = "Utility Adjustments Register"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    _depends = {
        "utility.adjustment": [
            "name",
            "state",
            "adjustment_type",
            "move_id",
            "bill_id",
            "account_id",
            "requested_by",
            "approver_id",
            "company_id",
        ],
        "account.move": [
            "state",
            "date",
            "move_type",
            "amount_untaxed_signed",
            "amount_tax_signed",
            "amount_total_signed",
            "utility_customer_class",
            "utility_route_id",
            "utility_billing_cycle_id",
        ],
        "utility.account": [
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "partner_id",
            "company_id",
        ],
        "res.company": ["currency_id"],
    }

    name = fields.Char(string="Reference", readonly=True)
    date = fields.Date(readonly=True)
    adjustment_id = fields.Many2one("utility.adjustment", readonly=True)
    adjustment_type = fields.Selection(ADJUSTMENT_TYPES, string="Type", readonly=True)
    move_id = fields.Many2one("account.move", string="Note", readonly=True)
    move_type = fields.Selection(
        [("out_refund", "Credit Note"), ("out_invoice", "Debit Note")],
        string="Note Type",
        readonly=True,
    )
    bill_id = fields.Many2one("account.move", string="Original Bill", readonly=True)
    account_id = fields.Many2one("utility.account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    requested_by = fields.Many2one("res.users", readonly=True)
    approver_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(string="Untaxed", readonly=True)
    amount_tax = fields.Monetary(string="Tax", readonly=True)
    amount = fields.Monetary(
        string="Credit",
        readonly=True,
        help="Positive: a credit to the customer. Negative: a charge.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT adj.id AS id,
                   adj.name AS name,
                   m.date AS date,
                   adj.id AS adjustment_id,
                   adj.adjustment_type AS adjustment_type,
                   m.id AS move_id,
                   m.move_type AS move_type,
                   adj.bill_id AS bill_id,
                   adj.account_id AS account_id,
                   ua.partner_id AS partner_id,
                   COALESCE(m.utility_billing_cycle_id, ua.billing_cycle_id)
                       AS billing_cycle_id,
                   COALESCE(m.utility_route_id, ua.route_id) AS route_id,
                   COALESCE(m.utility_customer_class, ua.customer_class)
                       AS customer_class,
                   adj.requested_by AS requested_by,
                   adj.approver_id AS approver_id,
                   adj.company_id AS company_id,
                   company.currency_id AS currency_id,
                   -m.amount_untaxed_signed AS amount_untaxed,
                   -m.amount_tax_signed AS amount_tax,
                   -m.amount_total_signed AS amount
              FROM utility_adjustment adj
              JOIN account_move m ON m.id = adj.move_id
              JOIN utility_account ua ON ua.id = adj.account_id
              JOIN res_company company ON company.id = adj.company_id
             WHERE adj.state = 'posted' AND m.state = 'posted'
            """
        )

    def _ub_pdf_values(self, data):
        rows = self._ub_report_records(data).sorted(lambda r: (r.date, r.name))
        return {
            "rows": rows,
            "by_type": self._read_group(
                [("id", "in", rows.ids)],
                ["adjustment_type"],
                ["amount_untaxed:sum", "amount_tax:sum", "amount:sum", "__count"],
            ),
            "total": sum(rows.mapped("amount")),
            "title": self._ub_report_title(data),
        }
