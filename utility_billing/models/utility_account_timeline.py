# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools.formatting import format_number

TIMELINE_KINDS = [
    ("read", "Meter read"),
    ("bill", "Bill"),
    ("credit", "Credit note"),
    ("payment", "Payment"),
    ("adjustment", "Adjustment"),
    ("notice", "Notice"),
    ("service_order", "Service order"),
]


class UtilityAccountTimeline(models.Model):
    """Everything that happened on an account, in date order, with the balance.

    A read-only SQL view: meter reads, bills and credit notes, payments applied
    to the account's bills, adjustments, notices and service orders. Only bills,
    credit notes and payments move the balance (an adjustment moves it through
    its credit or debit note).
    """

    _name = "utility.account.timeline"
    _description = "Utility Account History"
    _auto = False
    _order = "date desc, sequence desc, id desc"
    _rec_name = "reference"

    account_id = fields.Many2one("utility.account", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(readonly=True)
    sequence = fields.Integer(readonly=True)
    kind = fields.Selection(TIMELINE_KINDS, readonly=True)
    reference = fields.Char(readonly=True)
    state = fields.Char(readonly=True)
    quantity = fields.Float(
        aggregator=None, readonly=True, digits="Utility Consumption"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True)
    balance = fields.Monetary(readonly=True, string="Running Balance")
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(aggregator=None, readonly=True)
    description = fields.Char(compute="_compute_description")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY e.account_id, e.date, e.sequence,
                                               e.res_id) AS id,
                   e.*,
                   sum(e.amount) OVER (PARTITION BY e.account_id
                                       ORDER BY e.date, e.sequence, e.res_id
                                       ROWS UNBOUNDED PRECEDING) AS balance
              FROM (
                SELECT r.account_id, r.company_id, r.read_date AS date, 1 AS sequence,
                       'read' AS kind, m.serial AS reference, r.state AS state,
                       r.consumption AS quantity, 0.0 AS amount,
                       'utility.meter.read' AS res_model, r.id AS res_id
                  FROM utility_meter_read r
                  JOIN utility_meter m ON m.id = r.meter_id
                 WHERE r.account_id IS NOT NULL
                UNION ALL
                SELECT am.utility_account_id, am.company_id, am.invoice_date, 2,
                       CASE WHEN am.move_type = 'out_refund' THEN 'credit' ELSE 'bill'
                       END,
                       am.name, am.payment_state, 0.0, am.amount_total_signed,
                       'account.move', am.id
                  FROM account_move am
                 WHERE am.utility_account_id IS NOT NULL AND am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                UNION ALL
                SELECT bill.utility_account_id, bill.company_id, apr.max_date, 3,
                       'payment', pay.name, pay.state, 0.0, -apr.amount,
                       'account.move', pay.id
                  FROM account_partial_reconcile apr
                  JOIN account_move_line debit ON debit.id = apr.debit_move_id
                  JOIN account_move bill ON bill.id = debit.move_id
                  JOIN account_move_line credit ON credit.id = apr.credit_move_id
                  JOIN account_move pay ON pay.id = credit.move_id
                 WHERE bill.utility_account_id IS NOT NULL
                   AND pay.utility_account_id IS NULL
                UNION ALL
                -- payment entries of the account itself (counter, ACH, their
                -- reversals): what they move on its receivable
                SELECT am.utility_account_id, am.company_id, am.date, 3,
                       'payment', am.name, am.state, 0.0, sum(aml.balance),
                       'account.move', am.id
                  FROM account_move am
                  JOIN account_move_line aml ON aml.move_id = am.id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE am.utility_account_id IS NOT NULL AND am.state = 'posted'
                   AND am.move_type NOT IN ('out_invoice', 'out_refund')
                   AND acc.account_type = 'asset_receivable'
                 GROUP BY am.id
                UNION ALL
                SELECT a.account_id, a.company_id, COALESCE(a.post_date, a.date), 4,
                       'adjustment', a.name, a.state, 0.0, 0.0,
                       'utility.adjustment', a.id
                  FROM utility_adjustment a
                UNION ALL
                SELECT n.account_id, n.company_id, n.date, 5, 'notice', n.kind,
                       n.state, 0.0, 0.0, 'utility.notice', n.id
                  FROM utility_notice n
                UNION ALL
                SELECT o.account_id, o.company_id,
                       COALESCE(o.result_date, o.scheduled_date, o.create_date::date),
                       6, 'service_order', o.name, o.state, 0.0, 0.0,
                       'utility.service.order', o.id
                  FROM utility_service_order o
                 WHERE o.account_id IS NOT NULL
              ) e
            """
        )

    @api.depends("kind", "res_model", "res_id")
    def _compute_description(self):
        for row in self:
            row.description = row._describe()

    def _describe(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return ""
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            return ""
        if self.kind == "read":
            return self.env._(
                "Meter %(serial)s read %(reading)s (%(type)s): "
                "%(consumption)s %(unit)s",
                serial=record.meter_id.serial,
                reading=format_number(self.env, record.reading),
                type=dict(record._fields["read_type"]._description_selection(self.env))[
                    record.read_type
                ],
                consumption=format_number(self.env, record.consumption),
                unit=record.uom_id.name or "",
            )
        if self.kind in ("bill", "credit"):
            if record.utility_period_start:
                return self.env._(
                    "%(name)s, service %(start)s to %(end)s",
                    name=record.name,
                    start=format_date(self.env, record.utility_period_start),
                    end=format_date(self.env, record.utility_period_end),
                )
            # A penalty, a deposit, an adjustment's note: what its line says,
            # not only the number of the bill it refers to.
            label = record.invoice_line_ids[:1].name
            if label:
                return f"{record.name}: {label}"
            return record.ref or record.name
        if self.kind == "payment":
            return record._utility_payment_description()
        if self.kind == "adjustment":
            return self.env._(
                "%(name)s: %(type)s, %(amount)s (%(reason)s)",
                name=record.name,
                type=dict(
                    record._fields["adjustment_type"]._description_selection(self.env)
                )[record.adjustment_type],
                amount=record.currency_id.format(record.amount),
                reason=record.reason or "",
            )
        if self.kind == "notice":
            return self.env._(
                "%(kind)s notice by %(channel)s",
                kind=dict(record._fields["kind"]._description_selection(self.env))[
                    record.kind
                ],
                channel=dict(
                    record._fields["channel"]._description_selection(self.env)
                ).get(record.channel, ""),
            )
        if self.kind == "service_order":
            return self.env._(
                "%(name)s: %(type)s",
                name=record.name,
                type=dict(
                    record._fields["order_type"]._description_selection(self.env)
                )[record.order_type],
            )
        return record.display_name

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
