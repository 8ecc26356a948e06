# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import freeze_time

from .common import UtilityBillingCommon


class MeterReadCase(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Read = cls.env["utility.meter.read"]
        cls._standard_exception_rules()

    @classmethod
    def _history(cls, meter, *reads):
        """Create reads ``(date, reading)`` of ``meter`` one after the other."""
        return cls.Read.concat(
            *(cls._read(meter, day, reading) for day, reading in reads)
        )

    @contextmanager
    def _assert_raises(self, exception, regex):
        """assertRaisesRegex inside a savepoint (Odoo only wraps assertRaises), so
        that a refused operation leaves nothing behind, as in a real request."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)

    def _initial(self, meter):
        return self.Read.search(
            [("meter_id", "=", meter.id), ("read_type", "=", "initial")]
        )


class MeterReadConsumptionTests:
    """Tests of MeterReadCase's fixtures, run by TestMeterReads."""

    def test_consumption_from_previous_read(self):
        """Consumption is the register difference from the previous read of the meter,
        and the days are counted between the two read dates."""
        _premise, meter, account = self._setup_account("MR-C1", initial_reading=100)
        feb = self._read(meter, "2025-02-05", 112)
        mar = self._read(meter, "2025-03-05", 130)
        self.assertEqual(feb.previous_read_id, self._initial(meter))
        self.assertEqual(feb.previous_reading, 100)
        self.assertEqual(feb.consumption, 12)
        self.assertEqual(feb.days, 31)
        self.assertEqual(feb.account_id, account, "the read is attached to the account")
        self.assertEqual(mar.previous_read_id, feb)
        self.assertEqual(mar.consumption, 18)
        self.assertEqual(mar.days, 28)
        self.assertAlmostEqual(mar.average_daily, 18 / 28, places=3)
        self.assertEqual((feb | mar).mapped("state"), ["valid", "valid"])
        self.assertFalse(feb.rollover or mar.rollover)

    def test_multiplier(self):
        """The register difference is multiplied by the meter multiplier (x10)."""
        _premise, meter, _account = self._setup_account(
            "MR-X10", initial_reading=50, multiplier=10
        )
        read = self._read(meter, "2025-02-05", 62)
        self.assertEqual(read.raw_consumption, 120)
        self.assertEqual(read.consumption, 120)

    def test_gallons_meter_billed_in_hcf(self):
        """A meter registering gallons is billed in the water service's unit, HCF
        (748 gallons to the HCF)."""
        self.assertEqual(self.water.uom_id, self.hcf)
        _premise, meter, _account = self._setup_account(
            "MR-GAL", initial_reading=1000, uom=self.gallon
        )
        read = self._read(meter, "2025-02-05", 8480)
        self.assertEqual(read.raw_consumption, 7480, "register units, gallons")
        self.assertAlmostEqual(read.consumption, 10.0, delta=0.005)

    def test_rollover_four_dials(self):
        """A 4-dial register wraps at 10,000: 9950 then 0030 is 80 used."""
        _premise, meter, _account = self._setup_account(
            "MR-R4", initial_reading=9950, dials=4
        )
        read = self._read(meter, "2025-02-05", 30)
        self.assertTrue(read.rollover)
        self.assertEqual(read.consumption, 80)
        self.assertEqual(read.state, "valid")
        self.assertFalse(read.exception_code)

    def test_rollover_with_multiplier(self):
        """Rollover and multiplier combine: 9950 -> 0030 on a x10 meter is 800."""
        _premise, meter, _account = self._setup_account(
            "MR-R4X", initial_reading=9950, dials=4, multiplier=10
        )
        read = self._read(meter, "2025-02-05", 30)
        self.assertTrue(read.rollover)
        self.assertEqual(read.consumption, 800)

    def test_implausible_lower_reading_is_negative(self):
        """A lower reading that would need more than half the register to wrap is not
        a rollover: it is flagged 'negative' and waits for review."""
        _premise, meter, _account = self._setup_account("MR-NEG", initial_reading=500)
        read = self._read(meter, "2025-02-05", 400)
        self.assertFalse(read.rollover)
        self.assertEqual(read.consumption, -100)
        self.assertEqual(read.exception_code, "negative")
        self.assertEqual(read.state, "to_review")
        self.assertIn("400", read.exception_note)

    def test_rollover_limit_half_register(self):
        """The rollover limit is half the register: on 4 dials, 9000 -> 4000 (wrap of
        5000) is a rollover, 9000 -> 4001 (wrap of 5001) is negative."""
        _p, meter_a, _a = self._setup_account(
            "MR-HALF-A", initial_reading=9000, dials=4
        )
        _p, meter_b, _a = self._setup_account(
            "MR-HALF-B", initial_reading=9000, dials=4
        )
        wrap = self._read(meter_a, "2025-02-05", 4000)
        negative = self._read(meter_b, "2025-02-05", 4001)
        self.assertTrue(wrap.rollover)
        self.assertEqual(wrap.consumption, 5000)
        self.assertFalse(negative.rollover)
        self.assertEqual(negative.consumption, -4999)
        self.assertEqual(negative.exception_code, "negative")

    def test_initial_read_has_no_consumption(self):
        """An initial read starts the register: no consumption, no previous read, even
        when the meter had reads before (reinstalled with a new register value)."""
        _premise, meter, _account = self._setup_account("MR-INIT", initial_reading=250)
        initial = self._initial(meter)
        self.assertEqual(initial.read_type, "initial")
        self.assertEqual(initial.consumption, 0)
        self.assertFalse(initial.previous_read_id)
        self.assertEqual(initial.days, 0)
        self._read(meter, "2025-02-05", 260)
        again = self._read(meter, "2025-03-05", 5, read_type="initial")
        self.assertEqual(again.consumption, 0)
        self.assertFalse(
            again.exception_code, "a lower initial reading is no exception"
        )
        self.assertEqual(again.state, "valid")
        after = self._read(meter, "2025-04-05", 15)
        self.assertEqual(after.previous_read_id, again)
        self.assertEqual(after.consumption, 10)

    def test_read_types(self):
        """Every read type is known; customer and final reads measure consumption like
        actual reads."""
        self.assertEqual(
            [key for key, _label in self.Read._fields["read_type"].selection],
            ["actual", "estimated", "customer", "initial", "final", "corrected"],
        )
        _premise, meter, _account = self._setup_account("MR-TYPES", initial_reading=10)
        customer = self._read(meter, "2025-02-05", 20, read_type="customer")
        final = self._read(meter, "2025-03-05", 28, read_type="final")
        self.assertEqual(customer.consumption, 10)
        self.assertEqual(final.previous_read_id, customer)
        self.assertEqual(final.consumption, 8)
        self.assertEqual(self._read(meter, "2025-03-06", 29).read_type, "actual")

    def test_batch_reads_of_one_meter_are_chained(self):
        """Reads of one meter created in one batch (any order) are each measured from
        the one before them; the records come back in the order given."""
        _p, meter_a, _a = self._setup_account("MR-BATCH-A", initial_reading=100)
        _p, meter_b, _a = self._setup_account("MR-BATCH-B", initial_reading=0)
        reads = self.Read.create(
            [
                {
                    "meter_id": meter_a.id,
                    "read_datetime": "2025-03-05 12:00:00",
                    "reading": 130,
                },
                {
                    "meter_id": meter_b.id,
                    "read_datetime": "2025-02-05 12:00:00",
                    "reading": 7,
                },
                {
                    "meter_id": meter_a.id,
                    "read_datetime": "2025-02-05 12:00:00",
                    "reading": 112,
                },
                {
                    "meter_id": meter_a.id,
                    "read_datetime": "2025-04-05 12:00:00",
                    "reading": 150,
                },
            ]
        )
        mar, b_feb, feb, apr = reads
        self.assertEqual(reads.mapped("reading"), [130, 7, 112, 150])
        self.assertEqual(feb.previous_read_id, self._initial(meter_a))
        self.assertEqual(feb.consumption, 12)
        self.assertEqual(mar.previous_read_id, feb)
        self.assertEqual(mar.consumption, 18)
        self.assertEqual(apr.previous_read_id, mar)
        self.assertEqual(apr.consumption, 20)
        self.assertEqual(b_feb.previous_read_id, self._initial(meter_b))
        self.assertEqual(b_feb.consumption, 7)
        self.assertEqual(set(reads.mapped("state")), {"valid"})

    def test_future_date_refused(self):
        """A read cannot be dated in the future."""
        _premise, meter, _account = self._setup_account("MR-FUT", initial_reading=0)
        with freeze_time("2025-06-15 12:00:00"):
            with self._assert_raises(ValidationError, "in the future"):
                self._read(meter, "2025-06-20", 10)
            today = self._read(meter, "2025-06-15 09:00:00", 10)
        self.assertEqual(today.consumption, 10)

    def test_reading_beyond_dials_refused(self):
        """A reading must fit the register: below 10^dials and not negative."""
        _premise, meter, _account = self._setup_account("MR-DIALS", dials=4)
        with self._assert_raises(ValidationError, "4-dial"):
            self._read(meter, "2025-02-05", 10000)
        with self._assert_raises(ValidationError, "4-dial"):
            self._read(meter, "2025-02-05", -1)
        self.assertEqual(self._read(meter, "2025-02-05", 9999).reading, 9999)


class MeterReadHistoryTests:
    """Tests of MeterReadCase's fixtures, run by TestMeterReads."""

    def test_valid_read_cannot_be_edited(self):
        """A valid read is never edited in place (reading, date, meter, type), but its
        note and state still change."""
        _premise, meter, _account = self._setup_account("MR-LOCK", initial_reading=0)
        _p, other_meter, _a = self._setup_account("MR-LOCK-2")
        read = self._read(meter, "2025-02-05", 12)
        self.assertEqual(read.state, "valid")
        for vals in (
            {"reading": 13},
            {"read_datetime": datetime(2025, 2, 6, 12)},
            {"meter_id": other_meter.id},
            {"read_type": "customer"},
            {"consumption": 1},
        ):
            with self.subTest(vals=vals), self._assert_raises(UserError, "correction"):
                read.with_user(self.manager).write(vals)
        read.with_user(self.csr1).write({"note": "Dog in yard"})
        self.assertEqual(read.note, "Dog in yard")
        read.with_user(self.csr1).action_reject()
        self.assertEqual(read.state, "rejected")
        self.assertEqual(read.reading, 12)

    def test_billed_read_is_frozen(self):
        """A billed read cannot be reset, rejected or corrected: the bill is adjusted
        instead."""
        _premise, meter, _account = self._setup_account("MR-BILLED", initial_reading=0)
        read = self._read(meter, "2025-02-05", 12, state="billed")
        with self._assert_raises(UserError, "billed"):
            read.write({"state": "valid"})
        with self._assert_raises(UserError, "billed"):
            read.action_reject()
        with self._assert_raises(UserError, "billed"):
            read._correct(11)
        with self.assertRaises(UserError):
            read.unlink()
        self.assertEqual(read.state, "billed")

    def test_valid_read_cannot_be_deleted(self):
        """Valid reads cannot be deleted, not even by a manager; a read waiting for
        review can."""
        _premise, meter, _account = self._setup_account("MR-DEL", initial_reading=500)
        valid = self._read(meter, "2025-02-05", 510)
        with self._assert_raises(UserError, "cannot be deleted"):
            valid.with_user(self.manager).unlink()
        self.assertTrue(valid.exists())
        flagged = self._read(meter, "2025-03-05", 400)
        self.assertEqual(flagged.state, "to_review")
        flagged.with_user(self.manager).unlink()
        self.assertFalse(flagged.exists())

    def test_correction_is_a_new_read(self):
        """A correction is a new 'corrected' read; the original stays, rejected, and
        the following read is measured from the correction."""
        _premise, meter, _account = self._setup_account("MR-CORR", initial_reading=100)
        feb = self._read(meter, "2025-02-05", 121)
        mar = self._read(meter, "2025-03-05", 130)
        self.assertEqual(mar.consumption, 9)
        wizard = (
            self.env["utility.read.correct"]
            .with_user(self.csr1)
            .create({"read_id": feb.id, "reading": 112, "note": "Misread digit"})
        )
        action = wizard.action_correct()
        corrected = self.Read.browse(action["res_id"])
        self.assertEqual(corrected.read_type, "corrected")
        self.assertEqual(corrected.correction_of_id, feb)
        self.assertEqual(corrected.reading, 112)
        self.assertEqual(corrected.read_datetime, feb.read_datetime)
        self.assertEqual(corrected.consumption, 12)
        self.assertEqual(corrected.note, "Misread digit")
        self.assertEqual(corrected.state, "valid")
        # History kept: the original is still there with its reading, rejected.
        self.assertEqual(feb.state, "rejected")
        self.assertEqual(feb.reading, 121)
        self.assertEqual(feb.corrected_by_ids, corrected)
        self.assertEqual(
            self.Read.search_count([("meter_id", "=", meter.id)]),
            4,
            "initial, feb x2, mar",
        )
        mar.invalidate_recordset()
        self.assertEqual(mar.previous_read_id, corrected)
        self.assertEqual(mar.consumption, 18)

    def test_correction_needs_reason_and_live_read(self):
        """A correction needs a reason; a rejected read cannot be corrected again."""
        _premise, meter, _account = self._setup_account("MR-CORR2", initial_reading=0)
        read = self._read(meter, "2025-02-05", 12)
        wizard = self.env["utility.read.correct"].create(
            {"read_id": read.id, "reading": 11, "note": "   "}
        )
        with self._assert_raises(UserError, "reason"):
            wizard.action_correct()
        self.assertEqual(read.state, "valid")
        read._correct(11, note="Typo")
        with self._assert_raises(UserError, "already rejected"):
            read._correct(10)
        self.assertEqual(
            self.Read.search_count([("correction_of_id", "=", read.id)]), 1
        )

    def test_correction_above_next_read_flags_it(self):
        """When a correction puts the register above the next reading, the next read
        becomes negative: it goes back to review as 'negative', never billed as a
        silent credit."""
        _premise, meter, _account = self._setup_account("MR-CORR3", initial_reading=100)
        feb = self._read(meter, "2025-02-05", 112)
        mar = self._read(meter, "2025-03-05", 130)
        feb._correct(140, note="Was 140, keyed 112")
        self.assertEqual(mar.consumption, -10)
        self.assertEqual(mar.exception_code, "negative")
        self.assertEqual(mar.state, "to_review")

    def test_reject_recomputes_next_read(self):
        """Rejecting a read makes the next read measure from the read before it."""
        _premise, meter, _account = self._setup_account("MR-REJ", initial_reading=100)
        feb = self._read(meter, "2025-02-05", 112)
        mar = self._read(meter, "2025-03-05", 130)
        feb.action_reject()
        self.assertEqual(mar.previous_read_id, self._initial(meter))
        self.assertEqual(mar.previous_reading, 100)
        self.assertEqual(mar.consumption, 30)
        self.assertEqual(mar.days, 59)

    def test_back_dated_read_recomputes_following(self):
        """A read entered with an earlier date than the last one slots in between: the
        following read is measured from it."""
        _premise, meter, _account = self._setup_account("MR-BACK", initial_reading=100)
        mar = self._read(meter, "2025-03-05", 130)
        self.assertEqual(mar.consumption, 30)
        feb = self._read(meter, "2025-02-05", 112)
        self.assertEqual(feb.previous_read_id, self._initial(meter))
        self.assertEqual(feb.consumption, 12)
        self.assertEqual(mar.previous_read_id, feb)
        self.assertEqual(mar.consumption, 18)
        self.assertEqual(mar.days, 28)


@tagged("post_install", "-at_install")
class TestReadExceptionRules(MeterReadCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_exception_rules()

    def _steady_history(self, serial, customer_class="residential", **kw):
        """A meter using 1 HCF a day for three months (no rules active yet)."""
        _premise, meter, account = self._setup_account(
            serial, customer_class=customer_class, **kw
        )
        self._history(meter, ("2025-02-04", 30), ("2025-03-06", 60), ("2025-04-05", 90))
        return meter, account

    def test_high_use_by_average(self):
        """High use: daily use above the average of the last N reads by more than the
        threshold is flagged; at the threshold it is not."""
        self._exception_rule(
            "high", basis="average", history_count=3, threshold_percent=100
        )
        meter_ok, _a = self._steady_history("EX-HI-1")
        meter_hi, _a = self._steady_history("EX-HI-2")
        at_threshold = self._read(meter_ok, "2025-05-05", 150)  # 2.0 a day
        above = self._read(meter_hi, "2025-05-05", 153)  # 2.1 a day
        self.assertEqual(at_threshold.state, "valid")
        self.assertFalse(at_threshold.exception_code)
        self.assertEqual(above.exception_code, "high")
        self.assertEqual(above.state, "to_review")

    def test_high_use_history_count(self):
        """The average is taken over the rule's number of reads only: an old heavy
        month counts with 3 reads in the average, not with 2."""
        meters = []
        for serial in ("EX-HC-3", "EX-HC-2"):
            _premise, meter, _account = self._setup_account(serial)
            # 10 a day, then 1 a day twice.
            self._history(
                meter, ("2025-02-04", 300), ("2025-03-06", 330), ("2025-04-05", 360)
            )
            meters.append(meter)
        rule = self._exception_rule("high", history_count=3, threshold_percent=50)
        # 2 a day: over 3 reads the reference is 360/90 = 4 a day, over 2 it is 1.
        three = self._read(meters[0], "2025-05-05", 420)
        rule.history_count = 2
        two = self._read(meters[1], "2025-05-05", 420)
        self.assertEqual(three.state, "valid")
        self.assertEqual(two.exception_code, "high")

    def test_high_use_min_consumption(self):
        """High-use checks ignore reads below the rule's minimum consumption."""
        self._exception_rule("high", threshold_percent=100, min_consumption=100)
        meter, _a = self._steady_history("EX-HI-MIN")
        read = self._read(meter, "2025-05-05", 180)  # 3 a day, but only 90
        self.assertEqual(read.state, "valid")

    def test_high_use_same_period_last_year(self):
        """With the 'same period last year' basis, a summer peak like last summer's is
        not flagged (though far above the recent average), but use well above last
        year's same period is."""
        rows = [
            ("2024-06-04", 150),  # 5 a day in June 2024 (30 days)
            ("2024-07-04", 450),  # 10 a day in July 2024
            ("2025-05-05", 755),  # 1 a day since
            ("2025-06-04", 785),  # 1 a day in June 2025
        ]
        _p, meter_peak, _a = self._setup_account("EX-LY-1", install_date="2024-05-05")
        _p, meter_up, _a = self._setup_account("EX-LY-2", install_date="2024-05-05")
        self._history(meter_peak, *rows)
        self._history(meter_up, *rows[:2], ("2025-05-05", 755))
        self._exception_rule("high", basis="last_year", threshold_percent=50)
        peak = self._read(meter_peak, "2025-07-04", 1085)  # 10 a day, as in July 2024
        up = self._read(meter_up, "2025-06-04", 1055)  # 10 a day, June 2024 was 5
        self.assertEqual(peak.state, "valid")
        self.assertEqual(up.exception_code, "high")
        self.assertIn("above the reference 5.000", up.exception_note)

    def test_low_use(self):
        """Low use: daily use more than the threshold below the average is flagged."""
        self._exception_rule("low", history_count=3, threshold_percent=75)
        meter_low, _a = self._steady_history("EX-LO-1")
        meter_ok, _a = self._steady_history("EX-LO-2")
        low = self._read(meter_low, "2025-05-05", 96)  # 0.2 a day
        ok = self._read(meter_ok, "2025-05-05", 99)  # 0.3 a day
        self.assertEqual(low.exception_code, "low")
        self.assertEqual(low.state, "to_review")
        self.assertEqual(ok.state, "valid")

    def test_zero_use_on_active_account(self):
        """No use on an active account is flagged 'zero'; without the rule it is not."""
        meter, _account = self._steady_history("EX-ZERO")
        _p, meter_no_rule, _a = self._setup_account("EX-ZERO-2", initial_reading=7)
        unflagged = self._read(meter_no_rule, "2025-02-05", 7)
        self._exception_rule("zero")
        zero = self._read(meter, "2025-05-05", 90)
        self.assertEqual(unflagged.state, "valid")
        self.assertEqual(zero.exception_code, "zero")
        self.assertEqual(zero.state, "to_review")

    def test_use_on_inactive_account(self):
        """Use on a meter with no active account (none, or only a draft one) is flagged
        'inactive'; no use there is not."""
        self._exception_rule("inactive")
        self._exception_rule("zero")
        premise = self._create_premise(street="1 Vacant Lot")
        meter = self._create_meter("EX-INACT")
        meter._install(premise, "2025-01-05", 10)
        used = self._read(meter, "2025-02-05", 15)
        self.assertEqual(used.exception_code, "inactive")
        self.assertEqual(used.state, "to_review")
        still = self._read(meter, "2025-03-05", 15)
        self.assertFalse(still.exception_code, "no use, no account: nothing to flag")
        _p, active_meter, _a = self._setup_account("EX-ACTIVE", initial_reading=10)
        self.assertEqual(self._read(active_meter, "2025-02-05", 15).state, "valid")
        # An account that was never activated does not make the use legitimate.
        premise = self._create_premise(street="3 Draft Lane")
        draft_meter = self._create_meter("EX-DRAFT")
        draft_meter._install(premise, "2025-01-05", 10)
        draft = self.env["utility.account"].create(
            {
                "partner_id": self.partner.id,
                "premise_id": premise.id,
                "start_date": "2025-01-05",
                "service_ids": [
                    Command.create(
                        {"service_type_id": self.water.id, "meter_id": draft_meter.id}
                    )
                ],
            }
        )
        self.assertEqual(draft.state, "draft")
        self.assertEqual(
            self._read(draft_meter, "2025-02-05", 15).exception_code, "inactive"
        )

    def test_too_many_consecutive_estimates(self):
        """An estimate beyond the allowed number of consecutive estimates is flagged;
        an actual read in between starts the count again."""
        self._exception_rule("estimates", max_estimates=2)
        _premise, meter, _account = self._setup_account("EX-EST", initial_reading=0)
        self._read(meter, "2025-02-05", 30)
        first = self._read(meter, "2025-03-05", 60, read_type="estimated")
        second = self._read(meter, "2025-04-05", 90, read_type="estimated")
        third = self._read(meter, "2025-05-05", 120, read_type="estimated")
        self.assertEqual((first | second).mapped("state"), ["valid", "valid"])
        self.assertEqual(third.exception_code, "estimates")
        self.assertIn("3 consecutive estimates", third.exception_note)
        third.action_accept()
        self._read(meter, "2025-06-05", 150)
        again = self._read(meter, "2025-07-05", 180, read_type="estimated")
        self.assertEqual(again.state, "valid")

    def test_most_specific_rule_wins(self):
        """A rule for the service and customer class overrides the general rule, and
        a service rule overrides a class rule."""
        self._exception_rule("high", threshold_percent=100)
        self._exception_rule(
            "high",
            service_type_id=self.water.id,
            customer_class="commercial",
            threshold_percent=400,
        )
        meter_res, _a = self._steady_history("EX-SPEC-R")
        meter_com, _a = self._steady_history("EX-SPEC-C", customer_class="commercial")
        res = self._read(meter_res, "2025-05-05", 180)  # 3 a day
        com = self._read(meter_com, "2025-05-05", 180)
        self.assertEqual(res.exception_code, "high", "general rule: 3 > 2 a day")
        self.assertEqual(com.state, "valid", "commercial water rule: 3 < 5 a day")
        # A sewer rule never applies to a water meter.
        self._exception_rule("high", service_type_id=self.sewer.id, threshold_percent=1)
        meter_res3, _a = self._steady_history("EX-SPEC-R3")
        res3 = self._read(meter_res3, "2025-05-05", 144)  # 1.8 a day
        self.assertEqual(res3.state, "valid", "general rule: 1.8 < 2 a day")
        # A water rule beats a class rule.
        self._exception_rule(
            "high", customer_class="irrigation", threshold_percent=1000
        )
        self._exception_rule(
            "high", service_type_id=self.water.id, threshold_percent=50
        )
        meter_irr, _a = self._steady_history("EX-SPEC-I", customer_class="irrigation")
        meter_res2, _a = self._steady_history("EX-SPEC-R2")
        irr = self._read(meter_irr, "2025-05-05", 144)  # 1.8 a day
        res2 = self._read(meter_res2, "2025-05-05", 144)
        self.assertEqual(
            irr.exception_code, "high", "water rule (50%) beats class rule"
        )
        self.assertEqual(res2.exception_code, "high", "water rule beats general rule")

    def test_review_accept(self):
        """A CSR II accepts a flagged read: it becomes valid, keeps its exception code,
        and the meter's chatter says so; a valid read cannot be accepted."""
        self._exception_rule("negative")
        _premise, meter, _account = self._setup_account("EX-ACC", initial_reading=500)
        read = self._read(meter, "2025-02-05", 400)
        self.assertEqual(read.state, "to_review")
        read.with_user(self.csr2).action_accept()
        self.assertEqual(read.state, "valid")
        self.assertEqual(read.exception_code, "negative")
        self.assertTrue(
            meter.message_ids.filtered(lambda m: "accepted" in (m.body or "")),
            "the acceptance is logged on the meter",
        )
        with self._assert_raises(UserError, "not waiting for review"):
            read.action_accept()

    def test_review_request_reread(self):
        """Asking for a re-read rejects the flagged read and puts a to-do on the meter;
        the next read is measured from the last good read."""
        self._exception_rule("negative")
        _premise, meter, _account = self._setup_account("EX-RR", initial_reading=500)
        bad = self._read(meter, "2025-02-05", 400)
        bad.with_user(self.csr2).action_request_reread()
        self.assertEqual(bad.state, "rejected")
        self.assertTrue(bad.reread_requested)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "utility.meter"), ("res_id", "=", meter.id)]
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Re-read meter EX-RR")
        self.assertEqual(activity.user_id, self.csr2)
        reread = self._read(meter, "2025-02-07", 540)
        self.assertEqual(reread.previous_read_id, self._initial(meter))
        self.assertEqual(reread.consumption, 40)
        self.assertEqual(reread.state, "valid")
        valid = self._read(meter, "2025-03-05", 560)
        with self._assert_raises(UserError, "not waiting for review"):
            valid.action_request_reread()


