# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Controls that hold at the server (issue 12), tried as the users would try
them: ``with_user`` (and every context key the code ever read), then the
record read again as superuser to prove nothing changed; the allowed path
still works for the role that owns it."""

from datetime import date
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.utility_billing.tests.common import call_kw
from odoo.addons.utility_billing.tools.csv_safe import csv_safe_cell
from odoo.addons.utility_billing.tools.workflow import workflow

from .ach_common import ROUTING_A, ROUTING_B, UtilityAchCommon
from .common_counter import UtilityCounterCommon
from .common_delinquency import UtilityDelinquencyCommon

# Context keys the payments code read once, or that look like a permission.
OLD_KEYS = {
    "ach_noc": True,
    "utility_void": True,
    "utility_dlq_no_pdf": True,
    "utility_adjustment_workflow": True,
    "utility_workflow": True,
    "force_write": True,
}
# AccessError and ValidationError are UserErrors.
REFUSED = UserError
USER_ERRORS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
)


class ControlsMixin:
    def assertRefused(self, records, method, *args, **kwargs):
        """``method`` refused as is and with the old context keys."""
        for ctx in ({}, OLD_KEYS):
            with self.assertRaises(REFUSED):
                getattr(records.with_context(**ctx), method)(*args, **kwargs)


@tagged("post_install", "-at_install")
class TestAccountControls(ControlsMixin, UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("CTL0001")

    def test_protected_account_fields(self):
        attempts = [
            {"collection_state": "written_off"},
            {"interest_waiver_date": "2020-01-01"},
            {"cash_only": True},
            {"returned_check_count": 0},
            {"disconnected": True},
            {"shutoff_pending": True},
        ]
        self.account.sudo().write({"returned_check_count": 2})
        for user in (self.csr1, self.csr2):
            account = self.account.with_user(user)
            for vals in attempts:
                self.assertRefused(account, "write", vals)
        self.account.invalidate_recordset()
        self.assertEqual(self.account.collection_state, "none")
        self.assertFalse(self.account.interest_waiver_date)
        self.assertFalse(self.account.cash_only)
        self.assertEqual(self.account.returned_check_count, 2)
        self.assertFalse(self.account.disconnected)
        self.assertFalse(self.account.shutoff_pending)
        # Writing the value it already has is not a change.
        self.account.with_user(self.csr1).write({"collection_state": "none"})

    def test_account_created_without_protected_values(self):
        partner = self.env["res.partner"].create({"name": "Nadia Created"})
        premise = self._create_premise(street="9 Protected Way")
        Account = self.env["utility.account"].with_user(self.csr1)
        vals = {"name": "CTL0002", "partner_id": partner.id, "premise_id": premise.id}
        self.assertRefused(Account, "create", {**vals, "cash_only": True})
        self.assertRefused(Account, "create", {**vals, "collection_state": "referred"})
        self.assertFalse(self.env["utility.account"].search([("name", "=", "CTL0002")]))
        account = Account.create({**vals, "collection_state": "none"})
        self.assertEqual(account.collection_state, "none")

    def test_cash_only_through_its_buttons(self):
        self.assertRefused(self.account.with_user(self.csr1), "action_set_cash_only")
        self.assertFalse(self.account.cash_only)
        self.account.with_user(self.csr2).action_set_cash_only()
        self.assertTrue(self.account.cash_only)
        self.assertRefused(self.account.with_user(self.csr2), "action_lift_cash_only")
        self.assertTrue(self.account.cash_only)
        self.account.with_user(self.manager).action_lift_cash_only()
        self.assertFalse(self.account.cash_only)


@tagged("post_install", "-at_install")
class TestPlanAndCollectionControls(ControlsMixin, UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("CTL0101")
        cls.bill = cls._bill(cls.account, 600.0)
        cls.company.utility_plan_approval_amount = 250.0

    def _plan(self, user=None, **vals):
        Plan = self.env["utility.payment.plan"].with_user(user or self.csr1)
        return Plan.create(
            {
                "account_id": self.account.id,
                "months": 4,
                "start_date": self._days(10),
                **vals,
            }
        )

    def test_plan_is_not_activated_without_approval(self):
        Plan = self.env["utility.payment.plan"].with_user(self.csr1)
        vals = {"account_id": self.account.id, "months": 4}
        self.assertRefused(Plan, "create", {**vals, "state": "active"})
        self.assertRefused(Plan, "create", {**vals, "approved_by_id": self.csr1.id})
        self.assertFalse(
            self.env["utility.payment.plan"].search(
                [("account_id", "=", self.account.id)]
            )
        )
        plan = self._plan()
        self.assertRefused(plan, "write", {"state": "active"})
        # The amount decides the approval: not set by hand below the limit.
        self.assertRefused(plan, "write", {"amount_total": 100.0})
        plan.action_confirm()
        self.assertEqual(plan.state, "to_approve")
        for user in (self.csr1, self.csr2):
            self.assertRefused(plan.with_user(user), "write", {"state": "active"})
            self.assertRefused(plan.with_user(user), "write", {"months": 12})
            self.assertRefused(
                plan.with_user(user).installment_ids[:1], "write", {"amount": 1.0}
            )
            self.assertRefused(plan.with_user(user).installment_ids[:1], "unlink")
            self.assertRefused(
                self.env["utility.payment.plan.installment"].with_user(user),
                "create",
                {
                    "plan_id": plan.id,
                    "name": "extra",
                    "due_date": "2030-01-01",
                    "amount": 1.0,
                },
            )
        self.assertRefused(plan.with_user(self.csr1), "action_approve")
        plan.invalidate_recordset()
        self.assertEqual(plan.state, "to_approve")
        self.assertEqual(plan.months, 4)
        self.assertEqual(len(plan.installment_ids), 4)
        self.assertEqual(sum(plan.installment_ids.mapped("amount")), 600.0)
        self.assertFalse(plan.approved_by_id)
        # The owner of the approval approves.
        plan.with_user(self.csr2).action_approve()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.approved_by_id, self.csr2)
        self.assertRefused(plan.with_user(self.csr2), "write", {"move_ids": [(5,)]})
        self.assertRefused(plan.with_user(self.csr1), "action_cancel")
        self.assertEqual(plan.state, "active")
        plan.with_user(self.csr2).action_cancel()
        self.assertEqual(plan.state, "cancelled")

    def test_installments_must_pay_the_plan(self):
        self.company.utility_plan_approval_amount = 0.0
        plan = self._plan()
        plan.action_compute_installments()
        plan.installment_ids[-1].amount = 1.0
        with self.assertRaisesRegex(UserError, "add up to"):
            plan.action_confirm()
        self.assertEqual(plan.state, "draft")

    def test_collection_state_through_referral_only(self):
        referral_model = self.env["utility.collection.referral"].with_user(self.csr2)
        self.assertRefused(
            referral_model,
            "create",
            {
                "account_id": self.account.id,
                "referral_date": "2025-06-01",
                "amount": 600.0,
                "state": "written_off",
            },
        )
        self.assertRefused(
            self.account.with_user(self.csr1),
            "write",
            {"collection_state": "written_off"},
        )
        self.assertEqual(self.account.collection_state, "none")
        export = (
            self.env["utility.collection.export"]
            .with_user(self.csr2)
            .create({"date": "2025-06-01"})
        )
        self.assertRefused(export, "write", {"state": "done"})
        self.assertRefused(export.with_user(self.csr1), "action_refer")
        self.assertEqual(export.state, "draft")

    def test_collection_csv_cells_are_not_formulas(self):
        self.assertEqual(csv_safe_cell('=HYPERLINK("x")'), '\'=HYPERLINK("x")')
        self.assertEqual(csv_safe_cell("+1 760 555"), "'+1 760 555")
        self.assertEqual(csv_safe_cell("-cmd"), "'-cmd")
        self.assertEqual(csv_safe_cell("@SUM(A1)"), "'@SUM(A1)")
        self.assertEqual(csv_safe_cell("-12.50"), "-12.50")
        self.assertEqual(csv_safe_cell("Maria"), "Maria")
        self.assertEqual(csv_safe_cell(12.5), 12.5)
        export = self.env["utility.collection.export"].create({"date": "2025-06-01"})
        self.account.partner_id.write(
            {"name": "=cmd|' /C calc'!A0", "phone": "+1 760 555 0100"}
        )
        referral = (
            self.env["utility.collection.referral"]
            .with_context(tracking_disable=True)
            .sudo()
            .create(
                {
                    "account_id": self.account.id,
                    "referral_date": "2025-06-01",
                    "amount": 600.0,
                    "final_bill_id": self.bill.id,
                }
            )
        )
        text = export._make_csv(referral).decode()
        row = text.split("\r\n")[1]
        self.assertIn("'=cmd", row)
        self.assertIn(",'+1 760 555 0100,", row)
        self.assertIn(",600.00,", row)

    def test_notice_made_by_hand_is_not_a_shutoff_notice(self):
        """A notice a user makes cannot pose as the run's shut-off notice: its
        delinquency links are refused, and the safeguards ignore it."""
        Notice = self.env["utility.notice"].with_user(self.csr1)
        self.assertRefused(
            Notice,
            "create",
            {
                "account_id": self.account.id,
                "kind": "late",
                "delinquency_bill_id": self.bill.id,
            },
        )
        # Made by the superuser (or another path): not counted by the safeguards.
        with workflow("utility.notice"):
            self.env["utility.notice"].create(
                {
                    "account_id": self.account.id,
                    "kind": "shutoff",
                    "date": "2025-01-02",
                    "state": "sent",
                }
            )
        info = self.account._dlq_block_info(self._days(60))
        self.assertFalse(info["shutoff_notice_date"])


@tagged("post_install", "-at_install")
class TestShutoffControls(ControlsMixin, UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("CTL0201")
        cls._bill(cls.account, 120.0)

    def test_shutoff_list_and_orders(self):
        self._walk_to_list(self.account)
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        shutoff = line.list_id
        self.assertEqual(line.state, "eligible")
        for user in (self.csr1, self.csr2):
            self.assertRefused(line.with_user(user), "write", {"state": "removed"})
            self.assertRefused(shutoff.with_user(user), "write", {"state": "done"})
        self.assertRefused(
            self.env["utility.shutoff.list.line"].with_user(self.csr2),
            "create",
            {"list_id": shutoff.id, "account_id": self._account("CTL0202").id},
        )
        self.assertRefused(shutoff.with_user(self.csr1), "action_cancel")
        self.assertEqual(line.state, "eligible")
        self.assertEqual(shutoff.state, "draft")
        shutoff.with_user(self.csr2).action_confirm()
        order = line.order_id
        self.assertEqual(order.state, "scheduled")
        for user in (self.csr1, self.csr2):
            self.assertRefused(order.with_user(user), "write", {"state": "done"})
            self.assertRefused(
                order.with_user(user), "write", {"shutoff_line_id": False}
            )
        self.assertRefused(order.with_user(self.csr1), "action_cancel")
        self.assertEqual(order.state, "scheduled")
        self.assertFalse(self.account.disconnected)
        # The run's own records: not written by hand either.
        run = self.env["utility.delinquency.run"].search(
            [("date", "=", self._days(60))]
        )
        self.assertRefused(run.with_user(self.csr2), "write", {"state": "draft"})
        self.assertRefused(run.with_user(self.manager), "write", {"last_account_id": 0})
        event = self._events(self.account)[:1]
        self.assertRefused(event.with_user(self.csr2), "write", {"amount": 0.0})
        self.assertEqual(run.state, "done")


@tagged("post_install", "-at_install")
class TestMandateControls(ControlsMixin, UtilityAchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("CTL0301", "Ana Control")

    def test_mandate_state_and_bank_numbers(self):
        mandate = self._mandate(self.account)
        attempts = [
            {"state": "pending_prenote"},
            {"active_from": "2020-01-01"},
            {"prenote_date": False},
            {"routing_number": ROUTING_B},
            {"bank_account_number": "99990000"},
            {"bank_account_type": "savings"},
            {"authorization_date": "2019-01-01"},
        ]
        for vals in attempts:
            self.assertRefused(mandate.with_user(self.csr2), "write", vals)
        mandate.invalidate_recordset()
        self.assertEqual(mandate.state, "active")
        self.assertEqual(mandate.routing_number, ROUTING_A)
        self.assertEqual(mandate.sudo().bank_account_number, "123456789")
        self.assertEqual(mandate.bank_account_type, "checking")
        self.assertEqual(mandate.active_from, date(2026, 1, 12))
        self.assertRefused(mandate.with_user(self.csr1), "action_suspend")
        self.assertEqual(mandate.state, "active")
        # A correction from the bank is applied by the return import only.
        self.assertRefused(
            mandate.with_user(self.csr2), "_apply_change", "C02", {"routing": ROUTING_B}
        )
        self.assertEqual(mandate.routing_number, ROUTING_A)

    def test_new_mandate_waits_for_its_prenote(self):
        Mandate = self.env["utility.ach.mandate"].with_user(self.csr2)
        vals = {
            "account_id": self.account.id,
            "routing_number": ROUTING_A,
            "bank_account_number": "55554444",
        }
        self.assertRefused(Mandate, "create", {**vals, "state": "active"})
        self.assertRefused(Mandate, "create", {**vals, "active_from": "2026-01-01"})
        self.assertFalse(self.account.ach_mandate_ids)
        mandate = Mandate.create(vals)
        self.assertEqual(mandate.state, "pending_prenote")
        # While it is entered, its bank account can be corrected.
        mandate.write({"routing_number": ROUTING_B})
        self.assertEqual(mandate.routing_number, ROUTING_B)

    def test_one_open_mandate_per_account_in_the_database(self):
        mandate = self._mandate(self.account)
        self.env.flush_all()
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
        ):
            self.env.cr.execute(
                """INSERT INTO utility_ach_mandate
                       (name, account_id, holder_name, routing_number,
                        bank_account_type, sec_code, authorization_date, state,
                        company_id)
                   SELECT 'TWIN', account_id, holder_name, routing_number,
                          bank_account_type, sec_code, authorization_date,
                          'pending_prenote', company_id
                     FROM utility_ach_mandate WHERE id = %s""",
                (mandate.id,),
            )


@tagged("post_install", "-at_install")
class TestAchBatchControls(ControlsMixin, UtilityAchCommon):
    """A batch computed, then the bill paid at the counter, then generated:
    the file debits only what is still due."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acc_a = cls._account("CTL0401", "Ana Paid")
        cls.acc_b = cls._account("CTL0402", "Beto Partial")
        cls.acc_c = cls._account("CTL0403", "Carmen Owes")
        cls.bill_a = cls._bill(cls.acc_a, 146.57, "2026-03-10")
        cls.bill_b = cls._bill(cls.acc_b, 80.0, "2026-03-10")
        cls.bill_c = cls._bill(cls.acc_c, 50.0, "2026-03-10")
        for account in (cls.acc_a, cls.acc_b, cls.acc_c):
            cls._mandate(account)
        # The counter of the city.
        cls.company._utility_counter_setup()
        cls.cashier = new_test_user(
            cls.env,
            login="ctl_cashier",
            groups="base.group_user,utility_billing.group_csr_1",
            tz="UTC",
        )
        methods = cls.company._utility_counter_payment_methods()
        cls.cash_pm = methods.filtered(lambda m: m.utility_tender == "cash")
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Control Counter",
                "utility_counter": True,
                "payment_method_ids": [Command.set(methods.ids)],
            }
        )
        cls.payment_product = cls.company.utility_payment_product_id

    def _pay_at_counter(self, account, amount):
        session = UtilityCounterCommon._open_session(self)
        return UtilityCounterCommon._sync_order(
            self,
            session,
            [(self.payment_product, amount, account, None)],
            [(self.cash_pm, amount)],
        )

    def test_paid_at_the_counter_then_generated(self):
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            self.assertEqual(
                sorted(batch.line_ids.mapped("amount")), [50.0, 80.0, 146.57]
            )
            self._pay_at_counter(self.acc_a, 146.57)
            self._pay_at_counter(self.acc_b, 30.0)
            self.assertEqual(self.bill_a.payment_state, "paid")
            # A CSR I neither generates nor edits the entries.
            self.assertRefused(batch.with_user(self.csr1), "action_generate")
            line_c = batch.line_ids.filtered(lambda ln: ln.account_id == self.acc_c)
            self.assertRefused(line_c.with_user(self.csr2), "write", {"amount": 500.0})
            self.assertRefused(
                batch.with_user(self.csr2), "write", {"state": "generated"}
            )
            self.assertEqual(batch.state, "draft")
            batch.with_user(self.csr2).action_generate()
        self.assertEqual(batch.state, "generated")
        by_account = {ln.account_id: ln for ln in batch.line_ids}
        self.assertNotIn(self.acc_a, by_account, "paid at the counter: not debited")
        self.assertEqual(by_account[self.acc_b].amount, 50.0, "only what is due")
        self.assertEqual(by_account[self.acc_c].amount, 50.0)
        entries = [ln for ln in self._file_lines(batch) if ln.startswith("6")]
        self.assertEqual(
            sorted(int(ln[29:39]) for ln in entries), [5000, 5000], "the file too"
        )
        self.assertEqual(self.acc_a.balance, 0.0, "never below zero")
        self.assertEqual(self.acc_b.balance, 0.0)
        body = " ".join(batch.message_ids.mapped("body"))
        self.assertIn(f"{self.acc_a.name}: removed", body)
        self.assertRegex(body, rf"{self.acc_b.name}: \S+80\.00 lowered to \S+50\.00")

    def test_bill_in_one_open_batch(self):
        with freeze_time("2026-03-16 09:30:00"):
            first = self._batch()
            self.assertEqual(len(first.line_ids), 3)
            second = self._batch()
            self.assertFalse(second.line_ids, "bills already in an open batch")


