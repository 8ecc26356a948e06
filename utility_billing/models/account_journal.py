# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Journals: the utility journal of a company is locked to its utility use
(see res.company._get_utility_journal)."""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class AccountJournal(models.Model):
    _inherit = "account.journal"

    utility_bill_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Utility Bill Numbers",
        copy=False,
        help="Numbers of the bills billing runs create in this journal.",
    )
    utility_journal = fields.Boolean(
        copy=False,
        readonly=True,
        help="Utility billing posts to this journal: its posted entries are locked "
        "(corrected only through utility workflows) and secured with Odoo's "
        "inalterability hash.",
    )

    def write(self, vals):
        if "utility_journal" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "Journal %(journal)s: whether it is a utility journal is set by "
                    "utility billing, not by editing.",
                    journal=self[:1].display_name,
                )
            )
        return super().write(vals)

    def _utility_lock_journal(self):
        """Make these journals utility journals: locked books, secured by Odoo's
        inalterability hash (``restrict_mode_hash_table``). Idempotent; done
        when utility billing first uses a journal."""
        to_lock = self.filtered(
            lambda j: not j.utility_journal or not j.restrict_mode_hash_table
        )
        if to_lock:
            to_lock.sudo().write(
                {"utility_journal": True, "restrict_mode_hash_table": True}
            )
        return True

    def _utility_bill_sequence(self):
        """The number sequence of the utility bills of this journal (created on
        first use, numbering on from the journal's highest number): billing
        runs, adjustments and the conversion's opening entries take their
        names from it, a batch at a time (``tools/numbering.py``).

        Bills get their number when their draft is created, from a PostgreSQL
        sequence: workers posting in parallel never wait on each other for the
        next number, as they would with numbers taken at posting, and a batch
        of entries costs one query for its names instead of a search of the
        journal's entries per entry. Numbers of drafts deleted are skipped.
        """
        self.ensure_one()
        if self.utility_bill_sequence_id:
            return self.utility_bill_sequence_id
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT max(sequence_number) FROM account_move WHERE journal_id = %s",
                self.id,
            )
        )
        last = self.env.cr.fetchone()[0] or 0
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .create(
                {
                    "name": self.env._("Utility bills: %(journal)s", journal=self.name),
                    "implementation": "standard",
                    "prefix": f"{self.code}/%(year)s/",
                    "padding": 5,
                    "number_next": last + 1,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.sudo().utility_bill_sequence_id = sequence
        return sequence
