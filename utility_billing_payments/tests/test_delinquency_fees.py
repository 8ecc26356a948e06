# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyFees(UtilityDelinquencyCommon):
    """Fees (issue 13, item 9): no penalty and no late notice on a capped
    reconnection fee nor on a penalty."""

    def test_low_income_reconnection_fee_gets_no_penalty_nor_notice(self):
        account = self._account("FEE0001", low_income=True)
        # Reconnected on Monday March 3, 2025: the $50 fee is due that day.
        with freeze_time("2025-03-03 17:00:00"):
            order = account.sudo()._dlq_request_reconnection()
        fee = order.reconnect_fee_move_id
        self.assertEqual(fee.amount_total, 50.0, "SB 998 low-income cap")
        self.assertEqual(fee.invoice_date_due, self.DUE)
        self.assertTrue(fee.utility_reconnect_fee_capped)
        # Unpaid: the runs of March 4 (penalty day), March 8 (late notice day)
        # and April 2 (final notice day) take no step on it.
        for day in (1, 5, 30):
            run = self._run(self._days(day))
            self.assertEqual(run.penalty_count, 0)
            self.assertEqual(run.notice_count, 0)
        self.assertFalse(self._penalties(account))
        self.assertFalse(self._notices(account))
        self.assertFalse(self._events(account))
        self.assertFalse(
            account.interest_waiver_date, "The yearly waiver is not spent on it"
        )
        self.assertEqual(fee.amount_residual, 50.0, "Still owed: $50, not $55")

    def test_bill_after_the_fee_takes_its_steps(self):
        """The fee is left out, the household's water bill is not: its
        penalty (the yearly waiver) and its late notice come as usual."""
        account = self._account("FEE0002", low_income=True)
        with freeze_time("2025-03-03 17:00:00"):
            order = account.sudo()._dlq_request_reconnection()
        bill = self._bill(account, 80.0)
        for day in (1, 5):
            self._run(self._days(day))
        events = self._events(account)
        self.assertEqual(events.bill_id, bill)
        self.assertNotIn(order.reconnect_fee_move_id, events.bill_id)
        late = self._notices(account, "late")
        self.assertEqual(len(late), 1)
        self.assertEqual(late.delinquency_bill_id, bill)
        self.assertEqual(account.interest_waiver_date, self._days(1))
