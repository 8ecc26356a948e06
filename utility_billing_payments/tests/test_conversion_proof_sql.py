# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The mandates and plans of the proof are counted in the database, from the
converted records found by their legacy keys: the same figures as the
records give, without reading the staged rows."""

from odoo.tests import tagged

from odoo.addons.utility_billing.tests.test_conversion import GOOD, ConversionCommon

from .common_delinquency import UtilityDelinquencyCommon
from .test_conversion_mandates import MANDATES
from .test_conversion_plans import PLANS


@tagged("post_install", "-at_install")
class TestConversionProofSqlPayments(ConversionCommon, UtilityDelinquencyCommon):
    def _from_the_records(self):
        mandates = self.env["utility.ach.mandate"].search(
            [("account_id.name", "=like", "CV-%")]
        )
        plans = self.env["utility.payment.plan"].search(
            [("account_id.name", "=like", "CV-%"), ("state", "!=", "cancelled")]
        )
        return {
            "mandates_active": len(mandates.filtered(lambda m: m.state == "active")),
            "plans_count": len(plans),
            "plans_remaining": round(
                sum(p.amount_total - p.down_payment for p in plans), 2
            ),
        }

    def _loaded(self, conversion):
        self.env.flush_all()
        self.env.invalidate_all()
        totals = conversion._loaded_totals()
        Line = self.env["utility.conversion.line"]
        self.assertFalse(
            self.env.cache.get_records(Line, Line._fields["key"]),
            "staged rows read into the cache",
        )
        return {key: totals[key] for key in self._from_the_records()}

    def test_mandates_and_plans_are_the_records(self):
        conversion = self._conversion(
            {**GOOD, "mandates": MANDATES, "payment_plans": PLANS}
        )
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        self.assertEqual(conversion.state, "loaded")
        expected = {"mandates_active": 1, "plans_count": 2, "plans_remaining": 99.35}
        self.assertEqual(self._from_the_records(), expected)
        self.assertEqual(self._loaded(conversion), expected)

        # The sent prenote's wait over, its mandate is active too.
        sent = self.env["utility.ach.mandate"].search(
            [("account_id.name", "=", "CV-0002")]
        )
        self.env["utility.ach.mandate"]._activate_prenoted(day=sent.active_from)
        self.assertEqual(self._loaded(conversion)["mandates_active"], 2)
        # A revoked mandate and a cancelled plan are left out.
        sent.with_user(self.manager).action_revoke()
        plan = self.env["utility.payment.plan"].search(
            [("account_id.name", "=", "CV-0001")]
        )
        plan.with_user(self.manager).action_cancel()
        expected = {"mandates_active": 1, "plans_count": 1, "plans_remaining": 30.5}
        self.assertEqual(self._from_the_records(), expected)
        self.assertEqual(self._loaded(conversion), expected)
        conversion.invalidate_recordset()
        self.assertIn("Active ACH mandates", conversion.proof_html)
