# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 13, item 3: one shut-off date per account, printed and kept.

A 90-day walk, Monday September 29 to Saturday December 27, 2025, across
Veterans Day (Tuesday November 11), the Thanksgiving week (Thursday November
27 and Friday November 28 are office holidays in California), the month ends
of October and November and Christmas (Thursday December 25). The daily
delinquency job runs every morning (the scheduled action, before the office
opens); the office's work of the day (payments, appeals, plans, lists, the
truck) comes after it. Every date is counted by hand below.

The policy: penalty day 1 (10%), late notice day 5, final notice day 30,
shut-off notice day 45 (7 business days), door hanger day 58 (48 hours),
shut-off list day 60.

Bills due Monday September 29 (D):
  D+1 Tue 9/30 penalty; D+5 Sat 10/4 late; D+30 Wed 10/29 final;
  D+45 Thu 11/13 shut-off notice; D+58 Wed 11/26 door hanger;
  D+60 Fri 11/28 (holiday) list step: the list of Monday December 1.
  The date, counted at the final notice of 10/29:
  - 60 days and the list step: Fri 11/28;
  - 7 business days after the shut-off notice of 11/13: Fri 11/14 (1),
    Mon 11/17 (2), Tue 18 (3), Wed 19 (4), Thu 20 (5), Fri 21 (6),
    Mon 24 (7): 11/24;
  - 48 hours after the door hanger of 11/26: Fri 11/28;
  the latest, Friday 11/28, is a holiday; Sat 29, Sun 30: Monday December 1.

The landlord's building, bill due Monday October 6 (D2):
  D2+5 Sat 10/11 late; D2+30 Wed 11/5 final; D2+45 Thu 11/20 shut-off
  notice and the occupants' copy; D2+58 Wed 12/3 door hanger; D2+60 Fri 12/5
  list. Date: 7 business days after 11/20 are Fri 21 (1), Mon 24 (2), Tue 25
  (3), Wed 26 (4), [Thanksgiving and the day after], Mon 12/1 (5), Tue 2 (6),
  Wed 3 (7): 12/3; the occupants, 10 days after 11/20: Sun 11/30; the door
  hanger 12/3 + 48 hours: Fri 12/5; the list step: Fri 12/5. Friday December
  5.

