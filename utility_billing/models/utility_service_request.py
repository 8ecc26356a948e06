# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service requests: what a customer asks for on the portal (start or
stop service, a leak, a high bill, an SB 998 review; a payment plan in
utility_billing_payments), the queue a CSR works, and the e-mail that tells
the customer each step (received, in progress, done, refused).

The state, the records the request produced and the submission's trace are
the workflow's (door ``utility.service.request``): ``action_take``,
``action_process``, ``action_refuse`` and the start/stop wizards, each after
its own rights check. What Process does for each type is in
utility_service_request_process.py, what the portal accepts in
utility_service_request_portal.py.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workflow import check_protected, is_trusted, workflow

REQUEST_DOOR = "utility.service.request"
REQUEST_TYPES = [
    ("start", "Start Service"),
    ("stop", "Stop Service"),
    ("leak", "Leak"),
    ("high_bill", "High Bill"),
    ("sb998_review", "SB 998 Review"),
]
REQUEST_STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("refused", "Refused"),
]
OPEN_STATES = ("new", "in_progress")
# Set by the workflow only (the door above).
REQUEST_WORKFLOW_FIELDS = (
    "state",
    "service_order_id",
    "sb998_case_id",
    "new_account_id",
    "done_date",
    "refuse_reason",
    "channel",
    "submitted_at",
    "submitted_ip",
)
# What the request is about: set when it is made, never changed.
REQUEST_KEY_FIELDS = ("request_type", "utility_account_id", "partner_id", "company_id")
# What the customer asked, frozen once the request is done or refused.
REQUEST_CONTENT_FIELDS = (
    "requested_date",
    "new_street",
    "new_street2",
    "new_city",
    "new_state_id",
    "new_zip",
    "forwarding_street",
    "forwarding_street2",
    "forwarding_city",
    "forwarding_state_id",
    "forwarding_zip",
    "contact_phone",
    "description",
    "bill_id",
    "urgent",
)
MAIL_TEMPLATES = {
    "received": "utility_billing.mail_template_service_request_received",
    "in_progress": "utility_billing.mail_template_service_request_in_progress",
    "done": "utility_billing.mail_template_service_request_done",
    "refused": "utility_billing.mail_template_service_request_refused",
}


