# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""The delinquency run: creating what the plan of a batch decided.

Penalty invoices (numbered and posted), notices, the steps taken, the
shut-off list lines and the accounts' steps, with a constant number of
statements per batch.
"""

from collections import defaultdict

from odoo import models
from odoo.tools import SQL

from odoo.addons.utility_billing.tools import numbering


class UtilityDelinquencyRun(models.Model):
    _inherit = "utility.delinquency.run"

    def _name_penalties(self, env, vals_list):
        """Penalties posted in a bills journal take their numbers from the
        bills' sequence, as bills and debit notes do
        (``utility_billing/tools/numbering.py``): Odoo's numbering at posting
        would make parallel batches wait on each other and take numbers the
        billing run hands out next."""
        by_journal = defaultdict(list)
        for vals in vals_list:
            by_journal[vals["journal_id"]].append(vals)
        for journal_id, journal_vals in by_journal.items():
            journal = env["account.journal"].browse(journal_id)
            sequence = journal.utility_bill_sequence_id
            if not sequence:
                continue
            names = numbering.allocate_names(
                sequence, journal, len(journal_vals), journal_vals[0]["date"]
            )
            for vals, name in zip(journal_vals, names, strict=True):
                vals["name"] = name

    def _apply_batch(self, env, out):
        """Create what the batch decided (``out``: the ``PlanOut`` of
        ``utility_delinquency_run_plan.py``): penalty invoices (posted), notices
        (e-mails sent now, letters at the end of the run), the steps taken, the
        shut-off list lines, the accounts' steps."""
        stats = out.stats
        event_vals = out.event_vals
        if out.penalty_vals:
            self._name_penalties(env, out.penalty_vals)
            moves = env["account.move"].create(out.penalty_vals)
            moves.with_context(skip_invoice_sync=True)._post(soft=False)
            for event, move in zip(out.penalty_events, moves, strict=True):
                event["penalty_move_id"] = move.id
            event_vals.extend(out.penalty_events)
        if out.waived:
            env["utility.account"].browse(out.waived).write(
                {"interest_waiver_date": self.date}
            )
        if out.notice_vals:
            new_notices = env["utility.notice"].create(out.notice_vals)
            for event, notice in zip(out.notice_events, new_notices, strict=True):
                if event:
                    event["notice_id"] = notice.id
                    event_vals.append(event)
            emails = new_notices.filtered(lambda n: n.channel == "email")
            if emails:
                emails.action_send()
            stats["notices"] += len(new_notices)
        if event_vals:
            env["utility.delinquency.event"].create(event_vals)
        if out.list_candidates:
            eligible, blocked = self._add_to_shutoff_list(out.list_candidates)
            stats["eligible"] += eligible
            stats["blocked"] += blocked
        self._write_account_steps(out.account_rows, out.shutoff_dates)
        for key in ("notices", "penalties", "eligible", "blocked", "waivers"):
            stats[key] = int(stats[key])
        return stats

    def _write_account_steps(self, account_rows, shutoff_dates=None):
        """Record each account's step and amount (one statement per batch), and
        its shut-off date: moved to the date its new notices printed (never
        earlier), cleared when it has no delinquency step (under the minimum,
        or its bills under a payment plan)."""
        shutoff_dates = shutoff_dates or {}
        self.env["utility.account"].flush_model()
        if account_rows:
            ids, steps, bills, amounts = zip(*account_rows, strict=True)
            self.env.cr.execute(
                SQL(
                    """UPDATE utility_account ua
                          SET dlq_step_id = v.step_id, dlq_bill_id = v.bill_id,
                              dlq_amount = v.amount, dlq_run_date = %s::date,
                              dlq_step_date = CASE
                                  WHEN ua.dlq_step_id IS DISTINCT FROM v.step_id
                                  THEN %s::date ELSE ua.dlq_step_date END,
                              dlq_shutoff_date = CASE
                                  WHEN v.step_id IS NULL THEN NULL
                                  ELSE GREATEST(ua.dlq_shutoff_date, v.shutoff_date)
                                  END
                         FROM unnest(%s::int[], %s::int[], %s::int[], %s::numeric[],
                                     %s::date[])
                              AS v(id, step_id, bill_id, amount, shutoff_date)
                        WHERE ua.id = v.id""",
                    self.date,
                    self.date,
                    list(ids),
                    list(steps),
                    list(bills),
                    list(amounts),
                    [shutoff_dates.get(account_id) for account_id in ids],
                )
            )
        self.env["utility.account"].invalidate_model(
            [
                "dlq_step_id",
                "dlq_bill_id",
                "dlq_amount",
                "dlq_run_date",
                "dlq_step_date",
                "dlq_shutoff_date",
            ]
        )

    def _add_to_shutoff_list(self, candidates):
        """Put the accounts on the shut-off list of the run's date, eligible or
        blocked with the reasons; a line already there is checked again."""
        self.ensure_one()
        shutoff = self.shutoff_list_id or self.env[
            "utility.shutoff.list"
        ]._get_for_date(self.company_id, self.date)
        if not self.shutoff_list_id:
            self.shutoff_list_id = shutoff
        if shutoff.state != "draft":
            return 0, 0
        Line = self.env["utility.shutoff.list.line"]
        existing = {
            line.account_id.id: line
            for line in Line.search(
                [
                    ("list_id", "=", shutoff.id),
                    ("account_id", "in", [c[0].id for c in candidates]),
                ]
            )
        }
        create_vals = []
        eligible = blocked = 0
        for account, policy, info, amount in candidates:
            # Checked for the day the list shuts off (a weekend's run fills
            # the next business day's list).
            reasons = account._dlq_block_reasons(shutoff.date, policy, info)
            vals = {
                "state": "blocked" if reasons else "eligible",
                "block_reason": "\n".join(label for _code, label in reasons),
                "amount_past_due": amount,
                "oldest_due_date": info["oldest_due"],
            }
            if reasons:
                blocked += 1
            else:
                eligible += 1
            line = existing.get(account.id)
            if line:
                if line.state in ("eligible", "blocked"):
                    line.write(vals)
            else:
                create_vals.append(
                    {**vals, "list_id": shutoff.id, "account_id": account.id}
                )
        if create_vals:
            Line.create(create_vals)
        return eligible, blocked
