# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json
from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user
from odoo.tools import file_open
from odoo.tools.translate import (
    PYTHON_TRANSLATION_COMMENT,
    CodeTranslations,
    TranslationImporter,
    code_translations,
)

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# The zone of the test users, as of the city's office (README: test users work
# in America/Los_Angeles).
TEST_TZ = "America/Los_Angeles"


def call_kw(case, model, method, args, kwargs=None, context=None):
    """The decoded JSON-RPC reply (``{"result": ...}`` or ``{"error": ...}``)
    of ``model.method(*args, **kwargs)`` called by the session's user through
    /web/dataset/call_kw, as the web client calls it: in English, with
    ``context`` (e.g. the context keys a hostile caller sends) added to the
    call's context. ``case`` is the HttpCase, authenticated as the caller."""
    kwargs = dict(kwargs or {})
    kwargs["context"] = {
        "lang": "en_US",
        **kwargs.get("context", {}),
        **(context or {}),
    }
    response = case.url_open(
        f"/web/dataset/call_kw/{model}/{method}",
        data=json.dumps(
            {
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
        ),
        headers={"Content-Type": "application/json"},
    )
    response.raise_for_status()
    return response.json()


def load_po_terms(env, module, lang="es_MX", cleanup=None):
    """Load ``module``'s i18n/es.po as it is into ``lang`` (the view and field
    terms). Odoo's loader keeps only the entries of the module's .pot, which is
    regenerated at merge time: read the file under another name so that new
    terms count before that.

    With ``cleanup`` (a test's ``addCleanup``, or ``addClassCleanup`` in
    ``setUpClass``) the terms of the module's Python code are loaded too, for
    ``env._()``, until ``cleanup`` runs (they are kept by the process, not the
    database)."""
    env["res.lang"]._activate_lang(lang)
    with file_open(f"{module}/i18n/es.po", "rb") as po_file:
        buffer = io.BytesIO(po_file.read())
    buffer.name = f"{module}-es"
    importer = TranslationImporter(env.cr, verbose=False)
    importer.load(buffer, "po", lang)
    importer.save(overwrite=True)
    if cleanup is None:
        return
    python_terms = dict(code_translations.get_python_translations(module, lang))
    python_terms.update(
        CodeTranslations._read_code_translations_file(
            buffer,
            lambda row: (
                row.get("value") and PYTHON_TRANSLATION_COMMENT in row["comments"]
            ),
        )
    )
    key = (module, lang)
    code_translations.python_translations[key] = python_terms
    cleanup(code_translations.python_translations.pop, key, None)


class UtilityBillingCommon(AccountTestInvoicingCommon):
    """A small town of our own: one cycle, one route, premises, meters, accounts.

    On Odoo's accounting test base: a fresh US company with its chart
    (``cls.company``, ``cls.company_data``) and the base's test user, a utility
    billing manager in America/Los_Angeles. The company is set up as a city
    sets up its own: *Set Up Utility Accounts* (Utility Billing > Configuration
    > Settings) run by that user, and its copies of the shipped per-company
    records (service types, read exception rules, import mappings:
    ``cls.company_records``). A second company comes from
    ``cls.setup_other_company()``, set up the same way. The class env keeps the
    superuser mode (``env.su``) Odoo's TransactionCase env had, on the test
    user: role checks run ``with_user()`` a CSR.

    Tests never rely on the demo data; they build what they check (classes
    about the demo's own records set ``on_demo_company``).
    """

    country_code = "US"
    # True: run on the database's (demo) company instead of a fresh one, for
    # the tests of the demo's own records (its users, counter, mandates).
    on_demo_company = False

    @classmethod
    def setup_independent_company(cls, **kwargs):
        if cls.on_demo_company:
            return None
        return super().setup_independent_company(**kwargs)

    @classmethod
    def get_default_groups(cls):
        """The base's test user is also a utility billing manager."""
        return super().get_default_groups() | cls.env.ref(
            "utility_billing.group_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The base's env (DISABLED_MAIL_CONTEXT, test user, test company) with
        # the user's zone in the context as the web client sends it (users the
        # tests create default to it), in superuser mode as the suite's setups
        # write workflow states directly.
        cls.env.user.tz = TEST_TZ
        cls.env = cls.env(context=dict(cls.env.context, tz=TEST_TZ), su=True)
        cls.company = cls.env.company
        cls.hcf = cls.env.ref("utility_billing.uom_hcf")
        cls.gallon = cls.env.ref("uom.product_uom_gal")
        cls.kgal = cls.env.ref("utility_billing.uom_kgal")
        cls.cubic_foot = cls.env.ref("uom.product_uom_cubic_foot")
        cls.csr1 = new_test_user(
            cls.env,
            login="test_csr1",
            groups="base.group_user,utility_billing.group_csr_1",
            tz=TEST_TZ,
        )
        cls.csr2 = new_test_user(
            cls.env,
            login="test_csr2",
            groups="base.group_user,utility_billing.group_csr_2",
            tz=TEST_TZ,
        )
        cls.manager = new_test_user(
            cls.env,
            login="test_manager",
            groups="base.group_user,utility_billing.group_manager",
            tz=TEST_TZ,
        )
        cls._utility_setup_company(cls.company)
        cls.company_records = cls._utility_company_records(cls.company)
        cls.water = cls.company_records["utility_billing.service_type_water"]
        cls.sewer = cls.company_records["utility_billing.service_type_sewer"]
        cls.trash = cls.company_records["utility_billing.service_type_trash"]
        cls.cycle = cls.env["utility.billing.cycle"].create(
            {
                "name": "Test Cycle",
                "code": "TC1",
                "read_day": 5,
                "bill_day": 8,
                "due_days": 21,
            }
        )
        cls.route = cls.env["utility.route"].create(
            {"name": "Test Route", "code": "TR1", "cycle_id": cls.cycle.id}
        )
        cls.partner = cls.env["res.partner"].create({"name": "Maria Garcia"})

    @classmethod
    def _utility_setup_company(cls, company):
        """What a city's Finance Director (here the test user, a utility billing
        manager of both test companies) runs on a new company: *Set Up Utility
        Accounts* in Utility Billing > Configuration > Settings (the chart's
        accounts, the utility products' income accounts, the users tax
        accounts, the counter's and ACH clearing accounts of the payments
        addon). Its business calendar comes with the company."""
        settings = (
            cls.env(su=False)["utility.settings"].with_company(company).create({})
        )
        settings.action_utility_chart_setup()
        return company

    @classmethod
    def _utility_shipped_company_records(cls):
        """The shipped configuration records that belong to one company (the
        database's first): a city's new company gets its own, the way a
        manager duplicates them in Utility Billing > Configuration. Other
        addons' commons add theirs."""
        return [
            "utility_billing.service_type_water",
            "utility_billing.service_type_sewer",
            "utility_billing.service_type_trash",
            "utility_billing.service_type_stormwater",
            "utility_billing.exception_rule_high",
            "utility_billing.exception_rule_low",
            "utility_billing.exception_rule_zero",
            "utility_billing.exception_rule_negative",
            "utility_billing.exception_rule_inactive",
            "utility_billing.exception_rule_estimates",
            "utility_billing.mapping_generic_ami",
            "utility_billing.mapping_endpoint_us_dates",
        ]

    @classmethod
    def _utility_company_records(cls, company):
        """{xml id: the company's copy} of the shipped per-company records (the
        records themselves on their own company)."""
        copies = {}
        for xmlid in cls._utility_shipped_company_records():
            record = cls.env.ref(xmlid)
            copies[xmlid] = (
                record
                if record.company_id == company
                else record.copy({"company_id": company.id, "name": record.name})
            )
        return copies

    @classmethod
    def setup_other_company(cls, **kwargs):
        """Odoo's second company (chart and accounting data), set up for
        utility billing as a city would."""
        data = super().setup_other_company(**kwargs)
        cls._utility_setup_company(data["company"])
        return data

    @classmethod
    def _create_premise(
        cls, street="100 Avenue 50", customer_class="residential", sequence=10, **kw
    ):
        vals = {
            "street": street,
            "city": "Coachella",
            "zip": "92236",
            "route_id": cls.route.id,
            "sequence": sequence,
            "customer_class": customer_class,
        }
        vals.update(kw)
        return cls.env["utility.premise"].create(vals)

    @classmethod
    def _create_meter(cls, serial, dials=6, multiplier=1.0, uom=None, **kw):
        vals = {
            "serial": serial,
            "service_type_id": cls.water.id,
            "dials": dials,
            "multiplier": multiplier,
            "uom_id": (uom or cls.hcf).id,
        }
        vals.update(kw)
        return cls.env["utility.meter"].create(vals)

    @classmethod
    def _setup_account(
        cls,
        serial,
        street=None,
        initial_reading=0.0,
        install_date="2025-01-05",
        customer_class="residential",
        dials=6,
        multiplier=1.0,
        uom=None,
        partner=None,
    ):
        """Premise, installed meter (initial read), active account: water and trash."""
        premise = cls._create_premise(
            street=street or f"{serial} Calle Tampico", customer_class=customer_class
        )
        meter = cls._create_meter(serial, dials=dials, multiplier=multiplier, uom=uom)
        meter._install(premise, install_date, initial_reading)
        account = cls.env["utility.account"].create(
            {
                "partner_id": (partner or cls.partner).id,
                "premise_id": premise.id,
                "start_date": install_date,
                "service_ids": [
                    Command.create(
                        {"service_type_id": cls.water.id, "meter_id": meter.id}
                    ),
                    Command.create({"service_type_id": cls.trash.id}),
                ],
            }
        )
        account.action_activate()
        return premise, meter, account

    @classmethod
    def _read(cls, meter, when, reading, **kw):
        """Create one read of ``meter`` at ``when`` ('YYYY-MM-DD' or datetime)."""
        if isinstance(when, str):
            when = datetime.fromisoformat(when if " " in when else when + " 12:00:00")
        vals = {"meter_id": meter.id, "read_datetime": when, "reading": reading}
        vals.update(kw)
        return cls.env["utility.meter.read"].create(vals)

    @classmethod
    def _archive_exception_rules(cls):
        """Archive every read exception rule: a test sets the rules it checks."""
        cls.env["utility.read.exception.rule"].search([]).action_archive()

    @classmethod
    def _exception_rule(cls, code, **kw):
        """Create an exception rule of kind ``code`` (general unless kw narrows it)."""
        vals = {"name": f"Test rule {code}", "exception_code": code}
        vals.update(kw)
        return cls.env["utility.read.exception.rule"].create(vals)

    @classmethod
    def _standard_exception_rules(cls):
        """The shipped rule set (data file values), independent of the database."""
        cls._archive_exception_rules()
        cls._exception_rule(
            "high", history_count=3, threshold_percent=100, min_consumption=5
        )
        cls._exception_rule("low", history_count=3, threshold_percent=75)
        for code in ("zero", "negative", "inactive"):
            cls._exception_rule(code)
        cls._exception_rule("estimates", max_estimates=2)

    @classmethod
    def _usage_history(cls, meter, daily=1.0):
        """Three monthly reads after the initial read of ``meter`` (installed on
        2025-01-05 at 0): ``daily`` HCF a day, 2025-02-04, 03-06 and 04-05."""
        reads = cls.env["utility.meter.read"]
        for day, days in (("2025-02-04", 30), ("2025-03-06", 60), ("2025-04-05", 90)):
            reads |= cls._read(meter, day, daily * days)
        return reads

    @classmethod
    def _sb998_case(cls, account, kind, accept=True, **vals):
        """An SB 998 case the way the office records it: a CSR I keys what the
        customer brought, a CSR II accepts it (``accept``; appeals stay
        pending)."""
        if kind == "inability":
            vals = {"inability_basis": "program", "program": "calfresh", **vals}
        case = (
            cls.env["utility.sb998.case"]
            .with_user(cls.csr1)
            .create({"account_id": account.id, "kind": kind, **vals})
        )
        if accept and kind != "appeal":
            case.with_user(cls.csr2).action_accept()
        return case.with_env(cls.env)

    @classmethod
    def _sb998_protect(cls, account):
        """Medical certification, inability to pay and willingness on file."""
        return (
            cls._sb998_case(account, "medical")
            | cls._sb998_case(account, "inability")
            | cls._sb998_case(account, "willingness")
        )

    @classmethod
    def _service_order(cls, order_type, account=None, **vals):
        """A new service order of ``order_type`` on ``account`` (its premise and
        meter by default)."""
        values = {"order_type": order_type}
        if account:
            values["account_id"] = account.id
        values.update(vals)
        return cls.env["utility.service.order"].create(values)
