# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    utility_service_type_id = fields.Many2one(
        "utility.service.type",
        string="Utility Service",
        index="btree_not_null",
        copy=False,
    )
    utility_account_id = fields.Many2one(
        related="move_id.utility_account_id",
        store=True,
        index="btree_not_null",
        string="Utility Account",
    )
