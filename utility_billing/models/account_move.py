# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Journal entries: the utility fields of an entry, the locked books (what a
posted utility entry lets change), the posting facts and credits applied at
posting. The printed bill's figures live in account_move_bill.py; the hash
of the utility journals in account_move_secure.py."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.workflow import check_protected, is_trusted
from .utility_service_type import CUSTOMER_CLASSES

# The door of the locked books: utility workflows (billing run, adjustments,
# bill corrections, payments) open it, after their own rights check, to change
# a posted utility document; server code running as superuser passes too.
BOOKS_DOOR = "account.move"
# What Odoo itself writes on a posted entry (inalterability hash, sequence gap
# flag, sending and printing, the review flag, portal token, chatter and
# activities): a posted utility document accepts these, and nothing else, from
# anyone outside a utility workflow.
POSTED_WRITABLE_FIELDS = frozenset(
    {
        "inalterable_hash",
        "secure_sequence_number",
        "made_sequence_gap",
        "checked",
        "is_move_sent",
        "move_sent_values",
        "sending_data",
        "invoice_pdf_report_file",
        "invoice_pdf_report_id",
        "access_token",
        "message_main_attachment_id",
        "message_follower_ids",
        "message_ids",
        "activity_ids",
        "website_message_ids",
    }
)
# The facts of the bill's day: the account's customer class, route and cycle
# when the entry first posted. Set by posting only; revenue stays with them
# after the account is reclassified, and after a reset, cancel or re-post.
POSTING_FACT_FIELDS = (
    "utility_customer_class",
    "utility_route_id",
    "utility_billing_cycle_id",
)
# What a customer deposit entry is: set by the deposit workflows only.
DEPOSIT_KINDS = [
    ("bill", "Deposit Billed"),
    ("held", "Deposit Held at Conversion"),
    ("apply", "Deposit Applied"),
    ("release", "Unpaid Deposit Cancelled"),
]
SECURE_BATCH = 5000  # entries hashed per transaction by the securing cron
SECURE_TIME_BUDGET = 300  # seconds the securing cron works before handing over


