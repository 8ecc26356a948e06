# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from datetime import date

from odoo import Command, fields
from odoo.tests import Form

from .common import UtilityBillingCommon

COACHELLA_SIZES = {
    "5/8": 13.80,
    "3/4": 13.80,
    "1": 19.32,
    "1.5": 24.84,
    "2": 40.02,
    "6": 289.83,
    "8": 400.24,
}


class UtilityBillingRunCommon(UtilityBillingCommon):
    """Billing on top of the small town: products with their own income accounts,
    a 5% utility users tax on the water products, Coachella's water rate
    (docs/domain-rules.md §2.3), a trash flat rate and a sewer rate per living unit.

    The billed period is March 2025 (bill date April 3, due 21 days later);
    meters are installed on February 28 so that each account's March read
    measures March alone.
    """

    PERIOD_START = date(2025, 3, 1)
    PERIOD_END = date(2025, 3, 31)
    BILL_DATE = date(2025, 4, 3)
    DUE_DATE = date(2025, 4, 24)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Every read of these tests is valid unless a test flags it itself.
        cls._archive_exception_rules()
        cls.sewer.billing_channel = "bill"
        cls.uut = cls.env["account.tax"].create(
            {
                "name": "Test Utility Users Tax 5%",
                "amount_type": "percent",
                "amount": 5.0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        Account = cls.env["account.account"]
        cls.income_water = Account.create(
            {"name": "Water Sales", "code": "UBT4101", "account_type": "income"}
        )
        cls.income_sewer = Account.create(
            {"name": "Sewer Charges", "code": "UBT4201", "account_type": "income"}
        )
        cls.income_trash = Account.create(
            {"name": "Refuse Charges", "code": "UBT4301", "account_type": "income"}
        )
        cls.income_other = Account.create(
            {
                "name": "Other Utility Revenue",
                "code": "UBT4901",
                "account_type": "income",
            }
        )
        cls.product_water_fixed = cls._utility_product(
            "Test Water Service Charge", cls.income_water, cls.uut
        )
        cls.product_water_usage = cls._utility_product(
            "Test Water Usage", cls.income_water, cls.uut
        )
        cls.product_sewer = cls._utility_product("Test Sewer Charge", cls.income_sewer)
        cls.product_trash = cls._utility_product("Test Trash", cls.income_trash)
        cls.product_minimum = cls._utility_product("Test Minimum", cls.income_other)
        cls.water_rate = cls._create_rate(
            "TW-RES",
            cls.water,
            [cls._coachella_fixed_vals(), cls._coachella_tiers_vals()],
            name="Test Water - Residential",
            customer_class="residential",
        )
        cls.trash_rate = cls._create_rate(
            "TT-RES",
            cls.trash,
            [
                {
                    "name": "Trash collection",
                    "component_type": "fixed_flat",
                    "amount": 28.50,
                    "product_id": cls.product_trash.id,
                }
            ],
            name="Test Trash",
        )
        cls.sewer_rate = cls._create_rate(
            "TS-RES",
            cls.sewer,
            [
                {
                    "name": "Sewer service charge",
                    "component_type": "fixed_unit",
                    "amount": 41.81,
                    "product_id": cls.product_sewer.id,
                }
            ],
            name="Test Sewer",
        )
        cls.rate_by_service = {
            cls.water: cls.water_rate,
            cls.trash: cls.trash_rate,
            cls.sewer: cls.sewer_rate,
        }

    # ------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------

    @classmethod
    def _utility_product(cls, name, income_account, tax=None):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": 0.0,
                "property_account_income_id": income_account.id,
                "taxes_id": [Command.set(tax.ids if tax else [])],
            }
        )

    @classmethod
    def _coachella_fixed_vals(cls, sequence=10):
        return {
            "sequence": sequence,
            "name": "Water service charge",
            "component_type": "fixed_size",
            "product_id": cls.product_water_fixed.id,
            "size_price_ids": [
                Command.create({"meter_size": size, "amount": amount})
                for size, amount in COACHELLA_SIZES.items()
            ],
        }

    @classmethod
    def _coachella_tiers_vals(cls, sequence=20, **vals):
        values = {
            "sequence": sequence,
            "name": "Water usage",
            "component_type": "tiered",
            "product_id": cls.product_water_usage.id,
            "tier_ids": [
                Command.create({"sequence": 1, "upper_limit": 41, "price": 1.50}),
                Command.create({"sequence": 2, "upper_limit": 0, "price": 1.65}),
            ],
        }
        values.update(vals)
        return values

    @classmethod
    def _create_rate(
        cls, code, service_type, components, effective_from="2025-01-01", **vals
    ):
        values = {
            "name": code,
            "code": code,
            "service_type_id": service_type.id,
            "effective_from": effective_from,
            "resolution": f"Resolution {code}",
            "component_ids": [Command.create(c) for c in components],
        }
        values.update(vals)
        return cls.env["utility.rate.schedule"].create(values)

    @classmethod
    def _billing_account(
        cls,
        serial,
        services=None,
        initial_reading=0.0,
        install_date="2025-02-28",
        route=None,
        sequence=10,
        customer_class="residential",
        living_units=1,
        size="3/4",
        partner=None,
        rates=None,
        **account_vals,
    ):
        """Premise, installed meter, active account with explicit rates.

        ``services``: service types of the account (water and trash by default);
        ``rates``: {service type: rate} overriding the class's rates.
        """
        services = services if services is not None else [cls.water, cls.trash]
        rates = {**cls.rate_by_service, **(rates or {})}
        premise = cls.env["utility.premise"].create(
            {
                "street": f"{serial} Calle Tampico",
                "city": "Coachella",
                "zip": "92236",
                "route_id": (route or cls.route).id,
                "sequence": sequence,
                "customer_class": customer_class,
                "living_units": living_units,
            }
        )
        meter = cls._create_meter(serial, size=size)
        meter._install(premise, install_date, initial_reading)
        values = {
            "partner_id": (partner or cls.partner).id,
            "premise_id": premise.id,
            "start_date": install_date,
            "service_ids": [
                Command.create(
                    {
                        "service_type_id": service_type.id,
                        "meter_id": meter.id if service_type.metered else False,
                        "rate_schedule_id": rates[service_type].id,
                    }
                )
                for service_type in services
            ],
        }
        values.update(account_vals)
        account = cls.env["utility.account"].create(values)
        account.action_activate()
        return premise, meter, account

    def _stop(self, account, end_date, readings=None):
        """Move-out with the stop-service wizard, as the account form opens it."""
        action = account.action_stop_service()
        wizard_env = self.env["utility.stop.service"].with_context(**action["context"])
        with Form(wizard_env) as form:
            form.end_date = end_date
            form.update_partner_address = False
            for index, reading in enumerate(readings or []):
                with form.line_ids.edit(index) as line:
                    line.reading = reading
        form.record.action_stop()

    def _start(self, premise, start_date, partner, rates=None):
        """Move-in with the start-service wizard (its move-in read included);
        the account's services get the test rates."""
        form = Form(self.env["utility.start.service"])
        form.customer_mode = "existing"
        form.partner_id = partner
        form.premise_id = premise
        form.start_date = start_date
        action = form.save().action_start()
        account = self.env["utility.account"].browse(action["res_id"])
        rates = {**self.rate_by_service, **(rates or {})}
        for service in account.service_ids:
            service.rate_schedule_id = rates[service.service_type_id]
        return account

    def _new_run(self, **vals):
        values = {
            "cycle_id": self.cycle.id,
            "period_start": self.PERIOD_START,
            "period_end": self.PERIOD_END,
            "bill_date": self.BILL_DATE,
        }
        values.update(vals)
        return self.env["utility.billing.run"].create(values)

    def _bill(self, *, post=True, **vals):
        """Compute (and post) a run for the cycle; return the run."""
        run = self._new_run(**vals)
        run.action_compute()
        if post:
            run.action_post()
        return run

    def _rate_ctx(self, **vals):
        """Rating context of a full monthly period (March 2025), as a run builds it."""
        ctx = {
            "date_from": self.PERIOD_START,
            "date_to": self.PERIOD_END,
            "period_days": 31,
            "days": 31,
            "months": 1,
            "consumption": 0.0,
            "read_date": self.PERIOD_END,
            "meter_size": "3/4",
            "living_units": 1,
            "winter_average": None,
            "proration": 1.0,
        }
        for key in ("date_from", "date_to", "read_date"):
            if isinstance(vals.get(key), str):
                vals[key] = fields.Date.to_date(vals[key])
        ctx.update(vals)
        return ctx

    @staticmethod
    def _charges_table(charges):
        """[(name, quantity, price_unit)] of rated charges, for assertEqual."""
        return [(c["name"], c["quantity"], c["price_unit"]) for c in charges]

    @staticmethod
    def _charges_total(charges):
        return round(sum(round(c["quantity"] * c["price_unit"], 2) for c in charges), 2)

    @staticmethod
    def _lines_table(move):
        """[(label, quantity, price_unit, subtotal)] of a bill's product lines."""
        return [
            (line.name, line.quantity, line.price_unit, line.price_subtotal)
            for line in move.invoice_line_ids
        ]

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """unittest's check of the message, inside Odoo's savepoint: what the
        failed call wrote is rolled back, as it is for the user."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)
