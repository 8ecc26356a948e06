# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_counter import UtilityCounterCommon


@tagged("post_install", "-at_install")
class TestCounterPayment(UtilityCounterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._counter_account(
            "CTR-1", "Rosa Counter", [(60.0, "2026-09-25"), (40.0, "2026-10-25")]
        )
        cls.older, cls.newer = cls.account.invoice_ids.sorted("invoice_date_due")
        cls.supervisor = new_test_user(
            cls.env,
            login="counter_supervisor",
            groups="base.group_user,utility_billing.group_csr_2",
            tz="America/Los_Angeles",
        )

    def test_overpayment_stays_a_credit(self):
        session = self._open_session()
        order = self._sync_order(
            session,
            [(self.payment_product, 150.0, self.account, None)],
            [(self.cash_pm, 150.0)],
        )
        self.assertEqual(self.older.payment_state, "paid")
        self.assertEqual(self.newer.payment_state, "paid")
        self.assertEqual(self.account.balance, -50.0)
        entry = order.utility_payment_move_ids
        self.assertEqual(self._receivable(entry).amount_residual, -50.0)
        self.assertEqual(order.lines.utility_balance_after, -50.0)
        # The credit shows on the account's history.
        payments = self.account.timeline_ids.filtered(lambda r: r.kind == "payment")
        self.assertEqual(payments.mapped("amount"), [-150.0])
        # Read over the phone: the receipt and the tender, not only the entry.
        self.assertEqual(
            payments.description,
            f"Counter receipt {order.utility_receipt_number}: Cash ({entry.name})",
        )

    def test_receipt_numbers_are_gapless_per_counter(self):
        self.assertEqual(
            self.config.utility_receipt_sequence_id.implementation, "no_gap"
        )
        session = self._open_session()
        numbers = []
        for _i in range(3):
            order = self._sync_order(
                session,
                [(self.payment_product, 10.0, self.account, None)],
                [(self.cash_pm, 10.0)],
            )
            numbers.append(order.utility_receipt_number)
        prefix = numbers[0][:-6]
        self.assertEqual(
            numbers, [f"{prefix}{n:06d}" for n in (1, 2, 3)], "consecutive, no gap"
        )
        other = self.env["pos.config"].create(
            {
                "name": "Second Counter",
                "utility_counter": True,
                "payment_method_ids": [
                    (6, 0, self.company._utility_counter_payment_methods().ids)
                ],
            }
        )
        self.assertNotEqual(
            other.utility_receipt_sequence_id, self.config.utility_receipt_sequence_id
        )
        order = self._sync_order(
            self._open_session(other),
            [(self.payment_product, 10.0, self.account, None)],
            [(other.payment_method_ids.filtered("is_cash_count"), 10.0)],
        )
        self.assertTrue(order.utility_receipt_number.endswith("000001"))

    def test_citation_needs_its_number(self):
        session = self._open_session()
        with self.assertRaisesRegex(ValidationError, "Citation number"):
            self._sync_order(
                session,
                [(self.citation, 50.0, None, None)],
                [(self.cash_pm, 50.0)],
                partner=self.account.partner_id,
            )
        order = self._sync_order(
            session,
            [(self.citation, 50.0, None, "C-1001")],
            [(self.cash_pm, 50.0)],
            partner=self.account.partner_id,
        )
        self.assertEqual(order.lines.utility_reference, "C-1001")
        self.assertFalse(order.utility_payment_move_ids)

    def test_check_needs_its_number(self):
        session = self._open_session()
        with self.assertRaisesRegex(ValidationError, "check number"):
            self._sync_order(
                session,
                [(self.payment_product, 20.0, self.account, None)],
                [(self.check_pm, 20.0)],
            )

    def test_payment_line_quantity_and_discount_are_refused(self):
        """The numpad cannot double a payment: a quantity of 2 or a discount
        on a utility payment line is refused by the server, whatever the
        counter's screen lets through, and nothing is applied."""
        session = self._open_session()
        for line_vals in ({"qty": 2}, {"discount": 10.0}):
            with self.subTest(line_vals=line_vals):
                # Odoo's assertRaises rolls the refused order back, as the
                # request's transaction would be.
                with self.assertRaises(ValidationError) as refused:
                    self._sync_order(
                        session,
                        [(self.payment_product, 50.0, self.account, None)],
                        [(self.cash_pm, 100.0)],
                        line_vals=line_vals,
                    )
                self.assertIn("quantity of 1 and no discount", str(refused.exception))
        self.assertEqual(self.account.balance, 100.0)
        self.assertFalse(session.order_ids)

    def test_counter_offers_only_counter_products(self):
        """A utility counter loads the payment product, citations and fees;
        the retail catalogue stays in the other shops."""
        retail = self.env["product.product"].create(
            {"name": "Desk Lamp", "available_in_pos": True, "list_price": 20.0}
        )
        session = self._open_session()
        loaded = session.with_user(self.cashier).load_data([])
        ids = {p["id"] for p in loaded["product.product"]["data"]}
        self.assertIn(self.citation.id, ids)
        self.assertIn(self.payment_product.id, ids)
        self.assertNotIn(retail.id, ids)
        # An ordinary shop still sells it.
        shop = self.env["pos.config"].create({"name": "Gift Shop"})
        self.assertIn(
            retail,
            self.env["product.product"].search(shop._get_available_product_domain()),
        )

    def test_no_refund_of_a_payment_at_the_counter(self):
        session = self._open_session()
        with self.assertRaisesRegex(UserError, "cannot be refunded at the counter"):
            self._sync_order(
                session,
                [(self.payment_product, -20.0, self.account, None)],
                [(self.cash_pm, -20.0)],
            )

    def test_void_needs_a_second_person_with_csr2(self):
        session = self._open_session()
        order = self._sync_order(
            session,
            [(self.payment_product, 100.0, self.account, None)],
            [(self.cash_pm, 100.0)],
        )
        self.assertEqual(self.account.balance, 0.0)
        Void = self.env["utility.counter.void"]
        # A cashier (CSR I) cannot even open the wizard.
        with self.assertRaises(UserError):
            Void.with_user(self.cashier).create(
                {"order_id": order.id, "reason": "typo"}
            ).action_void()
        # A CSR II cannot void a receipt they took themselves.
        own_session = self._open_session(user=self.supervisor)
        self.assertEqual(own_session, session)
        own = self._sync_order(
            session,
            [(self.payment_product, 5.0, self.account, None)],
            [(self.cash_pm, 5.0)],
            user=self.supervisor,
        )
        with self.assertRaisesRegex(UserError, "second person"):
            Void.with_user(self.supervisor).create(
                {"order_id": own.id, "reason": "typo"}
            ).action_void()
        Void.with_user(self.supervisor).create(
            {"order_id": order.id, "reason": "wrong account keyed"}
        ).action_void()
        refund = order.utility_void_order_id
        self.assertTrue(refund.utility_is_void)
        self.assertEqual(refund.amount_total, -100.0)
        self.assertEqual(sum(refund.payment_ids.mapped("amount")), -100.0)
        self.assertEqual(order.utility_void_user_id, self.supervisor)
        # The bills are open again; the payment entry is reversed.
        # `own` (5.00, a credit until now) pays the oldest reopened bill.
        self.assertEqual(self.older.amount_residual, 55.0)
        self.assertEqual(self.newer.amount_residual, 40.0)
        entry = order.utility_payment_move_ids.filtered(
            lambda m: not m.reversed_entry_id
        )
        reversal = entry.reversal_move_ids
        self.assertEqual(reversal.state, "posted")
        # The reversal belongs to the account too (reports, history).
        self.assertEqual(reversal.utility_account_id, self.account)
        self.assertEqual(order.utility_payment_move_ids, entry | reversal)
        self.assertTrue(self._receivable(entry).reconciled)
        self.assertEqual(self.account.balance, 95.0)
        with self.assertRaisesRegex(UserError, "already voided"):
            Void.with_user(self.supervisor).create(
                {"order_id": order.id, "reason": "again"}
            ).action_void()
        late = self._sync_order(
            session,
            [(self.payment_product, 1.0, self.account, None)],
            [(self.cash_pm, 1.0)],
        )
        # Closing nets the void: the clearing account balances.
        session.post_closing_cash_details(6.0)
        self.assertTrue(session.close_session_from_ui()["successful"])
        clearing = self.env["account.move.line"].search(
            [("account_id", "=", self.clearing.id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(clearing.mapped("balance")), 0.0)
        with self.assertRaisesRegex(UserError, "closed session"):
            Void.with_user(self.supervisor).create(
                {"order_id": late.id, "reason": "late"}
            ).action_void()

    def _check_order(self, amount, number):
        session = self.config.current_session_id or self._open_session()
        return self._sync_order(
            session,
            [(self.payment_product, amount, self.account, None)],
            [(self.check_pm, amount, number)],
        )

    def test_returned_check(self):
        order = self._check_order(100.0, "5001")
        self.assertEqual(self.account.balance, 0.0)
        payment = order.payment_ids
        Nsf = self.env["utility.counter.nsf"]
        with self.assertRaises(AccessError):
            Nsf.with_user(self.cashier).create(
                {"payment_id": payment.id}
            ).action_confirm()
        Nsf.with_user(self.supervisor).create(
            {"payment_id": payment.id}
        ).action_confirm()
        self.assertTrue(payment.utility_returned)
        # Bills open again, and the $25 fee is charged.
        self.assertEqual(self.older.amount_residual, 60.0)
        self.assertEqual(self.newer.amount_residual, 40.0)
        fee = self.account.invoice_ids.filtered(
            lambda m: (
                m.invoice_line_ids.product_id == self.company.utility_nsf_fee_product_id
            )
        )
        self.assertEqual(fee.amount_total, 25.0)
        self.assertEqual(fee.state, "posted")
        self.assertEqual(self.account.balance, 125.0)
        self.assertEqual(self.account.returned_check_count, 1)
        self.assertFalse(self.account.cash_only)
        nsf_entry = payment.utility_return_move_ids.filtered(
            lambda m: m.move_type == "entry"
        )
        outstanding = nsf_entry.line_ids.filtered(lambda ln: ln.credit)
        self.assertEqual(outstanding.credit, 100.0)
        self.assertNotEqual(outstanding.account_id.account_type, "asset_receivable")
        with self.assertRaisesRegex(UserError, "already marked returned"):
            Nsf.with_user(self.supervisor).create(
                {"payment_id": payment.id}
            ).action_confirm()
        # A second returned check: $35, and the account pays cash only.
        order2 = self._check_order(50.0, "5002")
        Nsf.with_user(self.supervisor).create(
            {"payment_id": order2.payment_ids.id}
        ).action_confirm()
        fees = self.account.invoice_ids.filtered(
            lambda m: (
                m.invoice_line_ids.product_id == self.company.utility_nsf_fee_product_id
            )
        )
        self.assertEqual(sorted(fees.mapped("amount_total")), [25.0, 35.0])
        self.assertEqual(self.account.returned_check_count, 2)
        self.assertTrue(self.account.cash_only)
        info = self.env["utility.account"].pos_search("CTR-1", self.config.id)[0]
        self.assertTrue(info["cash_only"])
        self.assertIn("Cash only", info["flags"])

    def test_search_finds_by_number_name_address_and_meter(self):
        _premise, meter, metered = self._setup_account("MTR-7788", partner=self.partner)
        Account = self.env["utility.account"].with_user(self.cashier)
        cid = self.config.id
        self.assertEqual(
            [r["name"] for r in Account.pos_search("CTR-1", cid)], ["CTR-1"]
        )
        self.assertIn(
            "CTR-1", [r["name"] for r in Account.pos_search("Rosa Counter", cid)]
        )
        self.assertIn(
            "CTR-1", [r["name"] for r in Account.pos_search("CTR-1 Avenida", cid)]
        )
        self.assertEqual(
            [r["id"] for r in Account.pos_search("MTR-7788", cid)], [metered.id]
        )
        info = Account.pos_search("CTR-1", cid)[0]
        self.assertEqual(info["balance"], 100.0)
        self.assertEqual(
            [(b["amount"], b["date_due"]) for b in info["bills"]],
            [(60.0, "2026-09-25"), (40.0, "2026-10-25")],
        )
        self.assertEqual(Account.pos_search("x", cid), [])

    def test_account_of_another_company_never_found(self):
        other = self.setup_other_company(name="Other City")["company"]
        partner = self.env["res.partner"].create({"name": "Rosa Elsewhere"})
        foreign = (
            self.env["utility.account"]
            .with_company(other)
            .create(
                {
                    "name": "CTR-9",
                    "partner_id": partner.id,
                    "company_id": other.id,
                    "premise_id": self.env["utility.premise"]
                    .with_company(other)
                    .create(
                        {
                            "street": "1 Elsewhere",
                            "city": "Indio",
                            "company_id": other.id,
                        }
                    )
                    .id,
                }
            )
        )
        Account = self.env["utility.account"]
        self.assertFalse(Account.pos_search("CTR-9", self.config.id))
        self.assertFalse(Account.pos_search("Rosa Elsewhere", self.config.id))
        session = self._open_session()
        # Refused when the POS saves it: the cashier sees why, nothing is saved.
        with self.assertRaises(UserError) as refused:
            self._sync_order(
                session,
                [(self.payment_product, 10.0, foreign, None)],
                [(self.cash_pm, 10.0)],
                partner=self.account.partner_id,
            )
        self.assertIn("CTR-9 belongs to another company", str(refused.exception))
        session.invalidate_recordset()
        self.assertFalse(session.order_ids)
        self.assertFalse(session.utility_unapplied_count)

    def test_cash_receipts_report(self):
        session = self._open_session()
        self._sync_order(
            session,
            [
                (self.payment_product, 100.0, self.account, None),
                (self.citation, 50.0, None, "C-2002"),
            ],
            [(self.cash_pm, 70.0), (self.check_pm, 80.0, "7001")],
        )
        self._sync_order(
            session,
            [(self.payment_product, 20.0, self.account, None)],
            [(self.card_pm, 20.0)],
        )
        session.post_closing_cash_details(68.0)
        self.assertTrue(session.close_session_from_ui()["successful"])
        report = self.env["report.utility_billing_payments.report_cash_receipts"]
        summary = report._get_report_values(session.ids)["summary"]
        self.assertEqual(
            {name: row["amount"] for name, row in summary["by_tender"]},
            {"Cash": 70.0, "Check": 80.0, "Card": 20.0},
        )
        self.assertEqual(summary["total"], 170.0)
        self.assertEqual(summary["utility_total"], 120.0)
        self.assertEqual(
            [(r["account"], r["amount"]) for r in summary["misc"]],
            [(self.citation_revenue.display_name, 50.0)],
        )
        self.assertEqual(summary["over_short"][0]["difference"], -2.0)
        self.assertEqual(summary["deposit_cash"], 70.0)
        self.assertEqual(
            [(c["number"], c["amount"]) for c in summary["checks"]], [("7001", 80.0)]
        )
        self.assertEqual(summary["deposit_total"], 150.0)
        self.assertEqual(summary["receipt_count"], 2)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_payments.report_cash_receipts", session.ids
            )[0]
            .decode()
        )
        self.assertIn("Deposit Slip", html)
        self.assertIn("7001", html)
        # The daily wizard finds the session of the day.
        wizard = self.env["utility.cash.receipts.wizard"].create(
            {"date": session.start_at.date(), "config_ids": [(6, 0, self.config.ids)]}
        )
        self.assertEqual(wizard._get_sessions(), session)
