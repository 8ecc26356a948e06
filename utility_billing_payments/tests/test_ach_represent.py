# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.utility_billing.tests.common import call_kw

from .ach_common import UtilityAchCommon
from .common_counter import UtilityCounterCommon


@tagged("post_install", "-at_install")
class TestAchRepresent(UtilityAchCommon):
    """NACHA re-initiation of R01/R09 returns (at most two re-presentments
    within 180 days of the original settlement, described RETRY PYMT) and the
    returned payment fee as its own RETURN FEE entry after notice
    (docs/domain-rules.md §3.4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acc_a = cls._account("REP-A", "Rosa Flores")
        # The mandate is not suspended by the returns of these tests.
        cls.company.sudo().write(
            {"ach_nsf_suspend_count": 10, "ach_return_fee_notice_days": 10}
        )

    def _generate(self, settlement, day):
        """A batch settling on ``settlement``, computed and generated at 09:30
        Pacific time on ``day``."""
        with freeze_time(f"{day} 16:30:00"):
            batch = self._batch(settlement)
            batch.with_user(self.csr2).action_generate()
        return batch

    def _return(self, line, code, day, name):
        return self._import(self._return_file([(line, code, "")]), name, day).line_ids

    @staticmethod
    def _header(day):
        return (
            "101 1210003581956000123" + day + "0930A094101"
            "FIRST DESERT BANK      "
            "CITY OF COACHELLA      "
            "        "
        )

    def test_represent_and_return_fee_entries_byte_for_byte(self):
        """R01: the next file re-presents the returned entry alone, for its
        amount, in a batch described RETRY PYMT (the fee is not added to it);
        the fee goes in a later file, after the notice days, as its own entry
        in a batch described RETURN FEE. Each pays what it collects."""
        bill = self._bill(self.acc_a, 80.0, "2026-03-10")
        mandate = self._mandate(self.acc_a, return_fee_authorized=True)
        first = self._generate(self.SETTLEMENT, "2026-03-16")
        entry = first.line_ids
        rline = self._return(entry, "R01", date(2026, 3, 20), "r1.txt")
        self.assertEqual(rline.state, "done", rline.message)
        fee = rline.fee_move_id
        self.assertEqual(fee.amount_total, 25.0)
        self.assertEqual(rline.represent_state, "pending")
        # 180 days from the original entry's settlement date.
        self.assertEqual(rline.represent_until, date(2026, 9, 14))
        self.assertEqual(rline.fee_entry_state, "pending")
        self.assertEqual(rline.fee_entry_from, date(2026, 3, 30))
        self.assertIn("RETRY PYMT", rline.message)
        self.assertIn("RETURN FEE", rline.message)

        # Next file (settles 3/25): the re-presentment only, 80.00, not 105.00.
        second = self._generate(date(2026, 3, 25), "2026-03-23")
        represent = second.line_ids
        self.assertEqual(represent.kind, "represent")
        self.assertEqual(represent.amount, 80.0)
        self.assertEqual(represent.original_line_id, entry)
        self.assertEqual(represent.source_return_line_id, rline)
        self.assertEqual(rline.represent_state, "sent")
        a = self.acc_a.name
        self.assertEqual(
            self._file_lines(second),
            [
                self._header("260323"),
                "5225CITY COACHELLA  " + " " * 20 + "1956000123"
                "PPD"
                "RETRY PYMT"
                "      "
                "260325"
                "   "
                "1"
                "12100035"
                "0000001",
                "6"
                "27"
                "02100002"
                "1"
                "123456789        "
                "0000008000" + a.ljust(15) + "ROSA FLORES           "
                "  "
                "0"
                "121000350000002",
                "8225"
                "000001"
                "0002100002"
                "000000008000"
                "000000000000"
                "1956000123" + " " * 25 + "12100035"
                "0000001",
                "9000001000001000000010002100002000000008000000000000000" + " " * 39,
                *(["9" * 94] * 5),
            ],
        )
        # The re-presentment pays the returned bill, not the fee.
        self.assertEqual(bill.amount_residual, 0.0)
        self.assertEqual(fee.amount_residual, 25.0)

        # A file before the notice days are over: nothing to send.
        with freeze_time("2026-03-26 16:30:00"):
            early = self._batch(date(2026, 3, 27))
        self.assertFalse(early.line_ids)
        early.with_user(self.csr2).action_cancel()

        # A later file (settles 4/1): the fee, alone, described RETURN FEE.
        third = self._generate(date(2026, 4, 1), "2026-03-30")
        fee_line = third.line_ids
        self.assertEqual(fee_line.kind, "fee")
        self.assertEqual(fee_line.amount, 25.0)
        self.assertEqual(rline.fee_entry_state, "sent")
        self.assertEqual(
            self._file_lines(third),
            [
                self._header("260330"),
                "5225CITY COACHELLA  " + " " * 20 + "1956000123"
                "PPD"
                "RETURN FEE"
                "      "
                "260401"
                "   "
                "1"
                "12100035"
                "0000001",
                "6"
                "27"
                "02100002"
                "1"
                "123456789        "
                "0000002500" + a.ljust(15) + "ROSA FLORES           "
                "  "
                "0"
                "121000350000003",
                "8225"
                "000001"
                "0002100002"
                "000000002500"
                "000000000000"
                "1956000123" + " " * 25 + "12100035"
                "0000001",
                "9000001000001000000010002100002000000002500000000000000" + " " * 39,
                *(["9" * 94] * 5),
            ],
        )
        self.assertEqual(fee.amount_residual, 0.0)
        self.assertEqual(self.acc_a.balance, 0.0)
        self.assertEqual(fee_line.payment_id.move_id.utility_account_id, self.acc_a)
        self.assertEqual(mandate.state, "active")
        # Nothing is collected twice.
        with freeze_time("2026-04-06 16:30:00"):
            fourth = self._batch(date(2026, 4, 8))
        self.assertFalse(fourth.line_ids)

    def test_regular_debit_beside_represent_leaves_returned_bill_and_fee(self):
        """A new bill due with a re-presentment: two entries of the file, the
        regular one for the new bill only (the returned bill is collected by
        its re-presentment, the fee by its own entry)."""
        old = self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a, return_fee_authorized=True)
        first = self._generate(self.SETTLEMENT, "2026-03-16")
        self._return(first.line_ids, "R09", date(2026, 3, 20), "r1.txt")
        new = self._bill(self.acc_a, 45.5, "2026-03-24")
        second = self._generate(date(2026, 3, 25), "2026-03-23")
        by_kind = {ln.kind: ln for ln in second.line_ids}
        self.assertEqual(set(by_kind), {"debit", "represent"})
        self.assertEqual(by_kind["debit"].amount, 45.5)
        self.assertEqual(by_kind["represent"].amount, 80.0)
        lines = self._file_lines(second)
        self.assertEqual([ln[:1] for ln in lines[:8]], list("15685689"))
        self.assertEqual(lines[1][53:63], "UTILITY   ")
        self.assertEqual(lines[4][53:63], "RETRY PYMT")
        self.assertEqual(lines[2][29:39], "0000004550")
        self.assertEqual(lines[5][29:39], "0000008000")
        self.assertEqual(second.amount_total, 125.5)
        self.assertEqual(old.amount_residual, 0.0)
        self.assertEqual(new.amount_residual, 0.0)
        self.assertEqual(self.acc_a.balance, 25.0, "the fee, waiting for notice")

    def test_represent_collects_what_the_returned_debit_paid(self):
        """The open balance debited a bill not due yet too: the re-presentment
        is for the same amount and pays both bills; no regular debit takes
        them again."""
        b1 = self._bill(self.acc_a, 80.0, "2026-03-10")
        b2 = self._bill(self.acc_a, 30.0, "2026-03-30")
        self._mandate(self.acc_a)
        first = self._generate(self.SETTLEMENT, "2026-03-16")
        self.assertEqual(first.line_ids.amount, 110.0)
        self._return(first.line_ids, "R01", date(2026, 3, 20), "r1.txt")
        self.assertEqual(first.line_ids.bill_ids, b1 | b2)
        second = self._generate(date(2026, 4, 1), "2026-03-30")
        self.assertEqual(second.line_ids.mapped("kind"), ["represent"])
        self.assertEqual(second.line_ids.amount, 110.0)
        self.assertEqual((b1 | b2).mapped("amount_residual"), [0.0, 0.0])

    def test_two_represents_at_most(self):
        """Three presentments in all: a third return is not re-presented, and
        says why; one fee only for the item, however often it comes back."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        mandate = self._mandate(self.acc_a)
        first = self._generate(self.SETTLEMENT, "2026-03-16")
        r1 = self._return(first.line_ids, "R01", date(2026, 3, 20), "r1.txt")
        second = self._generate(date(2026, 3, 25), "2026-03-23")
        self.assertEqual(second.line_ids.kind, "represent")
        r2 = self._return(second.line_ids, "R09", date(2026, 3, 27), "r2.txt")
        self.assertEqual(r2.represent_state, "pending")
        self.assertIn("presentment 3 of 3", r2.represent_note)
        third = self._generate(date(2026, 4, 1), "2026-03-30")
        self.assertEqual(third.line_ids.kind, "represent")
        self.assertEqual(third.line_ids.original_line_id, first.line_ids)
        r3 = self._return(third.line_ids, "R01", date(2026, 4, 3), "r3.txt")
        self.assertEqual(r3.represent_state, "refused")
        self.assertIn("presented 3 times", r3.represent_note)
        self.assertIn("presented 3 times", r3.message)
        self.assertTrue(r1.fee_move_id)
        self.assertFalse(r2.fee_move_id | r3.fee_move_id)
        # No fee entry: the mandate does not authorize return fees.
        self.assertFalse(r1.fee_entry_state)
        self.assertIn("does not authorize", r1.message)
        self.assertEqual(self.acc_a.balance, 105.0)
        with freeze_time("2026-04-13 16:30:00"):
            fourth = self._batch(date(2026, 4, 15))
        self.assertFalse(fourth.line_ids, "neither the bill nor the fee again")
        self.assertEqual(mandate.state, "active")

    def test_represent_refused_after_180_days(self):
        """A re-presentment not sent within 180 days of the original entry's
        settlement is refused with the reason on the return."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        first = self._generate(self.SETTLEMENT, "2026-03-16")
        rline = self._return(first.line_ids, "R01", date(2026, 3, 20), "r1.txt")
        with freeze_time("2026-09-14 16:30:00"):
            late = self._batch(date(2026, 9, 16))
        self.assertFalse(late.line_ids)
        self.assertEqual(rline.represent_state, "refused")
        self.assertIn("more than 180 days", rline.represent_note)

    def test_other_codes_not_represented(self):
        """R02 (account closed): no re-presentment, the reason on the return."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a, return_fee_authorized=True)
        first = self._generate(self.SETTLEMENT, "2026-03-16")
        rline = self._return(first.line_ids, "R02", date(2026, 3, 20), "r1.txt")
        self.assertEqual(rline.represent_state, "refused")
        self.assertIn("R01 and R09 returns only", rline.represent_note)
        self.assertTrue(rline.fee_move_id)
        self.assertFalse(rline.fee_entry_state, "RETURN FEE entries: R01/R09 only")

    def test_cancelled_file_puts_represent_back(self):
        """A generated file cancelled before the bank took it: the return waits
        for its re-presentment again."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        first = self._generate(self.SETTLEMENT, "2026-03-16")
        rline = self._return(first.line_ids, "R01", date(2026, 3, 20), "r1.txt")
        second = self._generate(date(2026, 3, 25), "2026-03-23")
        self.assertEqual(rline.represent_state, "sent")
        with freeze_time("2026-03-23 17:00:00"):
            second.with_user(self.csr2).action_cancel()
        self.assertEqual(rline.represent_state, "pending")
        third = self._generate(date(2026, 3, 26), "2026-03-24")
        self.assertEqual(third.line_ids.kind, "represent")
        self.assertEqual(third.line_ids.amount, 80.0)


@tagged("post_install", "-at_install")
class TestReturnedPaymentFeeSchedule(UtilityAchCommon, UtilityCounterCommon):
    """One Civil Code 1719 schedule for returned checks and autopay debits:
    the account's first returned payment $25, each later one $35."""

    def test_r01_then_returned_check(self):
        # The chart a city uses: returned payment fees on the fees account.
        self.company._utility_chart_setup()
        fees_account = self.env["account.account"].search(
            [("company_ids", "in", self.company.id), ("code", "=", "460000")]
        )
        account = self._account("FEE-1", "Ana Ruiz")
        self._bill(account, 80.0, "2026-03-10")
        self._mandate(account)
        with freeze_time("2026-03-16 16:30:00"):
            batch = self._batch()
            batch.with_user(self.csr2).action_generate()
        rline = self._import(self._return_file([(batch.line_ids, "R01", "")])).line_ids
        self.assertEqual(rline.fee_move_id.amount_total, 25.0)
        self.assertEqual(account._utility_returned_payment_count(), 1)
        # The customer pays at the counter by check; the check comes back.
        with freeze_time("2026-03-20 18:00:00"):
            session = self._open_session()
            order = self._sync_order(
                session,
                [(self.payment_product, 105.0, account, None)],
                [(self.check_pm, 105.0, "7001")],
            )
            self.assertEqual(account.balance, 0.0)
            self.env["utility.counter.nsf"].with_user(self.csr2).create(
                {"payment_id": order.payment_ids.id}
            ).action_confirm()
        fees = account.invoice_ids.filtered(
            lambda m: (
                m.invoice_line_ids.product_id == self.company.utility_nsf_fee_product_id
            )
        )
        self.assertEqual(fees.amount_total, 35.0, "a subsequent returned payment")
        self.assertEqual(fees.invoice_line_ids.account_id, fees_account)
        self.assertEqual(rline.fee_move_id.invoice_line_ids.account_id, fees_account)
        self.assertEqual(account._utility_returned_payment_count(), 2)
        self.assertEqual(account.balance, 105.0 + 35.0)

    def test_returned_check_then_r01(self):
        account = self._account("FEE-2", "Beto Ruiz")
        self._bill(account, 60.0, "2026-03-05")
        with freeze_time("2026-03-06 18:00:00"):
            session = self._open_session()
            order = self._sync_order(
                session,
                [(self.payment_product, 60.0, account, None)],
                [(self.check_pm, 60.0, "7002")],
            )
            self.env["utility.counter.nsf"].with_user(self.csr2).create(
                {"payment_id": order.payment_ids.id}
            ).action_confirm()
        self.assertEqual(account.balance, 60.0 + 25.0)
        self._mandate(account)
        with freeze_time("2026-03-16 16:30:00"):
            batch = self._batch()
            batch.with_user(self.csr2).action_generate()
        # The returned check fee is a charge of the account like a bill (not
        # the fee of a returned autopay entry): the regular debit takes it.
        self.assertEqual(batch.line_ids.amount, 85.0)
        rline = self._import(self._return_file([(batch.line_ids, "R01", "")])).line_ids
        self.assertEqual(rline.fee_move_id.amount_total, 35.0)
        self.assertEqual(account.balance, 85.0 + 35.0)


