# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer deposits for real (issue 14, item 2): Start Service bills the
deposit of the customer class on the customer deposits account; paid through
any door it is the deposit held; the final bill applies it (and cancels what
is unpaid); a credit left is refunded or transferred by a request a CSR II
makes and another person, a manager, approves."""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.account_move import BOOKS_DOOR
from ..tools.workflow import workflow
from .common_billing import UtilityBillingRunCommon


class DepositCommon(UtilityBillingRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        DepositRule = cls.env["utility.deposit.rule"]
        DepositRule.search([("company_id", "=", cls.company.id)]).unlink()
        DepositRule.create({"customer_class": "residential", "amount": 85.0})
        cls.liability = cls.env["account.account"].create(
            {
                "name": "Test Customer Deposits",
                "code": "UBT2202",
                "account_type": "liability_current",
            }
        )
        cls.company.utility_deposit_account_id = cls.liability
        cls.bank = cls.env["account.journal"].create(
            {"name": "Test Refund Bank", "code": "TRB", "type": "bank"}
        )
        cls.manager_2 = new_test_user(
            cls.env,
            login="test_manager_2",
            groups="base.group_user,utility_billing.group_manager",
            tz="America/Los_Angeles",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Rosa Diaz"})

    def _pay(self, move, amount, when):
        """Odoo's Register Payment on ``move`` (a payment door of its own)."""
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": when})
            ._create_payments()
        )

    def _ledger(self, accounts=None):
        """What the customer deposits account holds (a credit), straight from
        the posted journal items (of ``accounts`` only when given)."""
        domain = [
            ("account_id", "=", self.liability.id),
            ("parent_state", "=", "posted"),
        ]
        if accounts is not None:
            domain.append(("utility_account_id", "in", accounts.ids))
        lines = self.env["account.move.line"].search(domain)
        return round(-sum(lines.mapped("balance")), 2)

    def _moved_out_with_deposit(self, serial, deposit, paid=None):
        """An account of Rosa's billed ``deposit`` on Feb 28 and paying
        ``paid`` of it, moving out on March 15 (20 HCF: final bill 52.30)."""
        _p, _meter, account = self._billing_account(serial, partner=self.customer)
        invoice = account._utility_bill_deposit(deposit, date(2025, 2, 28))
        paid = deposit if paid is None else paid
        if paid:
            self._pay(invoice, paid, "2025-03-01")
        self._stop(account, "2025-03-15", readings=[20])
        return account, invoice

    def _final_bill(self, account):
        return account.invoice_ids.filtered(
            lambda m: m.utility_is_final and m.state == "posted"
        )


