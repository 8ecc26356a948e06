# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import UtilityBillingCommon

FLAGS = ("low_income", "medical_certification", "appeal_pending")


class Sb998CaseCommon(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.utility_sb998_medical_days = 180
        cls.company.utility_sb998_inability_days = 365
        _premise, _meter, cls.account = cls._setup_account("SB998-1")

    def _flags(self, account=None):
        account = account or self.account
        return {name: account[name] for name in FLAGS}


@tagged("post_install", "-at_install")
class TestSb998Case(Sb998CaseCommon):
    """The SB 998 protections of an account follow the evidence recorded on
    it: received, accepted, expired, closed."""

    def test_flags_follow_cases(self):
        self.assertEqual(
            self._flags(),
            {
                "low_income": False,
                "medical_certification": False,
                "appeal_pending": False,
            },
        )
        # A CSR I records the certificate: received, not yet protecting.
        medical = self._sb998_case(
            self.account,
            "medical",
            accept=False,
            received_date=date(2025, 1, 10),
            provider_name="Dr. Ruiz",
        )
        self.assertEqual(medical.state, "received")
        self.assertEqual(medical.recorded_by_id, self.csr1)
        self.assertTrue(medical.name.startswith("SB998/"))
        self.assertFalse(self.account.medical_certification)
        # A CSR II accepts it: from the received date, for the company's 180 days.
        with freeze_time("2025-01-12 18:00:00"):
            medical.with_user(self.csr2).action_accept()
        self.assertEqual(medical.state, "active")
        self.assertEqual(medical.decision, "accepted")
        self.assertEqual(medical.decided_by_id, self.csr2)
        self.assertEqual(medical.decided_date, date(2025, 1, 12))
        self.assertEqual(medical.effective_date, date(2025, 1, 10))
        self.assertEqual(medical.expiry_date, date(2025, 7, 8))
        with freeze_time("2025-01-12 18:00:00"):
            self.account._sb998_recompute_flags()
        self.assertTrue(self.account.medical_certification)
        self.assertEqual(self.account.medical_certification_date, date(2025, 1, 10))
        # Inability by declaration: 12 months.
        with freeze_time("2025-01-12 18:00:00"):
            inability = self._sb998_case(
                self.account,
                "inability",
                inability_basis="declaration",
                program=False,
            )
            self.assertTrue(self.account.low_income)
        self.assertEqual(inability.received_date, date(2025, 1, 12))
        self.assertEqual(inability.expiry_date, date(2026, 1, 11))
        # An appeal protects from the day it is received until it is decided.
        appeal = self._sb998_case(self.account, "appeal")
        self.assertEqual(appeal.state, "received")
        self.assertTrue(self.account.appeal_pending)
        self.assertIn(
            self.account,
            self.env["utility.account"].search([("appeal_pending", "=", True)]),
        )
        appeal.with_user(self.csr2).action_decide_for_customer()
        self.assertEqual((appeal.state, appeal.decision), ("decided", "for_customer"))
        self.assertFalse(self.account.appeal_pending)
        # Closed: no longer protecting.
        inability.with_user(self.csr2).action_close()
        self.assertEqual((inability.state, inability.decision), ("closed", "withdrawn"))
        self.assertFalse(self.account.low_income)

    def test_rejected_evidence_protects_nothing(self):
        case = self._sb998_case(self.account, "willingness", accept=False)
        case.with_user(self.csr2).action_reject()
        self.assertEqual((case.state, case.decision), ("closed", "rejected"))
        self.assertFalse(self.account.sb998_case_ids.filtered("in_force"))
        with self.assertRaisesRegex(UserError, "cannot take this step"):
            case.with_user(self.csr2).action_accept()
        appeal = self._sb998_case(self.account, "appeal")
        with self.assertRaisesRegex(UserError, "cannot take this step"):
            appeal.with_user(self.csr2).action_accept()

    def test_expiry_by_date(self):
        """The daily job expires a certification the day after its last day,
        and starts protecting on a future effective date."""
        with freeze_time("2025-01-10 18:00:00"):
            medical = self._sb998_case(self.account, "medical")
            later = self._sb998_case(
                self.account,
                "inability",
                accept=False,
                effective_date=date(2025, 3, 1),
                expiry_date=date(2025, 6, 30),
            )
            later.with_user(self.csr2).action_accept()
        self.assertEqual(medical.expiry_date, date(2025, 7, 8))
        self.assertEqual(later.expiry_date, date(2025, 6, 30), "the keyed one kept")
        cron = self.env.ref("utility_billing.ir_cron_sb998_case_expire")
        for moment, medical_on, low_income, state in (
            ("2025-02-28 18:00:00", True, False, "active"),
            ("2025-03-01 18:00:00", True, True, "active"),
            ("2025-07-01 18:00:00", True, False, "active"),
            ("2025-07-08 18:00:00", True, False, "active"),
            # 01:00 UTC on July 9 is still July 8 in Los Angeles.
            ("2025-07-09 01:00:00", True, False, "active"),
            ("2025-07-09 18:00:00", False, False, "expired"),
        ):
            with self.subTest(moment=moment), freeze_time(moment):
                cron.method_direct_trigger()
                self.account.invalidate_recordset()
                self.assertEqual(self.account.medical_certification, medical_on)
                self.assertEqual(self.account.low_income, low_income)
                self.assertEqual(medical.state, state)
        self.assertEqual(later.state, "expired")
        self.assertEqual(self.account.medical_certification_date, False)

    def test_renewal_periods_are_settings(self):
        settings = self.env["utility.settings"].with_user(self.manager).create({})
        settings.utility_sb998_medical_days = 90
        self.assertEqual(self.company.utility_sb998_medical_days, 90)
        with freeze_time("2025-01-10 18:00:00"):
            medical = self._sb998_case(self.account, "medical")
        self.assertEqual(medical.expiry_date, date(2025, 4, 9))
        self.company.utility_sb998_medical_days = 0
        willing = self._sb998_case(self.account, "willingness")
        self.assertFalse(willing.expiry_date)

    def test_inability_needs_its_basis(self):
        with self.assertRaisesRegex(UserError, "assistance program or"):
            self._sb998_case(self.account, "inability", inability_basis=False)
        with self.assertRaisesRegex(UserError, "name the program"):
            self._sb998_case(self.account, "inability", program=False)

    def test_csr1_records_but_does_not_decide(self):
        case = self._sb998_case(self.account, "medical", accept=False)
        as_csr1 = case.with_user(self.csr1)
        # Evidence may be corrected while it is received.
        as_csr1.write({"provider_name": "Dr. Ana Ruiz", "expiry_date": "2027-12-31"})
        for method in (
            "action_accept",
            "action_reject",
            "action_close",
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(as_csr1, method)()
        for vals in (
            {"state": "active"},
            {"decision": "accepted"},
            {"decided_by_id": self.csr1.id},
            {"recorded_by_id": self.csr2.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_csr1.write(vals)
        with self.assertRaises(AccessError):
            as_csr1.write({"decision_note": "Accepted by me"})
        with self.assertRaises(UserError):
            self.env["utility.sb998.case"].with_user(self.csr1).create(
                {"account_id": self.account.id, "kind": "appeal", "state": "decided"}
            )
        with self.assertRaises(UserError):
            self.account.with_user(self.csr1).write({"low_income": True})
        with self.assertRaises(UserError):
            self.account.with_user(self.manager).write({"appeal_pending": True})
        self.assertEqual(case.state, "received")
        self.assertFalse(self.account.low_income)
        # Accepted: the evidence is frozen, even for its decider.
        case.with_user(self.csr2).action_accept()
        for user in (self.csr1, self.csr2):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                case.with_user(user).write({"expiry_date": "2030-12-31"})
        self.assertEqual(case.expiry_date, date(2027, 12, 31))
        with self.assertRaisesRegex(UserError, "evidence"):
            case.with_user(self.manager).unlink()
        # Notes and the chatter stay open to a CSR I.
        case.with_user(self.csr1).write({"note": "Copy given to the customer."})
        case.with_user(self.csr1).message_post(body="Called the clinic.")

    def test_contact_log(self):
        Log = self.env["utility.contact.log"]
        log = Log.with_user(self.csr1).create(
            {
                "account_id": self.account.id,
                "kind": "phone_attempt",
                "contact_date": datetime(2025, 7, 1, 16, 30),
                "phone": "760-555-0100",
                "outcome": "No answer",
                "user_id": self.csr2.id,
            }
        )
        self.assertEqual(log.user_id, self.csr1, "who records it, whatever is sent")
        self.assertEqual(log._local_date(), date(2025, 7, 1))
        self.assertEqual(self.account.contact_log_ids, log)
        with self.assertRaises(AccessError):
            log.with_user(self.csr1).write({"outcome": "Reached"})
        with self.assertRaises(AccessError):
            log.with_user(self.csr2).unlink()
        with self.assertRaises(UserError):
            log.with_user(self.manager).write({"user_id": self.manager.id})
        self.assertEqual(log.outcome, "No answer")

    def test_account_form_shows_cases_and_log(self):
        arch = self.env["utility.account"].get_view(view_type="form")["arch"]
        for name in (*FLAGS, "medical_certification_date", "plan_willing"):
            if name in self.env["utility.account"]._fields:
                self.assertIn(f'name="{name}"', arch)
        for name in ("sb998_case_ids", "contact_log_ids", "action_view_sb998_cases"):
            self.assertIn(f'name="{name}"', arch)
        for name in (*FLAGS, "medical_certification_date"):
            field = self.env["utility.account"]._fields[name]
            self.assertTrue(field.tracking, name)
            self.assertTrue(field.store and field.compute, name)
        case = self._sb998_case(self.account, "appeal")
        self.assertEqual(self.account.sb998_case_count, 1)
        action = self.account.action_view_sb998_cases()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), case)


@tagged("post_install", "-at_install")
class TestSb998CaseJsonRpc(HttpCase, Sb998CaseCommon):
    """A CSR I over JSON-RPC: records a case and logs a contact, is refused
    the decision however it asks; a CSR II decides."""

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": dict(kwargs or {}, context={"sb998_trusted": True}),
            },
        )

    @mute_logger("odoo.http")
    def test_csr1_refused_over_json_rpc(self):
        self.authenticate(self.csr1.login, self.csr1.login)
        case_id = self._call(
            "utility.sb998.case",
            "create",
            [{"account_id": self.account.id, "kind": "appeal"}],
        )
        case = self.env["utility.sb998.case"].browse(case_id)
        self.assertEqual((case.state, case.recorded_by_id), ("received", self.csr1))
        self.assertTrue(self.account.appeal_pending)
        self._call(
            "utility.contact.log",
            "create",
            [{"account_id": self.account.id, "kind": "site_visit"}],
        )
        self.assertEqual(self.account.contact_log_ids.user_id, self.csr1)
        for model, method, args, error in (
            (
                "utility.sb998.case",
                "action_decide_against_customer",
                [[case_id]],
                "Access",
            ),
            ("utility.sb998.case", "action_close", [[case_id]], "Access"),
            ("utility.sb998.case", "write", [[case_id], {"state": "decided"}], "User"),
            (
                "utility.sb998.case",
                "write",
                [[case_id], {"decision": "against_customer"}],
                "User",
            ),
            (
                "utility.sb998.case",
                "create",
                [
                    {
                        "account_id": self.account.id,
                        "kind": "medical",
                        "state": "active",
                        "decided_by_id": self.csr2.id,
                    }
                ],
                "User",
            ),
            (
                "utility.account",
                "write",
                [self.account.ids, {"low_income": True}],
                "User",
            ),
            (
                "utility.account",
                "write",
                [self.account.ids, {"appeal_pending": False}],
                "User",
            ),
            (
                "utility.contact.log",
                "unlink",
                [self.account.contact_log_ids.ids],
                "Access",
            ),
        ):
            with (
                self.subTest(model=model, method=method, args=args),
                self.assertRaises(JsonRpcException) as cm,
            ):
                self._call(model, method, args)
            self.assertIn(f"{error}Error", str(cm.exception))
        case.invalidate_recordset()
        self.account.invalidate_recordset()
        self.assertEqual(case.state, "received")
        self.assertFalse(case.decision)
        self.assertEqual(len(self.account.sb998_case_ids), 1)
        self.assertEqual(len(self.account.contact_log_ids), 1)
        self.assertEqual(
            self._flags(),
            {
                "low_income": False,
                "medical_certification": False,
                "appeal_pending": True,
            },
        )
        # The CSR II decides.
        self.authenticate(self.csr2.login, self.csr2.login)
        self._call("utility.sb998.case", "action_decide_against_customer", [[case_id]])
        case.invalidate_recordset()
        self.account.invalidate_recordset()
        self.assertEqual((case.state, case.decided_by_id), ("decided", self.csr2))
        self.assertFalse(self.account.appeal_pending)
