# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from odoo.addons.utility_billing.tests.test_conversion import (
    CUTOVER,
    GOOD,
    ConversionCommon,
)


@tagged("post_install", "-at_install")
class TestConversionAging(ConversionCommon):
    def test_first_day_aging_is_the_legacy_aging(self):
        """The aged receivables of the cut-over date show each converted
        balance in its legacy bucket (91+ days in 91-120), a credit applied to
        the account's oldest balance, and no deposit (paid); the month-end
        summary of the cut-over month ties."""
        conversion = self._conversion(GOOD)
        conversion.action_validate()
        conversion.action_load()
        report = self.env["utility.report.aged.receivable"].create(
            {
                "as_of_date": CUTOVER,
                "billing_cycle_ids": [Command.set(self.cycle.ids)],
            }
        )
        report.action_show()
        table = {
            line.account_id.name: (
                line.amount_current,
                line.amount_1_30,
                line.amount_31_60,
                line.amount_61_90,
                line.amount_91_120,
                line.amount_over_120,
                line.amount_total,
            )
            for line in report.line_ids
            if line.account_id in conversion.account_ids
        }
        summary = (
            self.env["utility.report.month.end"]
            .create(
                {
                    "company_id": self.company.id,
                    "date_from": CUTOVER.replace(day=1),
                    "date_to": CUTOVER,
                }
            )
            ._ub_summary()
        )
        self.assertEqual(summary["difference"], 0.0, summary)
        self.assertEqual(
            table,
            {
                "CV-0001": (45.10, 0.0, 38.75, 0.0, 0.0, 0.0, 83.85),
                "CV-0002": (0.0, 0.0, 0.0, 20.0, 10.5, 0.0, 30.5),
                "CV-0003": (0.0, 0.0, 0.0, 0.0, 60.0, 0.0, 60.0),
            },
        )