@tagged("post_install", "-at_install")
class TestDeposit(DepositCommon):
    def test_start_service_bills_the_class_deposit(self):
        """Start Service (by a CSR I, who has no rights in Odoo Accounting)
        bills the 85.00 the residential class requires: an invoice of its own
        on the customer deposits account, owed, not yet held. Paid with Odoo's
        Register Payment, it is held; the deposits account holds it."""
        premise = self._create_premise("11 Calle Deposito")
        meter = self._create_meter("DEP-START")
        meter._install(premise, "2025-01-15", 40.0)
        form = Form(self.env(user=self.csr1)["utility.start.service"])
        form.customer_mode = "existing"
        form.partner_id = self.customer
        form.premise_id = premise
        form.start_date = "2025-02-01"
        self.assertEqual(form.deposit_due, 85.0)
        action = form.save().action_start()
        account = self.env["utility.account"].browse(action["res_id"])
        invoice = account.deposit_move_ids
        self.assertRecordValues(
            invoice,
            [
                {
                    "move_type": "out_invoice",
                    "utility_deposit_kind": "bill",
                    "state": "posted",
                    "amount_total": 85.0,
                    "amount_residual": 85.0,
                    "invoice_date": date(2025, 2, 1),
                    "partner_id": self.customer.id,
                }
            ],
        )
        self.assertEqual(invoice.invoice_line_ids.account_id, self.liability)
        self.assertFalse(invoice.invoice_line_ids.tax_ids)
        self.assertEqual((account.deposit_held, account.deposit_unpaid), (0.0, 85.0))
        self.assertEqual(account.balance, 85.0)
        self.assertEqual(self._ledger(account), 85.0)  # billed, unpaid
        self._pay(invoice, 85.0, "2025-02-03")
        account.invalidate_recordset(["balance"])
        self.assertEqual((account.deposit_held, account.deposit_unpaid), (85.0, 0.0))
        self.assertEqual(account.balance, 0.0)
        self.assertEqual(self._ledger(account), account.deposit_held)
        self.assertIn("Deposit of", " ".join(account.message_ids.mapped("body")))

    def test_deposit_line_in_the_account_language(self):
        """A Spanish-speaking customer's deposit is billed in Spanish, as
        the bills' lines, even by a clerk working in English."""
        if not self.env["res.lang"]._lang_get("es_MX"):
            self.skipTest("Spanish (es_MX) is not installed.")
        _p, _meter, account = self._billing_account("DEP-ES", partner=self.customer)
        account.lang = "es_MX"
        invoice = account.with_context(lang="en_US")._utility_bill_deposit(
            85.0, date(2025, 2, 28)
        )
        self.assertEqual(invoice.invoice_line_ids.name, "Depósito del cliente")
        account.lang = "en_US"
        invoice = account.with_context(lang="es_MX")._utility_bill_deposit(
            85.0, date(2025, 2, 28)
        )
        self.assertEqual(invoice.invoice_line_ids.name, "Customer deposit")

    def test_no_deposit_for_a_class_without_rule(self):
        """A class without a deposit rule is billed no deposit."""
        premise = self._create_premise("12 Calle Deposito", customer_class="irrigation")
        meter = self._create_meter("DEP-NONE")
        meter._install(premise, "2025-01-15", 0.0)
        account = self._start(premise, "2025-02-01", self.customer)
        self.assertFalse(account.deposit_move_ids)
        self.assertEqual(account.deposit_held, 0.0)

    def test_partly_paid_deposit_and_final_bill(self):
        """30.00 paid of an 85.00 deposit: 30.00 is held, 55.00 owed. The final
        bill applies the 30.00 held and cancels the 55.00 unpaid; the deposits
        account holds nothing for the account any more."""
        account, invoice = self._moved_out_with_deposit("DEP-PART", 85.0, paid=30.0)
        self.assertEqual((account.deposit_held, account.deposit_unpaid), (30.0, 55.0))
        self.assertEqual(self._ledger(account), 85.0)
        self._bill()
        bill = self._final_bill(account)
        kinds = {
            move.utility_deposit_kind: move.amount_total
            for move in account.deposit_move_ids
        }
        self.assertEqual(kinds, {"bill": 85.0, "release": 55.0, "apply": 30.0})
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual((account.deposit_held, account.deposit_unpaid), (0.0, 0.0))
        self.assertEqual(self._ledger(account), 0.0)
        self.assertEqual(bill.amount_residual, 22.30)  # 52.30 - 30.00
        self.assertEqual(account.balance, 22.30)
        self.assertFalse(account.deposit_refund_ids)

    def test_deposit_held_at_conversion_applied_to_final_bill(self):
        """A deposit the legacy system held comes in at the go-live
        conversion as one entry of the miscellaneous journal (the conversion
        clearing account debited, the deposits account credited): held, paid,
        nothing owed. The final bill applies it as it applies a deposit billed
        at Start Service: 85.00 held against a 52.30 final bill leaves a
        32.70 credit and a refund request; the deposits account holds nothing
        for the account any more."""
        _p, _meter, account = self._billing_account("DEP-CONV", partner=self.customer)
        conversion = self.env["utility.conversion"].create(
            {"name": "Go-live", "cutover_date": date(2025, 2, 28)}
        )
        general = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "general")], limit=1
        )
        clearing = self.company._utility_conversion_account()
        with workflow(BOOKS_DOOR):
            created = conversion._load_deposits_batch(
                {"DEP-CONV": (account.id, 85.0)}, general, clearing
            )
        entry = created["DEP-CONV"]
        self.assertRecordValues(
            entry,
            [
                {
                    "move_type": "entry",
                    "journal_id": general.id,
                    "utility_deposit_kind": "held",
                    "utility_account_id": account.id,
                    "state": "posted",
                    "date": date(2025, 2, 28),
                }
            ],
        )
        self.assertEqual(
            sorted((ln.account_id, ln.balance) for ln in entry.line_ids),
            sorted([(clearing, 85.0), (self.liability, -85.0)]),
        )
        self.assertEqual((account.deposit_held, account.deposit_unpaid), (85.0, 0.0))
        self.assertEqual(account.balance, 0.0)
        self.assertEqual(self._ledger(account), 85.0)
        self._stop(account, "2025-03-15", readings=[20])
        self._bill()
        bill = self._final_bill(account)
        kinds = {
            move.utility_deposit_kind: move.amount_total
            for move in account.deposit_move_ids
        }
        self.assertEqual(kinds, {"held": 85.0, "apply": 85.0})
        applied = account.deposit_move_ids.filtered(
            lambda m: m.utility_deposit_kind == "apply"
        )
        self.assertEqual(applied.invoice_line_ids.account_id, self.liability)
        self.assertEqual(bill.amount_residual, 0.0)
        self.assertEqual((account.deposit_held, account.deposit_unpaid), (0.0, 0.0))
        self.assertEqual(self._ledger(account), 0.0)
        account.invalidate_recordset(["balance"])
        self.assertEqual(account.balance, -32.70)
        self.assertEqual(account.deposit_refund_ids.amount, 32.70)

    def test_deposit_held_is_never_keyed(self):
        """Neither the deposit held nor what a journal entry is as a deposit
        is written by anyone: they come from the deposit entries."""
        account, invoice = self._moved_out_with_deposit("DEP-KEY", 85.0)
        for user in (self.csr1, self.manager):
            with self.assertRaisesRegex(UserError, "Deposit"):
                account.with_user(user).write({"deposit_held": 5000.0})
            with self.assertRaisesRegex(UserError, "customer deposit"):
                invoice.with_user(user).write({"utility_deposit_kind": False})
        self.assertEqual(account.deposit_held, 85.0)

    def test_refund_of_the_credit_left(self):
        """A 100.00 deposit on a 52.30 final bill leaves a 47.70 credit and a
        draft refund request. A CSR I cannot request it; a CSR II does; neither
        a CSR II nor the requesting manager approves it; another manager
        approves: the refund is paid from the bank and the account closes."""
        account, _invoice = self._moved_out_with_deposit("DEP-REF", 100.0)
        self._bill()
        self.assertEqual(account.deposit_held, 0.0)
        self.assertEqual(account.balance, -47.70)
        self.assertEqual(account.state, "final")
        request = account.deposit_refund_ids
        self.assertRecordValues(
            request, [{"state": "draft", "amount": 47.70, "method": "refund"}]
        )
        request.journal_id = self.bank
        with self.assertRaises(AccessError):
            request.with_user(self.csr1).action_submit()
        request.with_user(self.csr2).action_submit()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.requested_by, self.csr2)
        with self.assertRaises(AccessError):
            request.with_user(self.csr2).action_approve()
        with self.assertRaisesRegex(UserError, "submitted"):
            request.with_user(self.csr2).write({"amount": 10.0})
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "posted")
        self.assertEqual(request.approver_id, self.manager)
        entry = request.move_ids
        self.assertEqual(entry.journal_id, self.bank)
        receivable = entry.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.debit, 47.70)
        self.assertTrue(receivable.reconciled)
        self.assertEqual(account.balance, 0.0)
        self.assertEqual(account.state, "closed")

    def test_requester_does_not_approve(self):
        """A manager who submitted a refund request does not approve it; a
        reject says why."""
        account, _invoice = self._moved_out_with_deposit("DEP-OWN", 100.0)
        self._bill()
        request = account.deposit_refund_ids
        request.with_user(self.manager).action_submit()
        with self.assertRaisesRegex(UserError, "another manager"):
            request.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "why"):
            request.with_user(self.manager_2).action_reject("")
        request.with_user(self.manager_2).action_reject("Customer asked to transfer")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(account.balance, -47.70)

    def test_refund_not_more_than_the_credit(self):
        """A request for more than the credit is refused."""
        account, _invoice = self._moved_out_with_deposit("DEP-MORE", 100.0)
        self._bill()
        request = account.deposit_refund_ids
        request.write({"amount": 60.0, "journal_id": self.bank.id})
        with self.assertRaisesRegex(UserError, "more than the credit"):
            request.with_user(self.csr2).action_submit()

    def test_transfer_to_the_new_account(self):
        """Rosa moves within the city: the 47.70 credit of her old account is
        transferred to her new one, where it pays her March bill (90.24)."""
        account, _invoice = self._moved_out_with_deposit("DEP-OLD", 100.0)
        _p, meter, new_account = self._billing_account(
            "DEP-NEW", partner=self.customer, sequence=20
        )
        self._read(meter, "2025-03-28", 30)
        self._bill()
        new_bill = new_account.invoice_ids.filtered(lambda m: m.state == "posted")
        self.assertEqual(new_bill.amount_residual, 90.24)
        request = account.deposit_refund_ids
        request.write({"method": "transfer", "target_account_id": new_account.id})
        request.with_user(self.csr2).action_submit()
        request.with_user(self.manager).action_approve()
        self.assertEqual(len(request.move_ids), 2)
        self.assertEqual(account.balance, 0.0)
        self.assertEqual(account.state, "closed")
        self.assertEqual(new_bill.amount_residual, 42.54)
        self.assertEqual(new_account.balance, 42.54)
        transit = self.company.transfer_account_id
        self.assertEqual(
            sum(
                request.move_ids.line_ids.filtered(
                    lambda ln: ln.account_id == transit
                ).mapped("balance")
            ),
            0.0,
        )

    def test_deposits_tie_to_the_liability_account(self):
        """Across accounts and every stage (billed, partly paid, paid,
        applied), what the accounts hold and owe on deposits equals the
        balance of the customer deposits account."""
        paid, _i = self._moved_out_with_deposit("DEP-T1", 100.0)
        part, _i = self._moved_out_with_deposit("DEP-T2", 85.0, paid=40.0)
        _p, _m, kept = self._billing_account("DEP-T3", partner=self.customer)
        invoice = kept._utility_bill_deposit(85.0, date(2025, 2, 28))
        self._pay(invoice, 85.0, "2025-03-02")
        accounts = paid | part | kept

        def held():
            accounts.invalidate_recordset()
            return round(
                sum(accounts.mapped("deposit_held"))
                + sum(accounts.mapped("deposit_unpaid")),
                2,
            )

        self.assertEqual(held(), 270.0)
        self.assertEqual(self._ledger(accounts), held())
        self._bill()
        self.assertEqual(held(), 85.0)
        self.assertEqual(self._ledger(accounts), held())


