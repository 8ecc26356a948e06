# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyOccupant(UtilityDelinquencyCommon):
    """Issue 13 item 7 (HSC 116916): the occupants of a multi-unit premise
    (whoever the customer is) or of a landlord-paid house get the notice at
    least 10 days before the shut-off, 7 for a detached single-family
    dwelling.

    Dates counted by hand: the bill is due Monday March 3, 2025; the shut-off
    notice step is moved to day 56, Monday April 28. Seven business days after
    it: Tue 4/29, Wed 4/30, Thu 5/1, Fri 5/2, Mon 5/5, Tue 5/6, Wed 5/7, so the
    notice alone allows Wednesday May 7 (only 9 calendar days). 10 days after
    April 28 is Thursday May 8; 7 days is Monday May 5 (before May 7).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steps["shutoff_notice"].days = 56
        # Owner-occupied 4-unit building: the owner lives in unit A (same
        # street and ZIP as the premise).
        cls.building = cls._account("OCC0001")
        premise = cls.building.premise_id
        premise.living_units = 4
        cls.building.partner_id = cls.env["res.partner"].create(
            {"name": "Owner Unit A", "street": premise.street, "zip": premise.zip}
        )
        cls._bill(cls.building, 150.0)
        # Detached single-family house paid by its landlord.
        landlord = cls.env["res.partner"].create(
            {"name": "Landlord LLC", "street": "1 Main St", "zip": "92201"}
        )
        cls.house = cls._account("OCC0002", partner=landlord)
        cls._bill(cls.house, 90.0)
        # An owner in a detached single-family house: no occupant notice.
        cls.owner = cls._account("OCC0003")
        cls.owner.partner_id = cls.env["res.partner"].create(
            {
                "name": "Owner",
                "street": cls.owner.premise_id.street,
                "zip": cls.owner.premise_id.zip,
            }
        )
        cls._bill(cls.owner, 80.0)

    def _walk(self):
        for day in (1, 5, 30, 56, 58, 60):
            self._run(self._days(day))

    def _shutoff_notices(self, account):
        return self._notices(account, "shutoff")

    def _codes(self, account, when):
        return [code for code, _label in account._dlq_block_reasons(when)]

    def test_owner_occupied_four_units(self):
        self.assertEqual(self.building._dlq_occupant_notice_days(), 10)
        self._walk()
        notices = self._shutoff_notices(self.building)
        self.assertEqual(len(notices), 2)
        occupant = notices.filtered("occupant")
        self.assertEqual(occupant.date, date(2025, 4, 28))
        self.assertEqual(occupant.channel, "letter")
        # Printed: April 28 + 10 days, not the 7 business days' May 7.
        self.assertEqual(set(notices.mapped("shutoff_date")), {date(2025, 5, 8)})
        # Counted once, at the final notice of April 2 (issue 13 item 3): the
        # final notice printed May 8 already, and it is the account's date.
        final = self._notices(self.building, "final")
        self.assertEqual(final.shutoff_date, date(2025, 5, 8))
        self.assertEqual(self.building.dlq_shutoff_date, date(2025, 5, 8))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("utility_billing.report_utility_notice", occupant.ids)[0]
            .decode()
        )
        self.assertIn("without paying the amount past due", html)
        # The list does not release it before May 8.
        self.assertIn("occupant", self._codes(self.building, date(2025, 5, 7)))
        self._run(date(2025, 5, 7))
        line = self._shutoff_line(self.building, date(2025, 5, 7))
        self.assertEqual(line.state, "blocked")
        self.assertIn("9 of 10 days", line.block_reason)
        self.assertEqual(self._codes(self.building, date(2025, 5, 8)), [])
        self._run(date(2025, 5, 8))
        self.assertEqual(
            self._shutoff_line(self.building, date(2025, 5, 8)).state, "eligible"
        )

    def test_detached_landlord_paid_seven_days(self):
        self.assertEqual(self.house._dlq_occupant_notice_days(), 7)
        self.assertEqual(self.owner._dlq_occupant_notice_days(), 0)
        self._walk()
        notices = self._shutoff_notices(self.house)
        self.assertEqual(len(notices), 2)
        # April 28 + 7 days = May 5, before the 7 business days' May 7.
        self.assertEqual(set(notices.mapped("shutoff_date")), {date(2025, 5, 7)})
        self.assertEqual(len(self._shutoff_notices(self.owner)), 1)
        self.assertIn("occupant", self._codes(self.house, date(2025, 5, 4)))
        self.assertNotIn("occupant", self._codes(self.house, date(2025, 5, 5)))
        self._run(date(2025, 5, 7))
        self.assertEqual(
            self._shutoff_line(self.house, date(2025, 5, 7)).state, "eligible"
        )
        self.assertEqual(
            self._shutoff_line(self.owner, date(2025, 5, 7)).state, "eligible"
        )

    def test_portal_lists_the_notice_once(self):
        """The customer's portal page lists the shut-off notice once: the copy
        mailed to the occupant is the same notice."""
        self._walk()
        notices = self._shutoff_notices(self.house)
        listed = self.house._portal_notices()
        self.assertIn(notices.filtered(lambda n: not n.occupant), listed)
        self.assertNotIn(notices.filtered("occupant"), listed)
        self.assertEqual(listed, listed.filtered(lambda n: n.state == "sent"))
