# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Journal entries: the inalterability hash of the utility journals, deferred
at posting and built in number order by the securing scheduled action."""

import logging
import time

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .account_move import SECURE_BATCH, SECURE_TIME_BUDGET

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------
    # Inalterability hash of the utility journals
    # ------------------------------------------------------------

    def _hash_moves(self, **kwargs):
        """Utility journals are hashed by the securing job, not at posting.

        Odoo hashes a journal's entries when they post, in the order of their
        numbers, and refuses a gap. Billing runs number their drafts when they
        create them and post them by batches, in parallel: a draft numbered
        before posted bills (a run computed, not yet posted) or numbers skipped
        (a cancelled run) would make posting fail, and two workers hashing at
        once would build two chains. The securing job
        (``_cron_utility_secure_entries``) hashes them alone, in number order,
        up to the first draft of each chain. Odoo's own calls with arguments
        (the Secure Entries wizard, ``button_hash``) are left as they are.
        """
        if not kwargs:
            deferred = self.filtered(lambda m: m.journal_id.utility_journal)
            if deferred:
                self.env.ref("utility_billing.ir_cron_secure_entries").sudo()._trigger()
                self -= deferred
            if not self:
                return
        return super()._hash_moves(**kwargs)

    @api.model
    def _cron_utility_secure_entries(self, time_budget=SECURE_TIME_BUDGET):
        """Scheduled action: hash the posted entries of the utility journals."""
        started = time.monotonic()
        journals = (
            self.env["account.journal"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("utility_journal", "=", True),
                    ("restrict_mode_hash_table", "=", True),
                ]
            )
        )
        remaining = 0
        for journal in journals:
            while time.monotonic() - started < time_budget:
                try:
                    hashed = self._utility_secure_journal(journal)
                except UserError as error:
                    # Odoo refuses to hash (e.g. unreconciled statement lines):
                    # the other journals are secured all the same.
                    _logger.warning(
                        "Utility journal %s not secured: %s", journal.code, error
                    )
                    if self._can_commit():
                        self.env.cr.rollback()
                    break
                if self._can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if not hashed:
                    break
            else:
                remaining += 1
        self.env["ir.cron"]._notify_progress(done=len(journals), remaining=remaining)

    @api.model
    def _utility_secure_journal(self, journal, limit=SECURE_BATCH):
        """Hash up to ``limit`` posted entries of ``journal``, chain by chain
        (sequence prefix), in number order, stopping before the first draft that
        already has a number; return how many were hashed."""
        Move = self.env["account.move"].sudo()
        Move.flush_model(
            ["journal_id", "sequence_prefix", "sequence_number", "state", "name"]
        )
        # Per chain: the last number hashed (Odoo hashes only after it) and the
        # first draft that has a number (hashing past it would leave it out of
        # the chain for good).
        self.env.cr.execute(
            SQL(
                """SELECT sequence_prefix,
                          max(sequence_number) FILTER (
                              WHERE inalterable_hash IS NOT NULL),
                          min(sequence_number) FILTER (
                              WHERE state = 'draft' AND name IS NOT NULL
                                AND name != '/')
                     FROM account_move
                    WHERE journal_id = %s
                 GROUP BY sequence_prefix
                   HAVING bool_or(state = 'posted' AND inalterable_hash IS NULL)""",
                journal.id,
            )
        )
        hashed = 0
        for prefix, last_hashed, first_draft in self.env.cr.fetchall():
            domain = [
                ("journal_id", "=", journal.id),
                ("sequence_prefix", "=", prefix),
                ("state", "=", "posted"),
                ("inalterable_hash", "=", False),
                ("sequence_number", ">", last_hashed or 0),
            ]
            if first_draft:
                domain.append(("sequence_number", "<", first_draft))
            moves = Move.search(domain, order="sequence_number", limit=limit - hashed)
            if moves:
                moves._hash_moves(force_hash=True, raise_if_gap=False)
                hashed += len(moves)
            if hashed >= limit:
                break
        return hashed
