# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_payment_batch import PaymentBatchCommon

HEADER = "Batch,Item,Account,Amount,Check,Remitter\n"


@tagged("post_install", "-at_install")
class TestLockboxImport(PaymentBatchCommon):
    """The bank's lockbox file, read with a saved column mapping, becomes a
    lockbox payment batch; bad lines are listed with the file name, line
    number and field and nothing of them is kept; the same file, or a bank
    item already imported, is never imported twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mapping = cls.env["utility.lockbox.mapping"].create(
            {
                "name": "Test Bank CSV",
                "col_batch_ref": "batch",
                "col_item_ref": "item",
                "col_account": "Account",
                "col_amount": "Amount",
                "col_check": "Check",
                "col_payer": "Remitter",
                "journal_id": cls.bank_journal.id,
            }
        )

    def _import(self, text, filename="lockbox_0410.csv", user=None, **vals):
        text = text.replace("PB-A", self.account_a.name).replace(
            "PB-B", self.account_b.name
        )
        wizard = (
            self.env["utility.lockbox.import"]
            .with_user(user or self.csr1)
            .create(
                {
                    "file": base64.b64encode(text.encode()),
                    "filename": filename,
                    "mapping_id": self.mapping.id,
                    "date": date(2025, 4, 10),
                    **vals,
                }
            )
        )
        action = wizard.action_import()
        return self.env["utility.payment.batch"].browse(action["res_id"])

    def _batches(self):
        return self.env["utility.payment.batch"].search(
            [("source", "=", "lockbox"), ("filename", "like", "lockbox_")]
        )

    def test_import_post_and_bad_lines(self):
        text = (
            HEADER
            + "B7,1,PB-A,60.00,1001,Ana\n"
            + "B7,2,PB-X,10.00,1002,Nobody\n"  # line 3: unknown account
            + 'B7,3,PB-B,"1,2x",1003,Bo\n'  # line 4: bad amount
            + "B7,4,PB-B,25.00,1004,Bo\n"
            + "B7,4,PB-A,5.00,1005,Dup\n"  # line 6: item already on line 5
            + "B7,5,PB-B,-3.00,1006,Neg\n"  # line 7: negative amount
        )
        batch = self._import(text)
        self.assertEqual(batch.source, "lockbox")
        self.assertEqual(batch.journal_id, self.bank_journal)
        self.assertEqual(batch.bank_batch_ref, "B7")
        self.assertEqual(
            [(ln.account_id, ln.amount, ln.check_number) for ln in batch.line_ids],
            [(self.account_a, 60.0, "1001"), (self.account_b, 25.0, "1004")],
        )
        self.assertEqual(batch.line_ids.mapped("bank_item_ref"), ["B7/1", "B7/4"])
        self.assertEqual(
            [(e.filename, e.line_number, e.field) for e in batch.error_ids],
            [
                ("lockbox_0410.csv", 3, "Account Number Column"),
                ("lockbox_0410.csv", 4, "Amount Column"),
                ("lockbox_0410.csv", 6, "Bank Item Column"),
                ("lockbox_0410.csv", 7, "Amount Column"),
            ],
        )
        self.assertIn("no account PB-X", batch.error_ids[0].reason)
        # The controls are the file's good lines: the batch ties and posts.
        self.assertAlmostEqual(batch.control_total, 85.0)
        self.assertEqual(batch.control_count, 2)
        batch.with_user(self.csr1).action_post()
        moves = self._moves(self.account_a, self.account_b)
        self.assertEqual(set(moves.mapped("utility_payment_source")), {"lockbox"})
        receivable = moves.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(-sum(receivable.mapped("balance")), 85.0)
        self.assertEqual(self.a_old.amount_residual, 0.0)
        self.assertEqual(self.a_new.amount_residual, 30.0)
        # The same file again: nothing.
        with self.assertRaisesRegex(UserError, "already imported as batch"):
            self._import(text, filename="lockbox_0410_again.csv")
        # Another file with an item the bank already sent: that item is
        # listed, the new one imported.
        second = self._import(
            HEADER + "B7,4,PB-B,25.00,1004,Bo\nB8,1,PB-B,10.00,1010,Bo\n",
            filename="lockbox_0411.csv",
        )
        self.assertEqual(second.line_ids.bank_item_ref, "B8/1")
        self.assertEqual(second.error_ids.line_number, 2)
        self.assertIn(batch.name, second.error_ids.reason)
        # Only items already imported: nothing at all.
        with self.assertRaisesRegex(UserError, "no payment to import"):
            self._import(HEADER + "B8,1,PB-B,10.00,1010,Bo\n", "lockbox_0412.csv")
        self.assertEqual(len(self._batches()), 2)
        self.assertEqual(self._moves(self.account_a, self.account_b), moves)

    def test_bank_control_total_must_tie(self):
        """The CSR keys the bank's deposit total: a file that lost a check
        does not post until the difference is found."""
        batch = self._import(
            HEADER + "C1,1,PB-B,20.00,1,Bo\nC1,2,PB-B,oops,2,Bo\n",
            control_total=30.0,
            control_count=2,
        )
        with self.assertRaisesRegex(UserError, "difference"):
            batch.with_user(self.csr1).action_post()
        self.assertFalse(self._moves(self.account_b))

    def test_mapping_without_header_amount_in_cents(self):
        self.mapping.write(
            {
                "has_header": False,
                "col_batch_ref": False,
                "col_item_ref": "1",
                "col_account": "2",
                "col_amount": "3",
                "col_check": False,
                "col_payer": False,
                "amount_in_cents": True,
            }
        )
        batch = self._import("901;PB-B;7500\n902;PB-A;4000\n".replace(";", ","))
        self.assertEqual(batch.line_ids.mapped("amount"), [75.0, 40.0])
        self.assertFalse(batch.error_ids)

    def test_fixed_width_bank_layout(self):
        """A bank's published fixed-width lockbox layout (80-character
        records): file header '1000', one '60' detail record per check with
        the customer's account number zero-filled in 21-34, the amount in
        cents in 42-51 and the bank's reference in 64-76; other records are
        skipped."""
        self.mapping.write(
            {
                "file_format": "fixed",
                "record_code": "60",
                "col_batch_ref": "13-20",
                "col_item_ref": "64-76",
                "col_account": "21-34",
                "col_amount": "42-51",
                "col_check": "3-12",
                "col_payer": False,
                "amount_in_cents": True,
            }
        )

        def detail(aux, account, cents, ref):
            line = (
                "60"
                + f"{aux:010d}"
                + "LBX00042"
                + account.rjust(14, "0")
                + " "
                + "000020"
                + f"{cents:010d}"
                + "250410"
                + "041025"
                + f"{ref:013d}"
                + "    "
            )
            self.assertEqual(len(line), 80)
            return line

        number_b = "".join(c for c in self.account_b.name if c.isdigit())
        self.account_b.name = number_b
        header = "1000250410  041025 00000111122222       CITY OF TESTS".ljust(80)
        text = "\n".join(
            [
                header,
                detail(3001, number_b, 7500, 1),
                detail(3002, "99999", 1000, 2),  # line 3: no such account
                "9000" + "0" * 76,
            ]
        )
        batch = self._import(text, filename="lockbox_fixed.txt")
        self.assertEqual(batch.line_ids.account_id, self.account_b)
        self.assertEqual(batch.line_ids.amount, 75.0)
        self.assertEqual(batch.line_ids.check_number, "0000003001")
        self.assertEqual(batch.line_ids.bank_item_ref, "LBX00042/0000000000001")
        self.assertEqual(
            [(e.line_number, e.field) for e in batch.error_ids],
            [(3, "Account Number Column")],
        )
        with self.assertRaises(ValidationError):
            self.mapping.col_amount = "amount"

    def test_missing_column_and_role(self):
        with self.assertRaisesRegex(UserError, "line 1: the header has no column"):
            self._import("Acct,Amt\nPB-B,1.00\n")
        employee = self.env["res.users"].create(
            {"name": "No Role", "login": "lb_no_role"}
        )
        with self.assertRaises(UserError):
            self._import(HEADER + "D1,1,PB-B,1.00,1,Bo\n", user=employee)
        self.assertFalse(self._batches())
