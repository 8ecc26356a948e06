# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import UtilityReportsCommon

ADJUSTMENTS = "utility.report.adjustment"
DEPOSITS = "utility.report.deposit"


@tagged("post_install", "-at_install")
class TestAdjustmentsAndDeposits(UtilityReportsCommon):
    def test_adjustments_register(self):
        rows = self._report(ADJUSTMENTS)
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (
                rows.adjustment_id,
                rows.date.isoformat(),
                rows.adjustment_type,
                rows.move_type,
                rows.bill_id,
                rows.account_id,
                rows.requested_by,
                rows.approver_id,
                rows.amount,
            ),
            (
                self.adjustment,
                "2025-05-20",
                "other",
                "out_refund",
                self.bill["a", "april"],
                self.account_a,
                self.csr2,
                self.manager,
                10.0,
            ),
        )
        # The credit note's receivable credit is the register's amount.
        receivable = rows.move_id.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(-receivable.balance, rows.amount)
        self.assertFalse(self._report(ADJUSTMENTS, date_to="2025-05-19"))

    def test_charge_is_negative(self):
        """An adjustment charging the customer (a debit note) is negative."""
        charge = self._credit(
            self.account_b, self.bill["b", "april"], -5.0, when="2025-05-21"
        )
        rows = self._report(ADJUSTMENTS, [("adjustment_id", "=", charge.id)])
        self.assertEqual((rows.move_type, rows.amount), ("out_invoice", -5.0))
        may = self._month_end("2025-05-01", "2025-05-31")
        self.assertAlmostEqual(may.adjusted, 10.0 - 5.0, places=2)
        # Not a bill: the billing register leaves it out.
        self.assertNotIn(
            charge.move_id,
            self._report("utility.report.billing.register").move_id,
        )
        self.assertTrue(may.ties)

    def test_deposits_held(self):
        rows = self._report(DEPOSITS)
        self.assertEqual(
            [(r.account_id, r.deposit_held, r.state) for r in rows],
            [(self.account_c, 100.0, "active")],
        )

    def test_deposits_tie_to_the_liability_account(self):
        """In a utility of its own, the deposits held (and those billed, not
        yet paid) equal the balance of the customer deposits account, summed
        from its journal items; an entry there that is no account's deposit
        shows as a difference."""
        company = self.setup_other_company(name="Thermal Water District")["company"]
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        self.env.user.company_ids |= company
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        liability = env["account.account"].create(
            {
                "name": "Customer Deposits",
                "code": "TWD2151",
                "account_type": "liability_current",
                "company_ids": [Command.set(company.ids)],
            }
        )
        company.utility_deposit_account_id = liability
        cycle = env["utility.billing.cycle"].create({"name": "Thermal", "code": "T1"})
        route = env["utility.route"].create(
            {"name": "Thermal 1", "code": "T1", "cycle_id": cycle.id}
        )
        water = env["utility.service.type"].create(
            {"name": "Water", "code": "TWATER", "metered": False}
        )
        accounts = env["utility.account"]
        for index, amount in enumerate((150.0, 75.0), start=1):
            premise = env["utility.premise"].create(
                {"street": f"{index} Calle Thermal", "route_id": route.id}
            )
            account = env["utility.account"].create(
                {
                    "partner_id": self.partner_a.id,
                    "premise_id": premise.id,
                    "service_ids": [Command.create({"service_type_id": water.id})],
                }
            )
            account.action_activate()
            self._deposit(account, amount, "2025-03-01", liability)
            accounts |= account
        tie = env[DEPOSITS]._ub_tie_out(company)
        self.assertEqual(
            (tie["held"], tie["ledger"], tie["difference"], tie["ties"]),
            (225.0, 225.0, 0.0, True),
        )
        # Straight from the journal items of the deposits account.
        items = env["account.move.line"].search(
            [("account_id", "=", liability.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(-sum(items.mapped("balance")), 225.0)
        # A deposit billed, not yet paid: owed, not held; the two tie.
        owed = accounts[0]._utility_bill_deposit(50.0, "2025-03-05")
        tie = env[DEPOSITS]._ub_tie_out(company)
        self.assertEqual(
            (tie["held"], tie["unpaid"], tie["ledger"], tie["ties"]),
            (225.0, 50.0, 275.0, True),
        )
        self.assertEqual(owed.invoice_line_ids.account_id, liability)
        # An entry on the deposits account that is no deposit of an account
        # shows as a difference.
        cash = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "cash")], limit=1
        )
        stray = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": cash.id,
                "date": "2025-03-06",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cash.default_account_id.id,
                            "debit": 30.0,
                            "name": "Stray",
                        }
                    ),
                    Command.create(
                        {"account_id": liability.id, "credit": 30.0, "name": "Stray"}
                    ),
                ],
            }
        )
        stray.action_post()
        tie = env[DEPOSITS]._ub_tie_out(company)
        self.assertEqual((tie["difference"], tie["ties"]), (-30.0, False))
        html = (
            env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing_reports.action_report_utility_deposit",
                env[DEPOSITS].search([("company_id", "=", company.id)]).ids,
            )[0]
            .decode()
        )
        self.assertIn("o_ub_not_ties", html)
        self.assertIn("305.00", html)
