# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time

from freezegun import freeze_time

from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestSb998Evidence(UtilityDelinquencyCommon):
    """The shut-off list reads the SB 998 cases and the contact log (issue 13,
    item 10): an appeal holds the account until it is decided, an expired
    certification no longer protects, a customer who cannot be reached gets
    the good-faith visit first (HSC 116908(a)(2))."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("EVID001")
        cls.bill = cls._bill(cls.account, 150.0)

    def _list_state(self, account, day):
        self._run(self._days(day))
        line = self._shutoff_line(account, self._days(day))
        return line.state, line.block_reason or ""

    def _log(self, account, kind, day, user=None):
        """A contact logged at 10:00 local time on ``day`` of the timeline."""
        when = self.company._utility_local_to_utc(self._days(day), at=time(10, 0))
        return (
            self.env["utility.contact.log"]
            .with_user(user or self.csr1)
            .create({"account_id": account.id, "kind": kind, "contact_date": when})
        )

    def test_appeal_case_blocks_until_decided_against(self):
        self._walk_to_list(self.account)
        appeal = self._sb998_case(self.account, "appeal", bill_id=self.bill.id)
        state, reason = self._list_state(self.account, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("appeal or bill review is pending", reason)
        appeal.with_user(self.csr2).action_decide_against_customer()
        self.assertEqual(appeal.decided_by_id, self.csr2)
        state, reason = self._list_state(self.account, 61)
        self.assertEqual(state, "eligible", reason)

    def test_expired_certification_no_longer_protects(self):
        """Medical certification, inability and willingness on file hold the
        account; the day after the certificate's last day, the daily job
        expires it and the account is listed."""
        with freeze_time("2025-03-20 18:00:00"):
            medical = self._sb998_case(
                self.account, "medical", expiry_date=self._days(59)
            )
            self._sb998_case(self.account, "inability")
            self._sb998_case(self.account, "willingness")
            self.assertTrue(self.account.medical_certification)
            self.assertTrue(self.account.plan_willing)
            self.assertTrue(self.account.low_income)
        self._walk_to_list(self.account)
        state, reason = self._list_state(self.account, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("medical certification", reason)
        cron = self.env.ref("utility_billing.ir_cron_sb998_case_expire")
        with freeze_time(datetime.combine(self._days(60), time(20, 0))):
            cron.method_direct_trigger()
        self.assertEqual(medical.state, "expired")
        self.assertFalse(self.account.medical_certification)
        self.assertTrue(self.account.plan_willing, "the other cases still hold")
        self.assertEqual(self._list_state(self.account, 61)[0], "eligible")

    def test_returned_letter_calls_for_the_site_visit(self):
        """Phone not answered, letter back undeliverable: no shut-off before
        the good-faith visit and the notice posted at the residence are
        logged."""
        self._walk_to_list(self.account)
        self._log(self.account, "letter_returned", 50)
        self._log(self.account, "phone_attempt", 51)
        state, reason = self._list_state(self.account, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("116908(a)(2)", reason)
        self.assertIn("unreachable", self._codes(self.account, 60))
        visit = self._log(self.account, "notice_posted", 60)
        self.assertEqual(visit.user_id, self.csr1)
        self.assertNotIn("unreachable", self._codes(self.account, 61))
        self.assertEqual(self._list_state(self.account, 61)[0], "eligible")

    def test_reached_by_phone_needs_no_visit(self):
        self._walk_to_list(self.account)
        self._log(self.account, "letter_returned", 50)
        self._log(self.account, "phone_reached", 52)
        self.assertEqual(self._list_state(self.account, 60)[0], "eligible")

    def test_policy_requires_a_contact_attempt(self):
        self.policy.contact_attempt_required = True
        self._walk_to_list(self.account)
        # Before the bill fell due: it does not count for this delinquency.
        self._log(self.account, "phone_attempt", -5)
        self._log(self.account, "email", 40)
        state, reason = self._list_state(self.account, 60)
        self.assertEqual(state, "blocked")
        self.assertIn("No contact attempt logged since", reason)
        self._log(self.account, "phone_attempt", 60)
        self.assertEqual(self._list_state(self.account, 61)[0], "eligible")
        # Without the policy's requirement, no log is needed.
        other = self._account("EVID002")
        self._bill(other, 90.0)
        self.policy.contact_attempt_required = False
        self.assertNotIn("contact", self._codes(other, 61))

    def test_protected_household_not_counted_in_the_annual_report(self):
        """The annual SB 998 count still counts the shut-offs done, and only
        those: the protected household stays off the list."""
        protected = self._account("EVID003")
        self._bill(protected, 120.0)
        self._sb998_protect(protected)
        for day in (1, 5, 30, 45, 58):
            self._run(self._days(day))
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        self.assertEqual(self._shutoff_line(protected, self._days(60)).state, "blocked")
        line.list_id.with_user(self.csr2).action_confirm()
        line.order_id.result_date = self._days(60)
        line.order_id.with_user(self.csr2).action_done()
        self.assertTrue(self.account.disconnected)
        self.assertFalse(protected.disconnected)
        report = self.env["utility.delinquency.sb998.report"].create({"year": 2025})
        months, total = report._count_by_month(2025, self.company)
        self.assertEqual(total, 1)
        self.assertEqual(dict(months)[self._days(60).month], 1)

    def _codes(self, account, day):
        return [code for code, _label in account._dlq_block_reasons(self._days(day))]
