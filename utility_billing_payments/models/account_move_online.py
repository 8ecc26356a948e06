# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Utility bills on the customer portal: paid from the utility account's page
(Pay online), never through Odoo's invoice payment, so that every online
payment goes through the suite's door (oldest due first, source online, the
delinquency re-checked; payment.transaction refuses the other way)."""

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        # Odoo's "Pay Now" on the bill's portal page: not for a utility bill.
        if self.utility_account_id:
            return False
        return super()._has_to_be_paid()
