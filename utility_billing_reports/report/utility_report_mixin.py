# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import api, fields, models
from odoo.tools import SQL

# Payment sources of the cash receipts journal that are not counter (POS) receipts.
NON_COUNTER_SOURCES = ("ach", "mail", "drop_box", "lockbox", "online", "other")
# Memory a report query may use to sort and hash its groups (SET LOCAL).
REPORT_WORK_MEM = "128MB"


class UtilityReportMixin(models.AbstractModel):
    """SQL pieces shared by the report models of this addon.

    Report models are read-only SQL queries (``_auto = False`` with a
    ``_table_query``), assembled from these pieces with ``odoo.tools.SQL``.
    """

    _name = "utility.report.mixin"
    _description = "Utility Billing Report Helpers"

    @api.model
    def _ub_lang(self):
        return self.env.lang or "en_US"

    @api.model
    def _ub_translated(self, column_sql):
        """The text of a translated (jsonb) column in the user's language."""
        return SQL(
            "COALESCE(%s->>%s, %s->>'en_US')", column_sql, self._ub_lang(), column_sql
        )

    @api.model
    def _ub_local_date(self, timestamp_sql, tz_sql):
        """The local date of a UTC timestamp column in time zone ``tz_sql``."""
        return SQL(
            "((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", timestamp_sql, tz_sql
        )

    @api.model
    def _ub_fiscal_year(self, date_sql, company_alias):
        """Label of the company's fiscal year of ``date_sql``: ``2026`` for a
        calendar year, ``2025-26`` for a year ending in another month (July to
        June for Coachella)."""
        company = SQL.identifier(company_alias)
        end_year = self._ub_fiscal_end_year(date_sql, company_alias)
        return SQL(
            """CASE WHEN %(c)s.fiscalyear_last_month = '12'
                         AND %(c)s.fiscalyear_last_day >= 31
                    THEN (%(end)s)::text
                    ELSE (%(end)s - 1)::text || '-' || right((%(end)s)::text, 2)
               END""",
            c=company,
            end=end_year,
        )

    @api.model
    def _ub_fiscal_end_year(self, date_sql, company_alias):
        company = SQL.identifier(company_alias)
        return SQL(
            """(EXTRACT(YEAR FROM %(d)s)::int
                + CASE WHEN EXTRACT(MONTH FROM %(d)s)::int
                            > %(c)s.fiscalyear_last_month::int
                         OR (EXTRACT(MONTH FROM %(d)s)::int
                                = %(c)s.fiscalyear_last_month::int
                             AND EXTRACT(DAY FROM %(d)s)::int
                                > %(c)s.fiscalyear_last_day)
                       THEN 1 ELSE 0 END)""",
            d=date_sql,
            c=company,
        )

    @api.model
    def _ub_fiscal_quarter(self, date_sql, company_alias):
        """``<fiscal year> Q<n>``: quarters counted from the fiscal year's start."""
        company = SQL.identifier(company_alias)
        return SQL(
            """%(fy)s || ' Q' || (
                   mod(EXTRACT(MONTH FROM %(d)s)::int
                       - mod(%(c)s.fiscalyear_last_month::int, 12) - 1 + 12, 12) / 3
                   + 1)::text""",
            fy=self._ub_fiscal_year(date_sql, company_alias),
            d=date_sql,
            c=company,
        )

    @api.model
    def _ub_receivable_account_ids(self):
        return self.env["account.account"].sudo().with_context(
            active_test=False
        ).search([("account_type", "=", "asset_receivable")]).ids or [0]

    @api.model
    def _ub_payment_joins(self, move_alias):
        """LEFT JOINs that ``_ub_payment_source`` reads: the move's payment, the
        move it reverses (a returned or voided payment) and that move's
        payment."""
        move = SQL.identifier(move_alias)
        return SQL(
            """LEFT JOIN account_payment %(pay)s ON %(pay)s.id = %(m)s.origin_payment_id
               LEFT JOIN account_move %(orig)s
                      ON %(orig)s.id = %(m)s.reversed_entry_id
                     AND %(orig)s.move_type = 'entry'
               LEFT JOIN account_payment %(orig_pay)s
                      ON %(orig_pay)s.id = %(orig)s.origin_payment_id""",
            m=move,
            pay=SQL.identifier(f"{move_alias}_pay"),
            orig=SQL.identifier(f"{move_alias}_orig"),
            orig_pay=SQL.identifier(f"{move_alias}_orig_pay"),
        )

    @api.model
    def _ub_payment_source(self, move_alias):
        """The payment source of the move ``move_alias`` (NULL: no payment entry).

        A payment entry has a payment source on the move (counter, ACH, mail,
        online, other) or is a customer's inbound ``account.payment`` (source
        ``other``); the reversal of a payment entry (a returned ACH debit, a
        voided receipt) has the source of the payment it reverses. Needs the
        joins of ``_ub_payment_joins``.
        """
        move = SQL.identifier(move_alias)
        pay = SQL.identifier(f"{move_alias}_pay")
        orig = SQL.identifier(f"{move_alias}_orig")
        orig_pay = SQL.identifier(f"{move_alias}_orig_pay")
        return SQL(
            """COALESCE(
                   %(m)s.utility_payment_source,
                   CASE WHEN %(pay)s.payment_type = 'inbound'
                             AND %(pay)s.partner_type = 'customer' THEN 'other' END,
                   %(orig)s.utility_payment_source,
                   CASE WHEN %(orig_pay)s.payment_type = 'inbound'
                             AND %(orig_pay)s.partner_type = 'customer'
                        THEN 'other' END)""",
            m=move,
            pay=pay,
            orig=orig,
            orig_pay=orig_pay,
        )

    @api.model
    def _ub_write_off_condition(self, move_alias):
        """Whether the move ``move_alias`` writes off a utility receivable.

        A write-off is a journal entry (not an invoice, not a payment) of a
        utility account that moves its receivable to an expense account (bad
        debt). Addons that mark their write-offs otherwise override this.
        """
        move = SQL.identifier(move_alias)
        return SQL(
            """(%(m)s.move_type = 'entry'
                AND %(m)s.utility_payment_source IS NULL
                AND %(m)s.origin_payment_id IS NULL
                AND EXISTS (
                    SELECT 1 FROM account_move_line wl
                      JOIN account_account wa ON wa.id = wl.account_id
                     WHERE wl.move_id = %(m)s.id
                       AND wa.account_type IN ('expense', 'expense_depreciation',
                                               'expense_direct_cost')))""",
            m=move,
        )

    # ------------------------------------------------------------
    # Filters shared by the screens, the PDFs and the workbook
    # ------------------------------------------------------------

    @api.model
    def _ub_domain(self, filters):
        """Domain of this report for ``filters``: {'company_id', 'date_from',
        'date_to', 'billing_cycle_ids', 'route_ids', 'service_type_ids',
        'customer_class'}; a filter on a field the report has not is left
        out."""
        fields_ = self._fields
        domain = []
        if filters.get("company_id"):
            domain.append(("company_id", "=", filters["company_id"]))
        if "date" in fields_:
            for key, operator in (("date_from", ">="), ("date_to", "<=")):
                if filters.get(key):
                    day = fields.Date.to_date(filters[key])
                    domain.append(("date", operator, fields.Date.to_string(day)))
        for key, field in (
            ("billing_cycle_ids", "billing_cycle_id"),
            ("route_ids", "route_id"),
            ("service_type_ids", "service_type_id"),
        ):
            if filters.get(key) and field in fields_:
                domain.append((field, "in", list(filters[key])))
        if filters.get("customer_class") and "customer_class" in fields_:
            domain.append(("customer_class", "=", filters["customer_class"]))
        return domain

    @api.model
    def _ub_account_conditions(self, account_alias, filters):
        """SQL conditions on a utility_account (``account_alias``) for the
        cycle, route and customer class ``filters``."""
        account = SQL.identifier(account_alias)
        conditions = []
        if filters.get("billing_cycle_ids"):
            conditions.append(
                SQL(
                    "%s.billing_cycle_id = ANY(%s)",
                    account,
                    list(filters["billing_cycle_ids"]),
                )
            )
        if filters.get("route_ids"):
            conditions.append(
                SQL("%s.route_id = ANY(%s)", account, list(filters["route_ids"]))
            )
        if filters.get("customer_class"):
            conditions.append(
                SQL("%s.customer_class = %s", account, filters["customer_class"])
            )
        return SQL(" AND ").join(conditions) if conditions else SQL("TRUE")

    def _ub_report_records(self, data):
        """The records a PDF prints: the selected ones, else those of the
        domain the print wizard passed."""
        if self:
            return self
        domain = (data or {}).get("ub_domain") or []
        return self.search(domain)

    def _ub_report_domain(self, data):
        """Domain of the rows a PDF prints (see ``_ub_report_records``)."""
        if self:
            return [("id", "in", self.ids)]
        return list((data or {}).get("ub_domain") or [])

    def _ub_report_title(self, data):
        """The period and filters of a PDF printed from the print wizard."""
        return (data or {}).get("ub_title") or ""

    # ------------------------------------------------------------
    # Date bounds: a search on a date range reads only those dates
    # ------------------------------------------------------------

    @api.model
    def _ub_date_bounds(self, domain):
        """(first, last) dates the domain keeps on ``date`` (either may be
        None), when the domain is a plain conjunction; None otherwise.

        Reports that sum rows in their query use them to read only the journal
        items (or reads) of those dates: the domain still filters the rows, the
        bounds only spare the database the rest.
        """
        if not domain or any(
            isinstance(term, str) and term in ("|", "!") for term in domain
        ):
            return None
        first = last = None
        for term in domain:
            if not (isinstance(term, list | tuple) and len(term) == 3):
                continue
            name, operator, value = term
            if name != "date" or not isinstance(value, str | date):
                continue
            try:
                day = fields.Date.to_date(value)
            except ValueError:
                continue
            if operator in (">=", ">", "="):
                first = max(first, day) if first else day
            if operator in ("<=", "<", "="):
                last = min(last, day) if last else day
        return (first, last) if first or last else None

    @api.model
    def _ub_tune_session(self):
        """Settings of the report queries, for this transaction only: they
        read many rows once, so no JIT compilation (PostgreSQL spends seconds
        compiling such plans) and room to hash their groups in memory."""
        self.env.cr.execute(
            SQL("SET LOCAL jit = off; SET LOCAL work_mem = %s", REPORT_WORK_MEM)
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        self._ub_tune_session()
        bounds = self._ub_date_bounds(domain)
        model = self
        if bounds != self.env.context.get("ub_date_bounds"):
            model = self.with_context(ub_date_bounds=bounds)
        return super(UtilityReportMixin, model)._search(
            domain, offset=offset, limit=limit, order=order
        )
