# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import UtilityBillingCommon


@tagged("post_install", "-at_install")
class TestUtilityAccount(UtilityBillingCommon):
    """Service accounts: numbering, activation, overlap, deposits, start and
    stop service, closing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        DepositRule = cls.env["utility.deposit.rule"]
        DepositRule.search([("company_id", "=", cls.company.id)]).unlink()
        DepositRule.create(
            [
                {"customer_class": "residential", "amount": 85.0},
                {"customer_class": "commercial", "amount": 300.0},
            ]
        )
        cls.california = cls.env.ref("base.state_us_5")

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """unittest's check of the message, inside Odoo's savepoint: what the
        failed call wrote is rolled back, as it is for the user."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)

    def _new_account(self, premise, services=None, **vals):
        values = {
            "partner_id": self.partner.id,
            "premise_id": premise.id,
            "service_ids": [
                Command.create(service_vals)
                for service_vals in (
                    [{"service_type_id": self.trash.id}]
                    if services is None
                    else services
                )
            ],
        }
        values.update(vals)
        return self.env["utility.account"].create(values)

    def _stop(self, account, end_date, readings=None, **vals):
        """Run the stop-service wizard as the account form opens it."""
        action = account.action_stop_service()
        wizard_env = self.env["utility.stop.service"].with_context(**action["context"])
        with Form(wizard_env) as form:
            form.end_date = end_date
            for name, value in vals.items():
                setattr(form, name, value)
            for index, reading in enumerate(readings or []):
                with form.line_ids.edit(index) as line:
                    line.reading = reading
        return form.record.action_stop()

    def _start_form(self, premise, start_date="2025-02-01", partner=None):
        form = Form(self.env["utility.start.service"])
        form.customer_mode = "existing"
        form.partner_id = partner or self.partner
        form.premise_id = premise
        form.start_date = start_date
        return form

    def _vacant_premise_with_meter(self, serial, reading=120.0, **premise_vals):
        premise = self._create_premise(street=f"{serial} Calle Vacia", **premise_vals)
        meter = self._create_meter(serial)
        meter._install(premise, "2025-01-05", reading)
        return premise, meter

    # ------------------------------------------------------------
    # Numbering and activation
    # ------------------------------------------------------------

    def test_account_number_from_sequence(self):
        """Account numbers come from the 'utility.account' sequence, one after
        the other, never the '/' placeholder."""
        premise = self._create_premise("1 Calle Sequence")
        first = self._new_account(premise)
        second = self._new_account(premise)
        self.assertRegex(first.name, r"^\d{7}$")
        self.assertEqual(int(second.name), int(first.name) + 1)

    def test_activate_sets_dates(self):
        """Activating a draft makes it active; the start date defaults to today
        and services without a start date start with the account."""
        premise = self._create_premise("2 Calle Activa")
        account = self._new_account(premise)
        self.assertEqual(account.state, "draft")
        account.action_activate()
        today = fields.Date.context_today(account)
        self.assertEqual(account.state, "active")
        self.assertEqual(account.start_date, today)
        self.assertEqual(account.service_ids.start_date, today)
        self.assertEqual(premise.current_account_id, account)

    def test_activate_keeps_service_start_date(self):
        """A service with its own start date keeps it at activation."""
        premise = self._create_premise("3 Calle Activa")
        account = self._new_account(
            premise,
            services=[{"service_type_id": self.trash.id, "start_date": "2025-03-15"}],
            start_date="2025-03-01",
        )
        account.action_activate()
        self.assertEqual(str(account.service_ids.start_date), "2025-03-15")

    def test_activate_refusals(self):
        """Only a draft with services, each metered one with a meter, is
        activated."""
        premise = self._create_premise("4 Calle Activa")
        empty = self._new_account(premise, services=[])
        with self.assertRaisesRegex(UserError, "has no service"):
            empty.action_activate()
        self.assertEqual(empty.state, "draft")
        no_meter = self._new_account(
            premise, services=[{"service_type_id": self.water.id}]
        )
        with self.assertRaisesRegex(
            ValidationError, "Water is metered and needs a meter"
        ):
            no_meter.action_activate()
        self.assertEqual(no_meter.state, "draft")
        _premise, _meter, active = self._setup_account("ACT-1")
        with self.assertRaisesRegex(UserError, "is not a draft"):
            active.action_activate()

    # ------------------------------------------------------------
    # One active account per premise and service
    # ------------------------------------------------------------

    def test_no_two_active_accounts_for_same_service(self):
        """A premise never has two active accounts for the same service at
        once."""
        premise, meter, first = self._setup_account("OVL-1")
        second = self._new_account(
            premise,
            services=[{"service_type_id": self.water.id, "meter_id": meter.id}],
            start_date="2025-03-01",
        )
        with self.assertRaisesRegex(
            ValidationError, f"already has Water service on account {first.name}"
        ):
            second.action_activate()
        self.assertEqual(second.state, "draft")
        self.assertEqual(premise.current_account_id, first)

    def test_other_service_on_same_premise_allowed(self):
        """Another service at the same premise may be on another account."""
        premise, _meter, _first = self._setup_account("OVL-2")
        sewer = self._new_account(
            premise, services=[{"service_type_id": self.sewer.id}]
        )
        sewer.action_activate()
        self.assertEqual(sewer.state, "active")

    def test_drafts_do_not_overlap(self):
        """Draft accounts are not service yet: several may wait at a premise."""
        premise = self._create_premise("5 Calle Borrador")
        drafts = self._new_account(premise) | self._new_account(premise)
        drafts.service_ids._check_no_overlap()
        self.assertEqual(set(drafts.mapped("state")), {"draft"})

    def test_next_account_after_end_date(self):
        """Once an account has ended, the next one may start the day after its
        end date, not on or before it."""
        premise, _meter, first = self._setup_account("OVL-3", install_date="2025-01-05")
        self._stop(first, "2025-06-30")
        self.assertEqual(first.state, "final")
        too_early = self._new_account(premise, start_date="2025-06-30")
        with self.assertRaisesRegex(ValidationError, "already has Trash service"):
            too_early.action_activate()
        self.assertEqual(too_early.state, "draft")
        next_one = self._new_account(premise, start_date="2025-07-01")
        next_one.action_activate()
        self.assertEqual(next_one.state, "active")

    # ------------------------------------------------------------
    # Deposit
    # ------------------------------------------------------------

    def test_deposit_by_customer_class(self):
        """The deposit required comes from the deposit rule of the premise's
        customer class; a class without a rule needs none."""
        residential = self._new_account(self._create_premise("6 Calle Res"))
        commercial = self._new_account(
            self._create_premise("8 Calle Com", customer_class="commercial")
        )
        irrigation = self._new_account(
            self._create_premise("10 Calle Riego", customer_class="irrigation")
        )
        self.assertEqual(residential.deposit_required, 85.0)
        self.assertEqual(commercial.deposit_required, 300.0)
        self.assertEqual(irrigation.deposit_required, 0.0)
        residential.premise_id.customer_class = "commercial"
        self.assertEqual(residential.deposit_required, 300.0)

    # ------------------------------------------------------------
    # Start service
    # ------------------------------------------------------------

    def test_start_service_existing_customer(self):
        """Move-in for an existing customer: the premise's meter is proposed with
        its last reading, the account starts active with an initial read, and
        the deposit of the class is billed; the chatter notes it and the use while
        vacant."""
        premise, meter = self._vacant_premise_with_meter("STA-1", reading=120.0)
        form = self._start_form(premise, start_date="2025-02-01")
        self.assertEqual(len(form.line_ids), 1)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.meter_id, meter)
            self.assertEqual(line.service_type_id, self.water)
            self.assertEqual(line.reading, 120.0)
            line.reading = 131.0
        with form.line_ids.new() as line:
            line.service_type_id = self.trash
        self.assertEqual(form.deposit_due, 85.0)
        form.lang = "es_MX"
        form.paperless = True
        wizard = form.save()
        action = wizard.action_start()
        account = self.env["utility.account"].browse(action["res_id"])
        self.assertRecordValues(
            account,
            [
                {
                    "state": "active",
                    "partner_id": self.partner.id,
                    "premise_id": premise.id,
                    "lang": "es_MX",
                    "paperless": True,
                    "deposit_required": 85.0,
                    "billing_cycle_id": self.cycle.id,
                }
            ],
        )
        self.assertEqual(str(account.start_date), "2025-02-01")
        self.assertEqual(account.service_ids.service_type_id, self.water | self.trash)
        self.assertEqual(account.meter_ids, meter)
        initial = account.read_ids
        self.assertRecordValues(
            initial, [{"read_type": "initial", "reading": 131.0, "consumption": 0.0}]
        )
        self.assertEqual(str(initial.read_date), "2025-02-01")
        bodies = " ".join(account.message_ids.mapped("body"))
        self.assertRegex(bodies, r"Deposit of .*85\.00 billed")
        self.assertEqual(account.deposit_move_ids.amount_total, 85.0)
        self.assertEqual(account.deposit_unpaid, 85.0)
        self.assertIn("advanced from 120.0 to 131.0", bodies)

    def test_start_service_new_customer(self):
        """Move-in for a new customer creates the customer from the wizard."""
        premise, _meter = self._vacant_premise_with_meter(
            "STA-2", reading=0.0, customer_class="irrigation"
        )
        form = Form(self.env["utility.start.service"])
        form.customer_mode = "new"
        form.new_name = "  Juan Perez  "
        form.new_email = "juan.perez@example.com"
        form.new_phone = "+1 760 555 0101"
        form.premise_id = premise
        form.start_date = "2025-02-01"
        self.assertEqual(form.deposit_due, 0.0)
        action = form.save().action_start()
        account = self.env["utility.account"].browse(action["res_id"])
        self.assertRecordValues(
            account.partner_id,
            [
                {
                    "name": "Juan Perez",
                    "email": "juan.perez@example.com",
                    "phone": "+1 760 555 0101",
                }
            ],
        )
        self.assertEqual(account.state, "active")
        self.assertEqual(account.deposit_required, 0.0)
        bodies = " ".join(account.message_ids.mapped("body"))
        self.assertNotIn("Deposit of", bodies)
        self.assertFalse(account.deposit_move_ids)

    def test_start_service_needs_customer(self):
        """Start service needs the existing customer chosen, or the new
        customer's name."""
        premise, _meter = self._vacant_premise_with_meter("STA-3")
        form = Form(self.env["utility.start.service"])
        form.premise_id = premise
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Choose the customer"):
            wizard.action_start()
        wizard.customer_mode = "new"
        with self.assertRaisesRegex(UserError, "Enter the new customer's name"):
            wizard.action_start()
        self.assertFalse(premise.account_ids)

    def test_start_reading_below_last_read_refused(self):
        """A start reading below the meter's last reading is refused, and
        nothing is created."""
        premise, _meter = self._vacant_premise_with_meter("STA-4", reading=120.0)
        form = self._start_form(premise)
        with form.line_ids.edit(0) as line:
            line.reading = 100.0
        wizard = form.save()
        with self.assertRaisesRegex(
            UserError, r"start reading 100(\.0)? is below its last reading 120"
        ):
            wizard.action_start()
        self.assertFalse(premise.account_ids)

    def test_start_reading_rollover_accepted(self):
        """A start reading below the last one that is a plausible rollover of the
        register (9,990 then 25 on a 4-dial meter) starts the service."""
        premise, meter = self._vacant_premise_with_meter("STA-8", reading=9990.0)
        meter.dials = 4
        form = self._start_form(premise)
        with form.line_ids.edit(0) as line:
            line.reading = 25.0
        form.save().action_start()
        self.assertEqual(premise.account_ids.state, "active")

    def test_start_service_meter_must_be_installed_there(self):
        """A metered service must use a meter installed at the premise."""
        premise, _meter = self._vacant_premise_with_meter("STA-5")
        _other, elsewhere = self._vacant_premise_with_meter("STA-6")
        form = self._start_form(premise)
        with form.line_ids.edit(0) as line:
            line.meter_id = elsewhere
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Meter STA-6 is not installed at"):
            wizard.action_start()
        wizard.line_ids.meter_id = False
        with self.assertRaisesRegex(UserError, "Water is metered: choose its meter"):
            wizard.action_start()
        self.assertFalse(premise.account_ids)

    def test_start_service_refused_while_premise_served(self):
        """Start service is refused while another account serves the premise."""
        premise, _meter, first = self._setup_account("STA-7")
        form = self._start_form(premise, start_date="2025-03-01")
        wizard = form.save()
        with self.assertRaisesRegex(ValidationError, f"on account {first.name}"):
            wizard.action_start()
        self.assertEqual(premise.account_ids, first)

    def test_move_out_then_move_in(self):
        """After a move-out, the next customer starts the day after with the
        final reading proposed as start reading."""
        premise, meter, first = self._setup_account("STA-8")
        self._read(meter, "2025-02-05", 12)
        self._stop(first, "2025-02-20", readings=[15])
        newcomer = self.env["res.partner"].create({"name": "Ana Lopez"})
        form = self._start_form(premise, start_date="2025-02-21", partner=newcomer)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.reading, 15.0)
        action = form.save().action_start()
        second = self.env["utility.account"].browse(action["res_id"])
        self.assertEqual(second.state, "active")
        self.assertEqual(premise.current_account_id, second)
        self.assertEqual(first.state, "final")

    # ------------------------------------------------------------
    # Stop service
    # ------------------------------------------------------------

    def test_stop_service(self):
        """Move-out: a final read per meter, the account final with its end
        date, services ended, and the forwarding address kept on the account
        and made the customer's mailing address."""
        _premise, meter, account = self._setup_account("STP-1")
        self._read(meter, "2025-02-05", 12)
        self._stop(
            account,
            "2025-02-20",
            readings=[20],
            forwarding_street="55 Calle Uno",
            forwarding_city="Indio",
            forwarding_state_id=self.california,
            forwarding_zip="92201",
        )
        self.assertEqual(account.state, "final")
        self.assertEqual(str(account.end_date), "2025-02-20")
        self.assertEqual(
            set(account.service_ids.mapped("end_date")),
            {fields.Date.to_date("2025-02-20")},
        )
        final = account.read_ids.filtered(lambda r: r.read_type == "final")
        self.assertRecordValues(
            final,
            [
                {
                    "reading": 20.0,
                    "previous_reading": 12.0,
                    "consumption": 8.0,
                    "days": 15,
                }
            ],
        )
        self.assertEqual(str(final.read_date), "2025-02-20")
        self.assertEqual(account.forwarding_address, "55 Calle Uno\nIndio CA 92201")
        self.assertRecordValues(
            account.partner_id,
            [
                {
                    "street": "55 Calle Uno",
                    "city": "Indio",
                    "state_id": self.california.id,
                    "zip": "92201",
                }
            ],
        )
        self.assertFalse(account.premise_id.current_account_id)

    def test_stop_service_keep_partner_address(self):
        """Without 'make it the mailing address', the customer's address is
        left as it was."""
        partner = self.env["res.partner"].create(
            {"name": "Luis Ortega", "street": "1 Old St"}
        )
        _premise, _meter, account = self._setup_account("STP-2", partner=partner)
        self._stop(
            account,
            "2025-02-20",
            readings=[3],
            forwarding_street="9 New Rd",
            update_partner_address=False,
        )
        self.assertEqual(account.state, "final")
        self.assertEqual(account.forwarding_address, "9 New Rd")
        self.assertEqual(partner.street, "1 Old St")

    def test_stop_final_reading_below_last_refused(self):
        """A final reading below the last reading (and not a rollover) is
        refused; the account stays active."""
        _premise, meter, account = self._setup_account("STP-3")
        self._read(meter, "2025-02-05", 12)
        with self.assertRaisesRegex(
            UserError, r"final reading 10(\.0)? is below the last reading 12"
        ):
            self._stop(account, "2025-02-20", readings=[10])
        self.assertEqual(account.state, "active")
        self.assertFalse(account.end_date)
        self.assertFalse(account.read_ids.filtered(lambda r: r.read_type == "final"))

    def test_stop_final_reading_check_needs_no_exception_rule(self):
        """The final reading is checked even where the 'negative' review rule
        is switched off."""
        self._archive_exception_rules()
        _premise, meter, account = self._setup_account("STP-5")
        self._read(meter, "2025-02-05", 12)
        with self.assertRaisesRegex(UserError, "is below the last reading"):
            self._stop(account, "2025-02-20", readings=[10])
        self.assertEqual(account.state, "active")

    def test_stop_final_reading_rollover_accepted(self):
        """A lower final reading that is a plausible register rollover is a
        final read, not an error."""
        _premise, meter, account = self._setup_account("STP-6", dials=4)
        self._read(meter, "2025-02-05", 9990)
        self._stop(account, "2025-02-20", readings=[15])
        final = account.read_ids.filtered(lambda r: r.read_type == "final")
        self.assertRecordValues(final, [{"rollover": True, "consumption": 25.0}])
        self.assertEqual(account.state, "final")

    def test_stop_service_refusals(self):
        """Stop service needs an active account, an end date not before the
        start, and a final reading for every meter."""
        _premise, _meter, account = self._setup_account(
            "STP-4", install_date="2025-01-05"
        )
        with self.assertRaisesRegex(UserError, "the end date cannot be before it"):
            self._stop(account, "2025-01-04", readings=[0])
        action = account.action_stop_service()
        with Form(
            self.env["utility.stop.service"].with_context(**action["context"])
        ) as form:
            form.end_date = "2025-02-01"
            form.line_ids.remove(0)
        with self.assertRaisesRegex(UserError, "Enter the final reading of meter"):
            form.record.action_stop()
        self.assertEqual(account.state, "active")
        self._stop(account, "2025-02-01", readings=[4])
        wizard = self.env["utility.stop.service"].create(
            {"account_id": account.id, "end_date": "2025-02-02"}
        )
        with self.assertRaisesRegex(UserError, "is not active"):
            wizard.action_stop()

    # ------------------------------------------------------------
    # Close, delete, SB 998
    # ------------------------------------------------------------

    def test_close_only_final(self):
        """An account is closed only once it is final."""
        premise = self._create_premise("12 Calle Cierre")
        draft = self._new_account(premise)
        with self.assertRaisesRegex(UserError, "must be final"):
            draft.action_close()
        _premise, _meter, account = self._setup_account("CLS-1")
        with self.assertRaisesRegex(UserError, "must be final"):
            account.action_close()
        self.assertEqual(account.state, "active")
        self._stop(account, "2025-02-01", readings=[4])
        account.action_close()
        self.assertEqual(account.state, "closed")

    def test_unlink_only_draft(self):
        """Only a draft account can be deleted; a served account keeps its
        history."""
        draft = self._new_account(self._create_premise("14 Calle Borrar"))
        draft.unlink()
        self.assertFalse(draft.exists())
        _premise, _meter, account = self._setup_account("DEL-1")
        with self.assertRaisesRegex(UserError, "only draft accounts can be deleted"):
            account.unlink()
        self._stop(account, "2025-02-01", readings=[4])
        with self.assertRaisesRegex(UserError, "is Final: only draft accounts"):
            account.unlink()
        self.assertTrue(account.exists())

    def test_sb998_flags(self):
        """The SB 998 protections (low income, medical certification, appeal
        pending) are on the account, off by default, tracked and shown on the
        form; they follow the account's SB 998 cases (test_sb998_case.py), a
        CSR cannot tick them."""
        _premise, _meter, account = self._setup_account("SB-1")
        flags = ["low_income", "medical_certification", "appeal_pending"]
        self.assertEqual([account[f] for f in flags], [False, False, False])
        for name in [*flags, "medical_certification_date"]:
            self.assertTrue(account._fields[name].tracking, name)
        arch = self.env["utility.account"].get_view(view_type="form")["arch"]
        for name in [*flags, "medical_certification_date"]:
            self.assertIn(f'name="{name}"', arch)
        with self.assertRaisesRegex(UserError, "follow its SB 998 cases"):
            account.with_user(self.csr1).write({"low_income": True})
        self._sb998_case(account, "appeal")
        medical = self._sb998_case(account, "medical")
        self._sb998_case(account, "inability")
        self.assertEqual([account[f] for f in flags], [True, True, True])
        self.assertEqual(account.medical_certification_date, medical.received_date)
        self.assertEqual(
            self.env["utility.account"].search([("appeal_pending", "=", True)])
            & account,
            account,
        )
