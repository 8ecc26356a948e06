# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import HttpCase, tagged

from .common import call_kw
from .common_billing import UtilityBillingRunCommon


@tagged("post_install", "-at_install")
class TestUtilityChart(UtilityBillingRunCommon):
    """The accounts a city maps (README "Accounts a city maps"): a bill of the
    shipped utility products posts water and trash to their fund income
    accounts and the users tax to its payable account, never to revenue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.p_fixed = env.ref("utility_billing.product_water_fixed")
        cls.p_usage = env.ref("utility_billing.product_water_usage")
        cls.p_sewer = env.ref("utility_billing.product_sewer")
        cls.p_trash = env.ref("utility_billing.product_trash")
        # A users tax as a city enters it: tax lines without an account.
        cls.city_uut = env["account.tax"].create(
            {
                "name": "City Utility Users Tax 5%",
                "amount_type": "percent",
                "amount": 5.0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        (cls.p_fixed | cls.p_usage).write({"taxes_id": [(6, 0, cls.city_uut.ids)]})
        cls.company._utility_chart_setup()

    def _account_of(self, code):
        return self.env["account.account"].search(
            [("company_ids", "in", self.company.id), ("code", "=", code)]
        )

    def test_setup_is_idempotent(self):
        self.company._utility_chart_setup()
        self.company._utility_chart_setup()
        for code in ("410000", "420000", "430000", "440000", "460000", "221100"):
            with self.subTest(code=code):
                self.assertEqual(len(self._account_of(code)), 1)
        self.assertEqual(self._account_of("221100").account_type, "liability_current")
        deposits = self.company._utility_ensure_deposit_account()
        self.assertEqual(deposits, self.company.utility_deposit_account_id)
        self.assertEqual(deposits.account_type, "liability_current")
        self.assertEqual(
            self.p_sewer.with_company(self.company).property_account_income_id,
            self._account_of("420000"),
        )

    def test_posted_bill_lands_on_fund_and_tax_accounts(self):
        water_rate = self._create_rate(
            "CH-W",
            self.water,
            [
                {
                    "name": "Water service charge",
                    "component_type": "fixed_flat",
                    "amount": 13.80,
                    "product_id": self.p_fixed.id,
                },
                {
                    "name": "Water usage",
                    "component_type": "tiered",
                    "product_id": self.p_usage.id,
                    "tier_ids": [
                        (0, 0, {"sequence": 1, "upper_limit": 0, "price": 1.5})
                    ],
                },
            ],
        )
        trash_rate = self._create_rate(
            "CH-T",
            self.trash,
            [
                {
                    "name": "Trash collection",
                    "component_type": "fixed_flat",
                    "amount": 28.50,
                    "product_id": self.p_trash.id,
                }
            ],
        )
        _premise, meter, account = self._billing_account(
            "CHART-1", rates={self.water: water_rate, self.trash: trash_rate}
        )
        self._read(meter, "2025-03-31", 10)
        run = self._bill()
        bill = run.invoice_ids.filtered(lambda m: m.utility_account_id == account)
        self.assertEqual(bill.state, "posted")
        by_code = {}
        for line in bill.line_ids.filtered(
            lambda ln: ln.display_type != "payment_term"
        ):
            by_code.setdefault(line.account_id.code, 0.0)
            by_code[line.account_id.code] += line.credit - line.debit
        # Water 13.80 + 10 HCF x 1.50; trash 28.50; 5% users tax on water.
        self.assertEqual(by_code, {"410000": 28.80, "430000": 28.50, "221100": 1.44})
        tax_line = bill.line_ids.filtered(lambda ln: ln.tax_line_id == self.city_uut)
        self.assertEqual(tax_line.account_id.account_type, "liability_current")
        self.assertNotIn(tax_line.account_id.account_type, ("income", "income_other"))


@tagged("post_install", "-at_install")
class TestUtilityChartRpc(UtilityBillingRunCommon, HttpCase):
    """Set Up Utility Accounts is a manager's, over JSON-RPC too."""

    def _call(self, model, method, args):
        reply = call_kw(self, model, method, args, kwargs=None, context=None)
        return reply.get("result"), reply.get("error")

    def test_csr2_refused_manager_allowed(self):
        settings = self.env["utility.settings"].create({})
        self.authenticate(self.csr2.login, self.csr2.login)
        _result, error = self._call(
            "utility.settings", "action_utility_chart_setup", [settings.ids]
        )
        self.assertTrue(error, "the call was not refused")
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.authenticate(self.manager.login, self.manager.login)
        result, error = self._call(
            "utility.settings", "action_utility_chart_setup", [settings.ids]
        )
        self.assertFalse(error)
        self.assertTrue(result)
        self.assertTrue(self.company.utility_deposit_account_id)
