# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

import openpyxl

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import UtilityReportsCommon


@tagged("post_install", "-at_install")
class TestPrintExport(UtilityReportsCommon):
    def _wizard(self, **vals):
        return self.env["utility.report.export"].create(
            {
                "date_from": "2025-05-01",
                "date_to": "2025-05-31",
                "billing_cycle_ids": [Command.set(self.cycle.ids)],
                **vals,
            }
        )

    def _html(self, action):
        """The HTML of the report a print action returns."""
        report = self.env["ir.actions.report"]._get_report(action["report_name"])
        ids = action["context"].get("active_ids") if action.get("context") else None
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html(report, ids, data=action.get("data"))[0]
            .decode()
        )

    def test_print_each_report(self):
        """Each report of May for the ledger's cycle: its figures, and none of
        another month or of the demo data."""
        expected = {
            # The April bills (May 3): 262.69; taxes 8.44.
            "billing_register": (
                ["262.69", "8.44", "Water usage tier 2 (over 41)"],
                ["226.62"],
            ),
            # 168.75 + 85.50 - 10.00; May 2024: 50.00.
            "revenue": (["244.25", "50.00", "2024-25 Q4"], ["219.90"]),
            # 40.00 + 20.00 + 61.89 (mail, other, online).
            "cash_receipts": (["121.89", "61.89", "Online"], ["90.24"]),
            "adjustments": (["10.00", self.adjustment.name], []),
            "deposits": ([self.account_c.name, "100.00"], []),
            "aged": (["252.69", "113.16", "Residential"], ["136.38"]),
            "month_end": (["252.69", "136.38", "121.89", "o_ub_ties"], []),
        }
        for report, (texts, absent) in expected.items():
            wizard = self._wizard(report=report)
            html = self._html(wizard.action_print())
            for text in texts:
                self.assertIn(text, html, f"{report}: {text}")
            for text in absent:
                self.assertNotIn(text, html, f"{report}: {text}")
        # Only the ledger's accounts: no demo account's.
        html = self._html(self._wizard(report="billing_register").action_print())
        self.assertEqual(html.count("o_ub_register_bill"), 3)

    def test_print_consumption_statistics(self):
        wizard = self._wizard(
            report="consumption", date_from="2025-03-01", date_to="2025-04-30"
        )
        html = self._html(wizard.action_print())
        # Residential: A 80 and C 22 over the two months, median 51.
        for text in ("Top Users", "Residential", "Commercial", "51.000", "146.000"):
            self.assertIn(text, html)

    def test_print_selected_rows(self):
        """From a list: the selected rows only (Print menu of the report)."""
        rows = self._report(
            "utility.report.billing.register", [("run_id", "=", self.run_march.id)]
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_reports.action_report_utility_billing_register",
                rows.ids,
            )[0]
            .decode()
        )
        self.assertIn("226.62", html)
        self.assertNotIn("262.69", html)

    def test_nothing_to_print(self):
        wizard = self._wizard(
            report="adjustments", date_from="2024-01-01", date_to="2024-01-31"
        )
        with self.assertRaisesRegex(UserError, "nothing to print"):
            wizard.action_print()

    def test_workbook_has_a_sheet_per_report(self):
        wizard = self._wizard()
        action = wizard.action_export_xlsx()
        self.assertIn("download=true", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        self.assertEqual(
            book.sheetnames,
            [
                "Billing Register",
                "Aged Receivables",
                "Revenue",
                "Consumption Statistics",
                "Cash Receipts Journal",
                "Adjustments Register",
                "Deposits Held",
                "Month-End Summary",
            ],
        )

        def values(sheet):
            return [
                [cell for cell in row if cell is not None]
                for row in book[sheet].iter_rows(values_only=True)
            ]

        register = values("Billing Register")
        self.assertIn(["Total (3)", 84.0, 254.25, 8.44, 262.69], register)
        aged = values("Aged Receivables")
        self.assertIn(["Total (3)", 0.0, 252.69, 0.0, 0.0, 0.0, 0.0, 252.69], aged)
        month_end = values("Month-End Summary")
        self.assertIn(["Receivables at start", 136.38], month_end)
        self.assertIn(["= Receivables at end (roll-forward)", 252.69], month_end)
        self.assertIn(["Ties to the journal"], month_end)
        cash = values("Cash Receipts Journal")
        self.assertIn(["Total (3)", 3, 121.89], cash)

    def test_workbook_of_one_report(self):
        report = self._aged("2025-04-30")
        action = report.action_export_xlsx()
        export = self.env["utility.report.export"].search([], order="id desc", limit=1)
        self.assertIn(f"id={export.id}", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.xlsx_file)))
        self.assertEqual(book.sheetnames, ["Aged Receivables"])
        with self.assertRaisesRegex(UserError, "at least one report"):
            self._wizard(
                **self.env["utility.report.export"]._ub_only_sheet("none")
            ).action_export_xlsx()

    def test_workbook_text_is_never_a_formula(self):
        """Names that start with =, +, - or @ are written as text with a
        leading apostrophe; amounts stay numbers; no cell is a formula."""
        self.partner_a.name = '=HYPERLINK("http://evil.example","Pay here")'
        self.partner_b.name = "+1 Valley Market"
        self.partner_c.name = "@SUM(A1:A9)"
        self.route.name = "-2 North"
        self.company.name = "=Coachella"
        wizard = self._wizard()
        wizard.action_export_xlsx()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        cells = [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
        self.assertFalse([c.coordinate for c in cells if c.data_type == "f"])
        texts = [c.value for c in cells if isinstance(c.value, str)]
        for name in (
            self.partner_a.name,
            self.partner_b.name,
            self.partner_c.name,
            self.route.name,
            self.company.name,
        ):
            self.assertIn("'" + name, texts)
            self.assertNotIn(name, texts)
        register = [
            [cell.value for cell in row if cell.value is not None]
            for row in book["Billing Register"].iter_rows()
        ]
        row = next(r for r in register if "'" + self.partner_b.name in r)
        self.assertEqual(row[-3:], [78.3, 2.49, 80.79])

    def test_csr2_prints_and_exports(self):
        """A CSR II, without accounting write rights, prints each report and
        exports the workbook."""
        for report, total in (
            ("billing_register", "262.69"),
            ("aged", "252.69"),
            ("month_end", "252.69"),
            ("adjustments", "10.00"),
        ):
            wizard = self._wizard(report=report).with_user(self.csr2)
            self.assertIn(total, self._html(wizard.action_print()), report)
        wizard = self._wizard().with_user(self.csr2)
        wizard.action_export_xlsx()
        self.assertTrue(wizard.xlsx_file)
