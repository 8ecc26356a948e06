# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Server-side controls of meter reads, accounts, notices and read imports
(issue 12): each refusal with and without the context keys that used to grant
it, nothing changed; the allowed path still works for the role that owns it."""

import csv
import io
from datetime import date, datetime, time
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.utility_billing.models.utility_read_import_processing import (
    UtilityReadImport,
)
from odoo.addons.utility_billing.tools.csv_safe import (
    csv_safe_cell,
    csv_safe_row,
    csv_writer,
)
from odoo.addons.utility_billing.tools.workflow import workflow

from .common import UtilityBillingCommon

# Every context key the read code used to read as a permission, sent together.
OLD_KEYS = {"utility_read_raw": True, "utility_read_recompute": True}
CONTEXTS = ({}, OLD_KEYS)


class ReadControlsCase(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_exception_rules()
        cls.Read = cls.env["utility.meter.read"]
        _p, cls.meter, cls.account = cls._setup_account("CTL-1", initial_reading=0)
        _p, cls.other_meter, cls.other_account = cls._setup_account(
            "CTL-2", initial_reading=0
        )
        cls._usage_history(cls.meter)  # 1 HCF a day, last read 2025-04-05 at 90

    def _flagged(self, when="2025-05-05", reading=180):
        """A high read (3 HCF a day over 30 days) waiting for review."""
        read = self._read(self.meter, when, reading)
        self.assertEqual(read.state, "to_review")
        self.assertEqual(read.exception_code, "high")
        return read

    def _snapshot(self, records, fnames):
        records.invalidate_recordset()
        return records.sudo().read(fnames)

    def _assert_refused(self, records, vals, exception=UserError, users=None):
        """``vals`` written by each user, with and without the old keys: refused,
        and nothing changed."""
        before = self._snapshot(records, list(vals))
        for user in users or (self.csr1, self.csr2, self.manager):
            for ctx in CONTEXTS:
                with (
                    self.subTest(user=user.login, ctx=ctx, vals=vals),
                    self.assertRaises(exception),
                ):
                    records.with_user(user).with_context(**ctx).write(vals)
        self.assertEqual(self._snapshot(records, list(vals)), before)


class ReadStateMachineTests:
    """Tests of ReadControlsCase's fixtures, run by TestReadControls."""

    def test_csr1_cannot_accept_flagged_read(self):
        """A CSR I moves a flagged read to valid neither by writing its state
        (whatever the context) nor by the accept method; a CSR II accepts it."""
        read = self._flagged()
        self._assert_refused(read, {"state": "valid"})
        for ctx in CONTEXTS:
            with self.assertRaises(AccessError):
                read.with_user(self.csr1).with_context(**ctx).action_accept()
        self.assertEqual(read.state, "to_review")
        read.with_user(self.csr2).action_accept()
        self.assertEqual(read.state, "valid")

    def test_rejected_and_corrected_never_valid_again(self):
        """A corrected original and a rejected read stay rejected, even for the
        superuser and inside the read's own door: the meter is not billed twice."""
        feb = self.Read.search(
            [("meter_id", "=", self.meter.id), ("read_date", "=", date(2025, 2, 4))]
        )
        corrected = feb._correct(31, note="Misread")
        self.assertEqual(feb.state, "rejected")
        rejected = self._read(self.other_meter, "2025-02-05", 20)
        rejected.with_user(self.csr1).action_reject()
        for read in feb | rejected:
            for state in ("valid", "to_review", "billed"):
                self._assert_refused(read, {"state": state})
                with self.subTest(state=state), self.assertRaises(UserError):
                    read.sudo().write({"state": state})
                with (
                    self.subTest(state=state, door=True),
                    self.assertRaises(UserError),
                    workflow("utility.meter.read"),
                ):
                    read.write({"state": state})
            with self.assertRaises(UserError):
                read.with_user(self.csr2).action_accept()
            self.assertEqual(read.state, "rejected")
        self.assertEqual(corrected.state, "valid")

    def test_billed_read_keeps_its_reading(self):
        """A billed read's reading, consumption and state do not change, whoever
        asks and whatever the context; the superuser is refused too."""
        read = self._read(self.other_meter, "2025-02-05", 12, state="billed")
        for vals in (
            {"reading": 123456},
            {"consumption": 0},
            {"state": "valid"},
            {"read_datetime": datetime(2025, 2, 6, 12)},
        ):
            self._assert_refused(read, vals)
            with self.subTest(vals=vals), self.assertRaises(UserError):
                read.sudo().with_context(**OLD_KEYS).write(vals)
        self.assertRecordValues(
            read, [{"reading": 12, "consumption": 12, "state": "billed"}]
        )

    def test_read_fields_protected(self):
        """Account, meter, premise, reading, date, consumption, exception, bill
        link and import of a read change only in its workflow: refused to every
        role, with and without the old keys. The note stays editable."""
        read = self._read(self.meter, "2025-05-05", 120)
        bill = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.partner.id}
        )
        for vals in (
            {"account_id": self.other_account.id},
            {"meter_id": self.other_meter.id},
            {"premise_id": self.other_meter.premise_id.id},
            {"reading": 121},
            {"read_datetime": datetime(2025, 5, 6, 12)},
            {"read_type": "estimated"},
            {"consumption": 0},
            {"previous_reading": 0},
            {"days": 1},
            {"exception_code": "high"},
            {"billed_move_id": bill.id},
            {"source": "system"},
        ):
            self._assert_refused(read, vals)
        read.with_user(self.csr1).write({"note": "Dog in yard"})
        self.assertEqual(read.note, "Dog in yard")

    def test_account_link_changes_through_one2many_refused(self):
        """Moving reads through the account's read list is a write of the read:
        refused."""
        read = self._read(self.meter, "2025-05-05", 120)
        for ctx in CONTEXTS:
            with self.assertRaises(UserError):
                self.other_account.with_user(self.csr1).with_context(**ctx).write(
                    {"read_ids": [(4, read.id)]}
                )
        self.assertEqual(read.account_id, self.account)

    def test_user_read_goes_through_checks(self):
        """A read a CSR I creates is prepared and checked like any other: the old
        raw key skips nothing (123,456 HCF is flagged, not valid), and a state,
        consumption, exception or bill cannot be given."""
        Read = self.Read.with_user(self.csr1)
        first = Read.create(
            {
                "meter_id": self.other_meter.id,
                "read_datetime": datetime(2025, 2, 5, 12),
                "reading": 123456,
            }
        )
        self.assertRecordValues(
            first, [{"consumption": 123456, "account_id": self.other_account.id}]
        )
        # The same reading the next day, sent with the old raw key: measured
        # and checked all the same (no use on an active account is flagged).
        second = Read.with_context(**OLD_KEYS).create(
            {
                "meter_id": self.other_meter.id,
                "read_datetime": datetime(2025, 2, 6, 12),
                "reading": 123456,
            }
        )
        self.assertRecordValues(
            second,
            [
                {
                    "previous_read_id": first.id,
                    "consumption": 0,
                    "exception_code": "zero",
                    "state": "to_review",
                }
            ],
        )
        reads = self.Read.search([("meter_id", "=", self.other_meter.id)])
        count = len(reads)
        base = {
            "meter_id": self.other_meter.id,
            "read_datetime": datetime(2025, 3, 5, 12),
            "reading": 123456,
        }
        for extra in (
            {"state": "valid"},
            {"consumption": 1.0},
            {"previous_reading": 123455},
            {"exception_code": "high"},
            {"billed_move_id": 1},
            {"correction_of_id": reads[0].id},
            {"read_type": "initial"},
            {"read_type": "estimated"},
            {"source": "system"},
            {"account_id": self.account.id},
            {"premise_id": self.meter.premise_id.id},
        ):
            for ctx in CONTEXTS:
                with self.subTest(extra=extra, ctx=ctx), self.assertRaises(UserError):
                    self.Read.with_user(self.csr1).with_context(**ctx).create(
                        dict(base, **extra)
                    )
        self.assertEqual(
            self.Read.search_count([("meter_id", "=", self.other_meter.id)]), count
        )

    def test_flagged_user_read(self):
        """A CSR I entering a high read gets it flagged for review, even sending
        the old raw key and an explicit empty exception."""
        read = (
            self.Read.with_user(self.csr1)
            .with_context(**OLD_KEYS)
            .create(
                {
                    "meter_id": self.meter.id,
                    "read_datetime": datetime(2025, 5, 5, 12),
                    "reading": 12345,
                    "exception_code": False,
                }
            )
        )
        self.assertRecordValues(
            read, [{"state": "to_review", "exception_code": "high"}]
        )

    def test_copy_refused(self):
        read = self._read(self.meter, "2025-05-05", 120)
        with self.assertRaises(UserError):
            read.with_user(self.csr1).copy()

    def test_rejected_read_kept(self):
        """Reads keep their history: a rejected read is not deleted, not even by
        a manager."""
        read = self._read(self.meter, "2025-05-05", 120)
        read.action_reject()
        with self.assertRaises(UserError):
            read.with_user(self.manager).unlink()
        self.assertTrue(read.exists())

    def test_release_from_cancelled_bill(self):
        """A billed read goes back to valid only through the release of its bill,
        once the bill is cancelled; never while the bill is posted."""
        read = self._read(self.meter, "2025-05-05", 120)
        bill = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.partner.id}
        )
        self.env.cr.execute(
            "UPDATE utility_meter_read SET state = 'billed', billed_move_id = %s "
            "WHERE id = %s",
            (bill.id, read.id),
        )
        read.invalidate_recordset()
        bill.button_cancel()
        read._release_from_bill()
        self.assertRecordValues(read, [{"state": "valid", "billed_move_id": False}])

    def test_state_changes_tracked(self):
        """The read's chatter records its state changes, even when the caller asks
        for no tracking."""
        read = self._flagged()
        # The read was entered in an earlier request.
        self.env.flush_all()
        self.env.cr.precommit.run()
        read.with_user(self.csr2).with_context(tracking_disable=True).action_accept()
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = read.message_ids.sudo().tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(tracked.mapped("new_value_char"), ["Valid"])