@tagged("post_install", "-at_install")
class TestDepositControlsJsonRpc(HttpCase, DepositCommon):
    """A CSR I over JSON-RPC cannot key a deposit held, mark an entry as a
    deposit, nor submit or approve a refund; a CSR II cannot approve it."""

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_csr_refused_over_json_rpc(self):
        account, invoice = self._moved_out_with_deposit("DEP-RPC", 100.0)
        self._bill()
        request = account.deposit_refund_ids
        request.journal_id = self.bank
        self.authenticate(self.csr1.login, self.csr1.login)
        for model, method, args, error in (
            ("utility.account", "write", [account.ids, {"deposit_held": 5000}], "User"),
            (
                "account.move",
                "write",
                [invoice.ids, {"utility_deposit_kind": False}],
                "User",
            ),
            ("utility.deposit.refund", "action_submit", [request.ids], "Access"),
            ("utility.deposit.refund", "action_approve", [request.ids], "Access"),
            (
                "utility.deposit.refund",
                "write",
                [request.ids, {"state": "posted"}],
                "User",
            ),
        ):
            with (
                self.subTest(model=model, method=method),
                self.assertRaises(JsonRpcException) as cm,
            ):
                self._call(model, method, args)
            self.assertIn(f"{error}Error", str(cm.exception))
        self.authenticate(self.csr2.login, self.csr2.login)
        self._call("utility.deposit.refund", "action_submit", [request.ids])
        with self.assertRaises(JsonRpcException) as cm:
            self._call("utility.deposit.refund", "action_approve", [request.ids])
        self.assertIn("AccessError", str(cm.exception))
        with self.assertRaises(JsonRpcException) as cm:
            self._call(
                "utility.deposit.refund",
                "write",
                [request.ids, {"state": "posted", "amount": 1.0}],
                {"context": {"utility_workflow": True}},
            )
        self.assertIn("UserError", str(cm.exception))
        request.invalidate_recordset()
        account.invalidate_recordset()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.amount, 47.70)
        self.assertEqual(account.deposit_held, 0.0)
        self.assertEqual(account.balance, -47.70)
        self.assertEqual(invoice.utility_deposit_kind, "bill")
