# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.utility_billing.tests.test_conversion import GOOD, ConversionCommon

HEADER = (
    "account_number,routing_number,bank_account_number,account_type,holder_name,"
    "prenote_status,start_date\n"
)
MANDATES = HEADER + (
    "CV-0001,021000021,4403118822,checking,Rosa Delgado,confirmed,2021-03-01\n"
    "CV-0002,322271627,77-0012345,savings,Juan Ortiz,sent,2025-06-23\n"
)
BAD_MANDATES = HEADER + (
    "CV-0001,021000022,4403118822,checking,Rosa Delgado,confirmed,2021-03-01\n"
    "CV-0002,322271627,12,savings,Juan Ortiz,sent,2025-06-23\n"
    "CV-0003,011000015,55501234,checking,Ana Ruiz,pending,2025-06-23\n"
)
EXPECTED = {
    ("mandates.csv", 2, "routing_number"),  # ABA check digit wrong
    ("mandates.csv", 3, "bank_account_number"),  # too short
    ("mandates.csv", 4, "prenote_status"),  # not a status
}


@tagged("post_install", "-at_install")
class TestConversionMandates(ConversionCommon):
    def _mandates(self):
        return self.env["utility.ach.mandate"].search(
            [("account_id.name", "=like", "CV-%")]
        )

    def test_planted_errors_nothing_loaded(self):
        conversion = self._conversion({**GOOD, "mandates": BAD_MANDATES})
        conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        found = {(e.file_name, e.line_no, e.field_name) for e in conversion.error_ids}
        self.assertEqual(found, EXPECTED)
        self.assertNotIn(
            "12",
            conversion.error_ids.filtered(
                lambda e: e.field_name == "bank_account_number"
            ).message,
        )
        with self.assertRaises(UserError):
            conversion.action_load()
        self.assertFalse(self._mandates())

    def test_final_account_refused(self):
        conversion = self._conversion(
            {
                **GOOD,
                "mandates": HEADER
                + "CV-0003,011000015,55501234,checking,Ana Ruiz,none,2025-06-23\n",
            }
        )
        conversion.action_validate()
        self.assertEqual(
            {(e.line_no, e.field_name) for e in conversion.error_ids},
            {(2, "account_number")},
        )

    def test_load_through_the_doors_then_reload(self):
        conversion = self._conversion(
            {**GOOD, "mandates": MANDATES}, legacy_mandates_active=1
        )
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        mandates = {m.account_id.name: m for m in self._mandates()}
        self.assertEqual(len(mandates), 2)
        confirmed = mandates["CV-0001"]
        self.assertEqual(confirmed.state, "active")
        self.assertEqual(confirmed.prenote_date, date(2021, 3, 1))
        self.assertEqual(confirmed.active_from, date(2021, 3, 1))
        self.assertEqual(confirmed.bank_account_masked, "****8822")
        self.assertEqual(confirmed.holder_name, "Rosa Delgado")
        self.assertIn("legacy system", confirmed.state_reason)
        sent = mandates["CV-0002"]
        self.assertEqual(sent.state, "pending_prenote")
        self.assertEqual(sent.bank_account_type, "savings")
        self.assertEqual(sent.sudo().bank_account_number, "770012345")
        self.assertEqual(sent.prenote_date, date(2025, 6, 23))
        self.assertGreater(sent.active_from, sent.prenote_date)
        # The prenote wait over, the daily activation makes it active.
        self.env["utility.ach.mandate"]._activate_prenoted(day=sent.active_from)
        self.assertEqual(sent.state, "active")
        conversion.invalidate_recordset()
        table = {row[0]: row for row in conversion._proof_table()}
        self.assertEqual(table["Active ACH mandates"][1:5], (1, 2, 1, False))
        conversion.write({"legacy_mandates_active": 2})
        table = {row[0]: row for row in conversion._proof_table()}
        self.assertEqual(table["Active ACH mandates"][1:5], (2, 2, 0, True))
        self.assertIn("Active ACH mandates", conversion.proof_html)
        # A re-load of the same files creates nothing (no second mandate).
        again = self._conversion({**GOOD, "mandates": MANDATES})
        again.action_validate()
        self.assertFalse(again.error_ids.mapped("message"))
        again.action_load()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(len(self._mandates()), 2)

    def test_open_mandate_in_database_refused(self):
        conversion = self._conversion({**GOOD, "mandates": MANDATES})
        conversion.action_validate()
        conversion.action_load()
        # The legacy system is reloaded after an account's mandate was keyed
        # here by hand: the keyed mandate is not a converted one.
        account = conversion.account_ids.filtered(lambda a: a.name == "CV-0002")
        self._mandates().filtered(lambda m: m.account_id == account).action_revoke()
        self.env["utility.ach.mandate"].create(
            {
                "account_id": account.id,
                "routing_number": "011000015",
                "bank_account_number": "99887766",
            }
        )
        again = self._conversion({**GOOD, "mandates": MANDATES})
        again.action_validate()
        self.assertEqual(
            {(e.file_name, e.line_no, e.field_name) for e in again.error_ids},
            {("mandates.csv", 3, "account_number")},
        )
