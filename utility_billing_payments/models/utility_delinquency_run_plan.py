# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""The delinquency run: planning the steps of a batch of accounts.

What each account of a batch is due on the run's date (penalties, the next
notice of its oldest delinquent bill, the shut-off list), decided from data
read with a few queries per batch; nothing is created here (see
``utility_delinquency_run_apply.py``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from odoo import Command, models
from odoo.tools import clean_context, float_compare

from .utility_account_delinquency import DOOR_HANGER_DAYS, SHUTOFF_DAYS_SB998
from .utility_delinquency_policy import NOTICE_KIND_BY_ACTION
from .utility_delinquency_run import (
    DATED_KINDS,
    QUIET_CONTEXT,
)
from .utility_notice_delinquency import SAFEGUARD_NOTICE_DOMAIN


@dataclass(slots=True)
class PlanBatch:
    """What the steps of a batch of accounts need, read once per batch
    (``_prefetch_batch``); ``done`` and ``stepped`` also receive the steps
    planned in the batch."""

    company: models.Model  # res.company, in the run's quiet environment
    currency: models.Model  # the company's currency
    accounts: models.Model  # utility.account of the batch, fields prefetched
    past_due: dict  # {account id: amount past due, at most its balance}
    policies: dict  # {customer class: utility.delinquency.policy}
    steps: dict  # {policy id: its steps, in order}
    lines: dict  # {account id: [delinquent receivable lines, oldest due first]}
    covered: dict  # {account id: {ids of the bills under an active payment plan}}
    done: dict  # {(bill id, step id): date the step was taken on the bill}
    stepped: set  # ids of the accounts that took a step on the run's date
    notice_dates: dict  # {account id: {"shutoff_notice_date"/...: date}}
    open_orders: set  # ids of the accounts with an open disconnect order


@dataclass(slots=True)
class PlanOut:
    """What the plan of a batch decided, created by ``_apply_batch``."""

    penalty_vals: list = field(default_factory=list)  # account.move values
    penalty_events: list = field(default_factory=list)  # their events' values
    notice_vals: list = field(default_factory=list)  # utility.notice values
    # their events' values, None for an occupants' copy (no event of its own)
    notice_events: list = field(default_factory=list)
    event_vals: list = field(default_factory=list)  # steps without a record
    # (account, policy, info, amount) of the accounts for the shut-off list
    list_candidates: list = field(default_factory=list)
    # (account id, step id, bill id, amount): each account's step
    account_rows: list = field(default_factory=list)
    shutoff_dates: dict = field(default_factory=dict)  # {account id: date}
    waived: list = field(default_factory=list)  # ids: penalty waiver used
    # notices, penalties, penalty_amount, waivers, eligible, blocked
    stats: defaultdict = field(default_factory=lambda: defaultdict(float))


@dataclass(slots=True, frozen=True)
class AccountStep:
    """A step of the policy taken on an account today (``_plan_step``)."""

    account: models.Model  # utility.account
    step: models.Model  # utility.delinquency.policy.step
    oldest: models.Model  # the account's oldest delinquent receivable line
    amount: float  # the account's amount past due
    policy: models.Model  # utility.delinquency.policy
    steps: models.Model  # the policy's steps, in order
    # dates of the notices sent ({"shutoff_notice_date": ...}) and of the
    # steps taken on the bill ({"done": {step id: date}})
    sent: dict = field(default_factory=dict)


class UtilityDelinquencyRun(models.Model):
    _inherit = "utility.delinquency.run"

    def _process_accounts(self, rows):
        """Take the steps due for the accounts ``rows`` ([(id, past due,
        balance)]) on the run's date. A constant number of queries per batch,
        plus those of each record created."""
        self.ensure_one()
        # Business days come from the company's cached business calendar: no
        # query per account.
        env = self.with_context(clean_context(self.env.context), **QUIET_CONTEXT).env
        batch = self._prefetch_batch(env, rows)
        out = PlanOut()
        for account in batch.accounts:
            self._plan_account(account, batch, out)
        return self._apply_batch(env, out)

    def _prefetch_batch(self, env, rows):
        """What the steps of the batch need, read with a few queries: a
        ``PlanBatch``."""
        date = self.date
        company = self.company_id.with_env(env)
        accounts = env["utility.account"].browse([r[0] for r in rows])
        accounts.fetch(
            [
                "customer_class",
                "partner_id",
                "premise_id",
                "state",
                "low_income",
                "medical_certification",
                "plan_willing",
                "appeal_pending",
                "interest_waiver_date",
                "disconnected",
                "payment_plan_id",
                "company_id",
                "lang",
                "paperless",
                "dlq_shutoff_date",
            ]
        )
        accounts.partner_id.fetch(["street", "zip", "email", "lang"])
        accounts.premise_id.fetch(
            ["street", "zip", "route_id", "sequence", "living_units", "customer_class"]
        )
        accounts.service_ids.fetch(["service_type_id", "end_date"])
        policies = env["utility.delinquency.policy"]._get_policy_by_class(company)
        ids = accounts.ids
        lines = env["account.move.line"].search(
            [
                ("utility_account_id", "in", ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", date),
                ("move_id.move_type", "=", "out_invoice"),
                ("move_id.utility_deposit_kind", "=", False),
            ],
            order="date_maturity, id",
        )
        lines.fetch(["move_id", "amount_residual", "date_maturity"])
        lines.move_id.fetch(
            [
                "utility_penalty_bill_id",
                "utility_reconnect_fee_capped",
                "name",
                "utility_account_id",
            ]
        )
        lines_by_account = defaultdict(list)
        for line in lines:
            lines_by_account[line.move_id.utility_account_id.id].append(line)
        covered = defaultdict(set)
        for plan in env["utility.payment.plan"].search(
            [("account_id", "in", ids), ("state", "=", "active")]
        ):
            covered[plan.account_id.id].update(plan.move_ids.ids)
        events = env["utility.delinquency.event"].search_fetch(
            [("account_id", "in", ids)],
            ["account_id", "bill_id", "step_id", "action", "date"],
        )
        # Accounts that took a step (notice, list) on the run's date, whoever
        # ran it: at most one step per account and date.
        stepped = {
            e.account_id.id for e in events if e.date == date and e.action != "penalty"
        }
        notice_dates = defaultdict(dict)
        for notice in env["utility.notice"].search_fetch(
            [
                ("account_id", "in", ids),
                ("kind", "in", ("shutoff", "plan_broken")),
                *SAFEGUARD_NOTICE_DOMAIN,
                ("state", "=", "sent"),
                ("date", "<=", date),
            ],
            ["account_id", "kind", "date", "occupant"],
        ):
            if notice.occupant:
                key = "occupant_notice_date"
            elif notice.kind == "shutoff":
                key = "shutoff_notice_date"
            else:
                key = "plan_broken_date"
            current = notice_dates[notice.account_id.id].get(key)
            if not current or notice.date > current:
                notice_dates[notice.account_id.id][key] = notice.date
        open_orders = set(
            env["utility.service.order"]
            .search_fetch(
                [
                    ("account_id", "in", ids),
                    ("order_type", "=", "disconnect"),
                    ("state", "in", ("new", "scheduled")),
                ],
                ["account_id"],
            )
            .account_id.ids
        )
        return PlanBatch(
            company=company,
            currency=company.currency_id,
            accounts=accounts,
            past_due={r[0]: max(0.0, min(r[1] or 0.0, r[2] or 0.0)) for r in rows},
            policies=policies,
            steps={p.id: p._get_steps() for p in set(policies.values()) if p},
            lines=lines_by_account,
            covered=covered,
            done={(e.bill_id.id, e.step_id.id): e.date for e in events},
            stepped=stepped,
            notice_dates=notice_dates,
            open_orders=open_orders,
        )

    def _plan_account(self, account, batch, out):
        """Decide the steps of one account from ``batch`` (the ``PlanBatch``)
        into ``out`` (the ``PlanOut``); records are created per batch."""
        policy = batch.policies.get(account.customer_class)
        amount = batch.past_due[account.id]
        currency = batch.currency
        if not policy or (
            float_compare(
                amount, policy.minimum_amount, precision_rounding=currency.rounding
            )
            < 0
        ):
            out.account_rows.append((account.id, None, None, 0.0))
            return
        bills = [
            ln
            for ln in batch.lines[account.id]
            if ln.move_id.id not in batch.covered[account.id]
            and not ln.move_id.utility_penalty_bill_id
            # No penalty on a penalty nor on a capped reconnection fee, and no
            # notice of their own (SB 998).
            and not ln.move_id.utility_reconnect_fee_capped
        ]
        if not bills:
            out.account_rows.append((account.id, None, None, amount))
            return
        steps = batch.steps[policy.id]
        self._plan_penalties(account, bills, steps, batch, out)
        # Notices and the shut-off list: the oldest delinquent bill, one step
        # a day.
        oldest = bills[0]
        bill = oldest.move_id
        done = batch.done
        current = next_step = None
        for step in steps:
            if step.action == "penalty":
                continue
            if (bill.id, step.id) in done:
                current = step
            elif next_step is None:
                next_step = step
        if (
            next_step
            and account.id not in batch.stepped
            and next_step.days <= (self.date - oldest.date_maturity).days
        ):
            self._plan_step(
                AccountStep(
                    account=account,
                    step=next_step,
                    oldest=oldest,
                    amount=amount,
                    policy=policy,
                    steps=steps,
                    sent={
                        **batch.notice_dates[account.id],
                        "done": {
                            s.id: done[(bill.id, s.id)]
                            for s in steps
                            if (bill.id, s.id) in done
                        },
                    },
                ),
                out,
            )
            done[(bill.id, next_step.id)] = self.date
            batch.stepped.add(account.id)
            current = next_step
        reached_list = any(
            done.get((bill.id, s.id), self.date + timedelta(days=1)) <= self.date
            for s in steps
            if s.action == "shutoff_list"
        )
        if (
            reached_list
            and account.state == "active"
            and not account.disconnected
            and account.id not in batch.open_orders
        ):
            info = {
                "oldest_due": oldest.date_maturity,
                **batch.notice_dates[account.id],
            }
            out.list_candidates.append((account, policy, info, amount))
        out.account_rows.append(
            (account.id, current.id if current else None, bill.id, amount)
        )

    def _plan_penalties(self, account, bills, steps, batch, out):
        """Each delinquent bill, once per penalty step reached; a low-income
        household's first penalty in 12 months is waived."""
        date = self.date
        currency = batch.currency
        waiver = account._dlq_waiver_available(date)
        stats = out.stats
        for line in bills:
            days_late = (date - line.date_maturity).days
            for step in steps:
                key = (line.move_id.id, step.id)
                if step.action != "penalty" or step.days > days_late:
                    continue
                if key in batch.done:
                    continue
                batch.done[key] = date
                base = {
                    "run_id": self.id,
                    "account_id": account.id,
                    "bill_id": line.move_id.id,
                    "step_id": step.id,
                    "date": date,
                    "company_id": self.company_id.id,
                }
                if waiver:
                    waiver = False
                    out.waived.append(account.id)
                    stats["waivers"] += 1
                    out.event_vals.append({**base, "waived": True, "amount": 0.0})
                    continue
                penalty = step._compute_penalty(line.amount_residual, currency)
                if currency.is_zero(penalty):
                    out.event_vals.append({**base, "amount": 0.0})
                    continue
                out.penalty_vals.append(
                    self._prepare_penalty_vals(account, line, step, penalty)
                )
                out.penalty_events.append({**base, "amount": penalty})
                stats["penalties"] += 1
                stats["penalty_amount"] += penalty

    def _plan_step(self, todo, out):
        """Take the step ``todo`` (an ``AccountStep``) on its account today: its
        event, and its notice (with the copy to the occupants for the shut-off
        notice when due), added to ``out`` (a ``PlanOut``). A notice that
        carries a shut-off date prints the account's date, moved later when
        this notice needs a later one (``todo.sent``: the dates of the notices
        already sent and of the steps already taken, see ``_shutoff_date``)."""
        account, step, oldest = todo.account, todo.step, todo.oldest
        base = {
            "run_id": self.id,
            "account_id": account.id,
            "bill_id": oldest.move_id.id,
            "step_id": step.id,
            "date": self.date,
            "amount": todo.amount,
            "company_id": self.company_id.id,
        }
        kind = NOTICE_KIND_BY_ACTION.get(step.action)
        if not kind:
            out.event_vals.append(base)
            return
        occupant_days = account._dlq_occupant_notice_days()
        vals = self._prepare_notice_vals(todo, kind)
        if kind in DATED_KINDS:
            required = self._shutoff_date(todo, occupant_days)
            current = out.shutoff_dates.get(account.id) or account.dlq_shutoff_date
            shutoff_date = max(current, required) if current else required
            vals["shutoff_date"] = shutoff_date
            out.shutoff_dates[account.id] = shutoff_date
        out.notice_vals.append(vals)
        out.notice_events.append(base)
        if kind == "shutoff" and occupant_days:
            out.notice_vals.append({**vals, "occupant": True})
            out.notice_events.append(None)

    def _prepare_penalty_vals(self, account, line, step, amount):
        company = self.company_id
        product = company._utility_penalty_product()
        bill = line.move_id
        currency = company.currency_id
        # In the account's language, as the bills' lines.
        env = self.with_context(lang=account._utility_label_lang()).env
        if step.penalty_type == "percent":
            label = env._(
                "Late penalty on bill %(bill)s: %(percent)s%% of %(amount)s",
                bill=bill.name,
                percent=format(step.penalty_percent, "g"),
                amount=currency.format(line.amount_residual),
            )
        else:
            label = env._("Late penalty on bill %(bill)s", bill=bill.name)
        return {
            "move_type": "out_invoice",
            "partner_id": account.partner_id.id,
            "journal_id": company._utility_penalty_journal().id,
            "invoice_date": self.date,
            "date": self.date,
            "invoice_date_due": self.date
            + timedelta(days=company.utility_dlq_penalty_due_days),
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "currency_id": currency.id,
            "company_id": company.id,
            "utility_account_id": account.id,
            "utility_penalty_bill_id": bill.id,
            "payment_reference": account.name,
            "ref": bill.name,
            "invoice_origin": bill.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "name": label,
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": product._utility_income_account(company).id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    def _prepare_notice_vals(self, todo, kind):
        """The values of the notice of kind ``kind`` the step ``todo`` (an
        ``AccountStep``) sends."""
        vals = {
            "account_id": todo.account.id,
            "kind": kind,
            "date": self.date,
            "amount_due": todo.amount,
            "delinquency_run_id": self.id,
            "delinquency_bill_id": todo.oldest.move_id.id,
            "delinquency_step_id": todo.step.id,
            "due_date": todo.oldest.date_maturity,
            "company_id": self.company_id.id,
        }
        return vals

    def _shutoff_date(self, todo, occupant_days):
        """The shut-off date the law and the policy allow for the account, when
        the step ``todo`` (an ``AccountStep``) is taken today: counted once,
        from the dates of the steps taken (``todo.sent``) and, for those to
        come, the days the policy takes them (one step a day at most):

        * the shut-off list step (SB 998: 60 days delinquent at least);
        * the shut-off notice and the policy's business days (SB 998: 7);
        * the door hanger and its 48 hours;
        * the notice to the occupants and its 10 days (7 for a detached
          house, HSC 116916), mailed with the shut-off notice;

        the latest of them, on a business day."""
        company = self.company_id
        step, sent = todo.step, todo.sent
        due = todo.oldest.date_maturity
        done = sent.get("done", {})
        planned = {}
        day = None
        for other in todo.steps:
            if other.action == "penalty":
                continue
            if other == step:
                day = self.date
            elif other.id in done:
                day = done[other.id]
            elif day is not None:
                day = max(day + timedelta(days=1), due + timedelta(days=other.days))
            else:
                continue
            planned.setdefault(other.action, day)
        candidates = []
        list_day = planned.get("shutoff_list")
        if list_day:
            candidates.append(list_day)
        else:
            candidates.append(due + timedelta(days=SHUTOFF_DAYS_SB998))
        # This delinquency's shut-off notice (a notice of an earlier one, of
        # another bill, does not count when the policy sends one).
        notice_day = planned.get("shutoff_notice") or sent.get("shutoff_notice_date")
        if notice_day:
            candidates.append(
                company._utility_add_business_days(
                    notice_day, todo.policy.shutoff_notice_business_days
                )
            )
        hanger_day = planned.get("door_hanger")
        if hanger_day:
            candidates.append(hanger_day + timedelta(days=DOOR_HANGER_DAYS))
        if occupant_days and notice_day:
            # The occupants' copy is mailed with the shut-off notice.
            candidates.append(notice_day + timedelta(days=occupant_days))
        return company._utility_next_business_day(max(candidates))
