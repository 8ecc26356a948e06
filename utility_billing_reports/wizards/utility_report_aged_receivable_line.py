# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL, create_index

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES

BUCKETS = [
    ("amount_current", "Current"),
    ("amount_1_30", "1-30"),
    ("amount_31_60", "31-60"),
    ("amount_61_90", "61-90"),
    ("amount_91_120", "91-120"),
    ("amount_over_120", "Over 120"),
]


class UtilityReportAgedReceivableLine(models.TransientModel):
    """One account of an aged receivables report, as of the report's date.

    Filled by one INSERT ... SELECT of ``_ub_fill`` (never one record at a
    time): the receivable items of the account dated up to the date, each less
    what was reconciled with it by then (partial reconciliations whose
    ``max_date``, the later date of the two items they match, is on or before
    the date), aged by due date. Credits not applied yet (an overpayment)
    are never past due: they count as current, negative.
    """

    _name = "utility.report.aged.receivable.line"
    _description = "Utility Aged Receivables Line"
    _order = "amount_total desc, account_id"
    _rec_name = "account_id"

    report_id = fields.Many2one(
        "utility.report.aged.receivable",
        required=True,
        index=True,
        ondelete="cascade",
    )
    as_of_date = fields.Date(related="report_id.as_of_date")
    account_id = fields.Many2one("utility.account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    oldest_due_date = fields.Date(
        readonly=True, help="Due date of the oldest item still open at the date."
    )
    amount_current = fields.Monetary(string="Current", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    amount_91_120 = fields.Monetary(string="91-120 Days", readonly=True)
    amount_over_120 = fields.Monetary(string="Over 120 Days", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)

    def init(self):
        res = super().init()
        # The open items of the utility accounts, which the aged receivables
        # start from: a small index (most items are settled).
        create_index(
            self.env.cr,
            "utility_report_aml_open_idx",
            "account_move_line",
            ["account_id", "utility_account_id"],
            where="utility_account_id IS NOT NULL AND amount_residual != 0",
        )
        return res

    @api.model
    def _ub_open_items_query(self, company, as_of, filters):
        """SQL of the open receivable items of the utility accounts of
        ``company`` as of ``as_of``: (account_id, due, residual).

        An item dated up to the date was open then if it is open now, or if
        some of what settled it was reconciled after the date: only those are
        read, each less what was reconciled with it by the date.
        """
        mixin = self.env["utility.report.mixin"]
        return SQL(
            """
            WITH candidates AS MATERIALIZED (
                -- open now (utility_report_aml_open_idx)
                SELECT l.id FROM account_move_line l
                 WHERE l.account_id = ANY(%(receivable)s)
                   AND l.utility_account_id IS NOT NULL
                   AND l.amount_residual != 0
                UNION
                -- settled after the date
                SELECT p.debit_move_id FROM account_partial_reconcile p
                 WHERE p.company_id = %(company)s AND p.max_date > %(as_of)s
                UNION
                SELECT p.credit_move_id FROM account_partial_reconcile p
                 WHERE p.company_id = %(company)s AND p.max_date > %(as_of)s
            ), items AS (
                SELECT l.id, l.utility_account_id AS account_id,
                       COALESCE(l.date_maturity, l.date) AS due, l.balance
                  FROM candidates c
                  JOIN account_move_line l ON l.id = c.id
                  JOIN utility_account ua ON ua.id = l.utility_account_id
                 WHERE l.company_id = %(company)s
                   AND l.parent_state = 'posted'
                   AND l.account_id = ANY(%(receivable)s)
                   AND l.date <= %(as_of)s
                   AND %(accounts)s
            ), applied AS (
                SELECT x.line_id, sum(x.delta) AS delta
                  FROM (SELECT p.debit_move_id AS line_id, -p.amount AS delta
                          FROM items i
                          JOIN account_partial_reconcile p ON p.debit_move_id = i.id
                         WHERE p.max_date <= %(as_of)s
                        UNION ALL
                        SELECT p.credit_move_id, p.amount
                          FROM items i
                          JOIN account_partial_reconcile p ON p.credit_move_id = i.id
                         WHERE p.max_date <= %(as_of)s
                       ) x
              GROUP BY x.line_id
            )
            SELECT i.account_id, i.due, i.balance + COALESCE(a.delta, 0.0) AS residual
              FROM items i
         LEFT JOIN applied a ON a.line_id = i.id
            """,
            company=company.id,
            receivable=mixin._ub_receivable_account_ids(),
            as_of=as_of,
            accounts=mixin._ub_account_conditions("ua", filters),
        )

    @api.model
    def _ub_aged_query(self, company, as_of, filters):
        """SQL of the aged balance of each account: (account_id, oldest_due,
        the six buckets b0..b5, total), accounts with nothing open left out."""
        digits = company.currency_id.decimal_places
        days = SQL("(%s::date - o.due)", as_of)
        owed = [
            SQL("(o.residual < 0 OR %s <= 0)", days),
            SQL("(o.residual > 0 AND %s BETWEEN 1 AND 30)", days),
            SQL("(o.residual > 0 AND %s BETWEEN 31 AND 60)", days),
            SQL("(o.residual > 0 AND %s BETWEEN 61 AND 90)", days),
            SQL("(o.residual > 0 AND %s BETWEEN 91 AND 120)", days),
            SQL("(o.residual > 0 AND %s > 120)", days),
        ]
        buckets = SQL(", ").join(
            SQL(
                "round((sum(o.residual) FILTER (WHERE %s))::numeric, %s) AS %s",
                condition,
                digits,
                SQL.identifier(f"b{index}"),
            )
            for index, condition in enumerate(owed)
        )
        return SQL(
            """
            SELECT o.account_id,
                   min(o.due) FILTER (WHERE round(o.residual::numeric, %(d)s) > 0)
                       AS oldest_due,
                   %(buckets)s,
                   round(sum(o.residual)::numeric, %(d)s) AS total
              FROM (%(items)s) o
             WHERE round(o.residual::numeric, %(d)s) != 0
          GROUP BY o.account_id
            """,
            d=digits,
            buckets=buckets,
            items=self._ub_open_items_query(company, as_of, filters),
        )

    @api.model
    def _ub_fill(self, report):
        """Replace the lines of ``report`` with the accounts' aged balances."""
        report.ensure_one()
        filters = report._ub_filters()
        self.env["utility.report.mixin"]._ub_tune_session()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "DELETE FROM utility_report_aged_receivable_line WHERE report_id = %s",
                report.id,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO utility_report_aged_receivable_line (
                    report_id, account_id, partner_id, customer_class, route_id,
                    billing_cycle_id, company_id, currency_id, oldest_due_date,
                    amount_current, amount_1_30, amount_31_60, amount_61_90,
                    amount_91_120, amount_over_120, amount_total,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(report)s, ua.id, ua.partner_id, ua.customer_class,
                       ua.route_id, ua.billing_cycle_id, ua.company_id, %(currency)s,
                       aged.oldest_due,
                       COALESCE(aged.b0, 0), COALESCE(aged.b1, 0), COALESCE(aged.b2, 0),
                       COALESCE(aged.b3, 0), COALESCE(aged.b4, 0), COALESCE(aged.b5, 0),
                       aged.total,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                       now() AT TIME ZONE 'UTC'
                  FROM (%(aged)s) aged
                  JOIN utility_account ua ON ua.id = aged.account_id
                """,
                report=report.id,
                currency=report.company_id.currency_id.id,
                uid=self.env.uid,
                aged=self._ub_aged_query(report.company_id, report.as_of_date, filters),
            )
        )
        self.invalidate_model()
        report.invalidate_recordset()

    @api.model
    def _ub_total(self, company, as_of, filters):
        """What the utility accounts of ``company`` owed in all as of ``as_of``
        (the aged receivables' grand total)."""
        self.env["utility.report.mixin"]._ub_tune_session()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(sum(total), 0.0) FROM (%s) aged",
                self._ub_aged_query(company, as_of, filters),
            )
        )
        return self.env.cr.fetchone()[0]
