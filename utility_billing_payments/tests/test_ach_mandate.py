# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .ach_common import ROUTING_A, ROUTING_B, UtilityAchCommon


@tagged("post_install", "-at_install")
class TestAchMandate(UtilityAchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("MND-1", "Ana Lopez")

    def test_routing_number_check_digit(self):
        """The routing number must pass the ABA check digit (stdnum.us.rtn)."""
        with self.assertRaisesRegex(ValidationError, "021000022 is not a valid ABA"):
            self._mandate(self.account, routing="021000022", active=False)
        with self.assertRaisesRegex(ValidationError, "not a valid ABA"):
            self._mandate(self.account, routing="12345", active=False)
        mandate = self._mandate(self.account, routing=" 021000021 ", active=False)
        self.assertEqual(mandate.routing_number, "021000021")

    def test_account_number_normalized_and_never_in_messages(self):
        """Spaces and hyphens are dropped; a bad number is refused without
        showing it (it would end in the logs)."""
        mandate = self._mandate(self.account, number="12-3456 789", active=False)
        self.assertEqual(mandate.sudo().bank_account_number, "123456789")
        self.assertEqual(mandate.bank_account_masked, "****6789")
        with self.assertRaises(ValidationError) as cm:
            mandate.write({"bank_account_number": "12$4"})
        self.assertNotIn("12$4", str(cm.exception))
        self.assertIn("4 to 17 letters or digits", str(cm.exception))

    def test_masking_by_role(self):
        """A CSR I sees the masked number only and cannot read or write the
        full one; a CSR II sees and edits it."""
        mandate = self._mandate(self.account, number="000111222333", active=False)
        as_csr1 = mandate.with_user(self.csr1)
        self.assertEqual(as_csr1.bank_account_masked, "****2333")
        with self.assertRaises(AccessError):
            as_csr1.read(["bank_account_number"])
        with self.assertRaises(AccessError):
            as_csr1.write({"holder_name": "X"})
        as_csr2 = mandate.with_user(self.csr2)
        self.assertEqual(
            as_csr2.read(["bank_account_number"])[0]["bank_account_number"],
            "000111222333",
        )
        as_csr2.bank_account_number = "999888777"
        self.assertEqual(mandate.bank_account_masked, "****8777")
        # The form of a CSR I has no full number field at all.
        form_fields = (
            self.env["utility.ach.mandate"]
            .with_user(self.csr1)
            .get_views([(False, "form")])["models"]["utility.ach.mandate"]["fields"]
        )
        self.assertNotIn("bank_account_number", form_fields)
        self.assertIn("bank_account_masked", form_fields)

    def test_csr1_cannot_enroll(self):
        """Enrolling (creating a mandate) is for CSR II and managers."""
        with self.assertRaises(AccessError):
            self.env["utility.ach.mandate"].with_user(self.csr1).create(
                {
                    "account_id": self.account.id,
                    "routing_number": ROUTING_A,
                    "bank_account_number": "123456",
                }
            )

    def test_tracking_shows_masked_number_only(self):
        """The chatter tracks the masked number; the full number is in no
        message and no tracking value."""
        mandate = (
            self.env["utility.ach.mandate"]
            .with_context(tracking_disable=False, mail_notrack=False)
            .create(
                {
                    "account_id": self.account.id,
                    "routing_number": ROUTING_A,
                    "bank_account_number": "555666777888",
                }
            )
        )
        # A record is tracked from the transaction after its creation.
        self.env.flush_all()
        self.env.cr.precommit.run()
        mandate.with_context(tracking_disable=False, mail_notrack=False).write(
            {"bank_account_number": "444333222111"}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        messages = self.env["mail.message"].search(
            [("model", "=", mandate._name), ("res_id", "=", mandate.id)]
        )
        values = messages.tracking_value_ids
        self.assertIn(
            ("****7888", "****2111"),
            [(v.old_value_char, v.new_value_char) for v in values],
        )
        texts = " ".join(
            (v.old_value_char or "") + (v.new_value_char or "") for v in values
        ) + " ".join(m.body or "" for m in messages)
        self.assertNotIn("555666777888", texts)
        self.assertNotIn("444333222111", texts)

    def test_one_open_mandate_per_account(self):
        """An account has one mandate that is not revoked."""
        first = self._mandate(self.account)
        with self.assertRaisesRegex(ValidationError, "already has an autopay mandate"):
            self._mandate(self.account, routing=ROUTING_B)
        first.with_user(self.csr2).action_revoke()
        second = self._mandate(self.account, routing=ROUTING_B, active=False)
        self.assertEqual(second.state, "pending_prenote")

    def test_revoke_keeps_authorization_two_years(self):
        """A revoked mandate is kept 2 years and is never debited again; one
        that went into a file cannot be deleted."""
        mandate = self._mandate(self.account)
        self._bill(self.account, 40.0, "2026-03-10")
        with freeze_time("2026-03-16 09:30:00"):
            self._batch().action_generate()
            mandate.with_user(self.csr2).action_revoke()
        self.assertEqual(mandate.state, "revoked")
        self.assertEqual(mandate.revocation_date, date(2026, 3, 16))
        self.assertEqual(mandate.retention_until, date(2028, 3, 16))
        with self.assertRaisesRegex(UserError, "revoke it instead"):
            mandate.unlink()
        with self.assertRaisesRegex(UserError, "already revoked"):
            mandate.action_revoke()

    def test_suspend_and_reactivate(self):
        """Suspended mandates are not debited; reactivating a prenoted one
        makes it active again."""
        mandate = self._mandate(self.account)
        self._bill(self.account, 40.0, "2026-03-10")
        mandate.with_user(self.csr2).action_suspend()
        with freeze_time("2026-03-16 09:30:00"):
            self.assertFalse(self._batch().line_ids)
            mandate.with_user(self.csr2).action_reactivate()
            self.assertEqual(mandate.state, "active")
            self.assertEqual(len(self._batch().line_ids), 1)

    def test_new_bank_account_needs_new_prenote(self):
        """The bank account of an active mandate is not edited: Change Bank
        Account sends it back to prenote (NOC corrections do not: see the
        return tests)."""
        mandate = self._mandate(self.account)
        for ctx in ({}, {"ach_noc": True}):
            with self.assertRaisesRegex(UserError, "Change Bank Account"):
                mandate.with_user(self.csr2).with_context(**ctx).write(
                    {"routing_number": ROUTING_B}
                )
        mandate.invalidate_recordset()
        self.assertEqual(mandate.routing_number, ROUTING_A)
        self.assertEqual(mandate.state, "active")
        action = mandate.with_user(self.csr2).action_change_bank_account()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.csr2)
            .with_context(**action["context"])
            .create(
                {
                    "routing_number": ROUTING_B,
                    "bank_account_number": "99887766",
                    "bank_account_type": "savings",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(mandate.routing_number, ROUTING_B)
        self.assertEqual(mandate.bank_account_masked, "****7766")
        self.assertEqual(mandate.bank_account_type, "savings")
        self.assertEqual(mandate.state, "pending_prenote")
        self.assertFalse(mandate.prenote_date)
        self.assertFalse(mandate.active_from)

    def test_prenote_flow(self):
        """Enrolment: the prenote (code 28, zero dollars) goes in the next file
        once; the mandate is debited from the third banking day after the
        prenote's effective date, not before."""
        self._bill(self.account, 75.25, "2026-03-10")
        with Form(
            self.env["utility.ach.mandate"]
            .with_user(self.csr2)
            .with_context(default_account_id=self.account.id)
        ) as form:
            form.routing_number = ROUTING_A
            form.bank_account_number = "123456789"
        mandate = form.record
        self.assertEqual(mandate.state, "pending_prenote")
        self.assertEqual(mandate.holder_name, "Ana Lopez")
        with freeze_time("2026-03-16 09:30:00"):
            batch = self._batch()
            self.assertEqual(batch.line_ids.mapped("kind"), ["prenote"])
            self.assertEqual(batch.debit_count, 0)
            batch.with_user(self.csr2).action_generate()
        entry = self._file_lines(batch)[2]
        self.assertEqual(entry[1:3], "28")
        self.assertEqual(entry[29:39], "0000000000")
        self.assertFalse(batch.line_ids.payment_id)
        # Wednesday 18 + 3 banking days = Monday 23 March.
        self.assertEqual(mandate.prenote_date, date(2026, 3, 18))
        self.assertEqual(mandate.active_from, date(2026, 3, 23))
        self.assertEqual(mandate.state, "pending_prenote")
        with freeze_time("2026-03-19 09:00:00"):
            early = self._batch(date(2026, 3, 20))
            self.assertFalse(early.line_ids, "no debit before the wait, no 2nd prenote")
            self.env.ref(
                "utility_billing_payments.ir_cron_ach_activate_mandates"
            ).method_direct_trigger()
            self.assertEqual(mandate.state, "pending_prenote")
            early.action_cancel()
        with freeze_time("2026-03-23 06:00:00"):
            self.env.ref(
                "utility_billing_payments.ir_cron_ach_activate_mandates"
            ).method_direct_trigger()
            self.assertEqual(mandate.state, "active")
            batch = self._batch(date(2026, 3, 24))
        self.assertEqual(batch.line_ids.mapped("kind"), ["debit"])
        self.assertEqual(batch.amount_total, 75.25)

    def test_savings_prenote_code(self):
        """A savings account gets prenote code 38 and debit code 37."""
        mandate = self._mandate(self.account, account_type="savings", active=False)
        self.assertEqual(mandate._transaction_code(prenote=True), 38)
        self.assertEqual(mandate._transaction_code(), 37)

    def test_autopay_flag(self):
        """The account shows autopay while a mandate is active, and the
        counter sees it among the account's flags."""
        self.assertFalse(self.account.autopay)
        mandate = self._mandate(self.account)
        self.assertTrue(self.account.autopay)
        self.assertIn("Autopay", self.account._pos_counter_flags())
        self.assertIn(
            self.account,
            self.env["utility.account"].search([("autopay", "=", True)]),
        )
        mandate.action_suspend()
        self.assertFalse(self.account.autopay)
        self.assertNotIn("Autopay", self.account._pos_counter_flags())
        self.assertIn(
            self.account,
            self.env["utility.account"].search([("autopay", "=", False)]),
        )
