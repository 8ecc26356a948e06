# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencySafeguards(UtilityDelinquencyCommon):
    """Each SB 998 safeguard blocks the shut-off with its reason, and the
    account goes on the list once it is lifted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("SAFE001")
        cls.bill = cls._bill(cls.account, 200.0)

    def _codes(self, account, when):
        return [code for code, _label in account._dlq_block_reasons(when)]

    def _list_state(self, account, day):
        self._run(self._days(day))
        line = self._shutoff_line(account, self._days(day))
        return line.state, line.block_reason or ""

    def test_day_59_vs_60(self):
        self._walk_to_list(self.account)
        self.assertIn("days_60", self._codes(self.account, self._days(59)))
        self.assertNotIn("days_60", self._codes(self.account, self._days(60)))
        self._run(self._days(59))
        self.assertFalse(self._shutoff_line(self.account, self._days(59)))
        self.assertEqual(self._list_state(self.account, 60)[0], "eligible")

    def test_sb998_policy_cannot_list_before_day_60(self):
        with self.assertRaisesRegex(Exception, "60 days"):
            self.steps["shutoff_list"].days = 59
        with self.assertRaisesRegex(Exception, "7 business days"):
            self.policy.shutoff_notice_business_days = 6
        # A commercial track may be faster: SB 998 covers residential service.
        self.policy_commercial.step_ids.filtered(
            lambda s: s.action == "shutoff_list"
        ).days = 30

    def test_sixty_days_apply_to_residential_only(self):
        shop = self._account("SAFE002", customer_class="commercial")
        self._bill(shop, 300.0)
        for day in (1, 5, 20, 25, 33):
            self._run(self._days(day))
        # Day 36 (Tuesday April 8) is the 6th business day after the shut-off
        # notice of Friday March 28 (Monday March 31 is Cesar Chavez Day, a
        # California holiday): blocked for the notice, not for 60 days.
        state, reason = self._list_state(shop, 36)
        self.assertEqual(state, "blocked")
        self.assertIn("6 of 7 business days", reason)
        self.assertNotIn("days_60", self._codes(shop, self._days(36)))
        self.assertEqual(self._list_state(shop, 37)[0], "eligible")

    def test_appeal_pending_blocks_until_resolved(self):
        self._walk_to_list(self.account)
        appeal = self._sb998_case(self.account, "appeal")
        self.assertTrue(self.account.appeal_pending)
        state, reason = self._list_state(self.account, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("appeal or bill review is pending", reason)
        appeal.with_user(self.csr2).action_decide_against_customer()
        self.assertFalse(self.account.appeal_pending)
        self.assertEqual(self._list_state(self.account, 61)[0], "eligible")

    def test_medical_certification_needs_all_three(self):
        self._walk_to_list(self.account)
        medical = self._sb998_case(self.account, "medical")
        self._sb998_case(self.account, "inability")
        self.assertNotIn("medical", self._codes(self.account, self._days(60)))
        self._sb998_case(self.account, "willingness")
        state, reason = self._list_state(self.account, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("medical certification", reason)
        self.assertIn("medical certification", self.account.dlq_block_reason)
        medical.with_user(self.csr2).action_close()
        self.assertEqual(self._list_state(self.account, 61)[0], "eligible")

    def test_no_shutoff_notice_no_shutoff(self):
        self.steps["shutoff_notice"].active = False
        for day in (1, 5, 30, 58):
            self._run(self._days(day))
        state, reason = self._list_state(self.account, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("No shut-off notice sent 7 business days before", reason)

    def test_no_water_service(self):
        trash_only = self._account("SAFE003")
        trash_only.service_ids.filtered(
            lambda s: s.service_type_id == self.water
        ).end_date = date(2025, 2, 1)
        self._bill(trash_only, 60.0)
        self._walk_to_list(trash_only)
        state, reason = self._list_state(trash_only, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("No water service", reason)

    def test_seven_business_days_across_weekend_and_holiday(self):
        """Notice on Thursday June 26, 2025; Friday July 4 a holiday of the
        shipped business calendar (nothing to configure): the 7th business day
        is Tuesday July 8, not Monday July 7."""
        company = self.company
        notice_day = date(2025, 6, 26)
        self.assertEqual(
            company._utility_add_business_days(notice_day, 7), date(2025, 7, 8)
        )
        self.assertEqual(
            company._utility_count_business_days(notice_day, date(2025, 7, 7)), 6
        )
        info = {"oldest_due": date(2025, 4, 1), "shutoff_notice_date": notice_day}
        reasons = dict(
            self.account._dlq_block_reasons(date(2025, 7, 7), self.policy, info)
        )
        self.assertIn("6 of 7 business days", reasons["notice"])
        reasons = dict(
            self.account._dlq_block_reasons(date(2025, 7, 8), self.policy, info)
        )
        self.assertNotIn("notice", reasons)

    def test_shutoff_date_on_notice_counts_business_days(self):
        """A bill due so that day 45 is Friday June 27, 2025: the shut-off date
        is 7 business days on, past the weekend and the July 4 holiday, when
        that is later than day 60 (July 4: a holiday of the shipped calendar)."""
        self.steps["shutoff_list"].days = 60
        self.steps["shutoff_notice"].days = 58
        account = self._account("SAFE004")
        due = date(2025, 5, 1)
        self._bill(account, 90.0, due=due)
        for offset in (1, 5, 30, 58):
            self._run(date.fromordinal(due.toordinal() + offset))
        notice = self._notices(account, "shutoff")
        # Day 58 = Saturday June 28; 7 business days: June 30, July 1, 2, 3, 7,
        # 8, 9 (July 4 a holiday).
        self.assertEqual(notice.date, date(2025, 6, 28))
        self.assertEqual(notice.shutoff_date, date(2025, 7, 9))

    def test_payment_plan_kept_blocks(self):
        self._walk_to_list(self.account)
        plan = self.env["utility.payment.plan"].create(
            {
                "account_id": self.account.id,
                "months": 4,
                "start_date": self._days(59),
                "down_payment": 20.0,
            }
        )
        plan.with_user(self.csr2).action_confirm()
        self.assertEqual(plan.state, "active")
        self.assertIn("plan", self._codes(self.account, self._days(60)))
        self._run(self._days(60))
        self.assertFalse(
            self._shutoff_line(self.account, self._days(60)),
            "The plan's bills take no step while it is kept.",
        )
        plan.action_cancel()
        self.assertNotIn("plan", self._codes(self.account, self._days(61)))
        self.assertEqual(self._list_state(self.account, 61)[0], "eligible")

    def test_blocked_reason_shown_on_account(self):
        self._sb998_case(self.account, "appeal")
        self.account.write(
            {"service_ids": [Command.create({"service_type_id": self.sewer.id})]}
        )
        self.assertIn("appeal", self.account.dlq_block_reason)
