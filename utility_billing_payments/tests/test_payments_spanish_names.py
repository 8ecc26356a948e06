# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPaymentsSpanishNames(TransactionCase):
    """What the payments addon creates for a city (the counter's payment
    methods and journals, the clearing accounts) reads in Spanish for a
    Spanish-speaking cashier, in English for the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["res.lang"]._lang_get("es_MX"):
            cls.skipTest(cls, "Spanish (es_MX) is not installed.")
        cls.company = cls.env["res.company"].create({"name": "Town of Thermal"})

    def _names(self, records):
        return [
            (r.with_context(lang="en_US").name, r.with_context(lang="es_MX").name)
            for r in records
        ]

    def test_counter_methods_and_journals(self):
        # Set up by a clerk working in Spanish: English stays English.
        company = self.company.with_context(lang="es_MX")
        methods = company._utility_counter_payment_methods()
        self.assertEqual(
            sorted(self._names(methods)),
            [("Card", "Tarjeta"), ("Cash", "Efectivo"), ("Check", "Cheque")],
        )
        self.assertEqual(
            sorted(self._names(methods.journal_id)),
            [
                ("Counter Card", "Tarjeta en ventanilla"),
                ("Counter Cash", "Efectivo en ventanilla"),
                ("Counter Check", "Cheque en ventanilla"),
            ],
        )

    def test_clearing_accounts(self):
        self.company.with_context(lang="en_US")._utility_counter_setup()
        self.company._utility_ensure_ach_clearing_account()
        self.assertEqual(
            self._names(self.company.utility_counter_clearing_account_id),
            [("Counter Payments Clearing", "Cuenta puente de pagos en ventanilla")],
        )
        self.assertEqual(
            self._names(self.company.utility_counter_journal_id),
            [("Counter Payments", "Pagos en ventanilla")],
        )
        self.assertEqual(
            self._names(self.company.ach_clearing_account_id),
            [("ACH Clearing", "Cuenta puente ACH")],
        )
