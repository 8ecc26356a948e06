# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.utility_billing.tests.common import call_kw

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestShutoffDate(UtilityDelinquencyCommon):
    """Issue 13, item 3: the account's one shut-off date moves only later,
    when a later notice needs a later date; the list and the disconnect
    orders keep it.

    Counted by hand: the bill is due Monday March 3, 2025. The final notice of
    day 30 (Wednesday April 2) counts the shut-off notice of day 45 (Thursday
    April 17) and its 7 business days (Fri 4/18, Mon 21, 22, 23, 24, 25, Mon
    28), the door hanger of day 58 (Wednesday April 30) and its 48 hours
    (Friday May 2) and the list step of day 60 (Friday May 2): May 2.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("SODATE1")
        cls.bill = cls._bill(cls.account, 120.0)
        cls.company._utility_business_calendar().closed_day_ids.unlink()

    def test_late_door_hanger_moves_the_date(self):
        """No run from day 46 to day 62: the door hanger goes on Monday May 5
        (day 63) and needs Wednesday May 7. The date moves there; the notices
        already sent keep what they printed; the list of Tuesday May 6 blocks
        the account, Wednesday's takes it."""
        for day in (1, 5, 30):
            self._run(self._days(day))
        final = self._notices(self.account, "final")
        self.assertEqual(final.shutoff_date, date(2025, 5, 2))
        self.assertEqual(self.account.dlq_shutoff_date, date(2025, 5, 2))
        self._run(self._days(45))
        self.assertEqual(
            self._notices(self.account, "shutoff").shutoff_date, date(2025, 5, 2)
        )
        self._run(date(2025, 5, 5))
        hanger = self._notices(self.account, "door_hanger")
        self.assertEqual(hanger.date, date(2025, 5, 5))
        self.assertEqual(hanger.shutoff_date, date(2025, 5, 7))
        self.assertEqual(self.account.dlq_shutoff_date, date(2025, 5, 7))
        self.assertEqual(final.shutoff_date, date(2025, 5, 2))
        self._run(date(2025, 5, 6))
        line = self._shutoff_line(self.account, date(2025, 5, 6))
        self.assertEqual(line.state, "blocked")
        self.assertEqual(
            line.block_reason,
            "The notices sent to this account announce the shut-off on or after "
            "05/07/2025.",
        )
        self.assertEqual(line.shutoff_date, date(2025, 5, 7))
        # The list's own check on its date agrees.
        with freeze_time("2025-05-06 18:00:00"):
            line.list_id.with_user(self.csr2).action_confirm()
        self.assertEqual(line.state, "blocked")
        self.assertFalse(line.order_id)
        self._run(date(2025, 5, 7))
        line = self._shutoff_line(self.account, date(2025, 5, 7))
        self.assertEqual(line.state, "eligible", line.block_reason)
        with freeze_time("2025-05-07 18:00:00"):
            line.list_id.with_user(self.csr2).action_confirm()
        order = line.order_id
        self.assertEqual(order.scheduled_date, date(2025, 5, 7))
        # Never before the date: not even by rescheduling the order.
        with self.assertRaisesRegex(ValidationError, "on or after 05/07/2025"):
            order.with_user(self.csr2).scheduled_date = date(2025, 5, 6)
        # Runs after it change nothing.
        self._run(date(2025, 5, 8))
        self.assertEqual(self.account.dlq_shutoff_date, date(2025, 5, 7))

    def test_payment_plan_entered_then_paid(self):
        """A plan calls the shut-off off (no date); paid, nothing comes back."""
        for day in (1, 5, 30):
            self._run(self._days(day))
        self.assertEqual(self.account.dlq_shutoff_date, date(2025, 5, 2))
        with freeze_time("2025-04-03 18:00:00"):
            plan = (
                self.env["utility.payment.plan"]
                .with_user(self.csr1)
                .create(
                    {
                        "account_id": self.account.id,
                        "months": 2,
                        "start_date": self._days(31),
                    }
                )
            )
            plan.action_confirm()
        self.assertEqual(plan.state, "active")
        self.assertFalse(self.account.dlq_shutoff_date)
        self._run(self._days(45))
        self.assertFalse(self._notices(self.account, "shutoff"))
        self.assertFalse(self.account.dlq_shutoff_date)


@tagged("post_install", "-at_install")
class TestShutoffDateOverJsonRpc(UtilityDelinquencyCommon, HttpCase):
    """The account's shut-off date is the delinquency workflow's: a CSR
    cannot set it nor move it, as the web client would send it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("SODATE2")
        cls._bill(cls.account, 120.0)

    def _call_kw(self, model, method, args, context=None):
        return call_kw(self, model, method, args, kwargs=None, context=context)

    def test_csr_cannot_set_the_shutoff_date(self):
        for day in (1, 5, 30):
            self._run(self._days(day))
        self.assertEqual(self.account.dlq_shutoff_date, date(2025, 5, 2))
        for user in (self.csr1, self.csr2):
            self.authenticate(user.login, user.login)
            for context in ({}, {"utility_workflow": True, "force_write": True}):
                # Moving it earlier, or clearing it, by editing: refused.
                for value in ("2025-04-10", False):
                    reply = self._call_kw(
                        "utility.account",
                        "write",
                        [self.account.ids, {"dlq_shutoff_date": value}],
                        context,
                    )
                    self.assertIn("error", reply)
                    self.assertIn(
                        "Shut-off On or After", reply["error"]["data"]["message"]
                    )
                reply = self._call_kw(
                    "utility.account",
                    "create",
                    [
                        {
                            "partner_id": self.partner.id,
                            "premise_id": self.account.premise_id.id,
                            "dlq_shutoff_date": "2025-04-10",
                        }
                    ],
                    context,
                )
                self.assertIn("error", reply)
                self.assertIn("Shut-off On or After", reply["error"]["data"]["message"])
        self.account.invalidate_recordset()
        self.assertEqual(self.account.sudo().dlq_shutoff_date, date(2025, 5, 2))
        self.assertEqual(
            self.env["utility.account"].search_count(
                [("dlq_shutoff_date", "=", date(2025, 4, 10))]
            ),
            0,
        )
