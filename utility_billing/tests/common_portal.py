# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user

from .common_billing import UtilityBillingRunCommon

PORTAL_LOGIN = "portal_maria"


class UtilityPortalCommon(UtilityBillingRunCommon):
    """Two customers billed for March 2025, for the portal's tests: Maria
    (``cls.partner``, a portal user logging in as ``PORTAL_LOGIN``) with
    ``cls.account``, its meter, March read and bill; and her neighbour Jose
    (``cls.other_partner``, with an e-mail and a phone that must never show
    on Maria's pages) with ``cls.other_account``, ``cls.other_bill``.
    Combine with ``HttpCase``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.email = "maria@example.com"
        _premise, cls.meter, cls.account = cls._billing_account("PT-1")
        cls.other_partner = cls.env["res.partner"].create(
            {
                "name": "Jose Ramirez",
                "email": "jose.secret@example.com",
                "phone": "(760) 555-0199",
            }
        )
        _premise, cls.other_meter, cls.other_account = cls._billing_account(
            "PT-2", partner=cls.other_partner
        )
        cls.march_read = cls._read(cls.meter, "2025-03-28", 10)
        cls.other_march_read = cls._read(cls.other_meter, "2025-03-28", 20)
        run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": cls.PERIOD_START,
                "period_end": cls.PERIOD_END,
                "bill_date": cls.BILL_DATE,
            }
        )
        run.action_compute()
        run.action_post()
        cls.bill = run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.account
        )
        cls.other_bill = run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.other_account
        )
        cls.portal_user = new_test_user(
            cls.env,
            login=PORTAL_LOGIN,
            password=PORTAL_LOGIN,
            name="Maria Garcia",
            groups="base.group_portal",
            partner_id=cls.partner.id,
        )

    def _portal_login(self):
        """Log in as Maria, the portal user."""
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