@tagged("post_install", "-at_install")
class TestRepresentControlsRpc(UtilityAchCommon, HttpCase):
    """What decides a re-presentment or a fee entry is written by the return
    and batch workflows only, over JSON-RPC too; a CSR I sets no return fee
    authorization."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acc = cls._account("REP-RPC", "Rita Rpc")
        cls._bill(cls.acc, 80.0, "2026-03-10")
        cls.mandate = cls._mandate(cls.acc)
        with freeze_time("2026-03-16 16:30:00"):
            batch = (
                cls.env["utility.ach.batch"]
                .with_user(cls.csr2)
                .create({"effective_date": cls.SETTLEMENT})
            )
            batch.action_compute()
            batch.action_generate()
            batch = batch.with_user(cls.env.user)
        cls.entry = batch.line_ids
        ret = (
            cls.env["utility.ach.return"]
            .with_user(cls.csr2)
            ._import_file(
                cls._return_file(cls, [(cls.entry, "R02", "")]),
                "r.txt",
                date=date(2026, 3, 20),
            )
        )
        cls.rline = ret.line_ids

    def _call_kw(self, model, method, args):
        return call_kw(self, model, method, args, kwargs=None, context=None)

    def assertRefused(self, model, method, args):
        reply = self._call_kw(model, method, args)
        self.assertIn("error", reply, f"{model}.{method} {args}")
        self.assertIn(
            reply["error"]["data"]["name"],
            ("odoo.exceptions.UserError", "odoo.exceptions.AccessError"),
        )

    def test_refused_over_jsonrpc(self):
        self.assertEqual(self.rline.represent_state, "refused")
        self.authenticate(self.csr2.login, self.csr2.login)
        self.assertRefused(
            "utility.ach.return.line",
            "write",
            [self.rline.ids, {"represent_state": "pending"}],
        )
        self.assertRefused(
            "utility.ach.return.line",
            "write",
            [
                self.rline.ids,
                {"fee_entry_state": "pending", "fee_entry_from": "2026-03-21"},
            ],
        )
        self.assertRefused(
            "utility.ach.batch.line",
            "write",
            [
                self.entry.ids,
                {"kind": "represent", "source_return_line_id": self.rline.id},
            ],
        )
        self.authenticate(self.csr1.login, self.csr1.login)
        self.assertRefused(
            "utility.ach.mandate",
            "write",
            [self.mandate.ids, {"return_fee_authorized": True}],
        )
        self.rline.invalidate_recordset()
        self.assertEqual(self.rline.represent_state, "refused")
        self.assertFalse(self.rline.fee_entry_state)
        self.assertFalse(self.mandate.return_fee_authorized)
