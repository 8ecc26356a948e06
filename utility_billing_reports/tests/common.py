# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command

from odoo.addons.utility_billing.tests.common_billing import UtilityBillingRunCommon


class UtilityReportsCommon(UtilityBillingRunCommon):
    """A small known ledger, in a billing cycle of its own (the reports are
    filtered by it, so that the demo data of the database never counts).

    Three accounts on Coachella's water rate (3/4" meter $13.80 plus 41 HCF at
    $1.50 and $1.65 above, 5% utility users tax) and trash ($28.50):

    ===== =========== ======= ======= =========================================
    acct  class       March   April   bills (March: Apr 3, due Apr 24; April:
                      HCF     HCF     May 3, due May 24)
    ===== =========== ======= ======= =========================================
    A     residential 30      50      90.24 (87.30 + 2.94 tax); 123.16 (118.65
                                      + 4.51)
    B     commercial  20      24      74.49 (72.30 + 2.19); 80.79 (78.30 +
                                      2.49)
    C     residential 12      10      61.89 (60.30 + 1.59); 58.74 (57.30 +
                                      1.44)
    ===== =========== ======= ======= =========================================

    Payments: A pays 90.24 by ACH on April 20; B pays 40.00 by mail on May 10
    and 20.00 by a plain customer payment (no source: "other") on May 15; C
    pays 61.89 online on May 28 (its March bill was open on April 30 and on
    May 26). A gets a 10.00 credit (adjustment) on its April bill on May 20;
    the rest of B's March bill, 14.49, is written off to bad debts on May 31.
    C holds a 100.00 deposit since March 1 (billed on the customer deposits
    account and paid by mail that day). A had a 50.00 bill on
    2024-05-15 (the same period last year), paid by mail on 2024-06-01. The
    company's fiscal year ends on June 30.
    """

    MARCH = (date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 3))
    APRIL = (date(2025, 4, 1), date(2025, 4, 30), date(2025, 5, 3))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "fiscalyear_last_month": "6",
                "fiscalyear_last_day": 30,
                # Printing asks for the document layout until one is chosen.
                "external_report_layout_id": cls.env.ref(
                    "web.external_layout_standard"
                ).id,
            }
        )
        Account = cls.env["account.account"]
        cls.bad_debt = Account.create(
            {"name": "Bad Debts", "code": "UBT6901", "account_type": "expense"}
        )
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
        cls.bank_journal = cls.env["account.journal"].create(
            {"name": "Test Utility Bank", "code": "TUB", "type": "bank"}
        )
        cls.misc_journal = cls.env["account.journal"].create(
            {"name": "Test Write-offs", "code": "TWO", "type": "general"}
        )
        cls.partner_a = cls.env["res.partner"].create({"name": "Ana Reyes"})
        cls.partner_b = cls.env["res.partner"].create({"name": "Valley Market"})
        cls.partner_c = cls.env["res.partner"].create({"name": "Luis Ortega"})
        _p, cls.meter_a, cls.account_a = cls._billing_account(
            "REP-A", partner=cls.partner_a
        )
        _p, cls.meter_b, cls.account_b = cls._billing_account(
            "REP-B", partner=cls.partner_b, customer_class="commercial", sequence=20
        )
        _p, cls.meter_c, cls.account_c = cls._billing_account(
            "REP-C", partner=cls.partner_c, sequence=30
        )
        for meter, march, april in (
            (cls.meter_a, 30, 80),
            (cls.meter_b, 20, 44),
            (cls.meter_c, 12, 22),
        ):
            cls._read(meter, "2025-03-31", march)
            cls._read(meter, "2025-04-30", april)
        cls.run_march = cls._run_period(*cls.MARCH)
        cls.run_april = cls._run_period(*cls.APRIL)
        cls.bill = {}
        for key, account in (
            ("a", cls.account_a),
            ("b", cls.account_b),
            ("c", cls.account_c),
        ):
            for month, run in (("march", cls.run_march), ("april", cls.run_april)):
                cls.bill[key, month] = run.invoice_ids.filtered(
                    lambda m, account=account: m.utility_account_id == account
                )
        cls.pay_a = cls._pay(cls.account_a, 90.24, "2025-04-20", "ach")
        cls.pay_b_mail = cls._pay(cls.account_b, 40.00, "2025-05-10", "mail")
        cls.pay_b_other = cls._pay(cls.account_b, 20.00, "2025-05-15", None)
        cls.pay_c = cls._pay(cls.account_c, 61.89, "2025-05-28", "online")
        cls.adjustment = cls._credit(cls.account_a, cls.bill["a", "april"], 10.0)
        cls.write_off = cls._write_off(cls.account_b, 14.49, "2025-05-31")
        cls.deposit_account = Account.create(
            {
                "name": "Test Customer Deposits",
                "code": "UBT2151",
                "account_type": "liability_current",
            }
        )
        cls.deposit_invoice, cls.deposit_payment = cls._deposit(
            cls.account_c, 100.0, "2025-03-01", cls.deposit_account
        )
        cls.prior_bill = cls._manual_bill(cls.account_a, "2024-05-15", 50.0)
        cls.prior_payment = cls._pay(cls.account_a, 50.0, "2024-06-01", "mail")
        cls.filters = {
            "company_id": cls.company.id,
            "billing_cycle_ids": [cls.cycle.id],
        }

    # ------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------

    @classmethod
    def _run_period(cls, period_start, period_end, bill_date):
        run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": period_start,
                "period_end": period_end,
                "bill_date": bill_date,
            }
        )
        run.action_compute()
        run.action_post()
        assert run.state == "posted" and run.billed_count == 3, run.line_ids.mapped(
            "hold_reason"
        )
        return run

    @classmethod
    def _pay(cls, account, amount, when, source, journal=None):
        """A customer payment of ``account`` (its move with the payment
        source, none for a plain payment), applied to its bills oldest first."""
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": account.partner_id.id,
                "amount": amount,
                "date": when,
                "journal_id": (journal or cls.bank_journal).id,
            }
        )
        payment.action_post()
        payment.move_id.utility_account_id = account
        if source:
            payment.move_id.utility_payment_source = source
        account._utility_apply_credit(payment.move_id.line_ids)
        return payment

    @classmethod
    def _credit(cls, account, bill, amount, when="2025-05-20"):
        """A courtesy credit of ``amount`` on ``bill``, requested by a CSR II
        and approved and posted by a manager on ``when``."""
        adjustment = (
            cls.env["utility.adjustment"]
            .with_user(cls.csr2)
            .create(
                {
                    "account_id": account.id,
                    "bill_id": bill.id,
                    "adjustment_type": "other",
                    "amount": amount,
                    "reason": "Courtesy credit",
                }
            )
        )
        adjustment.action_compute()
        adjustment.action_submit()
        # Noon UTC: the same date for the test users in Pacific time.
        with freeze_time(f"{when} 12:00:00"):
            adjustment.with_user(cls.manager).action_approve()
            adjustment.with_user(cls.manager).action_post()
        return adjustment

    @classmethod
    def _write_off(cls, account, amount, when):
        receivable = account.partner_id.property_account_receivable_id
        move = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": cls.misc_journal.id,
                "date": when,
                "utility_account_id": account.id,
                "ref": f"Write-off {account.name}",
                "line_ids": [
                    Command.create(
                        {"account_id": cls.bad_debt.id, "debit": amount, "name": "WO"}
                    ),
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "credit": amount,
                            "name": "WO",
                            "partner_id": account.partner_id.id,
                        }
                    ),
                ],
            }
        )
        move.action_post()
        account._utility_apply_credit(move.line_ids)
        return move

    @classmethod
    def _deposit(cls, account, amount, when, deposit_account):
        """A deposit of ``amount`` billed on ``when`` as Start Service bills it
        (on ``deposit_account``, the company's customer deposits account) and
        paid by mail the same day."""
        account.company_id.utility_deposit_account_id = deposit_account
        invoice = account._utility_bill_deposit(amount, when)
        journal = cls.bank_journal
        if journal.company_id != account.company_id:
            journal = cls.env["account.journal"].search(
                [("company_id", "=", account.company_id.id), ("type", "=", "bank")],
                limit=1,
            )
        payment = cls._pay(account, amount, when, "mail", journal=journal)
        return invoice, payment

    @classmethod
    def _manual_bill(cls, account, when, amount):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "invoice_date": when,
                "invoice_date_due": when,
                "date": when,
                "utility_account_id": account.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_water_usage.id,
                            "name": "Water usage",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "utility_service_type_id": cls.water.id,
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _report(self, model, domain=None, **filters):
        """Rows of report ``model`` for the ledger's filters (and more)."""
        Report = self.env[model]
        return Report.search(
            Report._ub_domain({**self.filters, **filters}) + (domain or [])
        )

    def _group(self, model, groupby, aggregates, domain=None, **filters):
        Report = self.env[model]
        return Report._read_group(
            Report._ub_domain({**self.filters, **filters}) + (domain or []),
            groupby,
            aggregates,
        )

    def _aged(self, as_of, user=None, **vals):
        env = self.env(user=user) if user else self.env
        report = env["utility.report.aged.receivable"].create(
            {
                "as_of_date": as_of,
                "billing_cycle_ids": [Command.set(self.cycle.ids)],
                **vals,
            }
        )
        report.action_show()
        return report

    def _aged_table(self, report):
        """{account number: (current, 1-30, 31-60, 61-90, 91-120, >120, total)}"""
        return {
            line.account_id.name: (
                line.amount_current,
                line.amount_1_30,
                line.amount_31_60,
                line.amount_61_90,
                line.amount_91_120,
                line.amount_over_120,
                line.amount_total,
            )
            for line in report.line_ids
        }

    def _month_end(self, date_from, date_to, **vals):
        return self.env["utility.report.month.end"].create(
            {
                "date_from": date_from,
                "date_to": date_to,
                "billing_cycle_ids": [Command.set(self.cycle.ids)],
                **vals,
            }
        )
