# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The month-end figures a close keeps, as the month-end summary computes them.
FIGURE_FIELDS = (
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
)


class UtilityMonthClose(models.Model):
    """One month closed by the Finance Director: who closed it, when, and the
    month-end figures of the company as they were then.

    Made only by the month-end summary's *Close Month* (``action_close_month``
    of ``utility.report.month.end``), which also sets the company's lock date;
    nobody edits or deletes a close (the access rules give read access only).
    Utility entries dated in a closed month are never posted, reset or changed
    afterwards (see ``account.move._ub_check_closed_month``), so the month's
    reports stay as closed; ``action_verify`` computes the figures again and
    compares.
    """

    _name = "utility.month.close"
    _description = "Utility Month-End Close"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Month", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True, index=True)
    closed_by_id = fields.Many2one("res.users", readonly=True)
    closed_on = fields.Datetime(readonly=True)
    lock_date = fields.Date(
        string="Lock Date Set",
        readonly=True,
        help="The company's global lock date after the close.",
    )
    previous_lock_date = fields.Date(
        string="Lock Date Before",
        readonly=True,
        help="The company's global lock date before the close.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    opening_balance = fields.Monetary(string="Receivables at Start", readonly=True)
    billed = fields.Monetary(readonly=True)
    collected = fields.Monetary(readonly=True)
    adjusted = fields.Monetary(readonly=True)
    written_off = fields.Monetary(readonly=True)
    other_movements = fields.Monetary(string="Other Receivable Entries", readonly=True)
    closing_computed = fields.Monetary(
        string="Receivables at End (Roll-Forward)", readonly=True
    )
    closing_journal = fields.Monetary(
        string="Receivables at End (Journal)", readonly=True
    )
    difference = fields.Monetary(readonly=True)
    aged_total = fields.Monetary(string="Aged Receivables at End", readonly=True)
    ties = fields.Boolean(string="Ties to the Journal", readonly=True)

    _sql_constraints = [
        (
            "company_month_uniq",
            "unique(company_id, date_from)",
            "A month is closed once.",
        ),
    ]

    @api.model
    def _ub_closed_until(self, companies):
        """{company id: end of the last month closed} of ``companies``."""
        if not companies:
            return {}
        groups = (
            self.sudo()
            .with_context(active_test=False)
            ._read_group(
                [("company_id", "in", companies.ids)], ["company_id"], ["date_to:max"]
            )
        )
        return {company.id: date_to for company, date_to in groups}

    def _ub_month_end(self):
        """The month-end summary of the closed month, computed now."""
        self.ensure_one()
        return self.env["utility.report.month.end"].create(
            {
                "company_id": self.company_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
            }
        )

    def _ub_changed_figures(self):
        """[(figure label, closed, now)] of the figures that differ from the
        close (none: the month's reports are as closed)."""
        self.ensure_one()
        now = self._ub_month_end()._ub_summary()
        currency = self.currency_id
        return [
            (self._fields[name]._description_string(self.env), self[name], now[name])
            for name in FIGURE_FIELDS
            if not currency.is_zero(self[name] - now[name])
        ]

    def action_verify(self):
        """Compute the month's figures again and compare them with the close."""
        self.ensure_one()
        changed = self._ub_changed_figures()
        if changed:
            message = self.env._(
                "%(month)s: figures differ from the close: %(figures)s",
                month=self.name,
                figures="; ".join(
                    f"{label} {self.currency_id.format(old)} -> "
                    f"{self.currency_id.format(new)}"
                    for label, old, new in changed
                ),
            )
        else:
            message = self.env._(
                "%(month)s: the figures are those of the close.", month=self.name
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "danger" if changed else "success",
                "sticky": bool(changed),
            },
        }
