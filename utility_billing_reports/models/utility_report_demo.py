# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The entry point of the demo ledger for the demo XML; the generator itself
is ``utility_billing_reports.demo_tools.ledger``."""

from odoo import api, models

from ..demo_tools import ledger


class UtilityReportDemo(models.AbstractModel):
    """A ledger for the demo town, so that the reports show figures (see
    ``demo_tools/ledger.py``)."""

    _name = "utility.report.demo"
    _description = "Utility Billing Reports Demo Ledger"

    @api.model
    def _generate(self, months=6, seed=8):
        return ledger.generate(self.env, months=months, seed=seed)
