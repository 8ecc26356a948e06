# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""The delinquency run: an account that fails does not stop the others.

A batch that fails is processed again account by account, each failure
recorded on the run (``utility.delinquency.failure``) for a CSR II to retry
once the data is corrected.
"""

import logging
from collections import defaultdict

import psycopg2

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.controls import check_company

_logger = logging.getLogger(__name__)


class UtilityDelinquencyRun(models.Model):
    _inherit = "utility.delinquency.run"

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
