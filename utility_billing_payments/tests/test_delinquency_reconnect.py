# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyReconnect(UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("REC0001")
        cls.bill = cls._bill(cls.account, 100.0)

    def _disconnect(self):
        self._walk_to_list(self.account)
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        line.order_id.result_date = self._days(60)
        line.order_id.action_done()
        self.assertTrue(self.account.disconnected)

    def test_fee_caps(self):
        company = self.company
        self.assertEqual(company._utility_reconnect_fee(False, False), 75.0)
        self.assertEqual(company._utility_reconnect_fee(True, False), 200.0)
        self.assertEqual(company._utility_reconnect_fee(False, True), 50.0)
        self.assertEqual(company._utility_reconnect_fee(True, True), 150.0)
        # CPI up 10% since 2021: the caps become $55 and $165.
        company.utility_reconnect_cpi_current = 288.42
        self.assertEqual(company._utility_reconnect_fee(False, True), 55.0)
        self.assertEqual(company._utility_reconnect_fee(True, True), 165.0)
        # Never more than the city's own fee (its actual cost).
        company.utility_reconnect_fee_business = 40.0
        self.assertEqual(company._utility_reconnect_fee(False, True), 40.0)

    def test_payment_reconnects_with_fee(self):
        self._disconnect()
        self._pay(self.account, 110.0, self._days(61))
        order = self.env["utility.service.order"].search(
            [("account_id", "=", self.account.id), ("order_type", "=", "reconnect")]
        )
        self.assertEqual(len(order), 1)
        fee = order.reconnect_fee_move_id
        self.assertEqual(fee.state, "posted")
        self.assertEqual(fee.amount_total, 75.0)
        self.assertEqual(fee.utility_account_id, self.account)
        self.assertEqual(fee.invoice_line_ids.product_id, self.reconnect_product)
        self.assertIn("business hours", fee.invoice_line_ids.name)
        # A second payment does not charge the fee again.
        self._pay(self.account, 10.0, self._days(61))
        self.assertEqual(
            self.env["utility.service.order"].search_count(
                [("account_id", "=", self.account.id), ("order_type", "=", "reconnect")]
            ),
            1,
        )
        order.action_done()
        self.assertFalse(self.account.disconnected)

    def test_low_income_after_hours_from_the_wizard(self):
        self._sb998_case(self.account, "inability")
        self._disconnect()
        wizard_form = Form(
            self.env["utility.delinquency.reconnect"].with_context(
                default_account_id=self.account.id
            )
        )
        wizard_form.after_hours = True
        self.assertEqual(wizard_form.fee, 150.0)
        wizard = wizard_form.save()
        action = wizard.action_reconnect()
        order = self.env["utility.service.order"].browse(action["res_id"])
        fee = order.reconnect_fee_move_id
        self.assertEqual(fee.amount_total, 150.0)
        self.assertIn("low-income", fee.invoice_line_ids.name)

    def test_wizard_refuses_connected_account(self):
        wizard = self.env["utility.delinquency.reconnect"].create(
            {"account_id": self.account.id}
        )
        with self.assertRaisesRegex(UserError, "not disconnected"):
            wizard.action_reconnect()

    def test_sb998_annual_count(self):
        self._disconnect()
        shop = self._account("REC0002", customer_class="commercial")
        # Due on day 63: its runs come after the ones above (an earlier date
        # is not run again).
        shop_due = self._days(63)
        self._bill(shop, 100.0, due=shop_due)
        for day in (1, 5, 20, 25, 33, 36):
            self._run(fields.Date.add(shop_due, days=day))
        shop_day = fields.Date.add(shop_due, days=36)
        line = self._shutoff_line(shop, shop_day)
        line.list_id.with_user(self.csr2).action_confirm()
        line.order_id.result_date = shop_day
        line.order_id.action_done()
        report = self.env["utility.delinquency.sb998.report"].create({"year": 2025})
        months, total = report._count_by_month(2025, self.company)
        self.assertEqual(total, 1, "Residential only")
        month = (
            self.env["utility.service.order"]
            .search(
                [
                    ("account_id", "=", self.account.id),
                    ("order_type", "=", "disconnect"),
                ]
            )
            .result_date.month
        )
        self.assertEqual(dict(months)[month], 1)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_payments.report_utility_sb998_count", report.ids
            )[0]
            .decode()
        )
        self.assertIn("Inability to Pay: <span>2025</span>", html)
