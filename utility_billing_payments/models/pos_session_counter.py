# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: a counter session does not close
while a payment is not applied (``pos.session``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class PosSession(models.Model):
    _inherit = "pos.session"

    utility_unapplied_count = fields.Integer(
        string="Counter Payments Not Applied",
        compute="_compute_utility_unapplied",
        help="Paid receipts of this session whose utility payment is not applied "
        "to the account yet: the session does not close until they are.",
    )
    utility_unapplied_info = fields.Text(
        string="Payments Not Applied", compute="_compute_utility_unapplied"
    )

    @api.model
    def _load_pos_data_models(self, config_id):
        return super()._load_pos_data_models(config_id) + ["utility.account"]

    def _utility_unapplied_orders(self):
        """Paid receipts (not voids) with a utility payment line not applied."""
        lines = (
            self.env["pos.order.line"]
            .sudo()
            .search(
                [
                    ("order_id.session_id", "in", self.ids),
                    ("order_id.state", "in", ("paid", "done", "invoiced")),
                    ("order_id.utility_is_void", "=", False),
                    ("utility_account_id", "!=", False),
                    ("utility_payment_move_id", "=", False),
                ]
            )
        )
        return lines.order_id

    def _compute_utility_unapplied(self):
        orders = self._utility_unapplied_orders() if self.ids else self.env["pos.order"]
        for session in self:
            mine = orders.filtered(lambda o, s=session: o.session_id == s)
            session.utility_unapplied_count = len(mine)
            session.utility_unapplied_info = "\n".join(
                self.env._(
                    "%(receipt)s: %(accounts)s",
                    receipt=order.utility_receipt_number or order.name,
                    accounts=", ".join(
                        order.lines.filtered(
                            lambda ln: (
                                ln.utility_account_id and not ln.utility_payment_move_id
                            )
                        ).utility_account_id.mapped("name")
                    ),
                )
                for order in mine
            )

    def _validate_session(self, *args, **kwargs):
        # Counter payments not applied when their order was saved are applied
        # now; every one that cannot be is listed, and the session stays open.
        for order in self.order_ids.filtered(
            lambda o: o.state == "paid" and not o.utility_receipt_number
        ):
            order._utility_assign_receipt_number()
        errors = []
        for order in self._utility_unapplied_orders().sorted("id"):
            try:
                with self.env.cr.savepoint():
                    order._utility_post_counter_payments_checked()
            except UserError as exc:
                errors.append(exc.args[0])
        if errors:
            raise UserError(
                self.env._(
                    "The session cannot be closed: these counter payments are not "
                    "applied to their accounts. Correct them (a CSR II voids a "
                    "receipt taken in error), then close again.\n%(errors)s",
                    errors="\n".join(errors),
                )
            )
        return super()._validate_session(*args, **kwargs)

    def action_utility_cash_receipts_report(self):
        return self.env.ref(
            "utility_billing_payments.action_report_utility_cash_receipts"
        ).report_action(self)
