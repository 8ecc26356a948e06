# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 12: roles, locked books, adjustment workflow, billing periods, settings.

Every refusal is tried as the user named, plainly and with the context keys a
caller of ``/web/dataset/call_kw`` could send (the code once read some of them
as permissions), then the records are read again as superuser to prove that
nothing changed; the allowed path is then run by the role that owns it.
"""

from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, freeze_time, new_test_user, tagged

from .common import call_kw
from .common_billing import UtilityBillingRunCommon

# Context keys an attacker sends: once permissions in this addon or in Odoo.
FORGED_CONTEXT = {
    "utility_adjustment_workflow": True,
    "force_delete": True,
    "skip_readonly_check": True,
    "check_move_validity": False,
    "skip_invoice_sync": True,
    "move_reverse_cancel": True,
}
# Odoo's AccessError is a UserError: either refusal.
REFUSED = UserError


@tagged("post_install", "-at_install")
class TestControlsBooks(UtilityBillingRunCommon):
    """March 2025 billed by a CSR II for two accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager2 = new_test_user(
            cls.env,
            login="test_manager2",
            groups="base.group_user,utility_billing.group_manager",
            tz="UTC",
        )
        cls.csr2_other = new_test_user(
            cls.env,
            login="test_csr2_other",
            groups="base.group_user,utility_billing.group_csr_2",
            tz="UTC",
        )
        cls.company.utility_adjustment_approval_limit = 500.0
        _p, cls.meter_a, cls.account_a = cls._billing_account("CB-A")
        _p, cls.meter_b, cls.account_b = cls._billing_account("CB-B", sequence=20)
        cls.accounts = cls.account_a | cls.account_b
        cls.read_a = cls._read(cls.meter_a, "2025-03-31", 50)
        cls._read(cls.meter_b, "2025-03-31", 20)
        cls.march_run = (
            cls.env["utility.billing.run"]
            .with_user(cls.csr2)
            .create(
                {
                    "cycle_id": cls.cycle.id,
                    "period_start": cls.PERIOD_START,
                    "period_end": cls.PERIOD_END,
                    "bill_date": cls.BILL_DATE,
                }
            )
        )
        cls.march_run.action_compute()
        cls.march_run.action_post()
        cls.bill_a = cls._bill_of(cls.account_a)
        cls.bill_b = cls._bill_of(cls.account_b)

    @classmethod
    def _bill_of(cls, account, period_start=None):
        return cls.env["account.move"].search(
            [
                ("utility_account_id", "=", account.id),
                ("move_type", "=", "out_invoice"),
                ("utility_period_start", "=", period_start or cls.PERIOD_START),
                ("utility_superseded", "=", False),
                ("state", "=", "posted"),
            ]
        )

    def _snapshot(self, move):
        move.invalidate_recordset()
        return (
            move.state,
            move.amount_total,
            move.amount_residual,
            move.invoice_date_due,
            move.ref,
            [(ln.price_unit, ln.quantity) for ln in move.invoice_line_ids],
        )

    def _contexts(self):
        return ({}, FORGED_CONTEXT)

    # ------------------------------------------------------------
    # Roles: the billing run
    # ------------------------------------------------------------

    def test_csr2_bills_with_the_run(self):
        """A CSR II computes and posts a run without accounting rights of their
        own: the bills are theirs (created by them), posted and numbered."""
        self.assertEqual(self.march_run.state, "posted")
        bills = self.bill_a | self.bill_b
        self.assertEqual(len(bills), 2)
        self.assertEqual(set(bills.mapped("state")), {"posted"})
        self.assertEqual(bills.create_uid, self.csr2)
        self.assertFalse(
            self.csr2.has_group("account.group_account_invoice"),
            "CSR II must not hold Odoo's invoicing rights",
        )
        self.assertTrue(self.march_run.journal_id.utility_journal)
        self.assertTrue(self.march_run.journal_id.restrict_mode_hash_table)
        # A copy of a posted run is a new draft (its state is not copied).
        self.assertEqual(self.march_run.copy().state, "draft")
        # The CSR II e-mails the paperless bills (Odoo's sent flag is set).
        self.account_a.paperless = True
        self.partner.email = "maria@example.com"
        self.march_run.with_user(self.csr2).action_send_bills()
        line_a = self.march_run.line_ids.filtered(
            lambda ln: ln.account_id == self.account_a
        )
        self.assertTrue(line_a.sent)
        self.assertTrue(self.bill_a.is_move_sent)

    def test_csr1_cannot_run_billing(self):
        """A CSR I computes, posts nor cancels a run, whatever the context, and a
        CSR II cannot set a run's state by writing it."""
        run = self._new_run(period_start=date(2025, 4, 1), period_end=date(2025, 4, 30))
        for ctx in self._contexts():
            with self.subTest(ctx=ctx):
                as_csr1 = run.with_user(self.csr1).with_context(**ctx)
                for method in ("action_compute", "action_post", "action_cancel"):
                    with self.assertRaises(AccessError):
                        getattr(as_csr1, method)()
                with self.assertRaises(REFUSED):
                    run.with_user(self.csr2).with_context(**ctx).write(
                        {"state": "posted"}
                    )
                with self.assertRaises(REFUSED):
                    self.march_run.line_ids[:1].with_user(self.csr2).with_context(
                        **ctx
                    ).write({"state": "pending", "move_id": False})
        run.invalidate_recordset()
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.line_ids)
        self.assertEqual(self.march_run.line_ids.mapped("state"), ["posted", "posted"])

    # ------------------------------------------------------------
    # Locked books
    # ------------------------------------------------------------

    def test_csr_cannot_touch_posted_bill(self):
        """CSR I and CSR II: no reset to draft, cancel, delete, edit of a posted
        bill, and no credit note of their own."""
        before = self._snapshot(self.bill_a)
        line = self.bill_a.invoice_line_ids[:1]
        for user in (self.csr1, self.csr2):
            for ctx in self._contexts():
                with self.subTest(user=user.login, ctx=ctx):
                    bill = self.bill_a.with_user(user).with_context(**ctx)
                    with self.assertRaises(REFUSED):
                        bill.button_draft()
                    with self.assertRaises(REFUSED):
                        bill.button_cancel()
                    with self.assertRaises(REFUSED):
                        bill.unlink()
                    with self.assertRaises(REFUSED):
                        bill.write({"ref": "changed", "invoice_date_due": "2026-01-01"})
                    with self.assertRaises(REFUSED):
                        line.with_user(user).with_context(**ctx).write(
                            {"price_unit": 0.01}
                        )
                    with self.assertRaises(REFUSED):
                        self._credit_note(self.account_a, 5000.0, user, ctx)
        self.assertEqual(self._snapshot(self.bill_a), before)
        self.assertFalse(
            self.env["account.move"].search(
                [("move_type", "=", "out_refund"), ("ref", "=", "Forged credit")]
            )
        )

    def _credit_note(self, account, amount, user, ctx, post=True):
        move = (
            self.env["account.move"]
            .with_user(user)
            .with_context(**ctx)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": account.partner_id.id,
                    "journal_id": self.bill_a.journal_id.id,
                    "invoice_date": self.BILL_DATE,
                    "utility_account_id": account.id,
                    "ref": "Forged credit",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Credit",
                                "quantity": 1,
                                "price_unit": amount,
                                "account_id": self.income_other.id,
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def test_manager_cannot_touch_posted_bill(self):
        """The Finance Director keeps Odoo's invoicing rights, but a posted
        utility bill is not reset, cancelled, deleted, edited or reversed outside
        the utility workflows, whatever the context."""
        before = self._snapshot(self.bill_a)
        line = self.bill_a.invoice_line_ids[:1]
        for ctx in self._contexts():
            with self.subTest(ctx=ctx):
                bill = self.bill_a.with_user(self.manager).with_context(**ctx)
                with self.assertRaisesRegex(UserError, "posted utility document"):
                    bill.button_draft()
                with self.assertRaisesRegex(UserError, "posted utility document"):
                    bill.button_cancel()
                with self.assertRaisesRegex(UserError, "posted utility document"):
                    bill.unlink()
                with self.assertRaisesRegex(UserError, "posted utility document"):
                    bill.write({"ref": "changed", "narration": "x"})
                with self.assertRaisesRegex(UserError, "posted utility document"):
                    line.with_user(self.manager).with_context(**ctx).write(
                        {"name": "changed", "price_unit": 0.01}
                    )
                with self.assertRaisesRegex(UserError, "posted utility document"):
                    bill._reverse_moves(cancel=True)
                reversal = (
                    self.env["account.move.reversal"]
                    .with_user(self.manager)
                    .with_context(
                        active_model="account.move", active_ids=self.bill_a.ids, **ctx
                    )
                    .create(
                        {
                            "journal_id": self.bill_a.journal_id.id,
                            "reason": "forged",
                            "date": self.BILL_DATE,
                        }
                    )
                )
                with self.assertRaisesRegex(UserError, "posted utility document"):
                    reversal.refund_moves()
        self.assertEqual(self._snapshot(self.bill_a), before)
        # A manager still creates and posts a document of their own: a credit
        # note is a new document, not an edit (it is then locked as well).
        note = self._credit_note(self.account_a, 10.0, self.manager, {})
        self.assertEqual(note.state, "posted")
        with self.assertRaises(UserError):
            note.with_user(self.manager).button_draft()

    def test_odoo_writes_on_posted_bills_still_work(self):
        """What Odoo writes on a posted bill (sending, the review flag, chatter,
        reconciliation of a payment) is not refused."""
        bill = self.bill_a.with_user(self.manager)
        bill.write({"is_move_sent": True, "checked": True})
        bill.message_post(body="Called the customer")
        payment = self._payment(self.account_a, 20.0)
        self.account_a._utility_apply_credit(payment.line_ids)
        self.assertAlmostEqual(
            self.bill_a.amount_residual, self.bill_a.amount_total - 20.0
        )
        # Odoo's Register Payment by the manager reconciles with the bill.
        register = (
            self.env["account.payment.register"]
            .with_user(self.manager)
            .with_context(active_model="account.move", active_ids=self.bill_b.ids)
            .create({"payment_date": date(2025, 4, 20)})
        )
        register._create_payments()
        self.assertIn(self.bill_b.payment_state, ("paid", "in_payment"))

    def _payment(self, account, amount):
        """A posted payment entry of ``account`` (as the payments addon posts
        them: a receivable credit carrying the utility account)."""
        receivable = self.bill_a.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        ).account_id
        bank = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "bank")], limit=1
        )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "date": date(2025, 4, 10),
                "utility_account_id": account.id,
                "utility_payment_source": "counter",
                "line_ids": [
                    Command.create(
                        {
                            "name": "Counter payment",
                            "account_id": bank.default_account_id.id,
                            "debit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Counter payment",
                            "account_id": receivable.id,
                            "partner_id": account.partner_id.id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        move.action_post()
        return move

    def test_posted_payment_entry_locked(self):
        """A posted payment entry of a utility account is locked too."""
        payment = self._payment(self.account_b, 15.0)
        for user in (self.csr1, self.manager):
            for ctx in self._contexts():
                with self.subTest(user=user.login, ctx=ctx):
                    with self.assertRaises(REFUSED):
                        payment.with_user(user).with_context(**ctx).button_cancel()
                    with self.assertRaises(REFUSED):
                        payment.with_user(user).with_context(**ctx).button_draft()
        self.assertEqual(payment.state, "posted")

    def test_utility_journal_flag_not_editable(self):
        """Nobody unflags a utility journal by editing it."""
        journal = self.bill_a.journal_id
        with self.assertRaises(REFUSED):
            journal.with_user(self.manager).write({"utility_journal": False})
        self.assertTrue(journal.utility_journal)

    # ------------------------------------------------------------
    # Inalterability hash
    # ------------------------------------------------------------

    def test_bills_secured_by_hash(self):
        """The run's journal is hashed by the securing job, in number order,
        never past a numbered draft; Odoo's integrity check verifies the chain."""
        journal = self.bill_a.journal_id
        bills = self.bill_a | self.bill_b
        self.assertFalse(any(bills.mapped("inalterable_hash")))
        # April: computed (numbered drafts), not posted yet; a debit note of
        # an adjustment then takes a number after them and posts.
        self._read(self.meter_a, "2025-04-30", 80)
        self._read(self.meter_b, "2025-04-30", 30)
        april = self._bill(
            post=False,
            period_start=date(2025, 4, 1),
            period_end=date(2025, 4, 30),
            bill_date=date(2025, 5, 3),
        )
        with freeze_time("2025-05-05"):
            charge = self._adjustment(self.account_b, -25.0)
            self._approve(charge, self.csr2)
            charge.with_user(self.csr2).action_post()
        self.assertEqual(charge.move_id.sequence_prefix, self.bill_a.sequence_prefix)
        self.assertEqual(charge.move_id.journal_id, journal)
        self.env.ref("utility_billing.ir_cron_secure_entries").method_direct_trigger()
        self.assertTrue(all(bills.mapped("inalterable_hash")))
        self.assertFalse(april.invoice_ids.filtered("inalterable_hash"))
        self.assertFalse(charge.move_id.inalterable_hash, "numbered after a draft")
        april.with_user(self.csr2).action_post()
        self.env.ref("utility_billing.ir_cron_secure_entries").method_direct_trigger()
        self.assertTrue(all(april.invoice_ids.mapped("inalterable_hash")))
        self.assertTrue(charge.move_id.inalterable_hash)
        accountant = new_test_user(
            self.env,
            login="test_accountant",
            groups="base.group_user,account.group_account_user",
        )
        results = self.company.with_user(accountant)._check_hash_integrity()["results"]
        mine = [r for r in results if r["journal_name"].startswith(journal.name)]
        self.assertTrue(mine)
        self.assertEqual({r["status"] for r in mine}, {"verified"})
        # A hashed bill: Odoo itself refuses to change what the hash covers.
        with self.assertRaises(UserError):
            self.bill_a.write({"date": date(2025, 4, 4)})

    # ------------------------------------------------------------
    # Adjustments
    # ------------------------------------------------------------

    def _adjustment(self, account, amount, user=None):
        adjustment = (
            self.env["utility.adjustment"]
            .with_user(user or self.csr1)
            .create(
                {
                    "account_id": account.id,
                    "adjustment_type": "other",
                    "amount": amount,
                    "reason": "Courtesy",
                }
            )
        )
        adjustment.action_compute()
        return adjustment

    def _approve(self, adjustment, approver):
        adjustment.with_user(adjustment.requested_by).action_submit()
        adjustment.with_user(approver).action_approve()

    def test_csr2_cannot_approve_own_large_adjustment(self):
        """A CSR II's own 9,999 adjustment (limit 500): approving it, forcing its
        state, its approver or its amount are refused whatever the context."""
        adjustment = self._adjustment(self.account_a, 9999.0, user=self.csr2)
        adjustment.with_user(self.csr2).action_submit()
        before = (adjustment.state, adjustment.amount, adjustment.approver_id)
        for ctx in self._contexts():
            with self.subTest(ctx=ctx):
                mine = adjustment.with_user(self.csr2).with_context(**ctx)
                with self.assertRaisesRegex(UserError, "someone else must approve"):
                    mine.action_approve()
                with self.assertRaises(REFUSED):
                    mine.write({"state": "approved"})
                with self.assertRaises(REFUSED):
                    mine.write({"approver_id": self.manager.id, "state": "approved"})
                with self.assertRaises(REFUSED):
                    mine.write({"amount": 1.0})
                with self.assertRaises(REFUSED):
                    mine.write({"amount_untaxed": 1.0, "amount_tax": 0.0})
                with self.assertRaises(REFUSED):
                    mine.line_ids.write({"price_unit": 1.0})
                with self.assertRaises(REFUSED):
                    mine.write(
                        {
                            "line_ids": [
                                Command.create({"name": "x", "price_unit": -9000})
                            ]
                        }
                    )
                with self.assertRaises(REFUSED):
                    mine.action_post()
                # Another CSR II: above their limit.
                with self.assertRaisesRegex(AccessError, "above the approval limit"):
                    adjustment.with_user(self.csr2_other).with_context(
                        **ctx
                    ).action_approve()
        adjustment.invalidate_recordset()
        self.assertEqual(
            (adjustment.state, adjustment.amount, adjustment.approver_id), before
        )
        self.assertEqual(adjustment.line_ids.price_unit, 9999.0)
        self.assertFalse(adjustment.move_id)
        # A manager approves it, the CSR II posts the credit note.
        adjustment.with_user(self.manager).action_approve()
        adjustment.with_user(self.csr2).action_post()
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.move_id.state, "posted")
        self.assertEqual(adjustment.move_id.create_uid, self.csr2)
        self.assertEqual(adjustment.move_id.amount_total, 9999.0)

    def test_adjustment_created_as_approved_refused(self):
        """Nobody creates an adjustment already approved, posted or requested by
        someone else."""
        for ctx in self._contexts():
            for vals in (
                {"state": "approved"},
                {"state": "posted"},
                {"approver_id": self.manager.id},
                {"requested_by": self.csr2.id},
                {"amount_untaxed": 5.0},
            ):
                with self.subTest(ctx=ctx, vals=vals):
                    with self.assertRaises(REFUSED):
                        self.env["utility.adjustment"].with_user(
                            self.csr1
                        ).with_context(**ctx).create(
                            dict(
                                {
                                    "account_id": self.account_a.id,
                                    "adjustment_type": "other",
                                    "amount": 20.0,
                                    "reason": "Forged",
                                },
                                **vals,
                            )
                        )
        self.assertFalse(
            self.env["utility.adjustment"].search([("reason", "=", "Forged")])
        )

    def test_small_adjustment_by_csr_roles(self):
        """CSR I requests, CSR II approves (within the limit) and posts: the note
        is posted and reconciled without accounting rights of their own; a CSR I
        cannot post it."""
        adjustment = self._adjustment(self.account_a, 40.0)
        adjustment.with_user(self.csr1).action_submit()
        adjustment.with_user(self.csr2).action_approve()
        for ctx in self._contexts():
            with self.subTest(ctx=ctx), self.assertRaises(AccessError):
                adjustment.with_user(self.csr1).with_context(**ctx).action_post()
        self.assertFalse(adjustment.move_id)
        adjustment.with_user(self.csr2).action_post()
        note = adjustment.move_id
        self.assertEqual((note.move_type, note.state), ("out_refund", "posted"))
        self.assertEqual(note.amount_total, 40.0)
        self.assertEqual(note.utility_account_id, self.account_a)

    # ------------------------------------------------------------
    # Cancel and rebill
    # ------------------------------------------------------------

    def _correction(self, user, bill=None, **vals):
        bill = bill or self.bill_a
        values = {
            "account_id": bill.utility_account_id.id,
            "bill_id": bill.id,
            "reason": "Read keyed as 50 instead of 30",
        }
        values.update(vals)
        return self.env["utility.bill.correction"].with_user(user).create(values)

    def test_cancel_and_rebill(self):
        """A CSR II requests the correction of a partly paid bill, another
        manager approves, a manager posts: the bill stays posted and is reversed
        by a credit note, the corrected bill bills the same period, the payment
        moves to it, the reads follow, and who/when/why is in the chatter."""
        payment = self._payment(self.account_a, 30.0)
        self.account_a._utility_apply_credit(payment.line_ids)
        old_total = self.bill_a.amount_total
        self.assertAlmostEqual(self.bill_a.amount_residual, old_total - 30.0)

        correction = self._correction(self.csr2)
        self.assertEqual(len(correction.line_ids), len(self.bill_a.invoice_line_ids))
        self.assertAlmostEqual(correction.amount_total, old_total, places=2)
        # The usage line billed 50 HCF: 30 HCF were used.
        usage = correction.line_ids.filtered(lambda ln: ln.quantity == 41.0)
        excess = correction.line_ids.filtered(lambda ln: ln.quantity == 9.0)
        self.assertTrue(usage and excess)
        correction.with_user(self.csr2).write(
            {
                "line_ids": [
                    Command.update(usage.id, {"quantity": 30.0}),
                    Command.delete(excess.id),
                ]
            }
        )
        new_total_expected = correction.amount_total
        self.assertLess(new_total_expected, old_total)
        correction.with_user(self.csr2).action_submit()

        for ctx in self._contexts():
            with self.subTest(ctx=ctx):
                with self.assertRaises(AccessError):
                    correction.with_user(self.csr2).with_context(**ctx).action_approve()
                with self.assertRaises(REFUSED):
                    correction.with_user(self.csr2).with_context(**ctx).write(
                        {"state": "approved", "approver_id": self.manager.id}
                    )
                with self.assertRaises(REFUSED):
                    correction.line_ids[:1].with_user(self.csr2).with_context(
                        **ctx
                    ).write({"price_unit": 0.0})
        self.assertEqual(correction.state, "to_approve")
        correction.with_user(self.manager).action_approve()
        for ctx in self._contexts():
            with self.subTest(ctx=ctx), self.assertRaises(AccessError):
                correction.with_user(self.csr2).with_context(**ctx).action_post()
        self.assertEqual(correction.state, "approved")
        correction.with_user(self.manager2).action_post()

        self.assertEqual(correction.state, "posted")
        self.assertEqual(correction.posted_by, self.manager2)
        old, note, new = self.bill_a, correction.credit_note_id, correction.new_bill_id
        # Both bills and the credit note exist, posted.
        self.assertEqual(
            (old.state, note.state, new.state), ("posted", "posted", "posted")
        )
        self.assertTrue(old.utility_superseded)
        self.assertEqual(old.payment_state, "reversed")
        self.assertEqual(note.move_type, "out_refund")
        self.assertEqual(note.reversed_entry_id, old)
        self.assertEqual(note.amount_total, old_total)
        self.assertEqual(note.utility_account_id, self.account_a)
        self.assertEqual(
            (new.utility_period_start, new.utility_period_end),
            (old.utility_period_start, old.utility_period_end),
        )
        self.assertAlmostEqual(new.amount_total, new_total_expected, places=2)
        self.assertEqual(self.read_a.billed_move_id, new)
        # The payment is on the corrected bill; the account owes the rest.
        self.assertAlmostEqual(new.amount_residual, new.amount_total - 30.0, places=2)
        self.account_a.invalidate_recordset(["balance"])
        self.assertAlmostEqual(
            self.account_a.balance, new.amount_total - 30.0, places=2
        )
        # Aged receivables: only the corrected bill is open.
        open_lines = self.account_a._utility_open_receivable_lines()
        self.assertEqual(open_lines.move_id, new)
        self.assertAlmostEqual(
            sum(open_lines.mapped("amount_residual")), new.amount_total - 30.0
        )
        # Who, when and why.
        for record in (self.account_a, old, note, new, correction):
            with self.subTest(record=record.display_name):
                bodies = " ".join(record.message_ids.mapped("body"))
                self.assertIn("Read keyed as 50 instead of 30", bodies)
                self.assertIn(self.csr2.name, bodies)
                self.assertIn(self.manager.name, bodies)
        # Both documents are locked like any posted utility document.
        for move in (note, new):
            with self.assertRaises(UserError):
                move.with_user(self.manager).button_draft()
        # The period stays billed once: a run of March holds the account.
        rerun = self._bill(post=False)
        line = rerun.line_ids.filtered(lambda ln: ln.account_id == self.account_a)
        self.assertEqual(line.state, "held")
        self.assertIn(new.name, line.hold_reason)

    def test_correction_from_the_bill_form(self):
        """The bill's Cancel and Rebill button opens a correction form with the
        bill's lines (as the web client fills it)."""
        action = self.bill_a.with_user(self.csr2).action_utility_correct_bill()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.csr2)
            .with_context(**action["context"])
        )
        self.assertEqual(form.bill_id, self.bill_a)
        self.assertEqual(
            len(form.line_ids), len(self.bill_a.invoice_line_ids), "bill's lines"
        )
        form.reason = "Wrong meter size"
        correction = form.save()
        self.assertEqual(correction.requested_by, self.csr2)
        self.assertAlmostEqual(correction.amount_total, self.bill_a.amount_total)
        self.assertEqual(
            correction.line_ids.account_id, self.bill_a.invoice_line_ids.account_id
        )

    def test_correction_rights(self):
        """A CSR I cannot request a correction; a manager cannot approve their own
        request; a correction cannot be created already approved."""
        for ctx in self._contexts():
            with self.subTest(ctx=ctx):
                with self.assertRaises(AccessError):
                    self.env["utility.bill.correction"].with_user(
                        self.csr1
                    ).with_context(**ctx).create(
                        {
                            "account_id": self.account_a.id,
                            "bill_id": self.bill_a.id,
                            "reason": "x",
                        }
                    )
                with self.assertRaises(REFUSED):
                    self._correction(
                        self.manager, state="approved", approver_id=self.manager2.id
                    )
        correction = self._correction(self.manager)
        correction.with_user(self.manager).action_submit()
        for ctx in self._contexts():
            with self.subTest(ctx=ctx):
                with self.assertRaisesRegex(UserError, "another manager"):
                    correction.with_user(self.manager).with_context(
                        **ctx
                    ).action_approve()
        self.assertEqual(correction.state, "to_approve")
        with self.assertRaisesRegex(UserError, "in progress"):
            self._correction(self.manager2)
        correction.with_user(self.manager2).action_reject("Read was right")
        self.assertEqual(correction.state, "rejected")
        self.assertFalse(self.bill_a.utility_superseded)

    def test_cancel_without_rebill(self):
        """A correction without lines cancels the bill (credit note), no new bill."""
        correction = self._correction(self.csr2, bill=self.bill_b, line_ids=[])
        self.assertFalse(correction.line_ids)
        correction.with_user(self.csr2).action_submit()
        correction.with_user(self.manager).action_approve()
        correction.with_user(self.manager).action_post()
        self.assertFalse(correction.new_bill_id)
        self.assertEqual(
            correction.credit_note_id.amount_total, self.bill_b.amount_total
        )
        self.account_b.invalidate_recordset(["balance"])
        self.assertAlmostEqual(self.account_b.balance, 0.0)

    # ------------------------------------------------------------
    # Billing periods never overlap
    # ------------------------------------------------------------

    def test_overlapping_period_held(self):
        """A run starting in the middle of the posted March holds the accounts,
        naming the bill, instead of billing the fixed charges again; the next
        month bills normally."""
        self._read(self.meter_a, "2025-04-14", 60)
        self._read(self.meter_b, "2025-04-14", 25)
        run = self._bill(
            post=False,
            period_start=date(2025, 3, 16),
            period_end=date(2025, 4, 15),
            bill_date=date(2025, 4, 18),
        )
        self.assertEqual(run.line_ids.mapped("state"), ["held", "held"])
        for line in run.line_ids:
            with self.subTest(account=line.account_id.name):
                self.assertIn("overlaps bill", line.hold_reason)
                self.assertIn(self._bill_of(line.account_id).name, line.hold_reason)
        self.assertFalse(run.invoice_ids)
        april = self._bill(
            period_start=date(2025, 4, 1),
            period_end=date(2025, 4, 30),
            bill_date=date(2025, 5, 3),
        )
        self.assertEqual(april.line_ids.mapped("state"), ["posted", "posted"])

    def test_overlap_checked_under_account_lock(self):
        """The overlap check locks and writes the accounts it bills (a
        concurrent run then waits and fails on a serialization failure instead
        of billing on an old snapshot)."""
        self._read(self.meter_a, "2025-04-30", 80)
        self._read(self.meter_b, "2025-04-30", 30)
        run = self._new_run(period_start=date(2025, 4, 1), period_end=date(2025, 4, 30))
        cr = self.env.cr
        with patch.object(cr, "execute", wraps=cr.execute) as execute:
            run.with_user(self.csr2).action_compute()
        queries = [
            str(getattr(call.args[0], "code", call.args[0]))
            for call in execute.call_args_list
        ]
        lock = next(
            i
            for i, q in enumerate(queries)
            if "FOR NO KEY UPDATE" in q and "utility_account" in q
        )
        write = next(
            i
            for i, q in enumerate(queries)
            if q.lstrip().startswith("UPDATE utility_account SET write_date")
        )
        bills = next(
            i for i, q in enumerate(queries) if 'INSERT INTO "account_move"' in q
        )
        self.assertLess(lock, write)
        self.assertLess(write, bills)

    # ------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------

    def test_settings_saved_by_manager(self):
        """The Finance Director (no Odoo administrator rights) saves the utility
        settings; a CSR II cannot, whatever the context."""
        self.assertFalse(self.manager.has_group("base.group_system"))
        settings = (
            self.env["utility.settings"]
            .with_user(self.manager)
            .create(
                {
                    "utility_adjustment_approval_limit": 750.0,
                    "utility_leak_credit_basis": "percent",
                    "utility_leak_credit_percent": 40.0,
                }
            )
        )
        settings.execute()
        self.assertEqual(self.company.utility_adjustment_approval_limit, 750.0)
        self.assertEqual(self.company.utility_leak_credit_basis, "percent")
        self.assertEqual(self.company.utility_leak_credit_percent, 40.0)
        settings.with_user(self.manager).write({"utility_leak_once_a_year": False})
        self.assertFalse(self.company.utility_leak_once_a_year)
        for ctx in self._contexts():
            with self.subTest(ctx=ctx):
                with self.assertRaises(AccessError):
                    self.env["utility.settings"].with_user(self.csr2).with_context(
                        **ctx
                    ).create({"utility_adjustment_approval_limit": 99999.0})
                with self.assertRaises(AccessError):
                    settings.with_user(self.csr2).with_context(**ctx).write(
                        {"utility_adjustment_approval_limit": 99999.0}
                    )
                with self.assertRaises(AccessError):
                    self.company.with_user(self.csr2).with_context(**ctx).write(
                        {"utility_adjustment_approval_limit": 99999.0}
                    )
        self.company.invalidate_recordset()
        self.assertEqual(self.company.utility_adjustment_approval_limit, 750.0)

    def test_settings_form(self):
        """The settings form, as the web client shows and saves it."""
        form = Form(self.env["utility.settings"].with_user(self.manager))
        self.assertEqual(form.utility_adjustment_approval_limit, 500.0)
        form.utility_adjustment_approval_limit = 800.0
        form.utility_leak_credit_basis = "percent"
        form.utility_leak_credit_percent = 25.0
        settings = form.save()
        settings.execute()
        self.assertEqual(self.company.utility_adjustment_approval_limit, 800.0)
        self.assertEqual(self.company.utility_leak_credit_percent, 25.0)

    def test_settings_saved_by_demo_finance_director(self):
        """The demo Finance Director (login ``manager``) saves the settings."""
        director = self.env.ref(
            "utility_billing.user_manager_demo", raise_if_not_found=False
        )
        if not director:
            self.skipTest("demo data not installed")
        self.assertFalse(director.has_group("base.group_system"))
        settings = (
            self.env["utility.settings"]
            .with_user(director)
            .with_company(director.company_id)
            .create({"utility_adjustment_approval_limit": 650.0})
        )
        settings.execute()
        self.assertEqual(director.company_id.utility_adjustment_approval_limit, 650.0)
        # Odoo's own settings stay the administrator's.
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(director).create({})


