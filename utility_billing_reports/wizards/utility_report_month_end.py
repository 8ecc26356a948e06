# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..models.utility_month_close import FIGURE_FIELDS
from ..report.utility_report_cash_receipt import (
    PAYMENT_SOURCES,
)


def _last_month_start(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(months=1)


def _last_month_end(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(days=1)


class UtilityReportMonthEnd(models.TransientModel):
    """The Finance Director's month-end summary of the utility receivables.

    The roll-forward: receivables at the start of the period, plus what was
    billed (billing register), less what was collected (payment entries),
    adjusted (adjustments register) and written off, plus other receivable
    entries (deposits billed, applied to final bills or cancelled, credits
    refunded or transferred, entries made by hand), gives the
    receivables at the end of the period. The check compares that figure with
    the receivable balance of the journal items at the end of the period, and
    with the total of the aged receivables at that date.
    """

    _name = "utility.report.month.end"
    _description = "Utility Month-End Summary"
    _inherit = "utility.report.filter.mixin"

    date_from = fields.Date(string="From", required=True, default=_last_month_start)
    date_to = fields.Date(string="To", required=True, default=_last_month_end)
    opening_balance = fields.Monetary(
        string="Receivables at Start", compute="_compute_figures"
    )
    billed = fields.Monetary(compute="_compute_figures")
    collected = fields.Monetary(compute="_compute_figures")
    adjusted = fields.Monetary(
        compute="_compute_figures", help="Credits of adjustments less their charges."
    )
    written_off = fields.Monetary(compute="_compute_figures")
    other_movements = fields.Monetary(
        string="Other Receivable Entries",
        compute="_compute_figures",
        help="Customer deposits billed, applied to final bills or cancelled, "
        "credits refunded or transferred, credit notes and entries made by hand on "
        "the receivables of utility accounts.",
    )
    closing_computed = fields.Monetary(
        string="Receivables at End (Roll-Forward)", compute="_compute_figures"
    )
    closing_journal = fields.Monetary(
        string="Receivables at End (Journal)", compute="_compute_figures"
    )
    difference = fields.Monetary(compute="_compute_figures")
    aged_total = fields.Monetary(
        string="Aged Receivables at End", compute="_compute_figures"
    )
    ties = fields.Boolean(
        string="Ties to the Journal",
        compute="_compute_figures",
        help="The roll-forward and the aged receivables both equal the journal's "
        "receivable balance at the end of the period.",
    )
    close_id = fields.Many2one(
        "utility.month.close",
        string="Closed",
        compute="_compute_close_id",
        help="The close of this month: its figures no longer change.",
    )

    @api.depends("date_from", "date_to", "company_id")
    def _compute_close_id(self):
        Close = self.env["utility.month.close"]
        for wizard in self:
            wizard.close_id = (
                wizard.date_from
                and wizard.company_id
                and Close.search(
                    [
                        ("company_id", "=", wizard.company_id.id),
                        ("date_from", "=", wizard.date_from),
                        ("date_to", "=", wizard.date_to),
                    ],
                    limit=1,
                )
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise UserError(self.env._("The period ends before it starts."))

    @api.depends(
        "date_from",
        "date_to",
        "company_id",
        "billing_cycle_ids",
        "route_ids",
        "customer_class",
    )
    def _compute_figures(self):
        for wizard in self:
            if not (wizard.date_from and wizard.date_to and wizard.company_id):
                wizard.update(dict.fromkeys(wizard._ub_figure_fields(), 0.0))
                wizard.ties = False
                continue
            figures = wizard._ub_summary()
            wizard.update({name: figures[name] for name in wizard._ub_figure_fields()})
            wizard.ties = figures["ties"]

    @api.model
    def _ub_figure_fields(self):
        return [
            "opening_balance",
            "billed",
            "collected",
            "adjusted",
            "written_off",
            "other_movements",
            "closing_computed",
            "closing_journal",
            "difference",
            "aged_total",
        ]

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "utility_billing_reports.action_report_utility_month_end"
        ).report_action(self)

    def action_close_month(self):
        """Close the month (Finance Director): keep its figures, who closed it
        and when, and set the company's global lock date to its last day, so
        that nothing dated in it is posted or changed afterwards."""
        self.ensure_one()
        if not self.env.user.has_group("utility_billing.group_manager"):
            raise AccessError(
                self.env._("Only the Finance Director (manager) closes a month.")
            )
        company = self.company_id
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot close a month of %(company)s.", company=company.name
                )
            )
        self._ub_check_closable()
        figures = self._ub_summary()
        # The global lock date (fiscalyear_lock_date), not the sales lock
        # date, which locks the sales journals only (the month's payments,
        # write-offs and deposits are in bank, cash and general journals), nor
        # the hard lock date, which can never be moved back and refuses any
        # draft entry of the whole company: the city's accountant owns that
        # one. The month's utility entries stay closed even if an accountant
        # moves the global lock date back (account.move._ub_check_closed_month).
        previous_lock = company.fiscalyear_lock_date
        lock_date = max(previous_lock or self.date_to, self.date_to)
        if previous_lock != lock_date:
            # The lock dates are an accountant's setting: the Finance Director
            # is not one; the role was checked above.
            company.sudo().fiscalyear_lock_date = lock_date
        close = (
            self.env["utility.month.close"]
            .sudo()
            .create(
                {
                    "name": f"{self.date_from:%Y-%m}",
                    "company_id": company.id,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "closed_by_id": self.env.uid,
                    "closed_on": fields.Datetime.now(),
                    "lock_date": lock_date,
                    "previous_lock_date": previous_lock,
                    "ties": figures["ties"],
                    **{name: figures[name] for name in FIGURE_FIELDS},
                }
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.month.close",
            "res_id": close.id,
            "view_mode": "form",
            "target": "current",
        }

    def _ub_check_closable(self):
        """A whole calendar month of the company, ended, after the months
        already closed, with no draft utility entry dated in or before it."""
        self.ensure_one()
        if self.billing_cycle_ids or self.route_ids or self.customer_class:
            raise UserError(
                self.env._(
                    "A month is closed for the whole company: clear the billing "
                    "cycle, route and customer class filters."
                )
            )
        month_end = self.date_from + relativedelta(months=1, days=-1)
        if self.date_from.day != 1 or self.date_to != month_end:
            raise UserError(
                self.env._(
                    "Close one calendar month, from its first to its last day "
                    "(%(start)s to %(end)s here).",
                    start=format_date(self.env, self.date_from),
                    end=format_date(self.env, self.date_to),
                )
            )
        month = f"{self.date_from:%Y-%m}"
        if self.date_to >= fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "%(month)s has not ended yet: close it from %(day)s.",
                    month=month,
                    day=format_date(self.env, self.date_to + relativedelta(days=1)),
                )
            )
        company = self.company_id
        closed_until = self.env["utility.month.close"]._ub_closed_until(company)
        if closed_until.get(company.id) and self.date_to <= closed_until[company.id]:
            raise UserError(
                self.env._(
                    "%(month)s is already closed: %(company)s is closed up to "
                    "%(date)s.",
                    month=month,
                    company=company.name,
                    date=format_date(self.env, closed_until[company.id]),
                )
            )
        drafts = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("utility_account_id", "!=", False),
                ("state", "=", "draft"),
                "|",
                ("date", "<=", self.date_to),
                ("invoice_date", "<=", self.date_to),
            ],
            limit=6,
        )
        if drafts:
            raise UserError(
                self.env._(
                    "Post or delete the draft utility entries dated in %(month)s or "
                    "before it, then close the month: %(entries)s",
                    month=month,
                    entries=", ".join(
                        f"{move.display_name} ({move.utility_account_id.name})"
                        for move in drafts[:5]
                    )
                    + (", ..." if len(drafts) > 5 else ""),
                )
            )

    def action_export_xlsx(self):
        self.ensure_one()
        export = self.env["utility.report.export"].create(
            {
                "company_id": self.company_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "as_of_date": self.date_to,
                "billing_cycle_ids": [fields.Command.set(self.billing_cycle_ids.ids)],
                "route_ids": [fields.Command.set(self.route_ids.ids)],
                "customer_class": self.customer_class,
                **self.env["utility.report.export"]._ub_only_sheet("month_end"),
            }
        )
        return export.action_export_xlsx()

    # ------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------

    def _ub_summary(self):
        """All the figures of the summary, as a dict (see the class)."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        filters = self._ub_filters()
        mixin = self.env["utility.report.mixin"]
        accounts = mixin._ub_account_conditions("ua", filters)
        receivable = mixin._ub_receivable_account_ids()
        mixin._ub_tune_session()
        self.env.flush_all()
        cr = self.env.cr

        # The receivables at the start and at the end: one pass.
        cr.execute(
            SQL(
                """SELECT COALESCE(sum(l.balance) FILTER (WHERE l.date < %s), 0.0),
                          COALESCE(sum(l.balance), 0.0)
                     FROM account_move_line l
                     JOIN utility_account ua ON ua.id = l.utility_account_id
                    WHERE l.company_id = %s AND l.parent_state = 'posted'
                      AND l.account_id = ANY(%s) AND l.date <= %s AND %s""",
                self.date_from,
                company.id,
                receivable,
                self.date_to,
                accounts,
            )
        )
        opening, closing_journal = cr.fetchone()

        # Receivable movements of the period by kind (and payment source).
        source = mixin._ub_payment_source("m")
        cr.execute(
            SQL(
                """SELECT CASE WHEN m.utility_adjustment_id IS NOT NULL THEN 'adjusted'
                               WHEN m.utility_deposit_kind IS NOT NULL THEN 'other'
                               WHEN m.move_type = 'out_invoice' THEN 'billed'
                               WHEN %(source)s IS NOT NULL THEN 'collected'
                               WHEN %(write_off)s THEN 'written_off'
                               ELSE 'other' END,
                          %(source)s,
                          COALESCE(sum(l.balance), 0.0)
                     FROM account_move_line l
                     JOIN account_move m ON m.id = l.move_id
                     %(joins)s
                     JOIN utility_account ua ON ua.id = l.utility_account_id
                    WHERE l.company_id = %(company)s AND l.parent_state = 'posted'
                      AND l.account_id = ANY(%(receivable)s)
                      AND l.date >= %(date_from)s AND l.date <= %(date_to)s
                      AND %(accounts)s
                 GROUP BY 1, 2""",
                source=source,
                write_off=mixin._ub_write_off_condition("m"),
                joins=mixin._ub_payment_joins("m"),
                company=company.id,
                receivable=receivable,
                date_from=self.date_from,
                date_to=self.date_to,
                accounts=accounts,
            )
        )
        journal = dict.fromkeys(
            ("billed", "adjusted", "collected", "written_off", "other"), 0.0
        )
        by_source = {}
        for kind, pay_source, amount in cr.fetchall():
            journal[kind] += amount
            if kind == "collected":
                by_source[pay_source] = by_source.get(pay_source, 0.0) - amount

        # Billed, per the billing register (bill date), and adjusted, per the
        # adjustments register.
        register = self.env["utility.report.billing.register"]
        domain = register._ub_domain(filters) + [("state", "=", "posted")]
        billed = sum(
            total for (total,) in register._read_group(domain, [], ["amount_total:sum"])
        )
        adjustments = self.env["utility.report.adjustment"]
        adjusted = sum(
            total
            for (total,) in adjustments._read_group(
                adjustments._ub_domain(filters), [], ["amount:sum"]
            )
        )
        collected = -journal["collected"]
        written_off = -journal["written_off"]
        other = journal["other"]
        closing_computed = opening + billed - collected - adjusted - written_off + other
        aged_total = self.env["utility.report.aged.receivable.line"]._ub_total(
            company, self.date_to, filters
        )
        difference = closing_computed - closing_journal
        round_ = currency.round
        sources = dict(PAYMENT_SOURCES)
        return {
            "opening_balance": round_(opening),
            "billed": round_(billed),
            "collected": round_(collected),
            "adjusted": round_(adjusted),
            "written_off": round_(written_off),
            "other_movements": round_(other),
            "closing_computed": round_(closing_computed),
            "closing_journal": round_(closing_journal),
            "difference": round_(difference),
            "aged_total": round_(aged_total),
            "ties": currency.is_zero(difference)
            and currency.is_zero(aged_total - closing_journal),
            "billed_journal": round_(journal["billed"]),
            "adjusted_journal": round_(-journal["adjusted"]),
            "collected_by_source": [
                (sources.get(key, key), round_(amount))
                for key, amount in sorted(by_source.items())
            ],
        }

    def _ub_billed_by_service(self):
        """[(service name, kind label, charges and taxes)] billed in the period
        (posted bills of the billing register)."""
        self.ensure_one()
        lines = self.env["utility.report.billing.register.line"]
        domain = lines._ub_domain(self._ub_filters()) + [("state", "=", "posted")]
        domain = [d for d in domain if d[0] != "service_type_id"]
        groups = lines._read_group(
            domain, ["line_kind", "service_type_id"], ["amount_total:sum"]
        )
        result = []
        for kind, service, amount in groups:
            if kind == "tax":
                name = self.env._("Taxes")
            else:
                name = service.name or self.env._("Other charges")
            result.append((name, amount))
        return result
