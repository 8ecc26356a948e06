# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""The ACH batch: generating its NACHA file.

The debits refreshed against the bills still open, the payments posted in
the ACH clearing account, the NACHA file written (``tools/nacha.py``).
"""

import base64
import hashlib
from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import nacha
from .utility_ach_batch import (
    MONEY_KINDS,
    POST_CHUNK,
    REPRESENT_DESCRIPTION,
    RETURN_FEE_DESCRIPTION,
)


class UtilityAchBatch(models.Model):
    _inherit = "utility.ach.batch"

    def _generate(self):
        self.ensure_one()
        self._check_draft()
        company = self.company_id
        company._ach_check_settings()
        today = company._utility_today()
        if self.effective_date < today or not company._ach_is_banking_day(
            self.effective_date
        ):
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s: the settlement date %(date)s must be a "
                    "banking day, today or later (next banking day: %(next)s).",
                    batch=self.name,
                    date=self.effective_date,
                    next=company._ach_next_banking_day(max(today, self.effective_date)),
                )
            )
        self._add_prenote_lines()
        lines = self.line_ids.sorted("id")
        if not lines:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s has no entry: compute the entries first.",
                    batch=self.name,
                )
            )
        lines._check_generable()
        # Lock the batch: two users generating it at once get one file.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM utility_ach_batch WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        self._lock_company()
        # What is still due now: a bill paid at the counter since the entries
        # were computed is not debited again.
        lines = self._refresh_debits(lines)
        if not lines:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s has nothing left to send: every account of "
                    "its entries has paid since they were computed.",
                    batch=self.name,
                )
            )
        # The file's creation date and time: the utility's local time.
        creation = fields.Datetime.context_timestamp(
            self.with_context(tz=company._utility_tz()), fields.Datetime.now()
        )
        modifier = company._ach_next_file_id_modifier(creation.date())
        dfi = company._ach_originating_dfi()
        sequences = company._ach_reserve_trace_sequences(len(lines))
        lines._set_trace_numbers([f"{dfi}{seq:07d}" for seq in sequences])
        for prenote in (False, True):
            kind_lines = lines.filtered(
                lambda ln, p=prenote: (ln.kind == "prenote") == p
            )
            for code, code_lines in kind_lines.grouped(
                lambda ln, p=prenote: ln.mandate_id._transaction_code(prenote=p)
            ).items():
                code_lines.transaction_code = code
        content = self._build_file(lines, creation, modifier)
        data = content.encode("ascii")
        self.write(
            {
                "state": "generated",
                "journal_id": company.ach_journal_id.id,
                "file_data": base64.b64encode(data),
                "file_name": f"{self.name.replace('/', '_')}_{modifier}.txt",
                "file_id_modifier": modifier,
                "file_creation": fields.Datetime.now(),
                "file_checksum": hashlib.sha256(data).hexdigest(),
                "generated_by_id": self.env.user.id,
            }
        )
        lines.write({"state": "sent"})
        lines._mark_return_lines("sent")
        prenotes = lines.filtered(lambda ln: ln.kind == "prenote")
        prenotes.mandate_id._prenote_sent(self)
        debits = lines - prenotes
        for start in range(0, len(debits), POST_CHUNK):
            debits[start : start + POST_CHUNK]._post_payments()
            # Written to the database and out of the cache: the memory stays
            # that of one chunk, whatever the size of the file.
            self.env.invalidate_all()
        self.message_post(
            body=self.env._(
                "File %(file)s generated (file id modifier %(modifier)s): "
                "%(debits)s debits for %(amount)s, %(prenotes)s prenotes; payments "
                "posted in the ACH clearing account.",
                file=self.file_name,
                modifier=modifier,
                debits=len(debits),
                amount=self.currency_id.format(self.amount_total),
                prenotes=len(prenotes),
            )
        )

    def _refresh_debits(self, lines):
        """Debit no more than what each account still owes: its open receivable
        lines are locked and read again (set-based, one query each), then a debit
        whose account owes less is lowered to what is due, one that owes nothing
        is removed, and the batch's chatter says which. Return the entries left.

        Locking the receivable lines (``FOR NO KEY UPDATE``) makes a payment
        applied to them at the same time wait, or makes this transaction fail
        and be retried with a fresh snapshot (repeatable read) when the payment
        committed first: the amounts read here are the ones in the database.
        """
        self.ensure_one()
        debits = lines.filtered(lambda ln: ln.kind in MONEY_KINDS)
        if not debits:
            return lines
        accounts = debits.account_id
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT l.id FROM account_move_line l
                     JOIN account_account a ON a.id = l.account_id
                    WHERE l.utility_account_id = ANY(%s)
                      AND l.parent_state = 'posted'
                      AND a.account_type = 'asset_receivable'
                      AND NOT l.reconciled
                 ORDER BY l.id
                      FOR NO KEY UPDATE OF l""",
                accounts.ids,
            )
        )
        self.env["account.move.line"].invalidate_model(
            ["amount_residual", "amount_residual_currency", "reconciled"]
        )
        open_by_account = self._open_receivables(accounts)
        held = self._held_receivables(accounts)
        empty = self.env["account.move.line"]
        removed = self.env["utility.ach.batch.line"]
        lowered = []
        for line in debits:
            if line.kind != "debit":
                # A re-presentment or fee entry keeps its amount (NACHA): sent
                # only while what it collects is still open in full.
                still_open = sum(
                    line._target_receivables(held).mapped("amount_residual")
                )
                if self.currency_id.compare_amounts(still_open, line.amount) < 0:
                    removed |= line
                continue
            amount, bills = self._prepare_debit_amount(
                open_by_account.get(line.account_id.id, empty) - held
            )
            if amount <= 0:
                removed |= line
            elif self.currency_id.compare_amounts(amount, line.amount) < 0:
                lowered.append((line, amount, bills))
        notes = []
        for line, amount, bills in lowered:
            notes.append(
                self.env._(
                    "%(account)s: %(old)s lowered to %(new)s still due",
                    account=line.account_id.name,
                    old=self.currency_id.format(line.amount),
                    new=self.currency_id.format(amount),
                )
            )
            line.write({"amount": amount, "bill_ids": [Command.set(bills.ids)]})
        if removed:
            notes.extend(
                self.env._(
                    "%(account)s: removed, %(amount)s already paid",
                    account=line.account_id.name,
                    amount=self.currency_id.format(line.amount),
                )
                for line in removed
            )
            lines -= removed
            removed.unlink()
        if notes:
            self.message_post(
                body=self.env._(
                    "Paid since the entries were computed, not debited again: "
                    "%(notes)s.",
                    notes="; ".join(notes),
                )
            )
        return lines

    def _build_file(self, lines, creation, modifier):
        """The NACHA file of ``lines`` (one batch per entry class)."""
        self.ensure_one()
        company = self.company_id
        dfi = company._ach_originating_dfi()
        batches = []
        by_class = defaultdict(list)
        # One batch per entry class and description: regular debits and
        # prenotes, re-presented entries (RETRY PYMT), return fees (RETURN
        # FEE), with the same company name and id (NACHA).
        rank = {"debit": 0, "prenote": 0, "represent": 1, "fee": 2}
        for line in lines:
            by_class[(line.mandate_id.sec_code, rank[line.kind])].append(line)
        descriptions = {
            0: company.ach_entry_description or "UTILITY",
            1: REPRESENT_DESCRIPTION,
            2: RETURN_FEE_DESCRIPTION,
        }
        for number, ((sec_code, kind_rank), class_lines) in enumerate(
            sorted(by_class.items()), start=1
        ):
            batches.append(
                nacha.Batch(
                    company_name=company.ach_company_name or company.name,
                    company_identification=company.ach_company_identification,
                    entry_description=descriptions[kind_rank],
                    effective_date=self.effective_date,
                    originating_dfi=dfi,
                    batch_number=number,
                    standard_entry_class=sec_code,
                    entries=[line._nacha_entry() for line in class_lines],
                    # Debits and prenotes of debits only.
                    service_class_code=225,
                )
            )
        ach_file = nacha.File(
            immediate_destination=company.ach_immediate_destination,
            immediate_origin=company.ach_immediate_origin,
            creation=creation,
            file_id_modifier=modifier,
            destination_name=company.ach_immediate_destination_name or "",
            origin_name=company.ach_immediate_origin_name or company.name,
            batches=batches,
        )
        try:
            return ach_file.render(
                "\r\n" if company.ach_line_ending == "crlf" else "\n"
            )
        except nacha.NachaError as exc:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s: the file cannot be written: %(error)s",
                    batch=self.name,
                    error=exc,
                )
            ) from exc
