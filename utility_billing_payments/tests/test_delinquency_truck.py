# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.utility_billing.tests.common import call_kw

from .common_delinquency import UtilityDelinquencyCommon

# Day 60 of the timeline: Friday May 2, 2025, 10:00 in Los Angeles.
AT_THE_TRUCK = "2025-05-02 17:00:00"


@tagged("post_install", "-at_install")
class TestDelinquencyTruck(UtilityDelinquencyCommon):
    """Safeguards at the truck (issue 13, item 6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("TRUCK01")
        cls.bill = cls._bill(cls.account, 120.0)

    def _ordered(self):
        self._walk_to_list(self.account)
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        order = line.order_id
        self.assertEqual(order.state, "scheduled")
        self.assertEqual(order.scheduled_date, self._days(60))
        return order

    def _complete(self, order, user):
        with freeze_time(AT_THE_TRUCK):
            order.with_user(user).action_done()

    def _assert_refused(self, order, user, pattern):
        with self.assertRaisesRegex(UserError, pattern):
            self._complete(order, user)
        self.assertEqual(order.state, "scheduled")
        self.assertFalse(self.account.disconnected)

    def test_appeal_after_confirmation_stops_the_truck(self):
        order = self._ordered()
        appeal = self._sb998_case(self.account, "appeal")
        self._assert_refused(order, self.csr2, "appeal")
        appeal.with_user(self.csr2).action_decide_against_customer()
        self._complete(order, self.csr2)
        self.assertEqual(order.state, "done")
        self.assertEqual(order.result_date, self._days(60))
        self.assertTrue(self.account.disconnected)

    def test_medical_financial_willing_after_confirmation(self):
        order = self._ordered()
        self._sb998_protect(self.account)
        self._assert_refused(order, self.csr2, "medical certification")

    def test_payment_not_applied_yet_stops_the_truck(self):
        """A payment posted on the customer but not applied to the bills (the
        balance is paid): the crew may not shut off."""
        order = self._ordered()
        receivable = self.account.partner_id.property_account_receivable_id
        with freeze_time(AT_THE_TRUCK):
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": self.bank_journal.id,
                    "date": self._days(60),
                    "utility_account_id": self.account.id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": "Payment",
                                "account_id": self.bank_journal.default_account_id.id,
                                "debit": 132.0,
                            }
                        ),
                        Command.create(
                            {
                                "name": "Payment",
                                "account_id": receivable.id,
                                "partner_id": self.account.partner_id.id,
                                "credit": 132.0,
                            }
                        ),
                    ],
                }
            )
            move.action_post()
        self.assertEqual(order.state, "scheduled", "Not applied: no reconciliation")
        self._assert_refused(order, self.csr2, "paid")

    def test_csr1_cannot_complete(self):
        order = self._ordered()
        self._assert_refused(order, self.csr1, "Customer Service Representative II")
        self._complete(order, self.csr2)
        self.assertEqual(order.state, "done")

    def test_no_disconnect_for_nonpayment_by_hand(self):
        """A CSR I (or anyone) making a disconnect order by hand on an account
        that owes a past due amount, here with medical certification, low
        income and willingness on file, is refused."""
        self._sb998_protect(self.account)
        vals = {
            "order_type": "disconnect",
            "account_id": self.account.id,
            "scheduled_date": self._days(60),
            "company_id": self.company.id,
        }
        Order = self.env["utility.service.order"]
        with freeze_time(AT_THE_TRUCK):
            for user in (self.csr1, self.csr2, self.manager):
                with self.assertRaisesRegex(UserError, "shut-off list"):
                    Order.with_user(user).create(vals)
            with self.assertRaisesRegex(UserError, "shut-off list"):
                Order.create(vals)
            self.assertFalse(
                Order.search(
                    [
                        ("account_id", "=", self.account.id),
                        ("order_type", "=", "disconnect"),
                    ]
                )
            )

    def test_hand_order_made_before_the_debt_is_not_completed(self):
        account = self._account("TRUCK02")
        with freeze_time("2025-02-03 17:00:00"):
            order = self.env["utility.service.order"].create(
                {
                    "order_type": "disconnect",
                    "account_id": account.id,
                    "scheduled_date": self._days(60),
                    "company_id": self.company.id,
                }
            )
        self._bill(account, 80.0)
        with (
            freeze_time(AT_THE_TRUCK),
            self.assertRaisesRegex(UserError, "shut-off list"),
        ):
            order.action_done()
        self.assertEqual(order.state, "new")

    def test_completed_by_csr2_counts_in_annual_report(self):
        order = self._ordered()
        self._complete(order, self.csr2)
        report = self.env["utility.delinquency.sb998.report"].create({"year": 2025})
        _months, total = report._count_by_month(2025, self.company)
        self.assertEqual(total, 1)


@tagged("post_install", "-at_install")
class TestDelinquencyTruckOverJsonRpc(UtilityDelinquencyCommon, HttpCase):
    """The CSR I's refusals as the web client sends them (JSON-RPC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("TRUCKRPC")
        cls.medical = cls._sb998_protect(cls.account).filtered(
            lambda c: c.kind == "medical"
        )
        cls._bill(cls.account, 120.0)

    def _call_kw(self, model, method, args):
        return call_kw(self, model, method, args, kwargs=None, context=None)

    def test_csr1_creates_and_completes_a_disconnect(self):
        self.authenticate(self.csr1.login, self.csr1.login)
        reply = self._call_kw(
            "utility.service.order",
            "create",
            [
                {
                    "order_type": "disconnect",
                    "account_id": self.account.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertIn("error", reply)
        self.assertIn("shut-off list", reply["error"]["data"]["message"])
        self.assertFalse(
            self.env["utility.service.order"].search(
                [("account_id", "=", self.account.id)]
            )
        )
        # An order of a confirmed list: the CSR I may not complete it.
        self._walk_to_list(self.account)
        self.medical.with_user(self.csr2).action_close()
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        order = line.order_id
        self.assertEqual(order.state, "scheduled")
        self._sb998_case(self.account, "medical")
        reply = self._call_kw("utility.service.order", "action_done", [order.ids])
        self.assertIn("error", reply)
        self.assertIn("Representative II", reply["error"]["data"]["message"])
        order.invalidate_recordset()
        self.assertEqual(order.state, "scheduled")
        self.assertFalse(self.account.disconnected)
