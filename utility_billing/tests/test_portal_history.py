# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The account page's history on the portal: use by month beside the same
month last year, and the notices received with their letters."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import html

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import call_kw, load_po_terms
from .common_billing import UtilityBillingRunCommon


@tagged("post_install", "-at_install")
class TestPortalHistory(UtilityBillingRunCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.email = "maria@example.com"
        _premise, cls.meter, cls.account = cls._billing_account(
            "PH-1", initial_reading=95
        )
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Jose Ramirez", "email": "jose@example.com"}
        )
        _premise, other_meter, cls.other_account = cls._billing_account(
            "PH-2", partner=cls.other_partner
        )
        # This year: 15 HCF read 20 days ago. The same month last year: 12 HCF.
        cls.recent_day = fields.Date.today() - timedelta(days=20)
        cls.last_year_day = cls.recent_day - relativedelta(years=1)
        # 35 days before each: a read of the month before, whatever the day.
        cls._read(cls.meter, cls.last_year_day - timedelta(days=35), 100)
        cls._read(cls.meter, cls.last_year_day, 112)
        cls._read(cls.meter, cls.recent_day - timedelta(days=35), 120)
        cls.recent_read = cls._read(cls.meter, cls.recent_day, 135)
        other_read = cls._read(other_meter, cls.recent_day, 40)
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_maria_h",
            password="portal_maria_h",
            name="Maria Garcia",
            groups="base.group_portal",
            partner_id=cls.partner.id,
        )
        Notice = cls.env["utility.notice"]
        # A letter (the account is not paperless), an e-mail, and a draft.
        cls.letter = Notice.create(cls._notice_vals(cls.account, cls.recent_read))
        cls.letter.action_send()
        cls.emailed = Notice.create(
            dict(cls._notice_vals(cls.account, cls.recent_read), channel="email")
        )
        cls.emailed.action_send()
        cls.draft = Notice.create(cls._notice_vals(cls.account, cls.recent_read))
        cls.other_notice = Notice.create(
            cls._notice_vals(cls.other_account, other_read)
        )
        cls.other_notice.action_send()
        load_po_terms(cls.env, "utility_billing")

    @classmethod
    def _notice_vals(cls, account, read):
        return {
            "account_id": account.id,
            "kind": "high_usage",
            "read_id": read.id,
            "consumption": read.consumption,
            "days": read.days,
        }

    def _login(self, lang="en_US"):
        self.portal_user.lang = lang
        self.authenticate("portal_maria_h", "portal_maria_h")

    def _page(self, prefix=""):
        response = self.url_open(f"{prefix}/my/utility_accounts/{self.account.id}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_chart_numbers_are_the_reads(self):
        """Each of the last 12 months shows the use of the account's reads of
        that month beside the use of the same month a year before."""
        rows = self.account.sudo()._portal_consumption_compared()
        self.assertEqual(len(rows), 12)
        Read = self.env["utility.meter.read"]

        def read_use(month):
            reads = Read.search(
                [
                    ("account_id", "=", self.account.id),
                    ("state", "in", ("valid", "billed")),
                    ("read_date", ">=", month),
                    ("read_date", "<", month + relativedelta(months=1)),
                ]
            )
            return sum(reads.mapped("consumption"))

        for row in rows:
            self.assertEqual(
                row["last_year_month"], row["month"] - relativedelta(years=1)
            )
            self.assertEqual(row["consumption"], read_use(row["month"]))
            self.assertEqual(row["last_year"], read_use(row["last_year_month"]))
        recent = next(r for r in rows if r["month"] == self.recent_day.replace(day=1))
        self.assertEqual(recent["consumption"], 15)
        self.assertEqual(recent["last_year"], 12)
        self.assertEqual(recent["percent"], 100)
        self.assertEqual(recent["last_year_percent"], 80)

        self._login()
        page = html.fromstring(self._page())
        month = fields.Date.to_string(self.recent_day)[:7]
        last_year = fields.Date.to_string(self.last_year_day)[:7]
        shown = {
            (span.get("class").split()[-1], span.get("data-month")): span.text_content()
            for span in page.xpath(
                "//table[contains(@class, 'o_utility_portal_consumption_chart')]"
                "//span[@data-month]"
            )
        }
        self.assertEqual(len(shown), 24)
        self.assertEqual(shown[("o_utility_chart_this_year", month)], "15")
        self.assertEqual(shown[("o_utility_chart_last_year", last_year)], "12")
        for row in rows:
            key = ("o_utility_chart_this_year", row["month"].isoformat()[:7])
            self.assertEqual(shown[key], f"{row['consumption']:.0f}")
        # The figures are text in a table with a caption, for screen readers.
        caption = page.xpath(
            "//table[contains(@class, 'o_utility_portal_consumption_chart')]/caption"
        )
        self.assertIn("same month last year", caption[0].text_content())

    def test_notices_listed_and_opened(self):
        """The customer sees the notices sent to the account (not the draft,
        not the neighbour's) and opens each one's letter."""
        self.assertEqual(self.letter.channel, "letter")
        self.assertTrue(self.letter.document_id)
        self.assertEqual(self.emailed.channel, "email")
        self.assertFalse(self.emailed.document_id)
        self.assertEqual(
            self.account.sudo()._portal_notices(), self.emailed | self.letter
        )
        self._login()
        page = self._page()
        self.assertIn("Notices Received", page)
        self.assertIn("High Usage", page)
        for notice in self.letter | self.emailed:
            self.assertIn(f"/my/utility_notices/{notice.id}", page)
        self.assertNotIn(f"/my/utility_notices/{self.draft.id}", page)
        self.assertNotIn(f"/my/utility_notices/{self.other_notice.id}", page)

        # The letter as it was mailed.
        response = self.url_open(f"/my/utility_notices/{self.letter.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertEqual(response.content, self.letter.document_id.raw)
        # The e-mailed notice, rendered as its letter (HTML in tests: no
        # wkhtmltopdf run while testing).
        response = self.url_open(f"/my/utility_notices/{self.emailed.id}?download=1")
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            response.headers["Content-Type"].split(";")[0],
            ("application/pdf", "text/html"),
        )
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertIn(self.account.name, response.text)

    def test_other_notice_refused(self):
        """Another customer's notice, a draft and a missing id answer 404, by
        URL; over JSON-RPC the customer reads only the notices sent to them."""
        self._login()
        with mute_logger("odoo.http"):
            for notice_id in (self.other_notice.id, self.draft.id, 999999999):
                with self.subTest(notice_id=notice_id):
                    response = self.url_open(f"/my/utility_notices/{notice_id}")
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn(self.other_account.name, response.text)
        reply = call_kw(self, "utility.notice", "search_read", [[]], {"fields": ["id"]})
        self.assertEqual(
            sorted(row["id"] for row in reply["result"]),
            sorted((self.letter | self.emailed).ids),
        )
        with mute_logger("odoo.http"):
            reply = call_kw(
                self, "utility.notice", "read", [self.other_notice.ids, ["date"]]
            )
        self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.AccessError")
        # Read-only: refused (as a sent notice, before the rights even count).
        days = self.letter.days
        with mute_logger("odoo.http"):
            reply = call_kw(
                self, "utility.notice", "write", [self.letter.ids, {"days": days + 1}]
            )
        self.assertIn(
            reply["error"]["data"]["name"],
            ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
        )
        self.letter.invalidate_recordset(["days"])
        self.assertEqual(self.letter.days, days)
        with mute_logger("odoo.http"):
            reply = call_kw(self, "utility.notice", "unlink", [self.letter.ids])
        self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.AccessError")

    def test_anonymous_visitor_refused(self):
        """Without a session the notice's URL leads to the login page."""
        response = self.url_open(f"/my/utility_notices/{self.letter.id}")
        self.assertIn("/web/login", response.url)
        self.assertNotIn(self.account.name, response.text)

    def test_spanish_page(self):
        """Under /es/ the chart and the notices are in Spanish."""
        self._login("es_MX")
        page = self._page("/es")
        for label in (
            "Consumo de agua por mes",
            "Este año",
            "Mismo mes del año pasado",
            "Avisos recibidos",
            "Consumo alto",
            "Carta",
        ):
            self.assertIn(label, page)
        for label in ("Notices Received", "This year", "Same month last year"):
            self.assertNotIn(label, page)
        # Month names are Spanish too ("dic", "ene"...).
        month = html.fromstring(page).xpath(
            "//table[contains(@class, 'o_utility_portal_consumption_chart')]"
            "//tbody/tr/th"
        )[0]
        self.assertTrue(month.text_content().strip().islower())