class ReadUniquenessTests:
    """Tests of ReadControlsCase's fixtures, run by TestReadControls."""

    def test_two_live_reads_refused(self):
        """Two live reads of a meter at the same date and time: refused with a
        clear message by the ORM, and by the database whatever the path."""
        read = self._read(self.meter, "2025-05-05", 120)
        with self.assertRaises(ValidationError) as cm:
            self._read(self.meter, "2025-05-05", 121)
        self.assertIn("CTL-1 already has a read", str(cm.exception))
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.Read._create_prepared(
                [
                    {
                        "meter_id": self.meter.id,
                        "read_datetime": read.read_datetime,
                        "reading": 121,
                        "state": "valid",
                    }
                ]
            )
        self.assertEqual(
            self.Read.search_count(
                [
                    ("meter_id", "=", self.meter.id),
                    ("read_datetime", "=", read.read_datetime),
                ]
            ),
            1,
        )

    def test_rejected_read_does_not_count(self):
        """A rejected read (a corrected original) is history: a new read, or the
        correction, at the same date and time is accepted."""
        read = self._read(self.meter, "2025-05-05", 120)
        corrected = read._correct(125, note="Typo")
        self.assertEqual(corrected.read_datetime, read.read_datetime)
        corrected.action_reject()
        again = self._read(self.meter, "2025-05-05", 124)
        self.assertEqual(again.state, "valid")


