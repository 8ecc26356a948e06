# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Service accounts: customer deposits (billed, applied to the final bill,
released) and the settlement of a final account (credit refund, closing)."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from ..tools import numbering
from ..tools.workflow import workflow
from .account_move import BOOKS_DOOR
from .utility_account import ACCOUNT_DOOR


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    # ------------------------------------------------------------
    # Customer deposits
    # ------------------------------------------------------------

    def _utility_bill_deposit(self, amount=None, day=None):
        """Bill the customer deposit of this account: an invoice of its own,
        on the customer deposits (liability) account, due like a bill. Paid
        through any door (counter, ACH, Record Payment, Register Payment), it
        becomes the deposit held.

        Called by Start Service (and the demo) once the role is checked: the
        invoice is created and posted as superuser (CSRs read accounting only).

        :param amount: the deposit (the deposit required by default)
        :param day: the invoice date (the start of service by default)
        :return: the posted deposit invoice, or an empty recordset
        """
        self.ensure_one()
        currency = self.currency_id
        amount = currency.round(self.deposit_required if amount is None else amount)
        if currency.compare_amounts(amount, 0.0) <= 0:
            return self.env["account.move"]
        company = self.company_id
        day = fields.Date.to_date(day) or self.start_date or company._utility_today()
        journal = company._get_utility_journal()
        if not journal:
            raise UserError(
                self.env._(
                    "Account %(account)s: the company has no sales journal to bill "
                    "the deposit in.",
                    account=self.name,
                )
            )
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": day,
            "date": day,
            "invoice_date_due": day
            + relativedelta(days=self.billing_cycle_id.due_days or 0),
            "currency_id": currency.id,
            "company_id": company.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": self.id,
            "utility_deposit_kind": "bill",
            "payment_reference": self.name,
            "ref": self.env._(
                "Customer deposit, account %(account)s", account=self.name
            ),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": company._get_utility_deposit_product().id,
                        # In the account's language, as the bills' lines.
                        "name": self.with_context(
                            lang=self._utility_label_lang()
                        ).env._("Customer deposit"),
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": company._get_utility_deposit_account().id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        # Numbered from the bills' sequence, as a debit note is, so that it
        # never takes a number a later bill will get.
        sequence = journal.utility_bill_sequence_id
        if sequence:
            vals["name"] = numbering.next_name(sequence.sudo(), journal, day)
        with workflow(BOOKS_DOOR):
            move = (
                self.env["account.move"]
                .sudo()
                .with_context(default_move_type="out_invoice")
                .create(vals)
            )
            move._post(soft=False)
        self.sudo().message_post(
            body=self.env._(
                "Deposit of %(amount)s billed: %(invoice)s.",
                amount=currency.format(amount),
                invoice=move.name,
            )
        )
        return move

    def _utility_deposit_liability_account(self):
        """The account the deposits of this account were billed to (the
        company's customer deposits account when none was)."""
        self.ensure_one()
        billed = self.deposit_move_ids.filtered(
            lambda m: m.utility_deposit_kind in ("bill", "held") and m.state == "posted"
        )
        # The deposit's credit: a deposit invoice's product item, the credit
        # item of a deposit held at conversion (an entry: its debit is on the
        # conversion clearing account).
        lines = billed.line_ids.filtered(
            lambda ln: ln.display_type == "product" and ln.balance < 0
        )
        return lines.account_id[-1:] or self.company_id._get_utility_deposit_account()

    def _utility_deposit_note(self, kind, amount, day, journal, label, reverses=None):
        """A posted credit note of ``amount`` on the deposits account, of
        deposit ``kind`` (``apply`` or ``release``)."""
        self.ensure_one()
        vals = {
            "move_type": "out_refund",
            "partner_id": self.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": day,
            "date": day,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": self.id,
            "utility_deposit_kind": kind,
            "ref": label,
            "payment_reference": self.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": self.company_id._get_utility_deposit_product().id,
                        "name": label,
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": self._utility_deposit_liability_account().id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if reverses:
            vals["reversed_entry_id"] = reverses.id
        with workflow(BOOKS_DOOR):
            note = (
                self.env["account.move"]
                .sudo()
                .with_context(default_move_type="out_refund")
                .create(vals)
            )
            note._post(soft=False)
        return note

    @staticmethod
    def _utility_reconcile_receivables(moves):
        lines = moves.line_ids.filtered(
            lambda ln: (
                ln.account_id.account_type == "asset_receivable" and not ln.reconciled
            )
        )
        if lines.filtered(lambda ln: ln.balance > 0) and lines.filtered(
            lambda ln: ln.balance < 0
        ):
            lines.sudo().reconcile()

    def _utility_release_unpaid_deposit(self, final_bill):
        """Cancel what is unpaid on the deposits billed to this account (the
        customer leaves: no deposit is owed any more) with a credit note on
        the deposits account, reconciled with the deposit invoice."""
        self.ensure_one()
        notes = self.env["account.move"]
        billed = self.deposit_move_ids.filtered(
            lambda m: (
                m.utility_deposit_kind == "bill"
                and m.state == "posted"
                and not self.currency_id.is_zero(m.amount_residual)
            )
        )
        for invoice in billed:
            note = self._utility_deposit_note(
                "release",
                invoice.amount_residual,
                final_bill.invoice_date,
                final_bill.journal_id,
                self.env._(
                    "Unpaid deposit %(invoice)s cancelled at final bill %(bill)s",
                    invoice=invoice.name,
                    bill=final_bill.name,
                ),
                reverses=invoice,
            )
            self._utility_reconcile_receivables(note | invoice)
            notes |= note
        return notes

    def _apply_deposit_to_final_bill(self, final_bill):
        """Credit the deposit held against the final bill (a credit note on the
        deposits account); what it leaves is applied to the account's other
        open bills, and what is then left is a credit to refund or transfer (a
        credit refund request is drafted). Unpaid deposits are cancelled.
        Closes the account when nothing is owed."""
        self.ensure_one()
        self._utility_release_unpaid_deposit(final_bill)
        self.env.flush_all()
        self.invalidate_recordset(["deposit_held", "deposit_unpaid"])
        held = self.deposit_held
        if self.currency_id.compare_amounts(held, 0.0) <= 0:
            self._close_if_settled()
            return self.env["account.move"]
        credit = self._utility_deposit_note(
            "apply",
            held,
            final_bill.invoice_date,
            final_bill.journal_id,
            self.env._("Deposit applied to final bill %(bill)s", bill=final_bill.name),
        )
        self._utility_reconcile_receivables(credit | final_bill)
        self.sudo()._utility_apply_open_credits()
        self.message_post(
            body=self.env._(
                "Deposit of %(amount)s applied to final bill %(bill)s.",
                amount=credit.currency_id.format(credit.amount_total),
                bill=final_bill.name,
            )
        )
        self._close_if_settled()
        self._utility_draft_credit_refund()
        return credit

    def _utility_draft_credit_refund(self):
        """A final account left with a credit (its deposit was more than it
        owed): draft the request to refund it, or to transfer it to the
        customer's other account, for a CSR II to submit."""
        Refund = self.env["utility.deposit.refund"].sudo()
        for account in self.filtered(lambda a: a.state == "final"):
            account.invalidate_recordset(["balance"])
            if account.currency_id.compare_amounts(account.balance, 0.0) >= 0:
                continue
            if Refund.search_count(
                [
                    ("account_id", "=", account.id),
                    ("state", "in", ("draft", "to_approve")),
                ]
            ):
                continue
            request = Refund._utility_draft_for(account)
            account.message_post(
                body=self.env._(
                    "Credit of %(amount)s left after the final bill: refund request "
                    "%(request)s drafted.",
                    amount=account.currency_id.format(-account.balance),
                    request=request.name,
                )
            )

    def action_request_credit_refund(self):
        """Open the refund (or transfer) request of this account's credit."""
        self.ensure_one()
        request = self.deposit_refund_ids.filtered(
            lambda r: r.state in ("draft", "to_approve")
        )[:1]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refund Credit"),
            "res_model": "utility.deposit.refund",
            "view_mode": "form",
            "res_id": request.id,
            "target": "current",
            "context": {
                "default_account_id": self.id,
                "default_company_id": self.company_id.id,
                "default_amount": max(-self.balance, 0.0),
            },
        }

    def _close_if_settled(self):
        """Final accounts with nothing owed and no credit left are closed."""
        self.invalidate_recordset(["balance"])
        for account in self.filtered(lambda a: a.state == "final"):
            if float_is_zero(
                account.balance, precision_rounding=account.currency_id.rounding
            ):
                with workflow(ACCOUNT_DOOR):
                    account.state = "closed"
                account.message_post(
                    body=self.env._("Balance is zero: account closed.")
                )
