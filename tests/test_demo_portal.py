# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The portal's demo customer (login "customer", printed by setup/demo.sh) has
the story of issue 18 to walk: a chart with last year's bars, a notice
received, and a balance with a past due part to pay."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDemoPortal(HttpCase):
    def test_demo_customer_story(self):
        env = self.env
        user = env["res.users"].search([("login", "=", "customer")])
        self.assertEqual(len(user), 1, "the demo ships the portal customer")
        account = env["utility.account"].search(
            [
                ("partner_id", "child_of", user.partner_id.commercial_partner_id.id),
                ("state", "=", "active"),
            ]
        )
        self.assertEqual(account.name, "DEMO0000001")
        # Reads two years back: last year's bars are drawn.
        rows = account._portal_consumption_compared()
        self.assertEqual(len(rows), 12)
        with_last_year = [row for row in rows if row["last_year"]]
        self.assertGreaterEqual(len(with_last_year), 10, rows)
        first_read = env["utility.meter.read"].search(
            [("account_id", "=", account.id)], order="read_date", limit=1
        )
        today = fields.Date.context_today(user)
        self.assertLessEqual(first_read.read_date, today - relativedelta(months=24))
        # A notice received, and something past due to pay online.
        self.assertTrue(account._portal_notices())
        self.assertGreater(account.past_due_amount, 0)
        self.assertGreaterEqual(account.balance, account.past_due_amount)
        # What the customer sees.
        self.authenticate("customer", "customer")
        page = self.url_open(f"/my/utility_accounts/{account.id}").text
        self.assertIn("Notices Received", page)
        self.assertIn("o_utility_chart_last_year", page)
        self.assertIn("Pay online", page)
        self.assertIn('value="past_due"', page)