The broken plan, bill due Tuesday September 2 (D3), day 27 when the walk
starts: penalty and late notice Mon 9/29; D3+30 Thu 10/2 final notice, which
counts the shut-off notice at D3+45 Fri 10/17 (+7 business days: Mon 10/20,
21, 22, 23, 24, Mon 27, Tue 28), the door hanger at D3+58 Thu 10/30 (+48
hours: Sat 11/1) and the list at D3+60 Sat 11/1: Monday November 3. A plan
entered Monday October 6 (down payment due that day, never paid) calls the
shut-off off. Sixty days after October 6 is Friday December 5: the run of
Saturday December 6 breaks the plan. Its notice: 5 business days, Mon 12/8
(1), Tue 9 (2), Wed 10 (3), Thu 11 (4), Fri 12 (5): December 12. The steps
resume the same morning with the shut-off notice of 12/6, which needs 7
business days: Mon 8, 9, 10, 11, Fri 12, Mon 15, Tue 16: December 16 (the door
hanger of Sunday 12/7 needs 12/9; the list step comes Monday 12/8). The date
moves to December 16; the list takes the account that day.
"""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon

WALK_START = date(2025, 9, 29)
WALK_DAYS = 90
D1 = date(2025, 9, 29)
D2 = date(2025, 10, 6)
D3 = date(2025, 9, 2)
DEC_1 = date(2025, 12, 1)


def d(month, day):
    return date(2025, month, day)


@tagged("post_install", "-at_install")
class TestSb998Walk(UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("utility_billing_payments.ir_cron_delinquency_daily")
        cls.calendar = cls.company._utility_business_calendar()
        cls.calendar.closed_day_ids.unlink()
        cls.plain = cls._account("WALK01")
        cls.counter = cls._account("WALK02")
        cls.register = cls._account("WALK03")
        cls.appeal_before = cls._account("WALK04")
        cls.appeal_after = cls._account("WALK05")
        cls.medical = cls._account(
            "WALK06", medical_certification=True, low_income=True, plan_willing=True
        )
        cls.plan_kept = cls._account("WALK07")
        cls.plan_broken = cls._account("WALK08")
        cls.low_income = cls._account("WALK09", low_income=True)
        landlord = cls.env["res.partner"].create(
            {"name": "Walk Landlord LLC", "street": "1 Main St", "zip": "92201"}
        )
        cls.landlord = cls._account("WALK10", partner=landlord)
        cls.landlord.premise_id.living_units = 4
        cls.bills = {}
        for account in (
            cls.plain,
            cls.counter,
            cls.register,
            cls.appeal_before,
            cls.appeal_after,
            cls.medical,
            cls.plan_kept,
            cls.low_income,
        ):
            cls.bills[account] = cls._bill(account, 100.0, due=D1)
        cls.bills[cls.landlord] = cls._bill(cls.landlord, 100.0, due=D2)
        cls.bills[cls.plan_broken] = cls._bill(cls.plan_broken, 100.0, due=D3)

    # ------------------------------------------------------------
    # The office's day
    # ------------------------------------------------------------

    def _at(self, day, hour=18):
        """``day`` at ``hour`` UTC: 10 or 11 in the morning in Los Angeles."""
        return freeze_time(datetime.combine(day, time(hour, 0)))

    def _counter_pay(self, account, amount, day):
        return self._pay(account, amount, f"{day} 18:00:00")

    def _list(self, day):
        return self.env["utility.shutoff.list"].search(
            [("company_id", "=", self.company.id), ("date", "=", day)]
        )

    def _line(self, account, day):
        return self._list(day).line_ids.filtered(lambda ln: ln.account_id == account)

    def _confirm(self, day):
        shutoff = self._list(day)
        self.assertEqual(shutoff.state, "draft")
        with self._at(day):
            shutoff.with_user(self.csr2).action_confirm()
        return shutoff

    def _truck(self, account, day):
        order = self._orders(account).filtered(lambda o: o.state == "scheduled")
        with self._at(day, 20):
            order.with_user(self.csr2).action_done()
        return order

    def _orders(self, account, order_type="disconnect"):
        return self.env["utility.service.order"].search(
            [("account_id", "=", account.id), ("order_type", "=", order_type)],
            order="id",
        )

    def _plan(self, account, day, down_payment):
        with self._at(day):
            plan = (
                self.env["utility.payment.plan"]
                .with_user(self.csr1)
                .create(
                    {
                        "account_id": account.id,
                        "months": 2,
                        "down_payment": down_payment,
                        "start_date": day,
                    }
                )
            )
            plan.action_confirm()
        self.assertEqual(plan.state, "active")
        return plan

    def _register_payment(self, account, day):
        moves = self.env["account.move"].search(
            [
                ("utility_account_id", "=", account.id),
                ("move_type", "=", "out_invoice"),
                ("payment_state", "=", "not_paid"),
            ]
        )
        with self._at(day):
            self.env["account.payment.register"].with_user(self.manager).with_context(
                active_model="account.move", active_ids=moves.ids
            ).create(
                {
                    "journal_id": self.bank_journal.id,
                    "payment_date": day,
                    "group_payment": True,
                }
            )._create_payments()

    def _notice_dates(self, account):
        """[(kind, occupant, date, shut-off date printed)] in the order sent."""
        return [
            (n.kind, n.occupant, n.date, n.shutoff_date)
            for n in self._notices(account).sorted(lambda n: (n.date, n.id))
        ]

    def _printed(self, notice):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("utility_billing.report_utility_notice", notice.ids)[0]
            .decode()
        )
        return html

    # ------------------------------------------------------------
    # The walk
    # ------------------------------------------------------------

    def test_walk_90_days(self):
        """Every notice prints the account's one shut-off date; the list never
        takes an account before it; disconnect orders are dated on it or
        later; payments, plans and appeals do what the law says on the day."""
        seen = {}  # {account: {day: shut-off date}} as each morning left it
        self.plans = {}
        office = self._office_work()
        for offset in range(WALK_DAYS):
            day = WALK_START + timedelta(days=offset)
            with self._at(day, 13):
                self.cron.method_direct_trigger()
            runs = self.env["utility.delinquency.run"].search(
                [("company_id", "=", self.company.id), ("date", "=", day)]
            )
            self.assertEqual(runs.state, "done", day)
            for account in self.bills:
                seen.setdefault(account, {})[day] = account.dlq_shutoff_date
            # The office's day, after the morning run.
            if day in office:
                office[day](day)
        self._assert_notices()
        self._assert_dates(seen)
        self._assert_lists_and_orders()
        self.assertEqual(self.plans["kept"].state, "active")
        self._assert_low_income_reconnection()
        self._assert_printed()

    def _office_work(self):
        return {
            d(10, 6): self._day_plan_to_break,
            d(11, 17): self._day_plan_to_keep,
            d(11, 19): self._day_counter_payment,
            d(11, 25): self._day_appeal,
            DEC_1: self._day_of_dec_1,
            d(12, 2): self._day_low_income_pays,
            d(12, 3): self._day_appeal_dropped,
            d(12, 4): self._day_appeal_before_listed,
            d(12, 5): self._day_landlord_listed,
            d(12, 6): self._day_plan_broken,
            d(12, 8): self._day_plan_broken_blocked,
            d(12, 10): self._day_appeal_after_dropped,
            d(12, 12): self._day_plan_broken_five_days,
            d(12, 16): self._day_plan_broken_listed,
            d(12, 17): self._day_plan_installment,
        }

    def _day_plan_to_break(self, day):
        self.plans["broken"] = self._plan(self.plan_broken, day, 10.0)
        self.assertFalse(self.plan_broken.dlq_shutoff_date)

    def _day_plan_to_keep(self, day):
        self.plans["kept"] = self._plan(self.plan_kept, day, 30.0)
        self._counter_pay(self.plan_kept, 30.0, day)
        self.assertFalse(self.plan_kept.dlq_shutoff_date)

    def _day_counter_payment(self, day):
        self._counter_pay(self.counter, 110.0, day)
        self.assertFalse(self.counter.dlq_shutoff_date)

    def _day_appeal(self, day):
        # The customer appeals: a CSR I records the case (SB 998 evidence).
        self.appeal_before_case = self._sb998_case(
            self.appeal_before, "appeal", received_date=day
        )
        self.assertTrue(self.appeal_before.appeal_pending)

    def _day_low_income_pays(self, day):
        self._counter_pay(self.low_income, 100.0, day)
        self.assertFalse(self.low_income.dlq_shutoff_date)

    def _day_appeal_dropped(self, day):
        self.appeal_before_case.with_user(self.csr2).action_decide_against_customer()
        self.assertFalse(self.appeal_before.appeal_pending)

    def _day_appeal_before_listed(self, day):
        line = self._line(self.appeal_before, day)
        self.assertEqual(line.state, "eligible", line.block_reason)
        self._confirm(day)

    def _day_landlord_listed(self, day):
        line = self._line(self.landlord, day)
        self.assertEqual(line.state, "eligible", line.block_reason)
        self._confirm(day)

    def _day_plan_broken(self, day):
        self.assertEqual(self.plans["broken"].state, "broken")

    def _day_plan_broken_blocked(self, day):
        line = self._line(self.plan_broken, day)
        self.assertEqual(line.state, "blocked")
        self.assertIn("1 of 5", line.block_reason)
        self.assertIn("on or after 12/16/2025", line.block_reason)
        self.assertEqual(line.shutoff_date, d(12, 16))

    def _day_appeal_after_dropped(self, day):
        self.appeal_after_case.with_user(self.csr2).action_decide_against_customer()
        self.assertFalse(self.appeal_after.appeal_pending)
        self._truck(self.appeal_after, day)

    def _day_plan_broken_five_days(self, day):
        """Five business days after the plan's default: only the date the
        notices printed holds the account."""
        line = self._line(self.plan_broken, day)
        self.assertEqual(line.state, "blocked")
        self.assertEqual(
            line.block_reason,
            "The notices sent to this account announce the shut-off on or after "
            "12/16/2025.",
        )

    def _day_plan_broken_listed(self, day):
        line = self._line(self.plan_broken, day)
        self.assertEqual(line.state, "eligible", line.block_reason)
        self._confirm(day)

    def _day_plan_installment(self, day):
        self._counter_pay(self.plan_kept, 40.0, day)

    def _day_of_dec_1(self, day):
        """Monday December 1: the list of the Thanksgiving weekend's runs."""
        shutoff = self._list(DEC_1)
        for account in (
            self.plain,
            self.register,
            self.appeal_after,
            self.low_income,
        ):
            line = self._line(account, DEC_1)
            self.assertEqual(line.state, "eligible", line.block_reason)
            self.assertEqual(line.shutoff_date, DEC_1)
        self.assertIn("appeal", self._line(self.appeal_before, DEC_1).block_reason)
        self.assertIn("medical", self._line(self.medical, DEC_1).block_reason)
        # The lines were made by the run of Friday November 28 (a holiday),
        # for Monday's list: no list is dated on a holiday or a weekend.
        for day in (d(11, 28), d(11, 29), d(11, 30)):
            self.assertFalse(self._list(day))
        self._confirm(DEC_1)
        self.assertEqual(shutoff.state, "confirmed")
        # Register Payment of the bill and the penalty: the order goes.
        self._register_payment(self.register, DEC_1)
        self.assertEqual(self._orders(self.register).state, "cancelled")
        self.assertEqual(self._line(self.register, DEC_1).state, "removed")
        self.assertFalse(self.register.dlq_shutoff_date)
        # An appeal recorded after the list was confirmed stops the truck.
        self.appeal_after_case = self._sb998_case(
            self.appeal_after, "appeal", received_date=day
        )
        with self.assertRaisesRegex(UserError, "appeal"):
            self._truck(self.appeal_after, DEC_1)
        self.assertEqual(self._orders(self.appeal_after).state, "scheduled")
        self._truck(self.plain, DEC_1)
        self._truck(self.low_income, DEC_1)
        self.assertTrue(self.plain.disconnected)
        self.assertTrue(self.low_income.disconnected)

    def _assert_notices(self):
        final_d1, shutoff_d1, hanger_d1 = d(10, 29), d(11, 13), d(11, 26)
        full = [
            ("late", False, d(10, 4), False),
            ("final", False, final_d1, DEC_1),
            ("shutoff", False, shutoff_d1, DEC_1),
            ("door_hanger", False, hanger_d1, DEC_1),
        ]
        for account in (
            self.plain,
            self.register,
            self.appeal_before,
            self.appeal_after,
            self.medical,
            self.low_income,
        ):
            self.assertEqual(self._notice_dates(account), full, account.name)
        # Paid at the counter on 11/19, and on a plan since 11/17: no door
        # hanger.
        self.assertEqual(self._notice_dates(self.counter), full[:3])
        self.assertEqual(self._notice_dates(self.plan_kept), full[:3])
        self.assertEqual(
            self._notice_dates(self.landlord),
            [
                ("late", False, d(10, 11), False),
                ("final", False, d(11, 5), d(12, 5)),
                ("shutoff", False, d(11, 20), d(12, 5)),
                ("shutoff", True, d(11, 20), d(12, 5)),
                ("door_hanger", False, d(12, 3), d(12, 5)),
            ],
        )
        self.assertEqual(
            self._notice_dates(self.plan_broken),
            [
                ("late", False, d(9, 29), False),
                ("final", False, d(10, 2), d(11, 3)),
                ("plan_broken", False, d(12, 6), d(12, 12)),
                ("shutoff", False, d(12, 6), d(12, 16)),
                ("door_hanger", False, d(12, 7), d(12, 16)),
            ],
        )

    def _assert_dates(self, seen):
        """The account's date as each morning's run left it: set by the first
        dated notice, moved only later, cleared when the delinquency ends."""

        def changes(account):
            result, last = [], None
            for day in sorted(seen[account]):
                value = seen[account][day]
                if value != last:
                    result.append((day, value))
                    last = value
            return result

        for account in (
            self.plain,
            self.appeal_before,
            self.appeal_after,
            self.medical,
        ):
            self.assertEqual(
                changes(account), [(WALK_START, False), (d(10, 29), DEC_1)]
            )
        self.assertEqual(
            changes(self.counter),
            [(WALK_START, False), (d(10, 29), DEC_1), (d(11, 20), False)],
        )
        self.assertEqual(
            changes(self.register),
            [(WALK_START, False), (d(10, 29), DEC_1), (d(12, 2), False)],
        )
        self.assertEqual(
            changes(self.low_income),
            [(WALK_START, False), (d(10, 29), DEC_1), (d(12, 3), False)],
        )
        self.assertEqual(
            changes(self.plan_kept),
            [(WALK_START, False), (d(10, 29), DEC_1), (d(11, 18), False)],
        )
        self.assertEqual(
            changes(self.landlord), [(WALK_START, False), (d(11, 5), d(12, 5))]
        )
        self.assertEqual(
            changes(self.plan_broken),
            [
                (WALK_START, False),
                (d(10, 2), d(11, 3)),
                (d(10, 7), False),
                (d(12, 6), d(12, 16)),
            ],
        )

    def _assert_lists_and_orders(self):
        expected = {
            self.plain: [(DEC_1, "done", DEC_1)],
            self.register: [(DEC_1, "cancelled", False)],
            self.appeal_after: [(DEC_1, "done", d(12, 10))],
            self.low_income: [(DEC_1, "done", DEC_1)],
            self.appeal_before: [(d(12, 4), "scheduled", False)],
            self.landlord: [(d(12, 5), "scheduled", False)],
            self.plan_broken: [(d(12, 16), "scheduled", False)],
            self.medical: [],
            self.counter: [],
            self.plan_kept: [],
        }
        for account, orders in expected.items():
            got = [
                (o.scheduled_date, o.state, o.result_date or False)
                for o in self._orders(account)
            ]
            self.assertEqual(got, orders, account.name)
            for order in self._orders(account):
                # The list of the order's date, never before the date printed.
                self.assertEqual(
                    order.shutoff_line_id.list_id.date, order.scheduled_date
                )
        # No list took an account before its date: every line eligible or
        # ordered is on a list dated on or after the date its notices printed.
        lines = self.env["utility.shutoff.list.line"].search(
            [("account_id", "in", [a.id for a in self.bills])]
        )
        first_eligible = {}
        for line in lines.filtered(
            lambda ln: ln.state in ("eligible", "ordered", "disconnected")
        ):
            day = line.list_id.date
            current = first_eligible.get(line.account_id)
            if not current or day < current:
                first_eligible[line.account_id] = day
        self.assertEqual(
            first_eligible,
            {
                self.plain: DEC_1,
                self.appeal_after: DEC_1,
                self.low_income: DEC_1,
                self.appeal_before: d(12, 4),
                self.landlord: d(12, 5),
                self.plan_broken: d(12, 16),
            },
        )
        # The medical household is listed every business day, always blocked.
        medical = lines.filtered(lambda ln: ln.account_id == self.medical)
        self.assertEqual(set(medical.mapped("state")), {"blocked"})
        self.assertEqual(min(medical.list_id.mapped("date")), DEC_1)

    def _assert_low_income_reconnection(self):
        """Paid on 12/2: reconnected, a $50 fee (SB 998 cap), and nothing
        more: no penalty, no notice on the fee until the walk ends."""
        account = self.low_income
        reconnect = self._orders(account, "reconnect")
        self.assertEqual(len(reconnect), 1)
        self.assertEqual(reconnect.scheduled_date, d(12, 2))
        fee = reconnect.reconnect_fee_move_id
        self.assertEqual(fee.amount_total, 50.0)
        self.assertTrue(fee.utility_reconnect_fee_capped)
        self.assertFalse(self._penalties(account))
        self.assertFalse(
            self._notices(account).filtered(lambda n: n.date > d(12, 2)),
        )
        account.invalidate_recordset(["balance"])
        self.assertEqual(account.balance, 50.0)

    def _assert_printed(self):
        """What the letters print: the account's date on every dated notice."""
        for account, printed in (
            (self.plain, "12/01/2025"),
            (self.landlord, "12/05/2025"),
        ):
            for notice in self._notices(account).filtered("shutoff_date"):
                self.assertIn(printed, self._printed(notice), notice.display_name)
        occupant = self._notices(self.landlord).filtered("occupant")
        self.assertIn("without paying the amount past due", self._printed(occupant))
        default = self._notices(self.plan_broken, "plan_broken")
        self.assertIn("12/12/2025", self._printed(default))