def stored_changes(records, vals, allowed):
    """Fields of ``vals`` that change what ``records`` store, outside ``allowed``
    (Odoo also sets technical flags that are not stored, e.g. its
    ``needed_terms_dirty``: those change nothing)."""
    fields_ = records._fields
    return {
        name
        for name in vals
        if name not in allowed
        and (name not in fields_ or fields_[name].store or fields_[name].inverse)
    }


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
            ("drop_box", "Drop Box"),
            ("lockbox", "Lockbox"),
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
    utility_bill_correction_id = fields.Many2one(
        "utility.bill.correction",
        string="Bill Correction",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The bill correction that cancelled this bill, or that created this "
        "credit note or corrected bill.",
    )
    utility_superseded = fields.Boolean(
        string="Cancelled and Rebilled",
        copy=False,
        readonly=True,
        help="This bill was reversed by a bill correction; the corrected bill (if "
        "any) bills its period instead.",
    )

    utility_customer_class = fields.Selection(
        CUSTOMER_CLASSES,
        string="Customer Class (Posted)",
        copy=False,
        readonly=True,
        help="The account's customer class when this entry first posted; revenue "
        "is reported under it even after the account is reclassified.",
    )
    utility_route_id = fields.Many2one(
        "utility.route",
        string="Route (Posted)",
        copy=False,
        readonly=True,
        help="The premise's route when this entry first posted.",
    )
    utility_billing_cycle_id = fields.Many2one(
        "utility.billing.cycle",
        string="Billing Cycle (Posted)",
        copy=False,
        readonly=True,
        help="The billing cycle (of its billing run, else of the account) when this "
        "entry first posted.",
    )

    utility_deposit_kind = fields.Selection(
        DEPOSIT_KINDS,
        string="Customer Deposit",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="A customer deposit entry of the account: the deposit billed at start "
        "of service (on the customer deposits account), the deposit held in the "
        "legacy system (entered at the go-live conversion), the deposit applied to "
        "the final bill, or the unpaid deposit cancelled at the final bill.",
    )

    def init(self):
        res = super().init()
        # An account is billed once per period: enforced by the database, so that
        # two workers, or a repeated run, can never bill it twice. A bill reversed
        # by a bill correction no longer counts: its corrected bill replaces it.
        self.env.cr.execute(
            SQL(
                """SELECT indexdef FROM pg_indexes
                    WHERE indexname = 'account_move_utility_period_uniq'"""
            )
        )
        row = self.env.cr.fetchone()
        if row and "utility_superseded" not in row[0]:
            self.env.cr.execute(SQL("DROP INDEX account_move_utility_period_uniq"))
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS account_move_utility_period_uniq
                       ON account_move (utility_account_id, utility_period_start)
                    WHERE utility_account_id IS NOT NULL
                      AND move_type = 'out_invoice'
                      AND state != 'cancel'
                      AND utility_superseded IS NOT TRUE"""
            )
        )
        return res

    # ------------------------------------------------------------
    # Locked books
    # ------------------------------------------------------------

    def _utility_is_document(self):
        """Whether this entry is a utility document: it carries a utility account
        or sits in a utility journal."""
        self.ensure_one()
        return bool(self.utility_account_id or self.journal_id.utility_journal)

    def _utility_check_books(self, action, moves=None):
        """Refuse ``action`` on the posted utility documents of ``moves`` (all of
        ``self`` by default) unless a utility workflow does it.

        :param action: what is refused, for the message (translated)
        """
        moves = self if moves is None else moves
        if is_trusted(self.env, BOOKS_DOOR):
            return
        locked = moves.filtered(
            lambda m: (
                (m.state == "posted" or m.posted_before) and m._utility_is_document()
            )
        )
        if locked:
            raise UserError(
                self.env._(
                    "%(move)s is a posted utility document: it cannot be %(action)s. "
                    "A manager corrects a posted bill with Utility Billing > Billing "
                    "> Bill Corrections (cancel and rebill, with a reason and an "
                    "approval); an amount is credited or charged with an "
                    "adjustment.",
                    move=locked[0].display_name,
                    action=action,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, BOOKS_DOOR):
            for vals in vals_list:
                check_protected(
                    self,
                    {key: value for key, value in vals.items() if value},
                    (*POSTING_FACT_FIELDS, "utility_deposit_kind"),
                    BOOKS_DOOR,
                    message=self._utility_facts_message(),
                )
            # Odoo's Reverse (and a credit note made from a bill) would cancel a
            # utility document outside the utility workflows.
            reversed_ids = {vals.get("reversed_entry_id") for vals in vals_list}
            reversed_ids.discard(None)
            reversed_ids.discard(False)
            if reversed_ids:
                self._utility_check_books(
                    self.env._("reversed outside a utility workflow"),
                    self.browse(reversed_ids),
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(
            self,
            vals,
            (*POSTING_FACT_FIELDS, "utility_deposit_kind"),
            BOOKS_DOOR,
            message=self._utility_facts_message(),
        )
        forbidden = stored_changes(self, vals, POSTED_WRITABLE_FIELDS)
        if forbidden and not is_trusted(self.env, BOOKS_DOOR):
            if vals.get("reversed_entry_id"):
                self._utility_check_books(
                    self.env._("reversed outside a utility workflow"),
                    self.browse(vals["reversed_entry_id"]),
                )
            self._utility_check_books(
                self.env._("edited (%(fields)s)", fields=", ".join(sorted(forbidden))),
                self.filtered(lambda m: m.state == "posted"),
            )
        return super().write(vals)

    def _utility_facts_message(self):
        return self.env._(
            "Journal entry: the customer class, route and billing cycle a utility "
            "entry posted under, and whether it is a customer deposit, are set when "
            "it posts, not by editing."
        )

    def button_draft(self):
        self._utility_check_books(self.env._("reset to draft"))
        return super().button_draft()

    def button_cancel(self):
        self._utility_check_books(self.env._("cancelled"))
        return super().button_cancel()

    def unlink(self):
        # Before Odoo deletes the lines (``force_delete`` lets it delete those of
        # a posted entry).
        self._utility_check_books(self.env._("deleted"))
        return super().unlink()

    def action_utility_correct_bill(self):
        """Open a bill correction (cancel and rebill) of this posted bill."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel and Rebill"),
            "res_model": "utility.bill.correction",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_account_id": self.utility_account_id.id,
                "default_bill_id": self.id,
            },
        }

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

    def _post(self, soft=True):
        self._utility_fix_posting_facts()
        posted = super()._post(soft=soft)
        posted._utility_apply_credits_on_post()
        return posted

    def _utility_fix_posting_facts(self):
        """Fix on each utility entry posting for the first time the customer
        class, route and billing cycle of its account (the cycle of its billing
        run first; a reversal takes those of the entry it reverses). A re-post
        keeps those of the first posting. One write per
        combination, as superuser: posting was allowed, and the facts are the
        posting's own (users cannot write them)."""
        moves = self.filtered(
            lambda m: m.utility_account_id and not m.utility_customer_class
        )
        groups = {}
        for move in moves:
            account = move.utility_account_id
            origin = move.reversed_entry_id
            if origin.utility_customer_class:
                # A reversal (a bill correction's, an adjustment's credit note)
                # takes back the revenue where the entry it reverses put it.
                key = (
                    origin.utility_customer_class,
                    origin.utility_route_id.id,
                    origin.utility_billing_cycle_id.id,
                )
            else:
                key = (
                    account.customer_class or False,
                    account.route_id.id,
                    (
                        move.utility_billing_run_id.cycle_id or account.billing_cycle_id
                    ).id,
                )
            groups.setdefault(key, []).append(move.id)
        for (customer_class, route_id, cycle_id), ids in groups.items():
            self.browse(ids).sudo().write(
                {
                    "utility_customer_class": customer_class,
                    "utility_route_id": route_id,
                    "utility_billing_cycle_id": cycle_id,
                }
            )

    def _utility_apply_credits_on_post(self):
        """Credits apply themselves: when bills or credit notes of utility
        accounts post, the unapplied credits of those accounts (an overpayment,
        a credit note, a payment entry left open) are applied to their open
        bills, oldest due first, with a line in the account's history.

        One query for the whole posting batch selects the accounts holding both
        an open credit and an open debit; the others cost nothing more. Payment
        entries apply themselves through their own workflow.
        """
        # The deposit applied to a final bill and an unpaid deposit cancelled
        # are reconciled by their own workflow (then the credits apply).
        moves = self.filtered(
            lambda m: (
                m.utility_account_id
                and m.move_type in ("out_invoice", "out_refund")
                and m.utility_deposit_kind not in ("apply", "release")
            )
        )
        if not moves:
            return
        account_ids = list(set(moves.utility_account_id.ids))
        self.env["account.move.line"].flush_model(
            ["utility_account_id", "parent_state", "reconciled", "amount_residual"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT line.utility_account_id
                     FROM account_move_line line
                     JOIN account_account acc ON acc.id = line.account_id
                    WHERE line.utility_account_id = ANY(%(ids)s)
                      AND line.parent_state = 'posted'
                      AND acc.account_type = 'asset_receivable'
                      AND NOT line.reconciled
                 GROUP BY line.utility_account_id
                   HAVING bool_or(line.amount_residual < 0)
                      AND bool_or(line.amount_residual > 0)""",
                ids=account_ids,
            )
        )
        accounts = self.env["utility.account"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
        if accounts:
            # The posting was allowed: applying the credit follows as a
            # workflow (the user stays the author of the history line).
            accounts.sudo()._utility_apply_open_credits()

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        self.utility_account_id.filtered(
            lambda a: a.state == "final"
        )._close_if_settled()
        return res

    def _utility_payment_description(self):
        """How a payment entry of an account reads in its history: where the
        money came from and its reference (check number, receipt)."""
        self.ensure_one()
        source = dict(
            self._fields["utility_payment_source"]._description_selection(self.env)
        ).get(self.utility_payment_source)
        payment = self.origin_payment_id
        method = payment.payment_method_line_id.name if payment else False
        detail = ", ".join(p for p in (source, method) if p)
        reference = self.ref if self.ref and self.ref != self.name else False
        if payment and payment.memo and not reference:
            reference = payment.memo
        text = self.env._("Payment %(name)s", name=self.name)
        if detail:
            text = f"{text}: {detail}"
        if reference:
            text = f"{text} ({reference})"
        return text
