# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from collections import defaultdict
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from ..models import utility_conversion_validate as validate_module
from .common import UtilityBillingCommon

CUTOVER = date(2025, 6, 30)
PREMISES_HEADER = (
    "premise_ref,street,city,zip,apn,route_code,walk_sequence,customer_class,"
    "living_units"
)
METERS_HEADER = (
    "serial,premise_ref,service_type,size,dials,multiplier,make,model,install_date"
)

GOOD = {
    "customers": """customer_ref,name,street,city,zip,email,phone
CV-C1,Rosa Delgado,51-200 Calle Paloma,Coachella,92236,rosa@example.com,760-555-0111
CV-C2,Juan Ortiz,51-210 Calle Paloma,Coachella,92236,,
CV-C3,Ana Ruiz,51-220 Calle Paloma,Coachella,92236,,
""",
    "premises": PREMISES_HEADER
    + """
CV-P1,51-200 Calle Paloma,Coachella,92236,768-100-001,TR1,10,residential,1
CV-P2,51-210 Calle Paloma,Coachella,92236,768-100-002,TR1,20,residential,1
CV-P3,51-220 Calle Paloma,Coachella,92236,768-100-003,TR1,30,commercial,1
""",
    "meters": METERS_HEADER
    + """
CV-M1,CV-P1,WATER,3/4,6,1,Badger,M25,2019-04-15
CV-M2,CV-P2,WATER,1,6,1,Neptune,T10,04/20/2018
""",
    "accounts": """account_number,customer_ref,premise_ref,status,start_date,end_date
CV-0001,CV-C1,CV-P1,active,2019-04-15,
CV-0002,CV-C2,CV-P2,active,2018-04-20,
CV-0003,CV-C3,CV-P3,final,2015-01-10,2025-06-15
""",
    "services": """account_number,service_type,rate_code,meter_serial,start_date
CV-0001,WATER,CV-W,CV-M1,2019-04-15
CV-0001,TRASH,CV-T,,
CV-0002,WATER,CV-W,CV-M2,
CV-0002,TRASH,CV-T,,
CV-0003,TRASH,CV-T,,
""",
    "balances": """account_number,current,days_31_60,days_61_90,days_91_plus
CV-0001,45.10,38.75,0.00,
CV-0002,-5.00,,20.00,15.50
CV-0003,,,,60.00
""",
    "deposits": """account_number,amount,paid_date
CV-0001,100.00,2019-04-15
CV-0002,85.00,
""",
}

# Every kind of error, planted where the test expects it (file, line, column).
BAD = {
    "customers": """customer_ref,name,street,city,zip,email,phone,fax
CV-C1,Rosa Delgado,51-200 Calle Paloma,Coachella,92236,,,
CV-C1,Rosa Delgado Again,,,,,,
CV-C3,,,,,,,
""",
    "premises": PREMISES_HEADER
    + """
CV-P1,51-200 Calle Paloma,Coachella,92236,,NOPE,10,residential,1
CV-P2,51-210 Calle Paloma,Coachella,92236,,TR1,ten,residential,1
CV-P3,51-220 Calle Paloma,Coachella,92236,,TR1,30,villa,1
CV-P4,51-230 Calle Paloma,Coachella,92236,,TR1,40,residential,1
""",
    "meters": METERS_HEADER
    + """
CV-M1,CV-P1,WATER,3/4,6,1,,,2019-04-15
CV-M1,CV-P4,WATER,3/4,6,1,,,2019-04-15
CV-M2,CV-P4,WATER,3/4,6,1,,,2019-13-45
CV-M3,CV-P9,WATER,3/4,6,1,,,2019-04-15
""",
    "accounts": """account_number,customer_ref,premise_ref,status,start_date,end_date
CV-0001,CV-C1,CV-P1,active,2019-04-15,
CV-0001,CV-C1,CV-P4,active,2019-04-15,
CV-0002,CV-C9,CV-P4,active,2018-04-20,
CV-0003,CV-C1,CV-P4,final,2015-01-10,
CV-0004,CV-C1,CV-P1,active,2020-01-01,
""",
    "services": """account_number,service_type,rate_code,meter_serial,start_date
CV-0001,WATER,CV-W,CV-M1,
CV-0002,WATER,NO-RATE,CV-M1,
CV-0004,WATER,CV-W,,
CV-0004,TRASH,CV-T,,
CV-0001,TRASH,CV-T,,
""",
    "balances": """account_number,current,days_31_60,days_61_90,days_91_plus
CV-0001,12.345,,,
CV-0002,,-10.00,,
CV-0099,1.00,,,
""",
    "deposits": """account_number,amount,paid_date
CV-0001,,
""",
}

EXPECTED_ERRORS = {
    ("customers.csv", 1, "fax"),  # unknown column
    ("customers.csv", 3, "customer_ref"),  # duplicate
    ("customers.csv", 4, "name"),  # required
    ("premises.csv", 2, "route_code"),  # route does not exist
    ("premises.csv", 3, "walk_sequence"),  # not a whole number
    ("premises.csv", 4, "customer_class"),  # not a class
    ("meters.csv", 3, "serial"),  # meter on two premises
    ("meters.csv", 4, "install_date"),  # not a date
    ("meters.csv", 5, "premise_ref"),  # premise not in the file
    ("meters.csv", 5, "serial"),  # serial already in the database
    ("accounts.csv", 3, "account_number"),  # duplicate account number
    ("accounts.csv", 4, "customer_ref"),  # customer not in the file
    ("accounts.csv", 5, "end_date"),  # final with no end date
    ("accounts.csv", 6, "account_number"),  # number already in the database
    ("services.csv", 3, "rate_code"),  # rate code with no rate
    ("services.csv", 3, "meter_serial"),  # meter on another premise
    ("services.csv", 4, "meter_serial"),  # metered with no meter
    ("services.csv", 4, "account_number"),  # 2nd active water account at P1
    ("services.csv", 6, "account_number"),  # 2nd active trash account at P1
    ("balances.csv", 2, "current"),  # more than two decimals
    ("balances.csv", 3, "days_31_60"),  # negative aged balance
    ("balances.csv", 4, "account_number"),  # account not in the file
    ("deposits.csv", 2, "amount"),  # required
}


