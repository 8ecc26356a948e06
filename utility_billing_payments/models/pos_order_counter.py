# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: the receipt (``pos.order``), its
number, the payment entries it posts to the utility accounts and its void.
"""

import logging

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from odoo.addons.utility_billing.tools import numbering
from odoo.addons.utility_billing.tools.workflow import in_workflow, workflow

from ..tools.controls import check_protected_create, check_protected_write

_logger = logging.getLogger(__name__)

# Door "pos.order": the counter's receipt numbering, the void of a receipt and
# the payment entries are written by their workflows only. The Point of Sale
# sends every field of an order back: only a change is refused.
ORDER_PROTECTED_FIELDS = (
    "utility_receipt_number",
    "utility_void_order_id",
    "utility_void_reason",
    "utility_void_user_id",
    "utility_is_void",
    "utility_payment_move_ids",
)


class PosOrder(models.Model):
    _inherit = "pos.order"

    utility_receipt_number = fields.Char(
        string="Counter Receipt Number",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Number from the counter's gapless receipt sequence.",
    )
    utility_payment_move_ids = fields.One2many(
        "account.move",
        "utility_pos_order_id",
        string="Utility Payment Entries",
        readonly=True,
    )
    utility_void_order_id = fields.Many2one(
        "pos.order",
        string="Voided By Receipt",
        copy=False,
        readonly=True,
        help="The reversing order that voided this receipt.",
    )
    utility_void_reason = fields.Char(copy=False, readonly=True)
    utility_void_user_id = fields.Many2one(
        "res.users", string="Voided By", copy=False, readonly=True
    )
    utility_is_void = fields.Boolean(
        string="Void Receipt",
        copy=False,
        readonly=True,
        help="This order reverses a voided counter receipt.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(self, vals_list, ORDER_PROTECTED_FIELDS, "pos.order")
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, ORDER_PROTECTED_FIELDS, "pos.order")
        return super().write(vals)

    @api.model
    def _process_order(self, order, existing_order):
        # A utility payment is given back only through a void (CSR II), never
        # by a refund rung up at the counter.
        refunded_ids = []
        for command in order.get("lines") or []:
            if command[0] not in (0, 1) or not isinstance(command[2], dict):
                continue
            vals = command[2]
            if vals.get("refunded_orderline_id"):
                refunded_ids.append(vals["refunded_orderline_id"])
            if vals.get("utility_account_id") and (
                (vals.get("qty") or 0) * (vals.get("price_unit") or 0) < 0
            ):
                self._utility_raise_no_refund()
        if refunded_ids and self.env["pos.order.line"].sudo().browse(
            refunded_ids
        ).exists().filtered("utility_account_id"):
            self._utility_raise_no_refund()
        return super()._process_order(order, existing_order)

    @api.model
    def _utility_raise_no_refund(self):
        raise UserError(
            self.env._(
                "A utility payment cannot be refunded at the counter: a CSR II "
                "voids the receipt from Point of Sale > Orders."
            )
        )

    def _refund(self):
        # Core's refund (the Return Products button, pos.order.refund() over
        # RPC, the POS): never for a receipt that pays utility accounts, except
        # from the void of the receipt (its door).
        if not in_workflow("pos.order") and self.sudo().lines.filtered(
            "utility_account_id"
        ):
            self._utility_raise_no_refund()
        return super()._refund()

    def action_pos_order_paid(self):
        res = super().action_pos_order_paid()
        for order in self.filtered(lambda o: o.state == "paid"):
            order._utility_assign_receipt_number()
            if not order.utility_is_void:
                # Applied now or refused now, leaving nothing half done.
                with self.env.cr.savepoint():
                    order._utility_post_counter_payments_checked()
        return res

    def _process_saved_order(self, draft):
        # Core logs an error of action_pos_order_paid and saves the order
        # anyway. A utility payment that cannot be applied is refused instead:
        # the POS shows the cashier why and keeps the order to sync; nothing is
        # saved (the session would otherwise hold cash no account received).
        order_id = super()._process_saved_order(draft)
        if (
            not draft
            and self.state == "paid"
            and not self.utility_is_void
            and self.lines.filtered(
                lambda ln: ln.utility_account_id and not ln.utility_payment_move_id
            )
        ):
            self._utility_post_counter_payments_checked()
        return order_id

    def _utility_post_counter_payments_checked(self):
        """``_utility_post_counter_payments``; whatever goes wrong (an account
        of another company, an account not set up, any error applying the
        payment) is a UserError naming the receipt and the reason. Database
        errors (a concurrent update) pass as they are: the request is retried."""
        self.ensure_one()
        try:
            return self._utility_post_counter_payments()
        except psycopg2.Error:
            raise
        except Exception as exc:  # pylint: disable=broad-except
            _logger.info("Counter payments of %s refused: %s", self.name, exc)
            raise UserError(
                self.env._(
                    "Receipt %(receipt)s: the utility payment could not be applied to "
                    "the account, so the receipt is not recorded: %(error)s",
                    receipt=self.utility_receipt_number or self.name,
                    error=exc.args[0] if exc.args else repr(exc),
                )
            ) from exc

    def action_utility_void(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Void Receipt"),
            "res_model": "utility.counter.void",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _utility_assign_receipt_number(self):
        self.ensure_one()
        config = self.config_id
        if self.utility_receipt_number or not config.utility_counter:
            return
        config._utility_ensure_receipt_sequence()
        with workflow("pos.order"):
            self.utility_receipt_number = (
                config.utility_receipt_sequence_id.sudo().next_by_id()
            )

    def _utility_post_counter_payments(self):
        """One posted entry per utility payment line not applied yet:
        debit the counter clearing account, credit the customer's receivable,
        then apply the credit to the account's bills, oldest first."""
        self.ensure_one()
        lines = self.lines.filtered(
            lambda ln: ln.utility_account_id and not ln.utility_payment_move_id
        )
        if not lines:
            return self.env["account.move"]
        company = self.company_id.sudo()
        # The accounts paid are the counter's company's and the cashier's to
        # see (record rules) before the payment is applied as superuser.
        foreign = lines.utility_account_id.sudo().filtered(
            lambda a: a.company_id != company
        )
        if foreign:
            raise ValidationError(
                self.env._(
                    "Order %(order)s: account %(account)s belongs to another company.",
                    order=self.name,
                    account=foreign[0].name,
                )
            )
        lines.utility_account_id.check_access("read")
        if not (
            company.utility_counter_clearing_account_id
            and company.utility_counter_journal_id
        ):
            company._utility_counter_setup()
        clearing = company.utility_counter_clearing_account_id
        journal = company.utility_counter_journal_id
        Move = self.env["account.move"].sudo().with_company(company)
        moves = Move.browse()
        date = fields.Date.context_today(self, self.date_order)
        for line in lines:
            account = line.utility_account_id.sudo()
            amount = line.currency_id.round(line.price_subtotal_incl)
            if (
                float_compare(amount, 0.0, precision_rounding=line.currency_id.rounding)
                <= 0
            ):
                raise ValidationError(
                    self.env._(
                        "Order %(order)s: the payment of account %(account)s must be "
                        "a positive amount.",
                        order=self.name,
                        account=account.name,
                    )
                )
            receivable = account._utility_receivable_account()
            label = self.env._(
                "Counter payment %(receipt)s, account %(account)s",
                receipt=self.utility_receipt_number or self.name,
                account=account.name,
            )
            move = Move.create(
                {
                    "move_type": "entry",
                    "name": self._utility_counter_entry_name(journal, date),
                    "journal_id": journal.id,
                    "date": date,
                    "ref": label,
                    "utility_account_id": account.id,
                    "utility_payment_source": "counter",
                    "utility_pos_order_id": self.id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": clearing.id,
                                "debit": amount,
                                "credit": 0.0,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": receivable.id,
                                "partner_id": account.partner_id.id,
                                "debit": 0.0,
                                "credit": amount,
                            }
                        ),
                    ],
                }
            )
            move._post(soft=False)
            account._utility_apply_credit(move.line_ids)
            account.invalidate_recordset(["balance"])
            line.sudo().write(
                {
                    "utility_payment_move_id": move.id,
                    "utility_balance_after": account.balance,
                }
            )
            moves |= move
        return moves

    def _utility_counter_entry_name(self, journal, date):
        """The name of a counter payment entry (or its reversal) dated ``date``:
        from the counter journal's own sequence, as bills and ACH payments are
        numbered (``utility_billing/tools/numbering.py``). Odoo would name the
        first entry of a month while it is a draft, and two counters recording
        their first payment of the month at the same moment would both take
        ``UCP/.../0001``: the second one refused."""
        sequence = self._utility_counter_entry_sequence(journal)
        return numbering.next_name(sequence, journal, date)

    @api.model
    def _utility_counter_entry_sequence(self, journal):
        """The counter journal's sequence of payment entries, created with the
        journal (``res.company._utility_counter_setup``) or on first use."""
        return numbering.journal_sequence(
            journal,
            f"utility.counter.payment.{journal.id}",
            self.env._("Counter payments: %(journal)s", journal=journal.name),
            f"{journal.code}/%(year)s/",
        )

    def _utility_undo_counter_payments(self, label):
        """Unapply and reverse this order's payment entries: the bills reopen.
        Returns the reversals."""
        self.ensure_one()
        reversals = self.env["account.move"]
        for move in self.sudo().utility_payment_move_ids.filtered(
            lambda m: (
                m.state == "posted"
                and not m.reversal_move_ids
                and not m.reversed_entry_id
            )
        ):
            receivable = move.line_ids.filtered(
                lambda ln: ln.account_id.account_type == "asset_receivable"
            )
            receivable.remove_move_reconcile()
            reversal = move._reverse_moves(
                [
                    {
                        "name": self._utility_counter_entry_name(
                            move.journal_id, fields.Date.context_today(self)
                        ),
                        "ref": label,
                        "date": fields.Date.context_today(self),
                        "utility_account_id": move.utility_account_id.id,
                        "utility_payment_source": "counter",
                        "utility_pos_order_id": self.id,
                    }
                ]
            )
            reversal._post(soft=False)
            to_match = (receivable | reversal.line_ids).filtered(
                lambda ln: (
                    ln.account_id.account_type == "asset_receivable"
                    and not ln.reconciled
                )
            )
            if len(to_match) > 1:
                to_match.reconcile()
            reversals |= reversal
            # Other credits of the account now pay the reopened bills.
            move.utility_account_id._utility_apply_open_credits()
        return reversals