class AccountControlsTests:
    """Tests of ReadControlsCase's fixtures, run by TestReadControls."""

    def test_deposit_held_refused(self):
        """A CSR I (or anyone but the workflow) setting the deposit held to 5,000
        is refused, with or without any context key."""
        self._assert_refused(self.account, {"deposit_held": 5000.0})
        self.assertEqual(self.account.deposit_held, 0.0)

    def test_state_and_dates_refused(self):
        """The account state and end date change only through start/stop of
        service and the account's methods; its start date and premise once it is
        active."""
        for vals in (
            {"state": "closed"},
            {"state": "draft"},
            {"end_date": "2025-06-30"},
            {"start_date": "2024-01-01"},
            {"premise_id": self.other_meter.premise_id.id},
        ):
            self._assert_refused(self.account, vals)
        self.assertEqual(self.account.state, "active")

    def test_create_active_account_refused(self):
        """A new account is a draft with no deposit held."""
        base = {"partner_id": self.partner.id, "premise_id": self._create_premise().id}
        for extra in ({"state": "active"}, {"deposit_held": 5000.0}):
            for ctx in CONTEXTS:
                with self.subTest(extra=extra, ctx=ctx), self.assertRaises(UserError):
                    self.env["utility.account"].with_user(self.csr1).with_context(
                        **ctx
                    ).create(dict(base, **extra))
        draft = (
            self.env["utility.account"]
            .with_user(self.csr1)
            .create(dict(base, start_date="2025-06-01"))
        )
        draft.write({"start_date": "2025-06-02"})
        self.assertEqual(draft.state, "draft")

    def test_stop_service_and_close(self):
        """The allowed path: a CSR I stops service (the account goes final with
        its end date and final read); closing is a CSR II decision."""
        wizard = (
            self.env["utility.stop.service"]
            .with_user(self.csr1)
            .create({"account_id": self.other_account.id, "end_date": "2025-06-30"})
        )
        wizard._onchange_account_id()
        wizard.line_ids.reading = 40
        wizard.action_stop()
        self.assertRecordValues(
            self.other_account,
            [{"state": "final", "end_date": date(2025, 6, 30)}],
        )
        final = self.other_account.read_ids.filtered(lambda r: r.read_type == "final")
        self.assertEqual(final.reading, 40)
        with self.assertRaises(AccessError):
            self.other_account.with_user(self.csr1).action_close()
        self.other_account.with_user(self.csr2).action_close()
        self.assertEqual(self.other_account.state, "closed")


