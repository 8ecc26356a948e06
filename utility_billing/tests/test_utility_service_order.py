# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import UtilityBillingCommon


class ServiceOrderCase(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_exception_rules()
        cls.Order = cls.env["utility.service.order"]
        cls.Read = cls.env["utility.meter.read"]

    def _assert_user_error(self, exception, *fragments):
        """Check that every fragment is in the message of ``exception``."""
        for fragment in fragments:
            self.assertIn(fragment, str(exception))

    def _account_messages(self, account, text):
        return account.message_ids.filtered(lambda m: text in (m.body or ""))


class ServiceOrderTests:
    """Tests of ServiceOrderCase's fixtures, run by TestServiceOrders."""

    def test_number_and_defaults(self):
        """An order is numbered SO/<year>/<5 digits>; the account brings its premise,
        the premise's route and walk sequence, and the account's meter."""
        premise, meter, account = self._setup_account("SO-DEF")
        order = self._service_order("leak_check", account)
        self.assertRegex(order.name, r"^SO/\d{4}/\d{5}$")
        self.assertEqual(order.state, "new")
        self.assertEqual(order.premise_id, premise)
        self.assertEqual(order.route_id, self.route)
        self.assertEqual(order.walk_sequence, premise.sequence)
        self.assertEqual(order.meter_id, meter)
        self.assertEqual(order.partner_id, self.partner)
        other = self._service_order("leak_check", account)
        self.assertNotEqual(order.name, other.name)

    def test_reread_creates_read(self):
        """A re-read's reading becomes an actual read of the meter on the account,
        from the source 'service order', measured from the previous read."""
        _premise, meter, account = self._setup_account("SO-RR", initial_reading=100)
        order = self._service_order("reread", account, result_date="2025-02-05")
        order.result_reading = 125
        self.assertTrue(order.reading_entered)
        order.action_done()
        read = order.result_read_id
        self.assertEqual(order.state, "done")
        self.assertEqual(read.meter_id, meter)
        self.assertEqual(read.account_id, account)
        self.assertEqual(read.source, "service_order")
        self.assertEqual(read.read_type, "actual")
        self.assertEqual(read.read_date, date(2025, 2, 5))
        self.assertEqual(read.consumption, 25)
        self.assertEqual(read.state, "valid")
        self.assertIn(order.name, read.note)
        self.assertTrue(self._account_messages(account, order.name))

    def test_move_in_and_move_out_reads(self):
        """A move-in read is an initial read (nothing consumed before it), a
        move-out read a final read measured from the last read."""
        _premise, meter, account = self._setup_account("SO-MV", initial_reading=50)
        move_out = self._service_order(
            "move_out_read", account, result_date="2025-02-10", result_reading=70
        )
        move_out.action_done()
        self.assertEqual(move_out.result_read_id.read_type, "final")
        self.assertEqual(move_out.result_read_id.consumption, 20)
        move_in = self._service_order(
            "move_in_read", account, result_date="2025-02-11", result_reading=72
        )
        move_in.action_done()
        initial = move_in.result_read_id
        self.assertEqual(initial.read_type, "initial")
        self.assertEqual(initial.consumption, 0)
        self.assertEqual(initial.source, "service_order")
        next_read = self._read(meter, "2025-03-11", 80)
        self.assertEqual(next_read.previous_read_id, initial)
        self.assertEqual(next_read.consumption, 8)

    def test_zero_reading_when_ticked(self):
        """A reading of zero is a result when the worker ticks 'Reading Taken'."""
        _premise, meter, account = self._setup_account("SO-ZERO", initial_reading=0)
        order = self._service_order("move_in_read", account, result_date="2025-01-20")
        with self.assertRaises(UserError) as cm:
            order.action_done()
        self._assert_user_error(cm.exception, order.name, "Reading")
        order.reading_entered = True
        order.action_done()
        self.assertEqual(order.result_read_id.reading, 0)
        self.assertEqual(order.result_read_id.meter_id, meter)

    def test_investigation_reading_is_optional(self):
        """An investigation needs its findings; a reading, when entered, becomes a
        read, and none is created without one."""
        _premise, _meter, account = self._setup_account("SO-INV", initial_reading=0)
        order = self._service_order("investigate", account, result_date="2025-02-05")
        with self.assertRaises(UserError) as cm:
            order.action_done()
        self._assert_user_error(cm.exception, "Findings")
        order.result_note = "Irrigation valve stuck open; customer repaired it."
        order.action_done()
        self.assertFalse(order.result_read_id)
        leak = self._service_order(
            "leak_check",
            account,
            result_date="2025-02-06",
            result_reading=40,
            result_note="Leak indicator still; no leak.",
        )
        leak.action_done()
        self.assertEqual(leak.result_read_id.reading, 40)
        self.assertEqual(leak.result_read_id.source, "service_order")

    def test_required_results_by_type(self):
        """Each type asks for its results before it can be done, and names them."""
        _premise, _meter, account = self._setup_account("SO-REQ")
        cases = {
            "reread": ["Reading"],
            "move_out_read": ["Reading"],
            "meter_test": ["Test Result"],
            "meter_change": ["Reading", "New Meter"],
            "leak_check": ["Findings"],
        }
        for order_type, labels in cases.items():
            order = self._service_order(order_type, account)
            with self.assertRaises(UserError) as cm:
                order.action_done()
            self._assert_user_error(cm.exception, order.name, *labels)
            self.assertEqual(order.state, "new", order_type)
        # On a Wednesday: a disconnection is never done on a weekend, and the
        # suite must not fail when it runs on one.
        with freeze_time("2025-02-05 18:00:00"):
            no_account = self._service_order("disconnect")
            with self.assertRaises(UserError) as cm:
                no_account.action_done()
        self._assert_user_error(cm.exception, "Account")

    def test_meter_change_continuity(self):
        """A change-out removes the old meter with its final read (consumption since
        its last read) and installs the new one with its initial read on the same
        account service: the next read of the new meter is measured from that
        initial read, so nothing is lost or counted twice."""
        premise, old, account = self._setup_account("SO-CH-OLD", initial_reading=100)
        self._read(old, "2025-02-05", 130)
        new = self._create_meter("SO-CH-NEW")
        order = self._service_order(
            "meter_change",
            account,
            result_date="2025-02-20",
            result_reading=140,
            new_meter_id=new.id,
            new_meter_reading=5,
        )
        order.action_done()
        final = order.result_read_id
        initial = order.new_meter_read_id
        self.assertEqual(final.meter_id, old)
        self.assertEqual(final.read_type, "final")
        self.assertEqual(final.consumption, 10)
        self.assertEqual(final.account_id, account)
        self.assertEqual(final.source, "service_order")
        self.assertEqual(initial.meter_id, new)
        self.assertEqual(initial.read_type, "initial")
        self.assertEqual(initial.reading, 5)
        self.assertEqual(initial.consumption, 0)
        self.assertEqual(initial.account_id, account)
        self.assertEqual(old.state, "removed")
        self.assertFalse(old.premise_id)
        self.assertEqual(new.state, "installed")
        self.assertEqual(new.premise_id, premise)
        water = account.service_ids.filtered(lambda s: s.service_type_id == self.water)
        self.assertEqual(water.meter_id, new, "the service now reads the new meter")
        self.assertEqual(account.meter_ids, new)
        later = self._read(new, "2025-03-05", 17)
        self.assertEqual(later.account_id, account)
        self.assertEqual(later.previous_read_id, initial)
        self.assertEqual(later.consumption, 12)
        self.assertEqual(
            set(new.event_ids.mapped("event_type")), {"received", "installed"}
        )
        self.assertIn("removed", old.event_ids.mapped("event_type"))
        self.assertTrue(self._account_messages(account, "SO-CH-NEW"))

    def test_meter_change_refused(self):
        """A change-out needs a new meter in stock measuring the same service."""
        _premise, _old, account = self._setup_account("SO-CHR-OLD")
        installed = self._setup_account("SO-CHR-OTHER")[1]
        order = self._service_order(
            "meter_change",
            account,
            result_date="2025-02-20",
            result_reading=10,
            new_meter_id=installed.id,
        )
        with self.assertRaises(UserError) as cm:
            order.action_done()
        self._assert_user_error(cm.exception, "SO-CHR-OTHER", "not in stock")
        gas = self.env["utility.service.type"].create(
            {"name": "Gas", "code": "SO-GAS", "metered": True, "uom_id": self.hcf.id}
        )
        order.new_meter_id = self._create_meter("SO-CHR-GAS", service_type_id=gas.id)
        with self.assertRaises(UserError) as cm:
            order.action_done()
        self._assert_user_error(cm.exception, "SO-CHR-GAS", "Gas")
        self.assertEqual(order.state, "new")

    def test_meter_change_final_reading_checked(self):
        """A change-out's final reading below the old meter's last reading is
        refused as at move-out, naming the meter and the last reading; a lower
        reading that is a plausible rollover of the register is accepted."""
        _premise, old, account = self._setup_account("SO-CHN-OLD", initial_reading=100)
        self._read(old, "2025-02-05", 130)
        new = self._create_meter("SO-CHN-NEW")
        order = self._service_order(
            "meter_change",
            account,
            result_date="2025-02-20",
            result_reading=120,
            new_meter_id=new.id,
            new_meter_reading=5,
        )
        with self.assertRaises(UserError) as cm:
            order.action_done()
        self._assert_user_error(
            cm.exception, "SO-CHN-OLD", "final reading 120", "last reading 130"
        )
        self.assertEqual(order.state, "new")
        self.assertEqual(old.state, "installed")
        self.assertEqual(new.state, "in_stock")
        # A 4-dial register read at 9,990 and then 20 rolled over: 30 used.
        _premise, wrapped, account = self._setup_account("SO-CHN-WRAP")
        wrapped.dials = 4
        self._read(wrapped, "2025-02-05", 9990)
        order = self._service_order(
            "meter_change",
            account,
            result_date="2025-02-20",
            result_reading=20,
            new_meter_id=self._create_meter("SO-CHN-NEW2").id,
            new_meter_reading=0,
        )
        order.action_done()
        self.assertTrue(order.result_read_id.rollover)
        self.assertEqual(order.result_read_id.consumption, 30)

    def test_meter_test_recorded(self):
        """A meter test's result and accuracy are recorded in the meter's history."""
        _premise, meter, account = self._setup_account("SO-TEST")
        order = self._service_order(
            "meter_test",
            account,
            result_date="2025-03-01",
            test_result="fail",
            test_accuracy_low=91.5,
            test_accuracy_mid=97.0,
            test_accuracy_high=99.0,
        )
        order.action_done()
        event = meter.event_ids.filtered(lambda e: e.event_type == "tested")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.test_result, "fail")
        self.assertEqual(event.test_accuracy_low, 91.5)
        self.assertEqual(event.test_accuracy_mid, 97.0)
        self.assertEqual(event.date, date(2025, 3, 1))
        self.assertIn(order.name, event.note)

    def test_disconnect_and_reconnect_logged_on_account(self):
        """Disconnect and reconnect are recorded in the account's chatter."""
        _premise, _meter, account = self._setup_account("SO-DISC")
        for order_type, text in (
            ("disconnect", "Service disconnected"),
            ("reconnect", "Service reconnected"),
        ):
            # Monday: no disconnection on a weekend (test_disconnect_business_day).
            order = self._service_order(order_type, account, result_date="2025-03-03")
            order.action_done()
            self.assertEqual(order.state, "done")
            self.assertTrue(self._account_messages(account, text), order_type)

    def test_schedule_cancel_reopen(self):
        """Scheduling needs a date; a done order can be neither cancelled nor done
        again; a cancelled order can be reopened; only new or cancelled orders can
        be deleted."""
        _premise, _meter, account = self._setup_account("SO-FLOW")
        order = self._service_order("disconnect", account)
        with self.assertRaises(UserError) as cm:
            order.action_schedule()
        self._assert_user_error(cm.exception, "scheduled date")
        order.write({"scheduled_date": "2025-03-03", "user_id": self.csr1.id})
        order.action_schedule()
        self.assertEqual(order.state, "scheduled")
        order.action_cancel()
        self.assertEqual(order.state, "cancelled")
        order.action_reset()
        self.assertEqual(order.state, "new")
        order.result_date = "2025-03-03"
        order.action_done()
        with self.assertRaises(UserError) as cm:
            order.action_cancel()
        self._assert_user_error(cm.exception, "done")
        with self.assertRaises(UserError) as cm:
            order.action_done()
        self._assert_user_error(cm.exception, "cannot be completed")
        with self.assertRaises(UserError) as cm:
            order.unlink()
        self._assert_user_error(cm.exception, "cancel it instead")

    def test_account_buttons(self):
        """The account counts its service orders and opens a new one for itself."""
        _premise, _meter, account = self._setup_account("SO-BTN")
        self._service_order("leak_check", account)
        self.assertEqual(account.service_order_count, 1)
        action = account.action_create_service_order()
        self.assertEqual(action["res_model"], "utility.service.order")
        self.assertEqual(action["context"]["default_account_id"], account.id)
        listed = account.action_view_service_orders()
        self.assertEqual(self.Order.search(listed["domain"]), account.service_order_ids)


