# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import check_company


class UtilityCounterVoid(models.TransientModel):
    """Void a counter receipt of the open session: a CSR II or manager other
    than the cashier gives the money back; the payments are reversed and the
    bills reopen."""

    _name = "utility.counter.void"
    _description = "Void a Counter Receipt"

    order_id = fields.Many2one("pos.order", required=True, readonly=True)
    reason = fields.Char(required=True)

    def action_void(self):
        self.ensure_one()
        order = self.order_id
        user = self.env.user
        if not user.has_group("utility_billing.group_csr_2"):
            raise UserError(
                self.env._("Only a CSR II or a manager can void a counter receipt.")
            )
        # The receipt the user named: theirs to see, in their companies.
        check_company(order)
        if order.user_id == user:
            raise UserError(
                self.env._(
                    "Receipt %(receipt)s was taken by you: a second person (CSR II "
                    "or manager) must void it.",
                    receipt=order.utility_receipt_number or order.name,
                )
            )
        if order.session_id.state != "opened":
            raise UserError(
                self.env._(
                    "Receipt %(receipt)s belongs to a closed session: it can no "
                    "longer be voided. A returned check or a refund is handled by "
                    "an adjustment.",
                    receipt=order.utility_receipt_number or order.name,
                )
            )
        if order.utility_void_order_id or order.utility_is_void:
            raise UserError(
                self.env._(
                    "Receipt %(receipt)s is already voided.",
                    receipt=order.utility_receipt_number or order.name,
                )
            )
        if order.state not in ("paid", "done"):
            raise UserError(self.env._("Only a paid receipt can be voided."))
        order = order.sudo()
        with workflow("pos.order"):
            refund = order._refund()
        refund.write({"utility_is_void": True})
        for payment in order.payment_ids:
            refund.add_payment(
                {
                    "pos_order_id": refund.id,
                    "amount": -payment.amount,
                    "payment_method_id": payment.payment_method_id.id,
                    "check_number": payment.check_number,
                    "name": self.env._("Void"),
                }
            )
        refund.action_pos_order_paid()
        label = self.env._(
            "Void of receipt %(receipt)s: %(reason)s",
            receipt=order.utility_receipt_number or order.name,
            reason=self.reason,
        )
        order._utility_undo_counter_payments(label)
        order.write(
            {
                "utility_void_order_id": refund.id,
                "utility_void_reason": self.reason,
                "utility_void_user_id": user.id,
            }
        )
        for account in order.lines.utility_account_id:
            account.message_post(body=label)
        return {
            "type": "ir.actions.act_window",
            "res_model": "pos.order",
            "res_id": order.id,
            "view_mode": "form",
        }
