# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Customer portal attempts: the online payment's (kind "payment"). Each
transaction the portal starts is an attempt on the account's number from the
customer's IP address; it counts as a failure against the company's limits
until the provider confirms the payment (done)."""

from odoo import fields, models


class UtilityPortalAttempt(models.Model):
    _inherit = "utility.portal.attempt"

    transaction_id = fields.Many2one(
        "payment.transaction",
        string="Payment Transaction",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The online payment started (kind Online Payment): a failure "
        "until the payment is confirmed.",
    )