class UtilityServiceRequest(models.Model):
    """A customer's request, worked by customer service: received, taken,
    processed into the record that does the work (an account, a service
    order, an SB 998 appeal, a payment plan) or refused with a reason."""

    _name = "utility.service.request"
    _description = "Customer Service Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    request_type = fields.Selection(
        REQUEST_TYPES, string="Type", required=True, tracking=True, index=True
    )
    state = fields.Selection(
        REQUEST_STATES,
        required=True,
        default="new",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    utility_account_id = fields.Many2one(
        "utility.account",
        string="Account",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    channel = fields.Selection(
        [("portal", "Customer Portal"), ("office", "Office")],
        required=True,
        default="office",
        readonly=True,
    )
    submitted_at = fields.Datetime(readonly=True, copy=False)
    submitted_ip = fields.Char(string="Submitted From (IP)", readonly=True, copy=False)
    requested_date = fields.Date(
        tracking=True,
        help="Start service: the day service should start. Stop service: the "
        "day service should stop. A local date, in the utility's time zone.",
    )
    # Start service: the new address.
    new_street = fields.Char(string="New Address")
    new_street2 = fields.Char(string="New Address (line 2)")
    new_city = fields.Char()
    new_state_id = fields.Many2one("res.country.state")
    new_zip = fields.Char(string="New ZIP")
    # Stop service: where the final bill goes.
    forwarding_street = fields.Char()
    forwarding_street2 = fields.Char(string="Forwarding Street (line 2)")
    forwarding_city = fields.Char()
    forwarding_state_id = fields.Many2one("res.country.state")
    forwarding_zip = fields.Char(string="Forwarding ZIP")
    contact_phone = fields.Char(string="Phone")
    description = fields.Text(help="What the customer wrote.")
    urgent = fields.Boolean(
        tracking=True,
        help="A leak: water is running now (the service order is urgent).",
    )
    bill_id = fields.Many2one(
        "account.move",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), "
        "('utility_account_id', '=', utility_account_id)]",
    )
    # What processing the request produced.
    service_order_id = fields.Many2one(
        "utility.service.order", readonly=True, copy=False, index="btree_not_null"
    )
    sb998_case_id = fields.Many2one(
        "utility.sb998.case",
        string="SB 998 Case",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    new_account_id = fields.Many2one(
        "utility.account",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    done_date = fields.Date(string="Closed On", readonly=True, copy=False)
    refuse_reason = fields.Text(readonly=True, copy=False, tracking=True)

    # ------------------------------------------------------------
    # LOW-LEVEL METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, REQUEST_DOOR):
            for vals in vals_list:
                set_fields = {
                    fname: value
                    for fname, value in vals.items()
                    if value
                    and not (fname == "state" and value == "new")
                    and not (fname == "channel" and value == "office")
                }
                check_protected(
                    self,
                    set_fields,
                    self._workflow_fields(),
                    REQUEST_DOOR,
                    self._protected_message(),
                )
        for vals in vals_list:
            account = self.env["utility.account"].browse(vals.get("utility_account_id"))
            if account and not vals.get("partner_id"):
                vals["partner_id"] = account.partner_id.id
            if account and not vals.get("company_id"):
                vals["company_id"] = account.company_id.id
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("utility.service.request")
                    or "/"
                )
        requests = super().create(vals_list)
        requests._check_account_customer()
        for service_request in requests:
            service_request._notify("received")
        return requests

    def write(self, vals):
        if not is_trusted(self.env, REQUEST_DOOR):
            protected = self._workflow_fields() + REQUEST_KEY_FIELDS
            if self.filtered(lambda r: r.state not in OPEN_STATES):
                protected += self._content_fields()
            check_protected(
                self, vals, protected, REQUEST_DOOR, self._protected_message()
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if self.env.su:
            return
        raise UserError(
            self.env._(
                "A customer's request stays on record: refuse it, do not delete it."
            )
        )

    def _workflow_fields(self):
        """The fields only the workflow sets (an addon adds its links)."""
        return REQUEST_WORKFLOW_FIELDS

    def _content_fields(self):
        """What the customer asked (an addon adds its fields)."""
        return REQUEST_CONTENT_FIELDS

    def _protected_message(self):
        return self.env._(
            "Service request: its state, the records it produced and its type, "
            "account and customer change only through its buttons (Take, "
            "Process, Refuse)."
        )

    def _check_account_customer(self):
        for service_request in self:
            account = service_request.utility_account_id
            if (
                account
                and account.partner_id.commercial_partner_id
                != service_request.partner_id.commercial_partner_id
            ):
                raise UserError(
                    self.env._(
                        "Service request %(name)s: account %(account)s is not "
                        "%(customer)s's.",
                        name=service_request.name,
                        account=account.name,
                        customer=service_request.partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _type_label(self):
        self.ensure_one()
        return dict(self._fields["request_type"]._description_selection(self.env))[
            self.request_type
        ]

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _render_lang(self):
        """The customer's language (installed), for the e-mails."""
        self.ensure_one()
        installed = dict(self.env["res.lang"].get_installed())
        for code in (self.partner_id.lang, self.utility_account_id.lang):
            if code and code in installed:
                return code
        return "en_US"

    def _is_spanish(self):
        self.ensure_one()
        return self._render_lang().startswith("es")

    def _new_address(self):
        self.ensure_one()
        return self._format_address("new")

    def _forwarding_address(self):
        self.ensure_one()
        return self._format_address("forwarding")

    def _format_address(self, prefix):
        street, street2, city, state, zip_code = (
            self[f"{prefix}_street"],
            self[f"{prefix}_street2"],
            self[f"{prefix}_city"],
            self[f"{prefix}_state_id"].code,
            self[f"{prefix}_zip"],
        )
        last = " ".join(p for p in (state, zip_code) if p)
        return ", ".join(p for p in (street, street2, city, last) if p)

    def _notify(self, step):
        """E-mail the customer this step of the request, in their language
        (queued: the mail queue sends it), and say so in the chatter."""
        template = self.env.ref(MAIL_TEMPLATES[step], raise_if_not_found=False)
        for service_request in self:
            if not template or not service_request.partner_id.email:
                service_request.message_post(
                    body=self.env._(
                        "The customer has no e-mail address: tell them by phone "
                        "or by mail."
                    )
                )
                continue
            lang = service_request._render_lang()
            template.sudo().with_context(lang=lang).send_mail(
                service_request.id, email_layout_xmlid="mail.mail_notification_light"
            )
            service_request.message_post(
                body=self.env._(
                    "E-mail to the customer: %(step)s.",
                    step={
                        "received": self.env._("request received"),
                        "in_progress": self.env._("request in progress"),
                        "done": self.env._("request done"),
                        "refused": self.env._("request refused"),
                    }[step],
                )
            )

    # ------------------------------------------------------------
    # WORKFLOW
    # ------------------------------------------------------------

    def _check_csr(self):
        """Customer service (CSR I and above) of the requests' companies."""
        if self.env.su:
            return
        user = self.env.user
        if not user.has_group("utility_billing.group_csr_1"):
            raise AccessError(
                self.env._("Only customer service works the customers' requests.")
            )
        self.check_access("write")
        foreign = self.company_id - user.company_ids
        if foreign:
            raise AccessError(
                self.env._(
                    "You cannot work the requests of %(company)s.",
                    company=foreign[0].name,
                )
            )

    def _check_state(self, states):
        for service_request in self:
            if service_request.state not in states:
                raise UserError(
                    self.env._(
                        "Service request %(name)s is %(state)s: it cannot take "
                        "this step.",
                        name=service_request.name,
                        state=service_request._state_label(),
                    )
                )

    def _set_workflow(self, vals):
        with workflow(REQUEST_DOOR):
            self.write(vals)

    def action_take(self):
        """A CSR takes the request: in progress, assigned to them."""
        self._check_csr()
        self._check_state(("new",))
        self._set_workflow({"state": "in_progress", "user_id": self.env.uid})
        self._notify("in_progress")
        for service_request in self:
            service_request._schedule_on_requested_date()
        return True

    def _schedule_on_requested_date(self):
        """A start or stop on a later day: a to-do for that day (the move-in or
        move-out read is taken on the day)."""
        self.ensure_one()
        if (
            self.request_type in ("start", "stop")
            and self.requested_date
            and self.requested_date > self.company_id._utility_today()
        ):
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.requested_date,
                summary=self.env._("%(type)s today", type=self._type_label()),
                user_id=self.env.uid,
            )

    def _not_before_requested_date(self):
        """Service starts or stops on the day asked for, with that day's read:
        not before. On an earlier day, a notification (the request is taken
        and keeps a to-do for that day) instead of the wizard; else False."""
        self.ensure_one()
        today = self.company_id._utility_today()
        if not self.requested_date or self.requested_date <= today:
            return False
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": self.env._(
                    "Service request %(name)s asks for %(date)s: process it on "
                    "that day (the request keeps a to-do for it).",
                    name=self.name,
                    date=self.requested_date,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_process(self):
        """Do what the request asks: open the start or stop wizard, or create
        the service order, the SB 998 appeal or the payment plan."""
        self.ensure_one()
        self._check_csr()
        self._check_state(OPEN_STATES)
        handler = getattr(self, f"_process_{self.request_type}", None)
        if handler is None:
            raise UserError(
                self.env._(
                    "Service request %(name)s: no processing for %(type)s.",
                    name=self.name,
                    type=self._type_label(),
                )
            )
        return handler()

    def _take_if_new(self):
        if self.state == "new":
            self.action_take()

    def _done(self, vals=None):
        """The request is done (its result linked); the customer is told."""
        self._check_csr()
        self._check_state(OPEN_STATES)
        for service_request in self:
            service_request._set_workflow(
                dict(
                    vals or {},
                    state="done",
                    done_date=service_request.company_id._utility_today(),
                    user_id=service_request.user_id.id or self.env.uid,
                )
            )
        self._notify("done")
        return True

    def action_refuse(self, reason):
        """Refuse the request, saying why (the customer gets the reason)."""
        self._check_csr()
        self._check_state(OPEN_STATES)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the request is refused."))
        for service_request in self:
            service_request._set_workflow(
                {
                    "state": "refused",
                    "refuse_reason": reason,
                    "done_date": service_request.company_id._utility_today(),
                    "user_id": service_request.user_id.id or self.env.uid,
                }
            )
        self._notify("refused")
        return True

    def action_open_refuse(self):
        self.ensure_one()
        self._check_csr()
        self._check_state(OPEN_STATES)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Request"),
            "res_model": "utility.service.request.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }
