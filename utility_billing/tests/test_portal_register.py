# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Self-registration on the customer portal (/my/utility_register) with the
account number and the registration code printed on the bill, and the rate
limits of the portal's public doors (utility.portal.attempt)."""

import re
from datetime import timedelta
from unittest.mock import patch

from lxml import html

from odoo import fields, http
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.mail.models.mail_mail import MailMail

from ..models.utility_account_register import REGISTRATION_ALPHABET
from .common import call_kw, load_po_terms
from .common_billing import UtilityBillingRunCommon

URL = "/my/utility_register"
BILL_REPORT = "utility_billing.report_utility_bill"
NO_MATCH = "This account number and registration code do not match."
TOO_MANY = "Too many attempts. Please try again later, or call customer service."


@tagged("post_install", "-at_install")
class TestPortalRegister(UtilityBillingRunCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.email = "maria@example.com"
        _premise, cls.meter, cls.account = cls._billing_account("RG-1")
        cls.other_partner = cls.env["res.partner"].create({"name": "Jose Ramirez"})
        _premise, _meter, cls.other_account = cls._billing_account(
            "RG-2", partner=cls.other_partner
        )
        cls.code = cls.account.registration_code
        load_po_terms(cls.env, "utility_billing")

    def setUp(self):
        super().setUp()
        # Keep the e-mails sent (Odoo deletes them once sent).
        unlink = patch.object(MailMail, "unlink", lambda self: None)
        unlink.start()
        self.addCleanup(unlink.stop)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _post(self, number, code, email="maria@example.com", name="Maria Garcia"):
        """Submit the form as an anonymous visitor, with the page's CSRF
        token; the response."""
        session = getattr(self, "session", None)
        if not session or session.uid:
            self.authenticate(None, None)
        csrf = http.Request.csrf_token(self)
        return self.url_open(
            URL,
            data={
                "csrf_token": csrf,
                "account_number": number,
                "code": code,
                "email": email,
                "name": name,
            },
        )

    @staticmethod
    def _page_text(response):
        """The visible text of the page's form card, without the CSRF token."""
        root = html.fromstring(response.text)
        card = root.xpath("//div[hasclass('o_ub_register')]")[0]
        return " ".join(" ".join(card.itertext()).split())

    @staticmethod
    def _without_token(response):
        # The CSRF token (form field and frontend script): an HMAC and its
        # expiry time, different from one second to the next.
        return re.sub(r"[0-9a-f]{40}o[0-9]+", "TOKEN", response.text)

    def _users_of(self, partner):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("partner_id", "child_of", partner.id)])
        )

    def _attempts(self):
        return self.env["utility.portal.attempt"].search([("kind", "=", "register")])

    def _age_attempts(self, minutes):
        """Move the attempts ``minutes`` into the past."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE utility_portal_attempt SET create_date = create_date - %s",
                timedelta(minutes=minutes),
            )
        )
        self.env.invalidate_all()

    def _render_bill_text(self, bill, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user).with_env(Report.env(su=False, user=user))
        content = Report._render_qweb_html(BILL_REPORT, bill.ids)[0]
        text = " ".join(html.fromstring(content).itertext())
        return " ".join(text.replace("\xa0", " ").split())

    # ------------------------------------------------------------------
    # The code
    # ------------------------------------------------------------------
    def test_code_made_for_every_account(self):
        """Every account has its own 8-character code of the unambiguous
        alphabet; accounts without one (before install) get one each."""
        codes = (self.account | self.other_account).mapped("registration_code")
        self.assertEqual(len(set(codes)), 2)
        for code in codes:
            self.assertEqual(len(code), 8)
            self.assertTrue(set(code) <= set(REGISTRATION_ALPHABET))
            self.assertFalse(set(code) & set("0O1I"))
        self.assertEqual(
            self.account.registration_code_display, f"{self.code[:4]}-{self.code[4:]}"
        )
        # As at install or update: accounts without a code get one each.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE utility_account SET registration_code = NULL WHERE id IN %s",
                (self.account | self.other_account)._ids,
            )
        )
        self.env["utility.account"].init()
        self.env.invalidate_all()
        new_codes = (self.account | self.other_account).mapped("registration_code")
        self.assertTrue(all(new_codes))
        self.assertEqual(len(set(new_codes)), 2)

    def test_code_on_the_bill(self):
        """The bill tells the customer where to register, with the account's
        code, in the account's language."""
        self._read(self.meter, "2025-03-28", 10)
        run = self.env["utility.billing.run"].create(
            {
                "cycle_id": self.cycle.id,
                "period_start": self.PERIOD_START,
                "period_end": self.PERIOD_END,
                "bill_date": self.BILL_DATE,
            }
        )
        run.action_compute()
        run.action_post()
        bill = run.invoice_ids.filtered(lambda m: m.utility_account_id == self.account)
        printed = f"{self.code[:4]}-{self.code[4:]}"
        url = f"{bill.get_base_url()}/my/utility_register"
        text = self._render_bill_text(bill)
        self.assertIn(
            f"To see your account online, register at {url} with your account "
            f"number and code {printed} .",
            text,
        )
        # Printed by a CSR I, who does not read the code on the account.
        self.assertIn(f"code {printed} .", self._render_bill_text(bill, self.csr1))
        self.account.lang = "es_MX"
        text = self._render_bill_text(bill)
        self.assertIn(
            f"Para ver su cuenta en línea, regístrese en {url} con su número de "
            f"cuenta y el código {printed} .",
            text,
        )
        self.assertNotIn("To see your account online", text)

    def test_code_reserved_to_csr2(self):
        """Over JSON-RPC a CSR I neither reads nor regenerates the code, a
        portal user does not read it; a CSR II reads and regenerates it (the
        printed one stops working) but cannot key one."""
        self.authenticate(self.csr1.login, self.csr1.login)
        with mute_logger("odoo.http"):
            reply = call_kw(
                self,
                "utility.account",
                "read",
                [self.account.ids, ["registration_code"]],
            )
            self.assertEqual(
                reply["error"]["data"]["name"], "odoo.exceptions.AccessError"
            )
            reply = call_kw(
                self,
                "utility.account",
                "action_regenerate_registration_code",
                [self.account.ids],
            )
            self.assertEqual(
                reply["error"]["data"]["name"], "odoo.exceptions.AccessError"
            )
        self.assertEqual(self.account.registration_code, self.code)
        # The CSR I still reads the account itself.
        reply = call_kw(self, "utility.account", "read", [self.account.ids, ["name"]])
        self.assertEqual(reply["result"][0]["name"], self.account.name)

        portal = new_test_user(
            self.env,
            login="portal_other",
            groups="base.group_portal",
            partner_id=self.other_partner.id,
        )
        self.authenticate(portal.login, portal.login)
        with mute_logger("odoo.http"):
            reply = call_kw(
                self,
                "utility.account",
                "read",
                [self.other_account.ids, ["registration_code_display"]],
            )
        self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.AccessError")

        self.authenticate(self.csr2.login, self.csr2.login)
        reply = call_kw(
            self, "utility.account", "read", [self.account.ids, ["registration_code"]]
        )
        self.assertEqual(reply["result"][0]["registration_code"], self.code)
        with mute_logger("odoo.http"):
            reply = call_kw(
                self,
                "utility.account",
                "write",
                [self.account.ids, {"registration_code": "AAAAAAAA"}],
            )
        self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertEqual(self.account.registration_code, self.code)
        reply = call_kw(
            self,
            "utility.account",
            "action_regenerate_registration_code",
            [self.account.ids],
        )
        self.assertFalse(reply.get("error"))
        self.account.invalidate_recordset()
        new_code = self.account.registration_code
        self.assertNotEqual(new_code, self.code)
        self.assertIn("Registration code regenerated", self.account.message_ids[0].body)
        # The printed code no longer registers; the new one does.
        self.assertIn(
            NO_MATCH, self._page_text(self._post(self.account.name, self.code))
        )
        self.assertFalse(self._users_of(self.partner))
        page = self._page_text(self._post(self.account.name, new_code))
        self.assertIn("We sent an e-mail to maria@example.com", page)

    # ------------------------------------------------------------------
    # Registration
    # ------------------------------------------------------------------
    def test_page_in_both_languages(self):
        """The page opens for an anonymous visitor, in English or Spanish."""
        self.authenticate(None, None)
        response = self.url_open(URL)
        self.assertEqual(response.status_code, 200)
        page = self._page_text(response)
        self.assertIn("Register for Online Access", page)
        self.assertIn("Registration Code", page)
        # The other language is offered in its own name.
        self.assertIn("Español", page)
        self.opener.cookies["frontend_lang"] = "es_MX"
        page = self._page_text(self.url_open(URL))
        self.assertIn("Regístrese para el acceso en línea", page)
        self.assertIn("Código de registro", page)
        self.assertNotIn("Registration Code", page)
        self.assertIn("English", page)
        self.assertNotIn("Español", page)
        # The sign-in page points to it.
        self.opener.cookies["frontend_lang"] = "en_US"
        self.assertIn(URL, self.url_open("/web/login").text)

    def test_right_pair_creates_one_portal_user(self):
        """Account number and code as printed (any case, with the dash) give
        the customer one portal user, invited by e-mail to choose a password;
        once signed in the customer sees that account only."""
        printed = f"{self.code[:4]}-{self.code[4:]}".lower()
        response = self._post(f" {self.account.name.lower()} ", printed)
        self.assertEqual(response.status_code, 200)
        page = self._page_text(response)
        self.assertIn(
            "Thank you. We sent an e-mail to maria@example.com with a link to "
            "choose your password.",
            page,
        )
        user = self._users_of(self.partner)
        self.assertEqual(len(user), 1)
        self.assertTrue(user._is_portal())
        self.assertEqual(user.login, "maria@example.com")
        self.assertEqual(user.partner_id, self.partner)
        self.assertEqual(user.company_id, self.company)
        mail = self.env["mail.mail"].search(
            [("email_to", "ilike", "maria@example.com")]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("/web/signup", mail.body_html)
        self.assertIn("registered on the portal", self.account.message_ids[0].body)
        attempt = self._attempts()
        self.assertEqual(len(attempt), 1)
        self.assertTrue(attempt.success)
        self.assertEqual(attempt.account_id, self.account)
        self.assertEqual(attempt.ip, "127.0.0.1")
        self.assertNotIn(self.account.name, attempt.key)
        self.assertEqual(
            self.env["utility.portal.attempt"].search(
                [("account_number", "=", self.account.name)]
            ),
            attempt,
        )

        # The customer chooses a password and sees their own account only.
        user.password = "maria-secret-1"
        self.authenticate(user.login, "maria-secret-1")
        page = self.url_open("/my/utility_accounts").text
        self.assertIn(self.account.name, page)
        self.assertNotIn(self.other_account.name, page)
        self.assertEqual(
            self.env["utility.account"].with_user(user).search([]), self.account
        )

    def test_wrong_number_or_code_same_answer(self):
        """A number that does not exist, a wrong code, and another account's
        code get the very same page; nothing is created and nothing typed is
        kept in clear."""
        responses = [
            self._post("UA-99999999", self.code),
            self._post(self.account.name, "ABCD-EFGH"),
            self._post(self.other_account.name, self.code),
        ]
        for response in responses:
            self.assertEqual(response.status_code, 200)
            self.assertIn(NO_MATCH, self._page_text(response))
        first = self._without_token(responses[0])
        for response in responses[1:]:
            self.assertEqual(self._without_token(response), first)
        self.assertNotIn("UA-99999999", first)
        self.assertFalse(
            self._users_of(self.partner) | self._users_of(self.other_partner)
        )
        attempts = self._attempts()
        self.assertEqual(len(attempts), 3)
        self.assertFalse(any(attempts.mapped("success")))
        self.assertFalse(attempts.account_id)
        for attempt in attempts:
            self.assertNotIn("UA-", attempt.key)
        # Missing fields: a message, no attempt counted.
        page = self._page_text(self._post(self.account.name, ""))
        self.assertIn("Fill in all four fields.", page)
        self.assertEqual(len(self._attempts()), 3)

    def test_csrf_required(self):
        """A post without the page's CSRF token is rejected before any check."""
        self.authenticate(None, None)
        with mute_logger("odoo.http"):
            response = self.url_open(
                URL,
                data={
                    "account_number": self.account.name,
                    "code": self.code,
                    "email": "maria@example.com",
                    "name": "Maria Garcia",
                },
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._users_of(self.partner))
        self.assertFalse(self._attempts())

    def test_second_registration_refused(self):
        """Once the customer has a user, the code creates no other: the
        visitor is told to sign in or reset the password."""
        self._post(self.account.name, self.code)
        self.assertEqual(len(self._users_of(self.partner)), 1)
        page = self._page_text(
            self._post(self.account.name, self.code, email="other@example.com")
        )
        self.assertIn(
            "An online account already exists for this customer: sign in, or "
            "reset your password.",
            page,
        )
        self.assertEqual(len(self._users_of(self.partner)), 1)
        # Also when the office gave access (or revoked it: archived user).
        self._users_of(self.partner).active = False
        page = self._page_text(self._post(self.account.name, self.code))
        self.assertIn("An online account already exists", page)
        self.assertEqual(len(self._users_of(self.partner)), 1)

    def test_email_on_file(self):
        """A customer with an e-mail on file registers with that e-mail only;
        one without gets the address typed."""
        page = self._page_text(
            self._post(self.account.name, self.code, email="someone@example.com")
        )
        self.assertIn("Use the e-mail address we have on file", page)
        self.assertFalse(self._users_of(self.partner))
        self.assertEqual(self.partner.email, "maria@example.com")
        page = self._page_text(
            self._post(self.account.name, self.code, email="not an address")
        )
        self.assertIn("Enter a valid e-mail address.", page)

        other_code = self.other_account.registration_code
        page = self._page_text(
            self._post(
                self.other_account.name,
                other_code,
                email="Jose@Example.com",
                name="Jose Ramirez",
            )
        )
        self.assertIn("We sent an e-mail to Jose@Example.com", page)
        user = self._users_of(self.other_partner)
        self.assertEqual(user.login, "jose@example.com")
        self.assertEqual(user.lang, "en_US")
        self.assertEqual(self.other_partner.email, "jose@example.com")
        # An address that already signs in elsewhere is refused.
        third = self.env["res.partner"].create({"name": "Ana Lopez"})
        _premise, _meter, third_account = self._billing_account("RG-3", partner=third)
        page = self._page_text(
            self._post(
                third_account.name,
                third_account.registration_code,
                email="jose@example.com",
            )
        )
        self.assertIn("This e-mail address already signs in", page)
        self.assertFalse(self._users_of(third))
        # Registered on the Spanish page: the user reads Spanish.
        self.opener.cookies["frontend_lang"] = "es_MX"
        page = self._page_text(
            self._post(
                third_account.name,
                third_account.registration_code,
                email="ana@example.com",
            )
        )
        self.assertIn("Gracias. Enviamos un correo electrónico a ana@example.com", page)
        self.assertEqual(self._users_of(third).lang, "es_MX")

    # ------------------------------------------------------------------
    # Rate limits
    # ------------------------------------------------------------------
    def test_ip_rate_limit(self):
        """Five failures from one address within 15 minutes: the sixth
        attempt is refused even with the right pair; it passes once the
        failures are older than the window."""
        for index in range(5):
            page = self._page_text(self._post(f"UA-0000{index}", "WRONG-CODE"))
            self.assertIn(NO_MATCH, page)
        response = self._post(self.account.name, self.code)
        self.assertIn(TOO_MANY, self._page_text(response))
        self.assertFalse(self._users_of(self.partner))
        refused = self._attempts().filtered("refused")
        self.assertEqual(len(refused), 1)
        # Another door (online payment) is counted apart.
        Attempt = self.env["utility.portal.attempt"]
        self.assertTrue(Attempt._check_rate("payment", "127.0.0.1", self.account.name))
        self._age_attempts(14)
        self.assertIn(
            TOO_MANY, self._page_text(self._post(self.account.name, self.code))
        )
        self._age_attempts(2)
        page = self._page_text(self._post(self.account.name, self.code))
        self.assertIn("We sent an e-mail to maria@example.com", page)
        self.assertEqual(len(self._users_of(self.partner)), 1)

    def test_account_number_rate_limit(self):
        """Ten failures on one account number within an hour, from any
        addresses: further attempts on that number are refused (also from a
        new address, also with the right code); other numbers are not."""
        Attempt = self.env["utility.portal.attempt"]
        number = self.account.name
        for index in range(10):
            ip = f"203.0.113.{index}"
            self.assertTrue(Attempt._check_rate("register", ip, number))
            Attempt._record("register", ip, number.lower(), success=False)
        self.assertFalse(Attempt._check_rate("register", "198.51.100.7", number))
        self.assertTrue(
            Attempt._check_rate("register", "198.51.100.7", self.other_account.name)
        )
        self.assertIn(TOO_MANY, self._page_text(self._post(number, self.code)))
        self.assertFalse(self._users_of(self.partner))
        self._age_attempts(61)
        self.assertTrue(Attempt._check_rate("register", "198.51.100.7", number))
        page = self._page_text(self._post(number, self.code))
        self.assertIn("We sent an e-mail", page)

    def test_limits_in_settings(self):
        """A manager sets the limits (Utility Billing > Configuration >
        Settings, page Portal); 0 is no limit; a CSR cannot."""
        settings = self.env["utility.settings"].with_user(self.manager).create({})
        self.assertEqual(
            (
                settings.utility_portal_ip_attempts,
                settings.utility_portal_ip_minutes,
                settings.utility_portal_key_attempts,
                settings.utility_portal_key_minutes,
            ),
            (5, 15, 10, 60),
        )
        settings.write({"utility_portal_ip_attempts": 2})
        self.assertEqual(self.company.utility_portal_ip_attempts, 2)
        Attempt = self.env["utility.portal.attempt"].with_company(self.company)
        Attempt._record("register", "192.0.2.1", "X1")
        self.assertTrue(Attempt._check_rate("register", "192.0.2.1", "X2"))
        Attempt._record("register", "192.0.2.1", "X2")
        self.assertFalse(Attempt._check_rate("register", "192.0.2.1", "X3"))
        settings.write({"utility_portal_ip_attempts": 0})
        self.assertTrue(Attempt._check_rate("register", "192.0.2.1", "X3"))
        with self.assertRaises(AccessError):
            self.env["utility.settings"].with_user(self.csr2).create(
                {"utility_portal_ip_attempts": 50}
            )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            settings.write({"utility_portal_key_minutes": 0})

    def test_attempts_for_managers_only(self):
        """Managers read the attempts; customer service does not, and nobody
        writes them; old ones are vacuumed."""
        Attempt = self.env["utility.portal.attempt"]
        attempt = Attempt._record("register", "192.0.2.9", "UA-1", success=False)
        self.assertEqual(Attempt.with_user(self.manager).search([]), attempt)
        for user in (self.csr1, self.csr2):
            with self.assertRaises(AccessError):
                Attempt.with_user(user).search([])
        with self.assertRaises(AccessError):
            attempt.with_user(self.manager).write({"success": True})
        with self.assertRaises(AccessError):
            Attempt.with_user(self.manager).create({"kind": "register"})
        self._age_attempts(31 * 24 * 60)
        fresh = Attempt._record("register", "192.0.2.9", "UA-1")
        Attempt._gc_old_attempts()
        self.assertEqual(Attempt.search([]), fresh)
        self.assertTrue(fields.Datetime.now() >= fresh.create_date)
