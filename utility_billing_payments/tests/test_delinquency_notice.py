# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyNotice(UtilityDelinquencyCommon):
    """The letters carry what SB 998 requires, in the account's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.write({"street": "10 Calle Tampico", "zip": "92236"})
        cls.account = cls._account("NOT0001")
        cls._bill(cls.account, 120.0)

    def _html(self, notices):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("utility_billing.report_utility_notice", notices.ids)[0]
            .decode()
        )

    def test_shutoff_notice_sb998_content_english(self):
        for day in (1, 5, 30, 45):
            self._run(self._days(day))
        notice = self._notices(self.account, "shutoff")
        html = self._html(notice)
        for text in (
            "Notice of Water Service Shut-off for Non-payment",
            "Maria Garcia",  # (i) customer name (and address block)
            "132.00",  # (ii) amount delinquent
            "05/02/2025",  # (iii) date to pay or arrange by
            "Extension:",  # (iv) extension of time
            "Bill review and appeal:",  # (v) bill review and appeal
            "amortization of the unpaid balance",  # (vi) alternative schedules
            "(760) 398-3502",  # telephone for options
            "Medical certification:",
            "Restoring service:",
            "How to pay",
            "Spanish, Chinese, Tagalog, Vietnamese and Korean",
        ):
            self.assertIn(text, html)

    def test_spanish_notices(self):
        self.account.lang = "es_MX"
        for day in (1, 5, 30, 45):
            self._run(self._days(day))
        late = self._notices(self.account, "late")
        self.assertEqual(late.lang, "es_MX")
        html = self._html(late)
        self.assertIn("Aviso de pago atrasado", html)
        self.assertNotIn("Late Payment Notice", html)
        html = self._html(self._notices(self.account, "shutoff"))
        for text in (
            "Aviso de corte del servicio de agua por falta de pago",
            "Monto vencido",
            "Pague o haga un arreglo de pago antes del",
            "Prórroga:",
            "Revisión y apelación:",
            "amortización del saldo",
            "Certificación médica:",
            "Restablecer el servicio:",
            "(760) 398-3502",
        ):
            self.assertIn(text, html)
        self.assertNotIn("How to pay", html)

    def test_spanish_email(self):
        self.account.write({"lang": "es_MX", "paperless": True})
        self.partner.email = "maria@example.com"
        self._run(self._days(1))
        self._run(self._days(5))
        late = self._notices(self.account, "late")
        mail = self.env["mail.mail"].search(
            [("model", "=", "utility.notice"), ("res_id", "=", late.id)]
        )
        self.assertIn("Aviso de pago atrasado", mail.subject)
        self.assertIn("revisión o apelación", mail.body_html)

    def test_a_context_key_does_not_skip_the_letters(self):
        """A CSR II running the day with the key the demo once used to leave
        the PDF out still gets the letters rendered and kept (the evidence of
        what was mailed): only server code opening the door skips them."""
        self._run(self._days(1))
        with freeze_time(f"{self._days(5)} 09:00:00"):
            run = (
                self.env["utility.delinquency.run"]
                .with_user(self.csr2)
                .with_context(utility_dlq_no_pdf=True)
                ._get_or_create(self.company, self._days(5))
            )
            run.action_run()
        late = self.env["utility.notice"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "late")]
        )
        self.assertEqual(late.state, "sent")
        self.assertEqual(late.document_id.mimetype, "application/pdf")
        self.assertEqual(run.sudo().letters_attachment_id.mimetype, "application/pdf")

    def test_run_reports(self):
        runs = {}
        for day in (1, 5, 30, 45, 58, 60):
            run = runs[day] = self._run(self._days(day))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_payments.report_utility_delinquency_summary", run.ids
            )[0]
            .decode()
        )
        self.assertIn("Daily Delinquency Summary", html)
        self.assertIn("Test Residential: shutoff_list (60)", html)
        shutoff_list = run.shutoff_list_id
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_payments.report_utility_shutoff_list", shutoff_list.ids
            )[0]
            .decode()
        )
        self.assertIn(self.account.name, html)
        self.assertIn("132.00", html)
        # The letters of a run in one file for the mail room.
        letters = runs[45].letters_attachment_id
        self.assertEqual(letters.mimetype, "application/pdf")
        self.assertIn("(2).pdf", letters.name, "The notice and its occupant copy")
