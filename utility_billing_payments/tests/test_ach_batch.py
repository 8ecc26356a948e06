# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .ach_common import ROUTING_A, ROUTING_B, ROUTING_C, UtilityAchCommon


@tagged("post_install", "-at_install")
class TestAchBatch(UtilityAchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acc_a = cls._account("BAT-A", "O'Brien & Sons")
        cls.acc_b = cls._account("BAT-B", "José Muñoz")
        cls.acc_c = cls._account("BAT-C", "Carmen Diaz")

    def test_file_byte_for_byte(self):
        """The NACHA file of two debits (checking, savings) and a prenote,
        compared record by record with records written by hand."""
        self._bill(self.acc_a, 123.45, "2026-03-10")
        self._bill(self.acc_b, 67.80, "2026-03-18")
        self._mandate(self.acc_a, routing=ROUTING_A, number="123456789")
        self._mandate(
            self.acc_b, routing=ROUTING_B, number="9876543210", account_type="savings"
        )
        self._mandate(self.acc_c, routing=ROUTING_C, number="55501", active=False)
        with freeze_time("2026-03-16 16:30:00"):  # 09:30 in Pacific time
            batch = self._batch()
            batch.with_user(self.csr2).action_generate()
        a, b, c = (acc.name for acc in (self.acc_a, self.acc_b, self.acc_c))
        expected = [
            "1"
            "01"
            " 121000358"
            "1956000123"
            "260316"
            "0930"
            "A"
            "094"
            "10"
            "1"
            "FIRST DESERT BANK      "
            "CITY OF COACHELLA      "
            "        ",
            "5"
            "225"
            "CITY COACHELLA  " + " " * 20 + "1956000123"
            "PPD"
            "UTILITY   "
            "      "
            "260318"
            "   "
            "1"
            "12100035"
            "0000001",
            "6"
            "27"
            "02100002"
            "1"
            "123456789        "
            "0000012345" + a.ljust(15) + "O'BRIEN & SONS        "
            "  "
            "0"
            "121000350000001",
            "6"
            "37"
            "01100001"
            "5"
            "9876543210       "
            "0000006780" + b.ljust(15) + "JOSE MUNOZ            "
            "  "
            "0"
            "121000350000002",
            "6"
            "28"
            "32227162"
            "7"
            "55501            "
            "0000000000" + c.ljust(15) + "CARMEN DIAZ           "
            "  "
            "0"
            "121000350000003",
            # 3 entries; hash 02100002 + 01100001 + 32227162; debits 12345 + 6780
            "8"
            "225"
            "000003"
            "0035427165"
            "000000019125"
            "000000000000"
            "1956000123" + " " * 25 + "12100035"
            "0000001",
            "9000001000001000000030035427165000000019125000000000000" + " " * 39,
            "9" * 94,
            "9" * 94,
            "9" * 94,
        ]
        self.assertEqual(self._file_lines(batch), expected)
        self.assertEqual(batch.file_id_modifier, "A")
        self.assertRegex(batch.file_name, r"_A\.txt$")
        self.assertEqual(
            batch.line_ids.mapped("trace_number"),
            ["121000350000001", "121000350000002", "121000350000003"],
        )

    def test_generate_posts_payments_in_clearing(self):
        """Generating posts one payment per debit in the ACH journal, held in
        the clearing account, on the account's entry (ACH source), and pays
        the bills; settling moves the total to the bank account."""
        bill_a = self._bill(self.acc_a, 123.45, "2026-03-10")
        bill_b = self._bill(self.acc_b, 67.80, "2026-03-18")
        self._mandate(self.acc_a)
        self._mandate(self.acc_b, routing=ROUTING_B, account_type="savings")
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            self.assertEqual(batch.debit_count, 2)
            self.assertEqual(batch.amount_total, 191.25)
            batch.with_user(self.csr2).action_generate()
        self.assertEqual(batch.state, "generated")
        payments = batch.line_ids.payment_id
        self.assertEqual(len(payments), 2)
        self.assertEqual(sorted(payments.mapped("amount")), [67.80, 123.45])
        for line in batch.line_ids:
            payment, move = line.payment_id, line.payment_id.move_id
            self.assertEqual(payment.state, "in_process")
            self.assertEqual(payment.journal_id, self.ach_journal)
            self.assertEqual(payment.date, date(2026, 3, 18))
            self.assertEqual(payment.partner_id, line.account_id.partner_id)
            self.assertEqual(payment.payment_reference, line.trace_number)
            self.assertEqual(move.state, "posted")
            self.assertEqual(move.origin_payment_id, payment)
            self.assertRegex(move.name, r"^PACHT/2026/\d{5}$")
            self.assertEqual(payment.name, move.name)
            self.assertEqual(move.utility_account_id, line.account_id)
            self.assertEqual(move.utility_payment_source, "ach")
            liquidity = move.line_ids.filtered(lambda ml: ml.debit)
            self.assertEqual(liquidity.account_id, self.clearing)
            self.assertEqual(liquidity.debit, line.amount)
        self.assertEqual(bill_a.payment_state, "paid")
        self.assertEqual(bill_b.payment_state, "paid")
        self.assertEqual(self.acc_a.balance, 0.0)
        with self.assertRaisesRegex(UserError, "is not a draft"):
            batch.action_generate()
        batch.with_user(self.csr2).action_settle()
        self.assertEqual(batch.state, "settled")
        self.assertEqual(set(payments.mapped("state")), {"paid"})
        settlement = batch.settlement_move_id
        self.assertEqual(settlement.state, "posted")
        bank_line = settlement.line_ids.filtered(
            lambda ml: ml.account_id == self.ach_journal.default_account_id
        )
        self.assertEqual(bank_line.debit, 191.25)
        self.assertEqual(
            settlement.line_ids.filtered(
                lambda ml: ml.account_id == self.clearing
            ).credit,
            191.25,
        )

    def test_debit_amount_modes(self):
        """Open balance (default) debits everything owed; bill amount only the
        bills due by the settlement date, applied oldest first."""
        old = self._bill(self.acc_a, 40.0, "2026-02-20")
        due = self._bill(self.acc_a, 60.0, "2026-03-10")
        later = self._bill(self.acc_a, 25.0, "2026-04-10")
        self._mandate(self.acc_a)
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            self.assertEqual(batch.amount_total, 125.0)
            batch.action_cancel()
            self.company.ach_debit_amount_mode = "bill_amount"
            batch = self._batch()
            self.assertEqual(batch.amount_total, 100.0)
            self.assertEqual(batch.line_ids.bill_ids, old | due)
            batch.action_generate()
        self.assertEqual(old.payment_state, "paid")
        self.assertEqual(due.payment_state, "paid")
        self.assertEqual(later.payment_state, "not_paid")
        self.assertEqual(self.acc_a.balance, 25.0)

    def test_partial_debit_pays_oldest_bill_first(self):
        """With a credit on the account, the debit is what is owed net of it;
        the payment and the credit go to the oldest bill first."""
        self.company.ach_debit_amount_mode = "bill_amount"
        old = self._bill(self.acc_a, 40.0, "2026-02-20")
        newer = self._bill(self.acc_a, 60.0, "2026-03-10")
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.acc_a.partner_id.id,
                "journal_id": self.bill_journal.id,
                "invoice_date": "2026-03-01",
                "utility_account_id": self.acc_a.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Credit",
                            "quantity": 1,
                            "price_unit": 30.0,
                            "account_id": self.income.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        credit.action_post()
        self._mandate(self.acc_a)
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            self.assertEqual(batch.amount_total, 70.0)
            batch.action_generate()
        self.assertEqual(old.payment_state, "paid")
        self.assertEqual(newer.payment_state, "paid")
        self.assertEqual(self.acc_a.balance, 0.0)

    def test_never_twice_never_without_balance(self):
        """A mandate is in a batch once; accounts owing nothing, with a credit,
        or with nothing due are left out; bills already in another batch are
        not debited again."""
        self._bill(self.acc_a, 50.0, "2026-03-10")
        self._bill(self.acc_b, 30.0, "2026-04-30")  # not due by the 18th
        self._mandate(self.acc_a)
        self._mandate(self.acc_b, routing=ROUTING_B)
        self._mandate(self.acc_c, routing=ROUTING_C)  # no bill at all
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            batch.action_compute()
            self.assertEqual(batch.line_ids.account_id, self.acc_a)
            self.assertEqual(len(batch.line_ids), 1)
            other = self._batch()
            self.assertFalse(other.line_ids)
            self.assertIn("bills already in another batch", other.message_ids[0].body)
            batch.action_generate()
            # Paid by the first batch: nothing left to debit.
            third = self._batch()
            self.assertFalse(third.line_ids)

    def test_account_with_credit_is_not_debited(self):
        """An overdue bill fully offset by a credit: nothing to debit."""
        self._bill(self.acc_a, 50.0, "2026-03-10")
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.acc_a.partner_id.id,
                "journal_id": self.bill_journal.id,
                "invoice_date": "2026-03-01",
                "utility_account_id": self.acc_a.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Leak credit",
                            "quantity": 1,
                            "price_unit": 80.0,
                            "account_id": self.income.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        self._mandate(self.acc_a)
        with freeze_time("2026-03-16 09:30:00"):
            self.assertFalse(self._batch().line_ids)

    def test_remove_entry_while_draft(self):
        """An entry removed from a draft batch stays out when the entries are
        computed again; once generated, entries cannot be removed."""
        self._bill(self.acc_a, 50.0, "2026-03-10")
        self._bill(self.acc_b, 20.0, "2026-03-10")
        self._mandate(self.acc_a)
        self._mandate(self.acc_b, routing=ROUTING_B)
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            line_b = batch.line_ids.filtered(lambda ln: ln.account_id == self.acc_b)
            line_b.with_user(self.csr2).action_remove()
            batch.action_compute()
            self.assertEqual(batch.line_ids.account_id, self.acc_a)
            self.assertEqual(batch.excluded_mandate_ids.account_id, self.acc_b)
            batch.action_generate()
            with self.assertRaisesRegex(UserError, "not a draft"):
                batch.line_ids.action_remove()
            with self.assertRaisesRegex(UserError, "only while it is a draft"):
                batch.line_ids.unlink()

    def test_cancel_and_regenerate_new_modifier(self):
        """Cancelling a generated batch reverses its payments (the bills
        reopen); generated again, it is a new file: next file id modifier of
        the day and new trace numbers."""
        bill = self._bill(self.acc_a, 50.0, "2026-03-10")
        self._mandate(self.acc_a)
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            batch.action_generate()
            first_payment = batch.line_ids.payment_id
            self.assertEqual(bill.payment_state, "paid")
            batch.with_user(self.csr2).action_cancel()
            self.assertEqual(batch.state, "cancelled")
            self.assertEqual(bill.payment_state, "not_paid")
            self.assertEqual(self.acc_a.balance, 50.0)
            self.assertEqual(first_payment.state, "canceled")
            self.assertTrue(first_payment.move_id.reversal_move_ids)
            action = batch.with_user(self.csr2).action_new_batch()
            new = self.env["utility.ach.batch"].browse(action["res_id"])
            self.assertEqual(new.effective_date, batch.effective_date)
            self.assertEqual(new.amount_total, 50.0)
            new.action_generate()
        self.assertEqual(new.file_id_modifier, "B")
        self.assertEqual(self._file_lines(new)[0][33], "B")
        self.assertEqual(new.line_ids.trace_number, "121000350000002")
        self.assertEqual(bill.payment_state, "paid")
        # The cancelled batch keeps its file and entries.
        self.assertEqual(batch.file_id_modifier, "A")
        self.assertEqual(batch.line_ids.trace_number, "121000350000001")
        self.assertEqual(batch.line_ids.state, "cancelled")
        with freeze_time("2026-03-17 09:30:00"):
            self._bill(self.acc_b, 10.0, "2026-03-10")
            self._mandate(self.acc_b, routing=ROUTING_B)
            next_day = self._batch()
            next_day.action_generate()
        self.assertEqual(next_day.file_id_modifier, "A", "a new day starts at A")

    def test_settlement_date_must_be_banking_day(self):
        """Weekends, Federal Reserve holidays, the company's own closing days
        and past dates are refused, with the next banking day."""
        self._bill(self.acc_a, 50.0, "2026-03-10")
        self._mandate(self.acc_a)
        with freeze_time("2026-05-20 09:30:00"):
            batch = self._batch(date(2026, 5, 25))  # Memorial Day
            with self.assertRaisesRegex(UserError, "next banking day: 2026-05-26"):
                batch.action_generate()
            batch.effective_date = date(2026, 5, 23)  # Saturday
            with self.assertRaisesRegex(UserError, "must be a banking day"):
                batch.action_generate()
            batch.effective_date = date(2026, 5, 19)  # yesterday
            with self.assertRaisesRegex(UserError, "today or later"):
                batch.action_generate()
            self.env["utility.closed.day"].create(
                {
                    "name": "Bank closed",
                    "calendar_id": self.company._utility_business_calendar().id,
                    "date": "2026-05-27",
                    "kind": "bank",
                }
            )
            batch.effective_date = date(2026, 5, 27)
            with self.assertRaisesRegex(UserError, "next banking day: 2026-05-28"):
                batch.action_generate()
            batch.effective_date = date(2026, 5, 28)
            batch.action_generate()
        self.assertEqual(batch.state, "generated")

    def test_missing_settings(self):
        """Without the bank's settings, the file is refused with what is
        missing and where to set it."""
        self._bill(self.acc_a, 50.0, "2026-03-10")
        self._mandate(self.acc_a)
        self.company.ach_immediate_destination = False
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            with self.assertRaisesRegex(UserError, "Immediate Destination"):
                batch.action_generate()
        self.assertEqual(batch.state, "draft")

    def test_access_and_companies(self):
        """A CSR I reads batches but cannot create them nor download the file;
        batches of another company are invisible."""
        self._bill(self.acc_a, 50.0, "2026-03-10")
        self._mandate(self.acc_a)
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            batch.action_generate()
        with self.assertRaises(AccessError):
            self.env["utility.ach.batch"].with_user(self.csr1).create(
                {"effective_date": self.SETTLEMENT}
            )
        self.assertEqual(batch.with_user(self.csr1).debit_count, 1)
        with self.assertRaises(AccessError):
            batch.with_user(self.csr1).read(["file_data"])
        # No attachment a CSR I could open by its id: the file is in the
        # batch's own column, behind the field's groups.
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "utility.ach.batch"),
                    ("res_id", "=", batch.id),
                ]
            )
        )
        self.assertTrue(batch.with_user(self.csr2).file_data)
        other_company = self.setup_other_company(name="Other City")["company"]
        other = self.env["utility.ach.batch"].create(
            {"effective_date": self.SETTLEMENT, "company_id": other_company.id}
        )
        self.assertFalse(
            self.env["utility.ach.batch"]
            .with_user(self.csr2)
            .search([("id", "=", other.id)])
        )

    def test_long_names_and_numbers(self):
        """A holder name longer than 22 characters is shortened in the file;
        the account number keeps every character."""
        self.acc_a.partner_id.name = "Maria de los Angeles Gutierrez-Villanueva"
        self._bill(self.acc_a, 5.0, "2026-03-10")
        self._mandate(self.acc_a, number="12345678901234567")
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            batch.action_generate()
        entry = self._file_lines(batch)[2]
        self.assertEqual(entry[12:29], "12345678901234567")
        self.assertEqual(entry[54:76], "MARIA DE LOS ANGELES G")
