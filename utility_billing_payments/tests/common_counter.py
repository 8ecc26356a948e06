# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.utility_billing.tests.common import UtilityBillingCommon


class UtilityCounterCommon(UtilityBillingCommon):
    """A counter (POS config with Cash, Check and Card), a citation product and
    accounts with posted bills of known amounts and due dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company._utility_counter_setup()
        cls.cashier = new_test_user(
            env,
            login="counter_cashier",
            name="Carla Cashier",
            groups="base.group_user,utility_billing.group_csr_1",
            tz="America/Los_Angeles",
        )
        cls.methods = cls.company._utility_counter_payment_methods()
        cls.cash_pm = cls.methods.filtered(lambda m: m.utility_tender == "cash")
        cls.check_pm = cls.methods.filtered(lambda m: m.utility_tender == "check")
        cls.card_pm = cls.methods.filtered(lambda m: m.utility_tender == "card")
        cls.config = env["pos.config"].create(
            {
                "name": "Test Counter",
                "utility_counter": True,
                "payment_method_ids": [Command.set(cls.methods.ids)],
            }
        )
        cls.clearing = cls.company.utility_counter_clearing_account_id
        cls.payment_product = cls.company.utility_payment_product_id
        cls.revenue = env["account.account"].create(
            {"name": "Test Water Sales", "code": "T40010", "account_type": "income"}
        )
        cls.citation_revenue = env["account.account"].create(
            {"name": "Test Citations", "code": "T43110", "account_type": "income"}
        )
        cls.citation = env["product.product"].create(
            {
                "name": "Parking Citation",
                "type": "service",
                "list_price": 50.0,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
                "utility_counter_kind": "citation",
                "utility_reference_label": "Citation number",
                "property_account_income_id": cls.citation_revenue.id,
            }
        )
        cls.sale_journal = env["account.journal"].search(
            [
                ("company_id", "=", cls.company.id),
                ("type", "=", "sale"),
                ("id", "!=", cls.company.utility_journal_id.id),
            ],
            limit=1,
        )

    @classmethod
    def _counter_account(cls, number, partner_name, bills):
        """An active account numbered ``number`` with one posted bill per
        (amount, due date) in ``bills``, oldest first."""
        partner = cls.env["res.partner"].create({"name": partner_name})
        premise = cls._create_premise(street=f"{number} Avenida Tour")
        account = cls.env["utility.account"].create(
            {
                "name": number,
                "partner_id": partner.id,
                "premise_id": premise.id,
                "start_date": "2026-01-01",
                "service_ids": [Command.create({"service_type_id": cls.trash.id})],
            }
        )
        account.action_activate()
        for index, (amount, due) in enumerate(bills):
            cls._bill_account(account, amount, due, label=f"{number} bill {index + 1}")
        return account

    @classmethod
    def _bill_account(cls, account, amount, due, label="Bill"):
        due = fields.Date.to_date(due)
        bill = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": cls.sale_journal.id,
                "partner_id": account.partner_id.id,
                "invoice_date": due.replace(day=1),
                "invoice_date_due": due,
                "utility_account_id": account.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": label,
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": cls.revenue.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        bill.action_post()
        return bill

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )

    def _open_session(self, config=None, user=None):
        config = config or self.config
        config.with_user(user or self.cashier).open_ui()
        session = config.current_session_id
        session.set_opening_control(0, "")
        return session

    def _sync_order(
        self, session, lines, payments, partner=None, user=None, line_vals=None
    ):
        """Send an order the way the POS does (``sync_from_ui``).

        :param lines: (product, price, utility account or None, reference or None)
        :param payments: (payment method, amount[, check number])
        :param line_vals: values that override every line's (e.g. a quantity)
        """
        user = user or self.cashier
        uid = f"{session.id}-{len(session.order_ids) + 1:04d}-{id(lines)}"
        order_lines = []
        for index, (product, price, account, reference) in enumerate(lines):
            order_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "qty": 1,
                        "price_unit": price,
                        "price_subtotal": price,
                        "price_subtotal_incl": price,
                        "tax_ids": [Command.set([])],
                        "utility_account_id": account.id if account else False,
                        "utility_reference": reference or False,
                        "uuid": f"{uid}-{index}",
                        **(line_vals or {}),
                    }
                )
            )
        payment_cmds = []
        for payment in payments:
            method, amount = payment[0], payment[1]
            vals = {
                "amount": amount,
                "name": fields.Datetime.now(),
                "payment_method_id": method.id,
            }
            if len(payment) > 2:
                vals["check_number"] = payment[2]
            payment_cmds.append(Command.create(vals))
        total = sum(line[1] for line in lines)
        result = (
            self.env["pos.order"]
            .with_user(user)
            .sync_from_ui(
                [
                    {
                        "amount_paid": sum(p[1] for p in payments),
                        "amount_return": 0,
                        "amount_tax": 0,
                        "amount_total": total,
                        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                        "pricelist_id": session.config_id.pricelist_id.id,
                        "name": f"Order {uid}",
                        "lines": order_lines,
                        "partner_id": (
                            partner or (lines[0][2] and lines[0][2].partner_id)
                        ).id
                        if (partner or lines[0][2])
                        else False,
                        "session_id": session.id,
                        "sequence_number": len(session.order_ids) + 1,
                        "payment_ids": payment_cmds,
                        "uuid": uid,
                        "user_id": user.id,
                        "to_invoice": False,
                        "state": "paid",
                    }
                ]
            )
        )
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])
