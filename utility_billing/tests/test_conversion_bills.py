# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_conversion import CUTOVER, GOOD, ConversionCommon

HEADER = "account_number,bill_number,bill_date,due_date,amount\n"
# CV-0001 keeps its balance by bucket; CV-0002 and CV-0003 come by bill.
BY_BILL = {
    **GOOD,
    "balances": """account_number,current,days_31_60,days_61_90,days_91_plus
CV-0001,45.10,38.75,0.00,
""",
    "open_bills": HEADER
    + """CV-0002,B-2001,2025-06-10,2025-07-05,30.00
CV-0002,B-1901,2025-05-10,2025-05-25,25.00
CV-0002,B-1801,04/01/2025,04/20/2025,20.00
CV-0002,CM-0007,2025-06-01,2025-06-01,-5.00
CV-0003,B-0901,2025-02-01,2025-02-20,60.00
""",
}
BAD_BILLS = HEADER + (
    "CV-0001,B-1,2025-05-01,2025-05-20,10.00\n"
    "CV-0002,B-2,2025-07-02,2025-07-20,10.00\n"
    "CV-0002,B-3,2025-05-10,2025-05-01,10.00\n"
    "CV-0002,B-3,2025-05-10,2025-05-25,10.00\n"
    "CV-0099,B-4,2025-05-10,2025-05-25,10.00\n"
    "CV-0003,B-5,2025-05-10,2025-05-25,0.00\n"
    "CV-0003,B-6,2025-05-10,2025-06-25,1.005\n"
)
EXPECTED = {
    ("open_bills.csv", 2, "account_number"),  # also in balances.csv
    ("open_bills.csv", 3, "bill_date"),  # billed after the cut-over
    ("open_bills.csv", 4, "due_date"),  # due before it was billed
    ("open_bills.csv", 5, "bill_number"),  # the same bill twice
    ("open_bills.csv", 6, "account_number"),  # account not in the file
    ("open_bills.csv", 7, "amount"),  # zero
    ("open_bills.csv", 8, "amount"),  # more than two decimals
}
LEGACY = {
    "legacy_active_count": 2,
    "legacy_final_count": 1,
    "legacy_meter_count": 2,
    # CV-0001 by bucket, plus the bills by their due date at June 30.
    "legacy_current": 45.10 + 30.00 - 5.00,
    "legacy_days_31_60": 38.75 + 25.00,
    "legacy_days_61_90": 20.00,
    "legacy_days_91_plus": 60.00,
    "legacy_deposits": 185.00,
}


@tagged("post_install", "-at_install")
class TestConversionBills(ConversionCommon):
    def _bill_moves(self):
        return self.env["account.move"].search(
            [
                ("utility_account_id.name", "in", ("CV-0002", "CV-0003")),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("utility_deposit_kind", "=", False),
            ]
        )

    def test_planted_errors_nothing_loaded(self):
        conversion = self._conversion({**BY_BILL, "open_bills": BAD_BILLS})
        conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        found = {(e.file_name, e.line_no, e.field_name) for e in conversion.error_ids}
        self.assertEqual(found, EXPECTED)
        both = conversion.error_ids.filtered(
            lambda e: e.line_no == 2 and e.field_name == "account_number"
        )
        self.assertIn("balances.csv", both.message)
        self.assertIn("open_bills.csv", both.message)
        with self.assertRaises(UserError):
            conversion.action_load()
        self.assertFalse(self._bill_moves())
        self.assertFalse(
            self.env["utility.account"].search([("name", "=like", "CV-%")])
        )

    def test_load_ages_each_bill_then_reload(self):
        conversion = self._conversion(BY_BILL, **LEGACY)
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        self.assertEqual(conversion.state, "loaded")
        self.assertTrue(conversion.proof_ties, conversion.proof_html)
        self.assertNotIn("DIFFERENCE", conversion.proof_html)
        moves = self._bill_moves()
        self.assertEqual(len(moves), 5)
        self.assertLessEqual(moves, conversion.move_ids)
        by_ref = {m.ref: m for m in moves}
        clearing = self.company.utility_conversion_account_id
        for move in moves:
            self.assertEqual(move.state, "posted")
            self.assertEqual(move.invoice_date, CUTOVER)
            lines = move.invoice_line_ids
            self.assertEqual(lines.account_id, clearing)
            self.assertIn(move.ref, lines.name)
        self.assertEqual(by_ref["CM-0007"].move_type, "out_refund")
        self.assertEqual(by_ref["CM-0007"].amount_total, 5.0)
        self.assertEqual(by_ref["B-2001"].invoice_date_due, date(2025, 7, 5))

        # The aging of the first day, read from the journal items: each bill
        # in the bucket of its own due date (a bill due after the cut-over is
        # current).
        def bucket(due):
            days = (CUTOVER - due).days
            if days <= 30:
                return "current"
            if days <= 60:
                return "31-60"
            if days <= 90:
                return "61-90"
            return "91+"

        receivable = self.env["account.move.line"].search(
            [
                ("move_id", "in", moves.ids),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        self.assertEqual(
            {
                (ln.move_id.ref, bucket(ln.date_maturity), ln.balance)
                for ln in receivable
            },
            {
                ("B-2001", "current", 30.0),
                ("B-1901", "31-60", 25.0),
                ("B-1801", "61-90", 20.0),
                ("CM-0007", "current", -5.0),
                ("B-0901", "91+", 60.0),
            },
        )
        accounts = {a.name: a for a in conversion.account_ids}
        self.assertEqual(accounts["CV-0002"].balance, 70.0)
        self.assertEqual(accounts["CV-0003"].balance, 60.0)
        self.assertEqual(conversion.loaded_current, 70.10)
        self.assertEqual(conversion.loaded_days_31_60, 63.75)

        # A re-load of the same files creates nothing.
        count = len(self._bill_moves())
        again = self._conversion(BY_BILL, **LEGACY)
        again.action_validate()
        self.assertFalse(again.error_ids.mapped("message"))
        again.action_load()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(len(self._bill_moves()), count)
        self.assertTrue(again.proof_ties, again.proof_html)

        # An account converted by bucket cannot come again by bill, nor one
        # converted by bill again by bucket.
        mixed = self._conversion(
            {
                "open_bills": HEADER + "CV-0001,B-9,2025-06-01,2025-06-20,9.00\n",
                "balances": "account_number,current\nCV-0002,9.00\n",
            }
        )
        mixed.action_validate()
        both = mixed.error_ids.filtered(lambda e: "both" in e.message)
        self.assertEqual(
            {(e.file_name, e.line_no, e.field_name) for e in both},
            {
                ("open_bills.csv", 2, "account_number"),
                ("balances.csv", 2, "account_number"),
            },
        )
