# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_date

# Fields of an entry that place it in the utility reports (month-end summary,
# cash receipts, adjustments register).
REPORT_FIELDS = (
    "utility_account_id",
    "utility_payment_source",
    "utility_adjustment_id",
)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # The revenue report's sums (entries of utility accounts only).
        self.env["utility.report.revenue.sum"].sudo()._ub_add_moves(posted)
        return posted

    def button_draft(self):
        self.env["utility.report.revenue.sum"].sudo()._ub_add_moves(
            self.filtered(lambda m: m.state == "posted"), sign=-1
        )
        return super().button_draft()

    def write(self, vals):
        if set(REPORT_FIELDS) & set(vals):
            # Attaching a posted entry to a utility account (or changing its
            # source) moves it into the reports of its month.
            self.filtered(lambda m: m.state == "posted")._ub_check_closed_month(
                utility_only=False
            )
        return super().write(vals)

    def _check_fiscal_lock_dates(self):
        # Called by Odoo for every posted entry that is posted, reset, changed
        # or deleted: the company's lock dates, then the utility months closed.
        res = super()._check_fiscal_lock_dates()
        self._ub_check_closed_month()
        return res

    def _ub_check_closed_month(self, utility_only=True):
        """Refuse utility entries dated in a month the Finance Director closed.

        Odoo's lock date postpones the accounting date of an entry posted in a
        locked period; a bill keeps its bill date, by which the billing register
        counts it. A closed month's reports never change: a utility entry whose
        accounting date or bill date is in a closed month is neither posted nor
        changed, even after the lock date was moved back.
        """
        moves = self if not utility_only else self.filtered("utility_account_id")
        if not moves:
            return
        closed = self.env["utility.month.close"]._ub_closed_until(moves.company_id)
        for move in moves:
            until = closed.get(move.company_id.id)
            if not until:
                continue
            day = min(d for d in (move.date, move.invoice_date) if d)
            if day <= until:
                raise UserError(
                    self.env._(
                        "%(entry)s is dated %(date)s, in a month closed up to "
                        "%(closed)s: the closed months' reports never change. Date "
                        "it after %(closed)s.",
                        entry=move.display_name,
                        date=format_date(self.env, day),
                        closed=format_date(self.env, until),
                    )
                )
