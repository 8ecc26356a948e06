# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lock of a billed rate on the lines of its components (tiers, charges by
meter size)."""

from odoo import api, models


class UtilityRateLockedMixin(models.AbstractModel):
    """A line of a rate component (``component_id``) that cannot be added,
    changed or deleted once its rate schedule has been billed: adopt a new
    version of the rate instead (``utility.rate.schedule._check_not_billed``).
    A write is checked before and after, so that a line is not moved onto a
    billed rate either."""

    _name = "utility.rate.locked.mixin"
    _description = "Utility Rate Line Locked Once Billed"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.component_id.schedule_id._check_not_billed()
        return records

    def write(self, vals):
        self.component_id.schedule_id._check_not_billed()
        res = super().write(vals)
        self.component_id.schedule_id._check_not_billed()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_not_billed(self):
        self.component_id.schedule_id._check_not_billed()
