# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import UtilityReportsCommon

READ_BY_CSR2 = [
    "utility.report.billing.register",
    "utility.report.billing.register.line",
    "utility.report.revenue",
    "utility.report.consumption",
    "utility.report.consumption.stats",
    "utility.report.adjustment",
    "utility.report.deposit",
]
READ_BY_CSR1 = ["utility.report.cash.receipt", "utility.report.misc.receipt"]


@tagged("post_install", "-at_install")
class TestReportAccess(UtilityReportsCommon):
    def test_csr1_reads_cash_receipts_only(self):
        for model in READ_BY_CSR1:
            self.env[model].with_user(self.csr1).search([], limit=1)
        rows = (
            self.env["utility.report.cash.receipt"]
            .with_user(self.csr1)
            .search([("account_id", "=", self.account_a.id)])
        )
        self.assertEqual(rows.move_id, (self.pay_a | self.prior_payment).move_id)
        rows.read(["amount", "tender", "cashier_id", "source", "partner_id"])
        for model in READ_BY_CSR2:
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.csr1).search([], limit=1)
        for model in (
            "utility.report.aged.receivable",
            "utility.report.month.end",
            "utility.report.export",
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.csr1).create({})

    def test_csr2_and_manager_read_every_report(self):
        for user in (self.csr2, self.manager):
            for model in READ_BY_CSR2 + READ_BY_CSR1:
                rows = self.env[model].with_user(user).search([], limit=5)
                rows.read()
            report = self._aged(date(2025, 5, 31), user=user)
            self.assertEqual(report._ub_totals()["amount_total"], 252.69)
            month = (
                self.env["utility.report.month.end"]
                .with_user(user)
                .create(
                    {
                        "date_from": "2025-05-01",
                        "date_to": "2025-05-31",
                        "billing_cycle_ids": [Command.set(self.cycle.ids)],
                    }
                )
            )
            self.assertTrue(month.ties)
            self.assertEqual(month.closing_computed, 252.69)

    def test_menus_by_role(self):
        menus = {
            "csr1": self.env["ir.ui.menu"].with_user(self.csr1)._visible_menu_ids(),
            "csr2": self.env["ir.ui.menu"].with_user(self.csr2)._visible_menu_ids(),
        }
        ref = self.env.ref
        cash = ref("utility_billing_reports.utility_report_cash_receipt_menu").id
        register = ref(
            "utility_billing_reports.utility_report_billing_register_menu"
        ).id
        month_end = ref("utility_billing_reports.utility_report_month_end_menu").id
        self.assertIn(cash, menus["csr1"])
        self.assertNotIn(register, menus["csr1"])
        self.assertNotIn(month_end, menus["csr1"])
        self.assertTrue({cash, register, month_end} <= set(menus["csr2"]))


@tagged("post_install", "-at_install")
class TestReportMultiCompany(UtilityReportsCommon):
    """Another utility in the same database: its figures never mix with ours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Indio Water District")["company"]
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        cls.env.user.company_ids |= cls.company_b
        env_b = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids)
        )
        water = env_b["utility.service.type"].create(
            {"name": "Water", "code": "IWATER", "metered": False}
        )
        cycle = env_b["utility.billing.cycle"].create({"name": "Indio", "code": "I1"})
        route = env_b["utility.route"].create(
            {"name": "Indio 1", "code": "I1", "cycle_id": cycle.id}
        )
        premise = env_b["utility.premise"].create(
            {"street": "45 Calle Indio", "route_id": route.id}
        )
        cls.account_indio = env_b["utility.account"].create(
            {
                "partner_id": cls.partner_a.id,
                "premise_id": premise.id,
                "service_ids": [Command.create({"service_type_id": water.id})],
            }
        )
        cls.account_indio.action_activate()
        cls.bill_indio = env_b["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner_a.id,
                "invoice_date": "2025-04-03",
                "invoice_date_due": "2025-04-24",
                "utility_account_id": cls.account_indio.id,
                "invoice_line_ids": [
                    Command.create({"name": "Water", "quantity": 1, "price_unit": 77.0})
                ],
            }
        )
        cls.bill_indio.action_post()
        cls.user_a = new_test_user(
            cls.env,
            login="rep_manager_a",
            groups="base.group_user,utility_billing.group_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user_b = new_test_user(
            cls.env,
            login="rep_manager_b",
            groups="base.group_user,utility_billing.group_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def test_each_company_sees_its_own_bills(self):
        register = "utility.report.billing.register"
        rows_a = self.env[register].with_user(self.user_a).search([])
        rows_b = self.env[register].with_user(self.user_b).search([])
        self.assertNotIn(self.bill_indio, rows_a.move_id)
        self.assertIn(self.bill["a", "march"], rows_a.move_id)
        self.assertEqual(rows_b.move_id, self.bill_indio)
        # Even asked for by id.
        self.assertFalse(
            self.env[register]
            .with_user(self.user_a)
            .search([("id", "=", self.bill_indio.id)])
        )
        revenue = self.env["utility.report.revenue"].with_user(self.user_b)
        self.assertEqual(revenue._read_group([], [], ["amount:sum"])[0][0], 77.0)

    def test_aged_receivables_of_another_company_refused(self):
        with self.assertRaises(UserError):  # an AccessError is a UserError too
            self.env["utility.report.aged.receivable"].with_user(self.user_a).create(
                {"as_of_date": "2025-05-31", "company_id": self.company_b.id}
            )
        report = (
            self.env["utility.report.aged.receivable"]
            .with_user(self.user_b)
            .create({"as_of_date": "2025-05-31"})
        )
        report.action_show()
        self.assertEqual(report.line_ids.account_id, self.account_indio)
        self.assertEqual(report._ub_totals()["amount_total"], 77.0)
        month = (
            self.env["utility.report.month.end"]
            .with_user(self.user_b)
            .create({"date_from": "2025-04-01", "date_to": "2025-04-30"})
        )
        self.assertEqual((month.billed, month.closing_journal), (77.0, 77.0))
        self.assertTrue(month.ties)
