# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

DEMO_PORTAL_LOGIN = "customer"


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"

    @api.model
    def _make_portal_customer(self, login=DEMO_PORTAL_LOGIN):
        """Demo only: the customer of the first active account with a posted
        bill (else of the first active account) becomes a portal user, login
        and password ``login``. Safe to re-run: an existing user of that login
        is left alone."""
        Users = self.env["res.users"].with_context(no_reset_password=True)
        if Users.with_context(active_test=False).search_count([("login", "=", login)]):
            return Users.browse()
        bill = self.env["account.move"].search(
            [
                ("utility_account_id.state", "=", "active"),
                ("state", "=", "posted"),
                ("move_type", "=", "out_invoice"),
            ],
            order="utility_account_id, id",
            limit=1,
        )
        account = bill.utility_account_id or self.env["utility.account"].search(
            [("state", "=", "active")], order="name", limit=1
        )
        partner = account.partner_id.commercial_partner_id
        if not partner:
            return Users.browse()
        if not partner.email:
            partner.email = f"{login}@example.com"
        return Users.create(
            {
                "name": partner.name,
                "login": login,
                "password": login,
                "partner_id": partner.id,
                "tz": "America/Los_Angeles",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
