# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterTest(models.TransientModel):
    """Record the result of a meter accuracy test."""

    _name = "utility.meter.test"
    _description = "Record Meter Test"

    meter_id = fields.Many2one("utility.meter", required=True)
    date = fields.Date(
        required=True, default=lambda self: self.env.company._utility_today()
    )
    result = fields.Selection([("pass", "Pass"), ("fail", "Fail")], required=True)
    accuracy_low = fields.Float(string="Accuracy Low Flow (%)")
    accuracy_mid = fields.Float(string="Accuracy Mid Flow (%)")
    accuracy_high = fields.Float(string="Accuracy High Flow (%)")
    note = fields.Text()

    def action_record(self):
        self.ensure_one()
        self.meter_id._record_test(
            self.date,
            self.result,
            low=self.accuracy_low,
            mid=self.accuracy_mid,
            high=self.accuracy_high,
            note=self.note,
        )
        return {"type": "ir.actions.act_window_close"}
