# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyRun(UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("DLQ0001")
        cls.bill = cls._bill(cls.account, 120.0)

    def test_timeline_late_final_list_disconnect(self):
        """Penalty and late notice, final notice, shut-off notice, door hanger,
        then the shut-off list on day 60 and a disconnect order once confirmed."""
        account = self.account
        self._run(self._days(0))
        self.assertFalse(self._events(account), "Nothing on the due date itself.")

        self._run(self._days(1))
        penalty = self._penalties(account)
        self.assertEqual(len(penalty), 1)
        self.assertEqual(penalty.state, "posted")
        self.assertEqual(penalty.move_type, "out_invoice")
        self.assertEqual(penalty.amount_total, 12.0, "10% of the $120 bill")
        self.assertEqual(penalty.utility_penalty_bill_id, self.bill)
        self.assertEqual(penalty.invoice_date_due, self._days(1 + 21))
        self.assertEqual(penalty.invoice_line_ids.product_id, self.penalty_product)
        self.assertEqual(penalty.invoice_line_ids.account_id, self.penalty_income)
        self.assertFalse(self._notices(account), "Late notice comes on day 5.")

        self._run(self._days(5))
        late = self._notices(account, "late")
        self.assertEqual(len(late), 1)
        self.assertEqual(late.state, "sent")
        self.assertEqual(late.channel, "letter")
        self.assertEqual(late.amount_due, 120.0, "Past due: the bill, not the penalty")
        self.assertEqual(late.due_date, self.DUE)
        self.assertEqual(account.dlq_step_id, self.steps["late_notice"])

        self._run(self._days(30))
        final = self._notices(account, "final")
        self.assertEqual(len(final), 1)
        self.assertEqual(final.amount_due, 132.0, "The penalty is past due too")
        self.assertEqual(account.dlq_step_id, self.steps["final_notice"])

        self._run(self._days(45))
        shutoff = self._notices(account, "shutoff")
        self.assertEqual(len(shutoff), 1, "No occupant copy: same address")
        self.assertEqual(shutoff.channel, "letter")
        self.assertEqual(shutoff.state, "sent")
        # Day 60 (May 2) is after the 7th business day after April 17.
        self.assertEqual(shutoff.shutoff_date, self._days(60))
        run45 = self.env["utility.delinquency.run"].search(
            [("date", "=", self._days(45))]
        )
        self.assertTrue(run45.letters_attachment_id, "Letters printed in one file")
        self.assertEqual(shutoff.document_id, run45.letters_attachment_id)

        self._run(self._days(58))
        self.assertEqual(len(self._notices(account, "door_hanger")), 1)
        self._run(self._days(59))
        self.assertFalse(self._shutoff_line(account, self._days(59)))

        run60 = self._run(self._days(60))
        line = self._shutoff_line(account, self._days(60))
        self.assertEqual(line.state, "eligible", line.block_reason)
        self.assertEqual(line.amount_past_due, 132.0, "Bill and penalty past due")
        self.assertEqual(run60.shutoff_list_id, line.list_id)
        self.assertEqual(account.dlq_step_id, self.steps["shutoff_list"])

        shutoff_list = line.list_id
        shutoff_list.with_user(self.csr2).action_confirm()
        self.assertEqual(shutoff_list.state, "confirmed")
        order = line.order_id
        self.assertEqual(order.order_type, "disconnect")
        self.assertEqual(order.account_id, account)
        self.assertEqual(order.state, "scheduled")
        self.assertEqual(order.scheduled_date, self._days(60))
        self.assertEqual(line.state, "ordered")
        self.assertTrue(account.shutoff_pending)
        with freeze_time("2025-05-02 10:00:00"):
            order.action_done()
        self.assertTrue(account.disconnected)
        self.assertFalse(account.shutoff_pending)
        self.assertEqual(line.state, "disconnected")
        # A later run does not put a disconnected account on a list again.
        self._run(self._days(61))
        self.assertFalse(self._shutoff_line(account, self._days(61)))

    def test_same_day_rerun_changes_nothing(self):
        account = self.account
        for day in (1, 5, 30, 45, 58, 60):
            self._run(self._days(day))

        def snapshot():
            return (
                self._penalties(account).ids,
                self._notices(account).ids,
                self._events(account).ids,
                self.env["utility.shutoff.list.line"]
                .search([("account_id", "=", account.id)])
                .ids,
                sum(self._penalties(account).mapped("amount_total")),
                account.dlq_step_id,
            )

        before = snapshot()
        self._run(self._days(60))
        self.assertEqual(snapshot(), before)
        # An earlier date is refused: it would change what day 60 did.
        for day in (1, 5, 30, 45, 58):
            with self.assertRaises(UserError):
                self._run(self._days(day))
        self.assertEqual(snapshot(), before)
        # A run that skipped days takes the next step only, one a day.
        other = self._account("DLQ0002")
        self._bill(other, 50.0)
        self._run(self._days(60))
        self.assertEqual(len(self._notices(other)), 1)
        self.assertEqual(self._notices(other).kind, "late")
        self.assertEqual(len(self._penalties(other)), 1)

    def test_minimum_past_due(self):
        small = self._account("DLQ0003")
        self._bill(small, 9.99)
        self._run(self._days(5))
        self.assertFalse(self._events(small))
        self.assertFalse(small.dlq_step_id)
        # Paying the bill below the minimum resets the account's step.
        self._run(self._days(6))
        self.assertEqual(self.account.dlq_step_id, self.steps["late_notice"])
        self._pay(self.account, 130.0, self._days(7))
        self._run(self._days(8))
        self.assertFalse(self.account.dlq_step_id)

    def test_unpaid_deposit_is_not_delinquency(self):
        """A deposit billed at start of service and left unpaid is collected by
        the office, not by penalties and shut-off notices (it is not a bill for
        water service); the account's service bill is."""
        account = self._account("DLQ0004")
        deposit = account._utility_bill_deposit(amount=100.0, day=self._days(-21))
        self.assertEqual(deposit.utility_deposit_kind, "bill")
        self.assertLess(deposit.invoice_date_due, self._days(5))
        self._run(self._days(5))
        self.assertFalse(self._events(account))
        self.assertFalse(self._penalties(account))
        self.assertFalse(account.dlq_step_id)
        self._bill(account, 50.0)
        self._run(self._days(6))
        self.assertEqual(account.dlq_step_id, self.steps["late_notice"])
        self.assertEqual(self._notices(account, "late").amount_due, 50.0)

    def test_payment_removes_from_list_before_truck_rolls(self):
        account = self.account
        self._walk_to_list(account)
        self._run(self._days(60))
        line = self._shutoff_line(account, self._days(60))
        self.assertEqual(line.state, "eligible")
        # A partial payment leaving more than the minimum keeps it on the list.
        self._pay(account, 100.0, self._days(60))
        self.assertEqual(line.state, "eligible")
        self._pay(account, 30.0, self._days(60))
        self.assertEqual(line.state, "removed")
        self.assertIn("Paid", line.block_reason)
        line.list_id.with_user(self.csr2).action_confirm()
        self.assertFalse(line.order_id)

    def test_payment_after_confirmation_cancels_order(self):
        account = self.account
        self._walk_to_list(account)
        self._run(self._days(60))
        line = self._shutoff_line(account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        order = line.order_id
        self.assertEqual(order.state, "scheduled")
        self._pay(account, 132.0, self._days(60))
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(line.state, "removed")
        self.assertFalse(account.shutoff_pending)

    def test_confirm_rechecks_payments(self):
        """A payment that did not go through the counter (applied elsewhere) is
        seen when the list is confirmed."""
        account = self.account
        self._walk_to_list(account)
        self._run(self._days(60))
        line = self._shutoff_line(account, self._days(60))
        self._sb998_case(account, "appeal")
        line.list_id.with_user(self.csr2).action_confirm()
        self.assertEqual(line.state, "blocked")
        self.assertIn("appeal", line.block_reason)
        self.assertFalse(line.order_id)

    def test_batches_and_walk_order(self):
        accounts = self.account
        for index in range(2, 7):
            account = self._account(f"DLQ00{index:02d}")
            account.premise_id.sequence = 100 - index
            self._bill(account, 40.0 + index)
            accounts |= account
        run = (
            self.env["utility.delinquency.run"]
            .with_user(self.csr2)
            ._get_or_create(self.company, self._days(5))
        )
        with freeze_time("2025-03-08 09:00:00"):
            run._start()
            batches = 0
            while run._process_batch(batch_size=2):
                batches += 1
            run._finish()
        self.assertGreaterEqual(run.batch_count, 3)
        notices = self.env["utility.notice"].search(
            [("delinquency_run_id", "=", run.id), ("account_id", "in", accounts.ids)]
        )
        self.assertEqual(len(notices), 6, "One late notice per account")
        self.assertEqual(set(notices.mapped("state")), {"sent"})
        ordered = self.env["utility.notice"]._dlq_letters_in_walk_order(notices)
        sequences = ordered.mapped("premise_id.sequence")
        self.assertEqual(sequences, sorted(sequences))

    def test_occupant_copy_when_mailing_address_differs(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Landlord LLC",
                "street": "1 Main St",
                "city": "Indio",
                "zip": "92201",
            }
        )
        account = self._account("DLQ0010", partner=partner)
        self._bill(account, 80.0)
        for day in (1, 5, 30, 45):
            self._run(self._days(day))
        notices = self._notices(account, "shutoff")
        self.assertEqual(len(notices), 2)
        occupant = notices.filtered("occupant")
        self.assertEqual(occupant.channel, "letter")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("utility_billing.report_utility_notice", occupant.ids)[0]
            .decode()
        )
        self.assertIn("Occupant", html)
        self.assertIn(account.premise_id.street, html)
        self.assertIn("without paying the amount past due", html)

    def test_paperless_late_notice_is_emailed(self):
        self.partner.email = "maria@example.com"
        self.account.paperless = True
        self._run(self._days(1))
        self._run(self._days(5))
        late = self._notices(self.account, "late")
        self.assertEqual(late.channel, "email")
        self.assertEqual(late.state, "sent")
        mail = self.env["mail.mail"].search(
            [("model", "=", "utility.notice"), ("res_id", "=", late.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("120.00", mail.body_html)
        self.assertIn("bill review or appeal", mail.body_html)
        self.assertIn("Late payment notice", mail.subject)

    def test_cron_runs_today(self):
        with freeze_time("2025-03-08 13:00:00"):
            self.env.ref(
                "utility_billing_payments.ir_cron_delinquency_daily"
            ).method_direct_trigger()
        run = self.env["utility.delinquency.run"].search([("date", "=", self._days(5))])
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self._notices(self.account, "late")), 1)
        self.assertEqual(len(self._penalties(self.account)), 1)