class ReadEstimationTests:
    """Tests of MeterReadCase's fixtures, run by TestMeterReads."""

    def _estimate(self, when, period_start, basis="average", history_count=3):
        wizard = (
            self.env["utility.read.estimate"]
            .with_user(self.csr2)
            .create(
                {
                    "cycle_id": self.cycle.id,
                    "read_date": when,
                    "period_start": period_start,
                    "basis": basis,
                    "history_count": history_count,
                }
            )
        )
        wizard.action_estimate()
        reads = self.Read.search(
            [("read_type", "=", "estimated"), ("read_date", "=", when[:10])]
        )
        return reads, wizard.result

    def test_estimate_average_basis(self):
        """An estimate is the average daily use of the last N actual reads times the
        days since the last read; it is marked estimated, from the system."""
        _p, meter, _a = self._setup_account("ES-AVG", initial_reading=0)
        self._history(meter, ("2025-02-04", 30), ("2025-03-06", 90))  # 1, then 2 a day
        _p, meter_one, _a = self._setup_account("ES-AVG-1", initial_reading=0)
        self._history(meter_one, ("2025-02-04", 30), ("2025-03-06", 90))
        reads, result = self._estimate("2025-04-05 12:00:00", "2025-03-07")
        est = reads.filtered(lambda r: r.meter_id == meter)
        self.assertEqual(len(est), 1)
        self.assertEqual(est.read_type, "estimated")
        self.assertEqual(est.source, "system")
        self.assertEqual(est.reading, 135, "1.5 a day over 30 days from 90")
        self.assertEqual(est.consumption, 45)
        self.assertEqual(est.state, "valid")
        self.assertIn("2 reads estimated", result)

    def test_estimate_history_count(self):
        """The number of reads in the average is the one asked for."""
        _p, meter, _a = self._setup_account("ES-HC", initial_reading=0)
        self._history(meter, ("2025-02-04", 30), ("2025-03-06", 90))
        reads, _result = self._estimate(
            "2025-04-05 12:00:00", "2025-03-07", history_count=1
        )
        self.assertEqual(reads.reading, 150, "2 a day (last read only) over 30 days")

    def test_estimate_gallons_meter(self):
        """A gallons meter is estimated in HCF; its estimated reading is in gallons."""
        _p, meter, _a = self._setup_account(
            "ES-GAL", initial_reading=0, uom=self.gallon
        )
        self._read(meter, "2025-02-04", 22440)  # 30 HCF in 30 days
        reads, _result = self._estimate("2025-03-06 12:00:00", "2025-02-05")
        self.assertAlmostEqual(reads.reading, 44880, delta=1)
        self.assertAlmostEqual(reads.consumption, 30, delta=0.01)

    def test_estimate_last_year_basis(self):
        """With the 'same period last year' basis the estimate follows last year's
        use in that season, not the recent average."""
        _p, meter, _a = self._setup_account(
            "ES-LY", initial_reading=0, install_date="2024-05-05"
        )
        self._history(
            meter,
            ("2024-06-04", 30),  # 1 a day
            ("2024-07-04", 330),  # 10 a day in July 2024
            ("2025-06-04", 665),  # 1 a day since
        )
        july = self.Read.search(
            [("meter_id", "=", meter.id), ("read_date", "=", "2024-07-04")]
        )
        self.assertEqual(july.exception_code, "high")
        july.action_accept()  # summer watering, accepted at review
        reads, _result = self._estimate(
            "2025-07-04 12:00:00", "2025-06-05", basis="last_year"
        )
        self.assertEqual(reads.reading, 965, "10 a day over 30 days")

    def test_rollover_after_estimate(self):
        """A lower reading after an estimate is a rollover when the register wrap is
        the plausible reading (9960 estimated, 0040 read on 4 dials is 80 used), not
        an over-estimate of 9920 credited back."""
        _p, meter, _a = self._setup_account("ES-WRAP", initial_reading=9000, dials=4)
        self._read(meter, "2025-02-04", 9300)
        estimate = self._read(meter, "2025-03-06", 9960, read_type="estimated")
        actual = self._read(meter, "2025-04-05", 40)
        self.assertEqual(actual.previous_read_id, estimate)
        self.assertTrue(actual.rollover)
        self.assertEqual(actual.consumption, 80)
        _p, meter2, _a = self._setup_account("ES-WRAP2", initial_reading=9000, dials=4)
        self._read(meter2, "2025-02-04", 9300)
        self._read(meter2, "2025-03-06", 9960, read_type="estimated")
        over = self._read(meter2, "2025-04-05", 9900)
        self.assertFalse(over.rollover, "a small step back is an over-estimate")
        self.assertEqual(over.consumption, -60)

    def test_estimate_skips(self):
        """Meters without usage history are skipped with the reason; meters read in
        the period and meters with no active account are not estimated."""
        _p, meter_new, _a = self._setup_account("ES-NEW", initial_reading=0)
        _p, meter_read, _a = self._setup_account("ES-READ", initial_reading=0)
        self._history(meter_read, ("2025-02-04", 30), ("2025-03-20", 70))
        premise = self._create_premise(street="2 Vacant Lot")
        meter_vacant = self._create_meter("ES-VACANT")
        meter_vacant._install(premise, "2025-01-05", 0)
        self._read(meter_vacant, "2025-02-04", 30).action_accept()
        reads, result = self._estimate("2025-04-05 12:00:00", "2025-03-07")
        self.assertFalse(reads)
        self.assertIn("0 reads estimated", result)
        self.assertIn(
            "ES-NEW: not estimated, no usage history to estimate from", result
        )
        self.assertNotIn("ES-READ", result)
        self.assertNotIn("ES-VACANT", result)
        self.assertEqual(self.Read.search_count([("meter_id", "=", meter_new.id)]), 1)

    def test_actual_read_trues_up_estimate(self):
        """The next actual read is measured from the estimate: an under-estimate is made
        up, an over-estimate gives negative use without a 'negative' exception."""
        _p, meter_under, _a = self._setup_account("ES-UP-1", initial_reading=0)
        _p, meter_over, _a = self._setup_account("ES-UP-2", initial_reading=0)
        for meter in (meter_under, meter_over):
            self._history(meter, ("2025-02-04", 30), ("2025-03-06", 60))
        estimates, _result = self._estimate("2025-04-05 12:00:00", "2025-03-07")
        self.assertEqual(estimates.mapped("reading"), [90, 90])
        under = self._read(meter_under, "2025-05-05", 130)
        over = self._read(meter_over, "2025-05-05", 85)
        est_under = estimates.filtered(lambda r: r.meter_id == meter_under)
        self.assertEqual(under.previous_read_id, est_under)
        self.assertEqual(under.consumption, 40)
        self.assertEqual(over.consumption, -5)
        self.assertFalse(over.rollover)
        self.assertFalse(over.exception_code)
        self.assertEqual(over.state, "valid")
        # Over the two periods the bills add up to what the register shows.
        self.assertEqual(est_under.consumption + under.consumption, 130 - 60)


