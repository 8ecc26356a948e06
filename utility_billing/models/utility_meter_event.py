# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

EVENT_TYPES = [
    ("received", "Received into stock"),
    ("installed", "Installed"),
    ("removed", "Removed"),
    ("tested", "Tested"),
    ("returned", "Returned to stock"),
    ("retired", "Retired"),
]


class UtilityMeterEvent(models.Model):
    """One event in a meter's life. Events are never edited or deleted."""

    _name = "utility.meter.event"
    _description = "Utility Meter Event"
    _order = "date desc, id desc"

    meter_id = fields.Many2one(
        "utility.meter", required=True, index=True, ondelete="cascade", readonly=True
    )
    event_type = fields.Selection(EVENT_TYPES, required=True, readonly=True)
    date = fields.Date(
        required=True,
        readonly=True,
        default=lambda self: self.env.company._utility_today(),
    )
    premise_id = fields.Many2one("utility.premise", readonly=True)
    reading = fields.Float(aggregator=None, digits="Utility Reading", readonly=True)
    test_result = fields.Selection([("pass", "Pass"), ("fail", "Fail")], readonly=True)
    test_accuracy_low = fields.Float(
        aggregator=None, string="Accuracy Low Flow (%)", readonly=True
    )
    test_accuracy_mid = fields.Float(
        aggregator=None, string="Accuracy Mid Flow (%)", readonly=True
    )
    test_accuracy_high = fields.Float(
        aggregator=None, string="Accuracy High Flow (%)", readonly=True
    )
    note = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(related="meter_id.company_id", store=True, index=True)

    def write(self, vals):
        if self:
            raise UserError(
                self.env._("Meter events are a permanent record and cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Meter events are a permanent record and cannot be deleted.")
        )
