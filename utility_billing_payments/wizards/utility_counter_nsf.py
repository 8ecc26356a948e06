# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from ..tools.controls import check_company


class UtilityCounterNsf(models.TransientModel):
    """Mark a counter check returned unpaid by the bank (NSF): the payment is
    taken back from the accounts it paid, their bills reopen, the returned
    check fee is charged and, after repeated returns, the account is set to
    cash only."""

    _name = "utility.counter.nsf"
    _description = "Returned Check"

    payment_id = fields.Many2one("pos.payment", required=True, readonly=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Char(
        required=True, default=lambda self: self.env._("Insufficient funds (NSF)")
    )
    charge_fee = fields.Boolean(string="Charge the Returned Check Fee", default=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("utility_billing.group_csr_2"):
            raise UserError(
                self.env._("Only a CSR II or a manager can mark a check returned.")
            )
        # The payment the user named: theirs to see and of a company they work
        # in, checked before anything is done as superuser.
        check_company(self.payment_id)
        payment = self.payment_id.sudo()
        order = payment.pos_order_id
        if payment.payment_method_id.utility_tender != "check":
            raise UserError(
                self.env._(
                    "Payment of %(amount)s on %(order)s is not a check.",
                    amount=payment.currency_id.format(payment.amount),
                    order=order.name,
                )
            )
        if payment.utility_returned:
            raise UserError(
                self.env._(
                    "Check %(number)s is already marked returned.",
                    number=payment.check_number,
                )
            )
        if payment.amount <= 0 or order.utility_is_void:
            raise UserError(self.env._("Only a check received can be returned."))
        if order.state not in ("paid", "done"):
            raise UserError(
                self.env._("Order %(order)s is not paid.", order=order.name)
            )
        # Counter payments not applied yet are applied first, so there is
        # something to take back.
        order._utility_post_counter_payments()
        company = order.company_id
        currency = payment.currency_id
        outstanding = self._outstanding_account(payment)
        label = self.env._(
            "Returned check %(number)s (%(reason)s), receipt %(receipt)s",
            number=payment.check_number,
            reason=self.reason,
            receipt=order.utility_receipt_number or order.name,
        )
        remaining = payment.amount
        moves = self.env["account.move"].sudo()
        accounts = self.env["utility.account"].sudo()
        Move = self.env["account.move"].sudo().with_company(company)
        for line in order.lines.filtered("utility_payment_move_id"):
            if float_is_zero(remaining, precision_rounding=currency.rounding):
                break
            amount = min(remaining, line.price_subtotal_incl)
            remaining = currency.round(remaining - amount)
            account = line.utility_account_id
            pay_move = line.utility_payment_move_id
            receivable = pay_move.line_ids.filtered(
                lambda ln: ln.account_id.account_type == "asset_receivable"
            )
            move = Move.create(
                {
                    "move_type": "entry",
                    "journal_id": company.utility_counter_journal_id.id,
                    "date": self.date,
                    "ref": label,
                    "utility_account_id": account.id,
                    "utility_payment_source": "counter",
                    "utility_pos_order_id": order.id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": receivable.account_id.id,
                                "partner_id": account.partner_id.id,
                                "debit": amount,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": outstanding.id,
                                "credit": amount,
                            }
                        ),
                    ],
                }
            )
            move._post(soft=False)
            # The payment no longer pays the bills: it pays the returned check.
            receivable.remove_move_reconcile()
            nsf_debit = move.line_ids.filtered(
                lambda ln, acc=receivable.account_id: ln.account_id == acc
            )
            (receivable | nsf_debit).reconcile()
            # What the payment still covers (check for part of it) and the
            # account's other credits go back to the bills.
            account._utility_apply_open_credits()
            moves |= move
            accounts |= account
        if not float_is_zero(remaining, precision_rounding=currency.rounding):
            # The check also paid citations or fees: the payer owes them again.
            partner = order.partner_id or accounts[:1].partner_id
            if not partner:
                raise UserError(
                    self.env._(
                        "Order %(order)s has no customer to charge the returned "
                        "amount of %(amount)s to.",
                        order=order.name,
                        amount=currency.format(remaining),
                    )
                )
            move = Move.create(
                {
                    "move_type": "entry",
                    "journal_id": company.utility_counter_journal_id.id,
                    "date": self.date,
                    "ref": label,
                    "utility_payment_source": "counter",
                    "utility_pos_order_id": order.id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": partner.with_company(
                                    company
                                ).property_account_receivable_id.id,
                                "partner_id": partner.id,
                                "debit": remaining,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": outstanding.id,
                                "credit": remaining,
                            }
                        ),
                    ],
                }
            )
            move._post(soft=False)
            moves |= move
        fee_account = accounts[:1]
        if self.charge_fee and fee_account:
            moves |= self._charge_fee(fee_account, label)
        for account in accounts:
            account.returned_check_count += 1
            account.message_post(body=label)
            limit = company.utility_nsf_cash_only_count
            if (
                limit
                and account.returned_check_count >= limit
                and not account.cash_only
            ):
                account.cash_only = True
                account.message_post(
                    body=self.env._(
                        "%(count)s returned checks: the account pays by cash, card "
                        "or money order only.",
                        count=account.returned_check_count,
                    )
                )
        payment.write(
            {
                "utility_returned": True,
                "utility_returned_date": self.date,
                "utility_return_move_ids": [Command.link(m.id) for m in moves],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "name": self.env._("Returned Check Entries"),
        }

    def _outstanding_account(self, payment):
        """Where the bank takes the check back from: the check journal's
        outstanding receipts account (matched with the bank statement's
        returned item)."""
        method = payment.payment_method_id
        journal = method.journal_id
        line = journal.inbound_payment_method_line_ids.filtered("payment_account_id")[
            :1
        ]
        account = (
            method.outstanding_account_id
            or line.payment_account_id
            or journal.default_account_id
        )
        if not account:
            raise UserError(
                self.env._(
                    "Journal %(journal)s has no outstanding receipts account.",
                    journal=journal.name,
                )
            )
        return account

    def _charge_fee(self, account, label):
        company = account.company_id
        product = company.utility_nsf_fee_product_id or self.env.ref(
            "utility_billing_payments.product_returned_check_fee"
        )
        journal = self.env["account.journal"].search(
            [
                ("company_id", "=", company.id),
                ("type", "=", "sale"),
                ("id", "!=", company.utility_journal_id.id),
            ],
            limit=1,
        )
        # One schedule for returned checks and returned autopay debits.
        amount = account._utility_returned_payment_fee()
        invoice = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": account.partner_id.id,
                    "invoice_date": self.date,
                    "invoice_date_due": self.date,
                    "utility_account_id": account.id,
                    "ref": label,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": label,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        invoice._post(soft=False)
        # Credits the account holds pay the fee like any bill.
        account._utility_apply_open_credits()
        return invoice
