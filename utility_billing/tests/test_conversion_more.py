# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import zipfile

from odoo.exceptions import UserError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .test_conversion import GOOD, ConversionCommon

SB998_HEADER = (
    "reference,account_number,kind,received_date,effective_date,expiry_date,"
    "inability_basis,program\n"
)
MORE = {
    "sb998": SB998_HEADER
    + """L-MED-1,CV-0001,medical,2025-05-01,,2026-04-30,,
L-INA-1,CV-0002,inability,2025-04-10,2025-04-10,,program,calfresh
L-APP-1,CV-0003,appeal,2025-06-01,,,,
""",
    "notes": """account_number,date,note
CV-0001,2024-06-12,Gate code 1234; dog in the yard.
CV-0002,06/01/2023,Prefers Spanish.
""",
}
BAD_MORE = {
    "sb998": SB998_HEADER
    + """L-MED-1,CV-0001,medical,2025-05-01,,2024-04-30,,
L-INA-1,CV-0002,inability,2025-04-10,,,,
L-APP-1,CV-0003,lawsuit,2025-06-01,,,,
""",
    "notes": """account_number,date,note
CV-0099,2024-06-12,Gate code 1234; dog in the yard.
CV-0002,yesterday,Prefers Spanish.
""",
}
EXPECTED = {
    ("sb998.csv", 2, "expiry_date"),  # expires before it is effective
    ("sb998.csv", 3, "inability_basis"),  # inability with no basis
    ("sb998.csv", 4, "kind"),  # not a kind
    ("notes.csv", 2, "account_number"),  # account not in the file
    ("notes.csv", 3, "date"),  # not a date
}


