# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round

from ..tools.workflow import (
    check_protected,
    is_trusted,
    workflow,
)
from .utility_rate_schedule import MONTHS_PER_FREQUENCY, parse_months

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200
SYNC_LIMIT = 1000  # runs up to this many accounts compute/post in the request
CRON_TIME_BUDGET = 600  # seconds a cron call works before handing over
RUN_DOOR = "utility.billing.run"
# Set only by the run's own actions.
RUN_WORKFLOW_FIELDS = {"state"}
# What the run bills: frozen once it is computed.
RUN_PERIOD_FIELDS = {
    "cycle_id",
    "period_start",
    "period_end",
    "bill_date",
    "due_date",
    "journal_id",
    "company_id",
}
# What the run's batches decide for an account.
LINE_WORKFLOW_FIELDS = {
    "run_id",
    "account_id",
    "state",
    "hold_reason",
    "move_id",
    "amount_total",
    "is_final",
}


class UtilityBillingRun(models.Model):
    """One bill run of a cycle for a period.

    Compute rates every active or final account of the cycle and creates its
    draft invoice (the billing register), holding accounts with reads to review
    or missing reads. Post posts the invoices and marks the reads billed.

    Both steps work by batches of accounts. A batch is claimed with
    ``FOR UPDATE SKIP LOCKED``, so several Odoo workers (the two cron jobs
    shipped, or more) process one run in parallel; a run that is interrupted
    continues where it stopped. An account is never billed twice for a period:
    a unique index on ``account_move`` enforces it in the database.
    """

    _name = "utility.billing.run"
    _description = "Utility Billing Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, readonly=True, default="/", copy=False, tracking=True
    )
    cycle_id = fields.Many2one(
        "utility.billing.cycle", required=True, tracking=True, check_company=True
    )
    period_start = fields.Date(required=True, tracking=True)
    period_end = fields.Date(required=True, tracking=True)
    bill_date = fields.Date(required=True, tracking=True)
    due_date = fields.Date(
        compute="_compute_due_date",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        tracking=True,
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        domain="[('type', '=', 'sale')]",
        default=lambda self: self.env.company._get_utility_journal(),
        check_company=True,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computing", "Computing"),
            ("computed", "Computed"),
            ("posting", "Posting"),
            ("posted", "Posted"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        readonly=True,
        index=True,
        copy=False,
    )
    line_ids = fields.One2many("utility.billing.run.line", "run_id", string="Accounts")
    invoice_ids = fields.One2many(
        "account.move", "utility_billing_run_id", string="Invoices"
    )
    account_count = fields.Integer(compute="_compute_counts")
    billed_count = fields.Integer(compute="_compute_counts", string="Bills")
    held_count = fields.Integer(compute="_compute_counts", string="Held")
    pending_count = fields.Integer(compute="_compute_counts", string="Pending")
    amount_total = fields.Monetary(compute="_compute_counts", string="Total Billed")
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("bill_date", "cycle_id.due_days")
    def _compute_due_date(self):
        for run in self:
            if run.bill_date:
                run.due_date = run.bill_date + timedelta(
                    days=run.cycle_id.due_days or 0
                )

    def _compute_counts(self):
        groups = self.env["utility.billing.run.line"]._read_group(
            [("run_id", "in", self.ids)],
            ["run_id", "state"],
            ["__count", "amount_total:sum"],
        )
        stats = defaultdict(lambda: defaultdict(int))
        totals = defaultdict(float)
        for run, state, count, amount in groups:
            stats[run.id][state] += count
            if state in ("computed", "posted"):
                totals[run.id] += amount
        for run in self:
            s = stats[run.id]
            run.account_count = sum(s.values())
            run.billed_count = s["computed"] + s["posted"]
            run.held_count = s["held"]
            run.pending_count = s["pending"]
            run.amount_total = totals[run.id]

    @api.constrains("period_start", "period_end", "bill_date")
    def _check_dates(self):
        for run in self:
            if run.period_end < run.period_start:
                raise UserError(
                    self.env._(
                        "Billing run %(name)s: the period ends before it starts.",
                        name=run.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected(
                self,
                {k: v for k, v in vals.items() if k != "state" or v != "draft"},
                RUN_WORKFLOW_FIELDS,
                RUN_DOOR,
            )
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("utility.billing.run") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, RUN_WORKFLOW_FIELDS, RUN_DOOR)
        if self.filtered(lambda r: r.state != "draft"):
            check_protected(
                self,
                vals,
                RUN_PERIOD_FIELDS,
                RUN_DOOR,
                self.env._(
                    "Billing run %(name)s has been computed: its cycle, period, "
                    "dates and journal no longer change.",
                    name=self.filtered(lambda r: r.state != "draft")[0].name,
                ),
            )
        return super().write(vals)

    def _set_state(self, state):
        with workflow(RUN_DOOR):
            self.write({"state": state})

    def _check_run_rights(self):
        """Computing, posting, cancelling and sending a run: a Customer Service
        Representative II or a manager, on a run of their companies."""
        if not self.env.su and not self.env.user.has_group(
            "utility_billing.group_csr_2"
        ):
            raise AccessError(
                self.env._(
                    "Only a Customer Service Representative II or a manager can "
                    "compute, post, cancel or send billing runs."
                )
            )
        self.check_access("write")

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        for run in self:
            if run.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "Cancel billing run %(name)s before deleting it.", name=run.name
                    )
                )

    @api.onchange("cycle_id")
    def _onchange_cycle_id(self):
        """Propose the next period of the cycle."""
        if not self.cycle_id:
            return
        last = self.search(
            [("cycle_id", "=", self.cycle_id.id), ("state", "!=", "cancelled")],
            order="period_end desc",
            limit=1,
        )
        months = MONTHS_PER_FREQUENCY.get(self.cycle_id.frequency, 1)
        if last:
            start = last.period_end + timedelta(days=1)
        else:
            # The cycle's first run: the period of its latest reads, not one
            # with no reads in it (every account would be held).
            latest = self.env["utility.meter.read"].search(
                [
                    ("account_id.billing_cycle_id", "=", self.cycle_id.id),
                    ("state", "!=", "rejected"),
                ],
                order="read_date desc",
                limit=1,
            )
            base = latest.read_date or self.cycle_id.company_id._utility_today()
            start = base.replace(day=1) - relativedelta(months=months - 1)
            if not latest:
                start -= relativedelta(months=months)
        self.period_start = start
        self.period_end = start + relativedelta(months=months) - timedelta(days=1)
        bill_day = min(self.cycle_id.bill_day or 1, 28)
        bill = self.period_end + timedelta(days=1)
        self.bill_date = bill.replace(day=bill_day) if bill.day <= bill_day else bill

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_compute(self):
        """Rate the cycle's accounts and create the draft bills."""
        self._check_run_rights()
        for run in self:
            if run.state not in ("draft", "computed", "computing"):
                raise UserError(
                    self.env._(
                        "Billing run %(name)s is %(state)s.",
                        name=run.name,
                        state=run.state,
                    )
                )
            run.journal_id._utility_lock_journal()
            run._create_lines()
            run._bill_sequence()
            run._set_state("computing")
            if len(run.line_ids) <= SYNC_LIMIT:
                while run._process_batch("compute"):
                    pass
            else:
                self.env.ref("utility_billing.ir_cron_billing_run_1")._trigger()
                self.env.ref("utility_billing.ir_cron_billing_run_2")._trigger()
        return True

    def action_recompute_held(self):
        """Give held accounts another try (after their reads were reviewed)."""
        self._check_run_rights()
        for run in self:
            if run.state not in ("computed",):
                raise UserError(
                    self.env._("Only a computed run can recompute held accounts.")
                )
            with workflow(RUN_DOOR):
                run.line_ids.filtered(lambda ln: ln.state == "held").write(
                    {"state": "pending", "hold_reason": False}
                )
        return self.action_compute()

    def action_post(self):
        """Post the draft bills of the run."""
        self._check_run_rights()
        for run in self:
            if run.state not in ("computed", "posting"):
                raise UserError(
                    self.env._(
                        "Compute billing run %(name)s before posting it.", name=run.name
                    )
                )
            if run.state == "computed" and not run.billed_count:
                raise UserError(
                    self.env._(
                        "Billing run %(name)s has no bill to post: every account "
                        "is held. Resolve the held accounts and recompute them, or "
                        "cancel the run.",
                        name=run.name,
                    )
                )
            run._lock_rates()
            run._set_state("posting")
            if run.billed_count <= SYNC_LIMIT:
                while run._process_batch("post"):
                    pass
            else:
                self.env.ref("utility_billing.ir_cron_billing_run_1")._trigger()
                self.env.ref("utility_billing.ir_cron_billing_run_2")._trigger()
        return True

    def action_estimate_missing_reads(self):
        """Estimate Missing Reads for the run's cycle and period (accounts held
        for want of a read), then recompute the held accounts."""
        self.ensure_one()
        self._check_run_rights()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_read_estimate_action"
        )
        action["context"] = {
            "default_cycle_id": self.cycle_id.id,
            "default_read_date": fields.Date.to_string(self.period_end),
            "default_period_start": fields.Date.to_string(self.period_start),
        }
        return action

    def action_cancel(self):
        self._check_run_rights()
        for run in self:
            if run.state in ("posted", "posting") or run.line_ids.filtered(
                lambda ln: ln.state == "posted"
            ):
                raise UserError(
                    self.env._(
                        "Billing run %(name)s has posted bills: correct them with "
                        "credit notes or adjustments.",
                        name=run.name,
                    )
                )
            moves = run.line_ids.move_id.filtered(lambda m: m.state == "draft")
            with workflow(RUN_DOOR):
                run.line_ids.write({"state": "cancelled", "move_id": False})
            # The run's own drafts: deleted with the rights the run needs.
            moves.sudo().with_context(force_delete=True).unlink()
            run._set_state("cancelled")
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("utility_billing_run_id", "=", self.id)]
        action["context"] = {"create": False, "default_move_type": "out_invoice"}
        return action

    def action_print_bills(self):
        """One PDF of the run's paper bills, in route walk order."""
        self.ensure_one()
        moves = self._paper_bills()
        if not moves:
            raise UserError(
                self.env._(
                    "Billing run %(name)s has no paper bill to print.", name=self.name
                )
            )
        return self.env.ref("utility_billing.action_report_utility_bill").report_action(
            moves
        )

    def action_send_bills(self):
        """E-mail the bills of paperless accounts."""
        self.ensure_one()
        self._check_run_rights()
        template = self.env.ref("utility_billing.mail_template_utility_bill")
        lines = self.line_ids.filtered(
            lambda ln: ln.state == "posted" and ln.account_id.paperless and not ln.sent
        )
        for line in lines:
            if not line.account_id.partner_id.email:
                line.message = self.env._("No e-mail address")
                continue
            template.with_context(lang=line.account_id.lang).send_mail(
                line.move_id.id, email_layout_xmlid="mail.mail_notification_light"
            )
            line.sent = True
            line.move_id.sudo().is_move_sent = True
        return True

    def _paper_bills(self):
        lines = self.line_ids.filtered(
            lambda ln: ln.state == "posted" and not ln.account_id.paperless
        )
        lines = lines.sorted(
            lambda ln: (
                ln.account_id.premise_id.route_id.code or "",
                ln.account_id.premise_id.sequence,
                ln.account_id.name,
            )
        )
        return lines.move_id

    # ------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------

    def _create_lines(self):
        """One line per active or final account of the cycle (idempotent)."""
        self.ensure_one()
        existing = set(self.line_ids.account_id.ids)
        accounts = self.env["utility.account"].search(
            [
                ("billing_cycle_id", "=", self.cycle_id.id),
                ("company_id", "=", self.company_id.id),
                "|",
                ("state", "=", "active"),
                "&",
                ("state", "=", "final"),
                ("end_date", ">=", self.period_start),
            ]
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

    # ------------------------------------------------------------
    # Rating context
    # ------------------------------------------------------------

    def _lock_rates(self):
        """Rate versions used by the run are locked once its bills post."""
        self.ensure_one()
        versions = self.env["utility.rate.schedule"]
        for schedule in self.line_ids.account_id.service_ids.rate_schedule_id:
            versions |= schedule._get_versions(self.period_start, self.period_end)
        versions.filtered(lambda v: not v.billed).sudo().write({"billed": True})

    def _bill_sequence(self):
        """The number sequence of the run's journal (created on first use).

        Bills get their number when their draft is created, from a PostgreSQL
        sequence: workers posting in parallel never wait on each other for the
        next number, as they would with numbers taken at posting. Numbers of
        drafts deleted by a cancelled run are skipped.
        """
        self.ensure_one()
        journal = self.journal_id
        if journal.utility_bill_sequence_id:
            return journal.utility_bill_sequence_id
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT max(sequence_number) FROM account_move WHERE journal_id = %s",
                journal.id,
            )
        )
        last = self.env.cr.fetchone()[0] or 0
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .create(
                {
                    "name": self.env._(
                        "Utility bills: %(journal)s", journal=journal.name
                    ),
                    "implementation": "standard",
                    "prefix": f"{journal.code}/%(year)s/",
                    "padding": 5,
                    "number_next": last + 1,
                    "company_id": journal.company_id.id,
                }
            )
        )
        journal.sudo().utility_bill_sequence_id = sequence
        return sequence

    def _allocate_bill_names(self, count):
        # The year in the numbers is the bill date's, not today's (a run billing
        # December on January 2 numbers its bills in December's year).
        sequence = (
            self._bill_sequence().sudo().with_context(ir_sequence_date=self.bill_date)
        )
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [
                sequence.next_by_id(sequence_date=self.bill_date) for _i in range(count)
            ]
        if not count:
            return []
        self._skip_numbers_taken(sequence)
        # The PostgreSQL sequence behind it (as next_by_id uses it): the batch's
        # numbers in one query rather than one query a bill.
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        numbers = sorted(row[0] for row in self.env.cr.fetchall())
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in numbers]

    def _skip_numbers_taken(self, sequence, journal=None):
        """Move the sequence past numbers Odoo gave to entries made by hand in
        the journal (Odoo numbers them after the highest number), so that a run
        never hands out a number that is already taken.

        ``journal``: the sequence's journal (the run's by default); adjustments
        and bill corrections taking a number of the bills' sequence call it
        too (penalties posted in the bills' journal take Odoo's next number).
        """
        if sequence.implementation != "standard" or sequence.use_date_range:
            return
        journal = journal or self.journal_id
        prefix = sequence._get_prefix_suffix()[0]
        self.env["account.move"].flush_model(["name", "journal_id"])
        self.env.cr.execute(
            SQL(
                """SELECT max(sequence_number) FROM account_move
                    WHERE journal_id = %s AND sequence_prefix = %s""",
                journal.id,
                prefix,
            )
        )
        highest = self.env.cr.fetchone()[0] or 0
        if highest >= sequence.number_next_actual:
            self.env.cr.execute(
                SQL("SELECT setval(%s, %s)", f"ir_sequence_{sequence.id:03d}", highest)
            )
            sequence.invalidate_recordset(["number_next_actual"])

    def _settle_sequence_gaps(self):
        """Clear Odoo's gap flag of the run's draft bills whose previous number
        exists, once all the drafts of the run exist.

        Odoo flags a numbered draft as a gap in the journal's sequence, and
        posting a bill clears the flag of the bill numbered next. Posting
        batches in parallel, each worker then wrote bills of the other's batch,
        failing on serialization failures and deadlocks. Cleared here, posting
        writes no flag but its own bills'; after posting, the flags are what
        Odoo computes (a gap where the previous number is missing).
        """
        self.ensure_one()
        self.env["account.move"].flush_model(
            ["made_sequence_gap", "journal_id", "sequence_prefix", "sequence_number"]
        )
        self.env.cr.execute(
            SQL(
                """UPDATE account_move m SET made_sequence_gap = FALSE
                    WHERE m.utility_billing_run_id = %s AND m.state = 'draft'
                      AND m.made_sequence_gap
                      AND EXISTS (
                          SELECT 1 FROM account_move p
                           WHERE p.journal_id = m.journal_id
                             AND p.sequence_prefix = m.sequence_prefix
                             AND p.sequence_number = m.sequence_number - 1)""",
                self.id,
            )
        )
        self.env["account.move"].invalidate_model(["made_sequence_gap"])

    def _can_commit(self):
        """Whether the cron may commit between batches (not while testing)."""
        return self.env["account.move"]._can_commit()

    def _period_days(self):
        return (self.period_end - self.period_start).days + 1