@tagged("post_install", "-at_install")
class TestReturnFileControls(ControlsMixin, UtilityAchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acc_a = cls._account("CTL0501", "Ana Return")
        cls.acc_b = cls._account("CTL0502", "Beto Change")
        cls._bill(cls.acc_a, 80.0, "2026-03-10")
        cls._bill(cls.acc_b, 40.0, "2026-03-10")
        cls.mandate_a = cls._mandate(cls.acc_a)
        cls.mandate_b = cls._mandate(cls.acc_b, routing=ROUTING_B, number="1111")

    def _generated(self):
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            batch.with_user(self.csr2).action_generate()
        return batch

    def _count_returns(self):
        return self.env["utility.ach.return"].search_count([])

    def test_truncated_or_not_numeric_refuses_the_file(self):
        batch = self._generated()
        line_a = batch.line_ids.filtered(lambda ln: ln.account_id == self.acc_a)
        content = self._return_file([(line_a, "R01", "")]).decode().split("\n")
        before = self._count_returns()
        # The addenda (line 4) cut in its trace number.
        truncated = content[:]
        truncated[3] = truncated[3][:85]
        with self.assertRaises(UserError) as cm:
            self._import("\n".join(truncated).encode())
        self.assertIn("line 4", str(cm.exception))
        self.assertIn("truncated", str(cm.exception))
        self.assertIn("trace_number", str(cm.exception))
        # The entry's amount (line 3) is not a number.
        letters = content[:]
        letters[2] = letters[2][:29] + "00000ABC00" + letters[2][39:]
        with self.assertRaises(UserError) as cm:
            self._import("\n".join(letters).encode())
        self.assertIn("line 3", str(cm.exception))
        self.assertIn("amount", str(cm.exception))
        self.assertEqual(self._count_returns(), before, "nothing imported")
        self.assertFalse(line_a.returned)
        self.assertEqual(line_a.payment_id.state, "in_process")
        # The file as the bank sent it.
        ret = self._import("\n".join(content).encode())
        self.assertEqual(ret.line_ids.state, "done")

    def test_bad_noc_marks_its_line_only(self):
        batch = self._generated()
        line_a = batch.line_ids.filtered(lambda ln: ln.account_id == self.acc_a)
        line_b = batch.line_ids.filtered(lambda ln: ln.account_id == self.acc_b)
        content = self._return_file(
            [
                (line_b, "C02", "011000016"),  # check digit wrong
                (line_b, "C01", "12"),  # an account number the mandate refuses
                (line_a, "R01", ""),
            ]
        )
        ret = self._import(content)
        self.assertEqual(
            [(ln.code, ln.state) for ln in ret.line_ids],
            [("C02", "error"), ("C01", "error"), ("R01", "done")],
        )
        self.assertIn("routing number", ret.line_ids[0].message)
        self.assertIn("4 to 17", ret.line_ids[1].message)
        self.assertEqual(self.mandate_b.sudo().bank_account_number, "1111")
        self.assertEqual(self.mandate_b.routing_number, ROUTING_B)
        self.assertTrue(line_a.returned, "the rest of the file is processed")

    def test_return_records_written_by_the_import_only(self):
        batch = self._generated()
        line_a = batch.line_ids.filtered(lambda ln: ln.account_id == self.acc_a)
        ret = self._import(self._return_file([(line_a, "R01", "")]))
        self.assertRefused(
            ret.line_ids.with_user(self.csr2), "write", {"state": "error"}
        )
        self.assertRefused(ret.with_user(self.csr2), "write", {"state": "draft"})
        self.assertRefused(
            self.env["utility.ach.return"].with_user(self.csr1),
            "_import_file",
            b"",
            "x.txt",
        )
        self.assertEqual(ret.line_ids.state, "done")


@tagged("post_install", "-at_install")
class TestCounterControls(ControlsMixin, UtilityCounterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._counter_account(
            "CTL-9", "Rosa Control", [(60.0, "2026-09-25")]
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="ctl_supervisor",
            groups="base.group_user,utility_billing.group_csr_2",
            tz="UTC",
        )
        cls.other_company = cls.setup_other_company(name="Other Town")["company"]
        cls.outsider = new_test_user(
            cls.env,
            login="ctl_outsider",
            groups="base.group_user,utility_billing.group_csr_2",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
            tz="UTC",
        )

    def _pay(self, amount=60.0, method=None, number=None, session=None):
        session = session or self.config.current_session_id or self._open_session()
        payment = (method or self.cash_pm, amount) + ((number,) if number else ())
        return self._sync_order(
            session, [(self.payment_product, amount, self.account, None)], [payment]
        )

    def test_counter_flag_by_manager_only(self):
        sequence = self.config.utility_receipt_sequence_id
        for user in (self.cashier, self.supervisor):
            config = self.config.with_user(user)
            self.assertRefused(config, "write", {"utility_counter": False})
            self.assertRefused(config, "write", {"utility_receipt_sequence_id": False})
        self.config.invalidate_recordset()
        self.assertTrue(self.config.utility_counter)
        self.assertEqual(self.config.utility_receipt_sequence_id, sequence)
        # POS users still write the rest of their POS (core's right).
        self.config.with_user(self.cashier).write({"name": "City Hall Counter"})
        self.config.with_user(self.manager).write({"utility_counter": False})
        self.assertFalse(self.config.utility_counter)

    def _refund_order_vals(self, session, line):
        """What the POS sends to refund ``line`` (no account on the refund)."""
        return {
            "amount_paid": -line.price_subtotal_incl,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": -line.price_subtotal_incl,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "pricelist_id": self.config.pricelist_id.id,
            "name": "Order refund-attempt",
            "lines": [
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "qty": -1,
                        "price_unit": line.price_unit,
                        "price_subtotal": -line.price_subtotal,
                        "price_subtotal_incl": -line.price_subtotal_incl,
                        "refunded_orderline_id": line.id,
                        "tax_ids": [Command.set([])],
                        "uuid": "refund-attempt-line",
                    }
                )
            ],
            "partner_id": self.account.partner_id.id,
            "session_id": session.id,
            "sequence_number": 99,
            "payment_ids": [
                Command.create(
                    {
                        "amount": -line.price_subtotal_incl,
                        "name": fields.Datetime.now(),
                        "payment_method_id": self.cash_pm.id,
                    }
                )
            ],
            "uuid": "refund-attempt",
            "user_id": self.cashier.id,
            "to_invoice": False,
            "state": "paid",
        }

    def test_no_refund_of_a_utility_receipt(self):
        order = self._pay()
        self.assertRefused(order.with_user(self.cashier), "refund")
        self.assertRefused(order.with_user(self.supervisor), "refund")
        self.assertRefused(order.with_user(self.manager), "refund")
        # Nor rung up by the POS as a refund line (no account on it).
        session = self.config.current_session_id
        line = order.lines
        with self.assertRaises(REFUSED):
            self.env["pos.order"].with_user(self.cashier).sync_from_ui(
                [self._refund_order_vals(session, line)]
            )
        self.assertEqual(
            self.env["pos.order"].search_count([("session_id", "=", session.id)]), 1
        )
        self.assertFalse(line.refund_orderline_ids)
        self.assertEqual(self.account.balance, 0.0)
        # The void (a CSR II, not the cashier) gives the money back.
        self.env["utility.counter.void"].with_user(self.supervisor).create(
            {"order_id": order.id, "reason": "wrong account"}
        ).action_void()
        self.assertTrue(order.utility_void_order_id)
        self.assertEqual(self.account.balance, 60.0)

    def test_cash_only_account_never_paid_by_check(self):
        self.account.sudo().write({"cash_only": True})
        session = self._open_session()
        with self.assertRaises(ValidationError) as cm:
            self._pay(60.0, self.check_pm, "8001", session=session)
        self.assertIn("cash, card or money order only", str(cm.exception))
        session.invalidate_recordset()
        self.assertFalse(session.order_ids)
        self._pay(60.0, self.cash_pm, session=session)
        self.assertEqual(self.account.balance, 0.0)

    def test_receipt_fields_not_written_by_hand(self):
        order = self._pay()
        for vals in (
            {"utility_receipt_number": "R99-0001"},
            {"utility_is_void": True},
            {"utility_void_user_id": self.cashier.id},
        ):
            self.assertRefused(order.with_user(self.cashier), "write", vals)
        self.assertRefused(
            order.lines.with_user(self.cashier),
            "write",
            {"utility_payment_move_id": False},
        )
        self.assertRefused(
            order.payment_ids.with_user(self.cashier),
            "write",
            {"utility_returned": True},
        )
        order.invalidate_recordset()
        self.assertFalse(order.utility_is_void)
        self.assertTrue(order.lines.utility_payment_move_id)
        self.assertFalse(order.payment_ids.utility_returned)

    def test_returned_check_of_another_company_refused_before_sudo(self):
        order = self._pay(100.0, self.check_pm, "7001")
        payment = order.payment_ids
        Nsf = self.env["utility.counter.nsf"]
        wizard = Nsf.with_user(self.outsider).create({"payment_id": payment.id})
        self.assertRefused(wizard, "action_confirm")
        Void = self.env["utility.counter.void"]
        void = Void.with_user(self.outsider).create(
            {"order_id": order.id, "reason": "x"}
        )
        self.assertRefused(void, "action_void")
        payment.invalidate_recordset()
        self.assertFalse(payment.utility_returned)
        self.assertFalse(payment.utility_return_move_ids)
        self.assertFalse(order.utility_void_order_id)
        self.assertEqual(self.account.returned_check_count, 0)
        self.assertEqual(self.account.balance, -40.0)
        # The owner of the workflow, in the payment's company.
        Nsf.with_user(self.supervisor).create(
            {"payment_id": payment.id}
        ).action_confirm()
        self.assertTrue(payment.utility_returned)
        self.assertEqual(self.account.returned_check_count, 1)

    def test_payment_that_cannot_be_applied_is_seen(self):
        session = self._open_session()
        Account = type(self.env["utility.account"])
        with (
            patch.object(
                Account,
                "_utility_apply_credit",
                side_effect=ValueError("reconciliation failed"),
            ),
            self.assertRaises(UserError) as cm,
        ):
            self._pay(session=session)
        self.assertIn("reconciliation failed", str(cm.exception))
        self.assertIn("not recorded", str(cm.exception))
        session.invalidate_recordset()
        self.assertFalse(session.order_ids)
        # An order saved without its payment applied (e.g. before this
        # control) is shown on the session and stops its closing.
        Order = type(self.env["pos.order"])
        with patch.object(Order, "_utility_post_counter_payments_checked"):
            order = self._pay(session=session)
        self.assertFalse(order.lines.utility_payment_move_id)
        session.invalidate_recordset()
        self.assertEqual(session.utility_unapplied_count, 1)
        self.assertIn("CTL-9", session.utility_unapplied_info)
        session.post_closing_cash_details(60.0)
        with (
            patch.object(
                Account, "_utility_apply_credit", side_effect=ValueError("still broken")
            ),
            self.assertRaises(UserError) as cm,
        ):
            session.close_session_from_ui()
        self.assertIn("still broken", str(cm.exception))
        self.assertIn(order.utility_receipt_number, str(cm.exception))
        # Repaired: the closing applies it.
        self.assertTrue(session.close_session_from_ui()["successful"])
        self.assertTrue(order.lines.utility_payment_move_id)
        self.assertEqual(self.account.balance, 0.0)


