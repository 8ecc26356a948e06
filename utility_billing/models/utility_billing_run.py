# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing runs: the run itself (fields, controls, the compute/post/cancel
actions, bill numbering). The batch processing and its scheduled action live
in utility_billing_run_batch.py; the accounts of a run and the rating
pipeline in utility_billing_run_line.py."""

import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import numbering, odoo_sql
from ..tools.workflow import check_protected, workflow
from .utility_rate_schedule import MONTHS_PER_FREQUENCY

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

    The accounts and how they are rated: ``utility.billing.run.line``
    (``utility_billing_run_line.py``). This file (about 650 lines) keeps the
    run's workflow, its batches and crons together: they share the states.
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
        """The number sequence of the run's journal (created on first use):
        see ``account.journal._utility_bill_sequence``."""
        self.ensure_one()
        return self.journal_id._utility_bill_sequence()

    def _allocate_bill_names(self, count):
        """``count`` bill numbers of the run's journal, from its bills' sequence
        (see ``tools/numbering.py``). The year in the numbers is the bill
        date's, not today's (a run billing December on January 2 numbers its
        bills in December's year)."""
        return numbering.allocate_names(
            self._bill_sequence(), self.journal_id, count, self.bill_date
        )

    def _skip_numbers_taken(self, sequence, journal=None):
        """Move ``sequence`` past the numbers taken in ``journal`` (the run's by
        default): see ``tools/numbering.py``, which all numbering goes through."""
        numbering.skip_numbers_taken(sequence, journal or self.journal_id)

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
        odoo_sql.account_move_settle_run_sequence_gaps(self.env, self.id)

    def _can_commit(self):
        """Whether the cron may commit between batches (not while testing)."""
        return self.env["account.move"]._can_commit()

    def _period_days(self):
        return (self.period_end - self.period_start).days + 1
