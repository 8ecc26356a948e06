# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""The delinquency run: its letters and its summary.

The paper notices of a run rendered into one PDF to print (an account whose
letter fails is recorded as a failure, the others go on), e-mailed notices
sent, and the summary posted on the run.
"""

import logging

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

from odoo.addons.utility_billing.tools.workflow import in_workflow

from .utility_delinquency_run import NO_PDF_DOOR

_logger = logging.getLogger(__name__)


class UtilityDelinquencyRun(models.Model):
    _inherit = "utility.delinquency.run"

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
