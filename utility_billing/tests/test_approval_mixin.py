# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The approval rules every request shares (``utility.approval.mixin``),
proved once on each of the three requests: a billing adjustment, a bill
correction and a credit refund.

Whoever requested it does not approve it, a CSR I approves nothing, a
submitted request is frozen, a rejection says why, and back to draft the
request has no approver. The refusals are also tried over JSON-RPC, as a CSR
would send them from a browser.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import call_kw
from .common_billing import UtilityBillingRunCommon


class ApprovalCommon(UtilityBillingRunCommon):
    """March 2025 billed for one account, which then paid 40.00 too much."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager2 = new_test_user(
            cls.env,
            login="test_approval_manager2",
            groups="base.group_user,utility_billing.group_manager",
            tz="America/Los_Angeles",
        )
        cls.company.utility_adjustment_approval_limit = 500.0
        _p, meter, cls.account = cls._billing_account("APPR-A")
        cls._read(meter, "2025-03-31", 30)
        run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": cls.PERIOD_START,
                "period_end": cls.PERIOD_END,
                "bill_date": cls.BILL_DATE,
            }
        )
        run.action_compute()
        run.action_post()
        cls.bill = run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.account
        )
        cls.bank = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )
        cls._overpay(cls.account, cls.bill.amount_total + 40.0)

    @classmethod
    def _overpay(cls, account, amount):
        """A posted counter payment of ``amount`` on ``account``."""
        receivable = cls.bill.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        ).account_id
        move = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": cls.bank.id,
                "date": date(2025, 4, 10),
                "utility_account_id": account.id,
                "utility_payment_source": "counter",
                "line_ids": [
                    Command.create(
                        {
                            "name": "Counter payment",
                            "account_id": cls.bank.default_account_id.id,
                            "debit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Counter payment",
                            "account_id": receivable.id,
                            "partner_id": account.partner_id.id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        move.action_post()

    def _requests(self, requester):
        """One draft of each request of the account, made by ``requester``
        (the refund is drafted by the final bill, as superuser)."""
        adjustment = (
            self.env["utility.adjustment"]
            .with_user(requester)
            .create(
                {
                    "account_id": self.account.id,
                    "adjustment_type": "other",
                    "amount": 10.0,
                    "reason": "Courtesy credit",
                }
            )
        )
        correction = (
            self.env["utility.bill.correction"]
            .with_user(requester)
            .create(
                {
                    "account_id": self.account.id,
                    "bill_id": self.bill.id,
                    "reason": "Read keyed wrong",
                }
            )
        )
        refund = (
            self.env["utility.deposit.refund"]
            .sudo()
            .create(
                {
                    "account_id": self.account.id,
                    "amount": 10.0,
                    "journal_id": self.bank.id,
                    "reason": "Overpaid at the counter",
                }
            )
        )
        return [
            self.env[request._name].browse(request.id)
            for request in (adjustment, correction, refund)
        ]


@tagged("post_install", "-at_install")
class TestApprovalMixin(ApprovalCommon):
    def test_requester_and_csr1_do_not_approve(self):
        """A manager who requested it does not approve it, nor does a CSR I:
        the request still waits, with no approver."""
        for request in self._requests(self.manager):
            with self.subTest(model=request._name):
                request.with_user(self.manager).action_submit()
                self.assertEqual(request.state, "to_approve")
                self.assertEqual(request.requested_by, self.manager)
                with self.assertRaisesRegex(UserError, "must approve it"):
                    request.with_user(self.manager).action_approve()
                with self.assertRaises(AccessError):
                    request.with_user(self.csr1).action_approve()
                with self.assertRaises(AccessError):
                    request.with_user(self.csr1).action_reject("No")
                request.invalidate_recordset()
                self.assertEqual(request.state, "to_approve")
                self.assertFalse(request.approver_id)
                self.assertFalse(request.approval_date)
                # Another manager approves (the refund is posted at once).
                request.with_user(self.manager2).action_approve()
                self.assertIn(request.state, ("approved", "posted"))
                self.assertEqual(request.approver_id, self.manager2)

    def test_submitted_request_frozen(self):
        """Once submitted, neither the requester nor anyone else edits the
        request or its workflow fields; back to draft, the requester does."""
        for request in self._requests(self.manager):
            with self.subTest(model=request._name):
                request.with_user(self.manager).action_submit()
                with self.assertRaisesRegex(UserError, "has been submitted"):
                    request.with_user(self.manager).write({"reason": "Changed"})
                with self.assertRaisesRegex(UserError, "through its buttons"):
                    request.with_user(self.manager2).write(
                        {"state": "approved", "approver_id": self.manager2.id}
                    )
                with self.assertRaisesRegex(UserError, "cannot be deleted"):
                    request.with_user(self.manager).unlink()
                request.invalidate_recordset()
                self.assertNotEqual(request.reason, "Changed")
                self.assertEqual(request.state, "to_approve")
                request.with_user(self.manager).action_draft()
                request.with_user(self.manager).write({"reason": "Changed"})
                self.assertEqual(request.reason, "Changed")

    def test_reject_needs_a_reason_and_draft_clears_approval(self):
        """A rejection without a reason is refused; with one, the requester
        is told why; back to draft, the request has no approver and is
        submitted again."""
        for request in self._requests(self.manager):
            with self.subTest(model=request._name):
                request.with_user(self.manager).action_submit()
                if "approved" in dict(request._fields["state"].selection):
                    # Approved, not posted yet: still rejected.
                    request.with_user(self.manager2).action_approve()
                    self.assertEqual(request.approver_id, self.manager2)
                for reason in ("", False):
                    with self.assertRaisesRegex(UserError, "Say why"):
                        request.with_user(self.manager2).action_reject(reason)
                self.assertNotEqual(request.state, "rejected")
                request.with_user(self.manager2).action_reject("Policy says no")
                self.assertEqual(request.state, "rejected")
                self.assertEqual(request.rejection_reason, "Policy says no")
                self.assertFalse(request.approver_id)
                self.assertIn(
                    "Policy says no",
                    request.message_ids[:1].body,
                )
                with self.assertRaises(UserError):
                    request.with_user(self.manager2).action_approve()
                request.with_user(self.manager).action_draft()
                self.assertEqual(request.state, "draft")
                self.assertFalse(request.approver_id)
                self.assertFalse(request.approval_date)
                request.with_user(self.manager).action_submit()
                self.assertEqual(request.state, "to_approve")
                self.assertEqual(request.requested_by, self.manager)

    def test_created_only_as_a_draft(self):
        """Nobody creates a request already approved, or in someone else's
        name."""
        values = {
            "utility.adjustment": {
                "account_id": self.account.id,
                "adjustment_type": "other",
                "amount": 10.0,
                "reason": "Courtesy credit",
            },
            "utility.bill.correction": {
                "account_id": self.account.id,
                "bill_id": self.bill.id,
                "reason": "Read keyed wrong",
            },
            "utility.deposit.refund": {
                "account_id": self.account.id,
                "amount": 10.0,
                "journal_id": self.bank.id,
                "reason": "Overpaid at the counter",
            },
        }
        for model, vals in values.items():
            Model = self.env[model].with_user(self.manager)
            for forged in (
                {"state": "approved"},
                {"state": "posted"},
                {"approver_id": self.manager2.id},
                {"requested_by": self.manager2.id},
            ):
                with self.subTest(model=model, forged=forged):
                    with self.assertRaises(UserError):
                        Model.create(dict(vals, **forged))
            self.assertFalse(
                self.env[model].search([("account_id", "=", self.account.id)])
            )


@tagged("post_install", "-at_install")
class TestApprovalMixinRpc(ApprovalCommon, HttpCase):
    """The same refusals over /web/dataset/call_kw, as a CSR II."""

    def _call(self, model, method, args, kwargs=None):
        reply = call_kw(self, model, method, args, kwargs=kwargs, context=None)
        return reply.get("result"), reply.get("error")

    def test_csr2_refused_over_jsonrpc(self):
        """A CSR II approves nothing of a manager above its role by writing
        the status or the approver, and creates nothing already approved."""
        requests = self._requests(self.manager)
        for request in requests:
            request.with_user(self.manager).action_submit()
        self.authenticate(self.csr2.login, self.csr2.login)
        for request in requests:
            with self.subTest(model=request._name):
                for vals in (
                    {"state": "approved"},
                    {"approver_id": self.csr2.id, "state": "posted"},
                    {"requested_by": self.csr2.id},
                ):
                    _result, error = self._call(
                        request._name, "write", [request.ids, vals]
                    )
                    self.assertTrue(error, f"{vals} was written")
                    self.assertIn(
                        error["data"]["name"],
                        ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
                    )
                new_id, error = self._call(
                    request._name,
                    "create",
                    [
                        {
                            "account_id": self.account.id,
                            "reason": "Forged",
                            "state": "posted",
                        }
                    ],
                )
                self.assertTrue(error)
                self.assertFalse(new_id)
                request.invalidate_recordset()
                self.assertEqual(request.state, "to_approve")
                self.assertEqual(request.requested_by, self.manager)
                self.assertFalse(request.approver_id)
