# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from collections import defaultdict
from datetime import timedelta

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, clean_context, float_compare
from odoo.tools.pdf import merge_pdf

from odoo.addons.utility_billing.tools import numbering
from odoo.addons.utility_billing.tools.workflow import in_workflow, workflow

from ..tools.controls import (
    check_company,
    check_protected_create,
    check_protected_write,
    check_role,
)
from .utility_account_delinquency import DOOR_HANGER_DAYS, SHUTOFF_DAYS_SB998
from .utility_delinquency_policy import NOTICE_KIND_BY_ACTION
from .utility_notice_delinquency import SAFEGUARD_NOTICE_DOMAIN

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
FAILURE_FIELDS = ("run_id", "account_id", "stage", "message", "state")
EVENT_FIELDS = (
    "run_id",
    "account_id",
    "bill_id",
    "step_id",
    "date",
    "amount",
    "waived",
    "notice_id",
    "penalty_move_id",
    "company_id",
)


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

    def _process_rows_safely(self, rows):
        """Process ``rows``; when the batch fails, account by account, each
        failure recorded on its account and the run (one bad account does not
        stop the others)."""
        try:
            with self.env.cr.savepoint():
                return self._process_accounts(rows)
        except psycopg2.OperationalError:
            raise  # concurrency: the whole batch is tried again
        except Exception as error:  # pylint: disable=broad-except
            if len(rows) == 1:
                self._record_failure(rows[0][0], "steps", error)
                return defaultdict(int)
            _logger.warning(
                "Delinquency run %s: batch failed (%s), account by account",
                self.id,
                error,
            )
        stats = defaultdict(int)
        for row in rows:
            try:
                with self.env.cr.savepoint():
                    done = self._process_accounts([row])
            except psycopg2.OperationalError:
                raise
            except Exception as error:  # pylint: disable=broad-except
                self._record_failure(row[0], "steps", error)
                continue
            for key, value in done.items():
                stats[key] += value
        return stats

    @api.model
    def _error_message(self, error):
        if isinstance(error, UserError) and error.args:
            return str(error.args[0])
        return f"{type(error).__name__}: {error}"

    def _record_failure(self, account_id, stage, error):
        """Record a failure on the account (chatter) and on the run."""
        self.ensure_one()
        message = self._error_message(error)
        _logger.warning(
            "Delinquency run %s, account %s (%s): %s",
            self.id,
            account_id,
            stage,
            message,
        )
        failure = self.env["utility.delinquency.failure"].create(
            {
                "run_id": self.id,
                "account_id": account_id,
                "stage": stage,
                "message": message,
            }
        )
        failure.account_id.message_post(
            body=self.env._(
                "Delinquency run of %(date)s failed on this account (%(stage)s): "
                "%(error)s",
                date=self.date,
                stage=failure._stage_label(),
                error=message,
            )
        )
        return failure

    def action_retry_failures(self):
        """Retry the failures of the run (CSR II): the steps of the account or
        its letters; those that fail again stay open with the new error."""
        self._check_can_run()
        check_company(self)
        for run in self.sudo():
            run._retry_failures()
        return True

    def _retry_failures(self):
        self.ensure_one()
        for failure in self.failure_ids.filtered(lambda f: f.state == "open"):
            account = failure.account_id
            try:
                with self.env.cr.savepoint():
                    if failure.stage == "steps":
                        self._check_latest_date()
                        rows = self._fetch_candidates(1, account_ids=account.ids)
                        if rows:
                            self._process_accounts(rows)
                    else:
                        letters = self._draft_letters(account)
                        if letters:
                            self._send_letters_of(letters, retry=True)
            except psycopg2.OperationalError:
                raise
            except Exception as error:  # pylint: disable=broad-except
                failure.write({"message": self._error_message(error)})
                continue
            failure.write({"state": "resolved"})
            account.message_post(
                body=self.env._(
                    "Delinquency run of %(date)s retried on this account: done.",
                    date=self.date,
                )
            )
        self.log = self._summary_text()

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

    def _send_letters(self):
        """The letters of the run not sent yet: one PDF in walk order (for the mail
        room), attached to the run; the notices are then sent."""
        self.ensure_one()
        letters = self.env["utility.notice"].search(
            [
                ("delinquency_run_id", "=", self.id),
                ("channel", "=", "letter"),
                ("state", "=", "draft"),
            ]
        )
        if letters:
            self._send_letters_of(letters)

    def _draft_letters(self, account):
        return self.env["utility.notice"].search(
            [
                ("delinquency_run_id", "=", self.id),
                ("account_id", "=", account.id),
                ("channel", "=", "letter"),
                ("state", "=", "draft"),
            ]
        )

    def _render_letters(self, letters):
        report = self.env.ref(
            "utility_billing_payments.action_report_utility_notice_batch"
        )
        content, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            report, res_ids=letters.ids
        )
        if not content:
            raise UserError(self.env._("The PDF engine returned an empty file."))
        return content

    def _send_letters_of(self, letters, retry=False):
        """Render ``letters`` (one PDF in walk order), attach it to the run and
        send them. When the PDF of the batch fails, each account's letters are
        rendered on their own: the failures are recorded on their account and
        those letters stay to retry; the others go."""
        letters = self.env["utility.notice"]._dlq_letters_in_walk_order(letters)
        content = None
        if not in_workflow(NO_PDF_DOOR):
            try:
                content = self._render_letters(letters)
            except Exception as error:  # pylint: disable=broad-except
                if retry:
                    raise
                no_engine = (
                    isinstance(error, UserError)
                    and "wkhtmltopdf" in self._error_message(error).lower()
                )
                if no_engine:
                    # No PDF engine on this server: the letters are printed
                    # from the run (Print Letters) where one is.
                    _logger.warning("Delinquency letters not rendered: %s", error)
                else:
                    content, letters = self._render_letters_by_account(letters)
        if content:
            name = (
                self.env._(
                    "Delinquency letters %(date)s, retried (%(count)s).pdf",
                    date=self.date,
                    count=len(letters),
                )
                if retry
                else self.env._(
                    "Delinquency letters %(date)s (%(count)s).pdf",
                    date=self.date,
                    count=len(letters),
                )
            )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
            if not retry:
                self.letters_attachment_id = attachment
            letters.write({"document_id": attachment.id})
        letters.write({"state": "sent"})

    def _render_letters_by_account(self, letters):
        """(PDF, letters rendered) rendering each account's letters on its own;
        the accounts whose letters fail are recorded and left out."""
        parts = []
        rendered = self.env["utility.notice"]
        accounts = []
        for letter in letters:
            if letter.account_id not in accounts:
                accounts.append(letter.account_id)
        for account in accounts:
            mine = letters.filtered(lambda n, a=account: n.account_id == a)
            try:
                parts.append(self._render_letters(mine))
            except Exception as error:  # pylint: disable=broad-except
                self._record_failure(account.id, "letter", error)
                continue
            rendered |= mine
        content = None
        if len(parts) == 1:
            content = parts[0]
        elif parts:
            content = merge_pdf(parts)
        return content, rendered

    def _summary_text(self):
        self.ensure_one()
        text = self._summary_counts_text()
        failures = self.failure_ids.filtered(lambda f: f.state == "open")
        if failures:
            text += "\n" + self.env._(
                "%(count)s accounts failed (to retry):", count=len(failures)
            )
            for failure in failures:
                text += f"\n- {failure.account_id.name} ({failure._stage_label()}): "
                text += failure.message or ""
        return text

    def _summary_counts_text(self):
        self.ensure_one()
        return self.env._(
            "%(accounts)s delinquent accounts processed in %(batches)s batches: "
            "%(penalties)s penalties (%(amount)s), %(waived)s waived; %(notices)s "
            "notices; shut-off list: %(eligible)s to shut off, %(blocked)s blocked; "
            "%(broken)s payment plans broken.",
            accounts=self.account_count,
            batches=self.batch_count,
            penalties=self.penalty_count,
            amount=self.currency_id.format(self.penalty_amount),
            waived=self.waiver_count,
            notices=self.notice_count,
            eligible=self.shutoff_eligible_count,
            blocked=self.shutoff_blocked_count,
            broken=self.plan_broken_count,
        )

    def _summary_by_step(self):
        """[(step label, accounts, amount past due)] of the accounts as this run
        left them (the daily delinquency summary)."""
        self.ensure_one()
        groups = self.env["utility.account"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("dlq_run_date", "=", self.date),
                ("dlq_step_id", "!=", False),
            ],
            ["dlq_step_id"],
            ["__count", "dlq_amount:sum"],
        )
        rows = [(step, count, amount) for step, count, amount in groups]
        rows.sort(key=lambda r: (r[0].policy_id.sequence, r[0].days, r[0].id))
        return [
            (
                f"{step.policy_id.name}: {step.name} ({step.days})",
                count,
                amount,
            )
            for step, count, amount in rows
        ]

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
    # Processing a batch
    # ------------------------------------------------------------

    def _process_accounts(self, rows):
        """Take the steps due for the accounts ``rows`` ([(id, past due,
        balance)]) on the run's date. A constant number of queries per batch,
        plus those of each record created."""
        self.ensure_one()
        # Business days come from the company's cached business calendar: no
        # query per account.
        env = self.with_context(clean_context(self.env.context), **QUIET_CONTEXT).env
        batch = self._prefetch_batch(env, rows)
        out = {
            "penalty_vals": [],
            "penalty_events": [],
            "notice_vals": [],
            "notice_events": [],
            "event_vals": [],
            "list_candidates": [],  # (account, policy, info, amount)
            "account_rows": [],  # (id, step id, bill id, amount)
            "shutoff_dates": {},  # {account id: shut-off date its notices print}
            "waived": [],
            "stats": defaultdict(float),
        }
        for account in batch["accounts"]:
            self._plan_account(account, batch, out)
        return self._apply_batch(env, out)

    def _prefetch_batch(self, env, rows):
        """What the steps of the batch need, read with a few queries."""
        date = self.date
        company = self.company_id.with_env(env)
        accounts = env["utility.account"].browse([r[0] for r in rows])
        accounts.fetch(
            [
                "customer_class",
                "partner_id",
                "premise_id",
                "state",
                "low_income",
                "medical_certification",
                "plan_willing",
                "appeal_pending",
                "interest_waiver_date",
                "disconnected",
                "payment_plan_id",
                "company_id",
                "lang",
                "paperless",
                "dlq_shutoff_date",
            ]
        )
        accounts.partner_id.fetch(["street", "zip", "email", "lang"])
        accounts.premise_id.fetch(
            ["street", "zip", "route_id", "sequence", "living_units", "customer_class"]
        )
        accounts.service_ids.fetch(["service_type_id", "end_date"])
        policies = env["utility.delinquency.policy"]._get_policy_by_class(company)
        ids = accounts.ids
        lines = env["account.move.line"].search(
            [
                ("utility_account_id", "in", ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", date),
                ("move_id.move_type", "=", "out_invoice"),
                ("move_id.utility_deposit_kind", "=", False),
            ],
            order="date_maturity, id",
        )
        lines.fetch(["move_id", "amount_residual", "date_maturity"])
        lines.move_id.fetch(
            [
                "utility_penalty_bill_id",
                "utility_reconnect_fee_capped",
                "name",
                "utility_account_id",
            ]
        )
        lines_by_account = defaultdict(list)
        for line in lines:
            lines_by_account[line.move_id.utility_account_id.id].append(line)
        covered = defaultdict(set)
        for plan in env["utility.payment.plan"].search(
            [("account_id", "in", ids), ("state", "=", "active")]
        ):
            covered[plan.account_id.id].update(plan.move_ids.ids)
        events = env["utility.delinquency.event"].search_fetch(
            [("account_id", "in", ids)],
            ["account_id", "bill_id", "step_id", "action", "date"],
        )
        # Accounts that took a step (notice, list) on the run's date, whoever
        # ran it: at most one step per account and date.
        stepped = {
            e.account_id.id for e in events if e.date == date and e.action != "penalty"
        }
        notice_dates = defaultdict(dict)
        for notice in env["utility.notice"].search_fetch(
            [
                ("account_id", "in", ids),
                ("kind", "in", ("shutoff", "plan_broken")),
                *SAFEGUARD_NOTICE_DOMAIN,
                ("state", "=", "sent"),
                ("date", "<=", date),
            ],
            ["account_id", "kind", "date", "occupant"],
        ):
            if notice.occupant:
                key = "occupant_notice_date"
            elif notice.kind == "shutoff":
                key = "shutoff_notice_date"
            else:
                key = "plan_broken_date"
            current = notice_dates[notice.account_id.id].get(key)
            if not current or notice.date > current:
                notice_dates[notice.account_id.id][key] = notice.date
        open_orders = set(
            env["utility.service.order"]
            .search_fetch(
                [
                    ("account_id", "in", ids),
                    ("order_type", "=", "disconnect"),
                    ("state", "in", ("new", "scheduled")),
                ],
                ["account_id"],
            )
            .account_id.ids
        )
        return {
            "company": company,
            "currency": company.currency_id,
            "accounts": accounts,
            "past_due": {r[0]: max(0.0, min(r[1] or 0.0, r[2] or 0.0)) for r in rows},
            "policies": policies,
            "steps": {p.id: p._get_steps() for p in set(policies.values()) if p},
            "lines": lines_by_account,
            "covered": covered,
            "done": {(e.bill_id.id, e.step_id.id): e.date for e in events},
            "stepped": stepped,
            "notice_dates": notice_dates,
            "open_orders": open_orders,
        }

    def _plan_account(self, account, batch, out):
        """Decide the steps of one account (records are created per batch)."""
        policy = batch["policies"].get(account.customer_class)
        amount = batch["past_due"][account.id]
        currency = batch["currency"]
        if not policy or (
            float_compare(
                amount, policy.minimum_amount, precision_rounding=currency.rounding
            )
            < 0
        ):
            out["account_rows"].append((account.id, None, None, 0.0))
            return
        bills = [
            ln
            for ln in batch["lines"][account.id]
            if ln.move_id.id not in batch["covered"][account.id]
            and not ln.move_id.utility_penalty_bill_id
            # No penalty on a penalty nor on a capped reconnection fee, and no
            # notice of their own (SB 998).
            and not ln.move_id.utility_reconnect_fee_capped
        ]
        if not bills:
            out["account_rows"].append((account.id, None, None, amount))
            return
        steps = batch["steps"][policy.id]
        self._plan_penalties(account, bills, steps, batch, out)
        # Notices and the shut-off list: the oldest delinquent bill, one step
        # a day.
        oldest = bills[0]
        bill = oldest.move_id
        done = batch["done"]
        current = next_step = None
        for step in steps:
            if step.action == "penalty":
                continue
            if (bill.id, step.id) in done:
                current = step
            elif next_step is None:
                next_step = step
        if (
            next_step
            and account.id not in batch["stepped"]
            and next_step.days <= (self.date - oldest.date_maturity).days
        ):
            self._plan_step(
                account,
                next_step,
                oldest,
                amount,
                policy,
                steps,
                out,
                sent={
                    **batch["notice_dates"][account.id],
                    "done": {
                        s.id: done[(bill.id, s.id)]
                        for s in steps
                        if (bill.id, s.id) in done
                    },
                },
            )
            done[(bill.id, next_step.id)] = self.date
            batch["stepped"].add(account.id)
            current = next_step
        reached_list = any(
            done.get((bill.id, s.id), self.date + timedelta(days=1)) <= self.date
            for s in steps
            if s.action == "shutoff_list"
        )
        if (
            reached_list
            and account.state == "active"
            and not account.disconnected
            and account.id not in batch["open_orders"]
        ):
            info = {
                "oldest_due": oldest.date_maturity,
                **batch["notice_dates"][account.id],
            }
            out["list_candidates"].append((account, policy, info, amount))
        out["account_rows"].append(
            (account.id, current.id if current else None, bill.id, amount)
        )

    def _plan_penalties(self, account, bills, steps, batch, out):
        """Each delinquent bill, once per penalty step reached; a low-income
        household's first penalty in 12 months is waived."""
        date = self.date
        currency = batch["currency"]
        waiver = account._dlq_waiver_available(date)
        stats = out["stats"]
        for line in bills:
            days_late = (date - line.date_maturity).days
            for step in steps:
                key = (line.move_id.id, step.id)
                if step.action != "penalty" or step.days > days_late:
                    continue
                if key in batch["done"]:
                    continue
                batch["done"][key] = date
                base = {
                    "run_id": self.id,
                    "account_id": account.id,
                    "bill_id": line.move_id.id,
                    "step_id": step.id,
                    "date": date,
                    "company_id": self.company_id.id,
                }
                if waiver:
                    waiver = False
                    out["waived"].append(account.id)
                    stats["waivers"] += 1
                    out["event_vals"].append({**base, "waived": True, "amount": 0.0})
                    continue
                penalty = step._compute_penalty(line.amount_residual, currency)
                if currency.is_zero(penalty):
                    out["event_vals"].append({**base, "amount": 0.0})
                    continue
                out["penalty_vals"].append(
                    self._prepare_penalty_vals(account, line, step, penalty)
                )
                out["penalty_events"].append({**base, "amount": penalty})
                stats["penalties"] += 1
                stats["penalty_amount"] += penalty

    def _plan_step(self, account, step, oldest, amount, policy, steps, out, sent=None):
        """Take ``step`` on the account today: its event, and its notice (with
        the copy to the occupants for the shut-off notice when due). A notice
        that carries a shut-off date prints the account's date, moved later
        when this notice needs a later one (``sent``: the dates of the notices
        already sent and of the steps already taken, see ``_shutoff_date``)."""
        base = {
            "run_id": self.id,
            "account_id": account.id,
            "bill_id": oldest.move_id.id,
            "step_id": step.id,
            "date": self.date,
            "amount": amount,
            "company_id": self.company_id.id,
        }
        kind = NOTICE_KIND_BY_ACTION.get(step.action)
        if not kind:
            out["event_vals"].append(base)
            return
        occupant_days = account._dlq_occupant_notice_days()
        vals = self._prepare_notice_vals(
            account, kind, step, oldest, amount, policy, steps
        )
        if kind in DATED_KINDS:
            required = self._shutoff_date(
                account, step, oldest, policy, steps, sent or {}, occupant_days
            )
            current = out["shutoff_dates"].get(account.id) or account.dlq_shutoff_date
            shutoff_date = max(current, required) if current else required
            vals["shutoff_date"] = shutoff_date
            out["shutoff_dates"][account.id] = shutoff_date
        out["notice_vals"].append(vals)
        out["notice_events"].append(base)
        if kind == "shutoff" and occupant_days:
            out["notice_vals"].append({**vals, "occupant": True})
            out["notice_events"].append(None)

    def _name_penalties(self, env, vals_list):
        """Penalties posted in a bills journal take their numbers from the
        bills' sequence, as bills and debit notes do
        (``utility_billing/tools/numbering.py``): Odoo's numbering at posting
        would make parallel batches wait on each other and take numbers the
        billing run hands out next."""
        by_journal = defaultdict(list)
        for vals in vals_list:
            by_journal[vals["journal_id"]].append(vals)
        for journal_id, journal_vals in by_journal.items():
            journal = env["account.journal"].browse(journal_id)
            sequence = journal.utility_bill_sequence_id
            if not sequence:
                continue
            names = numbering.allocate_names(
                sequence, journal, len(journal_vals), journal_vals[0]["date"]
            )
            for vals, name in zip(journal_vals, names, strict=True):
                vals["name"] = name

    def _apply_batch(self, env, out):
        """Create what the batch decided: penalty invoices (posted), notices
        (e-mails sent now, letters at the end of the run), the steps taken, the
        shut-off list lines, the accounts' steps."""
        stats = out["stats"]
        event_vals = out["event_vals"]
        if out["penalty_vals"]:
            self._name_penalties(env, out["penalty_vals"])
            moves = env["account.move"].create(out["penalty_vals"])
            moves.with_context(skip_invoice_sync=True)._post(soft=False)
            for event, move in zip(out["penalty_events"], moves, strict=True):
                event["penalty_move_id"] = move.id
            event_vals.extend(out["penalty_events"])
        if out["waived"]:
            env["utility.account"].browse(out["waived"]).write(
                {"interest_waiver_date": self.date}
            )
        if out["notice_vals"]:
            new_notices = env["utility.notice"].create(out["notice_vals"])
            for event, notice in zip(out["notice_events"], new_notices, strict=True):
                if event:
                    event["notice_id"] = notice.id
                    event_vals.append(event)
            emails = new_notices.filtered(lambda n: n.channel == "email")
            if emails:
                emails.action_send()
            stats["notices"] += len(new_notices)
        if event_vals:
            env["utility.delinquency.event"].create(event_vals)
        if out["list_candidates"]:
            eligible, blocked = self._add_to_shutoff_list(out["list_candidates"])
            stats["eligible"] += eligible
            stats["blocked"] += blocked
        self._write_account_steps(out["account_rows"], out["shutoff_dates"])
        for key in ("notices", "penalties", "eligible", "blocked", "waivers"):
            stats[key] = int(stats[key])
        return stats

    def _write_account_steps(self, account_rows, shutoff_dates=None):
        """Record each account's step and amount (one statement per batch), and
        its shut-off date: moved to the date its new notices printed (never
        earlier), cleared when it has no delinquency step (under the minimum,
        or its bills under a payment plan)."""
        shutoff_dates = shutoff_dates or {}
        self.env["utility.account"].flush_model()
        if account_rows:
            ids, steps, bills, amounts = zip(*account_rows, strict=True)
            self.env.cr.execute(
                SQL(
                    """UPDATE utility_account ua
                          SET dlq_step_id = v.step_id, dlq_bill_id = v.bill_id,
                              dlq_amount = v.amount, dlq_run_date = %s::date,
                              dlq_step_date = CASE
                                  WHEN ua.dlq_step_id IS DISTINCT FROM v.step_id
                                  THEN %s::date ELSE ua.dlq_step_date END,
                              dlq_shutoff_date = CASE
                                  WHEN v.step_id IS NULL THEN NULL
                                  ELSE GREATEST(ua.dlq_shutoff_date, v.shutoff_date)
                                  END
                         FROM unnest(%s::int[], %s::int[], %s::int[], %s::numeric[],
                                     %s::date[])
                              AS v(id, step_id, bill_id, amount, shutoff_date)
                        WHERE ua.id = v.id""",
                    self.date,
                    self.date,
                    list(ids),
                    list(steps),
                    list(bills),
                    list(amounts),
                    [shutoff_dates.get(account_id) for account_id in ids],
                )
            )
        self.env["utility.account"].invalidate_model(
            [
                "dlq_step_id",
                "dlq_bill_id",
                "dlq_amount",
                "dlq_run_date",
                "dlq_step_date",
                "dlq_shutoff_date",
            ]
        )

    def _add_to_shutoff_list(self, candidates):
        """Put the accounts on the shut-off list of the run's date, eligible or
        blocked with the reasons; a line already there is checked again."""
        self.ensure_one()
        shutoff = self.shutoff_list_id or self.env[
            "utility.shutoff.list"
        ]._get_for_date(self.company_id, self.date)
        if not self.shutoff_list_id:
            self.shutoff_list_id = shutoff
        if shutoff.state != "draft":
            return 0, 0
        Line = self.env["utility.shutoff.list.line"]
        existing = {
            line.account_id.id: line
            for line in Line.search(
                [
                    ("list_id", "=", shutoff.id),
                    ("account_id", "in", [c[0].id for c in candidates]),
                ]
            )
        }
        create_vals = []
        eligible = blocked = 0
        for account, policy, info, amount in candidates:
            # Checked for the day the list shuts off (a weekend's run fills
            # the next business day's list).
            reasons = account._dlq_block_reasons(shutoff.date, policy, info)
            vals = {
                "state": "blocked" if reasons else "eligible",
                "block_reason": "\n".join(label for _code, label in reasons),
                "amount_past_due": amount,
                "oldest_due_date": info["oldest_due"],
            }
            if reasons:
                blocked += 1
            else:
                eligible += 1
            line = existing.get(account.id)
            if line:
                if line.state in ("eligible", "blocked"):
                    line.write(vals)
            else:
                create_vals.append(
                    {**vals, "list_id": shutoff.id, "account_id": account.id}
                )
        if create_vals:
            Line.create(create_vals)
        return eligible, blocked

    def _prepare_penalty_vals(self, account, line, step, amount):
        company = self.company_id
        product = company._utility_penalty_product()
        bill = line.move_id
        currency = company.currency_id
        # In the account's language, as the bills' lines.
        env = self.with_context(lang=account._utility_label_lang()).env
        if step.penalty_type == "percent":
            label = env._(
                "Late penalty on bill %(bill)s: %(percent)s%% of %(amount)s",
                bill=bill.name,
                percent=format(step.penalty_percent, "g"),
                amount=currency.format(line.amount_residual),
            )
        else:
            label = env._("Late penalty on bill %(bill)s", bill=bill.name)
        return {
            "move_type": "out_invoice",
            "partner_id": account.partner_id.id,
            "journal_id": company._utility_penalty_journal().id,
            "invoice_date": self.date,
            "date": self.date,
            "invoice_date_due": self.date
            + timedelta(days=company.utility_dlq_penalty_due_days),
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "currency_id": currency.id,
            "company_id": company.id,
            "utility_account_id": account.id,
            "utility_penalty_bill_id": bill.id,
            "payment_reference": account.name,
            "ref": bill.name,
            "invoice_origin": bill.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "name": label,
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": product._utility_income_account(company).id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    def _prepare_notice_vals(self, account, kind, step, oldest, amount, policy, steps):
        vals = {
            "account_id": account.id,
            "kind": kind,
            "date": self.date,
            "amount_due": amount,
            "delinquency_run_id": self.id,
            "delinquency_bill_id": oldest.move_id.id,
            "delinquency_step_id": step.id,
            "due_date": oldest.date_maturity,
            "company_id": self.company_id.id,
        }
        return vals

    def _shutoff_date(self, account, step, oldest, policy, steps, sent, occupant_days):
        """The shut-off date the law and the policy allow for the account, when
        ``step`` is taken today: counted once, from the dates of the steps
        taken (``sent``) and, for those to come, the days the policy takes
        them (one step a day at most):

        * the shut-off list step (SB 998: 60 days delinquent at least);
        * the shut-off notice and the policy's business days (SB 998: 7);
        * the door hanger and its 48 hours;
        * the notice to the occupants and its 10 days (7 for a detached
          house, HSC 116916), mailed with the shut-off notice;

        the latest of them, on a business day."""
        company = self.company_id
        due = oldest.date_maturity
        done = sent.get("done", {})
        planned = {}
        day = None
        for other in steps:
            if other.action == "penalty":
                continue
            if other == step:
                day = self.date
            elif other.id in done:
                day = done[other.id]
            elif day is not None:
                day = max(day + timedelta(days=1), due + timedelta(days=other.days))
            else:
                continue
            planned.setdefault(other.action, day)
        candidates = []
        list_day = planned.get("shutoff_list")
        if list_day:
            candidates.append(list_day)
        else:
            candidates.append(due + timedelta(days=SHUTOFF_DAYS_SB998))
        # This delinquency's shut-off notice (a notice of an earlier one, of
        # another bill, does not count when the policy sends one).
        notice_day = planned.get("shutoff_notice") or sent.get("shutoff_notice_date")
        if notice_day:
            candidates.append(
                company._utility_add_business_days(
                    notice_day, policy.shutoff_notice_business_days
                )
            )
        hanger_day = planned.get("door_hanger")
        if hanger_day:
            candidates.append(hanger_day + timedelta(days=DOOR_HANGER_DAYS))
        if occupant_days and notice_day:
            # The occupants' copy is mailed with the shut-off notice.
            candidates.append(notice_day + timedelta(days=occupant_days))
        return company._utility_next_business_day(max(candidates))

    # ------------------------------------------------------------
    # Demo
    # ------------------------------------------------------------

    @api.model
    def _demo_today(self):
        """Demo data: today's daily run, after the timeline, so that every
        past-due account of the demo town is at its delinquency step (late
        notice first) or shows why not (a safeguard, a plan, under the
        policy's minimum), as the office would find it the morning the
        scheduled action has run."""
        company = self.env.company
        if not self.env["utility.delinquency.policy"].search_count(
            [("company_id", "=", company.id)]
        ):
            return False
        run = self._get_or_create(company, company._utility_today())
        if run.state == "done" or run._later_run():
            return False
        # Letters are rendered when printed, not during the install.
        with workflow(NO_PDF_DOOR):
            run._run_all()
        return True

    @api.model
    def _demo_timeline(self):
        """Demo data: three residential accounts with an unpaid bill.

        * the first (bill due 62 days ago) went through the late, final and
          shut-off notices and the door hanger, reached the shut-off list two
          days ago, and the list was confirmed: its disconnect order waits;
        * the second, low income with a medical certification and willing to
          enter a plan, is on the same list, blocked, with its reason;
        * the third has a bill due 3 days ago: run the steps for later dates
          (Collections > Run Delinquency Steps) to watch it go from the late
          notice to the shut-off list.
        """
        env = self.with_context(clean_context(self.env.context), **QUIET_CONTEXT).env
        company = env.company
        candidates = env["utility.account"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "active"),
                ("customer_class", "=", "residential"),
                ("dlq_step_id", "=", False),
                ("low_income", "=", False),
                ("medical_certification", "=", False),
                ("appeal_pending", "=", False),
            ],
            order="id",
            limit=3,
        )
        if len(candidates) < 3 or self.search_count([("company_id", "=", company.id)]):
            return False
        accounts = candidates
        today = fields.Date.context_today(self)
        product = env.ref("utility_billing.product_water_usage")
        journal = company._get_utility_journal()
        first, second, third = accounts
        received = today - timedelta(days=40)
        env["utility.sb998.case"].sudo().create(
            [
                {
                    "account_id": second.id,
                    "kind": "medical",
                    "received_date": received,
                    "provider_name": "Dr. Elena Ruiz, Coachella Family Clinic",
                },
                {
                    "account_id": second.id,
                    "kind": "inability",
                    "received_date": received,
                    "inability_basis": "program",
                    "program": "calfresh",
                },
                {
                    "account_id": second.id,
                    "kind": "willingness",
                    "received_date": received,
                },
            ]
        ).action_accept()
        due_old = today - timedelta(days=62)
        for account, due, amount in (
            (first, due_old, 96.45),
            (second, due_old, 71.20),
            (third, today - timedelta(days=3), 88.10),
        ):
            bill = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": account.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": due - timedelta(days=21),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "utility_account_id": account.id,
                    "payment_reference": account.name,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": self.with_context(
                                    lang=account._utility_label_lang()
                                ).env._("Water usage (demo)"),
                                "quantity": 1,
                                "price_unit": amount,
                                "account_id": product._utility_income_account(
                                    company
                                ).id,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            bill.action_post()
        runs = self.browse()
        for days in (1, 5, 30, 45, 58, 60):
            run = self._get_or_create(company, due_old + timedelta(days=days))
            with workflow(NO_PDF_DOOR):
                run._run_all()
            runs |= run
        shutoff = runs.shutoff_list_id
        if shutoff:
            shutoff.action_confirm()
        return True


