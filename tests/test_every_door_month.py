# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every dollar through every door, in one month (issue 14): March 2026 of a
billing cycle of its own takes money at the counter (cash, card and check, the
check returned by the bank), by ACH (one debit returned R01), in a mail batch,
a lockbox file, Odoo's Register Payment (a deposit, then applied by the final
bill), an online payment on the customer portal (issue 18), an overpayment
credit applied to the next bill, an adjustment, and a
bill reset and re-posted after its account changed class. The aged
receivables, the cash receipts, the revenue by class and by income account,
the deposits held and the month-end roll-forward all equal sums taken straight
from ``account.move.line``."""

import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.utility_billing.tests.common_billing import UtilityBillingRunCommon
from odoo.addons.utility_billing_payments.tests.ach_common import (
    BANK_ROUTING,
    ROUTING_A,
    ROUTING_B,
    UtilityAchCommon,
)
from odoo.addons.utility_billing_payments.tests.common_counter import (
    UtilityCounterCommon,
)
from odoo.addons.utility_billing_payments.tests.common_online import (
    UtilityOnlinePaymentMixin,
)

MONTH_FROM = date(2026, 3, 1)
MONTH_TO = date(2026, 3, 31)
RECEIPTS = "utility.report.cash.receipt"
REVENUE = "utility.report.revenue"
DEPOSITS = "utility.report.deposit"
AGED_BUCKETS = (
    ("amount_current", None, 0),
    ("amount_1_30", 1, 30),
    ("amount_31_60", 31, 60),
    ("amount_61_90", 61, 90),
    ("amount_91_120", 91, 120),
    ("amount_over_120", 121, None),
)


@tagged("post_install", "-at_install")
class TestEveryDoorMonth(
    UtilityOnlinePaymentMixin, UtilityCounterCommon, UtilityBillingRunCommon
):
    _raw_return_file = staticmethod(UtilityAchCommon._raw_return_file)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        Account = cls.env["account.account"]
        cls.tax_payable = Account.create(
            {
                "name": "Utility Users Tax Payable",
                "code": "UBT2301",
                "account_type": "liability_current",
            }
        )
        cls.uut.invoice_repartition_line_ids.filtered(
            lambda r: r.repartition_type == "tax"
        ).account_id = cls.tax_payable
        if not company.utility_deposit_account_id:
            company.utility_deposit_account_id = Account.create(
                {
                    "name": "Test Customer Deposits",
                    "code": "UBT2151",
                    "account_type": "liability_current",
                }
            )
        cls.deposit_account = company.utility_deposit_account_id
        cls.bank_journal = cls.env["account.journal"].create(
            {"name": "Test Utility Bank", "code": "TUB", "type": "bank"}
        )
        # ACH: the settings of the ACH tests (utility_billing_payments).
        cls.ach_clearing = Account.create(
            {
                "name": "ACH Clearing (test)",
                "code": "UBT1015",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        cls.ach_journal = cls.env["account.journal"].create(
            {"name": "ACH Autopay (test)", "code": "ACHT", "type": "bank"}
        )
        company.sudo().write(
            {
                "ach_immediate_destination": BANK_ROUTING,
                "ach_immediate_destination_name": "First Desert Bank",
                "ach_immediate_origin": "1956000123",
                "ach_immediate_origin_name": "City of Coachella",
                "ach_originating_dfi": False,
                "ach_company_identification": "1956000123",
                "ach_company_name": "CITY COACHELLA",
                "ach_entry_description": "UTILITY",
                "ach_prenote_days": 3,
                "ach_debit_amount_mode": "open_balance",
                "ach_journal_id": cls.ach_journal.id,
                "ach_clearing_account_id": cls.ach_clearing.id,
                "ach_return_fee_product_id": cls.env.ref(
                    "utility_billing_payments.product_ach_return_fee"
                ).id,
                "ach_nsf_suspend_count": 2,
                "ach_line_ending": "lf",
                "ach_last_file_date": False,
                "ach_last_file_id_modifier": False,
                "ach_last_trace_sequence": 0,
            }
        )
        cls.env["utility.closed.day"].search(
            [
                ("company_id", "=", company.id),
                ("date", "<=", "2026-12-31"),
                ("date", ">=", "2026-01-01"),
            ]
        ).unlink()
        cls.env["utility.ach.mandate"].search([]).write({"state": "revoked"})
        cls.env["utility.ach.batch"].search([("state", "=", "draft")]).write(
            {"state": "cancelled"}
        )
        # The portal's payment provider pays into the bank journal the
        # office's batches and lockbox use too.
        cls.provider = cls._setup_online_provider(cls.bank_journal)
        cls.lockbox_mapping = cls.env["utility.lockbox.mapping"].create(
            {
                "name": "Test Bank CSV",
                "col_batch_ref": "batch",
                "col_item_ref": "item",
                "col_account": "Account",
                "col_amount": "Amount",
                "col_check": "Check",
                "col_payer": "Remitter",
                "journal_id": cls.bank_journal.id,
            }
        )
        # Six accounts of the cycle, meters installed on December 31, 2025.
        cls.accounts = {}
        cls.meters = {}
        for index, (key, klass) in enumerate(
            (
                ("a", "residential"),
                ("b", "commercial"),
                ("c", "residential"),
                ("d", "residential"),
                ("e", "residential"),
                ("f", "residential"),
            ),
            start=1,
        ):
            partner = cls.env["res.partner"].create({"name": f"Door {key.upper()}"})
            _p, meter, account = cls._billing_account(
                f"DOOR-{key.upper()}",
                partner=partner,
                customer_class=klass,
                install_date="2025-12-31",
                sequence=index * 10,
            )
            cls.accounts[key] = account
            cls.meters[key] = meter
            cls._read(meter, "2026-01-31", 10 * index)
            cls._read(meter, "2026-02-28", 10 * index + 5 + index)
        # January's bills (billed February 3, due February 24): the opening
        # balance of March.
        cls.run_january = cls._run(
            date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 3), 6
        )

    @classmethod
    def _run(cls, period_start, period_end, bill_date, count):
        run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": period_start,
                "period_end": period_end,
                "bill_date": bill_date,
            }
        )
        with freeze_time(f"{bill_date} 17:00:00"):
            run.action_compute()
            run.action_post()
        assert run.state == "posted" and run.billed_count == count, run.line_ids.mapped(
            "hold_reason"
        )
        return run

    def _bill_of(self, key, run):
        return run.invoice_ids.filtered(
            lambda m: m.utility_account_id == self.accounts[key]
        )

    # ------------------------------------------------------------
    # Straight from the journal items
    # ------------------------------------------------------------

    def _cycle_lines(self, domain):
        return self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("utility_account_id.billing_cycle_id", "=", self.cycle.id),
                *domain,
            ]
        )

    def _receivable(self, domain):
        return self._cycle_lines(
            [("account_id.account_type", "=", "asset_receivable"), *domain]
        )

    def _in_month(self):
        return [("date", ">=", MONTH_FROM), ("date", "<=", MONTH_TO)]

    # ------------------------------------------------------------
    # The month
    # ------------------------------------------------------------

    def _take_the_month(self):
        acc = self.accounts
        jan = {key: self._bill_of(key, self.run_january) for key in acc}
        # March 2: E pays its January bill and 29.37 more online (Record
        # Payment): a credit waiting for the next bill.
        with freeze_time("2026-03-02 18:00:00"):
            self.env["utility.record.payment"].with_user(self.csr1).create(
                {
                    "account_id": acc["e"].id,
                    "amount": jan["e"].amount_total + 29.37,
                    "date": date(2026, 3, 2),
                    "source": "online",
                    "journal_id": self.bank_journal.id,
                }
            ).action_record()
            # D's deposit, billed March 2 and paid with Register Payment; D
            # moves out on February 28 (its final bill is February's).
            self.deposit_invoice = acc["d"]._utility_bill_deposit(100.0, "2026-03-02")
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=self.deposit_invoice.ids
            ).create(
                {
                    "amount": 100.0,
                    "payment_date": "2026-03-02",
                    "journal_id": self.bank_journal.id,
                }
            )._create_payments()
            self.assertEqual(acc["d"].deposit_held, 100.0)
            self._stop(acc["d"], "2026-02-28", readings=[10 * 4 + 5 + 4])
        # March 3: February's bills (due March 24); D's is final and applies
        # the deposit; E's credit is applied to its bill.
        self.run_february = self._run(
            date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 3), 6
        )
        feb = {key: self._bill_of(key, self.run_february) for key in acc}
        self.assertTrue(feb["d"].utility_is_final)
        self.assertEqual(acc["d"].deposit_held, 0.0)
        self.assertAlmostEqual(
            feb["e"].amount_residual, feb["e"].amount_total - 29.37, places=2
        )
        # March 5: a mail batch of two checks (A's and C's January bills).
        with freeze_time("2026-03-05 18:00:00"):
            batch = (
                self.env["utility.payment.batch"]
                .with_user(self.csr1)
                .create(
                    {
                        "journal_id": self.bank_journal.id,
                        "date": date(2026, 3, 5),
                        "source": "mail",
                        "control_total": jan["a"].amount_total + jan["c"].amount_total,
                        "control_count": 2,
                        "line_ids": [
                            Command.create(
                                {
                                    "account_id": acc[key].id,
                                    "amount": jan[key].amount_total,
                                    "check_number": number,
                                }
                            )
                            for key, number in (("a", "3101"), ("c", "3102"))
                        ],
                    }
                )
            )
            batch.action_post()
        # March 6: the bank's lockbox file pays 15.00 of A's February bill and
        # 20.00 of C's.
        with freeze_time("2026-03-06 18:00:00"):
            text = (
                "Batch,Item,Account,Amount,Check,Remitter\n"
                f"L1,1,{acc['a'].name},15.00,4401,Door A\n"
                f"L1,2,{acc['c'].name},20.00,4402,Door C\n"
            )
            wizard = (
                self.env["utility.lockbox.import"]
                .with_user(self.csr1)
                .create(
                    {
                        "file": base64.b64encode(text.encode()),
                        "filename": "lockbox_0306.csv",
                        "mapping_id": self.lockbox_mapping.id,
                        "date": date(2026, 3, 6),
                    }
                )
            )
            lockbox = self.env["utility.payment.batch"].browse(
                wizard.action_import()["res_id"]
            )
            self.assertFalse(lockbox.error_ids)
            if lockbox.state == "draft":
                lockbox.with_user(self.csr1).action_post()
        # March 10: the counter takes cash, a card and a check from A (its
        # February bill) and cash for a citation (no receipt of the cycle).
        with freeze_time("2026-03-10 18:00:00"):
            session = self._open_session()
            self._sync_order(
                session,
                [(self.payment_product, 20.0, acc["a"], None)],
                [(self.cash_pm, 20.0)],
            )
            self._sync_order(
                session,
                [(self.payment_product, 30.0, acc["a"], None)],
                [(self.card_pm, 30.0)],
            )
            check_order = self._sync_order(
                session,
                [(self.payment_product, 40.0, acc["a"], None)],
                [(self.check_pm, 40.0, "7001")],
            )
            self._sync_order(
                session,
                [(self.citation, 50.0, None, "PC-1")],
                [(self.cash_pm, 50.0)],
                partner=acc["a"].partner_id,
            )
            session.post_closing_cash_details(70.0)
            self.assertTrue(session.close_session_from_ui()["successful"])
        # March 12, 10:15 pm in California (06:15 UTC on the 13th): E pays
        # 5.00 online on the portal, a receipt of March 12.
        tx = self._online_pay(acc["e"], 5.0, "2026-03-13 06:15:00")
        self.assertEqual(tx.payment_id.move_id.date, date(2026, 3, 12))
        self.assertEqual(tx.payment_id.move_id.utility_payment_source, "online")
        # March 13: the bank returns the check.
        with freeze_time("2026-03-13 18:00:00"):
            self.env["utility.counter.nsf"].with_user(self.csr2).create(
                {"payment_id": check_order.payment_ids.id, "date": date(2026, 3, 13)}
            ).action_confirm()
        nsf_entries = check_order.payment_ids.utility_return_move_ids
        # March 16: the ACH file debits what B and F owe (their January bills,
        # due before the March 18 settlement); F's debit comes back R01 on
        # March 20 (payment reversed, January bill open again, $25 fee).
        UtilityAchCommon._mandate.__func__(self.__class__, acc["b"], routing=ROUTING_A)
        UtilityAchCommon._mandate.__func__(
            self.__class__, acc["f"], routing=ROUTING_B, number="55501"
        )
        with freeze_time("2026-03-16 16:30:00"):
            ach = (
                self.env["utility.ach.batch"]
                .with_user(self.csr2)
                .create({"effective_date": date(2026, 3, 18)})
            )
            ach.action_compute()
            ach.with_user(self.csr2).action_generate()
        f_line = ach.line_ids.filtered(lambda ln: ln.account_id == acc["f"])
        self.assertTrue(f_line.payment_id)
        with freeze_time("2026-03-20 16:30:00"):
            returned = (
                self.env["utility.ach.return"]
                .with_user(self.csr2)
                ._import_file(
                    UtilityAchCommon._return_file(self, [(f_line, "R01", "")]),
                    "return.txt",
                    date=date(2026, 3, 20),
                )
            )
        self.assertEqual(returned.line_ids.state, "done", returned.line_ids.message)
        # March 20: a 10.00 courtesy credit on C's February bill.
        adjustment = (
            self.env["utility.adjustment"]
            .with_user(self.csr2)
            .create(
                {
                    "account_id": acc["c"].id,
                    "bill_id": feb["c"].id,
                    "adjustment_type": "other",
                    "amount": 10.0,
                    "reason": "Courtesy credit",
                }
            )
        )
        adjustment.action_compute()
        adjustment.action_submit()
        with freeze_time("2026-03-20 19:00:00"):
            adjustment.with_user(self.manager).action_approve()
            adjustment.with_user(self.manager).action_post()
        # March 25: F's premise is commercial from now on; its February bill
        # (residential when it posted) is reset and posted again.
        acc["f"].premise_id.customer_class = "commercial"
        with freeze_time("2026-03-25 18:00:00"):
            feb["f"].button_draft()
            feb["f"].action_post()
        self.assertEqual(feb["f"].utility_customer_class, "residential")
        return {
            "session": session,
            "nsf_entries": nsf_entries,
            "feb": feb,
            "jan": jan,
        }

    def test_every_door_ties_to_the_journal_items(self):
        month = self._take_the_month()
        filters = {
            "company_id": self.company.id,
            "billing_cycle_ids": [self.cycle.id],
            "date_from": MONTH_FROM,
            "date_to": MONTH_TO,
        }

        # --- Cash receipts, per source -------------------------------
        receipts = {
            source: amount
            for source, amount in self.env[RECEIPTS]._read_group(
                self.env[RECEIPTS]._ub_domain(filters), ["source"], ["amount:sum"]
            )
        }
        # Every door's payment entry credits the account's receivable, its
        # return or reversal debits it, with the door as payment source.
        ledger = {}
        payments = self._receivable(
            [
                *self._in_month(),
                ("move_id.move_type", "=", "entry"),
                ("move_id.utility_payment_source", "!=", False),
            ]
        )
        for line in payments:
            source = line.move_id.utility_payment_source
            ledger[source] = ledger.get(source, 0.0) - line.balance
        self.assertEqual(
            {s: round(a, 2) for s, a in receipts.items()},
            {s: round(a, 2) for s, a in ledger.items()},
        )
        self.assertEqual(
            set(receipts), {"counter", "ach", "mail", "lockbox", "online", "other"}
        )
        # The counter's day as a whole (the citation too), by tender, is what
        # its session put in the tenders' journals, less the returned check.
        session = month["session"]
        session_rows = self.env[RECEIPTS].search([("session", "=", session.name)])
        tendered = self.env["account.move.line"].search(
            [
                (
                    "move_id",
                    "in",
                    (session._get_related_account_moves() | month["nsf_entries"]).ids,
                ),
                ("account_id.account_type", "in", ("asset_cash", "asset_current")),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertAlmostEqual(
            sum(session_rows.mapped("amount")), sum(tendered.mapped("balance"))
        )
        self.assertAlmostEqual(
            sum(session_rows.mapped("amount")) - receipts["counter"], 50.0
        )

        # --- Revenue, by class and by income account ------------------
        Revenue = self.env[REVENUE]
        income = self._cycle_lines(
            [
                *self._in_month(),
                ("account_id.account_type", "in", ("income", "income_other")),
            ]
        )
        by_class, by_account = {}, {}
        for line in income:
            klass = line.move_id.utility_customer_class
            by_class[klass] = by_class.get(klass, 0.0) - line.balance
            by_account[line.account_id] = by_account.get(line.account_id, 0.0) - (
                line.balance
            )
        report_class = {
            klass: round(amount, 2)
            for klass, amount in Revenue._read_group(
                Revenue._ub_domain(filters), ["customer_class"], ["amount:sum"]
            )
        }
        report_account = {
            account: round(amount, 2)
            for account, amount in Revenue._read_group(
                Revenue._ub_domain(filters), ["gl_account_id"], ["amount:sum"]
            )
        }
        self.assertEqual(report_class, {k: round(a, 2) for k, a in by_class.items()})
        self.assertEqual(
            report_account, {k: round(a, 2) for k, a in by_account.items()}
        )
        # F is commercial now; its February bill, reset and posted again after
        # the change, is revenue of the class it was billed in.
        self.assertEqual(self.accounts["f"].customer_class, "commercial")
        f_income = income.filtered(lambda ln: ln.move_id == month["feb"]["f"])
        self.assertTrue(f_income)
        self.assertEqual(
            set(f_income.move_id.mapped("utility_customer_class")), {"residential"}
        )
        self.assertEqual(set(report_class), {"residential", "commercial"})

        # --- Deposits held --------------------------------------------
        deposit_lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("account_id", "=", self.deposit_account.id),
                ("parent_state", "=", "posted"),
            ]
        )
        tie = self.env[DEPOSITS]._ub_tie_out(self.company)
        self.assertAlmostEqual(tie["ledger"], -sum(deposit_lines.mapped("balance")))
        # What the accounts hold and owe is what their deposit entries left on
        # the deposits account; an entry there that is no account's deposit
        # (none in a fresh database) is the difference the report shows.
        of_deposits = deposit_lines.filtered("move_id.utility_deposit_kind")
        self.assertAlmostEqual(
            tie["held"] + tie["unpaid"], -sum(of_deposits.mapped("balance"))
        )
        self.assertAlmostEqual(
            tie["difference"],
            sum((deposit_lines - of_deposits).mapped("balance")),
        )
        self.assertEqual(tie["ties"], not (deposit_lines - of_deposits))
        ours = deposit_lines.filtered(
            lambda ln: ln.utility_account_id in self.accounts["d"]
        )
        self.assertAlmostEqual(-sum(ours.mapped("balance")), 0.0)
        self.assertFalse(
            self.env[DEPOSITS].search(
                [("account_id", "in", [a.id for a in self.accounts.values()])]
            )
        )

        # --- Aged receivables as of March 31, per bucket ----------------
        aged = self.env["utility.report.aged.receivable"].create(
            {
                "as_of_date": MONTH_TO,
                "billing_cycle_ids": [Command.set(self.cycle.ids)],
            }
        )
        aged.action_show()
        open_items = self._receivable(
            [("date", "<=", MONTH_TO), ("amount_residual", "!=", 0.0)]
        )
        buckets = dict.fromkeys([b[0] for b in AGED_BUCKETS], 0.0)
        for line in open_items:
            days = (MONTH_TO - (line.date_maturity or line.date)).days
            if line.amount_residual < 0:
                buckets["amount_current"] += line.amount_residual
                continue
            for field, low, high in AGED_BUCKETS:
                if (low is None or days >= low) and (high is None or days <= high):
                    buckets[field] += line.amount_residual
                    break
        for field, _low, _high in AGED_BUCKETS:
            self.assertAlmostEqual(
                sum(aged.line_ids.mapped(field)), buckets[field], places=2, msg=field
            )
        # F's January bill, reopened by the R01 return, is 35 days past due;
        # February's bills (due March 24) are 7 days past due.
        self.assertGreater(buckets["amount_31_60"], 0.0)
        self.assertGreater(buckets["amount_1_30"], 0.0)
        closing = sum(self._receivable([("date", "<=", MONTH_TO)]).mapped("balance"))
        self.assertAlmostEqual(sum(aged.line_ids.mapped("amount_total")), closing)

        # --- Month-end roll-forward -----------------------------------
        opening = sum(self._receivable([("date", "<", MONTH_FROM)]).mapped("balance"))
        moved = self._receivable(self._in_month())

        def kind(line):
            move = line.move_id
            if move.utility_adjustment_id:
                return "adjusted"
            if move.utility_deposit_kind:
                return "other"
            if move.move_type == "out_invoice":
                return "billed"
            return "collected"

        sums = dict.fromkeys(("billed", "collected", "adjusted", "other"), 0.0)
        for line in moved:
            sums[kind(line)] += line.balance
        month_end = self.env["utility.report.month.end"].create(
            {
                "date_from": MONTH_FROM,
                "date_to": MONTH_TO,
                "billing_cycle_ids": [Command.set(self.cycle.ids)],
            }
        )
        self.assertAlmostEqual(month_end.opening_balance, opening, places=2)
        self.assertAlmostEqual(month_end.billed, sums["billed"], places=2)
        self.assertAlmostEqual(month_end.collected, -sums["collected"], places=2)
        self.assertAlmostEqual(month_end.adjusted, -sums["adjusted"], places=2)
        self.assertAlmostEqual(month_end.written_off, 0.0, places=2)
        self.assertAlmostEqual(month_end.other_movements, sums["other"], places=2)
        self.assertAlmostEqual(month_end.closing_journal, closing, places=2)
        self.assertAlmostEqual(
            opening
            + month_end.billed
            - month_end.collected
            - month_end.adjusted
            - month_end.written_off
            + month_end.other_movements,
            closing,
            places=2,
        )
        self.assertAlmostEqual(month_end.closing_computed, closing, places=2)
        self.assertAlmostEqual(month_end.aged_total, closing, places=2)
        self.assertTrue(month_end.ties)
        # What the month-end collected is what the cash receipts of the cycle
        # took, door by door.
        self.assertAlmostEqual(month_end.collected, sum(ledger.values()), places=2)
        self.assertEqual(
            {
                source: round(amount, 2)
                for source, amount in month_end._ub_summary()["collected_by_source"]
            },
            {
                dict(self.env[RECEIPTS]._fields["source"].selection)[source]: round(
                    amount, 2
                )
                for source, amount in ledger.items()
            },
        )
