# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.utility_billing.tools.workflow import workflow

from .common_billing import UtilityBillingRunCommon

MAY = {
    "period_start": date(2025, 5, 1),
    "period_end": date(2025, 5, 31),
    "bill_date": date(2025, 6, 3),
}
JUNE = {
    "period_start": date(2025, 6, 1),
    "period_end": date(2025, 6, 30),
    "bill_date": date(2025, 7, 3),
}


@tagged("post_install", "-at_install")
class TestUtilityAdjustment(UtilityBillingRunCommon):
    """Adjustments: the city's policies, approval by role and amount, and the
    credit and debit notes they post.

    Bills come from real billing runs of March, April and May 2025 (Coachella's
    water rate: 41 HCF at 1.50, over at 1.65, 5% utility users tax):

    * the leak account uses 1 HCF a day (59 HCF to March 31, 30 HCF in April),
      then 101 HCF in May: a leak;
    * the estimate account is read at 30 HCF in March, estimated at 60 on April
      30 (30 HCF billed in April) and read at 140 on May 31 (80 HCF billed in
      May, measured from the estimate).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "utility_adjustment_approval_limit": 100.0,
                "utility_leak_credit_basis": "tier1",
                "utility_leak_credit_percent": 50.0,
                "utility_leak_once_a_year": True,
            }
        )
        cls.product_penalty = cls._utility_product(
            "Test Late Penalty", cls.income_other
        )
        cls.product_adjust = cls._utility_product(
            "Test Billing Adjustment", cls.income_other
        )
        cls.company.utility_penalty_product_id = cls.product_penalty
        cls.company.utility_adjustment_product_id = cls.product_adjust

        _premise, cls.leak_meter, cls.leak_account = cls._billing_account(
            "ADJ-LEAK", install_date="2025-01-31"
        )
        _premise, cls.est_meter, cls.est_account = cls._billing_account("ADJ-EST")
        cls._read(cls.leak_meter, "2025-03-31", 59)
        cls._read(cls.est_meter, "2025-03-31", 30)
        cls._run(date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 3))
        cls._read(cls.leak_meter, "2025-04-30", 89)
        cls._read(
            cls.est_meter, "2025-04-30", 60, read_type="estimated", source="system"
        )
        cls._run(date(2025, 4, 1), date(2025, 4, 30), date(2025, 5, 3))
        cls._read(cls.leak_meter, "2025-05-31", 190)
        cls._read(cls.est_meter, "2025-05-31", 140)
        cls._run(**MAY)
        cls._read(cls.leak_meter, "2025-06-30", 320)
        cls.leak_bills = cls._bills(cls.leak_account)
        cls.est_bills = cls._bills(cls.est_account)
        cls.may_bill = cls.leak_bills[-1]
        cls.proof = cls.env["ir.attachment"].create(
            {
                "name": "plumber-invoice.pdf",
                "datas": base64.b64encode(b"%PDF-1.4 repair of the service line"),
                "res_model": "utility.adjustment",
            }
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @classmethod
    def _run(cls, period_start, period_end, bill_date):
        run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": period_start,
                "period_end": period_end,
                "bill_date": bill_date,
            }
        )
        run.action_compute()
        run.action_post()
        return run

    @classmethod
    def _bills(cls, account):
        return (
            cls.env["account.move"]
            .search(
                [
                    ("utility_account_id", "=", account.id),
                    ("move_type", "=", "out_invoice"),
                    ("utility_period_start", "!=", False),
                ]
            )
            .sorted("invoice_date")
        )

    def _request(self, user=None, **vals):
        values = {
            "account_id": self.leak_account.id,
            "adjustment_type": "other",
            "reason": "Courtesy credit",
        }
        values.update(vals)
        return (
            self.env["utility.adjustment"].with_user(user or self.csr1).create(values)
        )

    def _leak(self, bill=None, request_date="2025-06-10", proof=True):
        adjustment = self._request(
            adjustment_type="leak",
            bill_id=(bill or self.may_bill).id,
            date=request_date,
            reason="Broken irrigation line, repaired June 5",
            proof_attachment_ids=[Command.set(self.proof.ids if proof else [])],
        )
        adjustment.action_compute()
        return adjustment

    def _approve_and_post(self, adjustment, when="2025-06-15", approver=None):
        adjustment.with_user(self.csr1).action_submit()
        # Noon UTC: the same date for the test users in Pacific time.
        with freeze_time(f"{when} 12:00:00"):
            adjustment.with_user(approver or self.manager).action_approve()
            adjustment.with_user(approver or self.manager).action_post()
        # The note posts exactly the adjustment's amount.
        self.assertAlmostEqual(
            adjustment.move_id.amount_total, abs(adjustment.amount), places=2
        )
        return adjustment.move_id

    def _penalty_invoice(self, invoice_date, amount=12.34):
        """A penalty invoice in the bills' journal, numbered by Odoo."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": self.may_bill.journal_id.id,
                "partner_id": self.leak_account.partner_id.id,
                "invoice_date": invoice_date,
                "utility_account_id": self.leak_account.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_penalty.id,
                            "name": "Late payment penalty",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @staticmethod
    def _table(adjustment):
        return [
            (line.quantity, line.price_unit, line.percent, line.amount)
            for line in adjustment.line_ids
        ]

    # ------------------------------------------------------------
    # Fixtures
    # ------------------------------------------------------------

    def test_fixture_bills(self):
        """The runs billed what the scenario says: the May leak bill has 41 HCF at
        1.50 and 60 HCF at 1.65; the estimate account's April bill is the estimate
        (30 HCF) and its May bill the 80 HCF measured from it."""
        self.assertEqual(len(self.leak_bills), 3)
        usage = self.may_bill.invoice_line_ids.filtered(
            lambda ln: ln.product_id == self.product_water_usage
        )
        self.assertEqual(
            [(ln.quantity, ln.price_unit) for ln in usage], [(41.0, 1.5), (60.0, 1.65)]
        )
        april, may = self.est_bills[1:]
        self.assertEqual(april.utility_read_ids.read_type, "estimated")
        self.assertEqual(
            [
                (ln.quantity, ln.price_unit)
                for ln in (april | may).invoice_line_ids.filtered(
                    lambda ln: ln.product_id == self.product_water_usage
                )
            ],
            [(30.0, 1.5), (41.0, 1.5), (39.0, 1.65)],
        )

    # ------------------------------------------------------------
    # Leak
    # ------------------------------------------------------------

    def test_leak_tier1_computation(self):
        """Leak at the tier-1 price: usual use = 1 HCF a day (89 HCF over 89 days
        of earlier reads) x 31 days = 31 HCF; excess 101 - 31 = 70 HCF credited at
        1.50 = 105.00, plus the 5% tax billed on it: 110.25."""
        adjustment = self._leak()
        self.assertEqual(self._table(adjustment), [(70.0, 1.5, 100.0, 105.0)])
        self.assertEqual(adjustment.line_ids.tax_ids, self.uut)
        self.assertEqual(adjustment.amount_untaxed, 105.0)
        self.assertEqual(adjustment.amount_tax, 5.25)
        self.assertEqual(adjustment.amount, 110.25)
        self.assertIn("Excess: 70.0 HCF", adjustment.computation)
        self.assertIn("= 31.0 HCF", adjustment.computation)

    def test_leak_percent_computation(self):
        """Leak as a percentage: 50% of the charge for the 70 HCF excess, taken
        from the top of the bill: 60 HCF at 1.65 (49.50) and 10 HCF at 1.50
        (7.50), each with its 5% tax."""
        self.company.utility_leak_credit_basis = "percent"
        adjustment = self._leak()
        self.assertEqual(
            self._table(adjustment),
            [(60.0, 1.65, 50.0, 49.5), (10.0, 1.5, 50.0, 7.5)],
        )
        self.assertEqual(adjustment.amount_untaxed, 57.0)
        self.assertAlmostEqual(adjustment.amount, 57.0 + 2.48 + 0.38, places=2)
        move = self._approve_and_post(adjustment)
        self.assertEqual(
            [(ln.quantity, ln.price_unit) for ln in move.invoice_line_ids],
            [(1.0, 49.5), (1.0, 7.5)],
        )
        self.assertAlmostEqual(move.amount_total, adjustment.amount, places=2)

    def test_leak_credit_to_the_cent_of_the_hand_computation(self):
        """An excess measured to the thousandth is credited to the cent of the
        hand computation: 80 HCF over 89 days of earlier reads is 0.8989 HCF a
        day, x 31 days = 27.865 HCF; May billed 98 HCF, excess 70.135 HCF x 1.50
        = 105.2025, credited 105.20 (not 70.14 x 1.50 = 105.21), and posted so."""
        _premise, meter, account = self._billing_account(
            "ADJ-CENT", install_date="2025-01-31"
        )
        self._read(meter, "2025-03-31", 59)
        self._run(date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 3))
        self._read(meter, "2025-04-30", 80)
        self._run(date(2025, 4, 1), date(2025, 4, 30), date(2025, 5, 3))
        self._read(meter, "2025-05-31", 178)
        self._run(**MAY)
        adjustment = self._request(
            account_id=account.id,
            adjustment_type="leak",
            bill_id=self._bills(account)[-1].id,
            date="2025-06-10",
            reason="Broken irrigation line, repaired June 5",
            proof_attachment_ids=[Command.set(self.proof.ids)],
        )
        adjustment.action_compute()
        self.assertIn("Excess: 70.135 HCF", adjustment.computation)
        self.assertEqual(adjustment.line_ids.quantity, 70.135)
        self.assertEqual(adjustment.amount_untaxed, 105.20)
        self.assertEqual(adjustment.amount_tax, 5.26)
        move = self._approve_and_post(adjustment, approver=self.manager)
        self.assertEqual(move.amount_untaxed, 105.20)
        self.assertEqual(move.amount_total, 110.46)

    def test_leak_without_excess_refused(self):
        """A bill whose use is not above the usual use gives no leak credit: the
        computation says so on the request (not in an error dialog), and the
        request cannot be submitted."""
        adjustment = self._leak(bill=self.leak_bills[1])
        self.assertFalse(adjustment.line_ids)
        self.assertIn("no use above the usual use", adjustment.computation)
        with self.assertRaises(UserError) as cm:
            adjustment.with_user(self.csr1).action_submit()
        self.assertIn("has no amount", str(cm.exception))
        self.assertIn("no use above the usual use", str(cm.exception))
        self.assertEqual(adjustment.state, "draft")

    def test_leak_proof_required_at_submit(self):
        """A leak credit is submitted only with the proof of repair attached."""
        adjustment = self._leak(proof=False)
        with self.assertRaises(UserError) as cm:
            adjustment.with_user(self.csr1).action_submit()
        self.assertIn("Attach the proof of the leak repair", str(cm.exception))
        adjustment.with_user(self.csr1).proof_attachment_ids = [
            Command.link(self.proof.id)
        ]
        adjustment.with_user(self.csr1).action_submit()
        self.assertEqual(adjustment.state, "to_approve")

    def test_leak_once_in_12_months(self):
        """A second leak credit within 12 months of the last one is refused; 12
        months after it, it is allowed; the limit can be turned off."""
        self._approve_and_post(self._leak(), when="2025-06-15")
        self._run(**JUNE)
        june_bill = self._bills(self.leak_account)[-1]
        with self.assertRaises(UserError) as cm:
            self._leak(bill=june_bill, request_date="2026-06-14")
        self.assertIn("the policy allows one in 12 months", str(cm.exception))
        self.assertIn(self.leak_account.name, str(cm.exception))
        adjustment = self._leak(bill=june_bill, request_date="2026-06-15")
        self.assertGreater(adjustment.amount, 0)

        self.company.utility_leak_once_a_year = False
        adjustment.with_user(self.manager).unlink()
        self.assertTrue(self._leak(bill=june_bill, request_date="2025-07-10").line_ids)

    def test_leak_pending_request_blocks_another(self):
        """While a leak request waits for approval, another one for the account is
        refused (the second would break the once-in-12-months rule)."""
        self._leak().with_user(self.csr1).action_submit()
        self._run(**JUNE)
        with self.assertRaises(UserError) as cm:
            self._leak(bill=self._bills(self.leak_account)[-1])
        self.assertIn("one in 12 months", str(cm.exception))

    def test_one_adjustment_of_a_type_per_bill(self):
        """A bill gets one leak credit: a second request on it is refused, unless
        the first was rejected."""
        first = self._leak()
        first.with_user(self.csr1).action_submit()
        first.with_user(self.csr2).action_reject("Duplicate of a phone request")
        self.company.utility_leak_once_a_year = False
        second = self._leak()
        self.assertEqual(second.amount, 110.25)
        with self.assertRaises(UserError) as cm:
            self._leak()
        self.assertIn("already has a Leak adjustment", str(cm.exception))

    # ------------------------------------------------------------
    # Penalty reversal, estimate correction, other
    # ------------------------------------------------------------

    def test_penalty_reversal_once_in_12_months(self):
        """A penalty reversal credits the bill's penalty lines as billed; a second
        within 12 months of the last one is refused, 12 months after it allowed."""
        first_penalty = self._penalty_invoice("2025-05-10")
        second_penalty = self._penalty_invoice("2025-08-10", amount=20.0)
        first = self._request(
            adjustment_type="penalty_reversal",
            bill_id=first_penalty.id,
            date="2025-05-15",
        )
        first.action_compute()
        self.assertEqual(self._table(first), [(1.0, 12.34, 100.0, 12.34)])
        self._approve_and_post(first, when="2025-05-20", approver=self.csr2)
        self.assertEqual(first_penalty.payment_state, "reversed")

        second = self._request(
            adjustment_type="penalty_reversal",
            bill_id=second_penalty.id,
            date="2026-05-19",
        )
        with self.assertRaises(UserError) as cm:
            second.action_compute()
        self.assertIn("the policy allows one in 12 months", str(cm.exception))
        second.date = "2026-05-20"
        second.action_compute()
        self.assertEqual(second.amount, 20.0)

    def test_penalty_reversal_needs_a_penalty_line(self):
        """A bill without a penalty line has nothing to reverse."""
        adjustment = self._request(
            adjustment_type="penalty_reversal", bill_id=self.may_bill.id
        )
        with self.assertRaises(UserError) as cm:
            adjustment.action_compute()
        self.assertIn("has no Test Late Penalty line", str(cm.exception))

    def test_estimate_correction(self):
        """April's estimate (30 HCF) is trued up by May's read (80 HCF): the 110
        HCF of the two months are re-rated as one period with two months of tier
        allowance (82 HCF at 1.50, 28 at 1.65 = 169.20) against the 170.85
        billed: 11 HCF more at 1.50 (-16.50), 11 HCF fewer at 1.65 (+18.15), a
        credit of 1.65 before tax."""
        april, may = self.est_bills[1:]
        adjustment = self._request(
            account_id=self.est_account.id,
            adjustment_type="estimate_correction",
            bill_id=may.id,
            reason="Estimate of April replaced by the read of May 31",
        )
        adjustment.action_compute()
        self.assertEqual(
            self._table(adjustment),
            [(-11.0, 1.5, 100.0, -16.5), (11.0, 1.65, 100.0, 18.15)],
        )
        self.assertEqual(adjustment.amount_untaxed, 1.65)
        self.assertAlmostEqual(adjustment.amount, 1.65 - 0.83 + 0.91, places=2)
        self.assertIn(april.name, adjustment.computation)
        self.assertIn("110.0 HCF", adjustment.computation)
        move = self._approve_and_post(adjustment, approver=self.csr2)
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.amount_total, adjustment.amount)
        self.assertEqual(move.reversed_entry_id, may)

    def test_estimate_correction_needs_the_true_up_bill(self):
        """The bill of the estimate itself (or a bill with no estimate before it)
        is refused: the correction is made on the bill of the actual read."""
        for bill in (self.est_bills[1], self.est_bills[0]):
            adjustment = self._request(
                account_id=self.est_account.id,
                adjustment_type="estimate_correction",
                bill_id=bill.id,
            )
            with self.assertRaises(UserError) as cm:
                adjustment.action_compute()
            self.assertIn(
                "no actual read following billed estimates", str(cm.exception)
            )

    def test_bill_of_another_account_refused(self):
        """The corrected bill must be a posted bill of the adjusted account."""
        adjustment = self._request(
            adjustment_type="leak", bill_id=self.est_bills[-1].id
        )
        with self.assertRaises(UserError) as cm:
            adjustment.action_compute()
        self.assertIn("is not a posted bill of account", str(cm.exception))

    # ------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------

    def test_approval_by_role_and_amount(self):
        """A CSR II approves up to the company limit (100.00 included); above it
        only a manager does; a CSR I approves nothing."""
        at_limit = self._request(amount=100.0)
        at_limit.with_user(self.csr1).action_submit()
        at_limit.with_user(self.csr2).action_approve()
        self.assertEqual(at_limit.state, "approved")
        self.assertEqual(at_limit.approver_id, self.csr2)
        self.assertTrue(at_limit.approval_date)

        above = self._request(amount=100.01)
        above.with_user(self.csr1).action_submit()
        with self.assertRaises(AccessError) as cm:
            above.with_user(self.csr2).action_approve()
        self.assertIn("above the approval limit", str(cm.exception))
        above.with_user(self.manager).action_approve()
        self.assertEqual(above.approver_id, self.manager)

        charge = self._request(user=self.manager, amount=-100.01)
        charge.with_user(self.manager).action_submit()
        with self.assertRaises(AccessError) as cm:
            charge.with_user(self.csr1).action_approve()
        self.assertIn("Customer Service Representative II", str(cm.exception))
        with self.assertRaises(AccessError) as cm:
            charge.with_user(self.csr2).action_approve()
        self.assertIn("above the approval limit of $\xa0100.00", str(cm.exception))

    def test_self_approval_refused(self):
        """Nobody approves their own request, a manager included."""
        for user in (self.csr2, self.manager):
            adjustment = self._request(user=user, amount=10.0)
            adjustment.with_user(user).action_submit()
            with self.assertRaises(UserError) as cm:
                adjustment.with_user(user).action_approve()
            self.assertIn("someone else must approve it", str(cm.exception))

    def test_workflow_fields_only_through_buttons(self):
        """A CSR I can neither approve by writing the status nor change a request
        once submitted."""
        adjustment = self._request(amount=10.0)
        with self.assertRaises(UserError) as cm:
            adjustment.with_user(self.csr1).write({"state": "approved"})
        self.assertIn("change only through its buttons", str(cm.exception))
        with self.assertRaises(UserError):
            self._request(amount=10.0, state="posted")
        adjustment.with_user(self.csr1).action_submit()
        with self.assertRaises(UserError) as cm:
            adjustment.with_user(self.csr1).amount = 90.0
        self.assertIn("has been submitted", str(cm.exception))
        with self.assertRaises(UserError):
            adjustment.line_ids.with_user(self.csr1).price_unit = 90.0

    def test_reject_and_resubmit(self):
        """A CSR II rejects with a reason (wizard); the requester sets the request
        back to draft, corrects it and submits it again."""
        adjustment = self._request(amount=30.0)
        adjustment.with_user(self.csr1).action_submit()
        action = adjustment.with_user(self.csr2).action_reject_wizard()
        wizard = Form(
            self.env["utility.adjustment.reject"]
            .with_user(self.csr2)
            .with_context(**action["context"])
        )
        wizard.reason = "Credit policy allows 25.00"
        wizard.save().action_reject()
        self.assertEqual(adjustment.state, "rejected")
        self.assertEqual(adjustment.rejection_reason, "Credit policy allows 25.00")
        with self.assertRaises(UserError):
            adjustment.with_user(self.csr2).action_approve()
        adjustment.with_user(self.csr1).action_draft()
        adjustment.with_user(self.csr1).amount = 25.0
        adjustment.with_user(self.csr1).action_submit()
        self.assertEqual(adjustment.state, "to_approve")
        self.assertEqual(adjustment.line_ids.price_unit, 25.0)

    # ------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------

    def test_credit_note_accounting(self):
        """A posted leak credit is a credit note of the account's customer,
        reversing the bill's usage line income and tax, reconciled with the bill,
        whose residual drops by the credit."""
        bill = self.may_bill
        residual = bill.amount_residual
        balance = self.leak_account.balance
        adjustment = self._leak()
        move = self._approve_and_post(adjustment)
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.post_date, date(2025, 6, 15))
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.partner_id, self.leak_account.partner_id)
        self.assertEqual(move.utility_account_id, self.leak_account)
        self.assertEqual(move.utility_adjustment_id, adjustment)
        self.assertEqual(move.reversed_entry_id, bill)
        self.assertEqual(move.invoice_date, date(2025, 6, 15))
        self.assertEqual(move.amount_untaxed, 105.0)
        self.assertEqual(move.amount_total, 110.25)
        self.assertEqual(move.invoice_line_ids.account_id, self.income_water)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.uut)
        receivable = move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(
            receivable.account_id,
            bill.line_ids.filtered(
                lambda ln: ln.account_id.account_type == "asset_receivable"
            ).account_id,
        )
        self.assertTrue(receivable.reconciled)
        self.assertEqual(receivable.matched_debit_ids.debit_move_id.move_id, bill)
        self.assertEqual(move.amount_residual, 0.0)
        self.assertAlmostEqual(bill.amount_residual, residual - 110.25, places=2)
        self.leak_account.invalidate_recordset(["balance"])
        self.assertAlmostEqual(self.leak_account.balance, balance - 110.25, places=2)

    def test_credit_note_on_paid_bill_stays_open(self):
        """When the bill was already paid (and nothing else is owed), the credit
        stays open on the account (a credit for the next bill). Were another bill
        open, the credit would apply itself to it."""
        bill = self.may_bill
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.leak_bills.ids
        ).create({"payment_date": "2025-06-10"})._create_payments()
        self.assertEqual(bill.payment_state, "paid")
        move = self._approve_and_post(self._leak())
        self.assertEqual(move.amount_residual, 110.25)
        self.assertEqual(move.payment_state, "not_paid")

    def test_no_adjustment_on_a_closed_account(self):
        """A closed account takes no adjustment: a new request, and the
        submission of a draft made before it closed, are refused with a message
        to reopen it first; its balance does not move."""
        draft = self._request(amount=10.0, bill_id=self.may_bill.id)
        with workflow("utility.account"):
            self.leak_account.state = "closed"
        balance = self.leak_account.balance
        with self.assertRaises(UserError) as cm:
            self._request(amount=10.0, bill_id=self.may_bill.id)
        self.assertIn(f"Account {self.leak_account.name} is closed", str(cm.exception))
        self.assertIn("reopen it", str(cm.exception))
        with self.assertRaises(UserError) as cm:
            draft.with_user(self.csr1).action_submit()
        self.assertIn("reopen it", str(cm.exception))
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.move_id)
        self.leak_account.invalidate_recordset(["balance"])
        self.assertEqual(self.leak_account.balance, balance)

    def test_debit_note_accounting(self):
        """A negative adjustment is a debit note: an invoice of the customer for
        the amount, at the adjustment product's income account, numbered by the
        bills' sequence (the next bill run still numbers without a clash)."""
        adjustment = self._request(
            amount=-40.0, reason="Meter tampering fee", bill_id=self.may_bill.id
        )
        move = self._approve_and_post(adjustment, approver=self.csr2)
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.partner_id, self.leak_account.partner_id)
        self.assertEqual(move.utility_adjustment_id, adjustment)
        self.assertFalse(move.reversed_entry_id)
        self.assertFalse(move.utility_period_start)
        self.assertEqual(move.amount_total, 40.0)
        self.assertEqual(move.amount_residual, 40.0)
        self.assertEqual(move.invoice_line_ids.account_id, self.income_other)
        self.assertEqual(move.invoice_line_ids.product_id, self.product_adjust)
        journal = self.may_bill.journal_id
        self.assertEqual(move.journal_id, journal)
        self.assertTrue(move.name.startswith(f"{journal.code}/2025/"))
        self._run(**JUNE)
        june_bill = self._bills(self.leak_account)[-1]
        self.assertNotEqual(june_bill.name, move.name)
        summary = june_bill._utility_bill_summary()
        self.assertEqual(summary["adjustments"], 40.0)

    def test_debit_note_skips_numbers_taken_by_penalties(self):
        """A penalty posted in the bills' journal takes the journal's next number
        by Odoo's numbering; a debit note posted after it takes a free number
        (it took the same one: UniqueViolation on account_move_unique_name)."""
        journal = self.may_bill.journal_id
        penalty = self._penalty_invoice("2025-06-12")
        self.assertEqual(penalty.journal_id, journal)
        adjustment = self._request(
            amount=-40.0, reason="Meter tampering fee", bill_id=self.may_bill.id
        )
        move = self._approve_and_post(adjustment, approver=self.csr2)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, journal)
        self.assertEqual(move.sequence_prefix, penalty.sequence_prefix)
        self.assertGreater(move.sequence_number, penalty.sequence_number)

    def test_next_bill_shows_the_credit(self):
        """The next bill's previous-balance section shows the leak credit as an
        adjustment: previous balance (what the May bill left owing), adjustments
        -110.25, balance forward = the rest; the printed bill has the line."""
        owed = sum(self.leak_bills.mapped("amount_total"))
        self._approve_and_post(self._leak(), when="2025-06-15")
        self._run(**JUNE)
        june_bill = self._bills(self.leak_account)[-1]
        self.assertEqual(june_bill.invoice_date, date(2025, 7, 3))
        summary = june_bill._utility_bill_summary()
        self.assertAlmostEqual(summary["previous_balance"], owed, places=2)
        self.assertEqual(summary["payments"], 0.0)
        self.assertAlmostEqual(summary["adjustments"], -110.25, places=2)
        self.assertAlmostEqual(summary["balance_forward"], owed - 110.25, places=2)
        self.assertAlmostEqual(
            summary["total_due"], owed - 110.25 + june_bill.amount_total, places=2
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_bill", june_bill.ids
            )[0]
            .decode()
        )
        self.assertIn("o_ub_adjustments", html)
        # The credit is not counted again on the bill after.
        self._read(self.leak_meter, "2025-07-31", 350)
        self._run(date(2025, 7, 1), date(2025, 7, 31), date(2025, 8, 3))
        july = self._bills(self.leak_account)[-1]
        self.assertEqual(july._utility_bill_summary()["adjustments"], 0.0)

    # ------------------------------------------------------------
    # Account form, access
    # ------------------------------------------------------------

    def test_request_from_account_form(self):
        """The account form's button opens a request on the account's last bill;
        the smart button counts the account's adjustments."""
        action = self.leak_account.with_user(self.csr1).action_request_adjustment()
        form = Form(
            self.env["utility.adjustment"]
            .with_user(self.csr1)
            .with_context(**action["context"])
        )
        self.assertEqual(form.bill_id, self.may_bill)
        form.adjustment_type = "leak"
        form.reason = "Leak under the slab"
        adjustment = form.save()
        self.assertEqual(adjustment.requested_by, self.csr1)
        self.assertTrue(adjustment.name.startswith("ADJ/"))
        self.assertEqual(adjustment.partner_id, self.leak_account.partner_id)
        self.leak_account.invalidate_recordset(["adjustment_count"])
        self.assertEqual(self.leak_account.adjustment_count, 1)
        view = self.leak_account.action_view_adjustments()
        self.assertEqual(
            self.env["utility.adjustment"].search(view["domain"]), adjustment
        )
        # The rest of the flow with the form's context (its default_* keys
        # must not reach the computation lines nor the credit note).
        adjustment.proof_attachment_ids = [Command.link(self.proof.id)]
        adjustment.action_submit()
        manager_adjustment = adjustment.with_user(self.manager)
        manager_adjustment.action_approve()
        manager_adjustment.action_post()
        self.assertEqual(adjustment.move_id.amount_total, 110.25)
        self.assertEqual(
            adjustment.move_id.line_ids.filtered(
                lambda ln: ln.display_type == "payment_term"
            ).account_id.account_type,
            "asset_receivable",
        )

    def test_csr1_cannot_delete_or_post(self):
        """A CSR I cannot delete adjustments nor post them; a posted adjustment
        cannot be deleted by anyone."""
        adjustment = self._request(amount=10.0)
        with self.assertRaises(AccessError):
            adjustment.with_user(self.csr1).unlink()
        adjustment.with_user(self.csr1).action_submit()
        adjustment.with_user(self.csr2).action_approve()
        with self.assertRaises(AccessError):
            adjustment.with_user(self.csr1).action_post()
        adjustment.with_user(self.csr2).action_post()
        with self.assertRaises(UserError) as cm:
            adjustment.with_user(self.manager).unlink()
        self.assertIn("cannot be deleted", str(cm.exception))

    def test_other_company_never_visible(self):
        """Another company's adjustments and their lines are invisible to this
        company's users, a manager included."""
        company_b = self.setup_other_company(name="Indio Water District")["company"]
        env_b = self.env(
            context=dict(self.env.context, allowed_company_ids=[company_b.id])
        )
        water_b = env_b["utility.service.type"].create(
            {"name": "Water", "code": "WATER", "metered": True, "uom_id": self.hcf.id}
        )
        cycle_b = env_b["utility.billing.cycle"].create({"name": "Indio", "code": "I1"})
        route_b = env_b["utility.route"].create(
            {"name": "Indio 1", "code": "I1", "cycle_id": cycle_b.id}
        )
        premise_b = env_b["utility.premise"].create(
            {"street": "45 Calle Indio", "city": "Indio", "route_id": route_b.id}
        )
        account_b = env_b["utility.account"].create(
            {
                "partner_id": self.partner.id,
                "premise_id": premise_b.id,
                "service_ids": [Command.create({"service_type_id": water_b.id})],
            }
        )
        adjustment_b = env_b["utility.adjustment"].create(
            {
                "account_id": account_b.id,
                "adjustment_type": "other",
                "amount": 15.0,
                "reason": "Indio courtesy credit",
            }
        )
        self.assertEqual(adjustment_b.company_id, company_b)
        own = self._request(amount=5.0)
        for user in (self.csr1, self.csr2, self.manager):
            Adjustment = self.env["utility.adjustment"].with_user(user)
            # Demo data may hold other adjustments: look at these two only.
            self.assertEqual(
                Adjustment.search([("id", "in", (own | adjustment_b).ids)]), own
            )
            with self.assertRaises(AccessError):
                Adjustment.browse(adjustment_b.id).read(["amount"])

    # ------------------------------------------------------------
    # Register
    # ------------------------------------------------------------

    def test_register(self):
        """The register lists the adjustments posted in the date range, by type,
        with their approver, and totals them; the pivot groups them by type,
        approver and month."""
        leak = self._leak()
        self._approve_and_post(leak, when="2025-06-15")
        other = self._request(amount=-40.0, reason="Tampering fee")
        self._approve_and_post(other, when="2025-06-20", approver=self.csr2)
        late = self._request(amount=5.0, reason="Courtesy")
        self._approve_and_post(late, when="2025-07-02", approver=self.csr2)

        wizard = Form(self.env["utility.adjustment.register"].with_user(self.csr1))
        wizard.date_from = date(2025, 6, 1)
        wizard.date_to = date(2025, 6, 30)
        wizard = wizard.save()
        self.assertEqual(wizard._get_adjustments(), leak | other)
        action = wizard.action_print()
        self.assertEqual(action["data"]["date_from"], "2025-06-01")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_adjustment_register",
                action["context"]["active_ids"],
                data=action["data"],
            )[0]
            .decode()
        )
        for text in (leak.name, other.name, "Leak", "Other", "70.25"):
            self.assertIn(text, html)
        self.assertNotIn(late.name, html)

        groups = self.env["utility.adjustment"]._read_group(
            [("state", "=", "posted"), ("id", "in", (leak | other | late).ids)],
            ["adjustment_type", "approver_id", "post_date:month"],
            ["amount:sum"],
        )
        self.assertEqual(
            [(t, u, m.strftime("%Y-%m"), a) for t, u, m, a in groups],
            [
                ("leak", self.manager, "2025-06", 110.25),
                ("other", self.csr2, "2025-06", -40.0),
                ("other", self.csr2, "2025-07", 5.0),
            ],
        )

        wizard.write({"date_from": date(2025, 5, 1), "date_to": date(2025, 5, 31)})
        with self.assertRaises(UserError) as cm:
            wizard.action_print()
        self.assertIn("No adjustment was posted", str(cm.exception))
