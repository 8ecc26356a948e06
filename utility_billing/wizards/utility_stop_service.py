# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import workflow


class UtilityStopService(models.TransientModel):
    """Move-out: final reads, end date, forwarding address; the account goes final."""

    _name = "utility.stop.service"
    _description = "Stop Service"

    account_id = fields.Many2one(
        "utility.account", required=True, domain="[('state', '=', 'active')]"
    )
    end_date = fields.Date(
        required=True,
        default=lambda self: self.env.company._utility_today(),
        help="The local date service stops, in the utility's time zone.",
    )
    forwarding_street = fields.Char()
    forwarding_street2 = fields.Char()
    forwarding_city = fields.Char()
    forwarding_state_id = fields.Many2one("res.country.state")
    forwarding_zip = fields.Char()
    update_partner_address = fields.Boolean(
        string="Make It the Customer's Mailing Address",
        default=True,
        help="The final bill and any refund go to the forwarding address.",
    )
    line_ids = fields.One2many(
        "utility.stop.service.line", "wizard_id", string="Final Reads"
    )

    @api.onchange("account_id")
    def _onchange_account_id(self):
        lines = [Command.clear()]
        services = self.account_id.service_ids.filtered("meter_id")
        last = self.env["utility.meter.read"]._get_last_valid_reads(services.meter_id)
        for service in services:
            previous = last.get(service.meter_id.id)
            lines.append(
                Command.create(
                    {
                        "service_id": service.id,
                        "meter_id": service.meter_id.id,
                        "previous_reading": previous.reading if previous else 0.0,
                        "reading": previous.reading if previous else 0.0,
                    }
                )
            )
        self.line_ids = lines

    def action_stop(self):
        self.ensure_one()
        account = self.account_id
        if account.state != "active":
            raise UserError(
                self.env._("Account %(name)s is not active.", name=account.name)
            )
        if account.start_date and self.end_date < account.start_date:
            raise UserError(
                self.env._(
                    "Account %(name)s started on %(start)s: the end date cannot be "
                    "before it.",
                    name=account.name,
                    start=account.start_date,
                )
            )
        metered = account.service_ids.filtered("meter_id")
        missing = metered.meter_id - self.line_ids.meter_id
        if missing:
            raise UserError(
                self.env._(
                    "Enter the final reading of meter(s) %(serials)s.",
                    serials=", ".join(missing.mapped("serial")),
                )
            )
        address = [
            self.forwarding_street,
            self.forwarding_street2,
            " ".join(
                p
                for p in [
                    self.forwarding_city,
                    self.forwarding_state_id.code,
                    self.forwarding_zip,
                ]
                if p
            ),
        ]
        forwarding = "\n".join(p for p in address if p)
        # Move-out: the account's final reads and its state are this workflow's.
        with workflow("utility.meter.read"):
            reads = self.env["utility.meter.read"].create(
                [
                    {
                        "meter_id": line.meter_id.id,
                        "account_id": account.id,
                        "read_datetime": account.company_id._utility_local_to_utc(
                            self.end_date
                        ),
                        "reading": line.reading,
                        "read_type": "final",
                        "source": "manual",
                        "note": self.env._("Move-out read"),
                    }
                    for line in self.line_ids
                ]
            )
        negative = reads.filtered(
            lambda r: r.consumption < 0 and r.previous_read_id.read_type != "estimated"
        )
        if negative:
            raise UserError(
                self.env._(
                    "Meter %(serial)s: the final reading %(reading)s is below the "
                    "last reading "
                    "%(previous)s.",
                    serial=negative[0].meter_id.serial,
                    reading=negative[0].reading,
                    previous=negative[0].previous_reading,
                )
            )
        account.service_ids.write({"end_date": self.end_date})
        with workflow("utility.account"):
            account.write(
                {
                    "state": "final",
                    "end_date": self.end_date,
                    "forwarding_address": forwarding or account.forwarding_address,
                }
            )
        if self.update_partner_address and self.forwarding_street:
            account.partner_id.write(
                {
                    "street": self.forwarding_street,
                    "street2": self.forwarding_street2,
                    "city": self.forwarding_city,
                    "state_id": self.forwarding_state_id.id,
                    "zip": self.forwarding_zip,
                }
            )
        account.message_post(
            body=self.env._(
                "Service stopped on %(date)s; the account is ready for its final bill.",
                date=self.end_date,
            )
        )
        return {"type": "ir.actions.act_window_close"}


class UtilityStopServiceLine(models.TransientModel):
    _name = "utility.stop.service.line"
    _description = "Stop Service Final Read"

    wizard_id = fields.Many2one(
        "utility.stop.service", required=True, ondelete="cascade"
    )
    service_id = fields.Many2one("utility.account.service")
    meter_id = fields.Many2one("utility.meter", required=True)
    previous_reading = fields.Float(
        aggregator=None, digits="Utility Reading", readonly=True
    )
    reading = fields.Float(
        aggregator=None, string="Final Reading", digits="Utility Reading", required=True
    )
