# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .utility_report_mixin import NON_COUNTER_SOURCES

PAYMENT_SOURCES = [
    ("counter", "Counter"),
    ("ach", "ACH Autopay"),
    ("mail", "Mail"),
    ("drop_box", "Drop Box"),
    ("lockbox", "Lockbox"),
    ("online", "Online"),
    ("other", "Other"),
]


class UtilityReportCashReceipt(models.Model):
    """The cash receipts journal: every receipt by day, tender, cashier and
    source.

    Counter receipts are the payments of the Point of Sale orders of the
    utility billing counters (paid, posted or invoiced; change given back
    counts against the cash tendered), whatever they paid (utility accounts,
    citations, fees); their tender is the POS payment method, their cashier the
    order's user, their utility account (and its cycle and route) the one
    account the order paid when it paid nothing else. Other Points of Sale (a
    shop of the same company) are no receipts of the utility. A counter check
    returned by the bank shows as a negative counter receipt of its tender on
    the day it was returned, for what its returned check entries took back
    from the receivables.

    Other receipts are the utility payment entries that did not come from the
    counter (ACH, mail, drop box, lockbox, online, other, and customers'
    inbound payments without a source), for what they credited the customers'
    receivables; a payment returned or voided later shows as a negative
    receipt on the day of its reversal. The payments a Point of Sale session
    posts when it closes (its card and check deposits) are the counter's
    receipts again, counted once as such: they are no other receipts.
    """

    _name = "utility.report.cash.receipt"
    _description = "Utility Cash Receipts Journal"
    _inherit = "utility.report.mixin"
    _auto = False
    _order = "date desc, source, tender, id desc"
    _rec_name = "reference"
    _depends = {
        "pos.payment": [
            "pos_order_id",
            "payment_method_id",
            "payment_date",
            "amount",
            "is_change",
        ],
        "pos.order": [
            "state",
            "session_id",
            "user_id",
            "name",
            "partner_id",
            "company_id",
        ],
        "pos.session": ["name", "config_id"],
        "pos.payment.method": ["name", "journal_id"],
        "account.move": [
            "state",
            "move_type",
            "date",
            "name",
            "journal_id",
            "utility_account_id",
            "utility_payment_source",
            "origin_payment_id",
            "reversed_entry_id",
            "company_id",
            "create_uid",
        ],
        "account.move.line": ["move_id", "account_id", "balance"],
        "account.payment": [
            "payment_type",
            "partner_type",
            "pos_session_id",
            "pos_payment_method_id",
        ],
        "account.journal": ["name"],
        "utility.account": [
            "billing_cycle_id",
            "route_id",
            "customer_class",
            "partner_id",
            "company_id",
        ],
        "res.company": ["currency_id", "partner_id"],
        "res.partner": ["tz"],
        "utility.business.calendar": ["tz", "company_id"],
    }

    date = fields.Date(readonly=True)
    source = fields.Selection(PAYMENT_SOURCES, readonly=True)
    tender = fields.Char(
        readonly=True,
        help="The Point of Sale payment method (cash, check, card...) of counter "
        "receipts, the journal of the others.",
    )
    journal_id = fields.Many2one("account.journal", readonly=True)
    cashier_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="The user who took the counter receipt, or who recorded the entry.",
    )
    session = fields.Char(string="Counter Session", readonly=True)
    reference = fields.Char(readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    account_id = fields.Many2one("utility.account", readonly=True)
    billing_cycle_id = fields.Many2one("utility.billing.cycle", readonly=True)
    route_id = fields.Many2one("utility.route", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(readonly=True)
    receipt_count = fields.Integer(string="Receipts", readonly=True)

    @property
    def _table_query(self):
        parts = [self._ub_counter_receipts()]
        if self._ub_counter_returns_available():
            parts.append(self._ub_counter_returns())
        parts.append(self._ub_other_receipts())
        return SQL(" UNION ALL ").join(parts)

    @api.model
    def _ub_counter_condition(self, config_alias):
        """Whether the Point of Sale ``config_alias`` is a utility counter.

        The counter payments addon marks its counters (``utility_counter``);
        without it, every Point of Sale of the company is a counter.
        """
        field = self.env["pos.config"]._fields.get("utility_counter")
        if not (field and field.store):
            return SQL("TRUE")
        self.env["pos.config"].flush_model(["utility_counter"])
        return SQL("%s.utility_counter", SQL.identifier(config_alias))

    @api.model
    def _ub_counter_returns_available(self):
        """Whether checks can be returned at the counter (the counter payments
        addon's returned check entries)."""
        field = self.env["pos.payment"]._fields.get("utility_return_move_ids")
        if field:
            self.env["pos.payment"].flush_model(["utility_return_move_ids"])
        return bool(field)

    def _ub_counter_receipts(self):
        # The utility's time zone (its business calendar's), as every utility date.
        tz = SQL("COALESCE(cal.tz, NULLIF(cp.tz, ''), NULLIF(up.tz, ''), 'UTC')")
        return SQL(
            """
            SELECT pp.id * 3 AS id,
                   %(date)s AS date,
                   'counter' AS source,
                   %(tender)s AS tender,
                   ppm.journal_id AS journal_id,
                   po.user_id AS cashier_id,
                   ps.name AS session,
                   po.name AS reference,
                   NULL::int AS move_id,
                   po.partner_id AS partner_id,
                   ua.id AS account_id,
                   ua.billing_cycle_id AS billing_cycle_id,
                   ua.route_id AS route_id,
                   po.company_id AS company_id,
                   company.currency_id AS currency_id,
                   pp.amount AS amount,
                   CASE WHEN pp.is_change THEN 0 ELSE 1 END AS receipt_count
              FROM pos_payment pp
              JOIN pos_order po ON po.id = pp.pos_order_id
              JOIN pos_session ps ON ps.id = po.session_id
              JOIN pos_config pc ON pc.id = ps.config_id AND %(counter)s
              JOIN pos_payment_method ppm ON ppm.id = pp.payment_method_id
              JOIN res_company company ON company.id = po.company_id
              JOIN res_partner cp ON cp.id = company.partner_id
         LEFT JOIN utility_business_calendar cal ON cal.company_id = po.company_id
         LEFT JOIN res_users u ON u.id = po.user_id
         LEFT JOIN res_partner up ON up.id = u.partner_id
         LEFT JOIN utility_account ua ON ua.id = %(order_account)s
             WHERE po.state IN ('paid', 'done', 'invoiced')
               AND ppm.journal_id IS NOT NULL
            """,
            date=self._ub_local_date(SQL("pp.payment_date"), tz),
            tender=self._ub_translated(SQL("ppm.name")),
            counter=self._ub_counter_condition("pc"),
            order_account=self._ub_counter_order_account("po"),
        )

    @api.model
    def _ub_counter_order_account(self, order_alias):
        """The utility account an order of the counter ``order_alias`` paid,
        when every line of it paid that one account (so that its receipts
        belong to the account's cycle, route and class, as the returns of its
        checks do); none for an order paying citations, fees or several
        accounts, or without the counter payments addon."""
        field = self.env["pos.order.line"]._fields.get("utility_account_id")
        if not (field and field.store):
            return SQL("NULL::int")
        self.env["pos.order.line"].flush_model(["utility_account_id", "order_id"])
        return SQL(
            """(SELECT CASE WHEN bool_and(pol.utility_account_id IS NOT NULL)
                            THEN min(pol.utility_account_id) END
                  FROM pos_order_line pol
                 WHERE pol.order_id = %s.id
                HAVING count(DISTINCT pol.utility_account_id) = 1)""",
            SQL.identifier(order_alias),
        )

    def _ub_counter_returns(self):
        """Counter checks returned by the bank: their returned check entries
        (not the fee invoice), negative, on the day of the return, with the
        check's tender and session."""
        return SQL(
            """
            SELECT m.id * 3 + 1 AS id,
                   m.date AS date,
                   'counter' AS source,
                   %(tender)s AS tender,
                   ppm.journal_id AS journal_id,
                   m.create_uid AS cashier_id,
                   ps.name AS session,
                   m.name AS reference,
                   m.id AS move_id,
                   COALESCE(ua.partner_id, po.partner_id) AS partner_id,
                   m.utility_account_id AS account_id,
                   ua.billing_cycle_id AS billing_cycle_id,
                   ua.route_id AS route_id,
                   m.company_id AS company_id,
                   company.currency_id AS currency_id,
                   rec.amount AS amount,
                   0 AS receipt_count
              FROM pos_payment_utility_return_move_rel rel
              JOIN account_move m ON m.id = rel.move_id
              JOIN pos_payment pp ON pp.id = rel.payment_id
              JOIN pos_order po ON po.id = pp.pos_order_id
              JOIN pos_session ps ON ps.id = po.session_id
              JOIN pos_config pc ON pc.id = ps.config_id AND %(counter)s
              JOIN pos_payment_method ppm ON ppm.id = pp.payment_method_id
              JOIN res_company company ON company.id = m.company_id
         LEFT JOIN utility_account ua ON ua.id = m.utility_account_id
              JOIN LATERAL (
                   SELECT -sum(l.balance) AS amount
                     FROM account_move_line l
                    WHERE l.move_id = m.id AND l.account_id = ANY(%(receivable)s)
                   ) rec ON rec.amount IS NOT NULL
             WHERE m.state = 'posted'
               AND m.move_type = 'entry'
            """,
            tender=self._ub_translated(SQL("ppm.name")),
            receivable=self._ub_receivable_account_ids(),
            counter=self._ub_counter_condition("pc"),
        )

    def _ub_other_receipts(self):
        source = self._ub_payment_source("m")
        return SQL(
            """
            SELECT m.id * 3 + 2 AS id,
                   m.date AS date,
                   %(source)s AS source,
                   %(tender)s AS tender,
                   m.journal_id AS journal_id,
                   m.create_uid AS cashier_id,
                   NULL AS session,
                   m.name AS reference,
                   m.id AS move_id,
                   ua.partner_id AS partner_id,
                   m.utility_account_id AS account_id,
                   ua.billing_cycle_id AS billing_cycle_id,
                   ua.route_id AS route_id,
                   m.company_id AS company_id,
                   company.currency_id AS currency_id,
                   rec.amount AS amount,
                   CASE WHEN m.reversed_entry_id IS NULL THEN 1 ELSE 0 END
                       AS receipt_count
              FROM account_move m
              %(joins)s
              JOIN account_journal j ON j.id = m.journal_id
              JOIN res_company company ON company.id = m.company_id
         LEFT JOIN utility_account ua ON ua.id = m.utility_account_id
              JOIN LATERAL (
                   SELECT -sum(l.balance) AS amount
                     FROM account_move_line l
                    WHERE l.move_id = m.id AND l.account_id = ANY(%(receivable)s)
                   ) rec ON rec.amount IS NOT NULL
             WHERE m.state = 'posted'
               AND m.move_type = 'entry'
               AND (m.utility_payment_source IS NOT NULL
                    OR m.origin_payment_id IS NOT NULL
                    OR m.reversed_entry_id IS NOT NULL)
               AND %(source)s = ANY(%(sources)s)
               AND m_pay.pos_session_id IS NULL
               AND m_pay.pos_payment_method_id IS NULL
               AND m_orig_pay.pos_session_id IS NULL
               AND m_orig_pay.pos_payment_method_id IS NULL
            """,
            source=source,
            tender=self._ub_translated(SQL("j.name")),
            joins=self._ub_payment_joins("m"),
            receivable=self._ub_receivable_account_ids(),
            sources=list(NON_COUNTER_SOURCES),
        )

    def _ub_pdf_values(self, data):
        """The receipts by day, with subtotals by source and tender, by
        cashier, and the miscellaneous receipts by revenue account."""
        domain = self._ub_report_domain(data)
        measures = ["receipt_count:sum", "amount:sum"]
        misc = self.env["utility.report.misc.receipt"]
        if self:
            days = sorted(set(self.mapped("date")))
            misc_domain = [
                ("company_id", "in", self.company_id.ids),
                ("date", "in", days),
            ]
        else:
            misc_domain = misc._ub_domain_from(domain)
        return {
            "by_day": self._read_group(
                domain, ["date:day", "source", "tender"], measures
            ),
            "by_source": self._read_group(domain, ["source", "tender"], measures),
            "by_cashier": self._read_group(domain, ["cashier_id"], measures),
            "totals": self._read_group(domain, [], measures)[0],
            "misc": misc._read_group(
                misc_domain,
                ["gl_account_id", "product_id"],
                ["quantity:sum", "amount_untaxed:sum", "amount_total:sum"],
            ),
            "sources": dict(self._fields["source"]._description_selection(self.env)),
            "title": self._ub_report_title(data),
        }
