# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo only: a customer of the demo town on the portal."""

DEMO_PORTAL_LOGIN = "customer"


def make_portal_customer(env, login=DEMO_PORTAL_LOGIN):
    """The customer of the first active account with a posted bill (else of
    the first active account) becomes a portal user, login and password
    ``login``. Safe to re-run: an existing user of that login is left alone."""
    Users = env["res.users"].with_context(no_reset_password=True)
    if Users.with_context(active_test=False).search_count([("login", "=", login)]):
        return Users.browse()
    bill = env["account.move"].search(
        [
            ("utility_account_id.state", "=", "active"),
            ("state", "=", "posted"),
            ("move_type", "=", "out_invoice"),
        ],
        order="utility_account_id, id",
        limit=1,
    )
    account = bill.utility_account_id or env["utility.account"].search(
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
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
