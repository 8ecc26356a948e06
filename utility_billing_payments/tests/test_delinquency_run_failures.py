# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileWriter

from .common_delinquency import UtilityDelinquencyCommon


def _blank_pdf():
    writer = PdfFileWriter()
    writer.add_blank_page(72, 72)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


@tagged("post_install", "-at_install")
class TestDelinquencyRunFailures(UtilityDelinquencyCommon):
    """A run that survives one bad account (issue 13, item 11)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = cls._account("FAIL001")
        cls.bad = cls._account("FAIL002")
        cls._bill(cls.good, 100.0)
        cls._bill(cls.bad, 100.0)

    def _patch_renderer(self, bad_result):
        """The PDF engine: a blank page, or ``bad_result`` (b"" or an
        exception) for any batch holding a letter of the bad account."""
        Report = type(self.env["ir.actions.report"])
        bad = self.bad

        def render(report_self, report_ref, res_ids=None, data=None):
            notices = report_self.env["utility.notice"].browse(res_ids or [])
            if bad in notices.account_id:
                if isinstance(bad_result, Exception):
                    raise bad_result
                return bad_result, "pdf"
            return _blank_pdf(), "pdf"

        return patch.object(Report, "_render_qweb_pdf", render)

    def _failures(self, run):
        return run.failure_ids.filtered(lambda f: f.state == "open")

    def test_data_error_on_one_account(self):
        Run = type(self.env["utility.delinquency.run"])
        original = Run._plan_account
        bad = self.bad

        def plan_account(run_self, account, batch, out):
            if account == bad:
                raise ValueError("corrupt data")
            return original(run_self, account, batch, out)

        with patch.object(Run, "_plan_account", plan_account):
            run = self._run(self._days(1))
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self._penalties(self.good)), 1, "The others go on")
        self.assertFalse(self._penalties(self.bad))
        failure = self._failures(run)
        self.assertEqual(failure.account_id, self.bad)
        self.assertEqual(failure.stage, "steps")
        self.assertIn("corrupt data", failure.message)
        self.assertIn(self.bad.name, run.log)
        self.assertIn("corrupt data", self.bad.message_ids[0].body)
        self.assertEqual(run.with_user(self.csr2).failure_count, 1)
        # A CSR I may not retry; a CSR II does, once the data is fixed.
        with self.assertRaises(UserError):
            run.with_user(self.csr1).action_retry_failures()
        run.with_user(self.csr2).action_retry_failures()
        self.assertEqual(failure.state, "resolved")
        self.assertEqual(len(self._penalties(self.bad)), 1)
        self.assertEqual(run.failure_count, 0)

    def _letters_fail(self, bad_result):
        self._run(self._days(1))
        with self._patch_renderer(bad_result):
            run = self._run(self._days(5))
        self.assertEqual(run.state, "done")
        good_late = self._notices(self.good, "late")
        bad_late = self._notices(self.bad, "late")
        self.assertEqual(good_late.state, "sent")
        self.assertTrue(good_late.document_id, "The good letter is in the PDF")
        self.assertEqual(bad_late.state, "draft", "Kept to retry, not sent blank")
        failure = self._failures(run)
        self.assertEqual(failure.account_id, self.bad)
        self.assertEqual(failure.stage, "letter")
        self.assertIn(self.bad.name, run.log)
        # Retried by a CSR II once the engine works.
        with self._patch_renderer(_blank_pdf()):
            run.with_user(self.csr2).action_retry_failures()
        self.assertEqual(failure.state, "resolved")
        self.assertEqual(bad_late.state, "sent")
        self.assertTrue(bad_late.document_id)
        return failure

    def test_empty_pdf_for_one_account(self):
        failure = self._letters_fail(b"")
        self.assertIn("empty", failure.message)

    def test_pdf_engine_error_for_one_account(self):
        self._letters_fail(OSError("wkhtmltopdf crashed"))

    def test_retry_that_fails_again_stays_open(self):
        self._run(self._days(1))
        with self._patch_renderer(b""):
            run = self._run(self._days(5))
            run.with_user(self.csr2).action_retry_failures()
        failure = self._failures(run)
        self.assertEqual(failure.account_id, self.bad)
        self.assertEqual(self._notices(self.bad, "late").state, "draft")
