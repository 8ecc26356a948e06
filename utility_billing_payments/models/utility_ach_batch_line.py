# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An entry of an ACH file (``utility.ach.batch.line``) and the payment it
posts.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools import nacha
from ..tools.controls import (
    check_protected_create,
    check_protected_write,
)
from .utility_ach_batch import MONEY_KINDS

LINE_FIELDS = (
    "batch_id",
    "mandate_id",
    "kind",
    "transaction_code",
    "amount",
    "bill_ids",
    "trace_number",
    "state",
    "returned",
    "return_line_id",
    "payment_id",
    "company_id",
    "source_return_line_id",
    "original_line_id",
)


class UtilityAchBatchLine(models.Model):
    """One entry of an ACH file: a debit of a mandate's bank account, or its
    prenote (zero-dollar test entry)."""

    _name = "utility.ach.batch.line"
    _description = "ACH Batch Entry"
    _order = "batch_id, id"
    _check_company_auto = True

    batch_id = fields.Many2one(
        "utility.ach.batch",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    mandate_id = fields.Many2one(
        "utility.ach.mandate",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    account_id = fields.Many2one(
        related="mandate_id.account_id", store=True, index=True, string="Account"
    )
    partner_id = fields.Many2one(related="mandate_id.partner_id", string="Customer")
    holder_name = fields.Char(related="mandate_id.holder_name")
    bank_account_masked = fields.Char(related="mandate_id.bank_account_masked")
    routing_number = fields.Char(related="mandate_id.routing_number")
    kind = fields.Selection(
        [
            ("debit", "Debit"),
            ("prenote", "Prenote"),
            ("represent", "Re-presentment"),
            ("fee", "Return Fee"),
        ],
        required=True,
        default="debit",
    )
    source_return_line_id = fields.Many2one(
        "utility.ach.return.line",
        string="Returned Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Re-presentment: the return it presents again. Return fee: the "
        "return whose fee it debits.",
    )
    original_line_id = fields.Many2one(
        "utility.ach.batch.line",
        string="Original Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Re-presentment: the entry first presented (its settlement date "
        "starts the 180 days).",
    )
    represent_line_ids = fields.One2many(
        "utility.ach.batch.line",
        "original_line_id",
        string="Re-presentments",
        readonly=True,
    )
    transaction_code = fields.Integer(aggregator=None, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary()
    bill_ids = fields.Many2many(
        "account.move",
        string="Bills",
        help="The bills due by the settlement date when the entry was computed; "
        "once returned, the bills its payment had paid.",
    )
    trace_number = fields.Char(readonly=True, index="btree_not_null", copy=False)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
    )
    returned = fields.Boolean(readonly=True, copy=False)
    return_line_id = fields.Many2one(
        "utility.ach.return.line", readonly=True, copy=False
    )
    payment_id = fields.Many2one(
        "account.payment", readonly=True, copy=False, index="btree_not_null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "mandate_batch_uniq",
            "unique(batch_id, mandate_id, kind)",
            "A mandate can have only one entry of each kind in an ACH batch.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            LINE_FIELDS,
            "utility.ach.batch",
            defaults={"state": "draft", "kind": "debit"},
            message=self.env._(
                "ACH entries are listed by Compute Entries on their batch."
            ),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self,
            vals,
            LINE_FIELDS,
            "utility.ach.batch",
            message=self.env._(
                "ACH entries are computed by their batch: recompute the entries or "
                "remove the entry instead of editing it."
            ),
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for line in self:
            if line.batch_id.state != "draft" and line.state != "draft":
                raise UserError(
                    self.env._(
                        "Entries of ACH batch %(batch)s can be removed only while it "
                        "is a draft.",
                        batch=line.batch_id.name,
                    )
                )

    def action_remove(self):
        """Remove the entries from their draft batch; computing the entries
        again leaves their mandates out."""
        self.batch_id._check_csr2()
        for line in self:
            line.batch_id._check_draft()
            line.batch_id.excluded_mandate_ids = [Command.link(line.mandate_id.id)]
        with workflow("utility.ach.batch"):
            self.unlink()
        return True

    def _check_generable(self):
        """Refuse the file when an entry cannot be sent as it is."""
        problems = []
        for line in self:
            mandate = line.mandate_id
            if line.kind in MONEY_KINDS and mandate.state != "active":
                problems.append(
                    self.env._(
                        "%(account)s: mandate %(state)s",
                        account=line.account_id.name,
                        state=dict(
                            mandate._fields["state"]._description_selection(self.env)
                        )[mandate.state],
                    )
                )
            elif line.kind == "prenote" and mandate.state != "pending_prenote":
                problems.append(
                    self.env._(
                        "%(account)s: no prenote due", account=line.account_id.name
                    )
                )
            elif line.kind in MONEY_KINDS and line.amount <= 0:
                problems.append(
                    self.env._(
                        "%(account)s: nothing to debit", account=line.account_id.name
                    )
                )
            elif (
                line.kind == "represent"
                and line.batch_id.effective_date
                > line.source_return_line_id.represent_until
            ):
                problems.append(
                    self.env._(
                        "%(account)s: re-presentment after its 180 days",
                        account=line.account_id.name,
                    )
                )
        if problems:
            raise UserError(
                self.env._(
                    "ACH batch %(batch)s cannot be generated; remove or recompute "
                    "these entries: %(problems)s",
                    batch=self.batch_id[:1].name,
                    problems="; ".join(problems),
                )
            )

    def _target_receivables(self, held):
        """Open receivable lines a re-presentment or fee entry collects: the
        returned entry's bills, or the fee invoice (among ``held``)."""
        self.ensure_one()
        moves = (
            self.source_return_line_id.fee_move_id
            if self.kind == "fee"
            else self.bill_ids
        )
        return held.filtered(lambda ml: ml.move_id in moves)

    def _mark_return_lines(self, state):
        """Tell the returns behind re-presentments and fee entries that their
        entry was sent (``sent``) or cancelled with its file (``pending``)."""
        with workflow("utility.ach.return"):
            for line in self.filtered("source_return_line_id"):
                field = (
                    "represent_state" if line.kind == "represent" else "fee_entry_state"
                )
                line.source_return_line_id.write({field: state})

    def _set_trace_numbers(self, traces):
        """Write the trace numbers of the entries (one UPDATE for the file: a
        file has up to tens of thousands of entries)."""
        self.flush_recordset(["trace_number"])
        self.env.cr.execute(
            SQL(
                """UPDATE utility_ach_batch_line AS line SET trace_number = v.trace
                     FROM unnest(%s::int[], %s::varchar[]) AS v(id, trace)
                    WHERE line.id = v.id""",
                self.ids,
                traces,
            )
        )
        self.invalidate_recordset(["trace_number"])

    def _nacha_entry(self):
        self.ensure_one()
        mandate = self.mandate_id
        prenote = self.kind == "prenote"
        return nacha.Entry(
            transaction_code=self.transaction_code,
            routing_number=mandate.routing_number,
            # The full number goes only into the file, readable by CSR II.
            account_number=mandate.sudo().bank_account_number,
            amount=0 if prenote else nacha.to_cents(self.amount),
            individual_id=self.account_id.name,
            individual_name=mandate.holder_name,
            trace_number=self.trace_number,
        )

    # ------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------

    def _prepare_payment_vals(self, method_line):
        self.ensure_one()
        batch = self.batch_id
        return {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.account_id.partner_id.id,
            "amount": self.amount,
            "date": batch.effective_date,
            "journal_id": batch.journal_id.id,
            "payment_method_line_id": method_line.id,
            "memo": {
                "represent": self.env._(
                    "ACH re-presentment %(batch)s, account %(account)s",
                    batch=batch.name,
                    account=self.account_id.name,
                ),
                "fee": self.env._(
                    "ACH return fee %(batch)s, account %(account)s",
                    batch=batch.name,
                    account=self.account_id.name,
                ),
            }.get(
                self.kind,
                self.env._(
                    "ACH autopay %(batch)s, account %(account)s",
                    batch=batch.name,
                    account=self.account_id.name,
                ),
            ),
            "payment_reference": self.trace_number,
            "company_id": batch.company_id.id,
        }

    def _post_payments(self):
        """Post one payment per debit entry, in the ACH clearing account, each
        applied to its account's open bills oldest due first.

        In bulk: the payments are created at once, their journal entries (with
        ``utility_account_id`` and the ACH payment source) created at once and
        posted at once, and reconciled in one reconciliation plan, the bulk
        form of ``utility.account._utility_apply_credit`` (Odoo's plan matches
        the lines of an account by due date, the oldest bill first).
        """
        if not self:
            return
        batch = self.batch_id
        batch.ensure_one()
        journal = batch.journal_id
        method_line = journal.inbound_payment_method_line_ids[:1]
        if not method_line:
            raise UserError(
                self.env._(
                    "The ACH journal %(journal)s has no incoming payment method.",
                    journal=journal.display_name,
                )
            )
        clearing = batch.company_id.ach_clearing_account_id
        if method_line.payment_account_id != clearing:
            batch.company_id._ach_sync_payment_method()
        ctx = {"tracking_disable": True, "mail_create_nolog": True}
        payments = (
            self.env["account.payment"]
            .with_context(**ctx)
            .create([line._prepare_payment_vals(method_line) for line in self])
        )
        if payments.outstanding_account_id != clearing:
            payments.write({"outstanding_account_id": clearing.id})
        names = batch._allocate_payment_names(len(self))
        move_vals = []
        for line, payment, name in zip(self, payments, names, strict=True):
            move_vals.append(
                {
                    "move_type": "entry",
                    "name": name,
                    "ref": payment.memo,
                    "date": payment.date,
                    "journal_id": journal.id,
                    "company_id": batch.company_id.id,
                    "partner_id": payment.partner_id.id,
                    "currency_id": payment.currency_id.id,
                    "utility_account_id": line.account_id.id,
                    "utility_payment_source": "ach",
                    "origin_payment_id": payment.id,
                    "fiscal_position_id": False,
                    "line_ids": [
                        Command.create(vals)
                        for vals in payment._prepare_move_line_default_vals()
                    ],
                }
            )
        # Balanced by construction (the payment's own line values) and without
        # invoice lines to synchronise: created as Odoo's point of sale creates
        # its entries; posting checks the balance again.
        move_ctx = dict(ctx, skip_invoice_sync=True, check_move_validity=False)
        moves = self.env["account.move"].with_context(**move_ctx).create(move_vals)
        # Each payment gets its entry and is in process (what Odoo's write of
        # the state does, one payment at a time), each ACH entry its payment:
        # one UPDATE for all, the fields computed from them marked to recompute
        # as a write does (a write a record costs more than the posting).
        self._link_payments(payments, moves)
        moves.with_context(**ctx, skip_invoice_sync=True)._post(soft=False)
        # The bills' payment status is not tracked one by one: the batch's
        # chatter records the posting. Reconciling changes no line of the
        # bills nor any balance: no synchronisation of their invoice lines.
        self.with_context(**move_ctx)._reconcile_payments()

    def _link_payments(self, payments, moves):
        """``move_id`` and the state *in process* of each payment (its entry
        just created, not posted yet) and ``payment_id`` of each ACH entry, in
        SQL (one query each), then the ORM told: cache invalidated, dependent
        fields marked to recompute."""
        payments.flush_recordset(["move_id", "state"])
        self.flush_recordset(["payment_id"])
        self.env.cr.execute(
            SQL(
                """UPDATE account_payment AS pay
                      SET move_id = v.move, state = 'in_process'
                     FROM unnest(%s::int[], %s::int[]) AS v(id, move)
                    WHERE pay.id = v.id""",
                payments.ids,
                moves.ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE utility_ach_batch_line AS line SET payment_id = v.payment
                     FROM unnest(%s::int[], %s::int[]) AS v(id, payment)
                    WHERE line.id = v.id""",
                self.ids,
                payments.ids,
            )
        )
        payments.invalidate_recordset(["move_id", "state"])
        self.invalidate_recordset(["payment_id"])
        payments.modified(["move_id", "state"])
        self.modified(["payment_id"])

    def _reconcile_payments(self):
        """Apply each posted payment to the open receivable lines of its account
        (bills oldest due first, and any credit left on the account)."""
        open_by_account = self.batch_id._open_receivables(self.account_id)
        held = self.batch_id._held_receivables(self.account_id)
        # The payments of the other entries of an account pay their own lines.
        batch_payments = self.payment_id.move_id.line_ids
        plan = []
        for line in self:
            credit = line.payment_id.move_id.line_ids.filtered(
                lambda ml: ml.account_id.account_type == "asset_receivable"
            )
            others = open_by_account.get(line.account_id.id)
            if not others:
                continue
            # A re-presentment pays the returned bills, a fee entry its fee,
            # a regular debit the rest.
            others -= batch_payments
            if line.kind == "debit":
                others -= held
            else:
                others = line._target_receivables(held)
            others = (others - credit).filtered(
                lambda ml, account=credit.account_id: ml.account_id == account
            )
            if others:
                plan.append(credit | others)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)
