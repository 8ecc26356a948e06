# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: the tender of a receipt
(``pos.payment``), its check number and its return.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.controls import check_protected_create, check_protected_write

PAYMENT_PROTECTED_FIELDS = (
    "utility_returned",
    "utility_returned_date",
    "utility_return_move_ids",
)

PAYMENT_PAID_FIELDS = ("check_number",)


class PosPayment(models.Model):
    _inherit = "pos.payment"

    check_number = fields.Char(copy=False)
    utility_returned = fields.Boolean(
        string="Returned (NSF)", copy=False, readonly=True
    )
    utility_returned_date = fields.Date(string="Returned On", copy=False, readonly=True)
    utility_return_move_ids = fields.Many2many(
        "account.move",
        "pos_payment_utility_return_move_rel",
        "payment_id",
        "move_id",
        string="Returned Check Entries",
        copy=False,
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(self, vals_list, PAYMENT_PROTECTED_FIELDS, "pos.order")
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, PAYMENT_PROTECTED_FIELDS, "pos.order")
        if set(vals) & set(PAYMENT_PAID_FIELDS):
            check_protected_write(
                self.filtered(lambda p: p.pos_order_id.state != "draft"),
                vals,
                PAYMENT_PAID_FIELDS,
                "pos.order",
            )
        return super().write(vals)

    def action_utility_mark_returned(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Returned Check"),
            "res_model": "utility.counter.nsf",
            "view_mode": "form",
            "target": "new",
            "context": {"default_payment_id": self.id},
        }

    @api.constrains("payment_method_id", "amount", "pos_order_id")
    def _check_utility_cash_only(self):
        """A cash-only account is not paid by check (Gov. Code 6157), whatever
        the Point of Sale screen let through."""
        for payment in self:
            if (
                payment.payment_method_id.utility_tender != "check"
                or payment.amount <= 0
            ):
                continue
            cash_only = payment.pos_order_id.sudo().lines.utility_account_id.filtered(
                "cash_only"
            )
            if cash_only:
                raise ValidationError(
                    self.env._(
                        "Order %(order)s: account %(account)s pays by cash, card or "
                        "money order only (returned checks); a check is refused.",
                        order=payment.pos_order_id.name,
                        account=cash_only[0].name,
                    )
                )

    @api.constrains("payment_method_id", "check_number", "amount")
    def _check_utility_check_number(self):
        for payment in self:
            if (
                payment.payment_method_id.utility_tender == "check"
                and payment.pos_order_id.config_id.utility_counter
                and payment.amount > 0
                and not (payment.check_number or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Order %(order)s: enter the check number of the %(amount)s "
                        "check.",
                        order=payment.pos_order_id.name,
                        amount=payment.currency_id.format(payment.amount),
                    )
                )
