# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.utility_account import ACCOUNT_LANGS
from ..models.utility_meter_read import ROLLOVER_MAX_FRACTION
from ..tools.workflow import workflow


class UtilityStartService(models.TransientModel):
    """Move-in: open an account for a new or existing customer at a premise."""

    _name = "utility.start.service"
    _description = "Start Service"

    customer_mode = fields.Selection(
        [("existing", "Existing customer"), ("new", "New customer")],
        required=True,
        default="existing",
    )
    partner_id = fields.Many2one("res.partner", string="Customer")
    new_name = fields.Char(string="Name")
    new_email = fields.Char(string="E-mail")
    new_phone = fields.Char(string="Phone")
    premise_id = fields.Many2one("utility.premise", required=True)
    start_date = fields.Date(
        required=True,
        default=lambda self: self.env.company._utility_today(),
        help="The local date service starts, in the utility's time zone.",
    )
    lang = fields.Selection(
        ACCOUNT_LANGS, string="Language", required=True, default="en_US"
    )
    paperless = fields.Boolean()
    line_ids = fields.One2many(
        "utility.start.service.line", "wizard_id", string="Services"
    )
    currency_id = fields.Many2one(related="premise_id.company_id.currency_id")
    deposit_due = fields.Monetary(compute="_compute_deposit_due")

    @api.depends("premise_id.customer_class")
    def _compute_deposit_due(self):
        for wizard in self:
            rule = self.env["utility.deposit.rule"].search(
                [
                    ("customer_class", "=", wizard.premise_id.customer_class),
                    (
                        "company_id",
                        "=",
                        (wizard.premise_id.company_id or self.env.company).id,
                    ),
                ],
                limit=1,
            )
            wizard.deposit_due = rule.amount

    @api.onchange("premise_id")
    def _onchange_premise_id(self):
        """Propose the metered services of the meters installed at the premise."""
        lines = [Command.clear()]
        last = self.env["utility.meter.read"]._get_last_valid_reads(
            self.premise_id.meter_ids
        )
        for meter in self.premise_id.meter_ids:
            previous = last.get(meter.id)
            lines.append(
                Command.create(
                    {
                        "service_type_id": meter.service_type_id.id,
                        "meter_id": meter.id,
                        "reading": previous.reading if previous else 0.0,
                    }
                )
            )
        self.line_ids = lines

    def _get_partner(self):
        if self.customer_mode == "existing":
            if not self.partner_id:
                raise UserError(self.env._("Choose the customer."))
            return self.partner_id
        if not (self.new_name or "").strip():
            raise UserError(self.env._("Enter the new customer's name."))
        return self.env["res.partner"].create(
            {
                "name": self.new_name.strip(),
                "email": self.new_email,
                "phone": self.new_phone,
                "lang": self.lang
                if self.env["res.lang"]._lang_get(self.lang)
                else False,
                "company_id": self.premise_id.company_id.id,
            }
        )

    def action_start(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Add at least one service to start."))
        last_reads = self.env["utility.meter.read"]._get_last_valid_reads(
            self.line_ids.meter_id
        )
        for line in self.line_ids:
            if line.service_type_id.metered:
                if not line.meter_id:
                    raise UserError(
                        self.env._(
                            "%(service)s is metered: choose its meter.",
                            service=line.service_type_id.name,
                        )
                    )
                if (
                    line.meter_id.premise_id != self.premise_id
                    or line.meter_id.state != "installed"
                ):
                    raise UserError(
                        self.env._(
                            "Meter %(serial)s is not installed at %(premise)s.",
                            serial=line.meter_id.serial,
                            premise=self.premise_id.name,
                        )
                    )
                previous = last_reads.get(line.meter_id.id)
                capacity = 10**line.meter_id.dials
                if (
                    previous
                    and line.reading < previous.reading
                    and line.reading + capacity - previous.reading
                    > capacity * ROLLOVER_MAX_FRACTION
                ):
                    raise UserError(
                        self.env._(
                            "Meter %(serial)s: the start reading %(reading)s is below "
                            "its last reading %(previous)s of %(date)s and is not a "
                            "rollover of the register. Check the reading.",
                            serial=line.meter_id.serial,
                            reading=line.reading,
                            previous=previous.reading,
                            date=previous.read_date,
                        )
                    )
        partner = self._get_partner()
        account = self.env["utility.account"].create(
            {
                "partner_id": partner.id,
                "premise_id": self.premise_id.id,
                "start_date": self.start_date,
                "lang": self.lang,
                "paperless": self.paperless,
                "company_id": self.premise_id.company_id.id,
                "service_ids": [
                    Command.create(
                        {
                            "service_type_id": line.service_type_id.id,
                            "meter_id": line.meter_id.id,
                            "start_date": self.start_date,
                        }
                    )
                    for line in self.line_ids
                ],
            }
        )
        account.action_activate()
        reads = self.env["utility.meter.read"]
        read_vals = [
            {
                "meter_id": line.meter_id.id,
                "account_id": account.id,
                "read_datetime": account.company_id._utility_local_to_utc(
                    self.start_date
                ),
                "reading": line.reading,
                "read_type": "initial",
                "source": "manual",
                "note": self.env._("Move-in read"),
            }
            for line in self.line_ids
            if line.meter_id
        ]
        if read_vals:
            # Move-in: the account's initial reads are this workflow's.
            with workflow("utility.meter.read"):
                reads = reads.create(read_vals)
        for read in reads:
            previous = last_reads.get(read.meter_id.id)
            if previous and read.reading > previous.reading:
                account.message_post(
                    body=self.env._(
                        "Meter %(serial)s advanced from %(previous)s to %(reading)s "
                        "while "
                        "the premise had no account for it.",
                        serial=read.meter_id.serial,
                        previous=previous.reading,
                        reading=read.reading,
                    )
                )
        if account.currency_id.compare_amounts(account.deposit_required, 0.0) > 0:
            # The deposit the customer class requires is billed (on the
            # customer deposits account) by the workflow: a CSR bills it
            # without rights in Odoo Accounting.
            if not (
                self.env.su or self.env.user.has_group("utility_billing.group_csr_1")
            ):
                raise AccessError(
                    self.env._("Only a Customer Service Representative starts service.")
                )
            account._utility_bill_deposit(day=self.start_date)
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.account",
            "res_id": account.id,
            "view_mode": "form",
        }


class UtilityStartServiceLine(models.TransientModel):
    _name = "utility.start.service.line"
    _description = "Start Service Line"

    wizard_id = fields.Many2one(
        "utility.start.service", required=True, ondelete="cascade"
    )
    service_type_id = fields.Many2one("utility.service.type", required=True)
    meter_id = fields.Many2one(
        "utility.meter",
        domain="[('service_type_id', '=', service_type_id), "
        "('state', '=', 'installed')]",
    )
    reading = fields.Float(string="Start Reading", digits="Utility Reading")
