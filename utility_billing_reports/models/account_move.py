# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # The revenue report's sums (entries of utility accounts only).
        self.env["utility.report.revenue.sum"].sudo()._ub_add_moves(posted)
        return posted

    def button_draft(self):
        self.env["utility.report.revenue.sum"].sudo()._ub_add_moves(
            self.filtered(lambda m: m.state == "posted"), sign=-1
        )
        return super().button_draft()
