# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command, fields

from odoo.addons.utility_billing.tests.common import UtilityBillingCommon


class UtilityDelinquencyCommon(UtilityBillingCommon):
    """Policies of our own (the shipped ones archived), bills of known amounts
    and due dates, payments applied as the counter applies them.

    The bill of the timeline is due on Monday March 3, 2025: day 60 is Friday
    May 2, day 59 Thursday May 1.
    """

    DUE = date(2025, 3, 3)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company = cls.company
        env["utility.delinquency.policy"].search([]).action_archive()
        company.write(
            {"utility_sb998_medical_days": 0, "utility_sb998_inability_days": 0}
        )
        # The demo's runs are dated around today, after the 2025 calendar of
        # the tests: a run for a date before the latest run is refused.
        env["utility.delinquency.run"].search([]).unlink()
        Account = env["account.account"]
        cls.income = Account.create(
            {"name": "Test Water Sales", "code": "DLQ4100", "account_type": "income"}
        )
        cls.penalty_income = Account.create(
            {"name": "Test Penalties", "code": "DLQ4900", "account_type": "income"}
        )
        cls.bad_debt = Account.create(
            {"name": "Test Bad Debt", "code": "DLQ6900", "account_type": "expense"}
        )
        cls.recovery = Account.create(
            {
                "name": "Test Bad Debt Recovered",
                "code": "DLQ4950",
                "account_type": "income_other",
            }
        )
        cls.product = env["product.product"].create(
            {
                "name": "Test Water",
                "type": "service",
                "property_account_income_id": cls.income.id,
                "taxes_id": [Command.clear()],
            }
        )
        cls.penalty_product = env.ref("utility_billing_payments.product_late_penalty")
        cls.penalty_product.property_account_income_id = cls.penalty_income
        cls.reconnect_product = env.ref(
            "utility_billing_payments.product_reconnection_fee"
        )
        cls.reconnect_product.property_account_income_id = cls.penalty_income
        cls.journal = company._get_utility_journal()
        cls.bank_journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        company.write(
            {
                "utility_penalty_product_id": cls.penalty_product.id,
                "utility_dlq_penalty_due_days": 21,
                "utility_reconnect_fee_business": 75.0,
                "utility_reconnect_fee_after_hours": 200.0,
                "utility_reconnect_cpi_base": 262.2,
                "utility_reconnect_cpi_current": 262.2,
                "utility_plan_max_months": 12,
                "utility_plan_grace_days": 60,
                "utility_plan_approval_amount": 1000.0,
                "utility_collection_age_days": 90,
                "utility_bad_debt_account_id": cls.bad_debt.id,
                "utility_bad_debt_recovery_account_id": cls.recovery.id,
                "utility_sb998_phone": "(760) 398-3502",
            }
        )
        cls.policy = cls._create_policy("Test Residential", "residential", sb998=True)
        cls.policy_commercial = cls._create_policy(
            "Test Commercial",
            "commercial",
            sb998=False,
            days=(1, 5, 20, 25, 33, 35),
            minimum=25.0,
        )
        cls.steps = {s.action: s for s in cls.policy.step_ids}

    @classmethod
    def _create_policy(
        cls, name, customer_class, sb998=True, days=(1, 5, 30, 45, 58, 60), minimum=10
    ):
        actions = (
            "penalty",
            "late_notice",
            "final_notice",
            "shutoff_notice",
            "door_hanger",
            "shutoff_list",
        )
        return cls.env["utility.delinquency.policy"].create(
            {
                "name": name,
                "customer_class": customer_class,
                "minimum_amount": minimum,
                "sb998": sb998,
                "step_ids": [
                    Command.create(
                        {
                            "name": action,
                            "action": action,
                            "days": day,
                            "sequence": index,
                            "penalty_type": "percent",
                            "penalty_percent": 10.0,
                        }
                    )
                    for index, (action, day) in enumerate(
                        zip(actions, days, strict=True)
                    )
                ],
            }
        )

    @classmethod
    def _sb998_case(cls, account, kind, accept=True, **vals):
        """Received before the 2025 timeline; the test company's cases do not
        expire (renewal periods 0), so they hold on the timeline's days as on
        the day the test runs."""
        vals.setdefault("received_date", date(2025, 1, 2))
        return super()._sb998_case(account, kind, accept=accept, **vals)

    @classmethod
    def _account(cls, serial, customer_class="residential", partner=None, **vals):
        _premise, _meter, account = cls._setup_account(
            serial, customer_class=customer_class, partner=partner
        )
        # The SB 998 flags follow the account's cases: record them.
        for flag, kind in (
            ("appeal_pending", "appeal"),
            ("medical_certification", "medical"),
            ("low_income", "inability"),
            ("plan_willing", "willingness"),
        ):
            if vals.pop(flag, False):
                cls._sb998_case(account, kind)
        if vals:
            account.write(vals)
        return account

    @classmethod
    def _bill(cls, account, amount, due=None, invoice_date=None, final=False):
        due = due or cls.DUE
        invoice_date = invoice_date or fields.Date.subtract(due, days=21)
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "journal_id": cls.journal.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "utility_account_id": account.id,
                "utility_is_final": final,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "name": "Water",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _pay(self, account, amount, when):
        """A counter payment of ``amount`` on ``when``, applied oldest bill
        first (one entry per account, as the counter posts them)."""
        receivable = account.partner_id.property_account_receivable_id
        with freeze_time(when):
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": self.bank_journal.id,
                    "date": when,
                    "utility_account_id": account.id,
                    "utility_payment_source": "counter",
                    "line_ids": [
                        Command.create(
                            {
                                "name": "Payment",
                                "account_id": self.bank_journal.default_account_id.id,
                                "debit": amount,
                            }
                        ),
                        Command.create(
                            {
                                "name": "Payment",
                                "account_id": receivable.id,
                                "partner_id": account.partner_id.id,
                                "credit": amount,
                            }
                        ),
                    ],
                }
            )
            move.action_post()
            account._utility_apply_credit(
                move.line_ids.filtered(lambda ln: ln.account_id == receivable)
            )
        return move

    def _run(self, when, user=None):
        """The delinquency run for ``when``, done as a CSR II on that day."""
        when = fields.Date.to_date(when)
        with freeze_time(datetime.combine(when, datetime.min.time()).replace(hour=9)):
            Run = self.env["utility.delinquency.run"].with_user(user or self.csr2)
            run = Run._get_or_create(self.company, when)
            run.action_run()
        return run.sudo()

    def _days(self, n):
        return fields.Date.add(self.DUE, days=n)

    def _events(self, account):
        return self.env["utility.delinquency.event"].search(
            [("account_id", "=", account.id)]
        )

    def _notices(self, account, kind=None):
        domain = [("account_id", "=", account.id)]
        if kind:
            domain.append(("kind", "=", kind))
        return self.env["utility.notice"].search(domain)

    def _penalties(self, account):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "=", account.id),
                ("utility_penalty_bill_id", "!=", False),
            ]
        )

    def _shutoff_line(self, account, when):
        """The account's line on the list a run of ``when`` fills: the list of
        that day, or of the next business day when ``when`` is a weekend, a
        holiday or a closed day (no list is released on those)."""
        day = self.company._utility_next_business_day(fields.Date.to_date(when))
        return self.env["utility.shutoff.list.line"].search(
            [("account_id", "=", account.id), ("list_id.date", "=", day)]
        )

    def _walk_to_list(self, account):
        """Runs of days 1, 5, 30, 45 and 58: penalty, late, final, shut-off
        notices and door hanger done."""
        for day in (1, 5, 30, 45, 58):
            self._run(self._days(day))
