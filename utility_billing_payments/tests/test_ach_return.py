# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .ach_common import ROUTING_B, ROUTING_C, UtilityAchCommon


@tagged("post_install", "-at_install")
class TestAchReturn(UtilityAchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acc_a = cls._account("RET-A", "Rosa Flores")
        cls.acc_b = cls._account("RET-B", "Luis Perez")
        cls.Mail = cls.env["mail.mail"]

    def _generated(self, *accounts, day="2026-03-16", settlement=None):
        """Bills, active mandates and a generated batch of ``accounts``; return
        the batch."""
        with freeze_time(f"{day} 09:30:00"):
            batch = self._batch(settlement or self.SETTLEMENT)
            batch.action_generate()
        return batch

    def _line(self, batch, account):
        return batch.line_ids.filtered(lambda ln: ln.account_id == account)

    def test_r01_return_reopens_bill_with_fee(self):
        """R01: the payment is reversed and the bill reopens, the $25 fee is
        charged on the account, the customer gets a letter, the account's
        chatter says it; the mandate stays active after a first R01."""
        bill = self._bill(self.acc_a, 80.0, "2026-03-10")
        mandate = self._mandate(self.acc_a)
        batch = self._generated()
        line = self._line(batch, self.acc_a)
        payment = line.payment_id
        self.assertEqual(bill.payment_state, "paid")
        ret = self._import(self._return_file([(line, "R01", "")]))
        rline = ret.line_ids
        self.assertEqual(rline.state, "done", rline.message)
        self.assertEqual((rline.code, rline.reason), ("R01", "Insufficient funds"))
        self.assertEqual(rline.batch_line_id, line)
        # Payment reversed, bill open again.
        self.assertEqual(payment.state, "rejected")
        reversal = rline.reversal_move_id
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.reversed_entry_id, payment.move_id)
        self.assertEqual(reversal.utility_account_id, self.acc_a)
        self.assertEqual(reversal.utility_payment_source, "ach")
        self.assertTrue(self._receivable(payment.move_id).reconciled)
        self.assertEqual(bill.payment_state, "not_paid")
        self.assertEqual(bill.amount_residual, 80.0)
        # The fee: a posted invoice of the fee product on the account.
        fee = rline.fee_move_id
        self.assertEqual(fee.state, "posted")
        self.assertEqual(fee.move_type, "out_invoice")
        self.assertEqual(fee.utility_account_id, self.acc_a)
        self.assertEqual(fee.amount_total, 25.0)
        self.assertEqual(fee.invoice_line_ids.product_id, self.fee_product)
        self.assertEqual(self.acc_a.balance, 105.0)
        # The customer is told (a letter: not paperless), the account notes it.
        notice = rline.notice_id
        self.assertEqual(
            (notice.kind, notice.channel, notice.state),
            ("ach_return", "letter", "sent"),
        )
        self.assertEqual(notice.amount_due, 105.0)
        self.assertTrue(notice.document_id)
        html = self._render_letter(notice)
        self.assertIn("Returned Autopay Payment", html)
        self.assertIn("not enough funds", html)
        self.assertIn("****6789", html)
        self.assertNotIn("123456789", html)
        note = self.acc_a.message_ids.filtered(lambda m: "R01" in (m.body or ""))
        self.assertTrue(note)
        self.assertNotIn("123456789", note[0].body)
        self.assertEqual(mandate.state, "active")
        self.assertTrue(line.returned)
        self.assertEqual(batch.returned_count, 1)
        self.assertEqual(ret.return_count, 1)
        self.assertEqual(ret.amount_returned, 80.0)

    def test_second_nsf_suspends(self):
        """R01/R09 suspend the mandate at the company's count (2) within 12
        months."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        mandate = self._mandate(self.acc_a)
        first = self._generated()
        self._import(self._return_file([(self._line(first, self.acc_a), "R01", "")]))
        self.assertEqual(mandate.state, "active")
        second = self._generated(day="2026-03-19", settlement=date(2026, 3, 20))
        # NACHA: the returned entry presented again alone (RETRY PYMT), the fee
        # never merged into it.
        self.assertEqual(second.line_ids.kind, "represent")
        self.assertEqual(second.amount_total, 80.0, "the returned entry only")
        self._import(
            self._return_file([(self._line(second, self.acc_a), "R09", "")]),
            name="return2.txt",
            day=date(2026, 3, 23),
        )
        self.assertEqual(mandate.state, "suspended")
        self.assertIn("2 returns for insufficient", mandate.state_reason)

    def test_codes_suspend_or_revoke_at_once(self):
        """R02 suspends the mandate at once (fee charged), R07 revokes it (no
        fee: the customer revoked the authorization)."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._bill(self.acc_b, 40.0, "2026-03-10")
        mandate_a = self._mandate(self.acc_a)
        mandate_b = self._mandate(self.acc_b, routing=ROUTING_B)
        batch = self._generated()
        ret = self._import(
            self._return_file(
                [
                    (self._line(batch, self.acc_a), "R02", ""),
                    (self._line(batch, self.acc_b), "R07", ""),
                ]
            )
        )
        self.assertEqual(mandate_a.state, "suspended")
        self.assertEqual(mandate_b.state, "revoked")
        lines = {ln.code: ln for ln in ret.line_ids}
        self.assertTrue(lines["R02"].fee_move_id)
        self.assertFalse(lines["R07"].fee_move_id)
        self.assertEqual(self.acc_b.balance, 40.0)
        self.assertIn("revoked", lines["R07"].message)

    def test_prenote_return(self):
        """A returned prenote (R03) suspends the new mandate; nothing to
        reverse, no fee; the customer is told."""
        mandate = self._mandate(self.acc_a, active=False)
        batch = self._generated()
        line = self._line(batch, self.acc_a)
        self.assertEqual(line.kind, "prenote")
        ret = self._import(self._return_file([(line, "R03", "")]))
        self.assertEqual(ret.line_ids.state, "done")
        self.assertFalse(ret.line_ids.reversal_move_id)
        self.assertFalse(ret.line_ids.fee_move_id)
        self.assertEqual(mandate.state, "suspended")
        self.assertTrue(ret.line_ids.notice_id)
        with freeze_time("2026-03-24 06:00:00"):
            self.env.ref(
                "utility_billing_payments.ir_cron_ach_activate_mandates"
            ).method_direct_trigger()
        self.assertEqual(mandate.state, "suspended", "never activated after a return")

    def test_notifications_of_change(self):
        """C01 corrects the account number, C05 the account type, C03 routing
        and account; the changes are tracked masked; no new prenote; a bad
        corrected routing number is an error line."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._bill(self.acc_b, 40.0, "2026-03-10")
        mandate_a = self._mandate(self.acc_a)
        mandate_b = self._mandate(self.acc_b, routing=ROUTING_B, number="1111")
        batch = self._generated()
        line_a, line_b = self._line(batch, self.acc_a), self._line(batch, self.acc_b)
        content = self._return_file(
            [
                (line_a, "C01", "00099988877"),
                (line_a, "C05", "37"),
                (line_b, "C03", ROUTING_C + "   " + "22223333"),
                (line_b, "C02", "011000016"),
            ]
        )
        ret = self._import(content)
        states = [(ln.code, ln.state) for ln in ret.line_ids]
        self.assertEqual(
            states,
            [("C01", "done"), ("C05", "done"), ("C03", "done"), ("C02", "error")],
        )
        self.assertEqual(mandate_a.sudo().bank_account_number, "00099988877")
        self.assertEqual(mandate_a.bank_account_type, "savings")
        self.assertEqual(mandate_a.state, "active", "a correction needs no prenote")
        self.assertEqual(mandate_b.routing_number, ROUTING_C)
        self.assertEqual(mandate_b.bank_account_masked, "****3333")
        self.assertIn("routing number", ret.line_ids[3].message)
        # Nothing was reversed: the debits stand.
        self.assertEqual(line_a.payment_id.state, "in_process")
        self.assertFalse(line_a.returned)
        body = " ".join(m.body or "" for m in mandate_a.message_ids)
        self.assertIn("C01", body)
        self.assertNotIn("00099988877", body)
        # The next file uses the corrected data.
        with freeze_time("2026-03-19 09:30:00"):
            self._bill(self.acc_a, 10.0, "2026-03-15")
            batch2 = self._batch(date(2026, 3, 20))
            batch2.action_generate()
        entry = self._file_lines(batch2)[2]
        self.assertEqual(entry[1:3], "37")
        self.assertEqual(entry[12:29].strip(), "00099988877")

    def test_csv_return(self):
        """The CSV format (trace_number,return_code,amount) is processed like
        the NACHA one; a CSV change without corrected data is an error line."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        batch = self._generated()
        line = self._line(batch, self.acc_a)
        content = (
            f"trace_number,return_code,amount\n{line.trace_number},R01,80.00\n"
            f"{line.trace_number},C01,0\n"
        ).encode()
        ret = self._import(content, name="returns.csv")
        self.assertEqual(ret.file_type, "csv")
        self.assertEqual(
            [(ln.code, ln.state) for ln in ret.line_ids],
            [("R01", "done"), ("C01", "error")],
        )
        self.assertIn("No corrected data", ret.line_ids[1].message)
        self.assertEqual(self.acc_a.balance, 105.0)

    def test_unmatched_duplicate_and_reimport(self):
        """Unknown trace numbers and lines listed twice are listed with their
        reason; the same file again is refused and changes nothing; another
        file returning the same entry is a duplicate, not a second reversal."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        batch = self._generated()
        line = self._line(batch, self.acc_a)
        content = (
            f"{line.trace_number},R01,80\n999999990000001,R01,5\n"
            f"{line.trace_number},R01,80\n"
        ).encode()
        ret = self._import(content, name="r.csv")
        self.assertEqual(
            [ln.state for ln in ret.line_ids], ["done", "unmatched", "duplicate"]
        )
        self.assertIn("No ACH entry", ret.line_ids[1].message)
        self.assertIn("line 1", ret.line_ids[2].message)
        moves = self.env["account.move"].search_count([])
        notices = self.env["utility.notice"].search_count([])
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import(content, name="r-again.csv")
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.env["utility.notice"].search_count([]), notices)
        again = self._import(self._return_file([(line, "R01", "")]))
        self.assertEqual(again.line_ids.state, "duplicate")
        self.assertIn(ret.name, again.line_ids.message)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.acc_a.balance, 105.0)

    def test_file_of_another_company_refused(self):
        """A NACHA return file for another ACH company id is refused whole."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        batch = self._generated()
        content = self._return_file(
            [(self._line(batch, self.acc_a), "R01", "")], company_id="9999999999"
        )
        with self.assertRaisesRegex(UserError, "ACH company 9999999999"):
            self._import(content)
        self.assertFalse(self.env["utility.ach.return"].search([]).line_ids)
        self.assertEqual(self.acc_a.balance, 0.0)

    def test_amount_mismatch_and_bad_file(self):
        """A return of another amount is an error line; an unreadable file is
        refused with its line."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        batch = self._generated()
        line = self._line(batch, self.acc_a)
        ret = self._import(f"{line.trace_number},R01,79.99\n".encode(), name="a.csv")
        self.assertEqual(ret.line_ids.state, "error")
        self.assertIn("differs", ret.line_ids.message)
        self.assertEqual(line.payment_id.state, "in_process")
        with self.assertRaisesRegex(UserError, "line 1"):
            self._import(b"not a nacha file\n", name="bad.txt")

    def test_spanish_email_notice(self):
        """A paperless Spanish-speaking customer gets the notice by e-mail in
        Spanish."""
        self.env["res.lang"]._activate_lang("es_MX")
        self.acc_a.write({"paperless": True, "lang": "es_MX"})
        self.acc_a.partner_id.email = "rosa@example.com"
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        batch = self._generated()
        ret = self._import(
            self._return_file([(self._line(batch, self.acc_a), "R01", "")])
        )
        notice = ret.line_ids.notice_id
        self.assertEqual(notice.channel, "email")
        mail = self.Mail.search(
            [("model", "=", "utility.notice"), ("res_id", "=", notice.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Pago automático devuelto", mail.subject)
        self.assertIn("no había fondos suficientes", mail.body_html)
        self.assertIn("****6789", mail.body_html)
        self.assertNotIn("123456789", mail.body_html)

    def test_import_wizard(self):
        """The import wizard of the menu: CSR II uploads the file and lands on
        the processed return."""
        self._bill(self.acc_a, 80.0, "2026-03-10")
        self._mandate(self.acc_a)
        batch = self._generated()
        content = self._return_file([(self._line(batch, self.acc_a), "R01", "")])
        wizard = (
            self.env["utility.ach.return.import"]
            .with_user(self.csr2)
            .create(
                {
                    "file_data": base64.b64encode(content),
                    "file_name": "RET0318.ach",
                    "date": date(2026, 3, 20),
                }
            )
        )
        action = wizard.action_import()
        ret = self.env["utility.ach.return"].browse(action["res_id"])
        self.assertEqual(ret.state, "done")
        self.assertEqual(ret.date, date(2026, 3, 20))
        self.assertEqual(ret.line_ids.reversal_move_id.date, date(2026, 3, 20))

    def _render_letter(self, notice):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "utility_billing.action_report_utility_notice", notice.ids
        )
        return html.decode()