@tagged("post_install", "-at_install")
class TestConversionMore(ConversionCommon):
    def _cases(self):
        return self.env["utility.sb998.case"].search(
            [("account_id.name", "=like", "CV-%")]
        )

    def _notes(self):
        return self.env["mail.message"].search(
            [
                ("model", "=", "utility.account"),
                ("body", "ilike", "Legacy note of"),
            ]
        )

    def test_planted_errors_nothing_loaded(self):
        conversion = self._conversion({**GOOD, **BAD_MORE})
        conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        found = {(e.file_name, e.line_no, e.field_name) for e in conversion.error_ids}
        self.assertEqual(found, EXPECTED)
        with self.assertRaises(UserError):
            conversion.action_load()
        self.assertFalse(self._cases())
        self.assertFalse(self._notes())
        self.assertFalse(
            self.env["utility.account"].search([("name", "=like", "CV-%")])
        )

    def test_load_cases_and_notes_then_reload(self):
        conversion = self._conversion({**GOOD, **MORE})
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        self.assertEqual(conversion.state, "loaded")
        cases = self._cases()
        by_ref = {c.account_id.name: c for c in cases}
        self.assertEqual(len(cases), 3)
        medical = by_ref["CV-0001"]
        self.assertEqual(medical.state, "active")
        self.assertEqual(medical.decision, "accepted")
        self.assertEqual(medical.decided_by_id, self.manager)
        self.assertEqual(str(medical.effective_date), "2025-05-01")
        self.assertEqual(str(medical.expiry_date), "2026-04-30")
        self.assertEqual(by_ref["CV-0002"].state, "active")
        self.assertEqual(by_ref["CV-0002"].program, "calfresh")
        self.assertEqual(by_ref["CV-0003"].state, "received")  # a pending appeal
        notes = self._notes()
        self.assertEqual(len(notes), 2)
        account = conversion.account_ids.filtered(lambda a: a.name == "CV-0001")
        note = notes.filtered(lambda m: m.res_id == account.id)
        self.assertIn("Legacy note of 06/12/2024:", note.body)
        self.assertIn("Gate code 1234", note.body)
        # A re-load of the same files creates nothing.
        again = self._conversion({**GOOD, **MORE})
        again.action_validate()
        again.action_load()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(self._cases(), cases)
        self.assertEqual(self._notes(), notes)

    def test_validated_keeps_its_new_files(self):
        """A validated conversion refuses a new SB 998 or notes file (set it
        back to draft first), as it does for the first templates."""
        conversion = self._conversion({**GOOD, **MORE})
        conversion.action_validate()
        self.assertEqual(conversion.state, "validated")
        for kind in ("sb998", "notes"):
            with self.subTest(kind=kind), self.assertRaises(UserError):
                conversion.write({f"{kind}_file": base64.b64encode(b"x")})
        conversion.action_draft()
        conversion.write({"notes_file": False})
        self.assertFalse(conversion.notes_file)

    def _load_with_controls(self, controls):
        conversion = self._conversion(
            GOOD,
            control_ids=[(0, 0, vals) for vals in controls],
        )
        conversion.action_validate()
        conversion.action_load()
        return conversion

    def test_proof_by_class_and_size_ties_and_differs(self):
        controls = [
            {
                "category": "accounts",
                "status": "active",
                "customer_class": "residential",
                "legacy_count": 2,
            },
            {
                "category": "accounts",
                "status": "final",
                "customer_class": "commercial",
                "legacy_count": 1,
            },
            {"category": "meters", "size": "3/4", "legacy_count": 1},
            {"category": "meters", "size": "1", "legacy_count": 1},
        ]
        conversion = self._load_with_controls(controls)
        table = {row[0]: row for row in conversion._proof_table()}
        self.assertEqual(table["Active accounts, Residential"][1:5], (2, 2, 0, True))
        self.assertEqual(table["Final accounts, Commercial"][1:5], (1, 1, 0, True))
        self.assertEqual(table['Meters, 3/4"'][1:5], (1, 1, 0, True))
        self.assertEqual(table['Meters, 1"'][1:5], (1, 1, 0, True))
        self.assertIn("Active accounts, Residential", conversion.proof_html)
        # The legacy system counted one meter of 1" as 5/8": a difference on
        # both sizes.
        conversion.control_ids.filtered(lambda c: c.size == "1").size = "5/8"
        conversion.invalidate_recordset()
        table = {row[0]: row for row in conversion._proof_table()}
        self.assertEqual(table['Meters, 5/8"'][1:5], (1, 0, -1, False))
        self.assertEqual(table['Meters, 1"'][1:5], (0, 1, 1, False))
        self.assertFalse(conversion.proof_ties)
        self.assertIn("DIFFERENCE", conversion.proof_html)
        pdf, _type = self.env["ir.actions.report"]._render_qweb_html(
            "utility_billing.report_utility_conversion_proof", conversion.ids
        )
        self.assertIn(b"Active accounts, Residential", pdf)

    def test_proof_xlsx_has_the_rows(self):
        conversion = self._load_with_controls(
            [{"category": "meters", "size": "3/4", "legacy_count": 1}]
        )
        action = conversion.with_user(self.manager).action_export_proof_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "utility.conversion"), ("res_id", "=", conversion.id)]
        )
        self.assertEqual(len(attachment), 1)
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(attachment.datas))) as xlsx:
            strings = xlsx.read("xl/sharedStrings.xml").decode()
        for text in (
            "Active accounts",
            "Meters, 3/4",
            "Deposits held",
            "TIES",
            "DIFFERENCE",
            "Legacy",
            "Loaded",
        ):
            self.assertIn(text, strings)


@tagged("post_install", "-at_install")
class TestConversionMoreJsonRpc(HttpCase, ConversionCommon):
    """A CSR over JSON-RPC neither exports the proof nor keys its control
    totals."""

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": {}},
        )

    @mute_logger("odoo.http")
    def test_csr_refused_over_json_rpc(self):
        conversion = self._conversion(GOOD)
        conversion.action_validate()
        conversion.action_load()
        for user in (self.csr1, self.csr2):
            self.authenticate(user.login, user.login)
            for model, method, args in (
                ("utility.conversion", "action_export_proof_xlsx", [conversion.ids]),
                (
                    "utility.conversion.control",
                    "create",
                    [{"conversion_id": conversion.id, "legacy_count": 9}],
                ),
            ):
                with (
                    self.subTest(user=user.login, method=method),
                    self.assertRaises(JsonRpcException) as cm,
                ):
                    self._call(model, method, args)
                self.assertIn("AccessError", str(cm.exception))
        self.assertFalse(conversion.control_ids)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "utility.conversion"),
                    ("res_id", "=", conversion.id),
                ]
            )
        )