class MeterControlsTests:
    """Tests of ReadControlsCase's fixtures, run by TestReadControls."""

    def test_meter_location_refused(self):
        """Where a meter is installed and its state change only by installing,
        removing or retiring it (each with its read)."""
        stock = self._create_meter("CTL-STOCK")
        for vals in (
            {"state": "installed"},
            {"premise_id": self.meter.premise_id.id},
            {"install_date": "2025-01-01"},
        ):
            self._assert_refused(stock, vals)
            self._assert_refused(self.meter, vals)
        for ctx in CONTEXTS:
            with self.assertRaises(UserError):
                self.env["utility.meter"].with_user(self.csr1).with_context(
                    **ctx
                ).create(
                    {
                        "serial": "CTL-FAKE",
                        "service_type_id": self.water.id,
                        "state": "installed",
                        "premise_id": self.meter.premise_id.id,
                    }
                )
        wizard = (
            self.env["utility.meter.install"]
            .with_user(self.csr1)
            .create(
                {
                    "meter_id": stock.id,
                    "premise_id": self._create_premise(street="9 Calle Stock").id,
                    "date": "2025-02-01",
                    "reading": 7,
                }
            )
        )
        wizard.action_install()
        self.assertEqual(stock.state, "installed")
        self.assertEqual(stock.read_ids.reading, 7)


class NoticeControlsTests:
    """Tests of ReadControlsCase's fixtures, run by TestReadControls."""

    def _notice(self, **vals):
        return (
            self.env["utility.notice"]
            .with_user(self.csr1)
            .create(dict({"account_id": self.account.id, "kind": "high_usage"}, **vals))
        )

    def test_create_sent_notice_refused(self):
        """A notice created marked sent (or with its letter) is refused; a
        back-dated draft is dated the day a user sends it."""
        count = self.env["utility.notice"].search_count([])
        for extra in ({"state": "sent"}, {"document_id": 1}):
            for ctx in CONTEXTS:
                with self.subTest(extra=extra, ctx=ctx), self.assertRaises(UserError):
                    self._notice(date="2020-01-01", **extra)
        self.assertEqual(self.env["utility.notice"].search_count([]), count)
        notice = self._notice(date="2020-01-01")
        notice.with_user(self.csr1).action_send()
        self.assertRecordValues(
            notice,
            [{"state": "sent", "date": fields.Date.context_today(notice)}],
        )

    def test_notice_fields_refused(self):
        """Kind, state, date, account and amount of a notice are set when it is
        created; a sent notice stays as sent."""
        draft = self._notice(amount_due=12.5)
        for vals in (
            {"state": "sent"},
            {"date": "2020-01-01"},
            {"account_id": self.other_account.id},
            {"amount_due": 0.0},
        ):
            self._assert_refused(draft, vals)
        draft.with_user(self.csr1).write({"channel": "letter"})
        draft.with_user(self.csr1).action_send()
        for vals in ({"state": "draft"}, {"channel": "email"}, {"lang": "es_MX"}):
            self._assert_refused(draft, vals)

    def test_server_workflow_keeps_its_date(self):
        """Server code sending a notice it dated (a delinquency run) opens the
        door: the notice keeps its date."""
        with workflow("utility.notice"):
            notice = (
                self.env["utility.notice"]
                .with_user(self.csr2)
                .create(
                    {
                        "account_id": self.account.id,
                        "kind": "high_usage",
                        "date": "2025-03-14",
                    }
                )
            )
            notice.action_send()
        self.assertRecordValues(notice, [{"state": "sent", "date": date(2025, 3, 14)}])


