# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.utility_meter import METER_SIZES

MAX_RANGE = 10000


class UtilityMeterReceive(models.TransientModel):
    """Receive new meters into stock: one serial, or a numbered range."""

    _name = "utility.meter.receive"
    _description = "Receive Meters into Stock"

    mode = fields.Selection(
        [("single", "One meter"), ("range", "A range of serial numbers")],
        required=True,
        default="single",
    )
    serial = fields.Char()
    prefix = fields.Char(help="Text before the number, e.g. NP- for NP-000101.")
    range_start = fields.Integer(aggregator=None, string="From Number")
    range_end = fields.Integer(aggregator=None, string="To Number")
    padding = fields.Integer(
        aggregator=None, default=6, help="Digits of the number, zero-padded."
    )
    service_type_id = fields.Many2one(
        "utility.service.type", required=True, domain="[('metered', '=', True)]"
    )
    size = fields.Selection(METER_SIZES, required=True, default="3/4")
    make = fields.Char()
    model = fields.Char()
    dials = fields.Integer(aggregator=None, required=True, default=6)
    multiplier = fields.Float(
        aggregator=None, required=True, default=1.0, digits=(12, 4)
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Register Unit",
        required=True,
        default=lambda self: self.env.ref("utility_billing.uom_hcf", False),
        domain=lambda self: [
            ("category_id", "=", self.env.ref("uom.product_uom_categ_vol").id)
        ],
    )
    purchase_date = fields.Date(default=fields.Date.context_today)

    def _serials(self):
        self.ensure_one()
        if self.mode == "single":
            if not (self.serial or "").strip():
                raise UserError(self.env._("Enter the serial number of the meter."))
            return [self.serial.strip()]
        if self.range_end < self.range_start or self.range_start < 0:
            raise UserError(
                self.env._(
                    "The range must go from a number up to a larger or equal number."
                )
            )
        count = self.range_end - self.range_start + 1
        if count > MAX_RANGE:
            raise UserError(
                self.env._(
                    "%(count)s meters in one range: receive at most %(max)s at a time.",
                    count=count,
                    max=MAX_RANGE,
                )
            )
        prefix = self.prefix or ""
        return [
            f"{prefix}{n:0{self.padding}d}"
            for n in range(self.range_start, self.range_end + 1)
        ]

    def action_receive(self):
        self.ensure_one()
        serials = self._serials()
        existing = (
            self.env["utility.meter"]
            .with_context(active_test=False)
            .search(
                [("serial", "in", serials), ("company_id", "=", self.env.company.id)]
            )
        )
        if existing:
            raise UserError(
                self.env._(
                    "These serial numbers are already in the meter inventory: "
                    "%(serials)s.",
                    serials=", ".join(existing[:20].mapped("serial")),
                )
            )
        meters = self.env["utility.meter"].create(
            [
                {
                    "serial": serial,
                    "service_type_id": self.service_type_id.id,
                    "size": self.size,
                    "make": self.make,
                    "model": self.model,
                    "dials": self.dials,
                    "multiplier": self.multiplier,
                    "uom_id": self.uom_id.id,
                    "purchase_date": self.purchase_date,
                }
                for serial in serials
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Received Meters"),
            "res_model": "utility.meter",
            "view_mode": "list,form",
            "domain": [("id", "in", meters.ids)],
        }

    @api.onchange("mode")
    def _onchange_mode(self):
        if self.mode == "single":
            self.range_start = self.range_end = 0