class ConversionCommon(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.water_rate = cls.env["utility.rate.schedule"].create(
            {
                "name": "Conversion Water",
                "code": "CV-W",
                "service_type_id": cls.water.id,
                "effective_from": "2025-01-01",
                "resolution": "Conversion test",
            }
        )
        cls.trash_rate = cls.env["utility.rate.schedule"].create(
            {
                "name": "Conversion Trash",
                "code": "CV-T",
                "service_type_id": cls.trash.id,
                "effective_from": "2025-01-01",
                "resolution": "Conversion test",
            }
        )

    @classmethod
    def _conversion(cls, files, user=None, **vals):
        values = {"name": "Trial conversion", "cutover_date": CUTOVER, **vals}
        for kind, text in files.items():
            values[f"{kind}_file"] = base64.b64encode(text.encode())
            values[f"{kind}_filename"] = f"{kind}.csv"
        return (
            cls.env["utility.conversion"].with_user(user or cls.manager).create(values)
        )


@tagged("post_install", "-at_install")
class TestConversion(ConversionCommon):
    def _counts(self):
        """What a load creates, counted in the database."""
        Account = self.env["utility.account"]
        accounts = Account.search([("name", "=like", "CV-%")])
        return {
            "partners": self.env["res.partner"].search_count(
                [("name", "in", ("Rosa Delgado", "Juan Ortiz", "Ana Ruiz"))]
            ),
            "premises": self.env["utility.premise"].search_count(
                [("street", "=like", "51-2% Calle Paloma")]
            ),
            "meters": self.env["utility.meter"].search_count(
                [("serial", "=like", "CV-M%")]
            ),
            "accounts": len(accounts),
            "moves": self.env["account.move"].search_count(
                [("utility_account_id", "in", accounts.ids)]
            ),
        }

    def _legacy_totals(self):
        return {
            "legacy_active_count": 2,
            "legacy_final_count": 1,
            "legacy_closed_count": 0,
            "legacy_meter_count": 2,
            "legacy_current": 40.10,
            "legacy_days_31_60": 38.75,
            "legacy_days_61_90": 20.00,
            "legacy_days_91_plus": 75.50,
            "legacy_deposits": 185.00,
        }

    def test_planted_errors_reported_nothing_loaded(self):
        """Every kind of error is listed with its file, line and column, and
        nothing is loaded while one remains."""
        # Already in the database, not converted: a meter and an account.
        self._create_meter("CV-M3")
        self.env["utility.account"].create(
            {
                "name": "CV-0004",
                "partner_id": self.partner.id,
                "premise_id": self._create_premise(street="1 Calle Uno").id,
            }
        )
        before = self._counts()
        conversion = self._conversion(BAD)
        conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        found = {(e.file_name, e.line_no, e.field_name) for e in conversion.error_ids}
        self.assertLessEqual(EXPECTED_ERRORS, found, EXPECTED_ERRORS - found)
        self.assertTrue(all(conversion.error_ids.mapped("message")))
        with self.assertRaises(UserError):
            conversion.action_load()
        self.assertEqual(self._counts(), before)
        self.assertFalse(conversion.account_ids)

    def test_planted_errors_same_by_batches(self):
        """The services and the balances are parsed, staged and checked by
        batches (never held whole): the same errors, in the same order,
        whatever the size of a batch, a duplicate in a later batch than its
        first line included; and the same again on the staged rows (Load)."""
        self._create_meter("CV-M3")
        files = {
            **BAD,
            "services": BAD["services"] + "CV-0001,WATER,CV-W,CV-M1,\n",
            "balances": BAD["balances"] + "CV-0099,5.00,,,\n",
        }
        whole = self._conversion(files)
        whole.action_validate()
        by_batches = self._conversion(files)
        with patch.object(validate_module, "STAGE_BATCH", 2):
            by_batches.action_validate()

        def listed(conversion):
            return [
                (e.file_name, e.line_no, e.field_name, e.message)
                for e in conversion.error_ids.sorted("sequence")
            ]

        found = listed(by_batches)
        self.assertEqual(found, listed(whole))
        self.assertIn(
            (
                "services.csv",
                7,
                "service_type",
                "Account CV-0001 has service WATER twice (also on line 2).",
            ),
            found,
        )
        self.assertIn(
            (
                "balances.csv",
                5,
                "account_number",
                "Duplicate account_number CV-0099: also on line 4.",
            ),
            found,
        )
        # In the order of the files, then of the lines within a file's checks.
        files_order = [e[0] for e in found]
        self.assertLess(
            files_order.index("services.csv"), files_order.index("balances.csv")
        )
        self.assertEqual(
            sorted(
                by_batches.line_ids.filtered(lambda ln: ln.kind == "services").mapped(
                    "line_no"
                )
            ),
            [2, 3, 4, 5, 6],
        )
        with patch.object(validate_module, "STAGE_BATCH", 2):
            again = by_batches._check_staged()
        self.assertEqual(
            [
                (e["file_name"], e["line_no"], e["field_name"], e["message"])
                for e in again
            ],
            [
                (e["file_name"], e["line_no"], e["field_name"], e["message"])
                for e in whole._check_staged()
            ],
        )
        self.assertTrue(again)

    def test_load_proves_and_reloads_nothing(self):
        """The corrected files load: accounts, meters, services, opening
        balances by bucket and deposits held, and the proof totals tie. The
        opening receivable per bucket, aged from the journal items, is the
        legacy aging. A re-load of the same files creates nothing."""
        before = self._counts()
        conversion = self._conversion(GOOD, **self._legacy_totals())
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        self.assertEqual(conversion.state, "validated")
        conversion.action_load()
        self.assertEqual(conversion.state, "loaded")
        self.assertTrue(conversion.proof_ties, conversion.proof_html)
        self.assertIn("TIES", conversion.proof_html)
        self.assertNotIn("DIFFERENCE", conversion.proof_html)

        Account = self.env["utility.account"]
        one, two, three = (
            Account.search([("name", "=", number)])
            for number in ("CV-0001", "CV-0002", "CV-0003")
        )
        self.assertEqual(
            (one.state, two.state, three.state), ("active", "active", "final")
        )
        self.assertEqual(three.end_date, date(2025, 6, 15))
        self.assertEqual(one.partner_id.name, "Rosa Delgado")
        self.assertEqual(one.premise_id.apn, "768-100-001")
        self.assertEqual(one.premise_id.route_id, self.route)
        self.assertEqual(
            set(one.service_ids.mapped("rate_schedule_id.code")), {"CV-W", "CV-T"}
        )
        meter = one.service_ids.meter_id
        self.assertEqual(meter.serial, "CV-M1")
        self.assertEqual(meter.state, "installed")
        self.assertEqual(meter.premise_id, one.premise_id)
        self.assertEqual(meter.install_date, date(2019, 4, 15))
        self.assertEqual(two.service_ids.meter_id.install_date, date(2018, 4, 20))
        self.assertEqual((one.deposit_held, two.deposit_held), (100.0, 85.0))
        # Each deposit held is one entry of the miscellaneous journal.
        deposits = conversion.move_ids.filtered("utility_deposit_kind")
        self.assertEqual(
            sorted(deposits.mapped(lambda m: (m.move_type, m.utility_deposit_kind))),
            [("entry", "held"), ("entry", "held")],
        )
        self.assertEqual(set(deposits.journal_id.mapped("type")), {"general"})
        self.assertEqual((one.balance, two.balance, three.balance), (83.85, 30.5, 60.0))

        # The aging of the first day, read from the journal items: open
        # receivable of each account by days past due at the cut-over.
        lines = self.env["account.move.line"].search(
            [
                ("utility_account_id", "in", (one | two | three).ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        aging = defaultdict(float)
        for line in lines:
            days = (CUTOVER - (line.date_maturity or line.date)).days
            bucket = (
                "current"
                if days <= 30
                else "31-60"
                if days <= 60
                else "61-90"
                if days <= 90
                else "91+"
            )
            aging[line.utility_account_id.name, bucket] += line.amount_residual
        self.assertEqual(
            {key: round(value, 2) for key, value in aging.items() if round(value, 2)},
            {
                ("CV-0001", "current"): 45.10,
                ("CV-0001", "31-60"): 38.75,
                # A credit applies itself to the oldest open bill, as every
                # credit does in utility billing: CV-0002's 5.00 credit
                # lowers its 91+ days.
                ("CV-0002", "61-90"): 20.00,
                ("CV-0002", "91+"): 10.50,
                ("CV-0003", "91+"): 60.00,
            },
        )
        # One opening invoice per account, a receivable item per bucket due on
        # its own date; the invoice is due when its oldest amount is.
        openings = conversion.move_ids.filtered(
            lambda m: m.move_type == "out_invoice" and not m.utility_deposit_kind
        )
        self.assertEqual(openings.utility_account_id, one | two | three)
        self.assertEqual(len(openings), 3)
        opening = openings.filtered(lambda m: m.utility_account_id == one)
        self.assertEqual(opening.state, "posted")
        self.assertEqual(opening.invoice_date, CUTOVER)
        self.assertEqual(opening.invoice_date_due, date(2025, 5, 30))
        self.assertEqual(opening.amount_total, 83.85)
        self.assertEqual(
            sorted(
                (ln.date_maturity, ln.balance, ln.amount_residual)
                for ln in opening.line_ids
                if ln.display_type == "payment_term"
            ),
            [(date(2025, 5, 30), 38.75, 38.75), (CUTOVER, 45.10, 45.10)],
        )
        self.assertEqual(
            opening.line_ids.filtered(
                lambda ln: ln.display_type == "payment_term"
            ).account_id.account_type,
            "asset_receivable",
        )
        # CV-0002's 5.00 credit is a credit note applied to its oldest item.
        credit = conversion.move_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(
            (credit.utility_account_id, credit.amount_total, credit.payment_state),
            (two, 5.0, "paid"),
        )
        # The other side: the conversion clearing account and the deposits.
        clearing = self.company.utility_conversion_account_id
        self.assertEqual(clearing.code, "199100")
        items = self.env["account.move.line"].search(
            [("move_id", "in", conversion.move_ids.ids)]
        )
        self.assertEqual(
            round(
                sum(
                    items.filtered(lambda ln: ln.account_id == clearing).mapped(
                        "balance"
                    )
                ),
                2,
            ),
            round(-(40.10 + 38.75 + 20.00 + 75.50) + 185.00, 2),
        )
        self.assertEqual(
            round(
                sum(
                    items.filtered(
                        lambda ln: (
                            ln.account_id == self.company.utility_deposit_account_id
                        )
                    ).mapped("balance")
                ),
                2,
            ),
            -185.0,
        )
        loaded = self._counts()
        self.assertEqual(
            {k: loaded[k] - before[k] for k in loaded},
            # Opening invoices 3 (one per account), a credit note (CV-0002's
            # credit), a deposit entry each for the 2 deposits held.
            {"partners": 3, "premises": 3, "meters": 2, "accounts": 3, "moves": 6},
        )

        # A re-load of the same files, in a new batch: nothing new.
        again = self._conversion(GOOD, **self._legacy_totals())
        again.action_validate()
        self.assertFalse(again.error_ids.mapped("message"))
        again.action_load()
        self.assertEqual(again.state, "loaded")
        self.assertEqual(again.created_count, 0)
        self.assertEqual(self._counts(), loaded)
        self.assertTrue(again.proof_ties, again.proof_html)
        self.assertEqual(again.account_ids, conversion.account_ids)

        # A new account at a converted premise whose service is on an active
        # account in the database: an error, and nothing of the files loaded.
        moving_in = self._conversion(
            {
                "customers": "customer_ref,name\nCV-C9,Luis Mora\n",
                "accounts": "account_number,customer_ref,premise_ref,status,"
                "start_date\nCV-0009,CV-C9,CV-P1,active,2025-06-01\n",
                "services": "account_number,service_type,rate_code\n"
                "CV-0009,TRASH,CV-T\n",
            }
        )
        moving_in.action_validate()
        self.assertEqual(moving_in.state, "draft")
        self.assertEqual(
            [(e.file_name, e.line_no, e.field_name) for e in moving_in.error_ids],
            [("services.csv", 2, "account_number")],
        )
        self.assertIn("CV-0001", moving_in.error_ids.message)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Luis Mora")]))

    def test_load_checks_the_staged_rows_against_the_database(self):
        """Load does not parse and stage the unchanged files again, but what
        changed in the database since Validate still stops it: a meter keyed
        by hand meanwhile under a serial of the files is reported on its line
        and nothing is loaded."""
        before = self._counts()
        conversion = self._conversion(GOOD, **self._legacy_totals())
        conversion.action_validate()
        self.assertEqual(conversion.state, "validated")
        staged = conversion.line_ids
        self.assertTrue(staged)
        self._create_meter("CV-M1")
        conversion.action_load()
        self.assertEqual(conversion.state, "draft")
        self.assertEqual(
            {(e.file_name, e.line_no, e.field_name) for e in conversion.error_ids},
            {("meters.csv", 2, "serial")},
        )
        self.assertEqual(conversion.line_ids, staged, "the files were staged again")
        self.assertEqual(
            {k: v for k, v in self._counts().items() if k != "meters"},
            {k: v for k, v in before.items() if k != "meters"},
        )

    def test_opening_invoices_followed_and_ranked_as_posting_does(self):
        """The customers follow their opening invoices with a customer's
        subtypes, and their customer rank counts each posted entry of theirs,
        as posting an invoice one at a time does."""
        conversion = self._conversion(GOOD, **self._legacy_totals())
        conversion.action_validate()
        conversion.action_load()
        self.assertEqual(conversion.state, "loaded")
        account = conversion.account_ids.filtered(lambda a: a.name == "CV-0001")
        partner = account.partner_id
        moves = conversion.move_ids.filtered(lambda m: m.utility_account_id == account)
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        # The opening balance (an invoice) and the deposit held (an entry
        # without receivable: posting it does not rank the customer).
        self.assertEqual((len(moves), len(invoices)), (2, 1))
        self.assertEqual(partner.customer_rank, 1)
        _default, _internal, external = self.env[
            "mail.message.subtype"
        ].default_subtypes("account.move")
        for invoice in invoices:
            follower = invoice.message_follower_ids.filtered(
                lambda f: f.partner_id == partner
            )
            self.assertEqual(len(follower), 1)
            self.assertEqual(follower.subtype_ids, external)

    def test_proof_shows_difference(self):
        """A legacy control total that does not tie shows its difference."""
        totals = dict(
            self._legacy_totals(), legacy_days_91_plus=80.0, legacy_meter_count=3
        )
        conversion = self._conversion(GOOD, **totals)
        conversion.action_validate()
        conversion.action_load()
        self.assertFalse(conversion.proof_ties)
        self.assertEqual(conversion.loaded_days_91_plus, 75.5)
        self.assertEqual(conversion.loaded_meter_count, 2)
        self.assertIn("DIFFERENCE", conversion.proof_html)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "utility_billing.action_report_utility_conversion_proof",
                conversion.ids,
            )[0]
            .decode()
        )
        self.assertIn("DIFFERENCE", html)
        self.assertIn("Some totals do not tie", html)

    def test_csr_refused(self):
        """A CSR neither sees, creates nor loads a conversion."""
        conversion = self._conversion(GOOD)
        for user in (self.csr1, self.csr2):
            with self.assertRaises(AccessError):
                self._conversion(GOOD, user=user)
            with self.assertRaises(AccessError):
                conversion.with_user(user).action_load()
            with self.assertRaises(AccessError):
                conversion.with_user(user).read(["name"])

    def test_other_company_not_seen(self):
        """A manager sees only the conversions (and their rows and errors) of
        the companies he works in."""
        other = self.env["res.company"].create({"name": "Indio Water District"})
        conversion = self._conversion(BAD)
        conversion.action_validate()
        self.assertTrue(conversion.error_ids)
        conversion.sudo().company_id = other
        Conversion = self.env["utility.conversion"].with_user(self.manager)
        self.assertFalse(Conversion.search([("id", "=", conversion.id)]))
        Error = self.env["utility.conversion.error"].with_user(self.manager)
        self.assertFalse(Error.search([("conversion_id", "=", conversion.id)]))
        Line = self.env["utility.conversion.line"].with_user(self.manager)
        self.assertFalse(Line.search([("conversion_id", "=", conversion.id)]))

    def test_new_form(self):
        """A manager opens a new conversion (the proof is computed before the
        company is set) and saves it: nothing loaded, the proof does not tie
        until the legacy totals are keyed."""
        form = Form(self.env["utility.conversion"].with_user(self.manager))
        form.name = "Cut-over rehearsal"
        conversion = form.save()
        self.assertEqual(conversion.state, "draft")
        self.assertEqual(conversion.company_id, self.manager.company_id)
        self.assertEqual(conversion.loaded_current, 0.0)

    def test_state_is_not_keyed(self):
        """The state changes only through Validate, Load and Back to Draft."""
        conversion = self._conversion(GOOD)
        with self.assertRaises(UserError):
            conversion.write({"state": "validated"})
        conversion.action_validate()
        with self.assertRaises(UserError):
            conversion.write({"cutover_date": date(2025, 7, 31)})
        # Nor are the records the proof reads keyed.
        other = self.env["utility.account"].search([], limit=1)
        for vals in (
            {"account_ids": [Command.link(other.id)]},
            {"created_count": 0},
        ):
            with self.assertRaises(UserError):
                conversion.write(vals)


@tagged("post_install", "-at_install")
class TestConversionJsonRpc(HttpCase, ConversionCommon):
    """A CSR I or II over JSON-RPC can neither create a conversion nor load one."""

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_csr_refused_over_json_rpc(self):
        conversion = self._conversion(GOOD)
        conversion.action_validate()
        for user in (self.csr1, self.csr2):
            self.authenticate(user.login, user.login)
            for method, args in (
                ("create", [{"name": "Mine", "cutover_date": "2025-06-30"}]),
                ("action_load", [conversion.ids]),
                ("action_validate", [conversion.ids]),
            ):
                with (
                    self.subTest(user=user.login, method=method),
                    self.assertRaises(JsonRpcException) as cm,
                ):
                    self._call("utility.conversion", method, args)
                self.assertIn("AccessError", str(cm.exception))
        self.assertEqual(conversion.state, "validated")
        self.assertFalse(conversion.account_ids)
