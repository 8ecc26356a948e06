# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from random import randint

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

RECEIPTS = "utility.report.cash.receipt"
MISC = "utility.report.misc.receipt"


@tagged("post_install", "-at_install")
class TestCounterReceipts(TransactionCase):
    """Counter receipts from real Point of Sale orders: a cash payment with
    change, a check and a card, taken by two cashiers; citations and permits
    by revenue account, tied to the session's journal entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.partner_id.tz = "America/Los_Angeles"
        Account = cls.env["account.account"]
        cls.income_citations = Account.create(
            {"name": "Parking Citations", "code": "UBT4501", "account_type": "income"}
        )
        cls.income_permits = Account.create(
            {"name": "Permits and Fees", "code": "UBT4601", "account_type": "income"}
        )
        pos_receivable = Account.create(
            {
                "name": "Counter Receivable",
                "code": "UBT1301",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
        Journal = cls.env["account.journal"]
        cash_journal = Journal.create(
            {"name": "Counter Cash", "code": "TCSH", "type": "cash"}
        )
        check_journal = Journal.create(
            {"name": "Counter Checks", "code": "TCHK", "type": "bank"}
        )
        card_journal = Journal.create(
            {"name": "Counter Cards", "code": "TCRD", "type": "bank"}
        )
        Method = cls.env["pos.payment.method"]
        cls.cash = Method.create(
            {
                "name": "Cash",
                "journal_id": cash_journal.id,
                "receivable_account_id": pos_receivable.id,
            }
        )
        cls.check = Method.create(
            {
                "name": "Check",
                "journal_id": check_journal.id,
                "receivable_account_id": pos_receivable.id,
            }
        )
        cls.card = Method.create(
            {
                "name": "Card",
                "journal_id": card_journal.id,
                "receivable_account_id": pos_receivable.id,
            }
        )
        config_vals = {
            "name": "City Hall Counter",
            "payment_method_ids": [Command.set((cls.cash | cls.check | cls.card).ids)],
        }
        if "utility_counter" in cls.env["pos.config"]._fields:
            # With the counter payments addon, only its counters are receipts.
            config_vals["utility_counter"] = True
        cls.config = cls.env["pos.config"].create(config_vals)
        category = cls.env["product.category"].create(
            {
                "name": "Permits",
                "property_account_income_categ_id": cls.income_permits.id,
            }
        )
        cls.citation = cls.env["product.product"].create(
            {
                "name": "Parking Citation",
                "type": "service",
                "available_in_pos": True,
                "list_price": 45.0,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.income_citations.id,
            }
        )
        # No account of its own: its category's.
        cls.permit = cls.env["product.product"].create(
            {
                "name": "Encroachment Permit",
                "type": "service",
                "available_in_pos": True,
                "list_price": 120.0,
                "taxes_id": [Command.clear()],
                "categ_id": category.id,
            }
        )
        cls.cashier_1 = new_test_user(
            cls.env,
            login="rep_cashier_1",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        cls.cashier_2 = new_test_user(
            cls.env,
            login="rep_cashier_2",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        cls.config.open_ui()
        cls.session = cls.config.current_session_id
        cls.session.set_opening_control(0, None)
        # Taken on June 3 in California: 9 PM there is June 4 in UTC.
        cls.order_1 = cls._order(
            [(cls.citation, 1)],
            [(cls.cash, 50.0)],
            cls.cashier_1,
            "2025-06-04 04:00:00",
            change=5.0,
        )
        cls.order_2 = cls._order(
            [(cls.permit, 2)],
            [(cls.check, 240.0)],
            cls.cashier_2,
            "2025-06-03 17:00:00",
        )
        cls.order_3 = cls._order(
            [(cls.citation, 1), (cls.permit, 1)],
            [(cls.card, 100.0), (cls.cash, 65.0)],
            cls.cashier_1,
            "2025-06-04 17:00:00",
        )

    @classmethod
    def _order(cls, lines, payments, cashier, when, change=0.0):
        uid = f"{randint(1, 99999):05d}-001-{randint(1, 9999):04d}"
        total = sum(product.list_price * qty for product, qty in lines)
        data = {
            "amount_paid": sum(amount for _m, amount in payments),
            "amount_return": change,
            "amount_tax": 0.0,
            "amount_total": total,
            "date_order": when,
            "fiscal_position_id": False,
            "pricelist_id": cls.config.pricelist_id.id,
            "name": f"Order {uid}",
            "last_order_preparation_change": "{}",
            "lines": [
                Command.create(
                    {
                        "product_id": product.id,
                        "qty": qty,
                        "price_unit": product.list_price,
                        "price_subtotal": product.list_price * qty,
                        "price_subtotal_incl": product.list_price * qty,
                        "tax_ids": [Command.clear()],
                    }
                )
                for product, qty in lines
            ],
            "partner_id": False,
            "session_id": cls.session.id,
            "sequence_number": 1,
            "payment_ids": [
                Command.create(
                    {
                        "amount": amount,
                        "name": when,
                        "payment_method_id": method.id,
                    }
                )
                for method, amount in payments
            ],
            "uuid": uid,
            "user_id": cashier.id,
            "to_invoice": False,
            "state": "paid",
        }
        result = cls.env["pos.order"].sync_from_ui([data])
        order = cls.env["pos.order"].browse(result["pos.order"][0]["id"])
        order.payment_ids.write({"payment_date": when})
        order.date_order = when
        return order

    def _table(self, groupby):
        return {
            tuple(group[:-2]): (group[-2], group[-1])
            for group in self.env[RECEIPTS]._read_group(
                [("session", "=", self.session.name)],
                groupby,
                ["receipt_count:sum", "amount:sum"],
            )
        }

    def test_by_day_tender_and_cashier(self):
        self.assertEqual(
            set(
                self.env[RECEIPTS]
                .search([("session", "=", self.session.name)])
                .mapped("source")
            ),
            {"counter"},
        )
        self.assertEqual(
            {
                (day.isoformat(), tender): amounts
                for (day, tender), amounts in self._table(
                    ["date:day", "tender"]
                ).items()
            },
            {
                # 50.00 tendered, 5.00 change given: 45.00 kept.
                ("2025-06-03", "Cash"): (1, 45.0),
                ("2025-06-03", "Check"): (1, 240.0),
                ("2025-06-04", "Card"): (1, 100.0),
                ("2025-06-04", "Cash"): (1, 65.0),
            },
        )
        self.assertEqual(
            {
                cashier: amounts
                for (cashier,), amounts in self._table(["cashier_id"]).items()
            },
            {self.cashier_1: (3, 210.0), self.cashier_2: (1, 240.0)},
        )

    def test_cash_receipts_tie_to_the_session(self):
        """By tender, the receipts are what the session's payments total."""
        by_tender = {
            tender: amount
            for (tender,), (_count, amount) in self._table(["tender"]).items()
        }
        for method in (self.cash, self.check, self.card):
            payments = self.session.order_ids.payment_ids.filtered(
                lambda p, method=method: p.payment_method_id == method
            )
            self.assertAlmostEqual(
                by_tender[method.name], sum(payments.mapped("amount")), places=2
            )

    def test_misc_receipts_by_revenue_account_tie_to_the_session_entry(self):
        groups = self.env[MISC]._read_group(
            [("session", "=", self.session.name)],
            ["gl_account_id"],
            ["quantity:sum", "amount_untaxed:sum"],
        )
        by_account = {account: (qty, amount) for account, qty, amount in groups}
        self.assertEqual(
            by_account,
            {
                self.income_citations: (2.0, 90.0),
                self.income_permits: (3.0, 360.0),
            },
        )
        self.session.post_closing_cash_details(110.0)
        self.session.close_session_from_ui()
        self.assertEqual(self.session.state, "closed")
        income = self.session.move_id.line_ids.filtered(
            lambda ln: ln.account_id in (self.income_citations | self.income_permits)
        )
        self.assertEqual(
            {
                account: -sum(
                    income.filtered(lambda ln, a=account: ln.account_id == a).mapped(
                        "balance"
                    )
                )
                for account in income.account_id
            },
            {account: amount for account, (_qty, amount) in by_account.items()},
        )
        # Closed sessions' orders are posted ("done"): still receipts.
        self.assertEqual(self._table([])[()], (4, 450.0))

    def test_print(self):
        rows = self.env[RECEIPTS].search([("session", "=", self.session.name)])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_reports.action_report_utility_cash_receipt", rows.ids
            )[0]
            .decode()
        )
        for text in ("450.00", "Check", "Parking Citations", "Permits and Fees"):
            self.assertIn(text, html)