MAPPING_VALS = {
    "name": "Controls AMI export",
    "delimiter": ",",
    "has_header": True,
    "meter_key": "serial",
    "col_meter": "meter_serial",
    "col_datetime": "read_datetime",
    "col_reading": "reading",
    "col_note": "note",
    "date_format": "%Y-%m-%d %H:%M",
    "source": "ami",
}
HEADER = b"meter_serial,read_datetime,reading,note\n"


@tagged("post_install", "-at_install")
class TestReadImportControls(ReadControlsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mapping = cls.env["utility.read.import.mapping"].create(MAPPING_VALS)
        _p, cls.meter_b, _a = cls._setup_account("CTL-B", initial_reading=0)
        _p, cls.meter_c, _a = cls._setup_account("CTL-C", initial_reading=0)

    def _import(self, content, filename="reads.csv", mapping=None):
        return (
            self.env["utility.read.import"]
            .with_user(self.csr1)
            ._import_file(content, filename, "csv", mapping or self.mapping)
        )

    def _errors(self, imp):
        return [(e.line_number, e.reason) for e in imp.error_ids]

    def test_import_record_protected(self):
        """An import and its bad lines are the record of a file: not created by
        hand, not edited."""
        imp = self._import(HEADER + b"CTL-B,2025-02-05 08:00,10,\nNOPE,x,1,\n")
        self._assert_refused(imp, {"imported_count": 99})
        self._assert_refused(imp, {"state": "draft"})
        for ctx in CONTEXTS:
            with self.assertRaises(UserError):
                self.env["utility.read.import"].with_user(self.csr1).with_context(
                    **ctx
                ).create(
                    {"filename": "fake.csv", "file_format": "csv", "state": "done"}
                )
            with self.assertRaises(UserError):
                self.env["utility.read.import.error"].with_user(self.csr1).with_context(
                    **ctx
                ).create({"import_id": imp.id, "line_number": 9, "reason": "fake"})
        self.assertEqual(len(imp.error_ids), 1)

    def test_imported_reads_post_no_message(self):
        """Importing reads posts no chatter message per read, even with chatter
        on (an import creates tens of thousands of reads)."""
        imp = (
            self.env["utility.read.import"]
            .with_user(self.csr1)
            .with_context(tracking_disable=False, mail_create_nolog=False)
            ._import_file(
                HEADER + b"CTL-B,2025-02-05 08:00,10,\nCTL-C,2025-02-05 08:00,10,\n",
                "chatter.csv",
                "csv",
                self.mapping,
            )
        )
        self.assertEqual(imp.imported_count, 2)
        self.assertFalse(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "utility.meter.read"),
                    ("res_id", "in", imp.read_ids.ids),
                ]
            )
        )

    def test_unbalanced_quote_listed(self):
        """An unbalanced quote is a bad line with its number; it takes none of the
        lines after it along."""
        imp = self._import(
            HEADER
            + b'CTL-B,2025-02-05 08:00,10,"Gate locked\n'
            + b"CTL-C,2025-02-05 08:00,11,\n"
            + b'CTL-A,2025-02-05 08:00,12,"He said ""hi"" then"x\n'
        )
        self.assertEqual(imp.imported_count, 1)
        self.assertEqual(imp.read_ids.meter_id, self.meter_c)
        self.assertEqual([line for line, _r in self._errors(imp)], [2, 4])
        for _line, reason in self._errors(imp):
            self.assertIn("unbalanced quote", reason)
        self.assertEqual(imp.line_count, 3)

    def test_field_over_limit_listed(self):
        """A field over the CSV field size limit is a bad line with its number."""
        huge = b"x" * (csv.field_size_limit() + 10)
        imp = self._import(
            HEADER
            + b"CTL-B,2025-02-05 08:00,10,"
            + huge
            + b"\n"
            + b"CTL-C,2025-02-05 08:00,11,\n"
        )
        self.assertEqual(imp.imported_count, 1)
        ((line, reason),) = self._errors(imp)
        self.assertEqual(line, 2)
        self.assertIn(str(csv.field_size_limit()), reason)
        self.assertLessEqual(len(imp.error_ids.content), 500)

    def test_nul_byte_listed(self):
        """A NUL byte anywhere in a text file is a bad line with its number, shown
        as \\x00; the other lines are imported."""
        filler = b"".join(
            b"CTL-C,2025-%02d-05 08:00,%d,\n" % (month, month * 30)
            for month in range(2, 5)
        )
        imp = self._import(
            HEADER + filler + b"CTL-B,2025-02-05 08:00,1\x000,\n" + b"# end\n"
        )
        self.assertEqual(imp.imported_count, 3)
        errors = self._errors(imp)
        self.assertEqual(errors[0][0], 5)
        self.assertIn("NUL", errors[0][1])
        self.assertIn("\\x00", imp.error_ids[0].content)

    def test_nul_byte_in_neptune_file_listed(self):
        imp = (
            self.env["utility.read.import"]
            .with_user(self.csr1)
            ._import_file(
                b"COMHD" + b" " * 120 + b"\nRTEHD\x00" + b" " * 60 + b"\n",
                "route.txt",
                "neptune",
            )
        )
        self.assertEqual(self._errors(imp)[0][0], 2)
        self.assertIn("NUL", self._errors(imp)[0][1])

    def test_unreadable_header_refuses_file(self):
        """A header line that cannot be read refuses the whole file, with line 1:
        no column can be found; nothing is created."""
        imports = self.env["utility.read.import"].search_count([])
        reads = self.Read.search_count([])
        with self.assertRaises(UserError) as cm:
            self._import(
                b'meter_serial,"read_datetime,reading,note\n'
                b"CTL-B,2025-02-05 08:00,10,\n",
                filename="bad.csv",
            )
        self.assertRegex(str(cm.exception), r"bad\.csv, line 1: .*unbalanced")
        self.assertEqual(self.env["utility.read.import"].search_count([]), imports)
        self.assertEqual(self.Read.search_count([]), reads)

    def test_named_columns_without_header_refuses_file(self):
        """A mapping without header line that names its columns (saved before the
        check, or by a data import) refuses the file with a clear message, not a
        Python error; nothing is created."""
        mapping = self.env["utility.read.import.mapping"].create(
            dict(MAPPING_VALS, name="No header")
        )
        self.env.cr.execute(
            "UPDATE utility_read_import_mapping SET has_header = false WHERE id = %s",
            (mapping.id,),
        )
        mapping.invalidate_recordset()
        reads = self.Read.search_count([])
        imports = self.env["utility.read.import"].search_count([])
        with self.assertRaises(UserError) as cm:
            self._import(
                b"CTL-B,2025-02-05 08:00,10,\n", filename="nohead.csv", mapping=mapping
            )
        self.assertRegex(
            str(cm.exception),
            r"nohead\.csv, line 1: mapping No header .*'meter_serial'",
        )
        self.assertEqual(self.Read.search_count([]), reads)
        self.assertEqual(self.env["utility.read.import"].search_count([]), imports)

    def test_latin1_ellipsis_keeps_line_numbers(self):
        """A Latin-1 note holding byte 0x85 (an ellipsis) does not split its line:
        the line numbers of the bad lines stay right."""
        imp = self._import(
            HEADER
            + "CTL-B,2025-02-05 08:00,10,Dog\x85\n".encode("latin-1")
            + b"NOPE,2025-02-05 08:00,10,\n"
        )
        self.assertEqual(imp.imported_count, 1)
        self.assertEqual([line for line, _r in self._errors(imp)], [3])

    def test_read_created_meanwhile_skipped(self):
        """A read entered while the file is imported (the database keeps one live
        read per meter and time) is skipped and counted, not a crash."""
        validate = UtilityReadImport._validate_rows

        def validate_then_enter(imp, rows):
            result = validate(imp, rows)
            # The same instant as the file's line: 08:00 in the utility's zone.
            self.Read.sudo().create(
                {
                    "meter_id": self.meter_b.id,
                    "read_datetime": self.env.company._utility_local_to_utc(
                        date(2025, 2, 5), at=time(8, 0)
                    ),
                    "reading": 10,
                }
            )
            return result

        with (
            patch.object(UtilityReadImport, "_validate_rows", validate_then_enter),
            mute_logger("odoo.sql_db"),
        ):
            imp = self._import(
                HEADER
                + b"CTL-B,2025-02-05 08:00,10,\n"
                + b"CTL-C,2025-02-05 08:00,11,\n"
            )
        self.assertEqual((imp.imported_count, imp.skipped_count), (1, 1))
        self.assertEqual(
            self.Read.search_count([("meter_id", "=", self.meter_b.id)]), 2
        )