class ServiceOrderFromExceptionsTests:
    """Tests of ServiceOrderCase's fixtures, run by TestServiceOrders."""

    def test_negative_read_sent_for_reread(self):
        """Requesting a re-read of a negative read creates a re-read order for the
        meter (the meter's to-do stays); its result is a valid read measured from
        the last good read."""
        _premise, meter, account = self._setup_account("SO-NEG", initial_reading=500)
        bad = self._read(meter, "2025-02-05", 400)
        self.assertEqual(bad.exception_code, "negative")
        bad.with_user(self.csr2).action_request_reread()
        order = self.Order.search([("read_id", "=", bad.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.order_type, "reread")
        self.assertEqual(order.meter_id, meter)
        self.assertEqual(order.account_id, account)
        self.assertIn("400", order.description)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "utility.meter"), ("res_id", "=", meter.id)]
        )
        self.assertEqual(len(activity), 1)
        order.write({"result_date": "2025-02-07", "result_reading": 540})
        order.action_done()
        self.assertEqual(order.result_read_id.consumption, 40)
        self.assertEqual(order.result_read_id.state, "valid")

    def test_no_reread_order_when_rule_says_so(self):
        """The negative rule can turn re-read orders off; other exceptions sent for
        a re-read get no order."""
        self.env["utility.read.exception.rule"].search(
            [("exception_code", "=", "negative")]
        ).create_service_order = False
        _premise, meter, _account = self._setup_account("SO-NEG-OFF", initial_reading=5)
        bad = self._read(meter, "2025-02-05", 4)
        bad.with_user(self.csr2).action_request_reread()
        self.assertFalse(self.Order.search([("read_id", "=", bad.id)]))
        _premise, meter2, _account = self._setup_account(
            "SO-ZERO-RR", initial_reading=5
        )
        zero = self._read(meter2, "2025-02-05", 5)
        self.assertEqual(zero.exception_code, "zero")
        zero.with_user(self.csr2).action_request_reread()
        self.assertFalse(self.Order.search([("read_id", "=", zero.id)]))

    def test_accepting_negative_read_creates_no_order(self):
        """Accepting a read that is not high use creates no order."""
        _premise, meter, _account = self._setup_account("SO-NEG-ACC", initial_reading=5)
        bad = self._read(meter, "2025-02-05", 4)
        bad.with_user(self.csr2).action_accept()
        self.assertFalse(self.Order.search([("read_id", "=", bad.id)]))


