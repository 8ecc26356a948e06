# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.tests import tagged

from .ach_common import UtilityAchCommon
from .common_delinquency import UtilityDelinquencyCommon

BADGES = ("badge_autopay", "badge_plan", "badge_shutoff", "badge_cash_only")


def _badges(account):
    account.invalidate_recordset(BADGES)
    return {name: account[name] for name in BADGES}


@tagged("post_install", "-at_install")
class TestAccountBadges(UtilityDelinquencyCommon):
    """The account list tells a CSR, before the call, that a plan runs, a
    shut-off is coming or the counter takes no checks; the search view finds
    those accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("BADGE001")
        cls.bill = cls._bill(cls.account, 120.0)

    def _found(self, domain):
        Account = self.env["utility.account"].with_user(self.csr1)
        return Account.search(domain + [("id", "=", self.account.id)])

    def test_list_shows_the_badges(self):
        arch = (
            self.env["utility.account"]
            .with_user(self.csr1)
            .get_views([(False, "list")])["views"]["list"]["arch"]
        )
        columns = etree.fromstring(arch).xpath("//field[@widget='badge']/@name")
        for name in BADGES:
            self.assertIn(name, columns)
        search = (
            self.env["utility.account"]
            .with_user(self.csr1)
            .get_views([(False, "search")])["views"]["search"]["arch"]
        )
        filters = etree.fromstring(search).xpath("//filter/@name")
        for name in ("autopay", "on_plan", "shutoff_pending", "shutoff_date_set"):
            self.assertIn(name, filters)
        self.assertIn("cash_only", filters)

    def test_no_badge_on_a_plain_account(self):
        self.assertEqual(
            _badges(self.account),
            {name: False for name in BADGES},
        )

    def test_shutoff_notice_then_pending(self):
        account = self.account
        self._walk_to_list(account)
        self.assertTrue(account.dlq_shutoff_date, "The shut-off notice dates it.")
        self.assertEqual(_badges(account)["badge_shutoff"], "Shut-off Notice")
        self.assertTrue(self._found([("dlq_shutoff_date", "!=", False)]))
        self.assertFalse(self._found([("shutoff_pending", "=", True)]))

        self._run(self._days(60))
        line = self._shutoff_line(account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        self.assertEqual(_badges(account)["badge_shutoff"], "Shut-off Pending")
        self.assertTrue(self._found([("shutoff_pending", "=", True)]))
        badges = _badges(account)
        self.assertFalse(badges["badge_plan"] or badges["badge_cash_only"])

    def test_plan_badge(self):
        plan = (
            self.env["utility.payment.plan"]
            .with_user(self.csr1)
            .create(
                {
                    "account_id": self.account.id,
                    "months": 3,
                    "down_payment": 0.0,
                    "start_date": self._days(10),
                }
            )
        )
        self.assertEqual(_badges(self.account)["badge_plan"], False, "Draft plan")
        plan.action_confirm()
        self.assertEqual(plan.state, "active")
        self.assertEqual(_badges(self.account)["badge_plan"], "Plan")
        self.assertTrue(self._found([("payment_plan_id", "!=", False)]))

    def test_cash_only_badge_in_the_users_language(self):
        self.account.with_user(self.csr2).action_set_cash_only()
        self.assertEqual(_badges(self.account)["badge_cash_only"], "Cash Only")
        self.assertTrue(self._found([("cash_only", "=", True)]))
        self.env["res.lang"]._activate_lang("es_MX")
        spanish = self.account.with_context(lang="es_MX")
        self.assertEqual(_badges(spanish)["badge_cash_only"], "Solo efectivo")


@tagged("post_install", "-at_install")
class TestAccountAutopayBadge(UtilityAchCommon):
    def test_autopay_badge(self):
        account = self._account("BADGE002")
        mandate = self._mandate(account)
        self.assertEqual(_badges(account)["badge_autopay"], "Autopay")
        Account = self.env["utility.account"].with_user(self.csr1)
        self.assertIn(account, Account.search([("autopay", "=", True)]))
        mandate.write({"state": "revoked"})
        self.assertFalse(_badges(account)["badge_autopay"])
        self.assertNotIn(account, Account.search([("autopay", "=", True)]))