class UtilityBillingRunLine(models.Model):
    """One account in a billing run: its draft bill, or why it is held."""

    _name = "utility.billing.run.line"
    _description = "Utility Billing Run Account"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "utility.billing.run", required=True, index=True, ondelete="cascade"
    )
    account_id = fields.Many2one("utility.account", required=True, index=True)
    partner_id = fields.Many2one(related="account_id.partner_id")
    premise_id = fields.Many2one(related="account_id.premise_id")
    state = fields.Selection(
        [
            ("pending", "To Compute"),
            ("held", "Held"),
            ("computed", "Draft Bill"),
            ("posted", "Posted"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    hold_reason = fields.Char()
    move_id = fields.Many2one("account.move", string="Bill", index="btree_not_null")
    amount_total = fields.Monetary(string="Total")
    currency_id = fields.Many2one(related="run_id.currency_id")
    is_final = fields.Boolean(string="Final Bill")
    sent = fields.Boolean(string="E-mailed")
    message = fields.Char()
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "run_account_uniq",
            "unique(run_id, account_id)",
            "An account appears once per billing run.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, RUN_DOOR):
            raise UserError(
                self.env._(
                    "The accounts of a billing run are added by its Compute button."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(
            self,
            vals,
            LINE_WORKFLOW_FIELDS,
            RUN_DOOR,
            self.env._(
                "Billing run accounts: their status, bill and hold reason are set by "
                "the run's Compute and Post buttons, not by editing."
            ),
        )
        return super().write(vals)

    def action_open_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    def _compute_bills(self):
        """Rate these lines' accounts and create their draft invoices."""
        run = self.run_id
        run.ensure_one()
        Move = self.env["account.move"]
        accounts = self.account_id
        accounts.fetch(
            [
                "partner_id",
                "premise_id",
                "state",
                "end_date",
                "start_date",
                "lang",
                "uut_exempt",
            ]
        )
        services = accounts.service_ids
        services.fetch(
            [
                "service_type_id",
                "meter_id",
                "rate_schedule_id",
                "start_date",
                "end_date",
            ]
        )
        meters = services.meter_id
        meters.fetch(["size"])
        accounts.premise_id.fetch(["living_units", "customer_class"])
        existing, overlapping = self._existing_bills(accounts)
        reads_by_meter, review_meters = self._fetch_period_reads(meters, run)
        winter = self._fetch_winter_averages(services, run)
        versions_cache = {}
        vals_list, line_for_vals, updates = [], [], []
        for line in self:
            account = line.account_id
            if account.id in overlapping and account.id not in existing:
                move = overlapping[account.id]
                if move.utility_period_start == run.period_start:
                    reason = self.env._(
                        "Already billed for this period on %(bill)s (%(run)s)",
                        bill=move.name,
                        run=move.utility_billing_run_id.name or "-",
                    )
                else:
                    reason = self.env._(
                        "Period overlaps bill %(bill)s (%(start)s to %(end)s, "
                        "%(run)s): the fixed charges of those days are billed",
                        bill=move.name,
                        start=move.utility_period_start,
                        end=move.utility_period_end or move.utility_period_start,
                        run=move.utility_billing_run_id.name or "-",
                    )
                updates.append((line, {"state": "held", "hold_reason": reason}))
                continue
            if account.id in existing:
                move = existing[account.id]
                updates.append(
                    (
                        line,
                        {
                            "state": "computed" if move.state == "draft" else "posted",
                            "move_id": move.id,
                            "amount_total": move.amount_total,
                        },
                    )
                )
                continue
            reason, charges, ctx_final = line._rate_account(
                reads_by_meter, review_meters, winter, versions_cache
            )
            if reason:
                updates.append((line, {"state": "held", "hold_reason": reason}))
                continue
            if not charges:
                updates.append(
                    (
                        line,
                        {"state": "held", "hold_reason": self.env._("Nothing to bill")},
                    )
                )
                continue
            vals_list.append(line._prepare_invoice_vals(charges, ctx_final))
            line_for_vals.append((line, ctx_final))
        names = run._allocate_bill_names(len(vals_list))
        for vals, name in zip(vals_list, names, strict=True):
            vals["name"] = name
        moves = (
            Move.with_context(
                tracking_disable=True, mail_create_nolog=True, skip_invoice_sync=False
            ).create(vals_list)
            if vals_list
            else Move
        )
        for (line, ctx_final), move in zip(line_for_vals, moves, strict=True):
            updates.append(
                (
                    line,
                    {
                        "state": "computed",
                        "move_id": move.id,
                        "amount_total": move.amount_total,
                        "is_final": ctx_final["is_final"],
                    },
                )
            )
        # Link the reads to their draft bill.
        read_links = []
        for (_line, ctx_final), move in zip(line_for_vals, moves, strict=True):
            read_links += [(read_id, move.id) for read_id in ctx_final["read_ids"]]
        if read_links:
            self.env["utility.meter.read"].flush_model()
            self.env.cr.execute(
                SQL(
                    """UPDATE utility_meter_read r SET billed_move_id = v.move_id
                         FROM unnest(%s::int[], %s::int[]) AS v(read_id, move_id)
                        WHERE r.id = v.read_id""",
                    [r for r, _m in read_links],
                    [m for _r, m in read_links],
                )
            )
            self.env["utility.meter.read"].invalidate_model(["billed_move_id"])
        grouped = defaultdict(lambda: self.browse())
        for line, vals in updates:
            if set(vals) == {"state", "hold_reason"}:
                grouped[(vals["state"], vals["hold_reason"])] |= line
            else:
                line.write(vals)
        for (state, reason), lines in grouped.items():
            lines.write({"state": state, "hold_reason": reason})

    def _existing_bills(self, accounts):
        """Bills of ``accounts`` whose period overlaps the run's.

        Returns ({account_id: this run's own bill of the period}, {account_id:
        another bill overlapping the period}). A run interrupted after it created
        a bill finds it again; an account billed for any day of the period, by
        another run or by hand (a run starting in the middle of a billed month),
        is held rather than billed twice.

        Race-safe: the accounts are locked first (in id order), then written,
        so that a concurrent transaction billing one of them waits for this
        one and, under PostgreSQL's repeatable read, fails on a serialization
        failure (retried) rather than deciding on a snapshot without this
        one's bills. The unique index on (account, period start) backs it.
        """
        run = self.run_id
        if accounts:
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM utility_account WHERE id = ANY(%s)
                     ORDER BY id FOR NO KEY UPDATE""",
                    accounts.ids,
                )
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE utility_account SET write_date = write_date "
                    "WHERE id = ANY(%s)",
                    accounts.ids,
                )
            )
        moves = self.env["account.move"].search(
            [
                ("utility_account_id", "in", accounts.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "!=", "cancel"),
                ("utility_superseded", "=", False),
                ("utility_period_start", "!=", False),
                ("utility_period_start", "<=", run.period_end),
                "|",
                ("utility_period_end", ">=", run.period_start),
                "&",
                ("utility_period_end", "=", False),
                ("utility_period_start", ">=", run.period_start),
            ],
            order="utility_period_start, id",
        )
        own, others = {}, {}
        for move in moves:
            account_id = move.utility_account_id.id
            if (
                move.utility_billing_run_id == run
                and move.utility_period_start == run.period_start
            ):
                own[account_id] = move
            else:
                others.setdefault(account_id, move)
        return own, others

    def _fetch_period_reads(self, meters, run):
        """Valid unbilled reads of the period by meter; meters with reads to review."""
        Read = self.env["utility.meter.read"]
        reads = Read.search(
            [
                ("meter_id", "in", meters.ids),
                ("read_date", ">=", run.period_start),
                ("read_date", "<=", run.period_end),
                ("state", "in", ("valid", "to_review")),
                ("billed_move_id", "=", False),
            ],
            order="read_datetime",
        )
        by_meter = defaultdict(list)
        review = set()
        for read in reads:
            if read.state == "to_review":
                review.add((read.meter_id.id, read.account_id.id))
            else:
                by_meter[read.meter_id.id].append(read)
        # A meter changed out in the period: the old meter's reads (its final read)
        # are billed with the service's new meter, so that nothing is lost.
        current = {
            (service.account_id.id, service.service_type_id.id): service.meter_id.id
            for service in self.account_id.service_ids
            if service.meter_id
        }
        replaced = Read.search(
            [
                ("account_id", "in", self.account_id.ids),
                ("meter_id", "not in", meters.ids),
                ("read_date", ">=", run.period_start),
                ("read_date", "<=", run.period_end),
                ("state", "in", ("valid", "to_review")),
                ("billed_move_id", "=", False),
            ],
            order="read_datetime",
        )
        for read in replaced:
            meter_id = current.get((read.account_id.id, read.service_type_id.id))
            if not meter_id:
                continue
            if read.state == "to_review":
                review.add((meter_id, read.account_id.id))
            else:
                by_meter[meter_id].append(read)
        if replaced:
            for meter_reads in by_meter.values():
                meter_reads.sort(key=lambda r: (r.read_datetime, r.id))
        return by_meter, review

    def _fetch_winter_averages(self, services, run):
        """{account_id: monthly winter average water use} for winter-average rates.

        Move-in and meter installation reads (``initial``) measure no use of the
        customer: a month with only such a read is no month of winter use.
        """
        components = services.rate_schedule_id.component_ids.filtered(
            lambda c: c.component_type == "winter_average"
        )
        if not components:
            return {}
        accounts = services.filtered(
            lambda s: s.rate_schedule_id.component_ids & components
        ).account_id
        months = set()
        for component in components:
            months |= parse_months(component.winter_months)
        since = run.period_start - relativedelta(months=12)
        self.env["utility.meter.read"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT account_id, date_trunc('month', read_date)::date,
                          sum(consumption)
                     FROM utility_meter_read
                    WHERE account_id = ANY(%s) AND state IN ('valid', 'billed')
                      AND read_type != 'initial'
                      AND read_date >= %s AND read_date < %s
                      AND EXTRACT(MONTH FROM read_date)::int = ANY(%s)
                 GROUP BY 1, 2""",
                accounts.ids,
                since,
                run.period_start,
                sorted(months),
            )
        )
        totals = defaultdict(list)
        for account_id, _month, total in self.env.cr.fetchall():
            totals[account_id].append(total)
        return {account_id: sum(v) / len(v) for account_id, v in totals.items()}

    def _rate_account(self, reads_by_meter, review_meters, winter, versions_cache=None):
        """Return (hold_reason, charges, ctx) for this line's account.

        ``versions_cache``: a dict shared by the lines of a batch, in which the
        rates keep the versions in effect (see ``utility.rate.schedule._rate``).
        """
        self.ensure_one()
        run = self.run_id
        account = self.account_id
        period_days = run._period_days()
        months = MONTHS_PER_FREQUENCY.get(run.cycle_id.frequency, 1)
        date_to = run.period_end
        is_final = (
            account.state == "final"
            and account.end_date
            and account.end_date <= run.period_end
        )
        if is_final:
            date_to = account.end_date
        date_from = max(run.period_start, account.start_date or run.period_start)
        proration = ((date_to - date_from).days + 1) / period_days
        charges, read_ids = [], []
        for service in account.service_ids:
            if service.end_date and service.end_date < date_from:
                continue
            if not service.rate_schedule_id:
                return (
                    self.env._(
                        "%(service)s has no rate", service=service.service_type_id.name
                    ),
                    [],
                    {},
                )
            if service.service_type_id.billing_channel == "tax_roll":
                continue
            consumption, read_date, days = 0.0, date_to, (date_to - date_from).days + 1
            if service.service_type_id.metered:
                meter = service.meter_id
                if not meter:
                    return (
                        self.env._(
                            "%(service)s has no meter",
                            service=service.service_type_id.name,
                        ),
                        [],
                        {},
                    )
                if (meter.id, account.id) in review_meters:
                    return (
                        self.env._(
                            "Meter %(serial)s has a read to review", serial=meter.serial
                        ),
                        [],
                        {},
                    )
                # Only this account's reads: after a move-out and a move-in in
                # the period, the meter's other reads are the other account's.
                reads = [
                    r
                    for r in reads_by_meter.get(meter.id, [])
                    if r.account_id == account
                ]
                if not reads:
                    return (
                        self.env._(
                            "No valid read of meter %(serial)s in the period",
                            serial=meter.serial,
                        ),
                        [],
                        {},
                    )
                consumption = sum(r.consumption for r in reads)
                read_date = reads[-1].read_date
                days = sum(r.days for r in reads) or days
                read_ids += [r.id for r in reads]
            ctx = {
                "date_from": date_from,
                "date_to": date_to,
                "period_days": period_days,
                "days": days,
                "months": months,
                "consumption": consumption,
                "read_date": read_date,
                "meter_size": (service.meter_id or account.meter_ids[:1]).size,
                "living_units": account.premise_id.living_units,
                "winter_average": winter.get(account.id),
                "versions_cache": versions_cache,
                "proration": proration if (is_final or proration < 1) else 1.0,
            }
            try:
                rated = service.rate_schedule_id._rate(ctx)
            except UserError as exc:
                # A rate that cannot price this account (a meter size missing
                # from its table, no version in effect) holds the account, not
                # the run.
                return (
                    self.env._(
                        "Account %(account)s, meter %(meter)s: %(error)s",
                        account=account.name,
                        meter=(service.meter_id or account.meter_ids[:1]).serial or "-",
                        error=exc.args[0],
                    ),
                    [],
                    {},
                )
            for charge in rated:
                charge["service"] = service
                charges.append(charge)
        return (
            False,
            charges,
            {
                "is_final": bool(is_final),
                "read_ids": read_ids,
                "date_from": date_from,
                "date_to": date_to,
            },
        )

    def _prepare_invoice_vals(self, charges, ctx):
        """Values of the account's invoice: one line per charge (per tier for tiers)."""
        self.ensure_one()
        run = self.run_id
        account = self.account_id
        lines = []
        for charge in charges:
            lines.append(Command.create(self._prepare_invoice_line_vals(charge)))
        return {
            "move_type": "out_invoice",
            "partner_id": account.partner_id.id,
            "journal_id": run.journal_id.id,
            "invoice_date": run.bill_date,
            "date": run.bill_date,
            "invoice_date_due": run.due_date,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "currency_id": run.currency_id.id,
            "company_id": run.company_id.id,
            "invoice_origin": run.name,
            "payment_reference": account.name,
            "ref": account.name,
            "utility_account_id": account.id,
            "utility_billing_run_id": run.id,
            "utility_period_start": run.period_start,
            "utility_period_end": ctx["date_to"],
            "utility_is_final": ctx["is_final"],
            "invoice_line_ids": lines,
        }

    def _prepare_invoice_line_vals(self, charge):
        product = charge["product"]
        account = self.account_id
        taxes = product.taxes_id.filtered(
            lambda t: t.company_id == self.run_id.company_id
        )
        if account.uut_exempt:
            taxes = self.env["account.tax"]
        income = product._utility_income_account(self.run_id.company_id)
        name = charge["name"]
        quantity = charge["quantity"]
        price_unit = charge["price_unit"]
        precision = self.env["decimal.precision"].precision_get
        if float_round(quantity, precision("Product Unit of Measure")) != quantity:
            # A prorated share (or a fraction of a unit) the invoice line would
            # round away: bill its amount as one charge, showing the share.
            share = f"{quantity:g}"
            price_text = f"{price_unit:.{precision('Product Price')}f}"
            name = self.env._(
                "%(name)s (%(quantity)s x %(price)s)",
                name=name,
                quantity=share,
                price=price_text,
            )
            price_unit = self.run_id.currency_id.round(quantity * price_unit)
            quantity = 1.0
        return {
            "product_id": product.id,
            "name": name,
            "quantity": quantity,
            "price_unit": price_unit,
            "account_id": income.id,
            "tax_ids": [Command.set(taxes.ids)],
            "product_uom_id": product.uom_id.id,
            "utility_service_type_id": charge["service"].service_type_id.id,
        }

    # ------------------------------------------------------------
    # Post
    # ------------------------------------------------------------

    def _post_bills(self):
        moves = self.move_id.filtered(lambda m: m.state == "draft")
        if moves:
            # Without chatter tracking, as the drafts were created: the run's
            # chatter records the posting. Tracking would cost each bill a
            # write with fields_get and a message.
            ctx = {"tracking_disable": True}
            if all(moves.mapped("invoice_date")):
                # Nor synchronising the tax and payment term lines again, as
                # Odoo's point of sale posts its invoices: they were when the
                # draft was created or edited, and posting a bill dated changes
                # nothing they derive from. Synchronising costs each bill the
                # reading of all its lines again (half the time of posting).
                ctx["skip_invoice_sync"] = True
            # The taxes of the lines, which posting reads bill by bill: read for
            # the batch at once (one query rather than one a bill).
            moves.line_ids.fetch(["tax_ids"])
            moves.with_context(**ctx)._post(soft=False)
        posted = self.filtered(lambda ln: ln.move_id.state == "posted")
        posted.write({"state": "posted"})
        # Reads of posted bills are billed.
        self.env["utility.meter.read"].flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE utility_meter_read SET state = 'billed'
                    WHERE billed_move_id = ANY(%s) AND state = 'valid'""",
                posted.move_id.ids,
            )
        )
        self.env["utility.meter.read"].invalidate_model(["state"])
        for line in posted.filtered("is_final"):
            line.account_id._apply_deposit_to_final_bill(line.move_id)
