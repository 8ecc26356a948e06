# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Billing runs: the batches of accounts (lines created, claimed with FOR
UPDATE SKIP LOCKED, processed by several workers in parallel) and the
scheduled action that carries a run's compute and post steps on."""

import time

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, models
from odoo.tools import SQL

from ..tools.workflow import workflow
from .utility_billing_run import BATCH_SIZE, CRON_TIME_BUDGET, RUN_DOOR


class UtilityBillingRun(models.Model):
    _inherit = "utility.billing.run"

    # ------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------

    def _get_accounts_to_bill_domain(self):
        """Hook: the accounts the run bills: the cycle's active accounts, and
        its final accounts ending in the period or after it (their final bill).
        """
        self.ensure_one()
        return [
            ("billing_cycle_id", "=", self.cycle_id.id),
            ("company_id", "=", self.company_id.id),
            "|",
            ("state", "=", "active"),
            "&",
            ("state", "=", "final"),
            ("end_date", ">=", self.period_start),
        ]

    def _create_lines(self):
        """One line per account to bill (idempotent): see
        ``_get_accounts_to_bill_domain``."""
        self.ensure_one()
        existing = set(self.line_ids.account_id.ids)
        accounts = self.env["utility.account"].search(
            self._get_accounts_to_bill_domain()
        )
        with workflow(RUN_DOOR):
            self.env["utility.billing.run.line"].create(
                [
                    {"run_id": self.id, "account_id": account.id}
                    for account in accounts
                    if account.id not in existing
                ]
            )

    def _claim(self, state, limit):
        """Lock up to ``limit`` lines in ``state`` that no other worker holds."""
        self.env["utility.billing.run.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM utility_billing_run_line
                    WHERE run_id = %s AND state = %s
                 ORDER BY id LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                self.id,
                state,
                limit,
            )
        )
        return self.env["utility.billing.run.line"].browse(
            [r[0] for r in self.env.cr.fetchall()]
        )

    def _process_batch(self, step, batch_size=BATCH_SIZE):
        """Process one batch of the run; return True while work remains."""
        self.ensure_one()
        # The bills are accounting entries: created and posted with the rights
        # the run needs, once the run's actions have checked the user's role
        # (Odoo's sudo() keeps the user as author of the entries).
        if step == "compute":
            lines = self._claim("pending", batch_size)
            if lines:
                lines.sudo()._compute_bills()
            remaining = self.env["utility.billing.run.line"].search_count(
                [("run_id", "=", self.id), ("state", "=", "pending")]
            )
            if (
                not lines
                and not remaining
                and self.state == "computing"
                and self._lock_to_finish()
            ):
                self._settle_sequence_gaps()
                self._set_state("computed")
                self._message_done("compute")
        else:
            lines = self._claim("computed", batch_size)
            if lines:
                lines.sudo()._post_bills()
            remaining = self.env["utility.billing.run.line"].search_count(
                [("run_id", "=", self.id), ("state", "=", "computed")]
            )
            if (
                not lines
                and not remaining
                and self.state == "posting"
                and self._lock_to_finish()
            ):
                self._set_state("posted")
                self._message_done("post")
        return bool(lines)

    def _lock_to_finish(self):
        """Lock the run to close a step, unless another worker is closing it.

        Workers that find no batch left at the same moment would otherwise all
        write the run's state, and all but one fail on a serialization failure
        (logged as an error, then retried).
        """
        self.env.cr.execute(
            SQL(
                """SELECT id FROM utility_billing_run WHERE id = %s
                      FOR NO KEY UPDATE SKIP LOCKED""",
                self.id,
            )
        )
        return bool(self.env.cr.fetchone())

    def _message_done(self, step):
        self._compute_counts()
        if step == "compute":
            body = self.env._(
                "Computed: %(billed)s draft bills (%(amount)s), %(held)s accounts "
                "held.",
                billed=self.billed_count,
                amount=self.currency_id.format(self.amount_total),
                held=self.held_count,
            )
        else:
            body = self.env._(
                "Posted: %(billed)s bills (%(amount)s).",
                billed=self.billed_count,
                amount=self.currency_id.format(self.amount_total),
            )
        self.message_post(body=body)

    @api.model
    def _cron_process_runs(self, time_budget=CRON_TIME_BUDGET):
        """Scheduled action: work the runs in progress batch by batch.

        Each batch is its own transaction: it is claimed first thing after a
        commit, so that several cron workers running this at once each take
        their own batches (``FOR UPDATE SKIP LOCKED``). A batch that collides
        with another worker (serialization failure) is rolled back and tried
        again; nothing is billed twice (unique index on account_move).
        """
        started = time.monotonic()
        done = 0
        while time.monotonic() - started < time_budget:
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            run = self.search([("state", "in", ("computing", "posting"))], limit=1)
            if not run:
                break
            step = "compute" if run.state == "computing" else "post"
            try:
                worked = run._process_batch(step)
            except (SerializationFailure, LockNotAvailable):
                if not self._can_commit():
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all()
                continue
            done += 1
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if not worked and run.state in ("computing", "posting"):
                # Other workers hold the last batches: let them finish.
                break
        remaining = self.search_count([("state", "in", ("computing", "posting"))])
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=remaining if done else 0
        )