@tagged("post_install", "-at_install")
class TestServiceOrderBilling(ServiceOrderCase):
    """A change-out in the middle of a billing period, billed by a run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_exception_rules()
        income = cls.env["account.account"].create(
            {"name": "SO Water Sales", "code": "SOT4101", "account_type": "income"}
        )
        cls.product_usage = cls.env["product.product"].create(
            {
                "name": "SO Water Usage",
                "type": "service",
                "property_account_income_id": income.id,
                "taxes_id": [Command.clear()],
            }
        )
        cls.product_trash = cls.env["product.product"].create(
            {
                "name": "SO Trash",
                "type": "service",
                "property_account_income_id": income.id,
                "taxes_id": [Command.clear()],
            }
        )
        rate_vals = {"effective_from": "2025-01-01", "resolution": "SO test"}
        cls.water_rate = cls.env["utility.rate.schedule"].create(
            dict(
                rate_vals,
                name="SO Water",
                code="SO-W",
                service_type_id=cls.water.id,
                component_ids=[
                    Command.create(
                        {
                            "name": "Water usage",
                            "component_type": "tiered",
                            "product_id": cls.product_usage.id,
                            "tier_ids": [
                                Command.create(
                                    {"sequence": 1, "upper_limit": 0, "price": 2.0}
                                )
                            ],
                        }
                    )
                ],
            )
        )
        cls.trash_rate = cls.env["utility.rate.schedule"].create(
            dict(
                rate_vals,
                name="SO Trash",
                code="SO-T",
                service_type_id=cls.trash.id,
                component_ids=[
                    Command.create(
                        {
                            "name": "Trash",
                            "component_type": "fixed_flat",
                            "amount": 20.0,
                            "product_id": cls.product_trash.id,
                        }
                    )
                ],
            )
        )

    def _usage_quantity(self, move):
        lines = move.invoice_line_ids.filtered(
            lambda ln: ln.product_id == self.product_usage
        )
        return sum(lines.mapped("quantity"))

    def test_change_out_billed_without_gap_or_double_count(self):
        """The period's bill counts the old meter's final read (130 -> 140) and the
        new meter's use from its initial read (5 -> 17): 22 HCF, once; the next
        period counts only the new meter's use."""
        _premise, old, account = self._setup_account("SO-BILL-OLD", initial_reading=100)
        for service in account.service_ids:
            service.rate_schedule_id = (
                self.water_rate
                if service.service_type_id == self.water
                else self.trash_rate
            )
        self._read(old, "2025-02-05", 130)
        new = self._create_meter("SO-BILL-NEW")
        self._service_order(
            "meter_change",
            account,
            result_date="2025-02-20",
            result_reading=140,
            new_meter_id=new.id,
            new_meter_reading=5,
        ).action_done()
        self._read(new, "2025-03-05", 17)
        run = self.env["utility.billing.run"].create(
            {
                "cycle_id": self.cycle.id,
                "period_start": "2025-02-06",
                "period_end": "2025-03-05",
                "bill_date": "2025-03-08",
            }
        )
        run.action_compute()
        line = run.line_ids.filtered(lambda ln: ln.account_id == account)
        self.assertEqual(line.state, "computed", line.hold_reason)
        self.assertEqual(self._usage_quantity(line.move_id), 22)
        run.action_post()
        billed = self.Read.search(
            [("account_id", "=", account.id), ("billed_move_id", "=", line.move_id.id)]
        )
        self.assertIn(old, billed.meter_id, "the old meter's final read is billed")
        self.assertEqual(sum(billed.mapped("consumption")), 22)

        self._read(new, "2025-04-05", 27)
        run2 = self.env["utility.billing.run"].create(
            {
                "cycle_id": self.cycle.id,
                "period_start": "2025-03-06",
                "period_end": "2025-04-05",
                "bill_date": "2025-04-08",
            }
        )
        run2.action_compute()
        line2 = run2.line_ids.filtered(lambda ln: ln.account_id == account)
        self.assertEqual(self._usage_quantity(line2.move_id), 10)