@tagged("post_install", "-at_install")
class TestControlsBooksRpc(UtilityBillingRunCommon, HttpCase):
    """The refusals over JSON-RPC, as a CSR I would try them in a browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _p, meter, cls.account = cls._billing_account("CB-RPC")
        cls._read(meter, "2025-03-31", 12)
        run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": cls.PERIOD_START,
                "period_end": cls.PERIOD_END,
                "bill_date": cls.BILL_DATE,
            }
        )
        run.action_compute()
        run.action_post()
        cls.bill = run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.account
        )

    def _call(self, model, method, args, kwargs=None):
        """(result, error) of a call over /web/dataset/call_kw."""
        reply = call_kw(self, model, method, args, kwargs=kwargs, context=None)
        return reply.get("result"), reply.get("error")

    def assertRefused(self, error, pattern):
        self.assertTrue(error, "the call was not refused")
        self.assertIn(
            error["data"]["name"],
            ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
        )
        self.assertRegex(error["data"]["message"], pattern)

    def test_csr1_refused_over_jsonrpc(self):
        """A CSR I resets no posted bill to draft and creates (so posts) no credit
        note, with or without the context keys."""
        self.authenticate(self.csr1.login, self.csr1.login)
        total = self.bill.amount_total
        for ctx in ({}, FORGED_CONTEXT):
            with self.subTest(ctx=ctx):
                _result, error = self._call(
                    "account.move", "button_draft", [self.bill.ids], {"context": ctx}
                )
                self.assertRefused(error, "not allowed|posted utility document")
                move_id, error = self._call(
                    "account.move",
                    "create",
                    [
                        {
                            "move_type": "out_refund",
                            "partner_id": self.account.partner_id.id,
                            "journal_id": self.bill.journal_id.id,
                            "utility_account_id": self.account.id,
                            "invoice_line_ids": [
                                [
                                    0,
                                    0,
                                    {
                                        "name": "Forged credit",
                                        "quantity": 1,
                                        "price_unit": 5000.0,
                                        "account_id": self.income_other.id,
                                    },
                                ]
                            ],
                        }
                    ],
                    {"context": ctx},
                )
                self.assertFalse(move_id)
                self.assertRefused(error, "not allowed to create")
                _result, error = self._call(
                    "account.move",
                    "action_post",
                    [self.bill.ids],
                    {"context": ctx},
                )
                self.assertRefused(error, "access rights|posted utility document")
        # The Finance Director has Odoo's invoicing rights: the locked books
        # refuse them all the same.
        self.authenticate(self.manager.login, self.manager.login)
        for ctx in ({}, FORGED_CONTEXT):
            with self.subTest(ctx=ctx, user="manager"):
                for method in ("button_draft", "button_cancel", "unlink"):
                    _result, error = self._call(
                        "account.move", method, [self.bill.ids], {"context": ctx}
                    )
                    self.assertRefused(error, "posted utility document")
                _result, error = self._call(
                    "account.move",
                    "write",
                    [self.bill.ids, {"ref": "changed"}],
                    {"context": ctx},
                )
                self.assertRefused(error, "posted utility document")
        self.bill.invalidate_recordset()
        self.assertEqual(self.bill.state, "posted")
        self.assertEqual(self.bill.amount_total, total)
        self.assertFalse(
            self.env["account.move"].search(
                [("invoice_line_ids.name", "=", "Forged credit")]
            )
        )
