# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_billing import UtilityBillingRunCommon

FIXED_3_4 = 'Water service charge (3/4" meter)'
TIER_1 = "Water usage tier 1 (0 to 41)"
TIER_2 = "Water usage tier 2 (over 41)"


@tagged("post_install", "-at_install")
class TestUtilityRateSchedule(UtilityBillingRunCommon):
    """Rate math (fixed, tiered, seasonal, minimum, winter average), rate
    changes within a period, versions and who may change rates."""

    def _flat_and_tiers_rate(self, code, flat, tier_prices, **vals):
        """A rate with a flat charge and two tiers (41 units, then the rest)."""
        return self._create_rate(
            code,
            self.water,
            [
                {
                    "sequence": 10,
                    "name": "Service",
                    "component_type": "fixed_flat",
                    "amount": flat,
                    "product_id": self.product_water_fixed.id,
                },
                self._coachella_tiers_vals(
                    name="Usage",
                    tier_ids=[
                        Command.create(
                            {"sequence": 1, "upper_limit": 41, "price": tier_prices[0]}
                        ),
                        Command.create(
                            {"sequence": 2, "upper_limit": 0, "price": tier_prices[1]}
                        ),
                    ],
                ),
            ],
            **vals,
        )

    # ------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------

    def test_tier_boundaries(self):
        """Block rates: the first 41 HCF at $1.50, every unit over 41 at $1.65,
        exactly at, just over, and one unit over the breakpoint."""
        cases = {
            40.0: ([(TIER_1, 40.0, 1.50)], 73.80),
            41.0: ([(TIER_1, 41.0, 1.50)], 75.30),
            41.001: ([(TIER_1, 41.0, 1.50), (TIER_2, 0.001, 1.65)], 75.30),
            42.0: ([(TIER_1, 41.0, 1.50), (TIER_2, 1.0, 1.65)], 76.95),
        }
        for consumption, (tiers, total) in cases.items():
            with self.subTest(consumption=consumption):
                charges = self.water_rate._rate(self._rate_ctx(consumption=consumption))
                self.assertEqual(
                    self._charges_table(charges), [(FIXED_3_4, 1.0, 13.80)] + tiers
                )
                self.assertAlmostEqual(
                    sum(c["quantity"] for c in charges[1:]), consumption, places=6
                )
                self.assertEqual(self._charges_total(charges), total)

    def test_no_consumption_no_usage_line(self):
        """Without consumption the bill carries the fixed charge only."""
        charges = self.water_rate._rate(self._rate_ctx(consumption=0.0))
        self.assertEqual(self._charges_table(charges), [(FIXED_3_4, 1.0, 13.80)])

    def test_tier_limits_must_increase(self):
        """Tier limits are increasing and the last tier is open-ended."""
        with self.assertRaisesRegex(ValidationError, "the last tier must have no"):
            self._create_rate(
                "TBAD1",
                self.water,
                [
                    self._coachella_tiers_vals(
                        tier_ids=[
                            Command.create(
                                {"sequence": 1, "upper_limit": 41, "price": 1}
                            ),
                            Command.create(
                                {"sequence": 2, "upper_limit": 60, "price": 2}
                            ),
                        ]
                    )
                ],
            )
        with self.assertRaisesRegex(ValidationError, "tier limits must increase"):
            self._create_rate(
                "TBAD2",
                self.water,
                [
                    self._coachella_tiers_vals(
                        tier_ids=[
                            Command.create(
                                {"sequence": 1, "upper_limit": 41, "price": 1}
                            ),
                            Command.create(
                                {"sequence": 2, "upper_limit": 20, "price": 2}
                            ),
                            Command.create(
                                {"sequence": 3, "upper_limit": 0, "price": 3}
                            ),
                        ]
                    )
                ],
            )

    def test_coachella_worked_examples(self):
        """docs/domain-rules.md §2.3: a 3/4" residential meter billed monthly, 5% UUT
        on water: 30 HCF = $58.80 + UUT $2.94 = $61.74; 50 HCF = $90.15 + UUT
        $4.51 = $94.66, on the posted bills."""
        _p, meter_30, account_30 = self._billing_account("CO-30", services=[self.water])
        _p, meter_50, account_50 = self._billing_account("CO-50", services=[self.water])
        self._read(meter_30, "2025-03-28", 30)
        self._read(meter_50, "2025-03-28", 50)
        run = self._bill()
        bill_30 = run.invoice_ids.filtered(lambda m: m.utility_account_id == account_30)
        bill_50 = run.invoice_ids.filtered(lambda m: m.utility_account_id == account_50)
        self.assertEqual(bill_30.state, "posted")
        self.assertEqual(bill_50.state, "posted")
        self.assertEqual(
            self._lines_table(bill_30),
            [(FIXED_3_4, 1.0, 13.80, 13.80), (TIER_1, 30.0, 1.50, 45.00)],
        )
        self.assertEqual(
            (bill_30.amount_untaxed, bill_30.amount_tax, bill_30.amount_total),
            (58.80, 2.94, 61.74),
        )
        self.assertEqual(
            self._lines_table(bill_50),
            [
                (FIXED_3_4, 1.0, 13.80, 13.80),
                (TIER_1, 41.0, 1.50, 61.50),
                (TIER_2, 9.0, 1.65, 14.85),
            ],
        )
        self.assertEqual(
            (bill_50.amount_untaxed, bill_50.amount_tax, bill_50.amount_total),
            (90.15, 4.51, 94.66),
        )

    def test_seasonal_tiers(self):
        """Seasonal tiers: the month of the read picks the summer (May-October)
        or the winter tier set."""
        rate = self._create_rate(
            "TSEAS",
            self.water,
            [
                {
                    "name": "Usage",
                    "component_type": "tiered",
                    "product_id": self.product_water_usage.id,
                    "seasonal": True,
                    "summer_months": "5-10",
                    "tier_ids": [
                        Command.create(
                            {"season": "summer", "sequence": 1, "upper_limit": 20}
                            | {"price": 2.0}
                        ),
                        Command.create(
                            {"season": "summer", "sequence": 2, "price": 3.0}
                        ),
                        Command.create(
                            {"season": "winter", "sequence": 1, "upper_limit": 30}
                            | {"price": 1.0}
                        ),
                        Command.create(
                            {"season": "winter", "sequence": 2, "price": 1.2}
                        ),
                    ],
                }
            ],
        )
        summer = [
            ("Usage tier 1 (0 to 20)", 20.0, 2.0),
            ("Usage tier 2 (over 20)", 20.0, 3.0),
        ]
        winter = [
            ("Usage tier 1 (0 to 30)", 30.0, 1.0),
            ("Usage tier 2 (over 30)", 10.0, 1.2),
        ]
        for read_date, expected in (
            ("2025-01-15", winter),
            ("2025-04-30", winter),
            ("2025-05-01", summer),
            ("2025-07-15", summer),
            ("2025-10-31", summer),
            ("2025-11-01", winter),
        ):
            with self.subTest(read_date=read_date):
                charges = rate._rate(
                    self._rate_ctx(
                        consumption=40,
                        date_from=read_date,
                        date_to=read_date,
                        read_date=read_date,
                    )
                )
                self.assertEqual(self._charges_table(charges), expected)

    def test_tiers_scaled_to_days(self):
        """Tier limits per 30 days are scaled to the days the reads cover: 41 HCF
        becomes 82 HCF over 60 days and 20.5 HCF over 15 days."""
        rate = self._create_rate(
            "TSCAL",
            self.water,
            [self._coachella_tiers_vals(scale_tiers_to_days=True)],
        )
        for days, expected in (
            (
                60,
                [
                    ("Water usage tier 1 (0 to 82)", 82.0, 1.50),
                    ("Water usage tier 2 (over 82)", 18.0, 1.65),
                ],
            ),
            (
                30,
                [(TIER_1, 41.0, 1.50), (TIER_2, 59.0, 1.65)],
            ),
            (
                15,
                [
                    ("Water usage tier 1 (0 to 20.5)", 20.5, 1.50),
                    ("Water usage tier 2 (over 20.5)", 79.5, 1.65),
                ],
            ),
        ):
            with self.subTest(days=days):
                charges = rate._rate(self._rate_ctx(consumption=100, days=days))
                self.assertEqual(self._charges_table(charges), expected)

    def test_bimonthly_tiers(self):
        """A bill covering two months has twice the tier allowance (unscaled
        tiers are per month)."""
        charges = self.water_rate._rate(self._rate_ctx(consumption=100, months=2))
        self.assertEqual(
            self._charges_table(charges),
            [
                ('Water service charge (3/4" meter)', 2.0, 13.80),
                ("Water usage tier 1 (0 to 82)", 82.0, 1.50),
                ("Water usage tier 2 (over 82)", 18.0, 1.65),
            ],
        )

    # ------------------------------------------------------------
    # Fixed charges and minimum
    # ------------------------------------------------------------

    def test_fixed_charge_by_meter_size(self):
        """The fixed charge comes from the table of the rate by meter size; a
        meter size missing from the table is refused, naming the size."""
        for size, amount in (("5/8", 13.80), ("1", 19.32), ("2", 40.02), ("8", 400.24)):
            with self.subTest(size=size):
                charges = self.water_rate._rate(self._rate_ctx(meter_size=size))
                self.assertEqual(len(charges), 1)
                self.assertEqual(charges[0]["price_unit"], amount)
                self.assertEqual(charges[0]["quantity"], 1.0)
                self.assertEqual(charges[0]["product"], self.product_water_fixed)
        with self.assertRaisesRegex(UserError, 'no charge for a 3" meter'):
            self.water_rate._rate(self._rate_ctx(meter_size="3"))

    def test_fixed_charge_per_living_unit(self):
        """Residential sewer: $41.81 per living unit per month."""
        charges = self.sewer_rate._rate(self._rate_ctx(living_units=4))
        self.assertEqual(
            self._charges_table(charges),
            [("Sewer service charge (4 units)", 4.0, 41.81)],
        )
        self.assertEqual(self._charges_total(charges), 167.24)
        charges = self.sewer_rate._rate(self._rate_ctx(living_units=1, months=2))
        self.assertEqual(
            self._charges_table(charges),
            [("Sewer service charge (1 units)", 2.0, 41.81)],
        )

    def test_flat_charge(self):
        """A flat charge per month: once a month, twice on a bimonthly bill, a
        share of it on a prorated bill."""
        for months, proration, quantity in (
            (1, 1.0, 1.0),
            (2, 1.0, 2.0),
            (1, 0.5, 0.5),
        ):
            with self.subTest(months=months, proration=proration):
                charges = self.trash_rate._rate(
                    self._rate_ctx(months=months, proration=proration)
                )
                self.assertEqual(
                    self._charges_table(charges),
                    [("Trash collection", quantity, 28.50)],
                )

    def test_minimum_bill(self):
        """Minimum bill of $20: charges below it get a minimum line making up the
        difference; charges at or above it get none."""
        rate = self._create_rate(
            "TMIN",
            self.water,
            [
                {
                    "sequence": 10,
                    "name": "Service",
                    "component_type": "fixed_flat",
                    "amount": 5.0,
                    "product_id": self.product_water_fixed.id,
                },
                {
                    "sequence": 20,
                    "name": "Usage",
                    "component_type": "tiered",
                    "product_id": self.product_water_usage.id,
                    "tier_ids": [Command.create({"upper_limit": 0, "price": 1.5})],
                },
                {
                    "sequence": 30,
                    "name": "Minimum",
                    "component_type": "minimum",
                    "amount": 20.0,
                    "product_id": self.product_minimum.id,
                },
            ],
        )
        below = rate._rate(self._rate_ctx(consumption=5))
        self.assertEqual(
            self._charges_table(below),
            [
                ("Service", 1.0, 5.0),
                ("Usage tier 1 (over 0)", 5.0, 1.5),
                ("Minimum: minimum bill", 1.0, 7.5),
            ],
        )
        self.assertEqual(below[-1]["product"], self.product_minimum)
        self.assertEqual(self._charges_total(below), 20.0)
        nothing_used = rate._rate(self._rate_ctx(consumption=0))
        self.assertEqual(
            self._charges_table(nothing_used),
            [("Service", 1.0, 5.0), ("Minimum: minimum bill", 1.0, 15.0)],
        )
        for consumption in (10, 20):
            with self.subTest(consumption=consumption):
                charges = rate._rate(self._rate_ctx(consumption=consumption))
                self.assertNotIn("Minimum: minimum bill", [c["name"] for c in charges])
                self.assertEqual(self._charges_total(charges), 5.0 + 1.5 * consumption)

    # ------------------------------------------------------------
    # Winter average
    # ------------------------------------------------------------

    def _winter_rate(self):
        return self._create_rate(
            "TS-WA",
            self.sewer,
            [
                {
                    "name": "Sewer usage",
                    "component_type": "winter_average",
                    "product_id": self.product_sewer.id,
                    "unit_price": 3.0,
                    "winter_months": "12,1,2",
                    "winter_cap": 10.0,
                    "class_default_units": 6.0,
                }
            ],
        )

    def test_winter_average_math(self):
        """Sewer on the winter average: the average units a month, at most the
        cap, the class default without winter history."""
        rate = self._winter_rate()
        for average, units in ((8.0, 8.0), (15.0, 10.0), (None, 6.0), (0.0, 0.0)):
            with self.subTest(average=average):
                charges = rate._rate(self._rate_ctx(winter_average=average))
                self.assertEqual(len(charges), 1)
                self.assertEqual(charges[0]["quantity"], units)
                self.assertEqual(charges[0]["price_unit"], 3.0)

    def test_winter_average_from_history(self):
        """The sewer of the March bill is billed on the account's average water
        use of December, January and February (capped); an account without
        winter history is billed the class default; a customer who moved in
        during February has no winter history: its move-in read is no month of
        use."""
        winter_rate = self._winter_rate()
        rates = {self.sewer: winter_rate}
        services = [self.water, self.sewer]
        _p, meter_avg, account_avg = self._billing_account(
            "WA-1", services=services, install_date="2024-11-05", rates=rates
        )
        for when, reading in (
            ("2024-12-05", 9),
            ("2025-01-06", 15),
            ("2025-02-05", 24),
            ("2025-03-05", 30),
        ):
            self._read(meter_avg, when, reading)
        _p, meter_cap, account_cap = self._billing_account(
            "WA-2", services=services, install_date="2024-11-05", rates=rates
        )
        for when, reading in (
            ("2024-12-05", 20),
            ("2025-01-06", 34),
            ("2025-02-05", 50),
            ("2025-03-05", 55),
        ):
            self._read(meter_cap, when, reading)
        _p, meter_new, account_new = self._billing_account(
            "WA-3", services=services, rates=rates
        )
        self._read(meter_new, "2025-03-20", 7)
        # A tenant left in February; the next one moved in on February 20.
        premise, meter_moved, previous = self._billing_account(
            "WA-4", services=services, install_date="2024-11-05", rates=rates
        )
        self._read(meter_moved, "2024-12-05", 12)
        self._read(meter_moved, "2025-01-06", 24)
        self._stop(previous, "2025-02-19", readings=[36])
        newcomer = self.env["res.partner"].create({"name": "Ana Lopez"})
        account_moved = self._start(premise, "2025-02-20", newcomer, rates=rates)
        self.env["utility.account.service"].create(
            {
                "account_id": account_moved.id,
                "service_type_id": self.sewer.id,
                "rate_schedule_id": winter_rate.id,
                "start_date": "2025-02-20",
            }
        )
        self._read(meter_moved, "2025-03-05", 40)
        run = self._bill(post=False)
        expected = {
            account_avg: ("Sewer usage (winter average 8 a month)", 8.0),
            account_cap: ("Sewer usage (winter average 10 a month)", 10.0),
            account_new: ("Sewer usage (winter average 6 a month)", 6.0),
            account_moved: ("Sewer usage (winter average 6 a month)", 6.0),
        }
        for account, (label, quantity) in expected.items():
            with self.subTest(account=account.premise_id.name):
                bill = run.invoice_ids.filtered(
                    lambda m, a=account: m.utility_account_id == a
                )
                sewer_lines = bill.invoice_line_ids.filtered(
                    lambda ln: ln.utility_service_type_id == self.sewer
                )
                self.assertEqual(
                    [(ln.name, ln.quantity, ln.price_unit) for ln in sewer_lines],
                    [(label, quantity, 3.0)],
                )

    # ------------------------------------------------------------
    # Rate changes within a period
    # ------------------------------------------------------------

    def _two_versions(self, method):
        """April 2025 (30 days) spans a rate change on April 16."""
        first = self._flat_and_tiers_rate(
            "TCHG", 20.0, (1.50, 1.65), rate_change_method=method
        )
        second = first._new_version(date(2025, 4, 16), "Resolution 2025-04")
        second.component_ids.filtered(lambda c: c.name == "Service").amount = 30.0
        second.component_ids.tier_ids.filtered(lambda t: t.upper_limit).price = 2.0
        second.component_ids.tier_ids.filtered(lambda t: not t.upper_limit).price = 2.2
        return first, second

    def _april_ctx(self, **vals):
        return self._rate_ctx(
            date_from="2025-04-01", date_to="2025-04-30", period_days=30, **vals
        )

    def test_rate_change_prorated_by_days(self):
        """Prorate: a period spanning a rate change is billed half on each version
        when half its days fall on each, tier limits included."""
        first, _second = self._two_versions("prorate")
        charges = first._rate(self._april_ctx(consumption=60, read_date="2025-04-28"))
        old = " (04/01/2025 to 04/15/2025, 15 days)"
        new = " (04/16/2025 to 04/30/2025, 15 days)"
        self.assertEqual(
            self._charges_table(charges),
            [
                ("Service" + old, 0.5, 20.0),
                ("Usage tier 1 (0 to 20.5)" + old, 20.5, 1.50),
                ("Usage tier 2 (over 20.5)" + old, 9.5, 1.65),
                ("Service" + new, 0.5, 30.0),
                ("Usage tier 1 (0 to 20.5)" + new, 20.5, 2.0),
                ("Usage tier 2 (over 20.5)" + new, 9.5, 2.2),
            ],
        )

    def test_rate_change_on_read_date(self):
        """Read date: the whole period is billed on the version in effect on the
        read date."""
        first, _second = self._two_versions("read_date")
        before = first._rate(self._april_ctx(consumption=60, read_date="2025-04-10"))
        self.assertEqual(
            self._charges_table(before),
            [
                ("Service", 1.0, 20.0),
                ("Usage tier 1 (0 to 41)", 41.0, 1.50),
                ("Usage tier 2 (over 41)", 19.0, 1.65),
            ],
        )
        after = first._rate(self._april_ctx(consumption=60, read_date="2025-04-16"))
        self.assertEqual(
            self._charges_table(after),
            [
                ("Service", 1.0, 30.0),
                ("Usage tier 1 (0 to 41)", 41.0, 2.0),
                ("Usage tier 2 (over 41)", 19.0, 2.2),
            ],
        )

    def test_no_version_in_effect(self):
        """A period before the first version of a rate cannot be rated."""
        with self.assertRaisesRegex(UserError, "TW-RES has no version in effect"):
            self.water_rate._rate(
                self._rate_ctx(date_from="2024-12-01", date_to="2024-12-31")
            )

    # ------------------------------------------------------------
    # Versions
    # ------------------------------------------------------------

    def test_effective_to_from_next_version(self):
        """A version is in effect until the day before the next version of the
        same code starts; inserting a version between two shortens the first."""
        first = self._flat_and_tiers_rate("TVER", 20.0, (1.5, 1.65))
        self.assertFalse(first.effective_to)
        last = first._new_version(date(2025, 7, 1), "Resolution 2025-07")
        self.assertEqual(first.effective_to, date(2025, 6, 30))
        self.assertFalse(last.effective_to)
        middle = first._new_version(date(2025, 4, 1), "Resolution 2025-04")
        self.assertEqual(first.effective_to, date(2025, 3, 31))
        self.assertEqual(middle.effective_to, date(2025, 6, 30))
        self.assertFalse(last.effective_to)
        other = self._flat_and_tiers_rate("TVER2", 20.0, (1.5, 1.65))
        self.assertFalse(other.effective_to, "Another code is another rate.")
        with self.assertRaisesRegex(ValidationError, "must start after"):
            last._new_version(date(2025, 7, 1), "Resolution again")

    def test_new_version_copies_components(self):
        """A new version starts as a copy of the old one: same code, service,
        components, tiers and meter-size table, with its own resolution; the old
        version keeps its own components."""
        wizard = (
            self.env["utility.rate.version.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "schedule_id": self.water_rate.id,
                    "effective_from": "2025-07-01",
                    "resolution": "Resolution 2025-31",
                    "resolution_date": "2025-05-14",
                }
            )
        )
        action = wizard.action_create()
        new = self.env["utility.rate.schedule"].browse(action["res_id"])
        self.assertNotEqual(new, self.water_rate)
        self.assertEqual(new.code, "TW-RES")
        self.assertEqual(new.name, self.water_rate.name)
        self.assertEqual(new.service_type_id, self.water)
        self.assertEqual(new.customer_class, "residential")
        self.assertEqual(new.effective_from, date(2025, 7, 1))
        self.assertEqual(new.resolution, "Resolution 2025-31")
        self.assertEqual(new.resolution_date, date(2025, 5, 14))
        self.assertEqual(self.water_rate.resolution, "Resolution TW-RES")
        self.assertEqual(self.water_rate.effective_to, date(2025, 6, 30))

        def describe(rate):
            return [
                (
                    c.name,
                    c.component_type,
                    c.product_id,
                    sorted((p.meter_size, p.amount) for p in c.size_price_ids),
                    [(t.upper_limit, t.price) for t in c.tier_ids],
                )
                for c in rate.component_ids
            ]

        self.assertEqual(describe(new), describe(self.water_rate))
        self.assertFalse(new.component_ids & self.water_rate.component_ids)
        new.component_ids.tier_ids[0].price = 1.75
        self.assertEqual(self.water_rate.component_ids.tier_ids[0].price, 1.50)

    def test_billed_version_is_locked(self):
        """A version used on a posted bill cannot be changed (its fields, its
        components, their tiers and meter-size charges) or deleted: a new version
        is adopted instead. It may still be archived."""
        rate = self.water_rate
        rate.sudo().billed = True
        fixed, usage = rate.component_ids.sorted("sequence")
        with self.assertRaisesRegex(UserError, "has been billed and is locked"):
            rate.write({"effective_from": "2024-12-01"})
        with self.assertRaisesRegex(UserError, "has been billed and is locked"):
            rate.write({"component_ids": [Command.unlink(usage.id)]})
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            usage.write({"name": "Usage"})
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            usage.tier_ids[0].write({"price": 1.75})
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            fixed.size_price_ids[0].write({"amount": 15.0})
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            usage.tier_ids[0].copy({"upper_limit": 20})
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            usage.tier_ids[-1].unlink()
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            self.env["utility.rate.component"].create(
                {
                    "schedule_id": rate.id,
                    "name": "Surcharge",
                    "component_type": "fixed_flat",
                    "amount": 9.71,
                    "product_id": self.product_water_fixed.id,
                }
            )
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            fixed.unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            rate.unlink()
        self.assertEqual(usage.tier_ids[0].price, 1.50)
        self.assertEqual(
            fixed.size_price_ids.filtered(lambda p: p.meter_size == "3/4").amount,
            13.80,
        )
        rate.write({"note": "<p>Superseded on July 1.</p>"})
        rate.action_archive()
        self.assertFalse(rate.active)
        new = rate._new_version(date(2025, 7, 1), "Resolution 2025-31")
        new.component_ids.tier_ids[0].price = 1.75
        self.assertEqual(new.component_ids.tier_ids[0].price, 1.75)

    def test_billed_version_locks_its_lines_both_ways(self):
        """A meter-size charge is neither added to nor deleted from a billed
        version, and a tier of the new version cannot be moved onto it."""
        rate = self.water_rate
        new = rate._new_version(date(2025, 7, 1), "Resolution 2025-31")
        rate.sudo().billed = True
        fixed, usage = rate.component_ids.sorted("sequence")
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            self.env["utility.rate.size.price"].create(
                {"component_id": fixed.id, "meter_size": "10", "amount": 500.0}
            )
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            fixed.size_price_ids[0].unlink()
        new_tier = new.component_ids.tier_ids[0]
        with self.assertRaisesRegex(UserError, "billed and is locked"):
            new_tier.write({"component_id": usage.id})
        self.assertEqual(len(fixed.size_price_ids), 7)
        self.assertEqual(len(usage.tier_ids), 2)
        self.assertNotEqual(new_tier.component_id, usage)

    def test_archived_version_still_rates(self):
        """An archived (superseded) version still rates the periods it was in
        effect for."""
        self.water_rate.action_archive()
        charges = self.water_rate._rate(self._rate_ctx(consumption=30))
        self.assertEqual(self._charges_total(charges), 58.80)

    def test_only_managers_change_rates(self):
        """Only managers create or change rates; a CSR II may read them (to bill
        them) but not change them."""
        vals = {
            "name": "CSR rate",
            "code": "TCSR",
            "service_type_id": self.trash.id,
            "effective_from": "2025-01-01",
            "resolution": "None",
        }
        Schedule = self.env["utility.rate.schedule"]
        with self.assertRaises(AccessError):
            Schedule.with_user(self.csr2).create(vals)
        with self.assertRaises(AccessError):
            self.trash_rate.with_user(self.csr2).write({"name": "Cheaper trash"})
        with self.assertRaises(AccessError):
            self.trash_rate.component_ids.with_user(self.csr2).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.water_rate.component_ids.tier_ids.with_user(self.csr2).write(
                {"price": 0.5}
            )
        with self.assertRaises(AccessError):
            self.env["utility.rate.version.wizard"].with_user(self.csr2).create(
                {
                    "schedule_id": self.trash_rate.id,
                    "effective_from": "2025-07-01",
                    "resolution": "None",
                }
            )
        self.assertEqual(self.trash_rate.with_user(self.csr2).name, "Test Trash")
        self.assertEqual(self.trash_rate.component_ids.amount, 28.50)
        rate = Schedule.with_user(self.manager).create(vals)
        rate.write({"name": "Manager rate"})
        self.assertEqual(rate.name, "Manager rate")

    def test_rate_changes_are_tracked(self):
        """Every change of a rate is tracked in its chatter (the Prop 218 audit
        trail), component changes included."""
        # Records created in a transaction are tracked from the next one on: end
        # the setup's transaction as a commit would.
        self.env.flush_all()
        self.env.cr.precommit.run()
        rate = self.trash_rate.with_user(self.manager).with_context(
            tracking_disable=False, mail_notrack=False
        )
        rate.write({"resolution": "Resolution 2025-44"})
        rate.component_ids.write({"amount": 29.75})
        self.env.flush_all()
        self.env.cr.precommit.run()
        messages = rate.sudo().message_ids
        tracked = messages.tracking_value_ids.field_id.mapped("name")
        self.assertIn("resolution", tracked)
        self.assertTrue(
            any(
                "Trash collection changed: amount" in (body or "")
                for body in messages.mapped("body")
            )
        )

    def test_default_rate_of_a_service(self):
        """A new service gets the latest version of the rate for its service and
        the premise's class; a rate for the class comes before a rate for every
        class."""
        storm = self.env["utility.service.type"].create(
            {"name": "Test Stormwater", "code": "TSTORM"}
        )
        components = [
            {
                "name": "Storm",
                "component_type": "fixed_flat",
                "amount": 4.0,
                "product_id": self.product_minimum.id,
            }
        ]
        every_class = self._create_rate("TST-ALL", storm, components)
        residential = self._create_rate(
            "TST-RES", storm, components, effective_from="2024-06-01"
        )
        residential.customer_class = "residential"
        residential_2025 = residential._new_version(date(2025, 2, 1), "Res 2025-2")
        Premise = self.env["utility.premise"]
        for customer_class, expected in (
            ("residential", residential_2025),
            ("commercial", every_class),
        ):
            with self.subTest(customer_class=customer_class):
                premise = Premise.create(
                    {"street": f"1 {customer_class}", "customer_class": customer_class}
                )
                account = self.env["utility.account"].create(
                    {
                        "partner_id": self.partner.id,
                        "premise_id": premise.id,
                        "service_ids": [Command.create({"service_type_id": storm.id})],
                    }
                )
                self.assertEqual(account.service_ids.rate_schedule_id, expected)
