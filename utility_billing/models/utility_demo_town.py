# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The entry point of the demo town generator for the demo XML and
``setup/generate_city.py``; the generator itself is
``utility_billing.demo_tools.town``."""

from odoo import api, models

from ..demo_tools import portal, town


class UtilityDemoTown(models.AbstractModel):
    """Builds a small demo town, or a large synthetic city for benchmarks
    (see ``demo_tools/town.py``)."""

    _name = "utility.demo.town"
    _description = "Utility Demo Town Generator"

    @api.model
    def _generate(
        self,
        accounts=50,
        months=12,
        seed=42,
        fast=False,
        prefix="DEMO",
        end_date=None,
        long_history=0,
    ):
        return town.generate(
            self.env,
            accounts=accounts,
            months=months,
            seed=seed,
            fast=fast,
            prefix=prefix,
            end_date=end_date,
            long_history=long_history,
        )

    @api.model
    def _make_portal_customer(self, login=portal.DEMO_PORTAL_LOGIN):
        return portal.make_portal_customer(self.env, login=login)
