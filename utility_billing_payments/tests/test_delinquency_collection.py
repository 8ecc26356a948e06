# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyCollection(UtilityDelinquencyCommon):
    """A final account whose final bill is unpaid 90 days after its due date is
    referred, written off on a manager's approval, and a later payment is
    recovered to the bad-debt recovery account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("COL0001")
        cls.bill = cls._bill(cls.account, 100.0)
        cls.final_bill = cls._bill(
            cls.account,
            45.5,
            due=date(2025, 4, 1),
            invoice_date=date(2025, 3, 11),
            final=True,
        )
        cls.account.state = "final"
        cls.current = cls._account("COL0002")
        cls._bill(cls.current, 80.0, final=True)  # active account: not referred

    def _export(self, when, user=None):
        with freeze_time(when):
            export = (
                self.env["utility.collection.export"]
                .with_user(user or self.csr2)
                .create({"date": when})
            )
            export.action_refer()
        return export.sudo()

    def test_referral_age_and_export_file(self):
        export = self._export(date(2025, 6, 30))
        self.assertFalse(export.referral_ids, "89 days after the due date")
        export = self._export(date(2025, 7, 1))
        referral = export.referral_ids
        self.assertEqual(referral.account_id, self.account)
        self.assertEqual(referral.final_bill_id, self.final_bill)
        self.assertEqual(referral.amount, 145.5)
        self.assertEqual(self.account.collection_state, "referred")
        rows = list(csv.reader(io.StringIO(base64.b64decode(export.file).decode())))
        self.assertEqual(rows[0][0], "account_number")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], self.account.name)
        self.assertEqual(rows[1][8], self.final_bill.name)
        self.assertEqual(rows[1][11], "145.50")
        # Referred once.
        again = self._export(date(2025, 7, 2))
        self.assertFalse(again.referral_ids)

    def test_csr1_cannot_refer(self):
        with self.assertRaises(AccessError):
            self._export(date(2025, 7, 1), user=self.csr1)
        export = self.env["utility.collection.export"].create({"date": "2025-07-01"})
        with self.assertRaisesRegex(UserError, "Representative II refers"):
            export.with_user(self.csr1).action_refer()

    def test_write_off_and_recovery_accounting(self):
        referral = self._export(date(2025, 7, 1)).referral_ids
        with self.assertRaisesRegex(UserError, "Only a manager"):
            referral.with_user(self.csr2).action_write_off()
        with freeze_time("2025-07-15"):
            referral.with_user(self.manager).action_write_off()
        move = referral.write_off_move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(referral.state, "written_off")
        self.assertEqual(self.account.collection_state, "written_off")
        bad_debt = move.line_ids.filtered(lambda ln: ln.account_id == self.bad_debt)
        self.assertEqual(bad_debt.debit, 145.5)
        receivable = move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(sum(receivable.mapped("credit")), 145.5)
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertEqual(self.final_bill.payment_state, "paid")
        self.account.invalidate_recordset(["balance"])
        self.assertEqual(self.account.balance, 0.0)
        # The customer pays $40 months later: recovered, not an open credit.
        payment = self._pay(self.account, 40.0, date(2025, 10, 1))
        recovery = referral.recovery_move_ids
        self.assertEqual(len(recovery), 1)
        income = recovery.line_ids.filtered(lambda ln: ln.account_id == self.recovery)
        self.assertEqual(income.credit, 40.0)
        pay_line = payment.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(pay_line.reconciled)
        self.assertEqual(referral.amount_recovered, 40.0)
        self.account.invalidate_recordset(["balance"])
        self.assertEqual(self.account.balance, 0.0)
        # Written-off accounts take no delinquency step.
        self._run(date(2025, 10, 2))
        self.assertFalse(self._events(self.account))

    def test_recovery_needs_the_account(self):
        referral = self._export(date(2025, 7, 1)).referral_ids
        referral.with_user(self.manager).action_write_off()
        self.company.utility_bad_debt_recovery_account_id = False
        with self.assertRaisesRegex(UserError, "bad debt recovery account"):
            self._pay(self.account, 10.0, date(2025, 10, 1))

    def test_cancel_referral(self):
        referral = self._export(date(2025, 7, 1)).referral_ids
        referral.with_user(self.csr2).action_cancel()
        self.assertEqual(referral.state, "cancelled")
        self.assertEqual(self.account.collection_state, "none")
