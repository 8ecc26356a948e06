# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class UtilityReadEntry(models.TransientModel):
    """Key in a route's readings: the meters of a cycle or route in walk order."""

    _name = "utility.read.entry"
    _description = "Meter Read Entry"

    cycle_id = fields.Many2one("utility.billing.cycle", string="Billing Cycle")
    route_id = fields.Many2one(
        "utility.route",
        domain="[('cycle_id', '=?', cycle_id)]",
        help="Leave empty for every route of the cycle.",
    )
    read_date = fields.Date(
        required=True,
        default=lambda self: self.env.company._utility_today(),
        help="The day the route was read, in the utility's time zone.",
    )
    line_ids = fields.One2many("utility.read.entry.line", "entry_id", string="Meters")

    @api.onchange("cycle_id", "route_id")
    def _onchange_load_meters(self):
        self.line_ids = [Command.clear()] + [
            Command.create(vals) for vals in self._prepare_lines()
        ]

    def _prepare_lines(self):
        if not self.cycle_id and not self.route_id:
            return []
        domain = [("state", "=", "installed")]
        if self.route_id:
            domain.append(("premise_id.route_id", "=", self.route_id.id))
        else:
            domain.append(("premise_id.route_id.cycle_id", "=", self.cycle_id.id))
        meters = self.env["utility.meter"].search(domain)
        meters = meters.sorted(
            lambda m: (
                m.premise_id.route_id.code or "",
                m.premise_id.sequence,
                m.serial,
            )
        )
        last = self.env["utility.meter.read"]._get_last_valid_reads(meters)
        lines = []
        for meter in meters:
            previous = last.get(meter.id)
            lines.append(
                {
                    "meter_id": meter.id,
                    "premise_id": meter.premise_id.id,
                    "route_id": meter.premise_id.route_id.id,
                    "walk_sequence": meter.premise_id.sequence,
                    "previous_reading": previous.reading if previous else 0.0,
                    "previous_date": previous.read_date if previous else False,
                }
            )
        return lines

    def action_confirm(self):
        self.ensure_one()
        vals_list, problems = [], []
        for line in self.line_ids:
            text = (line.new_reading or "").strip().replace(",", "")
            if not text:
                continue
            try:
                reading = float(text)
            except ValueError:
                problems.append(
                    self.env._(
                        "%(serial)s (%(premise)s): '%(value)s' is not a number",
                        serial=line.meter_id.serial,
                        premise=line.premise_id.name,
                        value=line.new_reading,
                    )
                )
                continue
            vals_list.append(
                {
                    "meter_id": line.meter_id.id,
                    "read_datetime": line.meter_id.company_id._utility_local_to_utc(
                        self.read_date
                    ),
                    "reading": reading,
                    "read_type": line.read_type,
                    "source": "manual",
                    "read_code": line.read_code,
                }
            )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was saved. Fix these readings:\n%(lines)s",
                    lines="\n".join(problems),
                )
            )
        if not vals_list:
            raise UserError(self.env._("No reading was entered."))
        reads = self.env["utility.meter.read"].create(vals_list)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Entered Reads"),
            "res_model": "utility.meter.read",
            "view_mode": "list,form",
            "domain": [("id", "in", reads.ids)],
        }


class UtilityReadEntryLine(models.TransientModel):
    _name = "utility.read.entry.line"
    _description = "Meter Read Entry Line"
    _order = "route_id, walk_sequence, id"

    entry_id = fields.Many2one("utility.read.entry", required=True, ondelete="cascade")
    meter_id = fields.Many2one("utility.meter", required=True)
    premise_id = fields.Many2one("utility.premise")
    route_id = fields.Many2one("utility.route")
    walk_sequence = fields.Integer(
        aggregator=None,
    )
    previous_reading = fields.Float(aggregator=None, digits="Utility Reading")
    previous_date = fields.Date()
    new_reading = fields.Char(string="Reading")
    read_type = fields.Selection(
        [("actual", "Actual"), ("customer", "Customer")],
        default="actual",
        required=True,
    )
    read_code = fields.Char()
