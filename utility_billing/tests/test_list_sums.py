# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.tests import tagged

from .common import UtilityBillingCommon


@tagged("post_install", "-at_install")
class TestListSums(UtilityBillingCommon):
    """Grouped lists add up what adds up (consumption) and nothing else:
    register readings, days, dials or multipliers summed over a group mean
    nothing to a CSR."""

    def test_reads_grouped_by_meter(self):
        _premise, meter, _account = self._setup_account("SUM-1", initial_reading=100)
        self._read(meter, "2025-02-05", 112)
        self._read(meter, "2025-03-05", 130)
        Read = self.env["utility.meter.read"].with_user(self.csr1)
        groups = Read.read_group(
            [("meter_id", "=", meter.id)],
            ["reading", "previous_reading", "days", "average_daily", "consumption"],
            ["meter_id"],
        )
        self.assertEqual(len(groups), 1)
        group = groups[0]
        self.assertEqual(group["consumption"], 30.0, "Consumption adds up")
        for name in ("reading", "previous_reading", "days", "average_daily"):
            self.assertNotIn(name, group, f"No sum of {name}")

    def test_non_additive_fields_have_no_aggregate(self):
        checks = {
            "utility.meter.read": ["reading", "previous_reading", "days"],
            "utility.meter": ["dials", "multiplier"],
            "utility.billing.cycle": ["read_day", "bill_day", "due_days"],
            "utility.service.order": ["walk_sequence", "result_reading"],
            "utility.account.timeline": ["quantity"],
        }
        for model, names in checks.items():
            described = self.env[model].fields_get(names, ["aggregator"])
            for name in names:
                self.assertFalse(
                    described[name].get("aggregator"), f"{model}.{name} is summed"
                )
        described = self.env["utility.meter.read"].fields_get(
            ["consumption"], ["aggregator"]
        )
        self.assertEqual(described["consumption"]["aggregator"], "sum")

    def test_key_columns_have_a_width(self):
        """Meter, account and customer columns are not cut to 'DEMO000…'."""
        for model, view in (
            ("utility.meter.read", "utility_billing.utility_meter_read_view_list"),
            (
                "utility.meter.read",
                "utility_billing.utility_meter_read_view_review_list",
            ),
            ("utility.account", "utility_billing.utility_account_view_list"),
        ):
            arch = self.env[model].get_view(self.env.ref(view).id, "list")["arch"]
            root = etree.fromstring(arch)
            for name in ("meter_id", "account_id", "partner_id"):
                for node in root.xpath(f"/list/field[@name='{name}']"):
                    self.assertTrue(node.get("width"), f"{view}: {name}")
