# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pay online from the customer portal (issue 18 item 2): the payment of a
done transaction is the account's, source "online", dated the local day it
was received, applied oldest due first, and takes the account off the
shut-off list as a counter payment does; nothing else changes anything."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import hmac as hmac_tool

from odoo.addons.utility_billing.tests.common import load_po_terms

from .common_delinquency import UtilityDelinquencyCommon
from .common_online import UtilityOnlinePaymentMixin


@tagged("post_install", "-at_install")
class TestPortalPay(UtilityOnlinePaymentMixin, UtilityDelinquencyCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ana Lopez", "email": "ana@example.com", "lang": "en_US"}
        )
        cls.account = cls._account("PAY01", partner=cls.customer)
        cls.other_account = cls._account("PAY02")  # another customer's
        cls.bill_jan = cls._bill(cls.account, 100.0, due=date(2025, 2, 3))
        cls.bill_feb = cls._bill(cls.account, 80.0, due=date(2025, 3, 3))
        cls.other_bill = cls._bill(cls.other_account, 50.0, due=date(2025, 3, 3))
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_pay",
            password="portal_pay",
            name="Ana Lopez",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.provider = cls._setup_online_provider(cls.bank_journal)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _online_moves(self, account=None):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "=", (account or self.account).id),
                ("utility_payment_source", "=", "online"),
            ]
        )

    def _tx_route(self, account, amount, access_token, **params):
        return self.make_jsonrpc_request(
            f"/my/utility_accounts/{account.id}/pay/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": amount,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": "/my",
                "is_validation": False,
                "access_token": access_token,
                **params,
            },
        )

    def _token(self, account, amount):
        """The access token the pay page signs (payment.utils, outside a
        request)."""
        values = (account.id, account.partner_id.id, amount, account.currency_id.id)
        return hmac_tool(
            self.env(su=True),
            "generate_access_token",
            "|".join(str(value) for value in values),
        )

    # ------------------------------------------------------------
    # The books
    # ------------------------------------------------------------

    def test_done_payment_applied_oldest_first_on_local_day(self):
        """$150 paid at 10:30 pm in California on March 3 (06:30 UTC on the
        4th): the January bill paid, $50 on February's, dated March 3, in the
        provider's bank journal, source online."""
        tx = self._online_pay(self.account, 150.0, "2025-03-04 06:30:00")
        self.assertEqual(tx.state, "done")
        payment = tx.payment_id
        self.assertTrue(payment)
        self.assertRecordValues(
            payment,
            [
                {
                    "amount": 150.0,
                    "date": date(2025, 3, 3),
                    "journal_id": self.bank_journal.id,
                    "partner_id": self.customer.id,
                    "payment_type": "inbound",
                }
            ],
        )
        move = payment.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.date, date(2025, 3, 3))
        self.assertEqual(move.utility_account_id, self.account)
        self.assertEqual(move.utility_payment_source, "online")
        receivable = move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(
            receivable.account_id, self.account._utility_receivable_account()
        )
        self.assertEqual(receivable.credit, 150.0)
        self.assertTrue(receivable.reconciled)
        self.assertIn(tx.reference, move.ref or payment.memo)
        self.assertTrue(tx.reference.startswith(self.account.name))
        self.assertEqual(self.bill_jan.amount_residual, 0.0)
        self.assertEqual(self.bill_jan.payment_state, "paid")
        self.assertEqual(self.bill_feb.amount_residual, 30.0)
        self.account.invalidate_recordset(["balance"])
        self.assertEqual(self.account.balance, 30.0)
        self.assertEqual(self.other_bill.amount_residual, 50.0)
        # The account's history and its page's recent payments.
        self.assertTrue(
            any(
                "Online payment of" in (m.body or "") and "150.00" in m.body
                for m in self.account.message_ids
            ),
            self.account.message_ids.mapped("body"),
        )
        self.assertEqual(self.account._portal_payments()[0]["amount"], 150.0)
        timeline = self.env["utility.account.timeline"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "payment")]
        )
        self.assertRecordValues(
            timeline,
            [
                {
                    "date": date(2025, 3, 3),
                    "amount": -150.0,
                    "res_model": "account.move",
                    "res_id": move.id,
                }
            ],
        )

    def test_not_done_changes_nothing(self):
        for state in ("pending", "cancel", "error"):
            with self.subTest(state=state):
                tx = self._online_pay(
                    self.account, 100.0, "2025-03-04 18:00:00", state=state
                )
                self.assertEqual(tx.state, state)
                self.assertFalse(tx.payment_id)
                self.assertFalse(self._online_moves())
                self.assertEqual(self.bill_jan.amount_residual, 100.0)
                self.assertEqual(self.bill_feb.amount_residual, 80.0)
        # A cancelled transaction never pays later (its post-processing again).
        tx.invalidate_recordset()
        tx._post_process()
        self.assertFalse(tx.payment_id)
        self.assertFalse(self._online_moves())

    def test_overpaid_meanwhile_leaves_a_credit(self):
        """Paid at the counter while the customer typed their card: the
        online payment is kept in full as a credit on the account."""
        self._pay(self.account, 180.0, "2025-03-04")
        self._online_pay(self.account, 180.0, "2025-03-04 18:00:00")
        self.account.invalidate_recordset(["balance"])
        self.assertEqual(self.account.balance, -180.0)
        self.assertEqual(len(self._online_moves()), 1)

    def test_shutoff_list_cleared_at_once(self):
        """An account on the confirmed shut-off list with its disconnect order
        scheduled pays the past due online: the order is cancelled and the
        account is off the list, as at the counter."""
        account = self._account("PAY03", partner=self.customer)
        bill = self._bill(account, 120.0)
        self._walk_to_list(account)
        self._run(self._days(60))
        line = self._shutoff_line(account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        order = line.order_id
        self.assertEqual(order.state, "scheduled")
        self.assertTrue(account.shutoff_pending)
        open_moves = (bill | self._penalties(account)).filtered(
            lambda m: m.payment_state not in ("paid", "in_payment")
        )
        owed = sum(open_moves.mapped("amount_residual"))
        self.assertEqual(owed, 132.0)
        self._online_pay(account, owed, "2025-05-02 17:00:00")
        self.assertTrue(all(m.payment_state == "paid" for m in open_moves))
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(line.state, "removed")
        self.assertIn("Paid", line.block_reason)
        self.assertFalse(account.shutoff_pending)

    def test_office_doors_keep_their_receipts_account(self):
        """A provider on the bank journal (account_payment adds its payment
        method there, here with an account of its own): the back office's
        payment door still debits the journal's own receipts account."""
        journal = self.bank_journal
        provider_line = journal.inbound_payment_method_line_ids.filtered(
            lambda ln: ln.payment_provider_id == self.provider
        )
        self.assertTrue(provider_line)
        before = self.account._utility_outstanding_receipts_account(journal)
        clearing = self.env["account.account"].create(
            {
                "name": "Card Processor Clearing",
                "code": "PAY1099",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        provider_line.write({"payment_account_id": clearing.id, "sequence": -1})
        journal.invalidate_recordset(["inbound_payment_method_line_ids"])
        self.assertEqual(journal.inbound_payment_method_line_ids[:1], provider_line)
        self.assertEqual(
            self.account._utility_outstanding_receipts_account(journal), before
        )
        move = self.account._utility_record_payment(
            20.0, date(2025, 3, 4), journal, "mail"
        )
        self.assertNotIn(clearing, move.line_ids.account_id)
        # The online payment goes to the provider's account.
        tx = self._online_pay(self.account, 30.0, "2025-03-04 18:00:00")
        self.assertIn(clearing, tx.payment_id.move_id.line_ids.account_id)

    # ------------------------------------------------------------
    # The portal
    # ------------------------------------------------------------

    def test_account_page_pay_card_and_form(self):
        self.authenticate("portal_pay", "portal_pay")
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Pay online", page)
        self.assertIn(f"/my/utility_accounts/{self.account.id}/pay", page)
        # Everything owed is past due: no separate past-due choice.
        self.assertNotIn('value="past_due"', page)
        response = self.url_open(
            f"/my/utility_accounts/{self.account.id}/pay?choice=other&amount=25.50"
        )
        self.assertEqual(response.status_code, 200)
        form = response.text
        self.assertIn("o_payment_form", form)
        self.assertIn('data-amount="25.5"', form)
        self.assertIn(
            f'data-transaction-route="/my/utility_accounts/{self.account.id}'
            '/pay/transaction"',
            form,
        )
        self.assertIn(f'data-access-token="{self._token(self.account, 25.5)}"', form)
        response = self.url_open(
            f"/my/utility_accounts/{self.account.id}/pay?choice=balance"
        )
        self.assertIn('data-amount="180.0"', response.text)

    def test_amount_refused(self):
        """More than the balance, nothing, or not a number: back to the
        account's page with the reason; no form."""
        self.authenticate("portal_pay", "portal_pay")
        for amount, reason in (
            ("180.01", "You can pay at most the balance"),
            ("0", "Enter an amount to pay greater than zero."),
            ("abc", "Enter an amount to pay greater than zero."),
        ):
            with self.subTest(amount=amount):
                response = self.url_open(
                    f"/my/utility_accounts/{self.account.id}/pay"
                    f"?choice=other&amount={amount}"
                )
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("o_payment_form", response.text)
                self.assertIn(reason, response.text)
                self.assertIn("o_utility_pay_errors", response.text)

    def test_transaction_route(self):
        """The transaction is the account's, of its customer, for the amount
        signed in the form; a tampered amount or token is refused."""
        self.authenticate("portal_pay", "portal_pay")
        Tx = self.env["payment.transaction"]
        self._tx_route(self.account, 25.5, self._token(self.account, 25.5))
        tx = Tx.search([("utility_account_id", "=", self.account.id)])
        self.assertRecordValues(
            tx,
            [
                {
                    "amount": 25.5,
                    "partner_id": self.customer.id,
                    "provider_id": self.provider.id,
                    "state": "draft",
                    "landing_route": f"/my/utility_accounts/{self.account.id}"
                    f"?online_tx={tx.id}",
                }
            ],
        )
        self.assertTrue(tx.reference.startswith(self.account.name))
        with mute_logger("odoo.http"):
            with self.assertRaises(JsonRpcException):
                self._tx_route(self.account, 99.0, self._token(self.account, 25.5))
            with self.assertRaises(JsonRpcException):
                self._tx_route(self.account, 500.0, self._token(self.account, 500.0))
        self.assertEqual(
            Tx.search_count([("utility_account_id", "=", self.account.id)]), 1
        )
        # Done: the account's page thanks the customer.
        with freeze_time("2025-03-04 18:00:00"):
            tx._set_done()
            tx._post_process()
        page = self.url_open(tx.landing_route).text
        self.assertIn("Thank you: your payment of", page)
        self.assertIn(tx.reference, page)

    def test_another_customers_account_is_not_found(self):
        """By page, by transaction route, by landing: 404 and no transaction."""
        self.authenticate("portal_pay", "portal_pay")
        other = self.other_account
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/utility_accounts/{other.id}/pay?choice=balance"
            )
            self.assertEqual(response.status_code, 404)
            with self.assertRaises(JsonRpcException) as caught:
                self._tx_route(other, 50.0, self._token(other, 50.0))
            self.assertIn("NotFound", str(caught.exception))
            self.assertEqual(caught.exception.code, 404)
            response = self.url_open(f"/my/utility_accounts/{other.id}/pay/transaction")
            self.assertIn(response.status_code, (404, 405, 400))
        self.assertFalse(
            self.env["payment.transaction"].search(
                [("utility_account_id", "=", other.id)]
            )
        )
        # Another account's transaction is not shown on one's own page.
        tx = self._online_pay(other, 50.0, "2025-03-04 18:00:00")
        page = self.url_open(
            f"/my/utility_accounts/{self.account.id}?online_tx={tx.id}"
        ).text
        self.assertNotIn("Thank you: your payment of", page)

    def test_office_preview_has_no_pay_card(self):
        """A CSR previewing the page takes payments at the counter instead."""
        self.csr1.write({"password": "csr1_password"})
        self.authenticate("test_csr1", "csr1_password")
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertNotIn("o_utility_portal_pay", page)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/utility_accounts/{self.account.id}/pay?choice=balance"
            )
        self.assertEqual(response.status_code, 404)

    def test_landing_messages(self):
        """Back from the provider: pending and failed payments say so."""
        self.authenticate("portal_pay", "portal_pay")
        url = f"/my/utility_accounts/{self.account.id}?online_tx=%s"
        pending = self._online_pay(self.account, 10.0, "2025-03-04 18:00:00", "pending")
        page = self.url_open(url % pending.id).text
        self.assertIn("is being processed", page)
        failed = self._online_pay(self.account, 10.0, "2025-03-04 18:00:00", "error")
        page = self.url_open(url % failed.id).text
        self.assertIn("Your payment did not go through: nothing was paid.", page)
        self.assertFalse(self._online_moves())

    def test_spanish(self):
        load_po_terms(self.env, "utility_billing_payments", cleanup=self.addCleanup)
        self.portal_user.lang = "es_MX"
        self.authenticate("portal_pay", "portal_pay")
        page = self.url_open(f"/my/utility_accounts/{self.account.id}").text
        self.assertIn("Pagar en línea", page)
        self.assertIn("Continuar al pago", page)
        response = self.url_open(
            f"/my/utility_accounts/{self.account.id}/pay?choice=other&amount=999"
        )
        self.assertIn("En línea puede pagar como máximo el saldo", response.text)
        page = self.url_open(
            f"/my/utility_accounts/{self.account.id}/pay?choice=balance"
        ).text
        self.assertIn("Cambiar el monto", page)
        self.assertIn(">Saldo<", page)
        self.assertNotIn(">Balance<", page)

    def test_bills_not_paid_through_odoo_invoice_payment(self):
        """Odoo's own invoice payment (the bill's Pay Now, the overdue
        invoices of /my, a payment link) would skip the suite's door: the
        bills are paid from the account's page only; a transaction for a
        utility bill without its account is refused."""
        self.env["ir.config_parameter"].set_param(
            "account_payment.enable_portal_payment", "True"
        )
        self.assertFalse(self.bill_jan._has_to_be_paid())
        self.authenticate("portal_pay", "portal_pay")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["overdue_invoice_count"]}
        )
        self.assertEqual(counters["overdue_invoice_count"], 0)
        response = self.url_open("/my/invoices/overdue")
        self.assertNotIn("o_payment_form", response.text)
        with self.assertRaises(ValidationError):
            self.env["payment.transaction"].create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.provider.payment_method_ids[:1].id,
                    "reference": "PAY01-ODOO",
                    "amount": 100.0,
                    "currency_id": self.account.currency_id.id,
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.bill_jan.ids)],
                }
            )

    def _attempts(self, **domain):
        return self.env["utility.portal.attempt"].search(
            [("kind", "=", "payment"), ("account_id", "=", self.account.id)]
            + [(field, "=", value) for field, value in domain.items()]
        )

    def test_payment_attempts_limited(self):
        """The company's limit on one account number (Settings, page Portal):
        three transactions started and not done, the fourth is refused by the
        transaction route and the pay page sends the customer back to the
        account; the attempts and the refusal are kept (Portal Attempts). A
        confirmed payment is a success and frees its place."""
        self.company.write(
            {
                "utility_portal_ip_attempts": 0,
                "utility_portal_key_attempts": 3,
                "utility_portal_key_minutes": 60,
            }
        )
        self.authenticate("portal_pay", "portal_pay")
        for _attempt in range(3):
            self._tx_route(self.account, 1.0, self._token(self.account, 1.0))
        Tx = self.env["payment.transaction"]
        txs = Tx.search([("utility_account_id", "=", self.account.id)])
        self.assertEqual(len(txs), 3)
        self.assertRecordValues(
            self._attempts(),
            [
                {"success": False, "refused": False, "ip": "127.0.0.1"},
            ]
            * 3,
        )
        self.assertEqual(self._attempts().transaction_id, txs)
        # Found by the account number (kept as a hash).
        Attempt = self.env["utility.portal.attempt"]
        self.assertEqual(
            Attempt.search([("account_number", "=", self.account.name)]),
            self._attempts(),
        )
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self._tx_route(self.account, 25.5, self._token(self.account, 25.5))
        self.assertIn("ValidationError", str(caught.exception))
        self.assertEqual(
            Tx.search_count([("utility_account_id", "=", self.account.id)]), 3
        )
        response = self.url_open(
            f"/my/utility_accounts/{self.account.id}/pay?choice=balance"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_payment_form", response.text)
        self.assertIn("Too many payment attempts", response.text)
        self.assertEqual(len(self._attempts(refused=True)), 1)
        # The provider confirms one: a success, another payment may start.
        txs[0]._set_done()
        self.assertTrue(self._attempts(transaction_id=txs[0].id).success)
        response = self.url_open(
            f"/my/utility_accounts/{self.account.id}/pay?choice=other&amount=1"
        )
        self.assertIn("o_payment_form", response.text)
        self._tx_route(self.account, 1.0, self._token(self.account, 1.0))
        self.assertEqual(
            Tx.search_count([("utility_account_id", "=", self.account.id)]), 4
        )

    def test_payment_attempts_limited_by_ip(self):
        """Failures from one IP address on any account count together (card
        testing across accounts); 0 is no limit."""
        self.company.write(
            {"utility_portal_ip_attempts": 2, "utility_portal_key_attempts": 0}
        )
        Attempt = self.env["utility.portal.attempt"]
        Attempt._record("payment", "127.0.0.1", self.other_account.name)
        Attempt._record("payment", "127.0.0.1", self.other_account.name)
        # Registration failures are another door's.
        Attempt._record("register", "127.0.0.1", self.account.name)
        self.authenticate("portal_pay", "portal_pay")
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._tx_route(self.account, 1.0, self._token(self.account, 1.0))
        self.company.utility_portal_ip_attempts = 0
        self._tx_route(self.account, 1.0, self._token(self.account, 1.0))
        self.assertEqual(len(self._attempts()), 1)
