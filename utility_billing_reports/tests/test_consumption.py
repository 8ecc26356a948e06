# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from .common import UtilityReportsCommon

CONSUMPTION = "utility.report.consumption"
STATS = "utility.report.consumption.stats"


@tagged("post_install", "-at_install")
class TestConsumption(UtilityReportsCommon):
    def test_by_account_and_month(self):
        rows = self._report(CONSUMPTION, date_from="2025-03-01", date_to="2025-04-30")
        self.assertEqual(
            sorted(
                (
                    r.date.isoformat(),
                    r.account_id.name,
                    r.service_type_id.code,
                    r.consumption,
                    r.read_count,
                )
                for r in rows
            ),
            sorted(
                [
                    ("2025-03-01", self.account_a.name, "WATER", 30.0, 1),
                    ("2025-03-01", self.account_b.name, "WATER", 20.0, 1),
                    ("2025-03-01", self.account_c.name, "WATER", 12.0, 1),
                    ("2025-04-01", self.account_a.name, "WATER", 50.0, 1),
                    ("2025-04-01", self.account_b.name, "WATER", 24.0, 1),
                    ("2025-04-01", self.account_c.name, "WATER", 10.0, 1),
                ]
            ),
        )
        # Top users of April: largest first.
        top = self.env[CONSUMPTION].search(
            [("id", "in", rows.ids), ("date", "=", "2025-04-01")],
            order="consumption desc",
        )
        self.assertEqual(
            top.account_id.mapped("name"),
            [self.account_a.name, self.account_b.name, self.account_c.name],
        )
        # Average per account and month, by class (pivot measure).
        groups = self._group(
            CONSUMPTION,
            ["customer_class"],
            ["consumption:sum", "average_consumption:avg"],
            date_from="2025-03-01",
            date_to="2025-04-30",
        )
        self.assertEqual(
            {cls: (total, round(avg, 3)) for cls, total, avg in groups},
            {"residential": (102.0, 25.5), "commercial": (44.0, 22.0)},
        )

    def test_statistics_rows(self):
        rows = self._report(STATS, date_from="2025-04-01", date_to="2025-04-30")
        self.assertEqual(
            sorted(
                (
                    r.customer_class,
                    r.account_count,
                    r.total,
                    r.average,
                    r.median,
                    r.maximum,
                )
                for r in rows
            ),
            [
                ("commercial", 1, 24.0, 24.0, 24.0, 24.0),
                ("residential", 2, 60.0, 30.0, 30.0, 50.0),
            ],
        )

    def test_statistics_over_a_period(self):
        """Over March and April, each account's use is summed first: A 80, B
        44, C 22."""
        stats = self.env[STATS]._ub_statistics(
            self.company,
            date(2025, 3, 1),
            date(2025, 4, 30),
            {"billing_cycle_ids": self.cycle.ids},
            top=2,
        )
        self.assertEqual(
            [
                (
                    g["service"].code,
                    g["customer_class"],
                    g["accounts"],
                    g["total"],
                    g["average"],
                    g["median"],
                    g["maximum"],
                )
                for g in stats["groups"]
            ],
            [
                ("WATER", "commercial", 1, 44.0, 44.0, 44.0, 44.0),
                ("WATER", "residential", 2, 102.0, 51.0, 51.0, 80.0),
                ("WATER", False, 3, 146.0, 146.0 / 3, 44.0, 80.0),
            ],
        )
        self.assertEqual(
            [(u["account"], u["consumption"]) for u in stats["top"][self.water.id]],
            [(self.account_a, 80.0), (self.account_b, 44.0)],
        )
        stats = self.env[STATS]._ub_statistics(
            self.company,
            date(2025, 3, 1),
            date(2025, 4, 30),
            {"billing_cycle_ids": self.cycle.ids, "customer_class": "residential"},
        )
        self.assertEqual(
            [(g["customer_class"], g["median"]) for g in stats["groups"]],
            [("residential", 51.0), (False, 51.0)],
        )

    def test_rejected_reads_do_not_count(self):
        read = self._read(self.meter_c, "2025-05-20", 500)
        rows = self._report(CONSUMPTION, date_from="2025-05-01", date_to="2025-05-31")
        self.assertEqual(rows.mapped("consumption"), [478.0])
        read.state = "rejected"
        rows = self._report(CONSUMPTION, date_from="2025-05-01", date_to="2025-05-31")
        self.assertFalse(rows)