@tagged("post_install", "-at_install")
class TestControlsOverJsonRpc(UtilityCounterCommon, HttpCase):
    """The most important refusals as an employee tries them: the web client's
    JSON-RPC (``/web/dataset/call_kw``), with and without the context keys."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._counter_account("RPC-1", "Rosa Rpc", [(60.0, "2026-09-25")])

    def _call_kw(self, model, method, args, kwargs=None, context=None):
        """The decoded JSON-RPC response (``result`` or ``error``)."""
        return call_kw(self, model, method, args, kwargs=kwargs, context=context)

    def assertRpcRefused(self, model, method, args, kwargs=None, contains=None):
        for context in ({}, OLD_KEYS):
            reply = self._call_kw(model, method, args, kwargs, context)
            self.assertIn("error", reply, f"{model}.{method} {args} {context}")
            data = reply["error"]["data"]
            self.assertIn(data["name"], USER_ERRORS, data)
            if contains:
                self.assertIn(contains, data["message"])

    def test_csr1_writes_collection_state(self):
        self.authenticate(self.csr1.login, self.csr1.login)
        for vals in ({"collection_state": "written_off"}, {"cash_only": True}):
            self.assertRpcRefused("utility.account", "write", [self.account.ids, vals])
        self.account.invalidate_recordset()
        self.assertEqual(self.account.collection_state, "none")
        self.assertFalse(self.account.cash_only)

    def test_cashier_unticks_the_counter_flag(self):
        self.authenticate(self.cashier.login, self.cashier.login)
        self.assertRpcRefused(
            "pos.config",
            "write",
            [self.config.ids, {"utility_counter": False}],
            contains="utility billing manager",
        )
        self.config.invalidate_recordset()
        self.assertTrue(self.config.utility_counter)
        # The Finance Director does it.
        self.authenticate(self.manager.login, self.manager.login)
        reply = self._call_kw(
            "pos.config", "write", [self.config.ids, {"utility_counter": False}]
        )
        self.assertTrue(reply.get("result"), reply)
        self.config.invalidate_recordset()
        self.assertFalse(self.config.utility_counter)

    def test_cashier_refunds_a_payment_with_core_refund(self):
        session = self._open_session()
        order = self._sync_order(
            session,
            [(self.payment_product, 60.0, self.account, None)],
            [(self.cash_pm, 60.0)],
        )
        self.authenticate(self.cashier.login, self.cashier.login)
        self.assertRpcRefused(
            "pos.order", "refund", [order.ids], contains="cannot be refunded"
        )
        order.invalidate_recordset()
        self.assertFalse(order.lines.refund_orderline_ids)
        self.assertEqual(
            self.env["pos.order"].search_count([("session_id", "=", session.id)]), 1
        )
