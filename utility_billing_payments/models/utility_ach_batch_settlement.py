# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""The ACH batch: its payments' numbers, their reversal when the batch is
cancelled, and the settlement entry from the clearing account to the bank.
"""

from odoo import Command, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools import numbering


class UtilityAchBatch(models.Model):
    _inherit = "utility.ach.batch"

    def _payment_name_sequence(self):
        """The number sequence of the ACH journal's payment entries (created on
        first use), in Odoo's format for payments: P, the journal code, the
        year, 5 digits."""
        self.ensure_one()
        journal = self.journal_id
        return numbering.journal_sequence(
            journal,
            f"utility.ach.payment.{journal.id}",
            self.env._("ACH payments: %(journal)s", journal=journal.name),
            f"P{journal.code}/%(year)s/",
        ).with_context(ir_sequence_date=self.effective_date)

    def _allocate_payment_names(self, count):
        """``count`` numbers for the payment entries of the batch, as the
        billing run numbers its bills (``utility_billing/tools/numbering.py``).
        Numbering at posting costs every entry a search of the journal's
        entries, which grows with the entries of the file."""
        self.ensure_one()
        return numbering.allocate_names(
            self._payment_name_sequence(), self.journal_id, count, self.effective_date
        )

    def _reverse_payments(self):
        """Reverse the posted payments of the batch's entries (cancellation):
        the bills reopen."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda ln: ln.payment_id)
        moves = lines.payment_id.move_id.filtered(lambda m: m.state == "posted")
        if moves:
            moves._reverse_moves(
                [
                    {
                        "date": max(move.date, fields.Date.context_today(self)),
                        "ref": self.env._(
                            "Cancellation of ACH batch %(batch)s", batch=self.name
                        ),
                        "utility_account_id": move.utility_account_id.id,
                        "utility_payment_source": "ach",
                    }
                    for move in moves
                ],
                cancel=True,
            )
        lines.payment_id.filtered(lambda p: p.state != "canceled").write(
            {"state": "canceled"}
        )

    def _post_settlement(self):
        """Move the batch's debits from the ACH clearing account to the bank
        account of the ACH journal, on the settlement date."""
        self.ensure_one()
        amount = sum(
            self.line_ids.filtered(lambda ln: ln.payment_id).payment_id.mapped("amount")
        )
        journal = self.journal_id or self.company_id.ach_journal_id
        clearing = self.company_id.ach_clearing_account_id
        if self.currency_id.is_zero(amount):
            return
        if not journal.default_account_id or not clearing:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s: the ACH journal needs a bank account and "
                    "the ACH clearing account must be set.",
                    batch=self.name,
                )
            )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": self.effective_date,
                "ref": self.env._("Settlement of ACH batch %(batch)s", batch=self.name),
                "line_ids": [
                    Command.create(
                        {
                            "name": self.name,
                            "account_id": journal.default_account_id.id,
                            "debit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "name": self.name,
                            "account_id": clearing.id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        move._post(soft=False)
        self.settlement_move_id = move