class UtilityDelinquencyEvent(models.Model):
    """A delinquency step taken on a bill of an account, once."""

    _name = "utility.delinquency.event"
    _description = "Utility Delinquency Step Taken"
    _order = "date desc, id desc"
    _check_company_auto = True

    run_id = fields.Many2one(
        "utility.delinquency.run", index=True, ondelete="set null", readonly=True
    )
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, readonly=True
    )
    bill_id = fields.Many2one("account.move", required=True, index=True, readonly=True)
    step_id = fields.Many2one(
        "utility.delinquency.policy.step", required=True, readonly=True
    )
    action = fields.Selection(related="step_id.action", store=True)
    date = fields.Date(required=True, readonly=True, index=True)
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Penalty charged, or amount past due when the step was taken.",
    )
    waived = fields.Boolean(
        readonly=True, help="Low-income household: penalty waived (SB 998)."
    )
    notice_id = fields.Many2one("utility.notice", readonly=True)
    penalty_move_id = fields.Many2one(
        "account.move", string="Penalty Invoice", readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "bill_step_uniq",
            "unique(bill_id, step_id)",
            "A delinquency step is taken once per bill.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            EVENT_FIELDS,
            "utility.delinquency.run",
            message=self.env._("Delinquency steps are taken by the delinquency run."),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, EVENT_FIELDS, "utility.delinquency.run")
        return super().write(vals)


class UtilityDelinquencyFailure(models.Model):
    """An account the delinquency run could not process (its steps, or the PDF
    of its letters): the run went on with the others; a CSR II retries it."""

    _name = "utility.delinquency.failure"
    _description = "Utility Delinquency Run Failure"
    _order = "id desc"
    _check_company_auto = True

    run_id = fields.Many2one(
        "utility.delinquency.run",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, readonly=True
    )
    stage = fields.Selection(
        [("steps", "Delinquency Steps"), ("letter", "Letters (PDF)")],
        required=True,
        readonly=True,
    )
    message = fields.Text(string="Error", readonly=True)
    state = fields.Selection(
        [("open", "To Retry"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="run_id.company_id", store=True, index=True, readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            FAILURE_FIELDS,
            "utility.delinquency.run",
            defaults={"state": "open"},
            message=self.env._("Failures are recorded by the delinquency run."),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, FAILURE_FIELDS, "utility.delinquency.run")
        return super().write(vals)

    def _stage_label(self):
        self.ensure_one()
        return dict(self._fields["stage"]._description_selection(self.env)).get(
            self.stage, ""
        )
