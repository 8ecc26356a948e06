# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSpanishNames(TransactionCase):
    """A Spanish-speaking clerk reads in Spanish the names of what utility
    billing creates: the bills journal, the chart accounts and the shipped
    bill products, whatever the language of the user who billed first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["res.lang"]._lang_get("es_MX"):
            cls.skipTest(cls, "Spanish (es_MX) is not installed.")
        cls.company = cls.env["res.company"].create({"name": "Town of Mecca"})
        cls.env["account.journal"].with_company(cls.company).create(
            {
                "name": "Customer Invoices",
                "code": "INV",
                "type": "sale",
                "company_id": cls.company.id,
            }
        )

    def _names(self, record, fname="name"):
        return (
            record.with_context(lang="en_US")[fname],
            record.with_context(lang="es_MX")[fname],
        )

    def test_journal_created_by_an_english_user(self):
        journal = self.company.with_context(lang="en_US")._get_utility_journal()
        self.assertEqual(
            self._names(journal), ("Utility Bills", "Facturas de servicios públicos")
        )

    def test_journal_created_by_a_spanish_user(self):
        """A clerk working in Spanish bills first: the journal keeps its
        English name for English users."""
        journal = self.company.with_context(lang="es_MX")._get_utility_journal()
        self.assertEqual(
            self._names(journal), ("Utility Bills", "Facturas de servicios públicos")
        )
        self.assertEqual(journal.name, "Facturas de servicios públicos")

    def test_chart_accounts(self):
        company = self.company.with_context(lang="es_MX")
        water = company._utility_chart_account("water")
        self.assertEqual(
            self._names(water),
            ("Water Sales - Water Fund", "Ventas de agua - Fondo de agua"),
        )
        deposits = company._get_utility_deposit_account()
        self.assertEqual(self._names(deposits)[0], "Customer Deposits")
        self.assertNotEqual(self._names(deposits)[1], "Customer Deposits")

    def test_language_loaded_after_the_journal(self):
        """A journal made while only English was installed (Spanish loaded
        later) is named in Spanish when the language's terms load."""
        journal = self.company.with_context(lang="en_US")._get_utility_journal()
        journal.with_context(lang="es_MX").name = "Utility Bills"
        self.env["ir.module.module"]._load_module_terms(["utility_billing"], ["es_MX"])
        self.assertEqual(self._names(journal)[1], "Facturas de servicios públicos")
        # A name the city chose is kept.
        journal.with_context(lang="en_US").name = "Coachella Water Bills"
        journal.with_context(lang="es_MX").name = "Recibos de agua"
        self.company._utility_translate_created_names()
        self.assertEqual(
            self._names(journal), ("Coachella Water Bills", "Recibos de agua")
        )

    def test_bill_products(self):
        for xmlid in (
            "utility_billing.product_water_fixed",
            "utility_billing.product_water_usage",
            "utility_billing.product_sewer",
            "utility_billing.product_trash",
            "utility_billing.product_deposit",
        ):
            product = self.env.ref(xmlid)
            with self.subTest(product=xmlid):
                english, spanish = self._names(product)
                self.assertTrue(spanish)
                self.assertNotEqual(english, spanish)