class ServiceOrderReportsTests:
    """Tests of ServiceOrderCase's fixtures, run by TestServiceOrders."""

    def _render(self, report_xmlid, records):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            report_xmlid, records.ids
        )
        return html.decode()

    def test_work_order_report(self):
        """The printable work order shows the order, its type, the premise, the
        meter with its last reading and the result boxes."""
        _premise, meter, account = self._setup_account("SO-PDF", initial_reading=321)
        order = self._service_order(
            "meter_test", account, description="Customer disputes the bill."
        )
        html = self._render("utility_billing.action_report_service_order", order)
        self.assertIn(order.name, html)
        self.assertIn("Meter Test", html)
        self.assertIn(account.premise_id.name, html)
        self.assertIn(meter.serial, html)
        self.assertIn("321", html)
        self.assertIn("Customer disputes the bill.", html)
        self.assertIn("Technician Signature", html)

    def test_day_list_by_route_in_walk_order(self):
        """The day list prints the open orders of the day route by route, in walk
        order, leaving out other days and finished orders."""
        route_b = self.env["utility.route"].create(
            {"name": "Second Route", "code": "TR2", "cycle_id": self.cycle.id}
        )
        day = "2025-03-03"
        accounts = {}
        for serial, route, sequence in (
            ("SO-DL-A30", self.route, 30),
            ("SO-DL-A10", self.route, 10),
            ("SO-DL-B20", route_b, 20),
        ):
            premise, _meter, account = self._setup_account(serial)
            premise.write({"route_id": route.id, "sequence": sequence})
            accounts[serial] = account
        orders = {
            serial: self._service_order("leak_check", account, scheduled_date=day)
            for serial, account in accounts.items()
        }
        self._service_order(
            "leak_check", accounts["SO-DL-A10"], scheduled_date="2025-03-04"
        )
        cancelled = self._service_order(
            "disconnect", accounts["SO-DL-B20"], scheduled_date=day
        )
        cancelled.action_cancel()
        wizard = (
            self.env["utility.service.order.day.list"]
            .with_user(self.csr1)
            .create({"date": day})
        )
        found = wizard._get_orders()
        self.assertEqual(
            found.mapped("name"),
            [orders[s].name for s in ("SO-DL-A10", "SO-DL-A30", "SO-DL-B20")],
        )
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "utility_billing.report_service_order_day_list"
        )
        self.assertEqual(action["context"]["active_ids"], found.ids)
        html = self._render(
            "utility_billing.action_report_service_order_day_list", found
        )
        positions = [html.index(orders[s].name) for s in ("SO-DL-A10", "SO-DL-A30")]
        self.assertLess(positions[0], positions[1], "walk order within the route")
        self.assertLess(html.index("[TR1]"), html.index("[TR2]"), "routes in order")
        self.assertLess(positions[1], html.index("[TR2]"))
        self.assertNotIn(cancelled.name, html)
        only_b = self.env["utility.service.order.day.list"].create(
            {"date": day, "route_ids": [Command.set(route_b.ids)]}
        )
        self.assertEqual(only_b._get_orders(), orders["SO-DL-B20"])
        nothing = self.env["utility.service.order.day.list"].create(
            {"date": "2025-03-10"}
        )
        with self.assertRaises(UserError) as cm:
            nothing.action_print()
        self.assertIn("No open service order", str(cm.exception))


