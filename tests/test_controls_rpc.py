# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The role matrix of the utility suite, tried as an employee would: logged in
as a demo user (csr1, csr2, manager) with nothing but the web client's JSON-RPC
(``/web/dataset/call_kw/<model>/<method>``), which passes any context the caller
sends.

Each forbidden action of issue 12 ("Why") is sent twice: plainly, and with every
context key the old code trusted (and Odoo's own keys that skip checks). Each
must come back as a refusal (a UserError, AccessError or ValidationError with a
message), and the records, read again as superuser, must not have changed. Then
the allowed paths still work for the role that owns them. The two integrity
scenarios (an ACH file after a counter payment; a billing period overlapping a
billed one) are checked at the superuser level: they are about money, not
rights.
"""

import json
from contextlib import closing

from odoo import Command, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.utility_billing.tests.common_billing import UtilityBillingRunCommon

REFUSALS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
}
# Every context key the old code read as a permission (grep "context.get(" in
# the addons), and Odoo's own keys that skip a check of account.move.
TRUSTED_KEYS = {
    "utility_adjustment_workflow": True,
    "utility_read_raw": True,
    "utility_read_recompute": True,
    "ach_noc": True,
    "utility_dlq_no_pdf": True,
    "skip_readonly_check": True,
    "force_delete": True,
    "check_move_validity": False,
    "tracking_disable": True,
}
VARIANTS = (("plain", {}), ("trusted context keys", TRUSTED_KEYS))


@tagged("post_install", "-at_install")
class TestControlsRpc(UtilityBillingRunCommon, HttpCase):
    """A small cycle of our own, billed for March 2025, in the demo database
    (the demo users, the City Hall Counter and the ACH mandates are the demo's).

    On the demo company (``on_demo_company``): the refusals are those of the
    demo users on the demo's own counter and mandates.
    """

    on_demo_company = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.utility_adjustment_approval_limit = 500.0
        cls.csr1 = env.ref("utility_billing.user_csr1_demo")
        cls.csr2 = env.ref("utility_billing.user_csr2_demo")
        cls.manager = env.ref("utility_billing.user_manager_demo")
        cls.partner_a = env["res.partner"].create({"name": "RPC Ana Reyes"})
        cls.partner_b = env["res.partner"].create({"name": "RPC Valley Market"})
        _p, cls.meter_a, cls.account_a = cls._billing_account(
            "RPC-A", partner=cls.partner_a
        )
        _p, cls.meter_b, cls.account_b = cls._billing_account(
            "RPC-B", partner=cls.partner_b, sequence=20
        )
        # Trash only: billed a flat charge whatever the reads.
        _p, _m, cls.account_t = cls._billing_account(
            "RPC-T", services=[cls.trash], sequence=30
        )
        cls.read_a = cls._read(cls.meter_a, "2025-03-31", 30)
        cls._read(cls.meter_b, "2025-03-31", 20)
        cls.march_run = env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": cls.PERIOD_START,
                "period_end": cls.PERIOD_END,
                "bill_date": cls.BILL_DATE,
            }
        )
        cls.march_run.action_compute()
        cls.march_run.action_post()
        cls.bill_a = cls.march_run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.account_a
        )
        cls.bill_b = cls.march_run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.account_b
        )
        cls.bill_t = cls.march_run.invoice_ids.filtered(
            lambda m: m.utility_account_id == cls.account_t
        )
        assert cls.bill_a.state == "posted" and cls.bill_t.state == "posted"
        cls.read_a.invalidate_recordset()
        assert cls.read_a.state == "billed", cls.read_a.state
        # A meter with a history of about 1 HCF a day, and a high-use rule: a
        # read far above it is flagged for review.
        _p, cls.meter_r, cls.account_r = cls._billing_account(
            "RPC-R", install_date="2025-01-05", sequence=40
        )
        cls._usage_history(cls.meter_r)
        cls._exception_rule(
            "high", history_count=3, threshold_percent=100, min_consumption=5
        )
        # A customer payment by mail, applied to the account's bill.
        bank = env["account.journal"].create(
            {"name": "RPC Test Bank", "code": "RPCB", "type": "bank"}
        )
        cls.payment_a = env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.partner_a.id,
                "amount": 20.0,
                "date": "2025-04-10",
                "journal_id": bank.id,
            }
        )
        cls.payment_a.action_post()
        cls.payment_a.move_id.write(
            {"utility_account_id": cls.account_a.id, "utility_payment_source": "mail"}
        )
        cls.account_a._utility_apply_credit(cls.payment_a.move_id.line_ids)

    # ------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------

    def _call(self, model, method, args, kwargs=None, context=None):
        """The JSON-RPC response of ``model.method(*args, **kwargs)`` called by
        the session's user through /web/dataset/call_kw, as the web client
        calls it, with ``context`` added to the user's."""
        user = self.env["res.users"].browse(self.session.uid)
        kwargs = dict(kwargs or {})
        kwargs["context"] = {
            "lang": "en_US",
            "tz": user.tz or "UTC",
            "uid": user.id,
            "allowed_company_ids": [self.company.id],
            **(context or {}),
        }
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        body = response.json()
        # A JSON-RPC answer (a method returning None has no "result").
        self.assertEqual(body.get("id"), 1, body)
        return body

    def _check_refusal(self, body):
        error = body.get("error")
        self.assertTrue(error, f"not refused: the call returned {body.get('result')!r}")
        data = error.get("data") or {}
        self.assertIn(data.get("name"), REFUSALS, (data.get("debug") or "")[-3000:])
        self.assertTrue((data.get("message") or "").strip(), "a message says why")

    def _check_result(self, body):
        error = body.get("error")
        if error:
            data = error.get("data") or {}
            self.fail(
                f"refused: {data.get('name')}: {data.get('message')}\n"
                + (data.get("debug") or "")[-1500:]
            )
        return body.get("result")

    def assertRefused(self, login, model, method, args, kwargs=None, *, unchanged):
        """``login`` calls ``model.method`` plainly, then with the trusted
        keys: each call is refused, and ``unchanged()`` (read as superuser)
        gives the same before and after it."""
        self.authenticate(login, login)
        for label, context in VARIANTS:
            # Each variant starts from the same records, whatever the one
            # before it did.
            with (
                self.subTest(
                    user=login,
                    call=f"{model}.{method}",
                    args=json.dumps(args)[:100],
                    context=label,
                ),
                closing(self.env.cr.savepoint()),
            ):
                self.env.invalidate_all()
                before = unchanged()
                body = self._call(model, method, args, kwargs, context)
                self._check_refusal(body)
                self.env.invalidate_all()
                self.assertEqual(unchanged(), before, "nothing changed")
            self.env.invalidate_all()

    def rpc_ok(self, login, model, method, args, kwargs=None):
        """``login`` calls ``model.method``: it works; its result."""
        self.authenticate(login, login)
        result = self._check_result(self._call(model, method, args, kwargs))
        self.env.invalidate_all()
        return result

    @staticmethod
    def _values(records, *fnames):
        """What the records hold, as plain values (read as superuser)."""
        return [
            {
                fname: value.ids if isinstance(value, models.BaseModel) else value
                for fname in fnames
                for value in [record[fname]]
            }
            for record in records.sudo()
        ]

    # ------------------------------------------------------------
    # Builders (superuser)
    # ------------------------------------------------------------

    def _adjustment(self, requester, amount, bill=None):
        """An 'other' adjustment of ``amount`` on ``bill``, requested and
        submitted by ``requester`` (waiting for approval)."""
        bill = bill or self.bill_a
        adjustment = (
            self.env["utility.adjustment"]
            .with_user(requester)
            .create(
                {
                    "account_id": bill.utility_account_id.id,
                    "bill_id": bill.id,
                    "adjustment_type": "other",
                    "amount": amount,
                    "reason": "Courtesy credit",
                }
            )
        )
        adjustment.action_submit()
        self.assertEqual(adjustment.state, "to_approve")
        return adjustment.sudo()

    def _new_read(self, meter, when, reading, state="valid"):
        """A read entered as the office enters it; ``state``: the state the
        read rules give it (a read far above the usual use is to review)."""
        read = self._read(meter, when, reading)
        self.assertEqual(read.state, state)
        return read

    def _plan(self, account, state):
        """A payment plan of ``account`` confirmed by a CSR I above the
        approval amount (to approve), then approved (active) if asked."""
        self.company.utility_plan_approval_amount = 1.0
        plan = self.env["utility.payment.plan"].create(
            {"account_id": account.id, "months": 3, "start_date": "2025-05-01"}
        )
        plan.with_user(self.csr1).action_confirm()
        self.assertEqual(plan.state, "to_approve")
        if state == "active":
            plan.action_approve()
        self.assertEqual(plan.state, state)
        return plan

    def _pay_at_counter(self, account, amount):
        """A counter payment of ``amount`` for ``account``, applied to its
        bills (the entry a counter receipt posts)."""
        company = account.company_id
        if not (
            company.utility_counter_clearing_account_id
            and company.utility_counter_journal_id
        ):
            company._utility_counter_setup()
        label = f"Counter payment, account {account.name}"
        clearing = company.utility_counter_clearing_account_id
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": company.utility_counter_journal_id.id,
                "date": fields.Date.context_today(account),
                "ref": label,
                "utility_account_id": account.id,
                "utility_payment_source": "counter",
                "line_ids": [
                    Command.create(
                        {
                            "name": label,
                            "account_id": clearing.id,
                            "debit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "name": label,
                            "account_id": account._utility_receivable_account().id,
                            "partner_id": account.partner_id.id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        move._post(soft=False)
        account._utility_apply_credit(move.line_ids)
        return move

    # ------------------------------------------------------------
    # Why 1: CSRs and the books
    # ------------------------------------------------------------

    def test_csr_cannot_reset_edit_or_repost_a_run_bill(self):
        """Why 1: a CSR I reset a posted bill of a billing run to draft,
        changed a price and posted it again (a CSR II has no more rights)."""
        bill = self.bill_a
        line = bill.invoice_line_ids[0]

        def unchanged():
            return self._values(bill, "state", "amount_total", "name") + [
                bill.invoice_line_ids.mapped("price_unit")
            ]

        for login in ("csr1", "csr2"):
            self.assertRefused(
                login, "account.move", "button_draft", [bill.ids], unchanged=unchanged
            )
            self.assertRefused(
                login,
                "account.move",
                "write",
                [bill.ids, {"invoice_line_ids": [[1, line.id, {"price_unit": 0.01}]]}],
                unchanged=unchanged,
            )
            self.assertRefused(
                login, "account.move", "button_cancel", [bill.ids], unchanged=unchanged
            )

    def test_csr1_cannot_create_or_post_a_credit_note(self):
        """Why 1: a CSR I created and posted a 5,000 credit note."""
        Move = self.env["account.move"]
        domain = [
            ("partner_id", "=", self.partner_a.id),
            ("move_type", "=", "out_refund"),
        ]
        vals = {
            "move_type": "out_refund",
            "partner_id": self.partner_a.id,
            "utility_account_id": self.account_a.id,
            "invoice_date": fields.Date.to_string(fields.Date.today()),
            "invoice_line_ids": [
                [0, 0, {"name": "Credit", "quantity": 1, "price_unit": 5000.0}]
            ],
        }
        self.assertRefused(
            "csr1",
            "account.move",
            "create",
            [vals],
            unchanged=lambda: Move.search_count(domain),
        )
        draft = Move.create(
            {
                "move_type": "out_refund",
                "partner_id": self.partner_a.id,
                "utility_account_id": self.account_a.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Credit", "quantity": 1, "price_unit": 5000.0}
                    )
                ],
            }
        )
        self.assertRefused(
            "csr1",
            "account.move",
            "action_post",
            [draft.ids],
            unchanged=lambda: self._values(draft, "state", "name"),
        )

    def test_csr1_cannot_cancel_a_payment(self):
        """Why 1: a CSR I cancelled a posted payment entry."""
        payment = self.payment_a

        def unchanged():
            return self._values(payment, "state") + self._values(
                payment.move_id, "state", "amount_total"
            )

        self.assertRefused(
            "csr1",
            "account.payment",
            "action_cancel",
            [payment.ids],
            unchanged=unchanged,
        )
        self.assertRefused(
            "csr1",
            "account.payment",
            "action_draft",
            [payment.ids],
            unchanged=unchanged,
        )
        self.assertRefused(
            "csr1",
            "account.move",
            "button_cancel",
            [payment.move_id.ids],
            unchanged=unchanged,
        )

    def test_manager_cannot_reset_a_utility_document_through_accounting(self):
        """Why 1 ("nothing locks the utility journals"), what to build 2: a
        posted bill or counter entry is reset, cancelled or edited by the
        manager only through a utility workflow, never through Accounting."""
        counter_entry = self._pay_at_counter(self.account_b, 10.0)
        for move in (self.bill_b, counter_entry):

            def unchanged(move=move):
                return self._values(move, "state", "amount_total", "name")

            self.assertRefused(
                "manager",
                "account.move",
                "button_draft",
                [move.ids],
                unchanged=unchanged,
            )
            self.assertRefused(
                "manager",
                "account.move",
                "button_cancel",
                [move.ids],
                unchanged=unchanged,
            )
        line = self.bill_b.invoice_line_ids[0]
        self.assertRefused(
            "manager",
            "account.move",
            "write",
            [
                self.bill_b.ids,
                {"invoice_line_ids": [[1, line.id, {"price_unit": 0.01}]]},
            ],
            unchanged=lambda: self.bill_b.invoice_line_ids.mapped("price_unit"),
        )

    # ------------------------------------------------------------
    # Why 2: context keys
    # ------------------------------------------------------------

    def test_csr2_cannot_approve_or_post_own_adjustment(self):
        """Why 2: a CSR II approved its own 9,999 adjustment (limit 500) and
        posted it by sending the context key utility_adjustment_workflow."""
        adjustment = self._adjustment(self.csr2, 9999.0)

        def unchanged():
            return self._values(
                adjustment, "state", "approver_id", "approval_date", "move_id", "amount"
            ) + [adjustment.line_ids.mapped("price_unit")]

        self.assertRefused(
            "csr2",
            "utility.adjustment",
            "write",
            [
                adjustment.ids,
                {
                    "state": "approved",
                    "approver_id": self.csr2.id,
                    "approval_date": fields.Datetime.to_string(fields.Datetime.now()),
                },
            ],
            unchanged=unchanged,
        )
        self.assertRefused(
            "csr2",
            "utility.adjustment",
            "action_approve",
            [adjustment.ids],
            unchanged=unchanged,
        )
        self.assertRefused(
            "csr2",
            "utility.adjustment",
            "action_post",
            [adjustment.ids],
            unchanged=unchanged,
        )
        # Its amounts after submit: on the request and on its lines.
        self.assertRefused(
            "csr2",
            "utility.adjustment",
            "write",
            [adjustment.ids, {"amount": 400.0}],
            unchanged=unchanged,
        )
        self.assertRefused(
            "csr2",
            "utility.adjustment.line",
            "write",
            [adjustment.line_ids.ids, {"price_unit": 400.0}],
            unchanged=unchanged,
        )
        # Nor created approved or posted.
        Adjustment = self.env["utility.adjustment"]
        self.assertRefused(
            "csr2",
            "utility.adjustment",
            "create",
            [
                {
                    "account_id": self.account_a.id,
                    "bill_id": self.bill_a.id,
                    "adjustment_type": "other",
                    "amount": 9999.0,
                    "reason": "Courtesy credit",
                    "state": "approved",
                    "approver_id": self.csr2.id,
                }
            ],
            unchanged=lambda: Adjustment.search_count(
                [("account_id", "=", self.account_a.id)]
            ),
        )

    def test_csr1_cannot_change_a_billed_read(self):
        """Why 2: a CSR I changed the reading of a billed read
        (utility_read_recompute)."""
        read = self.read_a

        def unchanged():
            return self._values(
                read,
                "reading",
                "consumption",
                "state",
                "billed_move_id",
                "read_datetime",
            )

        for vals in (
            {"reading": 99.0},
            {"consumption": 0.0},
            {"state": "valid"},
            {"billed_move_id": False},
            {"read_datetime": "2025-03-30 12:00:00"},
        ):
            self.assertRefused(
                "csr1",
                "utility.meter.read",
                "write",
                [read.ids, vals],
                unchanged=unchanged,
            )

    def test_csr1_cannot_create_a_forged_valid_read(self):
        """Why 2: a CSR I created a valid read of 123,456 HCF
        (utility_read_raw). Refused, or made a read to review: never a
        valid one."""
        Read = self.env["utility.meter.read"]
        self.authenticate("csr1", "csr1")
        for day, (label, context) in zip((5, 6), VARIANTS, strict=True):
            with self.subTest(context=label), closing(self.env.cr.savepoint()):
                body = self._call(
                    "utility.meter.read",
                    "create",
                    [
                        {
                            "meter_id": self.meter_r.id,
                            "read_datetime": f"2025-05-{day:02d} 12:00:00",
                            "reading": 123456.0,
                            "state": "valid",
                            "consumption": 123456.0,
                            "read_type": "actual",
                        }
                    ],
                    context=context,
                )
                self.env.invalidate_all()
                forged = Read.search(
                    [
                        ("meter_id", "=", self.meter_r.id),
                        ("reading", "=", 123456.0),
                        ("state", "in", ("valid", "billed")),
                    ]
                )
                self.assertFalse(forged, "no valid read of 123,456 HCF")
                if "error" in body:
                    self._check_refusal(body)

    def test_csr2_cannot_change_the_bank_account_of_an_active_mandate(self):
        """Why 2: a CSR II changed the bank account of an active mandate
        without a prenote (ach_noc)."""
        mandate = self.env["utility.ach.mandate"].search(
            [("company_id", "=", self.company.id), ("state", "=", "active")], limit=1
        )
        self.assertTrue(mandate, "the demo has active autopay mandates")

        def unchanged():
            return self._values(
                mandate,
                "state",
                "bank_account_number",
                "routing_number",
                "bank_account_type",
                "active_from",
                "prenote_date",
            )

        for vals in (
            {"bank_account_number": "99988877"},
            {"routing_number": "011000015"},
            {"bank_account_type": "savings"},
            {"state": "active", "active_from": "2020-01-01"},
        ):
            self.assertRefused(
                "csr2",
                "utility.ach.mandate",
                "write",
                [mandate.ids, vals],
                unchanged=unchanged,
            )

    # ------------------------------------------------------------
    # Why 3: meter read history
    # ------------------------------------------------------------

    def test_csr1_cannot_validate_a_flagged_read(self):
        """Why 3: a CSR I moved a read from "to review" to valid, skipping the
        CSR II review."""
        read = self._new_read(self.meter_r, "2025-05-06", 250.0, "to_review")

        def unchanged():
            return self._values(read, "state")

        self.assertRefused(
            "csr1",
            "utility.meter.read",
            "write",
            [read.ids, {"state": "valid"}],
            unchanged=unchanged,
        )
        self.assertRefused(
            "csr1",
            "utility.meter.read",
            "action_accept",
            [read.ids],
            unchanged=unchanged,
        )

    def test_a_corrected_read_never_becomes_valid_again(self):
        """Why 3: a CSR I made a corrected original valid again (the meter was
        then billed twice)."""
        original = self._new_read(self.meter_r, "2025-05-06", 130.0)
        corrected = original._correct(125.0)
        self.assertEqual(original.state, "rejected")

        def unchanged():
            return self._values(original | corrected, "state")

        for login in ("csr1", "csr2"):
            self.assertRefused(
                login,
                "utility.meter.read",
                "write",
                [original.ids, {"state": "valid"}],
                unchanged=unchanged,
            )
        self.assertRefused(
            "csr2",
            "utility.meter.read",
            "action_accept",
            [original.ids],
            unchanged=unchanged,
        )

    def test_csr1_cannot_move_a_read(self):
        """Why 3: a CSR I moved a read to another account (or meter, or
        date)."""
        read = self._new_read(self.meter_r, "2025-05-06", 130.0)

        def unchanged():
            return self._values(
                read, "account_id", "meter_id", "read_datetime", "state"
            )

        for vals in (
            {"account_id": self.account_b.id},
            {"meter_id": self.meter_b.id},
            {"read_datetime": "2025-05-20 12:00:00"},
        ):
            self.assertRefused(
                "csr1",
                "utility.meter.read",
                "write",
                [read.ids, vals],
                unchanged=unchanged,
            )

    # ------------------------------------------------------------
    # Why 4: account, payment plan and notice fields
    # ------------------------------------------------------------

    def test_csr1_cannot_set_protected_account_fields(self):
        """Why 4: a CSR I set deposit_held to 5,000 and collection_state to
        written off (the account left the delinquency run); the same for the
        other protected fields of an account (cash only, returned checks,
        penalty waiver date)."""
        account = self.account_a
        for vals in (
            {"deposit_held": 5000.0},
            {"collection_state": "written_off"},
            {"cash_only": True},
            {"returned_check_count": 0 if account.returned_check_count else 3},
            {"interest_waiver_date": "2020-01-01"},
        ):
            fname = next(iter(vals))
            self.assertRefused(
                "csr1",
                "utility.account",
                "write",
                [account.ids, vals],
                unchanged=lambda fname=fname: self._values(account, fname),
            )

    def test_csr1_cannot_activate_a_payment_plan(self):
        """Why 4: a CSR I activated a payment plan without approval; nor are
        the installments of a confirmed plan changed."""
        plan = self._plan(self.account_a, "to_approve")

        def unchanged():
            return self._values(plan, "state", "approved_by_id")

        self.assertRefused(
            "csr1",
            "utility.payment.plan",
            "write",
            [plan.ids, {"state": "active"}],
            unchanged=unchanged,
        )
        self.assertRefused(
            "csr1",
            "utility.payment.plan",
            "action_approve",
            [plan.ids],
            unchanged=unchanged,
        )
        active = self._plan(self.account_b, "active")
        installment = active.installment_ids[:1]

        def installments():
            return self._values(active.installment_ids, "amount", "due_date")

        self.assertRefused(
            "csr1",
            "utility.payment.plan",
            "write",
            [active.ids, {"installment_ids": [[1, installment.id, {"amount": 1.0}]]}],
            unchanged=installments,
        )
        self.assertRefused(
            "csr1",
            "utility.payment.plan.installment",
            "write",
            [installment.ids, {"due_date": "2030-01-01"}],
            unchanged=installments,
        )

    def test_csr1_cannot_forge_a_sent_shutoff_notice(self):
        """Why 4: a CSR I created a shut-off notice marked sent and dated
        2020-01-01 (which the delinquency run accepts as the 7-business-day
        notice)."""
        Notice = self.env["utility.notice"]
        domain = [("account_id", "=", self.account_a.id), ("kind", "=", "shutoff")]
        self.assertRefused(
            "csr1",
            "utility.notice",
            "create",
            [
                {
                    "account_id": self.account_a.id,
                    "kind": "shutoff",
                    "state": "sent",
                    "date": "2020-01-01",
                }
            ],
            unchanged=lambda: Notice.search_count(domain),
        )
        draft = Notice.create({"account_id": self.account_a.id, "kind": "shutoff"})
        self.assertRefused(
            "csr1",
            "utility.notice",
            "write",
            [draft.ids, {"state": "sent"}],
            unchanged=lambda: self._values(draft, "state", "date"),
        )
        sent = Notice.create({"account_id": self.account_b.id, "kind": "late"})
        sent.write({"state": "sent"})
        for vals in ({"date": "2020-01-01"}, {"kind": "shutoff"}, {"state": "draft"}):
            self.assertRefused(
                "csr1",
                "utility.notice",
                "write",
                [sent.ids, vals],
                unchanged=lambda: self._values(sent, "state", "date", "kind"),
            )

    # ------------------------------------------------------------
    # Why 5: the counter
    # ------------------------------------------------------------

    def test_csrs_cannot_untick_the_counter(self):
        """Why 5: a CSR I unticked the counter flag on the City Hall POS
        (receipt numbering stops)."""
        config = self.env["pos.config"].search(
            [("utility_counter", "=", True), ("name", "=", "City Hall Counter")]
        )
        self.assertEqual(len(config), 1, "the demo ships the City Hall Counter")

        def unchanged():
            return self._values(
                config, "utility_counter", "utility_receipt_sequence_id"
            )

        for login in ("csr1", "csr2"):
            self.assertRefused(
                login,
                "pos.config",
                "write",
                [config.ids, {"utility_counter": False}],
                unchanged=unchanged,
            )
        other = self.env["ir.sequence"].create(
            {"name": "RPC other", "code": "rpc.other"}
        )
        self.assertRefused(
            "csr1",
            "pos.config",
            "write",
            [config.ids, {"utility_receipt_sequence_id": other.id}],
            unchanged=unchanged,
        )

    # ------------------------------------------------------------
    # Why 6 and 7: money integrity (superuser level)
    # ------------------------------------------------------------

    def test_ach_file_after_a_counter_payment(self):
        """Why 6: an ACH batch computed, then paid at the counter, then
        generated: the file still debited the full amount. Generation refuses,
        or debits only what is still due and says so; the account never ends
        up owed money by the city."""
        batch = self.env["utility.ach.batch"].create({"company_id": self.company.id})
        batch.action_compute()
        line = batch.line_ids.filtered(lambda ln: ln.kind == "debit")[:1]
        self.assertTrue(line, "the demo's autopay accounts owe a bill due")
        account = line.account_id
        self.assertGreater(line.amount, 0.0)
        account.invalidate_recordset(["balance"])
        self._pay_at_counter(account, account.balance)
        account.invalidate_recordset(["balance"])
        self.assertEqual(account.balance, 0.0)
        try:
            with self.env.cr.savepoint():
                batch.action_generate()
        except (UserError, ValidationError):
            self.env.invalidate_all()
            self.assertEqual(batch.state, "draft", "refused: no file")
            return
        self.env.invalidate_all()
        debited = line.exists().filtered(lambda ln: ln.state == "sent")
        self.assertFalse(
            debited.payment_id and debited.amount > 0,
            f"{account.name} paid at the counter is debited {debited.amount}",
        )
        account.invalidate_recordset(["balance"])
        self.assertGreaterEqual(account.balance, 0.0)
        messages = " ".join(batch.message_ids.mapped("body"))
        self.assertIn(account.name, messages, "the batch says what it left out")

    def test_a_run_never_bills_a_period_twice(self):
        """Why 7: a run whose period overlaps a posted period (starts
        mid-month) billed the fixed charge again."""
        run = self.env["utility.billing.run"].create(
            {
                "cycle_id": self.cycle.id,
                "period_start": "2025-03-15",
                "period_end": "2025-04-14",
                "bill_date": "2025-04-17",
            }
        )
        try:
            with self.env.cr.savepoint():
                run.action_compute()
                run.action_post()
        except (UserError, ValidationError):
            pass
        self.env.invalidate_all()
        bills = self.env["account.move"].search(
            [
                ("utility_account_id", "=", self.account_t.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            order="utility_period_start",
        )
        self.assertIn(self.bill_t, bills)
        periods = [(b.utility_period_start, b.utility_period_end) for b in bills]
        for (_start, end), (next_start, _end) in zip(
            periods, periods[1:], strict=False
        ):
            self.assertGreater(next_start, end, f"overlapping periods: {periods}")

    # ------------------------------------------------------------
    # Why 8 and the allowed paths
    # ------------------------------------------------------------

    def test_manager_saves_the_utility_settings(self):
        """Why 8: the Finance Director cannot open Utility Billing settings
        (Odoo's settings need base.group_system). The manager's own form,
        ``utility.settings`` (Utility Billing > Configuration > Settings),
        saves them on the company."""
        settings = self.rpc_ok(
            "manager",
            "utility.settings",
            "create",
            [{"utility_adjustment_approval_limit": 750.0}],
        )
        self.rpc_ok("manager", "utility.settings", "execute", [[settings]])
        self.assertEqual(self.company.utility_adjustment_approval_limit, 750.0)

    def test_csr2_cannot_change_the_utility_settings(self):
        """Why 8, the other way round: the settings form is the manager's; a
        CSR II does not raise its own approval limit."""
        self.assertRefused(
            "csr2",
            "utility.settings",
            "create",
            [{"utility_adjustment_approval_limit": 99999.0}],
            unchanged=lambda: self.company.utility_adjustment_approval_limit,
        )

    def test_csr2_approves_and_posts_another_users_small_adjustment(self):
        """Allowed: a CSR II approves (and posts) a 100 adjustment a CSR I
        requested, under the limit."""
        adjustment = self._adjustment(self.csr1, 100.0)
        self.rpc_ok("csr2", "utility.adjustment", "action_approve", [adjustment.ids])
        self.assertEqual(adjustment.state, "approved")
        self.assertEqual(adjustment.approver_id, self.csr2)
        self.rpc_ok("csr2", "utility.adjustment", "action_post", [adjustment.ids])
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.move_id.state, "posted")
        self.assertEqual(adjustment.move_id.amount_total, 100.0)

    def test_manager_approves_above_the_limit(self):
        """Allowed: the manager approves and posts the 9,999 adjustment a CSR
        II requested, above the limit."""
        adjustment = self._adjustment(self.csr2, 9999.0)
        self.rpc_ok("manager", "utility.adjustment", "action_approve", [adjustment.ids])
        self.assertEqual(adjustment.state, "approved")
        self.assertEqual(adjustment.approver_id, self.manager)
        self.rpc_ok("manager", "utility.adjustment", "action_post", [adjustment.ids])
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.move_id.state, "posted")

    def test_csr2_accepts_a_flagged_read(self):
        """Allowed: a CSR II accepts a read waiting for review."""
        read = self._new_read(self.meter_r, "2025-05-06", 250.0, "to_review")
        self.rpc_ok("csr2", "utility.meter.read", "action_accept", [read.ids])
        self.assertEqual(read.state, "valid")

    def test_csr2_approves_a_payment_plan(self):
        """Allowed: a CSR II approves a payment plan waiting for approval."""
        plan = self._plan(self.account_a, "to_approve")
        self.rpc_ok("csr2", "utility.payment.plan", "action_approve", [plan.ids])
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.approved_by_id, self.csr2)

    def test_csr1_enters_a_read_and_requests_an_adjustment(self):
        """Allowed: a CSR I enters a read (its state and consumption worked
        out by the server) and requests an adjustment."""
        read_id = self.rpc_ok(
            "csr1",
            "utility.meter.read",
            "create",
            [
                {
                    "meter_id": self.meter_r.id,
                    "read_datetime": "2025-05-06 12:00:00",
                    "reading": 121.0,
                }
            ],
        )
        read = self.env["utility.meter.read"].browse(read_id)
        self.assertEqual(read.state, "valid")
        self.assertEqual(read.consumption, 31.0)
        adjustment_id = self.rpc_ok(
            "csr1",
            "utility.adjustment",
            "create",
            [
                {
                    "account_id": self.account_a.id,
                    "bill_id": self.bill_a.id,
                    "adjustment_type": "other",
                    "amount": 25.0,
                    "reason": "Courtesy credit",
                }
            ],
        )
        self.rpc_ok("csr1", "utility.adjustment", "action_submit", [[adjustment_id]])
        adjustment = self.env["utility.adjustment"].browse(adjustment_id)
        self.assertEqual(adjustment.state, "to_approve")
        self.assertEqual(adjustment.requested_by, self.csr1)

    def test_manager_sets_a_counter(self):
        """Allowed: the manager makes a point of sale a utility counter (its
        receipt numbers start)."""
        config = self.env["pos.config"].create({"name": "RPC Annex Counter"})
        self.rpc_ok(
            "manager", "pos.config", "write", [config.ids, {"utility_counter": True}]
        )
        self.assertTrue(config.utility_counter)
        self.assertTrue(config.utility_receipt_sequence_id)

    # ------------------------------------------------------------
    # Locked books: the month-end close (reports addon)
    # ------------------------------------------------------------

    def _month_end_wizard(self, login):
        """A month-end summary of May 2025 (the whole company), created by
        ``login`` as the web client creates it; its id."""
        return self.rpc_ok(
            login,
            "utility.report.month.end",
            "create",
            [{"date_from": "2025-05-01", "date_to": "2025-05-31"}],
        )

    def test_csr2_cannot_close_a_month(self):
        """What to build 2 (locked books): only the Finance Director closes a
        month (which sets the company's lock date)."""
        wizard_id = self._month_end_wizard("csr2")
        Close = self.env["utility.month.close"]
        self.assertRefused(
            "csr2",
            "utility.report.month.end",
            "action_close_month",
            [[wizard_id]],
            unchanged=lambda: (
                self.company.fiscalyear_lock_date,
                Close.search_count([("company_id", "=", self.company.id)]),
            ),
        )

    def test_manager_closes_a_month(self):
        """Allowed: the Finance Director (not an accountant) closes May 2025;
        the company's lock date is set, and a bill dated in May is refused."""
        self.company.fiscalyear_lock_date = False
        wizard_id = self._month_end_wizard("manager")
        action = self.rpc_ok(
            "manager", "utility.report.month.end", "action_close_month", [[wizard_id]]
        )
        close = self.env["utility.month.close"].browse(action["res_id"])
        self.assertEqual(close.closed_by_id, self.manager)
        self.assertEqual(
            self.company.fiscalyear_lock_date, fields.Date.to_date("2025-05-31")
        )
        bill = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_a.id,
                "invoice_date": "2025-05-20",
                "utility_account_id": self.account_a.id,
                "invoice_line_ids": [
                    Command.create({"name": "Meter test", "price_unit": 25.0})
                ],
            }
        )
        self.assertRefused(
            "manager",
            "account.move",
            "action_post",
            [bill.ids],
            unchanged=lambda: self._values(bill, "state", "date"),
        )

    # ------------------------------------------------------------
    # SB 998 evidence (issue 13, item 10)
    # ------------------------------------------------------------

    def test_csr1_records_sb998_evidence_but_cannot_decide(self):
        """The demo CSR I records an appeal and logs a contact; accepting,
        deciding or closing a case, ticking a protection on the account or
        forging a decided case is refused, with or without the trusted keys;
        the demo CSR II decides."""
        account = self.account_a
        case_id = self.rpc_ok(
            "csr1",
            "utility.sb998.case",
            "create",
            [{"account_id": account.id, "kind": "appeal"}],
        )
        case = self.env["utility.sb998.case"].browse(case_id)
        self.assertEqual(case.recorded_by_id, self.csr1)
        self.assertTrue(account.appeal_pending)
        self.rpc_ok(
            "csr1",
            "utility.contact.log",
            "create",
            [{"account_id": account.id, "kind": "phone_attempt"}],
        )
        medical_id = self.rpc_ok(
            "csr1",
            "utility.sb998.case",
            "create",
            [{"account_id": account.id, "kind": "medical"}],
        )

        def unchanged():
            return self._values(
                account.sb998_case_ids,
                "state",
                "decision",
                "decided_by_id",
                "expiry_date",
            ) + self._values(
                account, "appeal_pending", "medical_certification", "low_income"
            )

        for model, method, args in (
            ("utility.sb998.case", "action_decide_against_customer", [[case_id]]),
            ("utility.sb998.case", "action_close", [[case_id]]),
            ("utility.sb998.case", "action_accept", [[medical_id]]),
            ("utility.sb998.case", "write", [[case_id], {"state": "decided"}]),
            (
                "utility.sb998.case",
                "write",
                [[medical_id], {"state": "active", "decision": "accepted"}],
            ),
            (
                "utility.sb998.case",
                "create",
                [
                    {
                        "account_id": account.id,
                        "kind": "inability",
                        "inability_basis": "declaration",
                        "state": "active",
                        "decided_by_id": self.csr2.id,
                    }
                ],
            ),
            ("utility.account", "write", [account.ids, {"low_income": True}]),
            ("utility.account", "write", [account.ids, {"appeal_pending": False}]),
            ("utility.contact.log", "unlink", [account.contact_log_ids.ids]),
        ):
            self.assertRefused("csr1", model, method, args, unchanged=unchanged)
        self.rpc_ok("csr2", "utility.sb998.case", "action_accept", [[medical_id]])
        self.rpc_ok(
            "csr2", "utility.sb998.case", "action_decide_against_customer", [[case_id]]
        )
        self.assertEqual(case.decided_by_id, self.csr2)
        self.assertFalse(account.appeal_pending)
        self.assertTrue(account.medical_certification)
