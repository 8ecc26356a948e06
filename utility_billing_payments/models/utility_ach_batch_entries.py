# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""The ACH batch: computing its entries.

The debits of the active mandates whose accounts have bills due by the
settlement date, the re-presentments of returned debits, the return fees and
the prenotes, listed on a draft batch.
"""

from collections import defaultdict

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.utility_billing.tools.workflow import workflow


class UtilityAchBatch(models.Model):
    _inherit = "utility.ach.batch"

    def _check_draft(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._("ACH batch %(batch)s is not a draft.", batch=self.name)
            )

    def _lock_company(self):
        """Serialize the ACH batches of the company: entries are computed and
        files generated one transaction at a time. The company row is updated
        (not only locked): under PostgreSQL's repeatable read, the second
        transaction then fails with a serialization error and is retried with a
        fresh snapshot, where it sees the entries of the first (a bill is in one
        open batch only)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET write_date = write_date WHERE id = %s",
                self.company_id.id,
            )
        )

    def _get_debit_mandates(self):
        """Active mandates of the batch's company, not removed from it."""
        self.ensure_one()
        return self.env["utility.ach.mandate"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "active"),
                ("active_from", "<=", self.effective_date),
                ("id", "not in", self.excluded_mandate_ids.ids),
            ],
            order="id",
        )

    def _open_receivables(self, accounts):
        """{account id: open receivable lines (debits and credits)} of posted
        entries, oldest due first."""
        lines = self.env["account.move.line"].search(
            [
                ("utility_account_id", "in", accounts.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ],
            order="date_maturity, date, id",
        )
        lines.fetch(
            [
                "utility_account_id",
                "amount_residual",
                "date_maturity",
                "move_id",
                "account_id",
            ]
        )
        by_account = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            by_account[line.utility_account_id.id] |= line
        return by_account

    def _prepare_debit_amount(self, open_lines):
        """(amount to debit, bills due) of an account from its open receivable
        lines, per the company's setting; amount <= 0: nothing to debit."""
        self.ensure_one()
        due = open_lines.filtered(
            lambda ln: (
                ln.amount_residual > 0
                and (ln.date_maturity or ln.date) <= self.effective_date
            )
        )
        if not due:
            return 0.0, due.move_id
        balance = sum(open_lines.mapped("amount_residual"))
        if self.company_id.ach_debit_amount_mode == "bill_amount":
            amount = min(sum(due.mapped("amount_residual")), balance)
        else:
            amount = balance
        return self.currency_id.round(amount), due.move_id

    def _compute_debit_lines(self):
        """Create or update the debit lines; return why mandates were left out."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        mandates = self._get_debit_mandates()
        open_by_account = self._open_receivables(mandates.account_id)
        existing = {
            line.mandate_id.id: line
            for line in self.line_ids.filtered(lambda ln: ln.kind == "debit")
        }
        held = self._held_receivables(mandates.account_id)
        # Bills already in another batch not cancelled, not returned.
        busy = Line.search(
            [
                ("batch_id", "!=", self.id),
                ("batch_id.state", "in", ("draft", "generated")),
                ("kind", "=", "debit"),
                ("state", "!=", "cancelled"),
                ("returned", "=", False),
                ("account_id", "in", mandates.account_id.ids),
            ]
        )
        busy_bills = defaultdict(set)
        for line in busy:
            busy_bills[line.account_id.id].update(line.bill_ids.ids)
        skipped, vals_list = [], []
        for mandate in mandates:
            account = mandate.account_id
            amount, bills = self._prepare_debit_amount(
                open_by_account.get(account.id, self.env["account.move.line"]) - held
            )
            line = existing.get(mandate.id)
            if amount <= 0 or (bills and set(bills.ids) & busy_bills[account.id]):
                if amount > 0:
                    skipped.append(
                        self.env._(
                            "%(account)s (bills already in another batch)",
                            account=account.name,
                        )
                    )
                if line and line.kind == "debit":
                    line.unlink()
                continue
            if mandate.max_amount and amount > mandate.max_amount:
                skipped.append(
                    self.env._(
                        "%(account)s (%(amount)s above the authorized maximum)",
                        account=account.name,
                        amount=self.currency_id.format(amount),
                    )
                )
                if line:
                    line.unlink()
                continue
            if line:
                line.write({"amount": amount, "bill_ids": [Command.set(bills.ids)]})
                continue
            vals_list.append(self._prepare_line_vals(mandate, "debit", amount, bills))
        Line.create(vals_list)
        return skipped

    def _held_receivables(self, accounts):
        """Open receivable lines no regular debit takes: the bills of entries
        returned R01/R09 (collected by their re-presentments only, NACHA
        re-initiation) and the returned payment fees (collected by their own
        RETURN FEE entry only, or paid another way)."""
        returns = self.env["utility.ach.return.line"].search(
            [
                ("account_id", "in", accounts.ids),
                ("kind", "=", "return"),
                ("state", "=", "done"),
            ]
        )
        moves = (
            returns.fee_move_id
            | returns.filtered(
                lambda r: r.code in ("R01", "R09")
            ).batch_line_id.bill_ids
        )
        return moves.line_ids.filtered(
            lambda ml: (
                ml.account_id.account_type == "asset_receivable" and not ml.reconciled
            )
        )

    def _add_represent_lines(self):
        """Re-present the entries returned R01/R09 waiting for it (NACHA
        re-initiation): same amount, bills and mandate as the returned entry,
        in a batch of their own described RETRY PYMT. One past its 180 days is
        refused with the reason on its return line. Return why entries were
        left out."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        returns = self.env["utility.ach.return.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("represent_state", "=", "pending"),
                ("mandate_id", "not in", self.excluded_mandate_ids.ids),
            ],
            order="id",
        )
        planned = Line.search(
            [
                ("source_return_line_id", "in", returns.ids),
                ("kind", "=", "represent"),
                ("state", "!=", "cancelled"),
                ("batch_id.state", "in", ("draft", "generated", "settled")),
            ]
        )
        returns -= planned.source_return_line_id
        busy = set(
            self.line_ids.filtered(lambda ln: ln.kind == "represent").mandate_id.ids
        )
        skipped, vals_list = [], []
        for ret in returns:
            entry = ret.batch_line_id
            if self.effective_date > ret.represent_until:
                with workflow("utility.ach.return"):
                    ret.write(
                        {
                            "represent_state": "refused",
                            "represent_note": self.env._(
                                "Not re-presented: more than 180 days since the "
                                "original entry settled (last day %(date)s).",
                                date=ret.represent_until,
                            ),
                        }
                    )
                continue
            if ret.mandate_id.state != "active" or ret.mandate_id.id in busy:
                skipped.append(
                    self.env._(
                        "%(account)s (re-presentment waits: mandate not active or "
                        "already re-presented in this batch)",
                        account=ret.account_id.name,
                    )
                )
                continue
            busy.add(ret.mandate_id.id)
            vals = self._prepare_line_vals(
                ret.mandate_id, "represent", entry.amount, entry.bill_ids
            )
            vals.update(
                source_return_line_id=ret.id,
                original_line_id=(entry.original_line_id or entry).id,
            )
            vals_list.append(vals)
        Line.create(vals_list)
        return skipped

    def _add_fee_lines(self):
        """The RETURN FEE entries due: fees of R01/R09 returns whose mandate
        authorizes them, once the notice period is over (``fee_entry_from``),
        the returned entry no longer waiting for its re-presentment, each fee
        still fully open. Return why entries were left out."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        returns = self.env["utility.ach.return.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("fee_entry_state", "=", "pending"),
                ("fee_entry_from", "<=", self.effective_date),
                ("mandate_id", "not in", self.excluded_mandate_ids.ids),
            ],
            order="id",
        )
        planned = Line.search(
            [
                ("source_return_line_id", "in", returns.ids),
                ("kind", "=", "fee"),
                ("state", "!=", "cancelled"),
                ("batch_id.state", "in", ("draft", "generated", "settled")),
            ]
        )
        returns -= planned.source_return_line_id
        busy = set(self.line_ids.filtered(lambda ln: ln.kind == "fee").mandate_id.ids)
        represented = self.line_ids.filtered(
            lambda ln: ln.kind == "represent"
        ).source_return_line_id
        skipped, vals_list = [], []
        for ret in returns:
            fee = ret.fee_move_id
            if fee.payment_state in ("paid", "in_payment", "reversed"):
                with workflow("utility.ach.return"):
                    ret.fee_entry_state = "paid"
                continue
            if (
                ret.represent_state == "pending"
                or ret in represented
                or ret.mandate_id.state != "active"
                or ret.mandate_id.id in busy
                or self.currency_id.compare_amounts(
                    fee.amount_residual, fee.amount_total
                )
            ):
                skipped.append(
                    self.env._(
                        "%(account)s (return fee entry waits)",
                        account=ret.account_id.name,
                    )
                )
                continue
            busy.add(ret.mandate_id.id)
            vals = self._prepare_line_vals(ret.mandate_id, "fee", fee.amount_total, fee)
            vals["source_return_line_id"] = ret.id
            vals_list.append(vals)
        Line.create(vals_list)
        return skipped

    def _add_prenote_lines(self):
        """Prenote lines of the mandates waiting for one and in no other batch
        (not cancelled); return them."""
        self.ensure_one()
        Line = self.env["utility.ach.batch.line"]
        mandates = self.env["utility.ach.mandate"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "pending_prenote"),
                ("prenote_date", "=", False),
                ("id", "not in", self.excluded_mandate_ids.ids),
                ("id", "not in", self.line_ids.mandate_id.ids),
            ],
            order="id",
        )
        elsewhere = Line.search(
            [
                ("mandate_id", "in", mandates.ids),
                ("kind", "=", "prenote"),
                ("state", "!=", "cancelled"),
                ("batch_id.state", "in", ("draft", "generated", "settled")),
            ]
        ).mandate_id
        return Line.create(
            [
                self._prepare_line_vals(mandate, "prenote", 0.0)
                for mandate in mandates - elsewhere
            ]
        )

    def _prepare_line_vals(self, mandate, kind, amount, bills=None):
        return {
            "batch_id": self.id,
            "mandate_id": mandate.id,
            "kind": kind,
            "amount": amount,
            "bill_ids": [Command.set(bills.ids)] if bills else [],
            "company_id": self.company_id.id,
        }
