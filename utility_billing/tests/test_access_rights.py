# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import UtilityBillingCommon


@tagged("post_install", "-at_install")
class TestAccessRights(UtilityBillingCommon):
    """Roles: CSR I runs the counter, CSR II settles reviews and estimates, the
    manager configures and deletes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_exception_rules()
        cls.premise, cls.meter, cls.account = cls._setup_account(
            "AR-1", initial_reading=500, install_date="2025-01-05"
        )
        cls.deposit_rule = cls.env["utility.deposit.rule"].search(
            [
                ("company_id", "=", cls.company.id),
                ("customer_class", "=", "residential"),
            ]
        ) or cls.env["utility.deposit.rule"].create(
            {"customer_class": "residential", "amount": 100.0}
        )
        cls.exception_rule = cls._exception_rule("zero", customer_class="irrigation")
        cls.mapping = cls.env["utility.read.import.mapping"].create(
            {
                "name": "Test AMI file",
                "col_meter": "serial",
                "col_datetime": "when",
                "col_reading": "reading",
            }
        )

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """unittest's check of the message, inside Odoo's savepoint: what the
        failed call wrote is rolled back, as it is for the user."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)

    def _flagged_read(self):
        """A read below the previous one: flagged 'negative', waiting for review."""
        read = self._read(self.meter, "2025-02-05", 400)
        self.assertEqual(read.state, "to_review")
        return read

    def _config_values(self):
        """Values to create one record of each configuration model."""
        return {
            "utility.service.type": {"name": "Fire line", "code": "AR-FIRE"},
            "utility.route": {
                "name": "Route 9",
                "code": "AR-R9",
                "cycle_id": self.cycle.id,
            },
            "utility.billing.cycle": {"name": "Cycle 9", "code": "AR-C9"},
            "utility.read.exception.rule": {
                "name": "Zero use, commercial",
                "exception_code": "zero",
                "customer_class": "commercial",
            },
            "utility.deposit.rule": {
                "customer_class": "institutional",
                "amount": 500.0,
            },
            "utility.read.import.mapping": {
                "name": "Other AMI file",
                "col_meter": "m",
                "col_datetime": "d",
                "col_reading": "r",
            },
        }

    def _config_records(self):
        return {
            "utility.service.type": self.water,
            "utility.route": self.route,
            "utility.billing.cycle": self.cycle,
            "utility.read.exception.rule": self.exception_rule,
            "utility.deposit.rule": self.deposit_rule,
            "utility.read.import.mapping": self.mapping,
        }

    # ------------------------------------------------------------
    # Groups
    # ------------------------------------------------------------

    def test_role_chain(self):
        """Each role implies the one before it: CSR I < CSR II < manager."""
        csr_1 = self.env.ref("utility_billing.group_csr_1")
        csr_2 = self.env.ref("utility_billing.group_csr_2")
        manager = self.env.ref("utility_billing.group_manager")
        self.assertIn(csr_1, csr_2.implied_ids)
        self.assertIn(csr_2, manager.implied_ids)
        groups = ["group_csr_1", "group_csr_2", "group_manager"]
        expected = {
            self.csr1: [True, False, False],
            self.csr2: [True, True, False],
            self.manager: [True, True, True],
        }
        for user, flags in expected.items():
            self.assertEqual(
                [user.has_group(f"utility_billing.{g}") for g in groups],
                flags,
                user.login,
            )

    # ------------------------------------------------------------
    # CSR I
    # ------------------------------------------------------------

    def test_csr1_maintains_business_records(self):
        """A CSR I creates and edits premises, meters, accounts and reads."""
        env = self.env(user=self.csr1)
        premise = env["utility.premise"].create(
            {
                "street": "7 Calle CSR",
                "route_id": self.route.id,
                "customer_class": "residential",
            }
        )
        premise.write({"living_units": 2, "apn": "763-110-001"})
        meter = env["utility.meter"].create(
            {"serial": "AR-CSR-1", "service_type_id": self.water.id}
        )
        meter.write({"make": "Badger", "endpoint_id": "AMI-AR-1"})
        meter._install(premise, "2025-01-10", 7)
        account = env["utility.account"].create(
            {
                "partner_id": self.partner.id,
                "premise_id": premise.id,
                "start_date": "2025-01-10",
                "service_ids": [
                    Command.create(
                        {"service_type_id": self.water.id, "meter_id": meter.id}
                    )
                ],
            }
        )
        account.write({"paperless": True, "lang": "es_MX"})
        account.action_activate()
        read = env["utility.meter.read"].create(
            {
                "meter_id": meter.id,
                "read_datetime": "2025-02-10 09:00:00",
                "reading": 19,
            }
        )
        read.write({"note": "Dog in yard", "read_code": "07"})
        self.assertRecordValues(
            premise,
            [{"living_units": 2, "apn": "763-110-001", "create_uid": self.csr1.id}],
        )
        self.assertEqual(meter.make, "Badger")
        self.assertEqual(account.state, "active")
        self.assertRecordValues(
            read,
            [{"consumption": 12.0, "note": "Dog in yard", "account_id": account.id}],
        )

    def test_csr1_starts_and_stops_service(self):
        """A CSR I starts service for a new customer and stops it with a
        forwarding address: the customer record is created and updated."""
        premise = self._create_premise("9 Calle Mudanza")
        meter = self._create_meter("AR-MOVE")
        meter._install(premise, "2025-01-05", 0)
        form = Form(self.env(user=self.csr1)["utility.start.service"])
        form.customer_mode = "new"
        form.new_name = "Rosa Medina"
        form.premise_id = premise
        form.start_date = "2025-01-06"
        action = form.save().action_start()
        account = self.env["utility.account"].browse(action["res_id"])
        self.assertEqual(account.state, "active")
        self.assertEqual(account.partner_id.name, "Rosa Medina")
        stop = Form(
            self.env(user=self.csr1)["utility.stop.service"].with_context(
                default_account_id=account.id
            )
        )
        stop.end_date = "2025-02-06"
        stop.forwarding_street = "40 Avenida Norte"
        stop.forwarding_city = "Thermal"
        with stop.line_ids.edit(0) as line:
            line.reading = 14
        stop.save().action_stop()
        self.assertEqual(account.state, "final")
        self.assertEqual(account.partner_id.street, "40 Avenida Norte")

    def test_csr1_cannot_delete(self):
        """A CSR I deletes nothing: not a read (even one waiting for review),
        nor an account, premise or meter."""
        flagged = self._flagged_read()
        draft = self.env["utility.account"].create(
            {"partner_id": self.partner.id, "premise_id": self.premise.id}
        )
        spare = self._create_meter("AR-SPARE")
        empty = self._create_premise("11 Calle Vacia")
        for record in (flagged, draft, spare, empty):
            with self.assertRaises(AccessError):
                record.with_user(self.csr1).unlink()
            self.assertTrue(record.exists())

    def test_csr_cannot_configure(self):
        """Only managers configure: neither CSR I nor CSR II creates or changes
        service types, routes, cycles, exception rules, deposit rules or
        import mappings."""
        values = self._config_values()
        records = self._config_records()
        Model = self.env["utility.service.type"]
        for user in (self.csr1, self.csr2):
            for model, vals in values.items():
                with self.assertRaisesRegex(AccessError, "not allowed to create"):
                    self.env[model].with_user(user).create(vals)
                record = records[model]
                field = "amount" if model == "utility.deposit.rule" else "name"
                before = record[field]
                new_value = 1.0 if field == "amount" else "Changed by a CSR"
                with self.assertRaisesRegex(AccessError, "not allowed to modify"):
                    record.with_user(user).write({field: new_value})
                with self.assertRaisesRegex(AccessError, "not allowed to delete"):
                    record.with_user(user).unlink()
                self.assertEqual(record[field], before, model)
                # They still read the configuration they work with.
                self.assertEqual(record.with_user(user).read([field])[0][field], before)
        self.assertFalse(Model.search([("code", "=", "AR-FIRE")]))

    # ------------------------------------------------------------
    # CSR II
    # ------------------------------------------------------------

    def test_estimate_wizard_csr2_only(self):
        """Estimating missing reads is a CSR II task: a CSR I cannot open the
        wizard, a CSR II runs it."""
        self._read(self.meter, "2025-02-05", 531)
        self._read(self.meter, "2025-03-05", 559)
        vals = {"cycle_id": self.cycle.id, "read_date": "2025-04-05 12:00:00"}
        with self.assertRaises(AccessError):
            self.env(user=self.csr1)["utility.read.estimate"].create(vals)
        wizard = self.env(user=self.csr2)["utility.read.estimate"].create(vals)
        wizard.action_estimate()
        self.assertIn("1 reads estimated.", wizard.result)
        estimate = self.meter.read_ids.filtered(lambda r: r.read_type == "estimated")
        self.assertEqual(len(estimate), 1)
        self.assertEqual(estimate.create_uid, self.csr2)

    def test_accept_flagged_read_csr2_only(self):
        """Accepting a flagged read is a CSR II decision; a CSR I is refused and
        the read keeps waiting."""
        read = self._flagged_read()
        with self.assertRaisesRegex(AccessError, "Customer Service Representative II"):
            read.with_user(self.csr1).action_accept()
        self.assertEqual(read.state, "to_review")
        read.with_user(self.csr2).action_accept()
        self.assertEqual(read.state, "valid")

    def test_request_reread_csr2_only(self):
        """Asking for a re-read of a flagged read is a CSR II decision; a CSR I
        is refused and no re-read is requested."""
        read = self._flagged_read()
        with self.assertRaisesRegex(AccessError, "Customer Service Representative II"):
            read.with_user(self.csr1).action_request_reread()
        self.assertRecordValues(
            read, [{"state": "to_review", "reread_requested": False}]
        )
        read.with_user(self.csr2).action_request_reread()
        self.assertRecordValues(read, [{"state": "rejected", "reread_requested": True}])

    def test_manager_settles_reviews(self):
        """A manager, above CSR II, settles flagged reads too."""
        read = self._flagged_read()
        read.with_user(self.manager).action_accept()
        self.assertEqual(read.state, "valid")

    # ------------------------------------------------------------
    # Manager
    # ------------------------------------------------------------

    def test_manager_configures(self):
        """A manager creates, changes and deletes configuration records."""
        env = self.env(user=self.manager)
        for model, vals in self._config_values().items():
            record = env[model].create(vals)
            self.assertEqual(record.create_uid, self.manager, model)
            field = "name" if "name" in vals else "amount"
            new_value = 750.0 if field == "amount" else "Renamed"
            record.write({field: new_value})
            self.assertEqual(record[field], new_value, model)
            record.unlink()
            self.assertFalse(record.exists(), model)

    def test_manager_deletes(self):
        """A manager deletes a flagged read, a draft account, a premise and a
        meter in stock; valid reads stay protected by the business rule."""
        flagged = self._flagged_read()
        draft = self.env["utility.account"].create(
            {"partner_id": self.partner.id, "premise_id": self.premise.id}
        )
        spare = self._create_meter("AR-SPARE-2")
        empty = self._create_premise("13 Calle Vacia")
        for record in (flagged, draft, spare, empty):
            record.with_user(self.manager).unlink()
            self.assertFalse(record.exists())
        valid = self.meter.read_ids.filtered(lambda r: r.state == "valid")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            valid.with_user(self.manager).unlink()
