# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import check_protected, is_trusted, workflow
from .utility_account import ACCOUNT_LANGS

# Usual use when no exception rule gives the basis: the average daily use of this
# many recent actual reads.
DEFAULT_HISTORY_COUNT = 3
# The notice's door (tools/workflow.py). A notice is evidence (SB 998): it is
# created as a draft, and sent only by ``action_send``; server code that creates
# or sends notices on a date of its own (a delinquency run) opens the door.
NOTICE_DOOR = "utility.notice"
# Given when the notice is created, never edited afterwards.
NOTICE_CREATION_FIELDS = (
    "kind",
    "date",
    "account_id",
    "amount_due",
    "company_id",
    "read_id",
)
# Changed by sending only.
NOTICE_SENDING_FIELDS = ("state", "document_id")


class UtilityNotice(models.Model):
    """One notice sent to the customer of an account, by e-mail or letter.

    The core addon sends high-usage notices; other addons add their kinds
    (late, final, shut-off...) with ``selection_add`` on ``kind`` and their
    template in ``_get_mail_template`` and the letter report.
    """

    _name = "utility.notice"
    _description = "Utility Customer Notice"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
        check_company=True,
    )
    premise_id = fields.Many2one(related="account_id.premise_id")
    kind = fields.Selection(
        [("high_usage", "High Usage")], required=True, tracking=True, index=True
    )
    date = fields.Date(
        required=True,
        default=lambda self: self.env.company._utility_today(),
        tracking=True,
        index=True,
    )
    channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Letter")],
        compute="_compute_channel",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="E-mail when the account is paperless and the customer has an e-mail "
        "address, else a printed letter.",
    )
    lang = fields.Selection(
        ACCOUNT_LANGS,
        string="Language",
        compute="_compute_lang",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(currency_field="currency_id")
    read_id = fields.Many2one(
        "utility.meter.read", index="btree_not_null", check_company=True
    )
    service_order_id = fields.Many2one(
        "utility.service.order", index="btree_not_null", check_company=True
    )
    uom_id = fields.Many2one(related="read_id.uom_id", string="Unit")
    consumption = fields.Float(
        string="Use This Period",
        digits="Utility Consumption",
        help="Consumption of the read, in the service's billing unit.",
    )
    days = fields.Integer(aggregator=None, string="Days in Period")
    daily_use = fields.Float(aggregator=None, digits="Utility Consumption")
    usual_daily_use = fields.Float(
        aggregator=None,
        digits="Utility Consumption",
        help="Average daily use of the recent reads before this one.",
    )
    usual_consumption = fields.Float(
        aggregator=None,
        string="Usual Use for the Period",
        digits="Utility Consumption",
        compute="_compute_usual_consumption",
        store=True,
    )
    document_id = fields.Many2one(
        "ir.attachment", string="Letter", readonly=True, copy=False
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("account_id")
    def _compute_partner_id(self):
        for notice in self:
            notice.partner_id = notice.account_id.partner_id

    @api.depends("account_id.paperless", "partner_id.email")
    def _compute_channel(self):
        for notice in self:
            if notice.state == "sent" and notice.channel:
                # How the notice was sent is evidence: the customer going
                # paperless afterwards does not rewrite it.
                continue
            paperless = notice.account_id.paperless and notice.partner_id.email
            notice.channel = "email" if paperless else "letter"

    @api.depends("account_id")
    def _compute_lang(self):
        for notice in self:
            notice.lang = notice.account_id.lang or "en_US"

    @api.depends("usual_daily_use", "days")
    def _compute_usual_consumption(self):
        for notice in self:
            notice.usual_consumption = notice.usual_daily_use * notice.days

    @api.depends("kind", "account_id", "date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for notice in self:
            notice.display_name = self.env._(
                "%(kind)s notice %(account)s (%(date)s)",
                kind=kinds.get(notice.kind, ""),
                account=notice.account_id.name or "",
                date=notice.date or "",
            )

    @api.model
    def _utility_workflow_kinds(self):
        """Kinds of notice only server workflows create (e.g. a delinquency run's
        shut-off notices); extended by the addons that add kinds."""
        return set()

    @api.model
    def _portal_domain(self, account):
        """The notices the customer of ``account`` received, as the portal lists
        them (a draft was never sent; the portal's record rule refuses it too)."""
        return [("account_id", "=", account.id), ("state", "=", "sent")]

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, NOTICE_DOOR):
            workflow_kinds = self._utility_workflow_kinds()
            for vals in vals_list:
                if vals.get("kind") in workflow_kinds:
                    raise UserError(
                        self.env._(
                            "%(kind)s notices are made by their workflow, not by hand.",
                            kind=dict(
                                self._fields["kind"]._description_selection(self.env)
                            ).get(vals["kind"], vals["kind"]),
                        )
                    )
                set_fields = {
                    fname: value
                    for fname, value in vals.items()
                    if value and not (fname == "state" and value == "draft")
                }
                check_protected(
                    self,
                    set_fields,
                    NOTICE_SENDING_FIELDS,
                    NOTICE_DOOR,
                    message=self.env._(
                        "A notice is created as a draft and is sent by its Send "
                        "button, which records the date it is sent."
                    ),
                )
        return super().create(vals_list)

    def write(self, vals):
        if not is_trusted(self.env, NOTICE_DOOR):
            check_protected(
                self,
                vals,
                NOTICE_CREATION_FIELDS + NOTICE_SENDING_FIELDS,
                NOTICE_DOOR,
                message=self.env._(
                    "Notices are evidence: %(fields)s are given when the notice is "
                    "created and change only by sending it. Create a new notice "
                    "instead.",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env)
                        for fname in sorted(
                            set(vals)
                            & set(NOTICE_CREATION_FIELDS + NOTICE_SENDING_FIELDS)
                        )
                    ),
                ),
            )
            sent = self.filtered(lambda n: n.state == "sent")
            if sent:
                check_protected(
                    sent,
                    vals,
                    set(self._fields) - set(self.env["mail.thread"]._fields),
                    NOTICE_DOOR,
                    message=self.env._(
                        "Notice %(notice)s has been sent: it is kept as sent.",
                        notice=sent[0].display_name,
                    ),
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for notice in self:
            if notice.state != "draft":
                raise UserError(
                    self.env._(
                        "Notice %(notice)s has been sent and is kept on the account.",
                        notice=notice.display_name,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send(self):
        """E-mail the notice, or make its letter; record it on the account.

        A notice a user sends is dated the day it is sent; server code that
        opened the door (a delinquency run) keeps the date it gave.
        """
        keep_date = is_trusted(self.env, NOTICE_DOOR)
        self.check_access("write")
        today = fields.Date.context_today(self)
        for notice in self:
            if notice.state != "draft":
                raise UserError(
                    self.env._(
                        "Notice %(notice)s has already been sent.",
                        notice=notice.display_name,
                    )
                )
            if notice.channel == "email" and not notice.partner_id.email:
                raise UserError(
                    self.env._(
                        "Notice %(notice)s: %(partner)s has no e-mail address; send "
                        "a letter instead.",
                        notice=notice.display_name,
                        partner=notice.partner_id.display_name,
                    )
                )
        for notice in self:
            with workflow(NOTICE_DOOR):
                if not keep_date and notice.date != today:
                    notice.date = today
                if notice.channel == "email":
                    notice._send_email()
                else:
                    notice._make_letter()
                notice.with_context(tracking_disable=False, mail_notrack=False).write(
                    {"state": "sent"}
                )
            notice._log_on_account()
        return True

    def action_print_letter(self):
        return self.env.ref(
            "utility_billing.action_report_utility_notice"
        ).report_action(self)

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _get_mail_template(self):
        """The e-mail template of the notice's kind."""
        self.ensure_one()
        xmlids = {"high_usage": "utility_billing.mail_template_notice_high_usage"}
        return self.env.ref(xmlids[self.kind])

    def _render_lang(self):
        """Language the notice is rendered in (formats, translated terms): the
        notice's, when it is installed."""
        self.ensure_one()
        installed = dict(self.env["res.lang"].get_installed())
        for code in (self.lang, self.partner_id.lang):
            if code and code in installed:
                return code
        return "en_US"

    def _is_spanish(self):
        self.ensure_one()
        return (self.lang or "").startswith("es")

    def _send_email(self):
        self.ensure_one()
        template = self._get_mail_template()
        template.with_context(lang=self._render_lang()).send_mail(
            self.id, email_layout_xmlid="mail.mail_notification_light"
        )

    def _make_letter(self):
        """Render the letter PDF and keep it on the notice."""
        self.ensure_one()
        report = self.env.ref("utility_billing.action_report_utility_notice")
        content, _report_type = (
            self.env["ir.actions.report"]
            .with_context(lang=self._render_lang())
            ._render_qweb_pdf(report, res_ids=self.ids)
        )
        self.document_id = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Notice %(account)s %(date)s.pdf",
                    account=self.account_id.name,
                    date=self.date,
                ),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _log_on_account(self):
        """A message in the account's chatter for every notice sent."""
        self.ensure_one()
        if self.channel == "email":
            body = self.env._(
                "%(notice)s e-mailed to %(email)s.",
                notice=self._get_html_link(),
                email=self.partner_id.email,
            )
        else:
            body = self.env._(
                "%(notice)s: letter to mail to %(partner)s (attached).",
                notice=self._get_html_link(),
                partner=self.partner_id.display_name,
            )
        self.account_id.message_post(body=body, attachment_ids=self.document_id.ids)

    # ------------------------------------------------------------
    # High-usage notices
    # ------------------------------------------------------------

    @api.model
    def _create_high_usage_notices(self, reads, orders=None):
        """Create and send a high-usage notice for each accepted high read.

        :param reads: accepted reads flagged ``high``
        :param orders: {read_id: service order} investigating them
        :return: the notices created (a read notified before gets no second one)
        """
        orders = orders or {}
        reads = reads.filtered("account_id")
        if not reads:
            return self
        done = self.search(
            [("read_id", "in", reads.ids), ("kind", "=", "high_usage")]
        ).read_id
        vals_list = [
            self._prepare_high_usage_vals(read, orders.get(read.id))
            for read in reads - done
        ]
        notices = self.create(vals_list)
        notices.action_send()
        return notices

    @api.model
    def _prepare_high_usage_vals(self, read, order=None):
        account = read.account_id
        return {
            "account_id": account.id,
            "kind": "high_usage",
            "read_id": read.id,
            "service_order_id": order.id if order else False,
            "consumption": read.consumption,
            "days": read.days,
            "daily_use": read.average_daily,
            "usual_daily_use": self._usual_daily_use(read),
            "company_id": account.company_id.id,
        }

    @api.model
    def _usual_daily_use(self, read):
        """The customer's usual daily use before ``read``: the reference of the
        high-use rule that flagged it (average of recent reads, or the same period
        last year), else the average of the last actual reads."""
        Read = self.env["utility.meter.read"]
        history = Read._fetch_history([read.meter_id.id]).get(read.meter_id.id, [])
        history = [h for h in history if h[0] and h[0] < read.read_date]
        rule = read._get_exception_rules("high")[read.id]
        usual = None
        if rule:
            usual = Read._reference_daily_use(rule, history, read.read_date)
        if usual is None:
            recent = [h for h in history if h[2] and h[3] != "estimated"][
                :DEFAULT_HISTORY_COUNT
            ]
            total_days = sum(h[2] for h in recent)
            usual = sum(h[1] for h in recent) / total_days if total_days else 0.0
        return usual

    def _to_gallons(self, quantity):
        """``quantity`` in the notice's unit, in US gallons (None if the unit is
        not a volume)."""
        self.ensure_one()
        gallon = self.env.ref("uom.product_uom_gal", raise_if_not_found=False)
        uom = self.uom_id
        if not (gallon and uom and uom.category_id == gallon.category_id):
            return None
        return uom._compute_quantity(quantity, gallon, round=False)
