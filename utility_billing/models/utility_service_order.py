# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import workflow

ORDER_TYPES = [
    ("investigate", "Investigate High Usage"),
    ("leak_check", "Leak Check"),
    ("meter_test", "Meter Test"),
    ("meter_change", "Meter Change-out"),
    ("reread", "Re-read"),
    ("disconnect", "Disconnect"),
    ("reconnect", "Reconnect"),
    ("move_in_read", "Move-in Read"),
    ("move_out_read", "Move-out Read"),
]
# Order types whose result is a reading of the order's meter, and the type of the
# read it creates. Investigations and leak checks create one only when a reading
# was entered.
READ_TYPE_BY_ORDER = {
    "reread": "actual",
    "investigate": "actual",
    "leak_check": "actual",
    "move_in_read": "initial",
    "move_out_read": "final",
}
READING_REQUIRED = ("reread", "move_in_read", "move_out_read", "meter_change")


class UtilityServiceOrder(models.Model):
    """Field work at a premise: investigate, test, change or read a meter,
    disconnect or reconnect service. The result, entered when the order is done,
    feeds the system: a reading becomes a meter read, a change-out removes the old
    meter and installs the new one, a test is recorded on the meter."""

    _name = "utility.service.order"
    _description = "Utility Service Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, scheduled_date, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        default="/",
    )
    order_type = fields.Selection(
        ORDER_TYPES, string="Type", required=True, tracking=True, index=True
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("scheduled", "Scheduled"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="new",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Urgent")], default="0", tracking=True
    )
    account_id = fields.Many2one(
        "utility.account", index=True, tracking=True, check_company=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    premise_id = fields.Many2one(
        "utility.premise",
        compute="_compute_premise_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        check_company=True,
    )
    route_id = fields.Many2one(
        related="premise_id.route_id", store=True, index=True, string="Route"
    )
    walk_sequence = fields.Integer(
        aggregator=None,
        related="premise_id.sequence",
        store=True,
        string="Walk Sequence",
    )
    meter_id = fields.Many2one(
        "utility.meter",
        compute="_compute_meter_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    scheduled_date = fields.Date(tracking=True, index=True, copy=False)
    description = fields.Text(help="What to do and why.")
    read_id = fields.Many2one(
        "utility.meter.read",
        string="Origin Read",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The flagged read this order follows up.",
    )
    # Results
    result_date = fields.Date(string="Date Done", tracking=True, copy=False)
    result_reading = fields.Float(
        aggregator=None,
        string="Reading",
        digits="Utility Reading",
        copy=False,
        help="Reading found; for a change-out, the final reading of the old meter.",
    )
    reading_entered = fields.Boolean(
        string="Reading Taken",
        compute="_compute_reading_entered",
        store=True,
        readonly=False,
        copy=False,
        help="Ticked when a reading is entered; tick it by hand for a reading of zero.",
    )
    result_read_id = fields.Many2one(
        "utility.meter.read",
        string="Resulting Read",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    new_meter_id = fields.Many2one(
        "utility.meter",
        check_company=True,
        copy=False,
        domain="[('state', '=', 'in_stock')]",
    )
    new_meter_reading = fields.Float(
        aggregator=None,
        string="New Meter Initial Reading",
        digits="Utility Reading",
        copy=False,
    )
    new_meter_read_id = fields.Many2one(
        "utility.meter.read",
        string="New Meter Initial Read",
        readonly=True,
        copy=False,
    )
    test_result = fields.Selection(
        [("pass", "Pass"), ("fail", "Fail")], tracking=True, copy=False
    )
    test_accuracy_low = fields.Float(
        aggregator=None, string="Accuracy Low Flow (%)", copy=False
    )
    test_accuracy_mid = fields.Float(
        aggregator=None, string="Accuracy Mid Flow (%)", copy=False
    )
    test_accuracy_high = fields.Float(
        aggregator=None, string="Accuracy High Flow (%)", copy=False
    )
    result_note = fields.Text(string="Findings", copy=False)
    notice_ids = fields.One2many("utility.notice", "service_order_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("account_id")
    def _compute_premise_id(self):
        for order in self:
            if order.account_id:
                order.premise_id = order.account_id.premise_id

    @api.depends("account_id", "premise_id")
    def _compute_meter_id(self):
        for order in self:
            if order.meter_id and order.meter_id.premise_id == order.premise_id:
                continue
            meters = order.account_id.meter_ids or order.premise_id.meter_ids
            order.meter_id = meters[:1]

    @api.constrains("order_type", "scheduled_date", "result_date", "company_id")
    def _check_disconnect_business_day(self):
        """No disconnection on a Saturday, a Sunday, a holiday or a day the
        office is closed (SB 998): neither scheduled nor done. The days are
        those of the company's business calendar."""
        for order in self.filtered(lambda o: o.order_type == "disconnect"):
            what = self.env._(
                "Disconnect order %(name)s", name=order.name or order._type_label()
            )
            for day in (order.scheduled_date, order.result_date):
                if day:
                    order.company_id._utility_check_business_day(day, what)

    @api.depends("result_reading")
    def _compute_reading_entered(self):
        for order in self:
            order.reading_entered = bool(order.result_reading)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("utility.service.order")
                    or "/"
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_new_or_cancelled(self):
        for order in self:
            if order.state not in ("new", "cancelled"):
                raise UserError(
                    self.env._(
                        "Service order %(name)s is %(state)s: cancel it instead of "
                        "deleting it.",
                        name=order.name,
                        state=order._state_label(),
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_schedule(self):
        for order in self:
            if order.state != "new":
                raise UserError(
                    self.env._(
                        "Service order %(name)s is %(state)s: only a new order can be "
                        "scheduled.",
                        name=order.name,
                        state=order._state_label(),
                    )
                )
            if not order.scheduled_date:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: set the scheduled date first.",
                        name=order.name,
                    )
                )
        self.write({"state": "scheduled"})
        return True

    def action_done(self):
        """Check the results the order type needs, then apply them."""
        for order in self:
            if order.state not in ("new", "scheduled"):
                raise UserError(
                    self.env._(
                        "Service order %(name)s is %(state)s and cannot be completed.",
                        name=order.name,
                        state=order._state_label(),
                    )
                )
            if not order.result_date:
                order.result_date = order.company_id._utility_today()
            missing = order._get_missing_results()
            if missing:
                raise UserError(
                    self.env._(
                        "Service order %(name)s (%(type)s): enter %(missing)s before "
                        "marking it done.",
                        name=order.name,
                        type=order._type_label(),
                        missing=", ".join(missing),
                    )
                )
            order._apply_result()
            order.state = "done"
            order._log_on_account()
        return True

    def action_cancel(self):
        for order in self:
            if order.state == "done":
                raise UserError(
                    self.env._(
                        "Service order %(name)s is done and cannot be cancelled.",
                        name=order.name,
                    )
                )
        self.write({"state": "cancelled"})
        return True

    def action_reset(self):
        """Reopen a cancelled order."""
        for order in self:
            if order.state != "cancelled":
                raise UserError(
                    self.env._(
                        "Service order %(name)s is not cancelled.", name=order.name
                    )
                )
        self.write({"state": "new"})
        return True

    def action_view_notices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_notice_action"
        )
        action["domain"] = [("service_order_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # Results
    # ------------------------------------------------------------

    def _get_missing_results(self):
        """Labels of the results this order still needs before it can be done."""
        self.ensure_one()
        fields_ = self._fields
        missing = []

        def need(field_name):
            missing.append(fields_[field_name]._description_string(self.env))

        order_type = self.order_type
        if order_type in READ_TYPE_BY_ORDER or order_type in (
            "meter_test",
            "meter_change",
        ):
            if not self.meter_id:
                need("meter_id")
        if order_type in READING_REQUIRED and not self.reading_entered:
            need("result_reading")
        if order_type in ("investigate", "leak_check") and not self.result_note:
            need("result_note")
        if order_type == "meter_test" and not self.test_result:
            need("test_result")
        if order_type == "meter_change" and not self.new_meter_id:
            need("new_meter_id")
        if order_type in ("disconnect", "reconnect", "move_in_read", "move_out_read"):
            if not self.account_id:
                need("account_id")
        return missing

    def _apply_result(self):
        """Feed the result into the system, by order type."""
        self.ensure_one()
        if self.order_type == "meter_change":
            self._apply_meter_change()
        elif self.order_type == "meter_test":
            self.meter_id._record_test(
                self.result_date,
                self.test_result,
                low=self.test_accuracy_low,
                mid=self.test_accuracy_mid,
                high=self.test_accuracy_high,
                note=self._result_label(),
            )
        elif self.order_type in READ_TYPE_BY_ORDER and self.reading_entered:
            with workflow("utility.meter.read"):
                self.result_read_id = self.env["utility.meter.read"].create(
                    self._prepare_read_vals()
                )

    def _prepare_read_vals(self):
        """Values of the read a reading result creates."""
        self.ensure_one()
        return {
            "meter_id": self.meter_id.id,
            "account_id": self.account_id.id or False,
            "read_datetime": self.company_id._utility_local_to_utc(self.result_date),
            "reading": self.result_reading,
            "read_type": READ_TYPE_BY_ORDER[self.order_type],
            "source": "service_order",
            "note": self._result_label(),
        }

    def _apply_meter_change(self):
        """Remove the old meter with its final read, install the new one with its
        initial read, and put the new meter on the account's service.

        The old meter's final read is measured from its last read and is billed
        with its period; the new meter is measured from its initial read, so
        nothing is billed twice and nothing is lost.
        """
        self.ensure_one()
        old, new = self.meter_id, self.new_meter_id
        if old.state != "installed":
            raise UserError(
                self.env._(
                    "Service order %(name)s: meter %(serial)s is not installed.",
                    name=self.name,
                    serial=old.serial,
                )
            )
        if new.state != "in_stock":
            raise UserError(
                self.env._(
                    "Service order %(name)s: the new meter %(serial)s is not in stock.",
                    name=self.name,
                    serial=new.serial,
                )
            )
        if new.service_type_id != old.service_type_id:
            raise UserError(
                self.env._(
                    "Service order %(name)s: the new meter %(new)s measures "
                    "%(new_type)s, the old one %(old_type)s.",
                    name=self.name,
                    new=new.serial,
                    new_type=new.service_type_id.name,
                    old_type=old.service_type_id.name,
                )
            )
        premise = old.premise_id
        service = self.env["utility.account.service"].search(
            [
                ("meter_id", "=", old.id),
                ("account_id.state", "in", ("active", "final")),
            ],
            limit=1,
        )
        note = self._result_label()
        self.result_read_id = old._remove(
            self.result_date, self.result_reading, note=note
        )
        self.new_meter_read_id = new._install(
            premise,
            self.result_date,
            self.new_meter_reading,
            account=service.account_id,
            note=note,
        )
        if service:
            service.meter_id = new

    def _log_on_account(self):
        """Record the completed order in the account's chatter."""
        self.ensure_one()
        if not self.account_id:
            return
        body = self.env._(
            "Service order %(order)s (%(type)s) done on %(date)s.",
            order=self._get_html_link(),
            type=self._type_label(),
            date=self.result_date,
        )
        if self.order_type == "meter_change":
            body = self.env._(
                "Service order %(order)s: meter %(old)s (final reading %(final)s) "
                "replaced by meter %(new)s (initial reading %(initial)s) on %(date)s.",
                order=self._get_html_link(),
                old=self.meter_id.serial,
                final=self.result_reading,
                new=self.new_meter_id.serial,
                initial=self.new_meter_reading,
                date=self.result_date,
            )
        elif self.order_type == "disconnect":
            body = self.env._(
                "Service disconnected on %(date)s (service order %(order)s).",
                date=self.result_date,
                order=self._get_html_link(),
            )
        elif self.order_type == "reconnect":
            body = self.env._(
                "Service reconnected on %(date)s (service order %(order)s).",
                date=self.result_date,
                order=self._get_html_link(),
            )
        self.account_id.message_post(body=body)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _create_from_reads(self, reads, order_type):
        """Create an order of ``order_type`` for each read that has none open yet.

        :param reads: flagged reads (utility.meter.read) to follow up
        :param order_type: one of ORDER_TYPES
        :return: {read_id: order} of the orders created or already open
        """
        if not reads:
            return {}
        existing = self.search(
            [
                ("read_id", "in", reads.ids),
                ("order_type", "=", order_type),
                ("state", "!=", "cancelled"),
            ]
        )
        result = {order.read_id.id: order for order in existing}
        vals_list = [
            self._prepare_from_read_vals(read, order_type)
            for read in reads
            if read.id not in result
        ]
        for order in self.create(vals_list):
            result[order.read_id.id] = order
        return result

    @api.model
    def _prepare_from_read_vals(self, read, order_type):
        """Values of the order that follows up the flagged ``read``."""
        return {
            "order_type": order_type,
            "account_id": read.account_id.id or False,
            "premise_id": read.premise_id.id or read.meter_id.premise_id.id,
            "meter_id": read.meter_id.id,
            "read_id": read.id,
            "priority": "1" if order_type == "investigate" else "0",
            "description": self.env._(
                "Read of %(date)s, reading %(reading)s: %(note)s",
                date=read.read_date,
                reading=read.reading,
                note=read.exception_note or "",
            ),
            "company_id": read.company_id.id,
        }

    def _result_label(self):
        self.ensure_one()
        return self.env._(
            "Service order %(name)s (%(type)s)",
            name=self.name,
            type=self._type_label(),
        )

    def _type_label(self):
        self.ensure_one()
        return dict(self._fields["order_type"]._description_selection(self.env)).get(
            self.order_type, ""
        )

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env)).get(
            self.state, ""
        )
