# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from odoo.addons.utility_billing.tools.workflow import in_workflow, workflow

from ..tools.controls import check_protected_create, check_protected_write, check_role

# Set by shut-off lists and reconnections only (door "utility.service.order").
DLQ_ORDER_PROTECTED_FIELDS = ("shutoff_line_id", "reconnect_fee_move_id")
# A disconnect order for non-payment changes state through its buttons only:
# marking it done by editing would skip the account's disconnection, and a
# cancelled one brought back would shut off an account that paid.
SHUTOFF_ORDER_PROTECTED_FIELDS = ("state", "account_id", "order_type")


class UtilityServiceOrder(models.Model):
    _inherit = "utility.service.order"

    shutoff_line_id = fields.Many2one(
        "utility.shutoff.list.line",
        string="Shut-off List Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    reconnect_fee_move_id = fields.Many2one(
        "account.move", string="Reconnection Fee", readonly=True, copy=False
    )

    @api.constrains("scheduled_date", "result_date", "shutoff_line_id")
    def _check_shutoff_date(self):
        """A disconnect for non-payment is never dated before the shut-off date
        the account's notices printed."""
        for order in self:
            if not order.shutoff_line_id or order.state not in ("new", "scheduled"):
                continue
            shutoff_date = order.account_id.sudo().dlq_shutoff_date
            for day in (order.scheduled_date, order.result_date):
                if day and shutoff_date and day < shutoff_date:
                    raise ValidationError(
                        self.env._(
                            "Disconnect order %(order)s cannot be dated %(date)s: "
                            "the notices sent to account %(account)s announce the "
                            "shut-off on or after %(shutoff)s.",
                            order=order.name,
                            date=format_date(self.env, day),
                            account=order.account_id.name,
                            shutoff=format_date(self.env, shutoff_date),
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self, vals_list, DLQ_ORDER_PROTECTED_FIELDS, "utility.service.order"
        )
        for vals in vals_list:
            if (
                vals.get("order_type") == "disconnect"
                and vals.get("account_id")
                and not vals.get("shutoff_line_id")
            ):
                self.env["utility.account"].browse(
                    vals["account_id"]
                )._dlq_check_no_hand_disconnect()
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self, vals, DLQ_ORDER_PROTECTED_FIELDS, "utility.service.order"
        )
        check_protected_write(
            self.filtered("shutoff_line_id"),
            vals,
            SHUTOFF_ORDER_PROTECTED_FIELDS,
            "utility.service.order",
        )
        return super().write(vals)

    # The buttons are the door of the state of disconnect orders.
    def action_schedule(self):
        with workflow("utility.service.order"):
            return super().action_schedule()

    def action_done(self):
        for order in self.filtered(
            lambda o: o.order_type == "disconnect" and o.state in ("new", "scheduled")
        ):
            order._dlq_check_at_the_truck()
        with workflow("utility.service.order"):
            return super().action_done()

    def _dlq_check_at_the_truck(self):
        """Safeguards at the truck (SB 998): a disconnect for non-payment comes
        from a confirmed shut-off list, is completed by a CSR II or above, and
        every safeguard is checked again at that moment (payment, appeal,
        medical certification with inability to pay and willingness, payment
        plan kept, notice). A disconnect order not from a list may not shut off
        an account that owes a past due amount."""
        self.ensure_one()
        account = self.account_id
        if not account:
            return
        if not self.shutoff_line_id:
            account._dlq_check_no_hand_disconnect()
            return
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Disconnect order %(order)s is a shut-off for non-payment: only a "
                "Customer Service Representative II or above completes it.",
                order=self.name,
            ),
        )
        shutoff = self.shutoff_line_id.list_id
        if shutoff.state != "confirmed":
            raise UserError(
                self.env._(
                    "Disconnect order %(order)s: its shut-off list %(list)s is not "
                    "confirmed.",
                    order=self.name,
                    list=shutoff.name,
                )
            )
        account = account.sudo()
        day = self.result_date or self.company_id._utility_today()
        if account._dlq_under_minimum(day):
            reasons = [self.env._("The past due amount is paid.")]
        else:
            reasons = [label for _code, label in account._dlq_block_reasons(day)]
        if reasons:
            raise UserError(
                self.env._(
                    "Disconnect order %(order)s (account %(account)s) cannot be "
                    "completed on %(date)s:\n%(reasons)s",
                    order=self.name,
                    account=account.name,
                    date=day,
                    reasons="\n".join(reasons),
                )
            )

    def action_reset(self):
        shutoff = self.filtered("shutoff_line_id")
        if shutoff:
            raise UserError(
                self.env._(
                    "Disconnect order %(order)s of a shut-off list stays cancelled: "
                    "the account goes on a new shut-off list if it is still "
                    "delinquent.",
                    order=shutoff[0].name,
                )
            )
        return super().action_reset()

    def _apply_result(self):
        res = super()._apply_result()
        # The order's result, done by its own workflow: the account and the
        # shut-off list follow.
        with workflow("utility.account", "utility.shutoff.list"):
            if self.order_type == "disconnect" and self.account_id:
                self.account_id.write({"disconnected": True, "shutoff_pending": False})
                if self.shutoff_line_id:
                    self.shutoff_line_id.state = "disconnected"
            elif self.order_type == "reconnect" and self.account_id:
                self.account_id.disconnected = False
        return res

    def action_cancel(self):
        # A disconnect for non-payment is called off by a payment, a payment
        # plan or the shut-off list (their door is open), or by a CSR II.
        if (
            self.filtered("shutoff_line_id")
            and not in_workflow("utility.shutoff.list")
            and not self.env.su
            and not self.env.user.has_group("utility_billing.group_csr_2")
        ):
            raise UserError(
                self.env._(
                    "Only a CSR II calls off a disconnect order of a shut-off list; "
                    "a payment or a payment plan takes the account off the list."
                )
            )
        with workflow("utility.service.order"):
            res = super().action_cancel()
        lines = self.filtered(
            lambda o: o.order_type == "disconnect" and o.shutoff_line_id
        ).shutoff_line_id.filtered(lambda ln: ln.state == "eligible")
        with workflow("utility.account"):
            for line in lines:
                line.account_id.shutoff_pending = False
        return res

    def _dlq_is_nonpayment_disconnect(self):
        self.ensure_one()
        return bool(self.order_type == "disconnect" and self.shutoff_line_id)

    def _dlq_done_in_year(self, year, company):
        """Disconnect orders for non-payment done in ``year`` on residential
        accounts (the SB 998 annual count)."""
        return self.search(
            [
                ("company_id", "=", company.id),
                ("order_type", "=", "disconnect"),
                ("shutoff_line_id", "!=", False),
                ("state", "=", "done"),
                ("result_date", ">=", fields.Date.to_date(f"{year}-01-01")),
                ("result_date", "<=", fields.Date.to_date(f"{year}-12-31")),
            ]
        )
