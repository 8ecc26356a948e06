# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18 item 5: a portal user reaches only their own accounts and
documents, through every route, not only the suite's portal pages.

Customer A (a portal user, logged in) tries to reach customer B's bill, bill
PDF, notice letter, account chatter and records through Odoo's generic routes
(/my/invoices, /report, /web/content, /mail/..., /web/dataset/call_kw). Each
must be refused: 403/404, a redirect away from the document, an empty answer,
or an AccessError over JSON-RPC; and B's name must not appear in what comes
back. Then A's own equivalents succeed, so the test cannot pass by everything
being refused.
"""

import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.utility_billing.tests.common import call_kw
from odoo.addons.utility_billing.tests.common_portal import UtilityPortalCommon

REFUSALS = {"odoo.exceptions.AccessError", "odoo.exceptions.MissingError"}


@tagged("post_install", "-at_install")
class TestPortalRoutesAttack(UtilityPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # This file's names for customer A (Maria, the portal user) and B.
        cls.account_a, cls.account_b = cls.account, cls.other_account
        cls.bill_a, cls.bill_b = cls.bill, cls.other_bill
        cls.partner_b = cls.other_partner
        read_a, read_b = cls.march_read, cls.other_march_read
        # Each bill's PDF kept on the bill as Odoo's Send & Print keeps it.
        cls.pdf_a = cls._bill_pdf(cls.bill_a)
        cls.pdf_b = cls._bill_pdf(cls.bill_b)
        # A payment on each bill.
        for bill in cls.bill_a | cls.bill_b:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=bill.ids
            ).create({"amount": 5.0, "payment_date": "2025-04-10"})._create_payments()
        cls.payment_b = cls.env["account.payment"].search(
            [("partner_id", "=", cls.partner_b.id)]
        )
        # A sent notice (letter kept as an attachment) on each account.
        Notice = cls.env["utility.notice"]
        notices = Notice
        for account, read in ((cls.account_a, read_a), (cls.account_b, read_b)):
            notice = Notice.create(
                {
                    "account_id": account.id,
                    "kind": "high_usage",
                    "read_id": read.id,
                    "consumption": read.consumption,
                    "days": read.days,
                }
            )
            notice.action_send()
            notices |= notice
        cls.notice_a, cls.notice_b = notices
        # A comment (shown in the portal chatter) on each account.
        cls.message_a = cls.account_a.message_post(
            body="Note for Maria",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.message_b = cls.account_b.message_post(
            body="Note for Jose",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        Request = cls.env["utility.service.request"]
        cls.request_a = Request.create(
            {
                "request_type": "leak",
                "utility_account_id": cls.account_a.id,
                "description": "Leak A",
            }
        )
        cls.request_b = Request.create(
            {
                "request_type": "leak",
                "utility_account_id": cls.account_b.id,
                "description": "Leak B",
            }
        )

    @classmethod
    def _bill_pdf(cls, bill):
        """The bill's PDF rendered as admin and attached to the bill (the
        test server renders HTML when wkhtmltopdf is missing: the bytes do not
        matter here, only who may read them)."""
        content, _type = cls.env["ir.actions.report"]._pre_render_qweb_pdf(
            "account.report_invoice", res_ids=bill.ids
        )
        content = content if isinstance(content, bytes) else b"%PDF-1.4 bill"
        return cls.env["ir.attachment"].create(
            {
                "name": bill._get_invoice_report_filename(),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": bill.id,
                "res_field": "invoice_pdf_report_file",
            }
        )

    def setUp(self):
        super().setUp()
        self._portal_login()

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _get(self, url):
        return self.url_open(url, allow_redirects=False, timeout=60)

    def assertHttpRefused(self, url):
        """403/404, or a redirect away from the document (to the login page or
        to /my), and nothing of B in the answer."""
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            response = self._get(url)
        if response.status_code in (301, 302, 303, 307):
            location = response.headers.get("Location", "")
            self.assertTrue(
                "/web/login" in location or location.rstrip("/").endswith("/my"),
                f"{url} redirected to {location}",
            )
        else:
            self.assertIn(response.status_code, (403, 404), url)
        for secret in (self.bill_b.name, "Jose Ramirez", "jose.secret"):
            self.assertNotIn(secret, response.text, url)
        return response

    def assertHttpOk(self, url):
        response = self._get(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def _json(self, route, **params):
        response = self.url_open(
            route,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
            ),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return response.json()

    def assertRpcRefused(self, model, method, args, kwargs=None):
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            reply = call_kw(self, model, method, args, kwargs)
        self.assertIn("error", reply, f"{model}.{method} answered {reply}")
        self.assertIn(reply["error"]["data"]["name"], REFUSALS, f"{model}.{method}")

    def _rpc(self, model, method, args, kwargs=None):
        reply = call_kw(self, model, method, args, kwargs)
        self.assertNotIn("error", reply, f"{model}.{method}: {reply.get('error')}")
        return reply["result"]

    def _search_ids(self, model, domain):
        """The ids A finds, or None when A may not read the model at all."""
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            reply = call_kw(self, model, "search_read", [domain], {"fields": ["id"]})
        if "error" in reply:
            self.assertIn(reply["error"]["data"]["name"], REFUSALS, model)
            return None
        return {row["id"] for row in reply["result"]}

    # ------------------------------------------------------------
    # B's bill
    # ------------------------------------------------------------

    def test_other_bill_routes_refused(self):
        """B's bill: the portal invoice page and its PDF without B's token,
        Odoo's and the suite's report routes, the PDF attachment by id and by
        field."""
        bill = self.bill_b
        for url in (
            f"/my/invoices/{bill.id}",
            f"/my/invoices/{bill.id}?report_type=pdf",
            f"/my/invoices/{bill.id}?report_type=pdf&download=true",
            f"/my/invoices/{bill.id}?report_type=html",
            f"/report/pdf/account.report_invoice/{bill.id}",
            f"/report/html/account.report_invoice/{bill.id}",
            f"/report/pdf/utility_billing.report_utility_bill/{bill.id}",
            f"/report/html/utility_billing.report_utility_bill/{bill.id}",
            f"/report/pdf/utility_billing.report_account_statement/{self.account_b.id}",
            f"/web/content/{self.pdf_b.id}",
            f"/web/content/{self.pdf_b.id}?download=true",
            f"/web/content/account.move/{bill.id}/invoice_pdf_report_file",
            f"/web/content/ir.attachment/{self.pdf_b.id}/datas",
        ):
            with self.subTest(url=url):
                self.assertHttpRefused(url)

    def test_own_token_on_other_document_refused(self):
        """A's own access tokens do not open B's documents."""
        bill_token = self.bill_a.sudo()._portal_ensure_token()
        account_token = self.account_a.sudo()._portal_ensure_token()
        for url in (
            f"/my/invoices/{self.bill_b.id}?access_token={bill_token}",
            f"/my/invoices/{self.bill_b.id}?access_token={bill_token}&report_type=pdf",
            f"/my/utility_accounts/{self.account_b.id}?access_token={account_token}",
        ):
            with self.subTest(url=url):
                self.assertHttpRefused(url)

    def test_other_records_by_search_refused(self):
        """Counting, grouping and name search find nothing of B's."""
        for model, domain in (
            ("account.move", [("partner_id", "=", self.partner_b.id)]),
            ("account.move.line", [("move_id", "=", self.bill_b.id)]),
            ("utility.account", [("name", "=", self.account_b.name)]),
            ("utility.meter.read", [("account_id", "=", self.account_b.id)]),
        ):
            with self.subTest(model=model):
                self.assertEqual(self._rpc(model, "search_count", [domain]), 0)
                groups = self._rpc(
                    model, "read_group", [domain, ["id:count"], []], {"lazy": False}
                )
                self.assertFalse(groups and groups[0]["__count"])
        # utility.account's name search goes through the meters' serials,
        # which the portal may not read: refused, for A's own number too.
        for model, name in (
            ("utility.account", self.account_b.name),
            ("res.partner", "Jose Ramirez"),
        ):
            with mute_logger("odoo.http"):
                reply = call_kw(self, model, "name_search", [name])
            if "error" in reply:
                self.assertIn(reply["error"]["data"]["name"], REFUSALS, model)
            else:
                self.assertFalse(reply["result"], model)

    def test_own_bill_routes_open(self):
        """A's own bill opens on its portal page and as PDF. Stock Odoo gives
        portal users no right on ir.attachment nor on ir.actions.report: their
        /web/content and /report routes answer 403/404 even for their own bill
        (the portal serves the PDF through /my/invoices); an attachment opens
        with its own access token only, and B's with A's token does not."""
        bill = self.bill_a
        for url in (
            f"/my/invoices/{bill.id}",
            f"/my/invoices/{bill.id}?report_type=pdf",
            f"/my/invoices/{bill.id}?report_type=pdf&download=true",
        ):
            with self.subTest(url=url):
                self.assertHttpOk(url)
        for url in (
            f"/report/pdf/account.report_invoice/{bill.id}",
            f"/web/content/{self.pdf_a.id}",
        ):
            with self.subTest(url=url), mute_logger("odoo.http"):
                self.assertIn(self._get(url).status_code, (403, 404), url)
        token = self.pdf_a.sudo().generate_access_token()[0]
        self.assertHttpOk(f"/web/content/{self.pdf_a.id}?access_token={token}")
        self.assertHttpRefused(f"/web/content/{self.pdf_b.id}?access_token={token}")

    # ------------------------------------------------------------
    # B's notice and chatter
    # ------------------------------------------------------------

    def test_other_notice_and_chatter_refused(self):
        letter_b = self.notice_b.document_id
        self.assertTrue(letter_b)
        for url in (
            f"/my/utility_notices/{self.notice_b.id}",
            f"/my/utility_notices/{self.notice_b.id}?download=1",
            f"/web/content/{letter_b.id}",
            f"/web/content/{letter_b.id}?download=true",
            f"/report/pdf/utility_billing.report_utility_notice/{self.notice_b.id}",
            f"/my/utility_accounts/{self.account_b.id}",
            f"/my/utility_accounts/{self.account_b.id}/pay",
        ):
            with self.subTest(url=url):
                self.assertHttpRefused(url)
        # Odoo 18's chatter routes: nothing of B's account comes back.
        with mute_logger("odoo.http"):
            reply = self._json(
                "/mail/thread/messages",
                thread_model="utility.account",
                thread_id=self.account_b.id,
            )
        self.assertFalse(reply.get("result", {}).get("messages"), reply)
        self.assertNotIn("Note for Jose", json.dumps(reply))
        with mute_logger("odoo.http"):
            reply = self._json(
                "/mail/chatter_fetch",
                thread_model="utility.account",
                thread_id=self.account_b.id,
            )
        self.assertFalse(reply.get("result", {}).get("messages"), reply)
        self.assertNotIn("Note for Jose", json.dumps(reply))
        with mute_logger("odoo.http"):
            reply = self._json(
                "/mail/thread/data",
                thread_model="utility.account",
                thread_id=self.account_b.id,
                request_list=["followers", "attachments", "activities"],
            )
        self.assertNotIn("Note for Jose", json.dumps(reply))
        self.assertNotIn(letter_b.name, json.dumps(reply))

    def test_post_into_other_chatter_refused(self):
        """A cannot post into B's account or bill chatter, nor attach B's
        letter or bill PDF to a message on A's own account (portal chatter
        with A's own token)."""
        Message = self.env["mail.message"]

        def count(record):
            return Message.search_count(
                [("model", "=", record._name), ("res_id", "=", record.id)]
            )

        for record in (self.account_b, self.bill_b):
            with self.subTest(model=record._name):
                before = count(record)
                with mute_logger("odoo.http"):
                    reply = self._json(
                        "/mail/message/post",
                        thread_model=record._name,
                        thread_id=record.id,
                        post_data={"body": "A was here", "message_type": "comment"},
                    )
                self.assertIn("error", reply, reply)
                self.assertEqual(count(record), before)
        token = self.account_a.sudo()._portal_ensure_token()
        for attachment in (self.notice_b.document_id, self.pdf_b):
            with self.subTest(attachment=attachment.name):
                with mute_logger("odoo.http"):
                    reply = self._json(
                        "/mail/message/post",
                        thread_model="utility.account",
                        thread_id=self.account_a.id,
                        post_data={
                            "body": "Look",
                            "message_type": "comment",
                            "attachment_ids": attachment.ids,
                        },
                        token=token,
                    )
                self.assertIn("error", reply, reply)
                self.env.invalidate_all()
                self.assertEqual(
                    attachment.res_model,
                    "account.move" if attachment == self.pdf_b else "utility.notice",
                )
                self.assertNotIn(
                    attachment,
                    Message.search(
                        [
                            ("model", "=", "utility.account"),
                            ("res_id", "=", self.account_a.id),
                        ]
                    ).attachment_ids,
                )

    def test_own_invoice_list(self):
        response = self.assertHttpOk("/my/invoices")
        self.assertIn(self.bill_a.name, response.text)
        self.assertNotIn(self.bill_b.name, response.text)

    def test_own_notice_and_chatter_open(self):
        self.assertHttpOk(f"/my/utility_notices/{self.notice_a.id}")
        self.assertHttpOk(f"/my/utility_accounts/{self.account_a.id}")
        reply = self._json(
            "/mail/thread/messages",
            thread_model="utility.account",
            thread_id=self.account_a.id,
        )
        self.assertIn(self.message_a.id, reply["result"]["messages"])
        reply = self._json(
            "/mail/chatter_fetch",
            thread_model="utility.account",
            thread_id=self.account_a.id,
        )
        self.assertIn(self.message_a.id, reply["result"]["messages"])

    # ------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------

    def _b_records(self):
        """B's records, by model, as A could name them by id."""
        Attachment = self.env["ir.attachment"]
        return {
            "utility.account": self.account_b,
            "account.move": self.bill_b,
            "account.move.line": self.bill_b.line_ids,
            "account.payment": self.payment_b,
            "utility.meter.read": self.env["utility.meter.read"].search(
                [("account_id", "=", self.account_b.id)]
            ),
            "utility.notice": self.notice_b,
            "utility.service.request": self.request_b,
            "utility.ach.mandate": self.env["utility.ach.mandate"].search(
                [("account_id", "=", self.account_b.id)]
            ),
            "payment.transaction": self.env["payment.transaction"].search(
                [("partner_id", "=", self.partner_b.id)]
            ),
            "utility.portal.attempt": self.env["utility.portal.attempt"].search([]),
            "ir.attachment": self.pdf_b
            | self.notice_b.document_id
            | Attachment.search(
                [
                    ("res_model", "=", "utility.account"),
                    ("res_id", "=", self.account_b.id),
                ]
            ),
            "mail.message": self.env["mail.message"].search(
                [("model", "=", "utility.account"), ("res_id", "=", self.account_b.id)]
            ),
        }

    def test_other_records_over_rpc_refused(self):
        """search_read finds none of B's records (or the model is refused);
        read of B's ids is refused."""
        for model, records in self._b_records().items():
            with self.subTest(model=model):
                found = self._search_ids(model, [])
                if found is not None:
                    self.assertFalse(found & set(records.ids), model)
                if records:
                    self.assertRpcRefused(model, "read", [records.ids, ["id"]])
                    found = self._search_ids(model, [("id", "in", records.ids)])
                    self.assertFalse(found, model)
        # Attachments named by their document.
        for res_model, res_id in (
            ("account.move", self.bill_b.id),
            ("utility.account", self.account_b.id),
            ("utility.notice", self.notice_b.id),
        ):
            with self.subTest(res_model=res_model):
                found = self._search_ids(
                    "ir.attachment",
                    [("res_model", "=", res_model), ("res_id", "=", res_id)],
                )
                self.assertFalse(found)

    def test_other_records_public_methods_refused(self):
        """Public methods A may call on B's records over JSON-RPC: the portal
        URL (it carries the access token) and the followers/activities of
        B's account."""
        for model, records in (
            ("account.move", self.bill_b),
            ("utility.account", self.account_b),
        ):
            with self.subTest(model=model):
                self.assertRpcRefused(model, "get_portal_url", [records.ids])
        for model in ("mail.followers", "mail.activity"):
            with self.subTest(model=model):
                found = self._search_ids(
                    model,
                    [
                        ("res_model", "=", "utility.account"),
                        ("res_id", "=", self.account_b.id),
                    ],
                )
                self.assertFalse(found, model)

    def test_premise_after_move_out(self):
        """A moved out of a premise and B moved in: A still reads the premise
        of A's final account, but nothing of B's account comes back through
        it (current account, accounts, reads), nor through a whole read of
        A's own records."""
        premise, meter, old_account = self._billing_account(
            "PX-3", install_date="2025-01-31"
        )
        self._read(meter, "2025-02-05", 12)
        self._stop(old_account, "2025-02-20", readings=[15])
        new_account = self._start(premise, "2025-02-21", self.partner_b)
        self._read(meter, "2025-03-20", 30)
        self.assertEqual(premise.current_account_id, new_account)
        b_reads = self.env["utility.meter.read"].search(
            [("account_id", "=", new_account.id)]
        )
        self.assertTrue(b_reads)
        secrets = (new_account.name, "Jose Ramirez", "jose.secret")
        rows = self._rpc(
            "utility.premise",
            "read",
            [premise.ids, ["name", "current_account_id", "account_ids"]],
        )
        self.assertFalse(rows[0]["current_account_id"])
        self.assertEqual(rows[0]["account_ids"], old_account.ids)
        replies = [rows]
        for model, records in (
            ("utility.account", old_account),
            ("utility.meter.read", old_account.read_ids),
            ("utility.account.service", old_account.service_ids),
        ):
            # Every stored field the portal may read (no meter, rate or
            # journal: the portal has no right on those models).
            fnames = [
                name
                for name, field in self.env[model]._fields.items()
                if field.store
                and not field.groups
                and field.type in ("char", "date", "datetime", "float", "monetary")
                or (
                    field.type == "many2one"
                    and field.comodel_name
                    in ("utility.account", "utility.meter.read", "res.partner")
                )
            ]
            replies.append(self._rpc(model, "read", [records.ids, fnames]))
        found = self._search_ids(
            "utility.meter.read", [("premise_id", "=", premise.id)]
        )
        self.assertFalse(found & set(b_reads.ids))
        self.assertRpcRefused("utility.meter.read", "read", [b_reads.ids, ["id"]])
        dump = json.dumps(replies, default=str)
        for secret in secrets:
            self.assertNotIn(secret, dump)

    def test_other_partner_contact_not_readable(self):
        """B's e-mail and phone are not readable by A (stock Odoo's rule:
        portal users read their own commercial partner only)."""
        self.assertRpcRefused(
            "res.partner", "read", [self.partner_b.ids, ["name", "email", "phone"]]
        )
        found = self._search_ids(
            "res.partner", [("email", "=", "jose.secret@example.com")]
        )
        self.assertFalse(found)
        # Through the account, a relational read does not open it either.
        self.assertRpcRefused(
            "utility.account", "read", [self.account_b.ids, ["partner_id"]]
        )

    def test_own_records_over_rpc_open(self):
        own = {
            "utility.account": self.account_a,
            "account.move": self.bill_a,
            "utility.meter.read": self.env["utility.meter.read"].search(
                [("account_id", "=", self.account_a.id)]
            ),
            "utility.notice": self.notice_a,
            "utility.service.request": self.request_a,
            "mail.message": self.message_a,
        }
        for model, records in own.items():
            with self.subTest(model=model):
                rows = self._rpc(model, "read", [records.ids, ["id"]])
                self.assertEqual({row["id"] for row in rows}, set(records.ids))
        found = self._search_ids("utility.account", [])
        self.assertEqual(found, set(self.account_a.ids))
        partner = self._rpc("res.partner", "read", [self.partner.ids, ["email"]])
        self.assertEqual(partner[0]["email"], self.partner.email)
