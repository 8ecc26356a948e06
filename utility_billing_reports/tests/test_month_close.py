# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.utility_billing_reports.models.utility_month_close import (
    FIGURE_FIELDS,
)

from .common import UtilityReportsCommon


@tagged("post_install", "-at_install")
class TestMonthClose(UtilityReportsCommon):
    """The Finance Director closes May 2025: the month's figures are kept, the
    company's lock date is set, and nothing dated in May changes them after."""

    MAY = ("2025-05-01", "2025-05-31")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The company's whole ledger, as the close sees it (the demo data of
        # the database included), before anything is closed.
        cls.company.fiscalyear_lock_date = False

    def _close(self, user=None, date_from="2025-05-01", date_to="2025-05-31", **vals):
        wizard = (
            self.env["utility.report.month.end"]
            .with_user(user or self.manager)
            .create({"date_from": date_from, "date_to": date_to, **vals})
        )
        action = wizard.action_close_month()
        return self.env["utility.month.close"].browse(action["res_id"])

    def _may_figures(self, **vals):
        """{figure: amount} of May for the whole company, and of the ledger's
        cycle (the known figures of test_month_end)."""
        company_wide = self.env["utility.report.month.end"].create(
            {"date_from": self.MAY[0], "date_to": self.MAY[1]}
        )
        ledger = self._month_end(*self.MAY)
        return (
            {name: round(company_wide[name], 2) for name in FIGURE_FIELDS},
            {name: round(ledger[name], 2) for name in FIGURE_FIELDS},
        )

    def test_manager_closes_a_month(self):
        before, ledger = self._may_figures()
        self.assertEqual(ledger["closing_journal"], 252.69)
        close = self._close()
        self.assertEqual(close.name, "2025-05")
        self.assertEqual(close.closed_by_id, self.manager)
        self.assertTrue(close.closed_on)
        self.assertEqual(
            (close.date_from, close.date_to), (date(2025, 5, 1), date(2025, 5, 31))
        )
        self.assertEqual({name: close[name] for name in FIGURE_FIELDS}, before)
        self.assertEqual(self.company.fiscalyear_lock_date, date(2025, 5, 31))
        self.assertEqual(close.lock_date, date(2025, 5, 31))
        self.assertFalse(close.previous_lock_date)
        self.assertFalse(close._ub_changed_figures())
        action = close.with_user(self.csr2).action_verify()
        self.assertEqual(action["params"]["type"], "success")
        # The summary of May shows the close; a CSR II reads it, changes nothing.
        may = self._month_end(*self.MAY)
        self.assertEqual(may.close_id, close)
        close.with_user(self.csr2).read(["closed_by_id", "billed"])
        for user in (self.csr2, self.manager):
            with self.assertRaises(AccessError):
                close.with_user(user).write({"billed": 0.0})
            with self.assertRaises(AccessError):
                close.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["utility.month.close"].with_user(user).create(
                    {
                        "name": "2025-06",
                        "company_id": self.company.id,
                        "date_from": "2025-06-01",
                        "date_to": "2025-06-30",
                    }
                )

    def test_only_the_manager_closes(self):
        """A CSR II runs the month-end summary but does not close the month,
        whatever the context it sends."""
        wizard = (
            self.env["utility.report.month.end"]
            .with_user(self.csr2)
            .with_context(utility_month_close=True, force_company=self.company.id)
            .create({"date_from": self.MAY[0], "date_to": self.MAY[1]})
        )
        with self.assertRaisesRegex(AccessError, "Finance Director"):
            wizard.action_close_month()
        self.assertFalse(self.company.fiscalyear_lock_date)
        self.assertFalse(self.env["utility.month.close"].search([]))

    def test_what_can_be_closed(self):
        cases = [
            ({"date_to": "2025-05-30"}, "calendar month"),
            ({"date_from": "2025-05-02"}, "calendar month"),
            ({"date_from": "2025-04-01"}, "calendar month"),
            ({"billing_cycle_ids": [Command.set(self.cycle.ids)]}, "whole company"),
            ({"customer_class": "commercial"}, "whole company"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, message):
                self._close(**vals)
        this_month = fields.Date.today().replace(day=1)
        with self.assertRaisesRegex(UserError, "not ended yet"):
            self._close(
                date_from=this_month,
                date_to=this_month + relativedelta(months=1, days=-1),
            )
        self._close()
        with self.assertRaisesRegex(UserError, "already closed"):
            self._close()
        with self.assertRaisesRegex(UserError, "already closed"):
            self._close(date_from="2025-04-01", date_to="2025-04-30")
        # A later month: the lock date moves on.
        june = self._close(date_from="2025-06-01", date_to="2025-06-30")
        self.assertEqual(june.previous_lock_date, date(2025, 5, 31))
        self.assertEqual(self.company.fiscalyear_lock_date, date(2025, 6, 30))

    def test_a_draft_utility_entry_stops_the_close(self):
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_a.id,
                "invoice_date": "2025-05-20",
                "utility_account_id": self.account_a.id,
                "invoice_line_ids": [
                    Command.create({"name": "Meter test", "price_unit": 25.0})
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "draft utility entries"):
            self._close()
        self.assertFalse(self.company.fiscalyear_lock_date)
        draft.unlink()
        self._close()

    def test_a_closed_month_never_changes(self):
        """Once May is closed, a bill or a payment dated in May is not posted in
        it, a May bill is not reset, a May payment is not moved to another
        account: May's figures stay those of the close, even after an
        accountant moved the lock date back."""
        before, ledger = self._may_figures()
        close = self._close()
        manager_env = self.env(user=self.manager)
        # A bill dated in May, posted by the manager: refused.
        bill = manager_env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_a.id,
                "invoice_date": "2025-05-20",
                "utility_account_id": self.account_a.id,
                "invoice_line_ids": [
                    Command.create({"name": "Meter test", "price_unit": 25.0})
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "closed"):
            bill.action_post()
        self.assertEqual(bill.state, "draft")
        # A May bill of the April run: not reset to draft, not cancelled.
        may_bill = self.bill["a", "april"].with_user(self.manager)
        with self.assertRaises(UserError):
            may_bill.button_draft()
        self.assertEqual(may_bill.state, "posted")
        # A payment dated in May: posted after the lock date (Odoo postpones
        # its accounting date), never in May.
        payment = manager_env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.partner_b.id,
                "amount": 20.79,
                "date": "2025-05-30",
                "journal_id": self.bank_journal.id,
            }
        )
        try:
            payment.action_post()
        except UserError:
            self.assertNotEqual(payment.move_id.state, "posted")
        else:
            self.assertGreater(payment.move_id.date, date(2025, 5, 31))
            payment.move_id.sudo().utility_account_id = self.account_b
        # A May payment moved to another account: refused.
        with self.assertRaisesRegex(UserError, "closed"):
            self.pay_b_mail.move_id.sudo().utility_account_id = self.account_c
        with self.assertRaisesRegex(UserError, "closed"):
            self.pay_b_mail.move_id.sudo().utility_payment_source = "counter"
        self.assertEqual(self._may_figures(), (before, ledger))
        self.assertFalse(close._ub_changed_figures())
        # The accountant moves the lock date back: the closed month still holds.
        self.company.sudo().fiscalyear_lock_date = False
        with self.assertRaisesRegex(UserError, "closed"):
            bill.action_post()
        with self.assertRaises(UserError):
            may_bill.button_draft()
        self.assertEqual(may_bill.state, "posted")
        with self.assertRaisesRegex(UserError, "closed"):
            self.pay_b_mail.move_id.sudo().utility_account_id = self.account_c
        self.assertEqual(self._may_figures(), (before, ledger))
        # June is open: a June bill posts.
        bill.invoice_date = "2025-06-02"
        bill.action_post()
        self.assertEqual(bill.state, "posted")
