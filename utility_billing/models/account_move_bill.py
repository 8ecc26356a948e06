# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Journal entries: the figures of the printed utility bill (summary box,
consumption history, language, numbers as the customer reads them)."""

from odoo import api, models

from ..tools.formatting import format_number


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model
    def _utility_bill_history(self, account, until, months=13):
        """Monthly consumption of ``account`` for the bill's history chart."""
        return account._consumption_history(until, months)

    def _utility_bill_lang(self):
        """Language of the bill: the account's, when that language is installed."""
        self.ensure_one()
        installed = dict(self.env["res.lang"].get_installed())
        for code in (self.utility_account_id.lang, self.partner_id.lang):
            if code and code in installed:
                return code
        return self.env.lang or "en_US"

    def _utility_bill_summary(self):
        """Figures of the bill's summary box, as of now.

        previous balance = what was open on the account's other bills before the
        payments received and the adjustments posted since the last bill;
        adjustments = the credit notes (negative) and debit notes of
        ``utility.adjustment`` dated since the last bill; balance forward = what
        is still open on them; total due = balance forward + what is open on this
        bill.
        """
        self.ensure_one()
        account = self.utility_account_id
        others = self.search(
            [
                ("utility_account_id", "=", account.id),
                ("id", "!=", self.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", "<=", self.invoice_date),
            ]
        )
        previous_bills = others.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and not m.utility_adjustment_id
                and not m.utility_deposit_kind
                and m.invoice_date < self.invoice_date
            )
        )
        last_bill_date = max(previous_bills.mapped("invoice_date"), default=False)
        adjustments = sum(
            others.filtered(
                lambda m: (
                    m.utility_adjustment_id
                    and (not last_bill_date or m.invoice_date > last_bill_date)
                )
            ).mapped("amount_total_signed")
        )
        balance_forward = sum(others.mapped("amount_residual_signed"))
        payments = 0.0
        receivables = others.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        for partial in receivables.matched_credit_ids:
            if partial.credit_move_id.move_id in others:
                continue  # a credit note of the account, already in the balance
            if not last_bill_date or partial.max_date > last_bill_date:
                payments += partial.amount
        # Payments not (yet) applied to a bill: a credit on the account.
        unapplied = self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", account.id),
                ("move_id", "!=", self.id),
                ("move_id.move_type", "not in", ("out_invoice", "out_refund")),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("date", "<=", self.invoice_date),
            ]
        )
        for line in unapplied:
            balance_forward += line.amount_residual
            if line.amount_residual < 0 and (
                not last_bill_date or line.date > last_bill_date
            ):
                payments -= line.amount_residual
        # Past due: what is still open on earlier bills due before this one
        # was issued (the customer should pay it now, not by the new due date).
        past_due = sum(
            others.filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.invoice_date_due
                    and m.invoice_date_due < self.invoice_date
                )
            ).mapped("amount_residual_signed")
        )
        return {
            "previous_balance": balance_forward + payments - adjustments,
            "payments": payments,
            "adjustments": adjustments,
            "balance_forward": balance_forward,
            "total_due": balance_forward + self.amount_residual,
            "past_due": max(min(past_due, balance_forward), 0.0),
        }

    @api.model
    def _utility_format_number(self, value, min_digits=0, max_digits=3):
        """A quantity or a rate as the customer reads it on the bill (see
        ``tools.formatting.format_number``)."""
        return format_number(self.env, value, min_digits, max_digits)
