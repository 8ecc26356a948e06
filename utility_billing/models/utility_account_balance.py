# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Service accounts: balance and credits (open receivable lines, credits
applied to the open bills oldest due first)."""

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_date, formatLang


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    def _compute_balance(self):
        # The balance is what is open on the account's receivable lines: bills
        # and credit notes, and payment entries (counter, ACH) whose credit is
        # not yet applied to a bill, i.e. an overpayment left as a credit.
        groups = self.env["account.move.line"]._read_group(
            [
                ("utility_account_id", "in", self.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
            ],
            ["utility_account_id"],
            ["amount_residual:sum"],
        )
        amounts = {account.id: amount for account, amount in groups}
        today = fields.Date.context_today(self)
        past_due = self.env["account.move.line"]._read_group(
            [
                ("utility_account_id", "in", self.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", today),
            ],
            ["utility_account_id"],
            ["amount_residual:sum"],
        )
        past_due_amounts = {account.id: amount for account, amount in past_due}
        counts = self.env["account.move"]._read_group(
            [
                ("utility_account_id", "in", self.ids),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["utility_account_id"],
            ["__count"],
        )
        count_by_account = {account.id: count for account, count in counts}
        for account in self:
            account.balance = amounts.get(account.id, 0.0)
            # Never more than what is owed: a credit elsewhere lowers it.
            account.past_due_amount = max(
                0.0, min(past_due_amounts.get(account.id, 0.0), account.balance)
            )
            account.invoice_count = count_by_account.get(account.id, 0)

    def _utility_open_receivable_lines(self):
        """This account's open receivable debits (what is owed, bill by bill),
        oldest due first."""
        self.ensure_one()
        return self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
            ],
            order="date_maturity, date, id",
        )

    def _utility_apply_credit(self, credit_lines):
        """Apply posted receivable credit lines of this account (a payment, a
        reversal) to its open bills, oldest due date first; what is left of the
        credit stays open on the account as a credit.

        Each bill is reconciled in turn so the order is ours, not the order
        ``reconcile()`` would pick for a set of lines. Reconciled as superuser:
        the callers (payment workflows a CSR runs) checked the role and chose
        the lines; CSRs read accounting only.
        """
        self.ensure_one()
        credit_lines = credit_lines.filtered(
            lambda ln: (
                ln.account_id.account_type == "asset_receivable"
                and not ln.reconciled
                and ln.amount_residual < 0
            )
        )
        if not credit_lines:
            return
        for debit in self._utility_open_receivable_lines():
            credit_lines = credit_lines.filtered(lambda ln: not ln.reconciled)
            if not credit_lines:
                break
            if debit.account_id != credit_lines[0].account_id:
                continue
            (credit_lines | debit).sudo().reconcile()

    def _utility_apply_open_credits(self):
        """Apply each account's unapplied credits (overpayments, credit notes,
        payment entries left open) to its open bills, oldest due first, and
        write what was applied in the account's history."""
        Line = self.env["account.move.line"]
        for account in self:
            credits = Line.search(
                [
                    ("utility_account_id", "=", account.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual", "<", 0),
                ],
                order="date, id",
            )
            if not credits:
                continue
            debits = account._utility_open_receivable_lines()
            if not debits:
                continue
            before = {line.id: line.amount_residual for line in debits}
            account._utility_apply_credit(credits)
            debits.invalidate_recordset(["amount_residual", "reconciled"])
            currency = account.currency_id
            applied = [
                (line, before[line.id] - line.amount_residual)
                for line in debits
                if not currency.is_zero(before[line.id] - line.amount_residual)
            ]
            if not applied:
                continue
            items = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(amount)s applied to %(bill)s (due %(due)s)",
                    amount=formatLang(self.env, amount, currency_obj=currency),
                    bill=line.move_id.display_name,
                    due=format_date(self.env, line.date_maturity or line.date),
                )
                for line, amount in applied
            )
            account.sudo().message_post(
                body=Markup("%s<ul>%s</ul>")
                % (self.env._("Credit applied to open bills, oldest due first:"), items)
            )
