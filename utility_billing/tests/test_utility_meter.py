# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import UtilityBillingCommon


@tagged("post_install", "-at_install")
class TestUtilityMeter(UtilityBillingCommon):
    """Meter inventory: receive, install, remove, test, retire, and the history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Indio Water District")["company"]
        cls.water_b = cls.env["utility.service.type"].create(
            {
                "name": "Water",
                "code": "WATER",
                "metered": True,
                "uom_id": cls.hcf.id,
                "company_id": cls.company_b.id,
            }
        )

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """unittest's check of the message, inside Odoo's savepoint: what the
        failed call wrote is rolled back, as it is for the user."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)

    def _receive(self, env=None, **vals):
        env = env or self.env
        values = {"service_type_id": self.water.id, "size": "5/8", "make": "Neptune"}
        values.update(vals)
        wizard = env["utility.meter.receive"].create(values)
        action = wizard.action_receive()
        return env["utility.meter"].search(action["domain"])

    def _install(self, meter, premise, date="2025-01-05", reading=0.0, user=None):
        env = self.env(user=user) if user else self.env
        wizard = env["utility.meter.install"].create(
            {
                "meter_id": meter.id,
                "premise_id": premise.id,
                "date": date,
                "reading": reading,
            }
        )
        wizard.action_install()

    def _remove(self, meter, date, reading, user=None):
        env = self.env(user=user) if user else self.env
        wizard = env["utility.meter.remove"].create(
            {"meter_id": meter.id, "date": date, "reading": reading}
        )
        wizard.action_remove()

    # ------------------------------------------------------------
    # Receiving into stock
    # ------------------------------------------------------------

    def test_receive_single_meter(self):
        """One serial received: a meter in stock with the wizard's register
        data and a 'received' event."""
        meters = self._receive(
            mode="single",
            serial="  NP-4410  ",
            dials=5,
            multiplier=10.0,
            uom_id=self.gallon.id,
            model="T-10",
        )
        self.assertEqual(len(meters), 1)
        self.assertRecordValues(
            meters,
            [
                {
                    "serial": "NP-4410",
                    "state": "in_stock",
                    "size": "5/8",
                    "make": "Neptune",
                    "model": "T-10",
                    "dials": 5,
                    "multiplier": 10.0,
                    "uom_id": self.gallon.id,
                    "premise_id": False,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(meters.event_ids.mapped("event_type"), ["received"])

    def test_receive_single_needs_serial(self):
        """Receiving one meter without a serial number is refused."""
        with self.assertRaisesRegex(UserError, "Enter the serial number"):
            self._receive(mode="single", serial="   ")

    def test_receive_range_zero_padded(self):
        """A range creates one meter per number, prefixed and zero-padded."""
        meters = self._receive(
            mode="range", prefix="NP-", range_start=101, range_end=105, padding=6
        )
        self.assertEqual(
            sorted(meters.mapped("serial")),
            ["NP-000101", "NP-000102", "NP-000103", "NP-000104", "NP-000105"],
        )
        self.assertEqual(set(meters.mapped("state")), {"in_stock"})
        self.assertEqual(len(meters.event_ids), 5)

    def test_receive_range_number_longer_than_padding(self):
        """Padding only pads: a number longer than the padding is kept whole."""
        meters = self._receive(
            mode="range", prefix="S", range_start=99999, range_end=100000, padding=5
        )
        self.assertEqual(sorted(meters.mapped("serial")), ["S100000", "S99999"])

    def test_receive_range_refuses_duplicates(self):
        """A range that contains a serial already in stock creates nothing and
        names the duplicate."""
        self._create_meter("NP-000103")
        Meter = self.env["utility.meter"]
        before = Meter.search_count([])
        with self.assertRaisesRegex(
            UserError, "already in the meter inventory: NP-000103"
        ):
            self._receive(
                mode="range", prefix="NP-", range_start=101, range_end=105, padding=6
            )
        self.assertEqual(Meter.search_count([]), before)
        self.assertFalse(Meter.search([("serial", "=", "NP-000101")]))

    def test_receive_single_refuses_duplicate(self):
        """Receiving a serial that is already in the inventory is refused."""
        self._create_meter("NP-7")
        with self.assertRaisesRegex(UserError, "already in the meter inventory: NP-7"):
            self._receive(mode="single", serial="NP-7")

    def test_receive_range_limit(self):
        """At most 10,000 meters are received in one range."""
        with self.assertRaisesRegex(
            UserError, "10001 meters in one range.*at most 10000"
        ):
            self._receive(mode="range", prefix="X", range_start=1, range_end=10001)
        self.assertFalse(self.env["utility.meter"].search([("serial", "=", "X000001")]))

    def test_receive_range_backwards(self):
        """A range that ends below its start is refused."""
        with self.assertRaisesRegex(UserError, "larger or equal number"):
            self._receive(mode="range", prefix="X", range_start=20, range_end=10)

    # ------------------------------------------------------------
    # Uniqueness
    # ------------------------------------------------------------

    def test_serial_unique_per_company(self):
        """Two meters of one company never share a serial number."""
        self._create_meter("DUP-1")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, "utility_meter_serial_company_uniq"),
        ):
            self._create_meter("DUP-1")

    def test_same_serial_in_other_company(self):
        """Another company may own a meter with the same serial number, and
        receiving it there is not refused as a duplicate."""
        meter_a = self._create_meter("SHARED-1")
        meter_b = self._receive(
            env=self.env(
                context=dict(self.env.context, allowed_company_ids=[self.company_b.id])
            ),
            mode="single",
            serial="SHARED-1",
            service_type_id=self.water_b.id,
        )
        self.assertEqual(meter_b.serial, "SHARED-1")
        self.assertEqual(meter_b.company_id, self.company_b)
        self.assertNotEqual(meter_a, meter_b)

    def test_endpoint_unique(self):
        """An AMR/AMI endpoint id identifies a single meter; meters without an
        endpoint are not in conflict."""
        self._create_meter("EP-1", endpoint_id="AMI-555")
        self._create_meter("EP-2")
        self._create_meter("EP-3")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(
                IntegrityError, "utility_meter_endpoint_company_uniq"
            ),
        ):
            self._create_meter("EP-4", endpoint_id="AMI-555")

    # ------------------------------------------------------------
    # Installing and removing
    # ------------------------------------------------------------

    def test_install_creates_initial_read_and_event(self):
        """Installing a meter puts it at the premise, with an initial read of
        the register and an 'installed' event."""
        premise = self._create_premise("12 Calle Uno")
        meter = self._create_meter("INS-1")
        self._install(meter, premise, date="2025-01-05", reading=321.0)
        self.assertRecordValues(
            meter,
            [{"state": "installed", "premise_id": premise.id}],
        )
        self.assertEqual(str(meter.install_date), "2025-01-05")
        self.assertEqual(premise.meter_ids, meter)
        self.assertEqual(len(meter.read_ids), 1)
        self.assertRecordValues(
            meter.read_ids,
            [
                {
                    "read_type": "initial",
                    "reading": 321.0,
                    "consumption": 0.0,
                    "state": "valid",
                    "premise_id": premise.id,
                    "account_id": False,
                }
            ],
        )
        self.assertEqual(meter.last_read_id, meter.read_ids)
        event = meter.event_ids.filtered(lambda e: e.event_type == "installed")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.premise_id, premise)
        self.assertEqual(event.reading, 321.0)

    def test_install_attaches_to_service_without_meter(self):
        """A meter installed at a premise whose active account has the service
        without a meter is attached to that service; its initial read belongs
        to the account."""
        premise, old_meter, account = self._setup_account("SWAP-1")
        self._read(old_meter, "2025-02-05", 30)
        self._remove(old_meter, "2025-03-01", 41)
        water = account.service_ids.filtered(lambda s: s.service_type_id == self.water)
        self.assertFalse(water.meter_id)
        new_meter = self._create_meter("SWAP-2")
        self._install(new_meter, premise, date="2025-03-01", reading=2.0)
        self.assertEqual(water.meter_id, new_meter)
        self.assertEqual(account.meter_ids, new_meter)
        self.assertEqual(new_meter.read_ids.account_id, account)
        self.assertEqual(new_meter.read_ids.read_type, "initial")

    def test_install_does_not_take_a_metered_service(self):
        """A service that already has a meter keeps it when a second meter is
        installed at the premise."""
        premise, meter, account = self._setup_account("KEEP-1")
        second = self._create_meter("KEEP-2")
        self._install(second, premise, date="2025-02-01", reading=0)
        self.assertEqual(account.meter_ids, meter)
        self.assertFalse(second.read_ids.account_id)
        self.assertEqual(premise.meter_ids, meter | second)

    def test_install_only_from_stock(self):
        """An installed or retired meter cannot be installed again."""
        premise = self._create_premise("14 Calle Uno")
        other = self._create_premise("16 Calle Uno")
        meter = self._create_meter("INS-2")
        self._install(meter, premise)
        with self.assertRaisesRegex(
            UserError, "only a meter in stock can be installed"
        ):
            self._install(meter, other)
        self.assertEqual(meter.premise_id, premise)
        retired = self._create_meter("INS-3")
        retired.action_retire()
        with self.assertRaisesRegex(UserError, "INS-3 is Retired"):
            self._install(retired, other)

    def test_install_reading_must_fit_register(self):
        """The initial reading must fit the register's dials."""
        premise = self._create_premise("18 Calle Uno")
        meter = self._create_meter("INS-4", dials=4)
        with self.assertRaisesRegex(ValidationError, "does not fit a 4-dial register"):
            self._install(meter, premise, reading=10000)
        self.assertEqual(meter.state, "in_stock")
        self.assertFalse(meter.read_ids)

    def test_remove_with_final_read(self):
        """Removing a meter records a final read billed to the account, frees
        the premise and the service, and keeps a 'removed' event."""
        premise, meter, account = self._setup_account("REM-1")
        self._read(meter, "2025-02-05", 12)
        self._remove(meter, "2025-02-20", 15)
        final = meter.read_ids.filtered(lambda r: r.read_type == "final")
        self.assertRecordValues(
            final,
            [
                {
                    "reading": 15.0,
                    "previous_reading": 12.0,
                    "consumption": 3.0,
                    "days": 15,
                    "account_id": account.id,
                    "source": "service_order",
                }
            ],
        )
        self.assertRecordValues(meter, [{"state": "removed", "premise_id": False}])
        self.assertFalse(premise.meter_ids)
        self.assertFalse(account.meter_ids)
        event = meter.event_ids.filtered(lambda e: e.event_type == "removed")
        self.assertEqual(event.premise_id, premise)
        self.assertEqual(event.reading, 15.0)

    def test_remove_only_installed(self):
        """Only an installed meter can be removed."""
        meter = self._create_meter("REM-2")
        with self.assertRaisesRegex(UserError, "REM-2 is not installed"):
            self._remove(meter, "2025-02-20", 0)
        self.assertFalse(meter.read_ids)

    # ------------------------------------------------------------
    # Tests, retirement, return to stock
    # ------------------------------------------------------------

    def test_record_test_result(self):
        """A meter test is kept as an event with its result and accuracies, and
        noted in the meter's chatter."""
        premise, meter, _account = self._setup_account("TST-1")
        wizard = self.env["utility.meter.test"].create(
            {
                "meter_id": meter.id,
                "date": "2025-03-10",
                "result": "fail",
                "accuracy_low": 91.5,
                "accuracy_mid": 97.25,
                "accuracy_high": 99.0,
                "note": "Under-registers at low flow",
            }
        )
        wizard.action_record()
        event = meter.event_ids.filtered(lambda e: e.event_type == "tested")
        self.assertRecordValues(
            event,
            [
                {
                    "test_result": "fail",
                    "test_accuracy_low": 91.5,
                    "test_accuracy_mid": 97.25,
                    "test_accuracy_high": 99.0,
                    "premise_id": premise.id,
                    "note": "Under-registers at low flow",
                }
            ],
        )
        self.assertIn("Meter test on 2025-03-10: Fail.", meter.message_ids[0].body)

    def test_record_test_refused_on_retired_meter(self):
        """A retired meter cannot be tested any more."""
        meter = self._create_meter("TST-2")
        meter.action_retire()
        wizard = self.env["utility.meter.test"].create(
            {"meter_id": meter.id, "date": "2025-03-10", "result": "pass"}
        )
        with self.assertRaisesRegex(UserError, "TST-2 is retired"):
            wizard.action_record()
        self.assertFalse(meter.event_ids.filtered(lambda e: e.event_type == "tested"))

    def test_retire_refused_while_installed(self):
        """An installed meter must be removed with a final read before it is
        retired."""
        _premise, meter, _account = self._setup_account("RET-1")
        with self.assertRaisesRegex(UserError, "RET-1 is installed: remove it"):
            meter.action_retire()
        self.assertEqual(meter.state, "installed")

    def test_retire_from_stock_and_after_removal(self):
        """Meters in stock or removed can be retired, once, with an event."""
        in_stock = self._create_meter("RET-2")
        _premise, removed, _account = self._setup_account("RET-3")
        self._remove(removed, "2025-02-01", 5)
        (in_stock | removed).action_retire()
        self.assertEqual(set((in_stock | removed).mapped("state")), {"retired"})
        in_stock.action_retire()
        retired_events = in_stock.event_ids.filtered(
            lambda e: e.event_type == "retired"
        )
        self.assertEqual(len(retired_events), 1)

    def test_return_to_stock_and_reinstall(self):
        """A removed meter goes back to stock and can be installed elsewhere,
        starting with a new initial read."""
        _premise, meter, _account = self._setup_account("BTS-1")
        self._read(meter, "2025-02-05", 12)
        self._remove(meter, "2025-02-20", 15)
        meter.action_return_to_stock()
        self.assertEqual(meter.state, "in_stock")
        self.assertEqual(
            meter.event_ids.filtered(lambda e: e.event_type == "returned").mapped(
                "user_id"
            ),
            self.env.user,
        )
        other = self._create_premise("22 Calle Dos")
        self._install(meter, other, date="2025-03-01", reading=15)
        self.assertRecordValues(meter, [{"state": "installed", "premise_id": other.id}])
        initial = meter.read_ids.filtered(
            lambda r: r.read_type == "initial" and r.premise_id == other
        )
        self.assertEqual(initial.consumption, 0.0)

    def test_return_to_stock_only_removed(self):
        """Only removed meters go back to stock (not installed, in-stock or
        retired ones)."""
        _premise, installed, _account = self._setup_account("BTS-2")
        in_stock = self._create_meter("BTS-3")
        retired = self._create_meter("BTS-4")
        retired.action_retire()
        for meter in (installed, in_stock, retired):
            with self.assertRaisesRegex(UserError, "Only a removed meter can go back"):
                meter.action_return_to_stock()
        self.assertEqual(installed.state, "installed")
        self.assertEqual(retired.state, "retired")

    def test_unlink_only_unused_meter(self):
        """A meter received by mistake can be deleted; one that was installed
        or read cannot, it is retired instead."""
        mistake = self._create_meter("DEL-1")
        mistake.unlink()
        self.assertFalse(mistake.exists())
        _premise, meter, _account = self._setup_account("DEL-2")
        with self.assertRaisesRegex(UserError, "retire it instead of deleting it"):
            meter.unlink()
        self.assertTrue(meter.exists())

    # ------------------------------------------------------------
    # History
    # ------------------------------------------------------------

    def test_events_record_user_and_time(self):
        """Every step of a meter's life is an event with the user who did it and
        when."""
        premise = self._create_premise("30 Calle Tres")
        csr_env = self.env(user=self.csr1)
        meter = self._receive(env=csr_env, mode="single", serial="EVT-1")
        self._install(meter, premise, date="2025-01-05", reading=0, user=self.csr1)
        csr_env["utility.meter.test"].create(
            {"meter_id": meter.id, "date": "2025-01-20", "result": "pass"}
        ).action_record()
        self._remove(meter, "2025-02-05", 9, user=self.csr1)
        meter.with_user(self.csr1).action_retire()
        events = meter.event_ids
        self.assertEqual(
            sorted(events.mapped("event_type")),
            ["installed", "received", "removed", "retired", "tested"],
        )
        self.assertEqual(events.user_id, self.csr1)
        self.assertTrue(all(events.mapped("create_date")))
        self.assertEqual(
            events.filtered(lambda e: e.event_type == "removed").date.isoformat(),
            "2025-02-05",
        )

    def test_events_cannot_be_changed_or_deleted(self):
        """Meter events are a permanent record: no edit, no delete, whoever
        asks."""
        meter = self._create_meter("EVT-2")
        event = meter.event_ids
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            event.write({"note": "tampered"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            event.unlink()
        with self.assertRaises(AccessError):
            event.with_user(self.manager).unlink()
        self.assertTrue(event.exists())
        self.assertFalse(event.note)

    # ------------------------------------------------------------
    # Register
    # ------------------------------------------------------------

    def test_dials_and_multiplier_validation(self):
        """Dials are 1 to 12 and the multiplier is positive, at creation and
        later."""
        with self.assertRaisesRegex(ValidationError, "dials must be between 1 and 12"):
            self._create_meter("REG-1", dials=0)
        with self.assertRaisesRegex(ValidationError, "dials must be between 1 and 12"):
            self._create_meter("REG-2", dials=13)
        with self.assertRaisesRegex(ValidationError, "multiplier must be positive"):
            self._create_meter("REG-3", multiplier=0.0)
        with self.assertRaisesRegex(ValidationError, "multiplier must be positive"):
            self._create_meter("REG-4", multiplier=-10.0)
        meter = self._create_meter("REG-5", dials=12, multiplier=0.01)
        with self.assertRaisesRegex(ValidationError, "dials must be between 1 and 12"):
            meter.dials = 13
        self.assertEqual(meter.dials, 12)

    def test_to_billing_units_from_gallons(self):
        """748.05 US gallons are 1 HCF (100 cubic feet)."""
        meter = self._create_meter("UOM-1", uom=self.gallon)
        self.assertAlmostEqual(meter._to_billing_units(748.05), 1.0, places=3)
        self.assertAlmostEqual(meter._to_billing_units(7480.5), 10.0, places=3)
        self.assertEqual(meter._to_billing_units(0.0), 0.0)

    def test_to_billing_units_from_kgal_and_cubic_feet(self):
        """Thousand gallons and cubic feet convert to HCF; an HCF register is
        not converted."""
        kgal = self._create_meter("UOM-2", uom=self.kgal)
        self.assertAlmostEqual(kgal._to_billing_units(1.0), 1000 / 748.05, places=3)
        cubic = self._create_meter("UOM-3", uom=self.cubic_foot)
        self.assertAlmostEqual(cubic._to_billing_units(100.0), 1.0, places=3)
        self.assertAlmostEqual(cubic._to_billing_units(250.0), 2.5, places=3)
        hcf = self._create_meter("UOM-4")
        self.assertEqual(hcf._to_billing_units(12.345), 12.345)

    def test_read_consumption_in_billing_units(self):
        """A gallon register with a multiplier is billed in HCF: register
        difference times multiplier, then converted."""
        _premise, meter, _account = self._setup_account(
            "UOM-5", uom=self.gallon, multiplier=10.0
        )
        read = self._read(meter, "2025-02-05", 1496.1)
        self.assertAlmostEqual(read.raw_consumption, 14961.0, places=3)
        self.assertAlmostEqual(read.consumption, 20.0, places=2)
