# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    utility_account_id = fields.Many2one(
        "utility.account",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    utility_billing_run_id = fields.Many2one(
        "utility.billing.run",
        string="Billing Run",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    utility_period_start = fields.Date(
        string="Service Period Start", copy=False, readonly=True
    )
    utility_period_end = fields.Date(
        string="Service Period End", copy=False, readonly=True
    )
    utility_is_final = fields.Boolean(string="Final Bill", copy=False, readonly=True)
    utility_read_ids = fields.One2many(
        "utility.meter.read", "billed_move_id", string="Meter Reads"
    )
    utility_payment_source = fields.Selection(
        [
            ("counter", "Counter"),
            ("ach", "ACH Autopay"),
            ("mail", "Mail"),
            ("online", "Online"),
            ("other", "Other"),
        ],
        string="Payment Source",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Where a utility payment entry came from (cash receipts reports).",
    )
    utility_adjustment_id = fields.Many2one(
        "utility.adjustment",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The adjustment this credit note or debit note posts.",
    )

    def init(self):
        res = super().init()
        # An account is billed once per period: enforced by the database, so that
        # two workers, or a repeated run, can never bill it twice.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS account_move_utility_period_uniq
                       ON account_move (utility_account_id, utility_period_start)
                    WHERE utility_account_id IS NOT NULL
                      AND move_type = 'out_invoice'
                      AND state != 'cancel'"""
            )
        )
        return res

    def _set_next_made_sequence_gap(self, made_gap: bool):
        """As Odoo does it, but without writing the next moves whose flag already
        has the value.

        Odoo writes them all the same (their write date changes): when billing
        workers post neighbouring batches of a run in parallel, the write then
        lands on a bill another worker is posting, and one of the two batches
        fails on a serialization failure and is done again.
        """
        next_moves = self.browse()
        named = self.filtered(lambda m: m.name and m.name != "/")
        for (journal, prefix), moves in named.grouped(
            lambda move: (move.journal_id, move.sequence_prefix)
        ).items():
            next_moves += (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("journal_id", "=", journal.id),
                        ("sequence_prefix", "=", prefix),
                        (
                            "sequence_number",
                            "in",
                            [move.sequence_number + 1 for move in moves],
                        ),
                    ]
                )
            )
        next_moves.filtered(
            lambda m: m.made_sequence_gap != made_gap
        ).made_sequence_gap = made_gap

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        self.utility_account_id.filtered(
            lambda a: a.state == "final"
        )._close_if_settled()
        return res

    @api.model
    def _utility_bill_history(self, account, until, months=13):
        """Monthly consumption of ``account`` for the bill's history chart."""
        return account._consumption_history(until, months)

    def _utility_bill_lang(self):
        """Language of the bill: the account's, when that language is installed."""
        self.ensure_one()
        installed = dict(self.env["res.lang"].get_installed())
        for code in (self.utility_account_id.lang, self.partner_id.lang):
            if code and code in installed:
                return code
        return self.env.lang or "en_US"

    def _utility_bill_summary(self):
        """Figures of the bill's summary box, as of now.

        previous balance = what was open on the account's other bills before the
        payments received and the adjustments posted since the last bill;
        adjustments = the credit notes (negative) and debit notes of
        ``utility.adjustment`` dated since the last bill; balance forward = what
        is still open on them; total due = balance forward + what is open on this
        bill.
        """
        self.ensure_one()
        account = self.utility_account_id
        others = self.search(
            [
                ("utility_account_id", "=", account.id),
                ("id", "!=", self.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", "<=", self.invoice_date),
            ]
        )
        previous_bills = others.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and not m.utility_adjustment_id
                and m.invoice_date < self.invoice_date
            )
        )
        last_bill_date = max(previous_bills.mapped("invoice_date"), default=False)
        adjustments = sum(
            others.filtered(
                lambda m: (
                    m.utility_adjustment_id
                    and (not last_bill_date or m.invoice_date > last_bill_date)
                )
            ).mapped("amount_total_signed")
        )
        balance_forward = sum(others.mapped("amount_residual_signed"))
        payments = 0.0
        receivables = others.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        for partial in receivables.matched_credit_ids:
            if partial.credit_move_id.move_id in others:
                continue  # a credit note of the account, already in the balance
            if not last_bill_date or partial.max_date > last_bill_date:
                payments += partial.amount
        # Payments not (yet) applied to a bill: a credit on the account.
        unapplied = self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", account.id),
                ("move_id", "!=", self.id),
                ("move_id.move_type", "not in", ("out_invoice", "out_refund")),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("date", "<=", self.invoice_date),
            ]
        )
        for line in unapplied:
            balance_forward += line.amount_residual
            if line.amount_residual < 0 and (
                not last_bill_date or line.date > last_bill_date
            ):
                payments -= line.amount_residual
        return {
            "previous_balance": balance_forward + payments - adjustments,
            "payments": payments,
            "adjustments": adjustments,
            "balance_forward": balance_forward,
            "total_due": balance_forward + self.amount_residual,
        }
