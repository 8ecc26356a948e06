# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_billing import UtilityBillingRunCommon


@tagged("post_install", "-at_install")
class TestUtilityTaxRollExport(UtilityBillingRunCommon):
    """Sewer levied on the property tax roll: the yearly levy file per parcel
    (APN) the county loads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levied = cls.env["utility.service.type"].create(
            {"name": "Test Sewer Levy", "code": "TSEW", "billing_channel": "tax_roll"}
        )
        cls.levy_rate = cls._create_rate(
            "TSEW-RES",
            cls.levied,
            [
                {
                    "name": "Sewer service charge",
                    "component_type": "fixed_unit",
                    "amount": 41.81,
                    "product_id": cls.product_sewer.id,
                }
            ],
        )
        cls.owner = cls.env["res.partner"].create(
            {"name": "Desert Palms Apartments LLC"}
        )
        cls.house_premise, cls.house = cls._levied_account("TX-1", "763-210-045")
        cls.apartments_premise, cls.apartments = cls._levied_account(
            "TX-2",
            "763-210-001",
            customer_class="multi_family",
            living_units=4,
            partner=cls.owner,
        )

    @classmethod
    def _levied_account(cls, serial, apn, **vals):
        premise, _meter, account = cls._billing_account(
            serial,
            services=[cls.water, cls.levied],
            rates={cls.levied: cls.levy_rate},
            **vals,
        )
        premise.apn = apn
        return premise, account

    def _export(self):
        wizard = (
            self.env["utility.tax.roll.export"]
            .with_user(self.csr2)
            .create(
                {
                    "service_type_id": self.levied.id,
                    "fiscal_year_start": "2025-07-01",
                    "fund_code": "5210",
                }
            )
        )
        wizard.action_export()
        return wizard

    def test_levy_file_per_apn(self):
        """One line per parcel with 12 months of the levy: $41.81 a living unit a
        month is $501.72 for a house and 12 x 4 x $41.81 = $2,006.88 for four
        apartments; sorted by APN, CSV with CRLF line ends."""
        wizard = self._export()
        expected = (
            "APN,Fund,Fiscal Year,Amount,Units,Accounts,Service Address,Owner\r\n"
            f"763-210-001,5210,2025-26,2006.88,4,{self.apartments.name},"
            '"TX-2 Calle Tampico, Coachella, 92236",Desert Palms Apartments LLC\r\n'
            f"763-210-045,5210,2025-26,501.72,1,{self.house.name},"
            '"TX-1 Calle Tampico, Coachella, 92236",Maria Garcia\r\n'
        ).encode()
        self.assertEqual(base64.b64decode(wizard.file), expected)
        self.assertEqual(wizard.filename, "tsew_levy_2025-26.csv")
        self.assertEqual(wizard.line_count, 2)
        self.assertAlmostEqual(wizard.total, 2508.60)

    def test_accounts_of_one_parcel_are_one_levy(self):
        """Premises of one parcel (e.g. condominiums) are levied on one line:
        their units and amounts add up and their accounts are listed."""
        _premise, condo = self._levied_account("TX-3", "763-210-045")
        wizard = self._export()
        lines = base64.b64decode(wizard.file).decode().split("\r\n")
        self.assertEqual(wizard.line_count, 2)
        self.assertEqual(
            lines[2],
            f"763-210-045,5210,2025-26,1003.44,2,{self.house.name} {condo.name},"
            '"TX-1 Calle Tampico, Coachella, 92236",Maria Garcia',
        )

    def test_premise_without_apn_refused(self):
        """Premises without a parcel number cannot be levied: the export is
        refused, naming them, and no file is produced."""
        premise, _account = self._levied_account("TX-4", False)
        wizard = (
            self.env["utility.tax.roll.export"]
            .with_user(self.csr2)
            .create(
                {"service_type_id": self.levied.id, "fiscal_year_start": "2025-07-01"}
            )
        )
        with self.assertRaisesRegex(UserError, "no parcel number") as cm:
            wizard.action_export()
        self.assertIn("TX-4 Calle Tampico, Coachella, 92236", str(cm.exception))
        self.assertNotIn("TX-1", str(cm.exception))
        self.assertFalse(wizard.file)

    def test_only_active_accounts_levied(self):
        """Only active accounts are levied; with none, nothing is exported."""
        (self.house | self.apartments).write({"state": "closed"})
        wizard = self.env["utility.tax.roll.export"].create(
            {"service_type_id": self.levied.id, "fiscal_year_start": "2025-07-01"}
        )
        with self.assertRaisesRegex(UserError, "nothing to levy"):
            wizard.action_export()
        self.assertFalse(wizard.file)

    def test_formula_cells_escaped(self):
        """Names and parcel numbers typed by people that start like a spreadsheet
        formula are escaped with a leading quote (formula injection); the amounts
        stay numbers."""
        self.owner.name = '=HYPERLINK("http://evil.example","Refund")'
        self.apartments_premise.apn = "@763-210-001"
        wizard = self._export()
        rows = list(csv.reader(io.StringIO(base64.b64decode(wizard.file).decode())))
        row = next(row for row in rows if row[4] == "4")
        self.assertEqual(row[0], "'@763-210-001")
        self.assertEqual(row[3], "2006.88")
        self.assertEqual(row[7], '\'=HYPERLINK("http://evil.example","Refund")')
