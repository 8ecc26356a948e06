# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round

# SB 998 (Health and Safety Code 116914(a)(1)): reconnection fee caps for
# low-income households, set in 2021 and adjusted each year by CPI.
SB998_CAP_BUSINESS_HOURS = 50.0
SB998_CAP_AFTER_HOURS = 150.0


class ResCompany(models.Model):
    _inherit = "res.company"

    # Delinquency
    utility_dlq_penalty_journal_id = fields.Many2one(
        "account.journal",
        string="Penalty Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
        help="Sale journal of the late-penalty and reconnection-fee invoices; the "
        "utility bills journal when empty.",
    )
    utility_dlq_penalty_due_days = fields.Integer(
        string="Penalty Due Days",
        default=21,
        help="Days after the penalty invoice date until it is due.",
    )
    utility_reconnect_product_id = fields.Many2one(
        "product.product", string="Reconnection Fee Product"
    )
    utility_reconnect_fee_business = fields.Monetary(
        string="Reconnection Fee (Business Hours)",
        currency_field="currency_id",
        default=75.0,
        help="The city's reconnection fee during normal operating hours (its actual "
        "cost).",
    )
    utility_reconnect_fee_after_hours = fields.Monetary(
        string="Reconnection Fee (After Hours)",
        currency_field="currency_id",
        default=200.0,
        help="The city's reconnection fee outside normal operating hours (its "
        "actual cost).",
    )
    utility_reconnect_cpi_base = fields.Float(
        string="CPI on January 1, 2021",
        default=262.2,
        digits=(12, 3),
        help="Consumer Price Index the SB 998 caps ($50 / $150) are set against.",
    )
    utility_reconnect_cpi_current = fields.Float(
        string="CPI This Year",
        default=262.2,
        digits=(12, 3),
        help="Consumer Price Index of the current year's adjustment; the low-income "
        "caps are $50 and $150 times this index over the 2021 index.",
    )
    # Payment plans
    utility_plan_max_months = fields.Integer(
        string="Payment Plan Maximum Term (Months)", default=12
    )
    utility_plan_grace_days = fields.Integer(
        string="Payment Plan Grace Days",
        default=60,
        help="An installment unpaid this many days after its due date breaks the "
        "plan (SB 998 allows a shut-off after 60 days of non-compliance).",
    )

    utility_plan_approval_amount = fields.Monetary(
        string="Payment Plan Approval Above",
        currency_field="currency_id",
        default=1000.0,
        help="Plans for a larger amount need the approval of a Customer Service "
        "Representative II.",
    )
    # Collections
    utility_collection_age_days = fields.Integer(
        string="Collection Referral Age (Days)",
        default=90,
        help="Final bills unpaid this many days after their due date are referred to "
        "the collection agency.",
    )
    utility_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Expense Account",
        help="Debited by write-offs of uncollectible accounts.",
    )
    utility_bad_debt_recovery_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Recovery Account",
        help="Income credited with payments received on written-off accounts.",
    )
    utility_write_off_journal_id = fields.Many2one(
        "account.journal",
        string="Write-off Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
    )
    utility_sb998_phone = fields.Char(
        string="Phone for Payment Options",
        help="Telephone number printed on delinquency notices to discuss options to "
        "avoid a shut-off (SB 998); the company phone when empty.",
    )

    # Business days: one calendar for ACH, SB 998 and service orders, in
    # utility_billing (res.company._utility_add_business_days and siblings,
    # utility.business.calendar).

    # ------------------------------------------------------------
    # Fees
    # ------------------------------------------------------------

    def _utility_cpi_factor(self):
        self.ensure_one()
        base = self.utility_reconnect_cpi_base
        if not base or not self.utility_reconnect_cpi_current:
            return 1.0
        return self.utility_reconnect_cpi_current / base

    def _utility_reconnect_fee(self, after_hours, low_income):
        """The reconnection fee: the city's fee, capped for low-income households
        at SB 998's $50 (business hours) / $150 (after hours) adjusted by CPI
        since 2021, and never above the city's fee (its actual cost)."""
        self.ensure_one()
        fee = (
            self.utility_reconnect_fee_after_hours
            if after_hours
            else self.utility_reconnect_fee_business
        )
        if low_income:
            cap = SB998_CAP_AFTER_HOURS if after_hours else SB998_CAP_BUSINESS_HOURS
            cap = float_round(
                cap * self._utility_cpi_factor(),
                precision_rounding=self.currency_id.rounding,
            )
            fee = min(fee, cap)
        return fee

    def _utility_penalty_journal(self):
        self.ensure_one()
        return self.utility_dlq_penalty_journal_id or self._get_utility_journal()

    def _utility_penalty_product(self):
        self.ensure_one()
        return super()._utility_penalty_product() or self.env.ref(
            "utility_billing_payments.product_late_penalty"
        )

    def _utility_reconnect_product(self):
        self.ensure_one()
        return self.utility_reconnect_product_id or self.env.ref(
            "utility_billing_payments.product_reconnection_fee"
        )

    @api.constrains("utility_plan_grace_days")
    def _check_utility_plan_grace_days(self):
        for company in self:
            if company.utility_plan_grace_days < 60:
                raise ValidationError(
                    self.env._(
                        "Payment plan grace days: %(days)s is less than the 60 days "
                        "of non-compliance SB 998 requires before a shut-off "
                        "(116910(c)).",
                        days=company.utility_plan_grace_days,
                    )
                )
