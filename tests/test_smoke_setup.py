# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Smoke test for the test tooling (setup/test.sh).

Files in this root tests/ folder are not inside an addon: pytest-odoo imports
them under a plain module name, not ``odoo.addons.<addon>...``, and only
pytest runs them (``odoo-bin --test-tags`` discovers tests inside addons only).
Odoo's MetaCase gives such classes no default ``test_tags``; the root
conftest.py fills the defaults in, and ``@tagged`` works as in an addon.
"""

from odoo.tests import TransactionCase, tagged

ADDONS = ("utility_billing", "utility_billing_payments", "utility_billing_reports")


@tagged("post_install", "-at_install")
class TestSmokeSetup(TransactionCase):
    def test_addons_installed(self):
        """setup/test.sh installs the three addons before pytest runs."""
        installed = self.env["ir.module.module"].search(
            [("name", "in", ADDONS), ("state", "=", "installed")]
        )
        self.assertEqual(len(installed), 3, installed.mapped("name"))