class CsvSafeTests:
    """Tests of tools, run by TestReadControls."""

    def test_formula_cells_escaped(self):
        """Text starting like a formula gets a leading quote (OWASP); numbers and
        text that is only a number stay as they are."""
        for value, expected in (
            ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
            ("+1 555 0100", "'+1 555 0100"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("-12.50", "-12.50"),
            ("+3", "+3"),
            (-12.5, -12.5),
            (0, 0),
            ("Desert Palms", "Desert Palms"),
            ("", ""),
            (None, None),
        ):
            with self.subTest(value=value):
                self.assertEqual(csv_safe_cell(value), expected)
        self.assertEqual(csv_safe_row(["=1", 2]), ["'=1", 2])
        buffer = io.StringIO()
        csv_writer(buffer).writerows([["=1", "-1.00", -1]])
        self.assertEqual(buffer.getvalue(), "'=1,-1.00,-1\r\n")


@tagged("post_install", "-at_install")
class TestControlsJsonRpc(HttpCase, ReadControlsCase):
    """The refusals as the web client meets them: JSON-RPC call_kw as a CSR I,
    sending the old context keys; nothing changed."""

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": dict(OLD_KEYS)},
            },
        )

    @mute_logger("odoo.http")
    def test_csr1_refused_over_json_rpc(self):
        flagged = self._flagged()
        self.authenticate(self.csr1.login, self.csr1.login)
        read_fields = ["state", "reading", "account_id", "consumption"]
        account_fields = ["deposit_held", "state"]
        before = (
            self._snapshot(flagged, read_fields),
            self._snapshot(self.account, account_fields),
        )
        for model, method, args, error in (
            ("utility.meter.read", "write", [flagged.ids, {"state": "valid"}], "User"),
            (
                "utility.meter.read",
                "write",
                [flagged.ids, {"reading": 123456}],
                "User",
            ),
            (
                "utility.meter.read",
                "write",
                [flagged.ids, {"account_id": self.other_account.id}],
                "User",
            ),
            ("utility.meter.read", "action_accept", [flagged.ids], "Access"),
            (
                "utility.account",
                "write",
                [self.account.ids, {"deposit_held": 5000}],
                "User",
            ),
            (
                "utility.account",
                "write",
                [self.account.ids, {"state": "closed"}],
                "User",
            ),
            (
                "utility.notice",
                "create",
                [
                    {
                        "account_id": self.account.id,
                        "kind": "high_usage",
                        "state": "sent",
                        "date": "2020-01-01",
                    }
                ],
                "User",
            ),
        ):
            with (
                self.subTest(model=model, method=method, args=args),
                self.assertRaises(JsonRpcException) as cm,
            ):
                self._call(model, method, args)
            self.assertIn(f"{error}Error", str(cm.exception))
        self.assertEqual(
            (
                self._snapshot(flagged, read_fields),
                self._snapshot(self.account, account_fields),
            ),
            before,
        )
        self.assertFalse(
            self.env["utility.notice"].search([("account_id", "=", self.account.id)])
        )


@tagged("post_install", "-at_install")
class TestReadControls(
    ReadStateMachineTests,
    ReadUniquenessTests,
    AccountControlsTests,
    MeterControlsTests,
    NoticeControlsTests,
    CsvSafeTests,
    ReadControlsCase,
):
    """The tests of the fixtures of ReadControlsCase, in one class: one set-up of
    the accounting test base for them all."""