class ServiceOrderSecurityTests:
    """Tests of ServiceOrderCase's fixtures, run by TestServiceOrders."""

    def test_csr1_works_orders_but_does_not_delete(self):
        """A CSR I (and field staff with that role) creates, schedules and completes
        orders; only a manager deletes them."""
        _premise, _meter, account = self._setup_account("SO-SEC", initial_reading=0)
        order = (
            self.Order.with_user(self.csr1)
            .create({"order_type": "reread", "account_id": account.id})
            .with_user(self.csr1)
        )
        order.write({"scheduled_date": "2025-02-05", "user_id": self.csr1.id})
        order.action_schedule()
        order.write({"result_date": "2025-02-05", "result_reading": 12})
        order.action_done()
        self.assertEqual(order.result_read_id.consumption, 12)
        other = self.Order.with_user(self.csr1).create(
            {"order_type": "leak_check", "account_id": account.id}
        )
        with self.assertRaises(AccessError):
            other.unlink()
        other.with_user(self.manager).unlink()
        self.assertFalse(other.exists())

    def test_other_company_orders_invisible(self):
        """A user of another company sees none of this company's orders."""
        _premise, _meter, account = self._setup_account("SO-MC")
        order = self._service_order("leak_check", account)
        company_b = self.setup_other_company(name="SO Other District")["company"]
        user_b = new_test_user(
            self.env,
            login="so_manager_b",
            groups="base.group_user,utility_billing.group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(
            self.Order.with_user(user_b).search([("id", "=", order.id)]),
        )
        with self.assertRaises(AccessError):
            order.with_user(user_b).read(["name"])


@tagged("post_install", "-at_install")
class TestServiceOrders(
    ServiceOrderTests,
    ServiceOrderFromExceptionsTests,
    ServiceOrderReportsTests,
    ServiceOrderSecurityTests,
    ServiceOrderCase,
):
    """The tests of the fixtures of ServiceOrderCase, in one class: one set-up of
    the accounting test base for them all."""
