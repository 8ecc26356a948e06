# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import html

from odoo.tests import tagged

from .common_billing import UtilityBillingRunCommon


@tagged("post_install", "-at_install")
class TestUtilityAccountTimeline(UtilityBillingRunCommon):
    """The account's history: reads, bills, payments, orders, running balance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Rosa Flores"})
        cls.premise, cls.meter, cls.account = cls._billing_account(
            "TL-1", install_date="2025-01-05", partner=cls.customer
        )
        cls._read(cls.meter, "2025-02-26", 30)
        cls._read(cls.meter, "2025-03-28", 50)
        runs = cls.env["utility.billing.run"]
        for start, end, bill in (
            ("2025-02-01", "2025-02-28", "2025-03-03"),
            ("2025-03-01", "2025-03-31", "2025-04-03"),
        ):
            run = runs.create(
                {
                    "cycle_id": cls.cycle.id,
                    "period_start": start,
                    "period_end": end,
                    "bill_date": bill,
                }
            )
            run.action_compute()
            run.action_post()
            runs |= run
        cls.bills = runs.invoice_ids.sorted("invoice_date")
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.bills[0].ids
        ).create({"amount": 40.0, "payment_date": "2025-03-20"})._create_payments()

    def _rows(self, **domain):
        return self.env["utility.account.timeline"].search(
            [("account_id", "=", self.account.id)]
            + [(k, "=", v) for k, v in domain.items()],
            order="date, sequence, id",
        )

    def test_timeline_lists_everything_with_running_balance(self):
        """Reads, both bills and the payment appear in date order; the running
        balance is bills minus payments and ends at the account's balance."""
        rows = self._rows()
        kinds = rows.mapped("kind")
        self.assertEqual(kinds.count("read"), 2)  # February and March
        self.assertEqual(kinds.count("bill"), 2)
        self.assertEqual(kinds.count("payment"), 1)
        money = rows.filtered(lambda r: r.kind in ("bill", "payment"))
        self.assertEqual(
            [(str(r.date), r.kind) for r in money],
            [("2025-03-03", "bill"), ("2025-03-20", "payment"), ("2025-04-03", "bill")],
        )
        first, payment, second = money
        self.assertAlmostEqual(first.amount, self.bills[0].amount_total)
        self.assertAlmostEqual(payment.amount, -40.0)
        self.assertAlmostEqual(
            payment.balance, self.bills[0].amount_total - 40.0, places=2
        )
        self.assertAlmostEqual(rows[-1].balance, self.account.balance, places=2)
        self.assertAlmostEqual(
            self.account.balance,
            self.bills[0].amount_total + self.bills[1].amount_total - 40.0,
            places=2,
        )

    def test_timeline_describes_rows(self):
        """Each row says what it is: the read's meter and consumption, the bill's
        service period, the payment's number."""
        read = self._rows(kind="read").filtered(lambda r: r.quantity == 20)
        self.assertEqual(read.description, "Meter TL-1 read 50 (Actual): 20 HCF")
        bill = self._rows(kind="bill")[0]
        # Dates as the user reads them, not ISO.
        self.assertEqual(
            bill.description,
            f"{self.bills[0].name}, service 02/01/2025 to 02/28/2025",
        )
        payment = self._rows(kind="payment")
        # The method of Register Payment's entry is said.
        self.assertRegex(payment.description, r"^Payment \S+: .*Manual")
        action = bill.action_open()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("account.move", self.bills[0].id)
        )

    def test_service_order_on_timeline(self):
        """A service order of the account shows in its history."""
        order = self.env["utility.service.order"].create(
            {
                "account_id": self.account.id,
                "order_type": "leak_check",
                "scheduled_date": "2025-04-10",
            }
        )
        row = self._rows(kind="service_order")
        self.assertEqual(row.reference, order.name)
        self.assertEqual(str(row.date), "2025-04-10")
        self.assertEqual(row.amount, 0.0)

    def test_statement_for_a_date_range(self):
        """The history statement for April shows the opening balance (after the
        February bill and the payment), the April bill and the closing balance."""
        wizard = self.env["utility.account.statement"].create(
            {
                "account_id": self.account.id,
                "date_from": "2025-04-01",
                "date_to": "2025-04-30",
            }
        )
        wizard.action_print()
        content = self.env["ir.actions.report"]._render_qweb_html(
            "utility_billing.report_account_statement",
            self.account.ids,
            data=wizard._report_data(),
        )[0]
        doc = html.fromstring(content)
        opening = " ".join(doc.xpath("//td[hasclass('o_ub_opening')]")[0].itertext())
        closing = " ".join(doc.xpath("//td[hasclass('o_ub_closing')]")[0].itertext())
        expected_opening = self.bills[0].amount_total - 40.0
        self.assertIn(f"{expected_opening:,.2f}", opening.replace("\xa0", " "))
        self.assertIn(f"{self.account.balance:,.2f}", closing.replace("\xa0", " "))
        text = " ".join(doc.itertext())
        self.assertIn(self.bills[1].name, text)
        self.assertNotIn(self.bills[0].name, text)

    def test_statement_shows_posted_documents_only(self):
        """Pending and rejected adjustment requests, with their internal reasons,
        stay off the customer's statement; its bills and payments are on it."""
        Adjustment = self.env["utility.adjustment"].with_user(self.csr1)
        pending = Adjustment.create(
            {
                "account_id": self.account.id,
                "adjustment_type": "other",
                "amount": 12.0,
                "date": "2025-04-10",
                "reason": "Internal: customer shouted at the counter",
            }
        )
        rejected = Adjustment.create(
            {
                "account_id": self.account.id,
                "adjustment_type": "other",
                "amount": 30.0,
                "date": "2025-04-12",
                "reason": "Internal: goodwill asked by the councilmember",
            }
        )
        (pending | rejected).with_user(self.csr1).action_submit()
        rejected.with_user(self.csr2).action_reject("Not our policy")
        wizard = self.env["utility.account.statement"].create(
            {
                "account_id": self.account.id,
                "date_from": "2025-03-01",
                "date_to": "2025-04-30",
            }
        )
        content = self.env["ir.actions.report"]._render_qweb_html(
            "utility_billing.report_account_statement",
            self.account.ids,
            data=wizard._report_data(),
        )[0]
        text = " ".join(html.fromstring(content).itertext())
        self.assertIn(self.bills[0].name, text)
        self.assertIn(self.bills[1].name, text)
        self.assertIn("Payment", text)
        for adjustment in pending | rejected:
            self.assertNotIn(adjustment.name, text)
            self.assertNotIn(adjustment.reason, text)

    def test_statement_refuses_inverted_range(self):
        """A statement that ends before it starts is refused."""
        wizard = self.env["utility.account.statement"].create(
            {
                "account_id": self.account.id,
                "date_from": "2025-04-30",
                "date_to": "2025-04-01",
            }
        )
        with self.assertRaises(Exception) as cm:
            wizard.action_print()
        self.assertIn("ends before it starts", str(cm.exception))
