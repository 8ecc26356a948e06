# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's view of a service account on the portal (/my/utility_accounts).

The account gets Odoo's portal mixin (access URL, share token); what the
portal pages show is computed here so the controller stays thin.  Portal users
reach only the accounts of their commercial partner (record rules in
security/utility_portal_security.xml); the controller checks that access
before it reads anything with sudo().
"""

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import AccessError


class UtilityAccount(models.Model):
    _name = "utility.account"
    _inherit = ["utility.account", "portal.mixin"]

    def _compute_access_url(self):
        # portal.mixin's own compute only sets "#": replaced, not extended.
        for account in self:
            account.access_url = f"/my/utility_accounts/{account.id}"

    # ------------------------------------------------------------------
    # Office side: invite the customer
    # ------------------------------------------------------------------
    def action_invite_portal(self):
        """Open Odoo's portal wizard (Grant portal access) for the customer."""
        if not self.env.user.has_group("utility_billing.group_csr_1"):
            raise AccessError(
                self.env._("Only customer service can invite a customer to the portal.")
            )
        self.check_access("read")
        partners = self.partner_id.commercial_partner_id
        wizard = self.env["portal.wizard"].create({"partner_ids": partners.ids})
        return wizard._action_open_modal()

    # ------------------------------------------------------------------
    # Portal values (called on a record the user may read, in sudo)
    # ------------------------------------------------------------------
    def _portal_bills(self, limit=24):
        """The posted bills and credit notes of the account, newest first."""
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("utility_account_id", "=", self.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            order="invoice_date desc, id desc",
            limit=limit,
        )

    def _portal_next_due_date(self):
        """The due date of the oldest open bill (none when nothing is owed)."""
        self.ensure_one()
        line = self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "!=", False),
            ],
            order="date_maturity asc, id asc",
            limit=1,
        )
        return line.date_maturity

    def _portal_payments(self, limit=10):
        """Recent payments: posted receivable credits that are not bills or
        credit notes (counter, ACH, online payments), newest first."""
        self.ensure_one()
        lines = self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("credit", ">", 0),
                ("move_id.move_type", "=", "entry"),
            ],
            order="date desc, id desc",
            limit=limit,
        )
        return [
            {"date": line.date, "amount": line.credit, "reference": line.move_id.ref}
            for line in lines
        ]

    def _portal_consumption(self, months):
        """Billed and valid consumption by read month for the last ``months``
        months (oldest first), each with its share of the largest month for a
        bar: [{'month': date, 'label': 'Mar 2025', 'consumption': 12.0,
        'percent': 60}, ...]."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        first = today.replace(day=1) - relativedelta(months=months - 1)
        groups = self.env["utility.meter.read"]._read_group(
            [
                ("account_id", "=", self.id),
                ("state", "in", ("valid", "billed")),
                ("read_date", ">=", first),
                ("read_date", "<=", today),
            ],
            ["read_date:month"],
            ["consumption:sum"],
        )
        by_month = {month.replace(day=1): total for month, total in groups}
        rows = []
        for index in range(months):
            month = first + relativedelta(months=index)
            rows.append({"month": month, "consumption": by_month.get(month, 0.0)})
        peak = max((row["consumption"] for row in rows), default=0.0)
        for row in rows:
            row["percent"] = round(100 * row["consumption"] / peak) if peak else 0
        return rows

    def _portal_consumption_compared(self, months=12):
        """Consumption of each of the last ``months`` months beside the same
        month a year before, for the portal's chart (oldest first); the bars
        share one scale, the largest of the two years::

            [{'month': date(2026, 3, 1), 'consumption': 12.0, 'percent': 60,
              'last_year_month': date(2025, 3, 1), 'last_year': 10.0,
              'last_year_percent': 50}, ...]
        """
        self.ensure_one()
        rows = self._portal_consumption(months=months + 12)
        # _portal_consumption scaled the bars on the two years' peak already.
        return [
            {
                "month": row["month"],
                "consumption": row["consumption"],
                "percent": row["percent"],
                "last_year_month": before["month"],
                "last_year": before["consumption"],
                "last_year_percent": before["percent"],
            }
            for before, row in zip(rows[:months], rows[12:], strict=True)
        ]

    def _portal_notices(self, limit=24):
        """The notices sent to the customer of the account, newest first."""
        self.ensure_one()
        Notice = self.env["utility.notice"]
        return Notice.search(Notice._portal_domain(self), limit=limit)

    def _portal_uom_name(self):
        """The unit of the account's metered services (HCF by default)."""
        self.ensure_one()
        meter = self.service_ids.meter_id[:1]
        return meter.uom_id.name if meter else ""
