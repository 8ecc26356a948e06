# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import UtilityBillingCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(UtilityBillingCommon):
    """Two utilities in one database: each sees only its own records, and no
    record links to another company's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.setup_other_company(name="Indio Water District")["company"]
        cls.env_b = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company_b.id])
        )
        cls.user_a = cls._company_user("mc_manager_a", cls.company_a)
        cls.user_b = cls._company_user("mc_manager_b", cls.company_b)
        cls.user_ab = cls._company_user("mc_manager_ab", cls.company_a, cls.company_b)

        # Company A: the common fixtures.
        cls.premise_a, cls.meter_a, cls.account_a = cls._setup_account("MC-A1")
        cls.read_a = cls._read(cls.meter_a, "2025-02-05", 10)
        cls.import_a, cls.error_a = cls._import_with_error(cls.env, "a.csv")
        cls.env["utility.deposit.rule"].search(
            [
                ("company_id", "=", cls.company_a.id),
                ("customer_class", "=", "irrigation"),
            ]
        ).unlink()
        cls.deposit_a = cls.env["utility.deposit.rule"].create(
            {"customer_class": "irrigation", "amount": 40.0}
        )
        cls.exception_rule_a = cls.env["utility.read.exception.rule"].create(
            {"name": "Zero (A)", "exception_code": "zero"}
        )
        cls.mapping_a = cls.env["utility.read.import.mapping"].create(
            {
                "name": "AMI (A)",
                "col_meter": "m",
                "col_datetime": "d",
                "col_reading": "r",
            }
        )

        # Company B: a town of its own, same serial and names included.
        env = cls.env_b
        cls.water_b = env["utility.service.type"].create(
            {"name": "Water", "code": "WATER", "metered": True, "uom_id": cls.hcf.id}
        )
        cls.cycle_b = env["utility.billing.cycle"].create(
            {"name": "Indio", "code": "TC1"}
        )
        cls.route_b = env["utility.route"].create(
            {"name": "Indio 1", "code": "TR1", "cycle_id": cls.cycle_b.id}
        )
        cls.premise_b = env["utility.premise"].create(
            {"street": "45 Calle Indio", "city": "Indio", "route_id": cls.route_b.id}
        )
        cls.meter_b = env["utility.meter"].create(
            {"serial": "MC-A1", "service_type_id": cls.water_b.id}
        )
        cls.meter_b._install(cls.premise_b, "2025-01-05", 0)
        cls.account_b = env["utility.account"].create(
            {
                "partner_id": cls.partner.id,
                "premise_id": cls.premise_b.id,
                "start_date": "2025-01-05",
                "service_ids": [
                    Command.create(
                        {"service_type_id": cls.water_b.id, "meter_id": cls.meter_b.id}
                    )
                ],
            }
        )
        cls.account_b.action_activate()
        cls.read_b = env["utility.meter.read"].create(
            {
                "meter_id": cls.meter_b.id,
                "read_datetime": "2025-02-05 12:00:00",
                "reading": 9,
            }
        )
        cls.import_b, cls.error_b = cls._import_with_error(env, "b.csv")
        cls.deposit_b = env["utility.deposit.rule"].create(
            {"customer_class": "irrigation", "amount": 60.0}
        )
        cls.exception_rule_b = env["utility.read.exception.rule"].create(
            {
                "name": "Zero (B)",
                "exception_code": "zero",
                "service_type_id": cls.water_b.id,
            }
        )
        cls.mapping_b = env["utility.read.import.mapping"].create(
            {
                "name": "AMI (B)",
                "col_meter": "m",
                "col_datetime": "d",
                "col_reading": "r",
            }
        )
        # SB 998 evidence of each company's account.
        cls.case_a, cls.case_b = (
            cls.env["utility.sb998.case"]
            .sudo()
            .create(
                [
                    {"account_id": cls.account_a.id, "kind": "appeal"},
                    {"account_id": cls.account_b.id, "kind": "appeal"},
                ]
            )
            .with_env(cls.env)
        )
        cls.log_a, cls.log_b = (
            cls.env["utility.contact.log"]
            .sudo()
            .create(
                [
                    {"account_id": cls.account_a.id, "kind": "site_visit"},
                    {"account_id": cls.account_b.id, "kind": "site_visit"},
                ]
            )
            .with_env(cls.env)
        )

    @classmethod
    def _company_user(cls, login, *companies):
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,utility_billing.group_manager",
            company_id=companies[0].id,
            company_ids=[Command.set([c.id for c in companies])],
            tz="America/Los_Angeles",
        )

    @classmethod
    def _import_with_error(cls, env, filename):
        imp = env["utility.read.import"].create(
            {"filename": filename, "file_format": "csv"}
        )
        error = env["utility.read.import.error"].create(
            {"import_id": imp.id, "line_number": 3, "reason": "unknown meter"}
        )
        return imp, error

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """unittest's check of the message, inside Odoo's savepoint: what the
        failed call wrote is rolled back, as it is for the user."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)

    def _pairs(self):
        """(model, record of A, record of B) for every business model."""
        return [
            ("utility.service.type", self.water, self.water_b),
            ("utility.billing.cycle", self.cycle, self.cycle_b),
            ("utility.route", self.route, self.route_b),
            ("utility.premise", self.premise_a, self.premise_b),
            ("utility.meter", self.meter_a, self.meter_b),
            ("utility.meter.event", self.meter_a.event_ids, self.meter_b.event_ids),
            ("utility.account", self.account_a, self.account_b),
            (
                "utility.account.service",
                self.account_a.service_ids,
                self.account_b.service_ids,
            ),
            ("utility.meter.read", self.read_a, self.read_b),
            ("utility.read.import", self.import_a, self.import_b),
            ("utility.read.import.error", self.error_a, self.error_b),
            (
                "utility.read.exception.rule",
                self.exception_rule_a,
                self.exception_rule_b,
            ),
            ("utility.deposit.rule", self.deposit_a, self.deposit_b),
            ("utility.read.import.mapping", self.mapping_a, self.mapping_b),
            ("utility.sb998.case", self.case_a, self.case_b),
            ("utility.contact.log", self.log_a, self.log_b),
        ]

    # ------------------------------------------------------------
    # Record rules
    # ------------------------------------------------------------

    def test_fixture_companies(self):
        """The records compared below really belong to the two companies."""
        for model, rec_a, rec_b in self._pairs():
            self.assertEqual(set(rec_a.mapped("company_id")), {self.company_a}, model)
            self.assertEqual(set(rec_b.mapped("company_id")), {self.company_b}, model)

    def test_every_business_model_has_company_rule(self):
        """Every model of the addon that belongs to a company has a global
        record rule restricting it to the user's companies."""
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "utility_billing"), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        models = self.env["ir.model"].browse(model_ids)
        checked = []
        for ir_model in models:
            Model = self.env.get(ir_model.model)
            if Model is None or Model._transient or Model._abstract:
                continue
            field = Model._fields.get("company_id")
            if not (field and field.store):
                continue
            rules = self.env["ir.rule"].search(
                [("model_id", "=", ir_model.id), ("global", "=", True)]
            )
            self.assertTrue(
                rules.filtered(lambda r: "company_ids" in (r.domain_force or "")),
                f"{ir_model.model} has no multi-company record rule",
            )
            checked.append(ir_model.model)
        self.assertTrue({model for model, _a, _b in self._pairs()} <= set(checked))

    def test_each_company_sees_only_its_records(self):
        """A user of company A finds none of company B's records on any business
        model, and company B's user none of A's, even as a manager."""
        for model, rec_a, rec_b in self._pairs():
            ids = (rec_a | rec_b).ids
            found_a = self.env[model].with_user(self.user_a).search([("id", "in", ids)])
            found_b = self.env[model].with_user(self.user_b).search([("id", "in", ids)])
            self.assertTrue(rec_a and rec_b, model)
            self.assertEqual(found_a, rec_a, model)
            self.assertEqual(found_b, rec_b, model)

    def test_other_company_record_cannot_be_opened(self):
        """Opening a record of company B as a user of company A is refused."""
        for model, _rec_a, rec_b in self._pairs():
            with self.assertRaises(AccessError, msg=model):
                rec_b.with_user(self.user_a).read(["company_id"])

    def test_other_company_record_cannot_be_changed(self):
        """A user of company A cannot change company B's account or meter."""
        with self.assertRaises(AccessError):
            self.account_b.with_user(self.user_a).write({"paperless": True})
        with self.assertRaises(AccessError):
            self.meter_b.with_user(self.user_a).write({"make": "Sensus"})
        self.assertFalse(self.account_b.paperless)
        self.assertFalse(self.meter_b.make)

    def test_other_company_sb998_case_cannot_be_decided(self):
        """A manager of company A cannot decide company B's appeal; B's
        manager can."""
        with self.assertRaises(AccessError):
            self.case_b.with_user(self.user_a).action_decide_against_customer()
        self.assertEqual(self.case_b.state, "received")
        self.assertTrue(self.account_b.appeal_pending)
        self.case_b.with_user(self.user_b).with_context(
            allowed_company_ids=[self.company_b.id]
        ).action_decide_against_customer()
        self.assertEqual(self.case_b.state, "decided")
        self.assertFalse(self.account_b.appeal_pending)

    def test_company_switcher(self):
        """A user of both companies sees both, or only the companies selected
        in the switcher."""
        for model, rec_a, rec_b in self._pairs():
            ids = (rec_a | rec_b).ids
            Model = self.env[model].with_user(self.user_ab)
            self.assertEqual(
                set(Model.search([("id", "in", ids)]).ids), set(ids), model
            )
            only_b = Model.with_context(allowed_company_ids=[self.company_b.id])
            self.assertEqual(
                only_b.search([("id", "in", ids)]), rec_b.with_user(self.user_ab), model
            )

    def test_same_names_in_both_companies(self):
        """Codes and serials are unique per company only: B reuses A's meter
        serial, service type, cycle and route codes, and deposit class."""
        self.assertEqual(self.meter_b.serial, self.meter_a.serial)
        self.assertEqual(self.water_b.code, self.water.code)
        self.assertEqual(self.cycle_b.code, self.cycle.code)
        self.assertEqual(self.route_b.code, self.route.code)
        self.assertEqual(self.deposit_b.customer_class, self.deposit_a.customer_class)

    def test_deposit_rule_of_own_company(self):
        """An account's deposit comes from its own company's rule."""
        premise_b = self.env_b["utility.premise"].create(
            {"street": "47 Calle Indio", "customer_class": "irrigation"}
        )
        premise_a = self._create_premise(
            "49 Calle Coachella", customer_class="irrigation"
        )
        account_a = self.env["utility.account"].create(
            {"partner_id": self.partner.id, "premise_id": premise_a.id}
        )
        account_b = self.env_b["utility.account"].create(
            {"partner_id": self.partner.id, "premise_id": premise_b.id}
        )
        self.assertEqual(account_a.deposit_required, 40.0)
        self.assertEqual(account_b.deposit_required, 60.0)

    # ------------------------------------------------------------
    # Cross-company links
    # ------------------------------------------------------------

    def test_account_with_other_company_premise(self):
        """An account of company A cannot serve a premise of company B."""
        Account = self.env["utility.account"]
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            Account.create(
                {
                    "partner_id": self.partner.id,
                    "premise_id": self.premise_b.id,
                    "company_id": self.company_a.id,
                }
            )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.account_a.premise_id = self.premise_b
        self.assertEqual(self.account_a.premise_id, self.premise_a)

    def test_service_with_other_company_meter_or_type(self):
        """An account's service uses its own company's service type and meter."""
        spare_b = self.env_b["utility.meter"].create(
            {"serial": "MC-B-SPARE", "service_type_id": self.water_b.id}
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.account_a.service_ids.filtered("meter_id").meter_id = spare_b
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["utility.account.service"].create(
                {"account_id": self.account_a.id, "service_type_id": self.water_b.id}
            )
        self.assertEqual(self.account_a.meter_ids, self.meter_a)

    def test_meter_with_other_company_links(self):
        """A meter has its own company's service type and is installed only at
        its own company's premises."""
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self._create_meter("MC-X1", service_type_id=self.water_b.id)
        spare_b = self.env_b["utility.meter"].create(
            {"serial": "MC-B-2", "service_type_id": self.water_b.id}
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            spare_b._install(self.premise_a, "2025-02-01", 0)
        self.assertEqual(spare_b.state, "in_stock")
        self.assertFalse(spare_b.read_ids)

    def test_read_with_other_company_account(self):
        """A read of company B's meter cannot be charged to company A's
        account."""
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["utility.meter.read"].create(
                {
                    "meter_id": self.meter_b.id,
                    "account_id": self.account_a.id,
                    "read_datetime": "2025-03-05 12:00:00",
                    "reading": 20,
                }
            )
        self.assertEqual(self.meter_b.read_ids.account_id, self.account_b)

    def test_configuration_links_stay_in_company(self):
        """Premises, routes and exception rules link only to their own
        company's route, cycle and service type."""
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self._create_premise("51 Calle Mixta", route_id=self.route_b.id)
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["utility.route"].create(
                {"name": "Mixed", "code": "MIX", "cycle_id": self.cycle_b.id}
            )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["utility.read.exception.rule"].create(
                {
                    "name": "Mixed",
                    "exception_code": "high",
                    "service_type_id": self.water_b.id,
                }
            )
