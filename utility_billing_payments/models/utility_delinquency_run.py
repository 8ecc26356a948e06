# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delinquency run (``utility.delinquency.run``): the record, its states and
actions, its batches (keyset position, failures and retries) and the daily
scheduled action.

Its other concerns are sibling ``_inherit`` files: planning a batch's steps
(``utility_delinquency_run_plan.py``), creating them
(``utility_delinquency_run_apply.py``), the letters and the summary
(``utility_delinquency_run_letters.py``), an account that fails
(``utility_delinquency_run_failures.py``); the demo timeline is in
``demo_tools/delinquency.py``.
"""

import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.controls import (
    check_company,
    check_protected_create,
    check_protected_write,
    check_role,
)

# Server code that leaves the letters' PDF to the printing (the demo, the
# benchmark) opens this door; a context key would let any caller skip it.
NO_PDF_DOOR = "utility.delinquency.run.no_pdf"

_logger = logging.getLogger(__name__)

# The notices that carry the account's shut-off date.
DATED_KINDS = ("final", "shutoff", "door_hanger")

BATCH_SIZE = 500
CRON_TIME_BUDGET = 600  # seconds a cron call works before handing over
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
}
# The run's state, position and results: written by the run only (door
# "utility.delinquency.run"; the run works as superuser after its role check).
RUN_STATE_FIELDS = (
    "state",
    "last_account_id",
    "account_count",
    "batch_count",
    "notice_count",
    "penalty_count",
    "penalty_amount",
    "waiver_count",
    "shutoff_eligible_count",
    "shutoff_blocked_count",
    "plan_broken_count",
    "log",
    "shutoff_list_id",
    "letters_attachment_id",
    "started_at",
    "finished_at",
)
RUN_PROTECTED_FIELDS = ("date", "company_id", *RUN_STATE_FIELDS)


class UtilityDelinquencyRun(models.Model):
    """The daily delinquency run of a company for a date.

    Moves every delinquent account to the step its oldest delinquent bill has
    reached: a late penalty once per bill, each notice once per bill, the
    shut-off list. Works by batches of accounts (keyset on the account id, the
    position kept on the run), so that a run interrupted or split across cron
    calls continues where it stopped. Running it again for the same date
    changes nothing: what was done is recorded per (bill, step) in
    ``utility.delinquency.event`` (unique), penalties per bill and notices per
    (bill, kind) are also unique in the database.
    """

    _name = "utility.delinquency.run"
    _description = "Utility Delinquency Run"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, readonly=True, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    last_account_id = fields.Integer(
        aggregator=None,
        readonly=True,
        help="Accounts up to this id are processed (batch position).",
    )
    account_count = fields.Integer(string="Accounts Processed", readonly=True)
    batch_count = fields.Integer(string="Batches", readonly=True)
    notice_count = fields.Integer(string="Notices", readonly=True)
    penalty_count = fields.Integer(string="Penalties", readonly=True)
    penalty_amount = fields.Monetary(string="Penalties Charged", readonly=True)
    waiver_count = fields.Integer(string="Penalties Waived", readonly=True)
    shutoff_eligible_count = fields.Integer(string="To Shut Off", readonly=True)
    shutoff_blocked_count = fields.Integer(string="Shut-off Blocked", readonly=True)
    plan_broken_count = fields.Integer(string="Plans Broken", readonly=True)
    log = fields.Text(readonly=True)
    event_ids = fields.One2many("utility.delinquency.event", "run_id", string="Steps")
    notice_ids = fields.One2many("utility.notice", "delinquency_run_id")
    shutoff_list_id = fields.Many2one(
        "utility.shutoff.list", readonly=True, check_company=True
    )
    letters_attachment_id = fields.Many2one(
        "ir.attachment", string="Letters (PDF)", readonly=True
    )
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    failure_ids = fields.One2many(
        "utility.delinquency.failure",
        "run_id",
        string="Failures",
        readonly=True,
        groups="utility_billing.group_csr_2",
    )
    failure_count = fields.Integer(
        string="Failures to Retry", compute="_compute_failure_count"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "date_company_uniq",
            "unique(date, company_id)",
            "There is one delinquency run per company and date.",
        ),
    ]

    def _compute_failure_count(self):
        for run in self:
            run.failure_count = len(
                run.sudo().failure_ids.filtered(lambda f: f.state == "open")
            )

    @api.depends("date")
    def _compute_name(self):
        for run in self:
            run.name = self.env._("Delinquency run %(date)s", date=run.date or "")

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            RUN_STATE_FIELDS,
            "utility.delinquency.run",
            defaults={"state": "draft"},
            message=self.env._(
                "Delinquency runs are made by the daily run or by Collections > "
                "Run Delinquency Steps."
            ),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self, vals, RUN_PROTECTED_FIELDS, "utility.delinquency.run"
        )
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_run(self):
        """Process the whole run now (CSR II). The role and the company are
        checked as the user; the steps (penalty invoices, notices, shut-off
        lists) are then taken with the rights they need (``sudo``: the user
        stays the author)."""
        self._check_can_run()
        check_company(self)
        for run in self.sudo():
            run._run_all()
        return True

    def _run_all(self):
        self.ensure_one()
        self._start()
        while self._process_batch():
            pass
        self._finish()

    def action_view_notices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_notice_action"
        )
        action["domain"] = [("delinquency_run_id", "=", self.id)]
        return action

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing_payments.utility_delinquency_event_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def action_view_shutoff_list(self):
        self.ensure_one()
        if not self.shutoff_list_id:
            raise UserError(self.env._("This run put no account on a shut-off list."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.shutoff.list",
            "res_id": self.shutoff_list_id.id,
            "view_mode": "form",
        }

    def action_print_letters(self):
        self.ensure_one()
        letters = self.notice_ids.filtered(lambda n: n.channel == "letter")
        if not letters:
            raise UserError(self.env._("This run has no letter to print."))
        letters = self.env["utility.notice"]._dlq_letters_in_walk_order(letters)
        return self.env.ref(
            "utility_billing_payments.action_report_utility_notice_batch"
        ).report_action(letters)

    def action_print_summary(self):
        return self.env.ref(
            "utility_billing_payments.action_report_utility_delinquency_summary"
        ).report_action(self)

    def _check_can_run(self):
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Only a Customer Service Representative II runs the delinquency steps."
            ),
        )

    # ------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------

    @api.model
    def _get_or_create(self, company, date):
        run = self.search(
            [("company_id", "=", company.id), ("date", "=", date)], limit=1
        )
        return run or self.create({"company_id": company.id, "date": date})

    def _as_worker(self):
        """The run as its batches work on it: superuser (penalty invoices,
        notices, protected fields), after the role check of a user calling
        them; None when already so."""
        if self.env.su:
            return None
        self._check_can_run()
        check_company(self)
        return self.sudo()

    def _start(self):
        """(Re)start the run from the first account; payment plans are checked
        first (a broken plan resumes its account's steps)."""
        self.ensure_one()
        worker = self._as_worker()
        if worker:
            return worker._start()
        self._check_latest_date()
        # Running a date again: the counts of the pass start again (notices,
        # penalties and plans broken count what is new: nothing is done twice).
        self.write(
            {
                "state": "running",
                "last_account_id": 0,
                "account_count": 0,
                "batch_count": 0,
                "shutoff_eligible_count": 0,
                "shutoff_blocked_count": 0,
                "started_at": fields.Datetime.now(),
                "finished_at": False,
            }
        )
        broken = self.env["utility.payment.plan"]._dlq_check_plans(
            self.company_id, self.date, run=self
        )
        if broken:
            self.plan_broken_count += len(broken)

    def _later_run(self):
        """The company's latest run after this one's date that did something."""
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("date", ">", self.date),
                ("state", "!=", "draft"),
            ],
            order="date desc",
            limit=1,
        )

    def _check_latest_date(self):
        """Refuse to run a date before the company's latest run: it would undo
        or redo what the later date did (idempotent by date)."""
        self.ensure_one()
        later = self._later_run()
        if later:
            raise UserError(
                self.env._(
                    "The delinquency steps of %(date)s cannot be run: the run of "
                    "%(later)s was made after it, and running an earlier date would "
                    "change what that run did. Run %(later)s or a later date; "
                    "running a date again takes no step twice.",
                    date=self.date,
                    later=later.date,
                )
            )

    def _fetch_candidates(self, limit, account_ids=None):
        """[(account id, past due, balance)] of the next ``limit`` accounts with
        an amount past due on the run's date, by account id (among
        ``account_ids`` when given, from the first)."""
        self.ensure_one()
        self.env["account.move.line"].flush_model()
        self.env["utility.account"].flush_model(["collection_state", "state"])
        self.env.cr.execute(
            SQL(
                """SELECT l.utility_account_id,
                          sum(l.amount_residual) FILTER (
                              WHERE l.amount_residual > 0
                                AND l.date_maturity < %(date)s) AS past_due,
                          sum(l.amount_residual) AS balance
                     FROM account_move_line l
                     JOIN account_account aa ON aa.id = l.account_id
                     JOIN utility_account ua ON ua.id = l.utility_account_id
                     JOIN account_move m ON m.id = l.move_id
                    WHERE l.company_id = %(company)s
                      -- a deposit is not a bill for service: not delinquency
                      AND m.utility_deposit_kind IS NULL
                      AND l.utility_account_id > %(last)s
                      %(only)s
                      AND l.parent_state = 'posted'
                      AND aa.account_type = 'asset_receivable'
                      AND NOT l.reconciled
                      AND ua.collection_state != 'written_off'
                      AND ua.state IN ('active', 'final', 'closed')
                 GROUP BY l.utility_account_id
                   HAVING sum(l.amount_residual) FILTER (
                              WHERE l.amount_residual > 0
                                AND l.date_maturity < %(date)s) > 0
                 ORDER BY l.utility_account_id
                    LIMIT %(limit)s""",
                date=self.date,
                company=self.company_id.id,
                last=0 if account_ids else self.last_account_id,
                only=SQL("AND l.utility_account_id = ANY(%s)", list(account_ids))
                if account_ids
                else SQL(),
                limit=limit,
            )
        )
        return self.env.cr.fetchall()

    def _process_batch(self, batch_size=BATCH_SIZE):
        """Process the next batch of accounts; return True while work remains."""
        self.ensure_one()
        worker = self._as_worker()
        if worker:
            return worker._process_batch(batch_size)
        rows = self._fetch_candidates(batch_size)
        if not rows:
            return False
        stats = self._process_rows_safely(rows)
        self.write(
            {
                "last_account_id": rows[-1][0],
                "account_count": self.account_count + len(rows),
                "batch_count": self.batch_count + 1,
                "notice_count": self.notice_count + stats["notices"],
                "penalty_count": self.penalty_count + stats["penalties"],
                "penalty_amount": self.penalty_amount + stats["penalty_amount"],
                "waiver_count": self.waiver_count + stats["waivers"],
                "shutoff_eligible_count": self.shutoff_eligible_count
                + stats["eligible"],
                "shutoff_blocked_count": self.shutoff_blocked_count + stats["blocked"],
            }
        )
        return len(rows) == batch_size

    def _finish(self):
        """Reset the accounts no longer delinquent, send the letters of the run
        (one PDF in walk order) and record the summary."""
        self.ensure_one()
        worker = self._as_worker()
        if worker:
            return worker._finish()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE utility_account
                      SET dlq_step_id = NULL, dlq_bill_id = NULL, dlq_amount = 0,
                          dlq_step_date = NULL
                    WHERE company_id = %s AND dlq_step_id IS NOT NULL
                      AND (dlq_run_date IS NULL OR dlq_run_date != %s)""",
                self.company_id.id,
                self.date,
            )
        )
        # The delinquency of an account the run did not find delinquent ended:
        # its shut-off date goes (not for an account that failed: its
        # delinquency was not checked).
        self.env.cr.execute(
            SQL(
                """UPDATE utility_account
                      SET dlq_shutoff_date = NULL
                    WHERE company_id = %(company)s
                      AND dlq_shutoff_date IS NOT NULL
                      AND (dlq_run_date IS NULL OR dlq_run_date != %(date)s)
                      AND id NOT IN (
                          SELECT account_id FROM utility_delinquency_failure
                           WHERE run_id = %(run)s AND state = 'open')""",
                company=self.company_id.id,
                date=self.date,
                run=self.id,
            )
        )
        self.env["utility.account"].invalidate_model(
            [
                "dlq_step_id",
                "dlq_bill_id",
                "dlq_amount",
                "dlq_step_date",
                "dlq_shutoff_date",
            ]
        )
        self._send_letters()
        self.write({"state": "done", "finished_at": fields.Datetime.now()})
        self.log = self._summary_text()
        self.message_post(body=self.log)

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_daily(self, time_budget=CRON_TIME_BUDGET):
        """Scheduled action: today's run of every company with a policy, batch by
        batch, each batch its own transaction; another call is triggered while
        work remains."""
        started = time.monotonic()
        can_commit = self.env["account.move"]._can_commit()
        companies = self.env["utility.delinquency.policy"].search([]).company_id
        done = remaining = 0
        for company in companies:
            # Today in the utility's time zone, not the cron user's.
            today = company._utility_today()
            # Scheduled: the run works as superuser whatever the cron's user.
            run = self.sudo().with_company(company)._get_or_create(company, today)
            if run.state == "done":
                continue
            if run._later_run():
                _logger.warning(
                    "Delinquency run of %s (company %s) not run: a later date was.",
                    today,
                    company.id,
                )
                continue
            if run.state == "draft":
                run._start()
            while True:
                more = run._process_batch()
                done += 1
                if can_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if not more:
                    run._finish()
                    if can_commit:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                    break
                if time.monotonic() - started > time_budget:
                    remaining += 1
                    break
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            self.env.ref(
                "utility_billing_payments.ir_cron_delinquency_daily"
            )._trigger()

    # ------------------------------------------------------------
    # Demo data (the generators are in demo_tools/delinquency.py)
    # ------------------------------------------------------------

    @api.model
    def _demo_today(self):
        # Imported here: the generator imports this module's constants.
        from ..demo_tools import delinquency

        return delinquency.demo_today(self)

    @api.model
    def _demo_timeline(self):
        from ..demo_tools import delinquency

        return delinquency.demo_timeline(self)
