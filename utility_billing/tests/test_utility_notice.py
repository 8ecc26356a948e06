# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import UtilityBillingCommon


class NoticeCase(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_exception_rules()
        cls.Notice = cls.env["utility.notice"]
        cls.Order = cls.env["utility.service.order"]
        cls.Mail = cls.env["mail.mail"]

    @classmethod
    def _high_read(cls, serial, partner=None, customer_class="residential", **vals):
        """An account using 1 HCF a day for three months, then a read of 3 HCF a day
        over 30 days (2025-05-05), flagged high use and waiting for review."""
        _premise, meter, account = cls._setup_account(
            serial, partner=partner, customer_class=customer_class
        )
        if vals:
            account.write(vals)
        cls._usage_history(meter)
        read = cls._read(meter, "2025-05-05", 180)
        return account, read

    def _render_letter(self, notice):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "utility_billing.action_report_utility_notice", notice.ids
        )
        return html.decode()


class HighUsageNoticeTests:
    """Tests of NoticeCase's fixtures, run by TestNotices."""

    def test_accepting_high_read_creates_order_and_letter(self):
        """A CSR II accepting a high read creates an urgent investigation order and
        a high-usage notice; without paperless billing the notice is a letter,
        kept on the notice and attached to a message in the account's chatter."""
        account, read = self._high_read("NT-LETTER")
        self.assertEqual(read.exception_code, "high")
        read.with_user(self.csr2).action_accept()
        order = self.Order.search([("read_id", "=", read.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.order_type, "investigate")
        self.assertEqual(order.priority, "1")
        self.assertEqual(order.account_id, account)
        self.assertEqual(order.meter_id, read.meter_id)
        notice = self.Notice.search([("read_id", "=", read.id)])
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.kind, "high_usage")
        self.assertEqual(notice.account_id, account)
        self.assertEqual(notice.partner_id, self.partner)
        self.assertEqual(notice.service_order_id, order)
        self.assertEqual(notice.channel, "letter")
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.lang, "en_US")
        self.assertEqual(notice.document_id.mimetype, "application/pdf")
        self.assertEqual(notice.document_id.res_model, "utility.notice")
        self.assertEqual(notice.document_id.res_id, notice.id)
        # No e-mail for this notice (the demo's own notices may have some).
        self.assertFalse(
            self.Mail.search(
                [("model", "=", "utility.notice"), ("res_id", "=", notice.id)]
            )
        )
        message = account.message_ids.filtered(lambda m: "letter" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids, notice.document_id)
        self.assertEqual(account.notice_count, 1)
        listed = account.action_view_notices()
        self.assertEqual(self.Notice.search(listed["domain"]), notice)
        self.assertEqual(order.notice_ids, notice)

    def test_usage_figures(self):
        """The notice compares the period's use with the usual daily use (average
        of the recent reads before the high one)."""
        _account, read = self._high_read("NT-FIG")
        read.with_user(self.csr2).action_accept()
        notice = self.Notice.search([("read_id", "=", read.id)])
        self.assertEqual(notice.consumption, 90)
        self.assertEqual(notice.days, 30)
        self.assertAlmostEqual(notice.daily_use, 3.0)
        self.assertAlmostEqual(notice.usual_daily_use, 1.0)
        self.assertAlmostEqual(notice.usual_consumption, 30.0)
        self.assertEqual(notice.uom_id, self.hcf)
        html = self._render_letter(notice)
        self.assertIn("90.0", html)
        self.assertIn("3.00", html)
        self.assertIn("1.00", html)
        self.assertIn("748", html, "a HCF a day is about 748 gallons a day")

    def test_paperless_account_gets_email(self):
        """A paperless account whose customer has an e-mail address is notified by
        e-mail (a queued mail.mail to the customer), not by letter."""
        partner = self.env["res.partner"].create(
            {"name": "Rosa Paperless", "email": "rosa@example.com"}
        )
        account, read = self._high_read("NT-MAIL", partner=partner, paperless=True)
        read.with_user(self.csr2).action_accept()
        notice = self.Notice.search([("read_id", "=", read.id)])
        self.assertEqual(notice.channel, "email")
        self.assertEqual(notice.state, "sent")
        self.assertFalse(notice.document_id)
        mail = self.Mail.search(
            [("model", "=", "utility.notice"), ("res_id", "=", notice.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, partner)
        self.assertIn("High water use notice", mail.subject)
        self.assertIn(account.name, mail.subject)
        self.assertIn("Toilets", mail.body_html)
        self.assertTrue(
            account.message_ids.filtered(lambda m: "rosa@example.com" in (m.body or ""))
        )

    def test_paperless_without_email_gets_letter(self):
        """Paperless but no e-mail address: a letter."""
        account, read = self._high_read("NT-NOMAIL", paperless=True)
        self.assertFalse(account.partner_id.email)
        read.with_user(self.csr2).action_accept()
        notice = self.Notice.search([("read_id", "=", read.id)])
        self.assertEqual(notice.channel, "letter")
        self.assertTrue(notice.document_id)

    def test_letter_in_english_and_spanish(self):
        """The letter is in the account's language: English, or Spanish with the
        Spanish text (leak checklist included)."""
        self.env["res.lang"]._activate_lang("es_MX")
        _account_en, read_en = self._high_read("NT-EN")
        _account_es, read_es = self._high_read("NT-ES", lang="es_MX")
        (read_en | read_es).with_user(self.csr2).action_accept()
        notice_en = self.Notice.search([("read_id", "=", read_en.id)])
        notice_es = self.Notice.search([("read_id", "=", read_es.id)])
        self.assertEqual(notice_es.lang, "es_MX")
        html_en = self._render_letter(notice_en)
        html_es = self._render_letter(notice_es)
        self.assertIn("High Water Use Notice", html_en)
        self.assertIn("Toilets", html_en)
        self.assertIn("Aviso de consumo alto de agua", html_es)
        self.assertIn("Inodoros", html_es)
        self.assertNotIn("High Water Use Notice", html_es)
        self.assertNotIn("Toilets", html_es)
        self.assertNotEqual(html_en, html_es)
        self.assertTrue(notice_es.document_id)

    def test_email_in_spanish(self):
        """A Spanish-speaking paperless customer gets the e-mail in Spanish."""
        self.env["res.lang"]._activate_lang("es_MX")
        partner = self.env["res.partner"].create(
            {"name": "Juan Pérez", "email": "juan@example.com"}
        )
        _account, read = self._high_read(
            "NT-ES-MAIL", partner=partner, paperless=True, lang="es_MX"
        )
        read.with_user(self.csr2).action_accept()
        notice = self.Notice.search([("read_id", "=", read.id)])
        mail = self.Mail.search(
            [("model", "=", "utility.notice"), ("res_id", "=", notice.id)]
        )
        self.assertIn("Aviso de consumo alto de agua", mail.subject)
        self.assertIn("Inodoros", mail.body_html)
        self.assertNotIn("Toilets", mail.body_html)

    def test_configured_by_customer_class(self):
        """The high-use rule of a customer class can turn the notice and the order
        off: an irrigation account gets neither, a residential one both."""
        self._exception_rule(
            "high",
            customer_class="irrigation",
            history_count=3,
            threshold_percent=100,
            min_consumption=5,
            notify_customer=False,
            create_service_order=False,
        )
        _acc, irrigation = self._high_read("NT-IRR", customer_class="irrigation")
        _acc, residential = self._high_read("NT-RES")
        self.assertEqual(irrigation.exception_code, "high")
        (irrigation | residential).with_user(self.csr2).action_accept()
        self.assertFalse(self.Notice.search([("read_id", "=", irrigation.id)]))
        self.assertFalse(self.Order.search([("read_id", "=", irrigation.id)]))
        self.assertTrue(self.Notice.search([("read_id", "=", residential.id)]))
        self.assertTrue(self.Order.search([("read_id", "=", residential.id)]))

    def test_notice_without_order(self):
        """Notice on, order off: the notice is sent and mentions no order."""
        self.env["utility.read.exception.rule"].search(
            [("exception_code", "=", "high")]
        ).create_service_order = False
        _account, read = self._high_read("NT-NOORD")
        read.with_user(self.csr2).action_accept()
        notice = self.Notice.search([("read_id", "=", read.id)])
        self.assertTrue(notice)
        self.assertFalse(notice.service_order_id)
        self.assertFalse(self.Order.search([("read_id", "=", read.id)]))
        self.assertNotIn("service order", self._render_letter(notice))

    def test_manual_notice_sent_once(self):
        """A notice made by hand is sent once; a sent notice cannot be sent again or
        deleted."""
        _premise, _meter, account = self._setup_account("NT-MAN")
        notice = self.Notice.create({"account_id": account.id, "kind": "high_usage"})
        self.assertEqual(notice.partner_id, self.partner)
        self.assertEqual(notice.channel, "letter")
        notice.action_send()
        self.assertEqual(notice.state, "sent")
        with self.assertRaises(UserError) as cm:
            notice.action_send()
        self.assertIn("already been sent", str(cm.exception))
        with self.assertRaises(UserError) as cm:
            notice.unlink()
        self.assertIn("kept on the account", str(cm.exception))

    def test_sent_notice_keeps_its_channel(self):
        """How a notice was sent stays on it: the customer going paperless
        later changes the channel of the drafts only."""
        _premise, _meter, account = self._setup_account("NT-KEEP")
        account.partner_id.email = "maria@example.com"
        sent = self.Notice.create({"account_id": account.id, "kind": "high_usage"})
        sent.action_send()
        draft = self.Notice.create({"account_id": account.id, "kind": "high_usage"})
        self.assertEqual((sent | draft).mapped("channel"), ["letter", "letter"])
        account.paperless = True
        self.assertEqual(sent.channel, "letter")
        self.assertEqual(draft.channel, "email")

    def test_email_channel_needs_address(self):
        """An e-mail notice to a customer without address is refused."""
        _premise, _meter, account = self._setup_account("NT-NOADDR")
        notice = self.Notice.create(
            {"account_id": account.id, "kind": "high_usage", "channel": "email"}
        )
        with self.assertRaises(UserError) as cm:
            notice.action_send()
        self.assertIn("no e-mail address", str(cm.exception))
        self.assertEqual(notice.state, "draft")


class NoticeSecurityTests:
    """Tests of NoticeCase's fixtures, run by TestNotices."""

    def test_csr1_reads_and_creates_manager_deletes(self):
        """A CSR I creates, sends and reads notices; only a manager deletes one
        (a draft)."""
        _premise, _meter, account = self._setup_account("NT-SEC")
        Notice = self.Notice.with_user(self.csr1)
        notice = Notice.create({"account_id": account.id, "kind": "high_usage"})
        notice.with_user(self.csr1).action_send()
        self.assertEqual(Notice.search([("id", "=", notice.id)]), notice)
        draft = Notice.create({"account_id": account.id, "kind": "high_usage"})
        with self.assertRaises(AccessError):
            draft.with_user(self.csr1).unlink()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())

    def test_other_company_notices_invisible(self):
        """A user of another company sees none of this company's notices."""
        _premise, _meter, account = self._setup_account("NT-MC")
        notice = self.Notice.create({"account_id": account.id, "kind": "high_usage"})
        company_b = self.setup_other_company(name="NT Other District")["company"]
        user_b = new_test_user(
            self.env,
            login="nt_manager_b",
            groups="base.group_user,utility_billing.group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self.Notice.with_user(user_b).search([("id", "=", notice.id)]))
        with self.assertRaises(AccessError):
            notice.with_user(user_b).read(["kind"])


@tagged("post_install", "-at_install")
class TestNotices(
    HighUsageNoticeTests,
    NoticeSecurityTests,
    NoticeCase,
):
    """The tests of the fixtures of NoticeCase, in one class: one set-up of
    the accounting test base for them all."""
