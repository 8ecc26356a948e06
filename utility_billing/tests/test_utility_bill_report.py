# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from lxml import html

from odoo.tests import tagged

from .common_billing import UtilityBillingRunCommon

REPORT = "utility_billing.report_utility_bill"


@tagged("post_install", "-at_install")
class TestUtilityBillReport(UtilityBillingRunCommon):
    """The utility bill (rendered as HTML): what the customer reads on it, in
    their language; bills e-mailed to paperless accounts, printed in route walk
    order for the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Rosa Martinez",
                "street": "PO Box 77",
                "city": "Coachella",
                "zip": "92236",
                "email": "rosa@example.com",
            }
        )
        cls.premise, cls.meter, cls.account = cls._billing_account(
            "RPT-1", install_date="2025-01-05", partner=cls.customer
        )
        cls._read(cls.meter, "2025-01-28", 20)
        cls._read(cls.meter, "2025-02-26", 45)
        cls.read_march = cls._read(cls.meter, "2025-03-28", 95)
        february = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": "2025-02-01",
                "period_end": "2025-02-28",
                "bill_date": "2025-03-03",
            }
        )
        february.action_compute()
        february.action_post()
        cls.february_bill = february.invoice_ids
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.february_bill.ids
        ).create({"amount": 50.0, "payment_date": "2025-03-20"})._create_payments()
        cls.billing_run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": cls.PERIOD_START,
                "period_end": cls.PERIOD_END,
                "bill_date": cls.BILL_DATE,
            }
        )
        cls.billing_run.action_compute()
        cls.billing_run.action_post()
        cls.bill = cls.billing_run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.account
        )

    def _render(self, moves):
        content = self.env["ir.actions.report"]._render_qweb_html(REPORT, moves.ids)[0]
        return html.fromstring(content)

    @staticmethod
    def _text(element):
        """Visible text, one space between words and between cells."""
        text = " ".join(element.itertext()).replace("\ufeff", "")
        return " ".join(text.replace("\xa0", " ").split())

    def _rows(self, root, table_class):
        """Text of the cells of each body row of a table of the bill."""
        rows = root.xpath(
            f"//table[contains(@class, '{table_class}')]//tr[not(ancestor::thead)]"
        )
        return [[self._text(td) for td in row.xpath("./td")] for row in rows]

    def test_bill_content(self):
        """The bill shows the account number, service address, period, reads and
        consumption, charges by service and tier with the UUT, due date and a
        remittance stub."""
        self.assertEqual(self.bill.amount_total, 123.16)
        root = self._render(self.bill)
        text = self._text(root)
        self.assertEqual(
            self._text(root.xpath("//td[hasclass('o_ub_account_number')]")[0]),
            self.account.name,
        )
        self.assertIn(f"Service Address {self.premise.name}", text)
        self.assertEqual(self.premise.name, "RPT-1 Calle Tampico, Coachella, 92236")
        self.assertIn(f"Bill Number {self.bill.name}", text)
        self.assertIn("Bill Date 04/03/2025", text)
        self.assertIn("Service Period 03/01/2025 - 03/31/2025", text)
        self.assertIn("Rosa Martinez", text)
        self.assertEqual(
            self._rows(root, "o_ub_reads"),
            [["RPT-1", "02/26/2025", "45", "03/28/2025", "95", "50", "HCF"]],
        )
        self.assertEqual(
            self._rows(root, "o_ub_charges"),
            [
                ["Water"],
                ['Water service charge (3/4" meter)', "1", "13.80", "$ 13.80"],
                ["Water usage tier 1 (0 to 41)", "41", "1.50", "$ 61.50"],
                ["Water usage tier 2 (over 41)", "9", "1.65", "$ 14.85"],
                ["Trash"],
                ["Trash collection", "1", "28.50", "$ 28.50"],
                ["Utility Users Tax", "$ 4.51"],
            ],
        )
        self.assertIn("Due Date 04/24/2025", text)
        stub = self._text(root.xpath("//div[hasclass('o_ub_stub')]")[0])
        self.assertIn(f"Account Number {self.account.name}", stub)
        self.assertIn("Due Date 04/24/2025", stub)
        self.assertIn("Amount Due $ 155.53", stub)
        self.assertIn("Please detach and return this portion with your payment.", stub)
        self.assertIn(f"Remit to: {self.env.company.name}", stub)

    def test_bill_past_due_contact_and_ways_to_pay(self):
        """What is left of an earlier bill due before this one was issued is
        called past due; the bill says whom to call, when, and how to pay."""
        self.env.company.write(
            {
                "utility_service_phone": "(760) 398-3502",
                "utility_office_hours": "Monday to Thursday, 7:00 a.m. to 6:00 p.m.",
            }
        )
        self.assertEqual(self.bill._utility_bill_summary()["past_due"], 32.37)
        root = self._render(self.bill)
        box = self._text(root.xpath("//div[hasclass('o_ub_past_due')]")[0])
        self.assertIn("Past Due: $ 32.37 is past due.", box)
        contact = self._text(root.xpath("//div[hasclass('o_ub_contact')]")[0])
        self.assertIn("Customer Service: (760) 398-3502", contact)
        self.assertIn(
            "Office hours: Monday to Thursday, 7:00 a.m. to 6:00 p.m.", contact
        )
        self.assertIn("By mail: send the stub below with your check", contact)
        # Paid up: no past-due box on the first bill once it is paid.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.february_bill.ids
        ).create({"payment_date": "2025-03-21"})._create_payments()
        self.assertEqual(self.bill._utility_bill_summary()["past_due"], 0.0)
        self.assertFalse(
            self._render(self.bill).xpath("//div[hasclass('o_ub_past_due')]")
        )

    def test_numbers_as_a_customer_reads_them(self):
        """Whole readings without ".0", rates to the cent (or to the
        hundredth of a cent), thousands separated, in the bill's language."""
        fmt = self.env["account.move"]._utility_format_number
        self.assertEqual(fmt(4525.0), "4,525")
        self.assertEqual(fmt(12.5), "12.5")
        self.assertEqual(fmt(13.8, 2, 4), "13.80")
        self.assertEqual(fmt(1.6525, 2, 4), "1.6525")
        self.assertEqual(fmt(0.0), "0")

    def test_consumption_history(self):
        """The history chart has 13 monthly bars ending with the billed month,
        each with the month's consumption."""
        root = self._render(self.bill)
        table = root.xpath("//table[hasclass('o_ub_history')]")[0]
        bars, labels = table.xpath("./tr") or table.xpath("./tbody/tr")
        values = [self._text(td) for td in bars.xpath("./td")]
        months = [self._text(td) for td in labels.xpath("./td")]
        self.assertEqual(len(values), 13)
        self.assertEqual(months[0], "03/24")
        self.assertEqual(months[-3:], ["01/25", "02/25", "03/25"])
        self.assertEqual(values, ["0"] * 10 + ["20", "25", "50"])
        heights = [td.xpath("./div")[1].get("style") for td in bars.xpath("./td")]
        self.assertIn("height: 60px", heights[-1])
        self.assertIn("height: 24px", heights[-3])

    def test_previous_balance_and_payments(self):
        """The summary box: what was owed before the payments since the last
        bill, those payments, the balance forward, this bill and the total due
        (on the bill and on its stub)."""
        self.assertEqual(self.february_bill.amount_total, 82.37)
        self.assertEqual(self.february_bill.amount_residual, 32.37)
        summary = self.bill._utility_bill_summary()
        self.assertAlmostEqual(summary["previous_balance"], 82.37)
        self.assertAlmostEqual(summary["payments"], 50.0)
        self.assertAlmostEqual(summary["balance_forward"], 32.37)
        self.assertAlmostEqual(summary["total_due"], 155.53)
        root = self._render(self.bill)
        self.assertEqual(
            self._rows(root, "o_ub_summary"),
            [
                ["Previous Balance", "$ 82.37"],
                ["Payments Since Last Bill", "$ -50.00"],
                ["Balance Forward", "$ 32.37"],
                ["Current Charges", "$ 123.16"],
                ["Total Amount Due", "$ 155.53"],
                ["Due Date", "04/24/2025"],
            ],
        )
        # The first bill had nothing before it.
        first = self._rows(self._render(self.february_bill), "o_ub_summary")
        self.assertEqual(first[0], ["Previous Balance", "$ 0.00"])
        self.assertEqual(first[4], ["Total Amount Due", "$ 32.37"])

    def test_bill_in_spanish(self):
        """An account whose language is Spanish gets its bill in Spanish (with
        Spanish dates) once Spanish is installed; in English before."""
        self.account.lang = "es_MX"
        spanish = (
            self.env["res.lang"]
            .with_context(active_test=False)
            .search([("code", "=", "es_MX")])
        )
        if not spanish.active:
            # Not installed (a database without Spanish): the bill stays English.
            self.assertEqual(self.bill._utility_bill_lang(), "en_US")
        self.env["res.lang"]._activate_lang("es_MX")
        self.env["ir.module.module"]._load_module_terms(
            ["utility_billing"], ["es_MX"], overwrite=True
        )
        self.assertEqual(self.bill._utility_bill_lang(), "es_MX")
        text = self._text(self._render(self.bill))
        self.assertIn("Número de cuenta", text)
        self.assertIn("Saldo anterior", text)
        self.assertIn("Total a pagar", text)
        self.assertIn("Por favor desprenda y devuelva esta parte con su pago.", text)
        self.assertIn("24/04/2025", text)
        self.assertIn("Saldo vencido:", text)
        self.assertIn("Enviar pago a:", text)
        self.assertIn("Formas de pago", text)
        self.assertNotIn("Account Number", text)
        self.assertNotIn("04/24/2025", text)
        self.account.lang = "en_US"
        self.assertIn("Account Number", self._text(self._render(self.bill)))