@tagged("post_install", "-at_install")
class TestReadEntryWizard(MeterReadCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.route_a = cls.env["utility.route"].create(
            {"name": "Route A", "code": "TR0", "cycle_id": cls.cycle.id}
        )
        other_cycle = cls.env["utility.billing.cycle"].create(
            {
                "name": "Other Cycle",
                "code": "TC9",
                "read_day": 20,
                "bill_day": 22,
                "due_days": 21,
            }
        )
        cls.other_route = cls.env["utility.route"].create(
            {"name": "Other Route", "code": "TR9", "cycle_id": other_cycle.id}
        )
        layout = [
            ("EN-A", cls.route, 30, 400),
            ("EN-C", cls.route_a, 20, 100),
            ("EN-B", cls.route, 10, 300),
            ("EN-D", cls.route_a, 5, 0),
            ("EN-X", cls.other_route, 1, 0),
        ]
        cls.meters = {}
        for serial, route, sequence, reading in layout:
            premise, meter, _account = cls._setup_account(
                serial, initial_reading=reading
            )
            premise.write({"route_id": route.id, "sequence": sequence})
            cls.meters[serial] = meter
        cls._read(cls.meters["EN-C"], "2025-02-05", 112)

    def _form(self):
        form = Form(self.env["utility.read.entry"].with_user(self.csr1))
        form.cycle_id = self.cycle
        form.read_date = date(2025, 3, 5)
        return form

    def _lines(self, form):
        lines = []
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                lines.append(
                    (
                        line.meter_id.serial,
                        line.walk_sequence,
                        line.previous_reading,
                        line.previous_date,
                    )
                )
        return lines

    def test_lines_in_walk_order(self):
        """The entry list holds the cycle's installed meters in walk order (route,
        then sequence) with their previous reading and date."""
        form = self._form()
        self.assertEqual(
            self._lines(form),
            [
                ("EN-D", 5, 0, date(2025, 1, 5)),
                ("EN-C", 20, 112, date(2025, 2, 5)),
                ("EN-B", 10, 300, date(2025, 1, 5)),
                ("EN-A", 30, 400, date(2025, 1, 5)),
            ],
        )
        form.route_id = self.route
        self.assertEqual([line[0] for line in self._lines(form)], ["EN-B", "EN-A"])

    def test_confirm_creates_reads_and_skips_blank_lines(self):
        """Keyed readings become reads of the entry date (thousands separators allowed);
        blank lines are skipped."""
        form = self._form()
        values = {0: "7", 1: "130", 3: "1,400"}
        for index, value in values.items():
            with form.line_ids.edit(index) as line:
                line.new_reading = value
        form.save().action_confirm()
        reads = self.Read.search(
            [
                ("read_date", "=", date(2025, 3, 5)),
                ("meter_id", "in", [m.id for m in self.meters.values()]),
            ]
        )
        by_serial = {r.meter_id.serial: r for r in reads}
        self.assertEqual(sorted(by_serial), ["EN-A", "EN-C", "EN-D"])
        self.assertEqual(by_serial["EN-C"].consumption, 18)
        self.assertEqual(by_serial["EN-A"].consumption, 1000)
        self.assertEqual(by_serial["EN-D"].source, "manual")

    def test_non_numeric_reading_saves_nothing(self):
        """A reading that is not a number is refused, naming the meter, and none of the
        entered readings is saved."""
        form = self._form()
        with form.line_ids.edit(0) as line:
            line.new_reading = "7"
        with form.line_ids.edit(2) as line:
            line.new_reading = "3O5"
        wizard = form.save()
        before = self.Read.search_count([])
        with self._assert_raises(UserError, r"Nothing was saved(.|\n)*EN-B.*'3O5'"):
            wizard.action_confirm()
        self.assertEqual(self.Read.search_count([]), before)

    def test_nothing_entered(self):
        """Confirming without any reading says so."""
        wizard = self._form().save()
        with self._assert_raises(UserError, "No reading"):
            wizard.action_confirm()


@tagged("post_install", "-at_install")
class TestMeterReads(
    MeterReadConsumptionTests,
    MeterReadHistoryTests,
    ReadEstimationTests,
    MeterReadCase,
):
    """The tests of the fixtures of MeterReadCase, in one class: one set-up of
    the accounting test base for them all."""
