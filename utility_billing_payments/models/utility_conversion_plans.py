# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: the payment plans of the legacy system
(``payment_plans.csv``, the ``payment_plans`` kind, added through the
conversion's hooks: utility_billing does not know this addon). Each plan is
entered through the plan's own workflow (draft, then Confirm, and Approve when
it waits for it) as the manager who loads, covering the account's converted
bills, so that it protects the account from the delinquency steps as a plan
entered in the suite does; proved by count and amount remaining."""

# pylint: disable=consider-merging-classes-inherited
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round

PLAN_KINDS = [("payment_plans", "Payment Plans")]
PLAN_TEMPLATE = [
    ("account_number", "char", True, "100-5001-01"),
    ("plan_ref", "char", True, "PP-2025-0042"),
    ("start_date", "date", True, "2025-03-01"),
    ("installment_amount", "money", True, "25.00"),
    ("installments_left", "int", True, "3"),
    ("next_due_date", "date", True, "2025-07-15"),
    ("frequency", "selection:monthly", True, "monthly"),
    ("amount_remaining", "money", True, "68.85"),
]
BUCKET_COLUMNS = ("current", "days_31_60", "days_61_90", "days_91_plus")


class UtilityConversionLine(models.Model):
    _inherit = "utility.conversion.line"

    kind = fields.Selection(
        selection_add=PLAN_KINDS, ondelete={"payment_plans": "cascade"}
    )


class UtilityConversionError(models.Model):
    _inherit = "utility.conversion.error"

    kind = fields.Selection(
        selection_add=PLAN_KINDS, ondelete={"payment_plans": "cascade"}
    )


class UtilityConversion(models.Model):
    _inherit = "utility.conversion"

    payment_plans_file = fields.Binary(attachment=True, copy=False)
    payment_plans_filename = fields.Char(copy=False)
    legacy_plans_count = fields.Integer(string="Legacy Payment Plans", tracking=True)
    legacy_plans_remaining = fields.Monetary(
        string="Legacy Amount Remaining on Plans", tracking=True
    )

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _conversion_templates(self):
        return {**super()._conversion_templates(), "payment_plans": PLAN_TEMPLATE}

    def _conversion_models(self):
        return {
            **super()._conversion_models(),
            "payment_plans": "utility.payment.plan",
        }

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def _check_references(self, rows, errors):
        res = super()._check_references(rows, errors)
        plan_rows = rows.get("payment_plans", [])
        if not plan_rows:
            return res
        statuses = {
            row["account_number"]: row["status"]
            for _line_no, row in rows.get("accounts", [])
        }
        numbers = {row["account_number"] for _line_no, row in plan_rows}
        converted = self._converted_map("accounts", numbers - set(statuses))
        for number, account in converted.items():
            statuses[number] = account.state
        balances = self._plan_opening_balances(rows, numbers, converted)
        # Plans open in the database that no conversion loaded.
        loaded = set(self._converted_map("payment_plans", numbers).values())
        open_plans = {
            plan.account_id.name
            for plan in self.env["utility.payment.plan"]
            .sudo()
            .search(
                [
                    ("account_id.name", "in", list(numbers)),
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", ("draft", "to_approve", "active")),
                ]
            )
            if plan not in loaded
        }
        for line_no, row in plan_rows:
            for column, message in self._plan_problems(
                row, statuses, balances, open_plans
            ):
                self._error(errors, "payment_plans", line_no, column, message)
        return res

    def _plan_opening_balances(self, rows, numbers, converted):
        """{account number: opening balance} of the accounts of the plans: from
        balances.csv or open_bills.csv, else (an account converted before)
        what it owes in the books."""
        balances = {}
        for _line_no, row in self._kind_rows(rows, "balances"):
            balances[row["account_number"]] = sum(
                row.get(column) or 0.0 for column in BUCKET_COLUMNS
            )
        for _line_no, row in self._kind_rows(rows, "open_bills"):
            number = row["account_number"]
            balances[number] = balances.get(number, 0.0) + row["amount"]
        missing = numbers - set(balances)
        known = {n: a for n, a in converted.items() if n in missing}
        known.update(self._converted_map("accounts", list(missing - set(known))))
        for number, account in known.items():
            balances[number] = account.balance
        return balances

    def _plan_problems(self, row, statuses, balances, open_plans):
        """[(column, message)] of a payment plan row."""
        problems = []
        number = row["account_number"]
        status = statuses.get(number)
        currency = self.company_id.currency_id
        if not status:
            problems.append(
                (
                    "account_number",
                    self.env._(
                        "Account %(number)s is not in the accounts file.",
                        number=number,
                    ),
                )
            )
        elif status not in ("active", "final"):
            problems.append(
                (
                    "account_number",
                    self.env._(
                        "Account %(number)s is closed: it takes no payment plan.",
                        number=number,
                    ),
                )
            )
        if number in open_plans:
            problems.append(
                (
                    "account_number",
                    self.env._(
                        "Account %(number)s already has a payment plan in the "
                        "database.",
                        number=number,
                    ),
                )
            )
        amount = row["installment_amount"]
        count = row["installments_left"]
        remaining = row["amount_remaining"]
        positive = True
        for column, value in (
            ("installment_amount", amount),
            ("installments_left", count),
            ("amount_remaining", remaining),
        ):
            if value <= 0:
                positive = False
                problems.append(
                    (column, self.env._("A payment plan's amounts are positive."))
                )
        maximum = self.company_id.utility_plan_max_months
        if maximum and count > maximum:
            problems.append(
                (
                    "installments_left",
                    self.env._(
                        "%(count)s installments left: payment plans have at most "
                        "%(max)s (Utility Billing > Configuration > Settings, "
                        "Delinquency and Collections, Payment Plans).",
                        count=count,
                        max=maximum,
                    ),
                )
            )
        if positive:
            message = self._plan_amount_problem(amount, count, remaining, currency)
            if message:
                problems.append(("amount_remaining", message))
            balance = balances.get(number)
            if (
                status
                and balance is not None
                and (currency.compare_amounts(remaining, balance) > 0)
            ):
                problems.append(
                    (
                        "amount_remaining",
                        self.env._(
                            "%(remaining)s remaining on the plan is more than the "
                            "opening balance of account %(number)s, %(balance)s.",
                            remaining=currency.format(remaining),
                            number=number,
                            balance=currency.format(balance),
                        ),
                    )
                )
            elif status and balance is None:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Account %(number)s has no opening balance in "
                            "balances.csv or open_bills.csv: a plan pays what "
                            "the account owes.",
                            number=number,
                        ),
                    )
                )
        if row["next_due_date"] < row["start_date"]:
            problems.append(
                (
                    "next_due_date",
                    self.env._("The next due date is before the plan's start date."),
                )
            )
        return problems

    def _plan_amount_problem(self, amount, count, remaining, currency):
        """Why ``remaining`` is not ``count`` installments of ``amount`` (equal
        within a cent, or the last one smaller), or None."""
        full = amount * count
        if abs(currency.round(remaining - full)) <= currency.rounding + 1e-9:
            return None
        if float_compare(remaining, full, precision_rounding=currency.rounding) > 0:
            return self.env._(
                "%(count)s installments of %(amount)s pay %(full)s, less than the "
                "%(remaining)s remaining: an installment is missing or the "
                "amount is too small.",
                count=count,
                amount=currency.format(amount),
                full=currency.format(full),
                remaining=currency.format(remaining),
            )
        if (
            float_compare(
                remaining, amount * (count - 1), precision_rounding=currency.rounding
            )
            <= 0
        ):
            return self.env._(
                "%(before)s installments of %(amount)s already pay the %(remaining)s "
                "remaining: %(count)s installments left is too many (the last one "
                "may be smaller, not zero).",
                before=count - 1,
                amount=currency.format(amount),
                remaining=currency.format(remaining),
                count=count,
            )
        return None

    # ------------------------------------------------------------
    # Load
    # ------------------------------------------------------------

    def _load(self):
        created = super()._load()
        lines = self._kind_lines("payment_plans")
        if not lines:
            return created
        converted = self._converted_map("payment_plans", lines.mapped("key"))
        new = lines.filtered(lambda ln: ln.key not in converted)
        if not new:
            return created
        accounts = self._converted_map("accounts", new.mapped("key"))
        plans = {}
        for line in new:
            plans[line.key] = self._load_plan(accounts[line.key], line.data)
        self._remember("payment_plans", plans)
        return created + len(plans)

    def _load_plan(self, account, row):
        """A legacy plan entered as a draft covering the account's open bills,
        its installments those left in the legacy system (monthly from the
        next due date, the last one taking the rest); what the account owes
        beyond the plan is its down payment, due on the cut-over date. Then
        confirmed as the manager who loads (a CSR II or above: no approval
        waits; a plan still waiting is approved through Approve)."""
        Plan = self.env["utility.payment.plan"]
        currency = self.company_id.currency_id
        plan = Plan.create(
            {
                "account_id": account.id,
                "company_id": self.company_id.id,
                "start_date": row["start_date"],
                "months": row["installments_left"],
                "note": self.env._(
                    "Converted from the legacy system: plan %(reference)s.",
                    reference=row["plan_ref"],
                ),
            }
        )
        remaining = row["amount_remaining"]
        outside = currency.round(plan.amount_total - remaining)
        if currency.compare_amounts(outside, 0.0) < 0:
            raise UserError(
                self.env._(
                    "Account %(number)s owes %(owed)s on its bills, less than the "
                    "%(remaining)s of legacy plan %(reference)s.",
                    number=account.name,
                    owed=currency.format(plan.amount_total),
                    remaining=currency.format(remaining),
                    reference=row["plan_ref"],
                )
            )
        commands = [Command.clear()]
        if not currency.is_zero(outside):
            commands.append(
                Command.create(
                    {
                        "sequence": 0,
                        "name": self.env._("Balance outside the legacy plan"),
                        "due_date": self.cutover_date,
                        "amount": outside,
                    }
                )
            )
        count = row["installments_left"]
        amount = row["installment_amount"]
        first = fields.Date.to_date(row["next_due_date"])
        for index in range(count):
            value = amount
            if index == count - 1:
                value = float_round(
                    remaining - amount * (count - 1),
                    precision_rounding=currency.rounding,
                )
            commands.append(
                Command.create(
                    {
                        "sequence": index + 1,
                        "name": self.env._(
                            "Installment %(number)s of %(count)s",
                            number=index + 1,
                            count=count,
                        ),
                        "due_date": first + relativedelta(months=index),
                        "amount": value,
                    }
                )
            )
        plan.write({"down_payment": outside, "installment_ids": commands})
        plan.action_confirm()
        waiting = plan.filtered(lambda p: p.state == "to_approve")
        if waiting:
            waiting.action_approve()
        return plan

    # ------------------------------------------------------------
    # Proof
    # ------------------------------------------------------------

    def _proof_rows(self):
        return [
            *super()._proof_rows(),
            (self.env._("Payment plans"), "plans_count", False),
            (self.env._("Payment plans, amount remaining"), "plans_remaining", True),
        ]

    def _loaded_totals(self):
        """Plans: how many were converted (cancelled ones left out) and the
        amount remaining on them as converted (their installments without
        what the account owed outside the plan)."""
        totals = super()._loaded_totals()
        count, remaining = self._converted_totals(
            "payment_plans",
            [
                SQL("count(*)"),
                SQL(
                    "SUM(COALESCE(converted.amount_total, 0) "
                    "- COALESCE(converted.down_payment, 0))"
                ),
            ],
            SQL("converted.state IS DISTINCT FROM 'cancelled'"),
        )
        currency = self.currency_id or self.env.company.currency_id
        totals["plans_count"] = count
        totals["plans_remaining"] = currency.round(float(remaining))
        return totals

    @api.depends("legacy_plans_count", "legacy_plans_remaining")
    def _compute_proof(self):
        return super()._compute_proof()
