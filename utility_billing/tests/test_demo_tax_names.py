# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoTaxNames(TransactionCase):
    """The demo city's 5% utility users tax reads as such on the bill form and
    its totals (not the chart's generic "Tax 15%" group)."""

    def setUp(self):
        super().setUp()
        self.uut = self.env.ref("utility_billing.tax_uut_demo", False)
        if not self.uut:
            self.skipTest("Demo data not installed.")

    def test_uut_name_and_group(self):
        self.assertEqual(self.uut.name, "Utility Users Tax 5%")
        self.assertEqual(self.uut.amount, 5.0)
        self.assertEqual(self.uut.tax_group_id.name, "Utility Users Tax")
        spanish = self.uut.tax_group_id.with_context(lang="es_MX")
        if self.env["res.lang"]._lang_get("es_MX"):
            self.assertEqual(spanish.name, "Impuesto a usuarios de servicios públicos")

    def test_bill_totals_name_the_uut(self):
        bill = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_line_ids.tax_ids", "in", self.uut.ids),
            ],
            limit=1,
        )
        self.assertTrue(bill, "The demo bills water with the users tax")
        groups = [
            group["group_name"]
            for subtotal in bill.tax_totals["subtotals"]
            for group in subtotal["tax_groups"]
        ]
        self.assertIn("Utility Users Tax", groups)
        self.assertFalse([g for g in groups if "15%" in g], groups)
