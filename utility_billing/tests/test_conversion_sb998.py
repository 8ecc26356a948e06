# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from .test_conversion import GOOD, ConversionCommon

HEADER = (
    "reference,account_number,kind,received_date,effective_date,expiry_date,"
    "inability_basis,program,provider_name,resident_name\n"
)
CASES = HEADER + (
    'L-MED-7,CV-0001,medical,2025-05-01,,2030-04-30,,,"Dr. Elena Soto, '
    'Clinica de Salud",Jose Delgado\n'
    "L-INA-7,CV-0002,inability,2025-04-10,,,declaration,,,\n"
)
BAD_CASES = HEADER + (
    "L-INA-8,CV-0002,inability,2025-04-10,,,declaration,,Dr. Soto,\n"
    "L-APP-8,CV-0003,appeal,2025-06-01,,,,,,Ana Ruiz\n"
)


@tagged("post_install", "-at_install")
class TestConversionSb998Medical(ConversionCommon):
    def _cases(self):
        return self.env["utility.sb998.case"].search(
            [("account_id.name", "=like", "CV-%")]
        )

    def test_provider_only_on_medical(self):
        conversion = self._conversion({**GOOD, "sb998": BAD_CASES})
        conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        self.assertEqual(
            {(e.file_name, e.line_no, e.field_name) for e in conversion.error_ids},
            {("sb998.csv", 2, "provider_name"), ("sb998.csv", 3, "resident_name")},
        )
        self.assertFalse(self._cases())

    def test_medical_certification_loaded_then_reload(self):
        conversion = self._conversion({**GOOD, "sb998": CASES})
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        medical = self._cases().filtered(lambda c: c.kind == "medical")
        self.assertEqual(medical.provider_name, "Dr. Elena Soto, Clinica de Salud")
        self.assertEqual(medical.resident_name, "Jose Delgado")
        # Accepted through its own Accept, by the manager who loaded it.
        self.assertEqual(medical.state, "active")
        self.assertEqual(medical.decided_by_id, self.manager)
        # The account's certification is the case's: its received date.
        account = medical.account_id
        self.assertTrue(account.medical_certification)
        self.assertEqual(account.medical_certification_date, date(2025, 5, 1))
        inability = self._cases().filtered(lambda c: c.kind == "inability")
        self.assertFalse(inability.provider_name)
        self.assertEqual(inability.state, "active")
        again = self._conversion({**GOOD, "sb998": CASES})
        again.action_validate()
        again.action_load()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(len(self._cases()), 2)