@tagged("post_install", "-at_install")
class TestUtilityBillDelivery(UtilityBillingRunCommon):
    """Bills by e-mail for paperless accounts, on paper in route walk order for
    the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.route_2 = cls.env["utility.route"].create(
            {"name": "Test Route 2", "code": "TR2", "cycle_id": cls.cycle.id}
        )
        Partner = cls.env["res.partner"]
        cls.paperless_partner = Partner.create(
            {"name": "Paperless Customer", "email": "paperless@example.com"}
        )
        cls.no_email_partner = Partner.create({"name": "No E-mail Customer"})
        # Created out of walk order: numbers (and ids) do not give the order.
        cls.far = cls._paper_account("DL-FAR", cls.route_2, 5)
        cls.late = cls._paper_account("DL-LATE", cls.route, 30)
        cls.early = cls._paper_account("DL-EARLY", cls.route, 20)
        cls.paperless = cls._paper_account(
            "DL-MAIL", cls.route, 10, partner=cls.paperless_partner, paperless=True
        )
        cls.paperless_no_email = cls._paper_account(
            "DL-NOMAIL", cls.route, 15, partner=cls.no_email_partner, paperless=True
        )
        cls.billing_run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": cls.PERIOD_START,
                "period_end": cls.PERIOD_END,
                "bill_date": cls.BILL_DATE,
            }
        )
        cls.billing_run.action_compute()
        cls.billing_run.action_post()

    @classmethod
    def _paper_account(cls, serial, route, sequence, **vals):
        _premise, meter, account = cls._billing_account(
            serial, route=route, sequence=sequence, **vals
        )
        cls._read(meter, "2025-03-28", 10)
        return account

    def _bill_of(self, account):
        return self.billing_run.invoice_ids.filtered(
            lambda m: m.utility_account_id == account
        )

    def _line(self, account):
        return self.billing_run.line_ids.filtered(lambda ln: ln.account_id == account)

    def test_paperless_bills_by_email(self):
        """Paperless accounts get their bill by e-mail with the bill attached;
        one without an e-mail address is flagged; paper accounts get no e-mail."""
        self.billing_run.action_send_bills()
        bill = self._bill_of(self.paperless)
        mails = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", bill.id)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.paperless_partner)
        self.assertIn(self.paperless.name, mails.subject)
        self.assertIn(self.paperless.premise_id.name, mails.body_html)
        attachment = mails.attachment_ids
        self.assertEqual(len(attachment), 1)
        # Tests render reports as HTML instead of PDF (Odoo's test mode).
        self.assertIn(
            attachment.name,
            [
                f"Utility Bill {bill.name.replace('/', '-')}.{ext}"
                for ext in ("pdf", "html")
            ],
        )
        self.assertIn(self.paperless.name.encode(), attachment.raw)
        self.assertIn(b"Total Amount Due", attachment.raw)
        self.assertEqual(mails.mail_message_id.attachment_ids, mails.attachment_ids)
        self.assertTrue(self._line(self.paperless).sent)
        self.assertTrue(bill.is_move_sent)
        no_email = self._line(self.paperless_no_email)
        self.assertFalse(no_email.sent)
        self.assertEqual(no_email.message, "No e-mail address")
        paper_moves = self.billing_run.invoice_ids - bill
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "account.move"), ("res_id", "in", paper_moves.ids)]
            )
        )
        # Sending again sends nothing twice.
        self.billing_run.action_send_bills()
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "account.move"), ("res_id", "=", bill.id)]
            ),
            1,
        )

    def test_paper_bills_in_walk_order(self):
        """The bills to print are the non-paperless ones, in route walk order
        (route code, then premise walk sequence), in one print."""
        expected = (
            self._bill_of(self.early)
            | self._bill_of(self.late)
            | self._bill_of(self.far)
        )
        paper = self.billing_run._paper_bills()
        self.assertEqual(paper.ids, expected.ids)
        action = self.billing_run.with_context(
            discard_logo_check=True
        ).action_print_bills()
        self.assertEqual(action["report_name"], REPORT)
        self.assertEqual(action["context"]["active_ids"], expected.ids)
        content = self.env["ir.actions.report"]._render_qweb_html(REPORT, paper.ids)[0]
        root = html.fromstring(content)
        printed = [
            td.text_content().strip()
            for td in root.xpath("//td[hasclass('o_ub_account_number')]")
        ]
        self.assertEqual(printed, [self.early.name, self.late.name, self.far.name])
        self.assertEqual(self.billing_run.bill_date, date(2025, 4, 3))
