# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging
import re
from contextlib import contextmanager
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import UtilityBillingCommon

_logger = logging.getLogger(__name__)

CSV_HEADER = "meter_serial,read_datetime,reading,account,read_code,note"

# Neptune "Type S" upload positions (1-based, inclusive), docs/domain-rules.md §5.1.
RTEHD_READ_DATE = (24, 31)
PRMDT_ACCOUNT = (104, 123)
MTRDT_READ_SEQUENCE = (6, 11)
MTRDT_SERIAL = (38, 57)
RDGDT_DIALS = (50, 51)
RDGDT_READING = (89, 98)
ORDST_ACTUAL_DATE = (6, 13)


def fixed(record, *fields, width=130):
    """A fixed-width line: ``record`` in columns 1-5, each ``(span, value)`` placed
    at its 1-based inclusive span, every other column filled with "x" so that a
    parser cutting one column too many or too few picks up an "x"."""
    line = ["x"] * width
    line[0:5] = record
    for (start, end), value in fields:
        size = end - start + 1
        assert len(value) <= size, (value, start, end)
        assert all(c == "x" for c in line[start - 1 : end]), "overlapping fields"
        line[start - 1 : end] = value.ljust(size)
    return "".join(line)


class ReadImportCase(UtilityBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_exception_rules()
        cls.Import = cls.env["utility.read.import"]
        cls.Read = cls.env["utility.meter.read"]
        cls.mapping = cls.env["utility.read.import.mapping"].create(
            {
                "name": "Test AMI export",
                "delimiter": ",",
                "has_header": True,
                "meter_key": "serial",
                "col_meter": "meter_serial",
                "col_datetime": "read_datetime",
                "col_reading": "reading",
                "col_account": "account",
                "col_read_code": "read_code",
                "col_note": "note",
                "date_format": "%Y-%m-%d %H:%M",
                "source": "ami",
            }
        )
        _p, cls.meter_a, cls.account_a = cls._setup_account("IM-A", initial_reading=100)
        _p, cls.meter_b, cls.account_b = cls._setup_account("IM-B", initial_reading=500)
        _p, cls.meter_c, cls.account_c = cls._setup_account("IM-C", initial_reading=0)
        _p, cls.meter_r4, cls.account_r4 = cls._setup_account(
            "IM-R4", initial_reading=9950, dials=4
        )
        cls.meter_stock = cls._create_meter("IM-STOCK")

    @contextmanager
    def _assert_raises(self, exception, regex):
        """assertRaisesRegex inside a savepoint (Odoo only wraps assertRaises), so
        that a refused operation leaves nothing behind, as in a real request."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)

    @classmethod
    def _csv(cls, *lines, header=CSV_HEADER):
        return "\n".join((header,) + lines).encode() + b"\n"

    def _import(self, content, filename="reads.csv", file_format="csv", mapping=None):
        if file_format == "csv" and mapping is None:
            mapping = self.mapping
        return self.Import.with_user(self.csr1)._import_file(
            content, filename, file_format, mapping
        )

    def _errors(self, imp):
        return [(e.line_number, e.reason) for e in imp.error_ids]

    def _reads(self, meter):
        return self.Read.search(
            [("meter_id", "=", meter.id)], order="read_datetime, id"
        )


class ReadImportCsvTests:
    """Tests of ReadImportCase's fixtures, run by TestReadImport."""

    @freeze_time("2025-06-30 12:00:00")
    def test_good_lines_kept_bad_lines_listed(self):
        """Good lines are imported; each bad line is listed with its line number and
        the reason, and creates no read."""
        acc_a = self.account_a.name
        content = self._csv(
            f"IM-A,2025-02-05 08:00,112,{acc_a},,",  # 2 good
            "NOPE,2025-02-05 08:00,10,,,",  # 3 unknown meter
            "IM-A,2025-02-05 08:00,113,,,",  # 4 duplicate of line 2
            "IM-B,2025-02-05 08:05,abc,,,",  # 5 not a number
            "IM-B,2025-02-05 08:05,400,,,",  # 6 below previous, no rollover
            "IM-R4,2025-02-05 08:10,30,,,",  # 7 good, rollover
            "IM-R4,2025-02-06 08:10,10000,,,",  # 8 too big for 4 dials
            "IM-A,2025-02-06 08:00,115,WRONG-ACC,,",  # 9 account mismatch
            "IM-STOCK,2025-02-05 08:00,5,,,",  # 10 not installed
            "IM-C,2025-06-30 08:00,20,,RC,",  # 11 good (today)
            "IM-C,2025-07-01 08:00,30,,,",  # 12 future
        )
        imp = self._import(content)
        self.assertEqual(imp.state, "done")
        self.assertEqual(
            self._errors(imp),
            [
                (3, "unknown meter: no meter has meter serial NOPE"),
                (4, "duplicate of line 2 (same meter, date and time)"),
                (5, "reading 'abc' is not a number"),
                (
                    6,
                    "reading 400 is below the previous reading and is not a "
                    "plausible rollover of the register",
                ),
                (8, "reading 10000 does not fit the 4-dial register of meter IM-R4"),
                (
                    9,
                    f"account WRONG-ACC does not match account {acc_a} served by "
                    "meter IM-A",
                ),
                (10, "meter IM-STOCK is not installed"),
                (12, "read date 2025-07-01 08:00 is in the future"),
            ],
        )
        self.assertEqual(imp.error_ids[0].content, "NOPE,2025-02-05 08:00,10,,,")
        self.assertEqual(
            (imp.line_count, imp.imported_count, imp.skipped_count, imp.error_count),
            (11, 3, 0, 8),
        )
        self.assertEqual(sorted(imp.read_ids.mapped("import_line")), [2, 7, 11])
        read_a = imp.read_ids.filtered(lambda r: r.meter_id == self.meter_a)
        self.assertEqual(read_a.reading, 112)
        self.assertEqual(read_a.consumption, 12)
        # 08:00 in the utility's time zone (Pacific, UTC-8 in February).
        self.assertEqual(read_a.read_datetime, datetime(2025, 2, 5, 16, 0))
        self.assertEqual(read_a.read_date, date(2025, 2, 5))
        self.assertEqual(read_a.source, "ami")
        self.assertEqual(read_a.account_id, self.account_a)
        read_r4 = imp.read_ids.filtered(lambda r: r.meter_id == self.meter_r4)
        self.assertTrue(read_r4.rollover)
        self.assertEqual(read_r4.consumption, 80)
        self.assertEqual(
            imp.read_ids.filtered(lambda r: r.meter_id == self.meter_c).read_code, "RC"
        )
        # Nothing half-imported: the meters of bad lines have no new read.
        self.assertEqual(len(self._reads(self.meter_b)), 1, "initial read only")
        self.assertEqual(len(self._reads(self.meter_a)), 2, "initial and line 2")
        self.assertFalse(self.meter_stock.read_ids)

    def test_import_wizard(self):
        """The upload wizard imports a base64 file with the chosen mapping and opens the
        import record."""
        content = self._csv(
            "IM-A,2025-02-05 08:00,112,,,", "IM-C,2025-02-05 08:00,9,,,"
        )
        wizard = (
            self.env["utility.read.import.wizard"]
            .with_user(self.csr1)
            .create(
                {
                    "file": base64.b64encode(content),
                    "filename": "route1.csv",
                    "file_format": "csv",
                    "mapping_id": self.mapping.id,
                }
            )
        )
        action = wizard.action_import()
        imp = self.Import.browse(action["res_id"])
        self.assertEqual(action["res_model"], "utility.read.import")
        self.assertEqual(imp.filename, "route1.csv")
        self.assertEqual(imp.imported_count, 2)
        self.assertEqual(imp.user_id, self.csr1)
        self.assertEqual(base64.b64decode(imp.file), content, "the file is kept")
        self.assertEqual(self._reads(self.meter_c)[-1].reading, 9)

    def test_csv_needs_mapping(self):
        """A CSV file cannot be imported without a column mapping."""
        content = self._csv("IM-A,2025-02-05 08:00,112,,,")
        with self._assert_raises(UserError, "mapping"):
            self._import(content, mapping=self.env["utility.read.import.mapping"])

    def test_same_file_refused(self):
        """The same file imported again is refused, naming the earlier import, and
        creates nothing."""
        content = self._csv(
            "IM-A,2025-02-05 08:00,112,,,", "IM-C,2025-02-05 08:00,9,,,"
        )
        first = self._import(content, filename="monday.csv")
        self.assertEqual(first.imported_count, 2)
        imports, reads = self.Import.search_count([]), self.Read.search_count([])
        with self._assert_raises(
            UserError, rf"already imported as {re.escape(first.name)}"
        ):
            self._import(content, filename="monday-copy.csv")
        self.assertEqual(self.Import.search_count([]), imports)
        self.assertEqual(self.Read.search_count([]), reads)

    def test_reads_already_in_database_skipped(self):
        """A different file holding reads already imported skips and counts them; a
        different reading at the same date and time is a bad line."""
        self._import(
            self._csv("IM-A,2025-02-05 08:00,112,,,", "IM-B,2025-02-05 08:05,510,,,")
        )
        second = self._import(
            self._csv(
                "IM-A,2025-02-05 08:00,112,,,",  # 2 same read: skipped
                "IM-B,2025-02-05 08:05,515,,,",  # 3 other reading at that time
                "IM-C,2025-02-05 08:00,9,,,",  # 4 new
            ),
            filename="monday-again.csv",
        )
        self.assertEqual(
            (
                second.line_count,
                second.imported_count,
                second.skipped_count,
                second.error_count,
            ),
            (3, 1, 1, 1),
        )
        self.assertEqual(len(self._errors(second)), 1)
        line, reason = self._errors(second)[0]
        self.assertEqual(line, 3)
        self.assertRegex(
            reason, r"^meter IM-B already has reading 510(\.0)? at this date"
        )
        self.assertEqual(len(self._reads(self.meter_a)), 2, "not duplicated")
        self.assertEqual(self._reads(self.meter_b).mapped("reading"), [500, 510])
        self.assertEqual(second.read_ids.meter_id, self.meter_c)

    def test_missing_column_refuses_file(self):
        """A header without a column of the mapping refuses the whole file, naming the
        column; nothing is created."""
        content = self._csv(
            "IM-A,2025-02-05 08:00,112,,",
            header="meter_serial,read_datetime,reading,read_code,note",
        )
        imports = self.Import.search_count([])
        with self._assert_raises(
            UserError, r"line 1: the header has no column 'account'"
        ):
            self._import(content)
        self.assertEqual(self.Import.search_count([]), imports)
        self.assertEqual(len(self._reads(self.meter_a)), 1)

    def test_short_line_listed(self):
        """A line with too few columns is a bad line with its number."""
        imp = self._import(
            self._csv("IM-A,2025-02-05 08:00", "IM-C,2025-02-05 08:00,9,,,")
        )
        self.assertEqual(
            self._errors(imp), [(2, "expected at least 6 columns, found 2")]
        )
        self.assertEqual((imp.line_count, imp.imported_count), (2, 1))

    def test_encodings(self):
        """UTF-8, UTF-8 with a byte-order mark and Latin-1 files are all read; accented
        notes come out right."""
        cases = [
            ("utf-8", b"", "utf-8", "2025-02-05 08:00", 112),
            ("utf-8-bom", b"\xef\xbb\xbf", "utf-8", "2025-03-05 08:00", 130),
            ("latin-1", b"", "latin-1", "2025-04-05 08:00", 150),
        ]
        for name, prefix, expected, when, reading in cases:
            with self.subTest(encoding=name):
                text = f"{CSV_HEADER}\nIM-A,{when},{reading},,,Medidor dañado\n"
                codec = "latin-1" if name == "latin-1" else "utf-8"
                imp = self._import(prefix + text.encode(codec), filename=f"{name}.csv")
                self.assertEqual(imp.encoding, expected)
                self.assertFalse(imp.error_ids)
                self.assertEqual(imp.imported_count, 1)
                self.assertEqual(imp.read_ids.reading, reading)
                self.assertEqual(imp.read_ids.note, "Medidor dañado")

    def test_empty_binary_oversized_refused(self):
        """Empty, binary and oversized files are refused with a clear message and
        nothing is created."""
        imports = self.Import.search_count([])
        with self._assert_raises(UserError, "empty"):
            self._import(b"", filename="empty.csv")
        with self._assert_raises(UserError, "empty"):
            self._import(b"  \r\n\n", filename="blank.csv")
        with self._assert_raises(UserError, "no meter reads"):
            self._import(self._csv(), filename="header-only.csv")
        with self._assert_raises(UserError, "not a text file"):
            self._import(
                b"PK\x03\x04\x14\x00\x00\x00\x08\x00" * 20, filename="reads.xlsx"
            )
        content = self._csv(
            *(f"IM-A,2025-02-{day:02d} 08:00,{100 + day},,," for day in range(6, 10))
        )
        self.assertGreater(len(content), 150)
        self.env["ir.config_parameter"].set_param(
            "utility_billing.read_import_max_mb", "0.0001"
        )
        with self._assert_raises(
            UserError, r"big.csv is .* MB, more than the .* MB allowed"
        ):
            self._import(content, filename="big.csv")
        self.assertEqual(self.Import.search_count([]), imports)
        self.env["ir.config_parameter"].set_param(
            "utility_billing.read_import_max_mb", "1"
        )
        self.assertEqual(self._import(content, filename="big.csv").imported_count, 4)

    def test_endpoint_mapping_us_dates(self):
        """An AMR file keyed by endpoint ID, with the date (MM/DD/YYYY) and time in
        separate columns; times are the office's local time."""
        mapping = self.env["utility.read.import.mapping"].create(
            {
                "name": "Test endpoint file",
                "meter_key": "endpoint",
                "col_meter": "Endpoint ID",
                "col_datetime": "Read Date",
                "col_time": "Read Time",
                "col_reading": "Read",
                "date_format": "%m/%d/%Y",
                "source": "ami",
            }
        )
        self.meter_a.endpoint_id = "EP-1001"
        self.meter_c.endpoint_id = "EP-1003"
        content = (
            b"Endpoint ID,Read Date,Read Time,Read\n"
            b"EP-1001,03/05/2025,08:15,130\n"
            b"EP-9999,03/05/2025,08:15,1\n"
            b"IM-C,03/05/2025,08:15,1\n"
        )
        imp = self._import(content, mapping=mapping)
        self.assertEqual(
            self._errors(imp),
            [
                (3, "unknown meter: no meter has endpoint ID EP-9999"),
                (4, "unknown meter: no meter has endpoint ID IM-C"),
            ],
        )
        read = imp.read_ids
        self.assertEqual(read.meter_id, self.meter_a)
        # The file's times are the utility's (Pacific) local times.
        self.assertEqual(read.read_datetime, datetime(2025, 3, 5, 16, 15))
        self.assertEqual(read.read_date, date(2025, 3, 5), "March 5, not May 3")
        self.assertEqual(read.consumption, 30)
        tokyo = self.Import.with_context(tz="Asia/Tokyo")._import_file(
            b"Endpoint ID,Read Date,Read Time,Read\nEP-1003,03/05/2025,08:15,12\n",
            "tokyo.csv",
            "csv",
            mapping,
        )
        self.assertEqual(
            tokyo.read_ids.read_datetime,
            datetime(2025, 3, 5, 16, 15),
            "whoever imports the file, its times are the utility's",
        )
        self.assertEqual(tokyo.read_ids.read_date, date(2025, 3, 5))

    def test_exception_checks_during_import(self):
        """Exception rules run on imported reads: a high read waits for review."""
        self._read(self.meter_a, "2025-02-04", 130)
        self._read(self.meter_a, "2025-03-06", 160)
        self._read(self.meter_a, "2025-04-05", 190)  # 1 a day
        imp = self._import(
            self._csv("IM-A,2025-05-05 08:00,400,,,", "IM-C,2025-05-05 08:00,30,,,")
        )
        self.assertEqual(
            imp.imported_count, 2, "a flagged read is imported, for review"
        )
        high = imp.read_ids.filtered(lambda r: r.meter_id == self.meter_a)
        self.assertEqual(high.exception_code, "high")
        self.assertEqual(high.state, "to_review")
        self.assertEqual(
            imp.read_ids.filtered(lambda r: r.meter_id == self.meter_c).state, "valid"
        )
        self.assertEqual(imp.review_count, 1)

    def test_lower_reading_after_estimate_imported(self):
        """A reading below an estimate is the true-up of an over-estimate: imported,
        with negative use, not refused as a bad line."""
        self._read(self.meter_c, "2025-02-04", 30)
        self._read(self.meter_c, "2025-03-06", 70, read_type="estimated")
        imp = self._import(self._csv("IM-C,2025-04-05 08:00,65,,,"))
        self.assertFalse(imp.error_ids)
        self.assertEqual(imp.read_ids.consumption, -5)
        self.assertEqual(imp.read_ids.state, "valid")

    def test_several_reads_of_a_meter_in_one_file(self):
        """Reads of one meter at several dates in one file are chained, whatever their
        order in the file."""
        imp = self._import(
            self._csv("IM-A,2025-03-05 08:00,130,,,", "IM-A,2025-02-05 08:00,112,,,")
        )
        self.assertEqual(imp.imported_count, 2)
        self.assertEqual(self._reads(self.meter_a).mapped("consumption"), [0, 12, 18])


class ReadImportNeptuneTests:
    """Tests of ReadImportCase's fixtures, run by TestReadImport."""

    def _route_file(self, *records):
        return ("\r\n".join(records) + "\r\n").encode()

    def _premise(self, account, serial, reading, dials="06", sequence="000010"):
        return [
            fixed("PRMDT", ((20, 39), "GARCIA MARIA"), (PRMDT_ACCOUNT, account)),
            fixed("MTRDT", (MTRDT_READ_SEQUENCE, sequence), (MTRDT_SERIAL, serial)),
            fixed("RDGDT", (RDGDT_DIALS, dials), (RDGDT_READING, f"{reading:010d}")),
        ]

    def test_fixed_width_positions(self):
        """The helper itself puts values at the documented 1-based columns."""
        line = fixed("RDGDT", (RDGDT_DIALS, "06"), (RDGDT_READING, "0000000130"))
        self.assertEqual(line[:5], "RDGDT")
        self.assertEqual(line[49:51], "06")
        self.assertEqual(line[88:98], "0000000130")
        self.assertEqual(line[48] + line[51] + line[87] + line[98], "xxxx")

    def test_neptune_route_file(self):
        """A Neptune-style route file: each reading goes to the meter of the MTRDT
        record before it, dated by the route header or by an ORDST record; bad
        records are listed with their line numbers."""
        content = self._route_file(
            fixed("COMHD", ((6, 13), "20250305"), ((14, 40), "COACHELLA WATER")),  # 1
            fixed("RTEHD", ((6, 11), "TR1"), (RTEHD_READ_DATE, "20250305")),  # 2
            fixed("RDGDT", (RDGDT_DIALS, "06"), (RDGDT_READING, "0000000001")),  # 3
            *self._premise(self.account_a.name, "IM-A", 130),  # 4-6
            fixed("PRMNT", ((6, 30), "GATE CODE 1234")),  # 7
            *self._premise(self.account_b.name, "IM-B", 530),  # 8-10
            fixed("ORDST", (ORDST_ACTUAL_DATE, "20250307")),  # 11
            *self._premise(self.account_r4.name, "IM-R4", 30),  # 12-14: dials 6 != 4
            fixed("XXXXX", ((6, 20), "GARBAGE")),  # 15
            fixed("ERTDT", ((6, 20), "12345678")),  # 16
        )
        imp = self._import(content, filename="ROUTE1.DAT", file_format="neptune")
        self.assertEqual(
            self._errors(imp),
            [
                (3, "reading record without a meter record before it"),
                (14, "the file says 6 dials, meter IM-R4 has 4"),
                (15, "unknown record type 'XXXXX'"),
            ],
        )
        self.assertEqual(
            (imp.line_count, imp.imported_count, imp.skipped_count, imp.error_count),
            (5, 2, 0, 3),
        )
        read_a = imp.read_ids.filtered(lambda r: r.meter_id == self.meter_a)
        read_b = imp.read_ids.filtered(lambda r: r.meter_id == self.meter_b)
        self.assertEqual((read_a.reading, read_a.import_line), (130, 6))
        self.assertEqual(read_a.read_date, date(2025, 3, 5), "route header date")
        self.assertEqual(read_a.consumption, 30)
        self.assertEqual(read_a.source, "handheld")
        self.assertEqual((read_b.reading, read_b.import_line), (530, 10))
        self.assertEqual(read_b.read_date, date(2025, 3, 7), "ORDST actual date")
        self.assertEqual(read_b.consumption, 30)
        self.assertEqual(len(self._reads(self.meter_r4)), 1, "dials mismatch: no read")

    def test_neptune_account_mismatch(self):
        """The account number of the PRMDT record must be the meter's account."""
        content = self._route_file(
            fixed("RTEHD", (RTEHD_READ_DATE, "20250305")),
            *self._premise(self.account_b.name, "IM-A", 130),
        )
        imp = self._import(content, filename="ROUTE2.DAT", file_format="neptune")
        self.assertEqual(
            self._errors(imp),
            [
                (
                    4,
                    f"account {self.account_b.name} does not match account "
                    f"{self.account_a.name} served by meter IM-A",
                )
            ],
        )
        self.assertFalse(imp.read_ids)


@tagged("post_install", "-at_install")
class TestReadImportScale(ReadImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warm_meters = cls._bulk_accounts("QW", 5)
        cls.small = cls._bulk_accounts("QS", 20)
        cls.large = cls._bulk_accounts("QL", 200)

    @classmethod
    def _bulk_accounts(cls, prefix, count):
        """``count`` installed meters (reading 100 on 2025-01-05) on active accounts."""
        premises = cls.env["utility.premise"].create(
            [
                {
                    "street": f"{i} {prefix} Street",
                    "city": "Coachella",
                    "route_id": cls.route.id,
                    "sequence": i,
                    "customer_class": "residential",
                }
                for i in range(count)
            ]
        )
        meters = cls.env["utility.meter"].create(
            [
                {"serial": f"{prefix}{i:05d}", "service_type_id": cls.water.id}
                for i in range(count)
            ]
        )
        for premise, meter in zip(premises, meters, strict=True):
            meter._install(premise, "2025-01-05", 100)
        accounts = cls.env["utility.account"].create(
            [
                {
                    "partner_id": cls.partner.id,
                    "premise_id": premise.id,
                    "start_date": "2025-01-05",
                    "service_ids": [
                        Command.create(
                            {"service_type_id": cls.water.id, "meter_id": meter.id}
                        )
                    ],
                }
                for premise, meter in zip(premises, meters, strict=True)
            ]
        )
        accounts.action_activate()
        return meters

    def _count_import_queries(self, meters, filename):
        lines = [
            f"{m.serial},2025-02-05 08:00,{110 + i % 7},,,"
            for i, m in enumerate(meters)
        ]
        content = self._csv(*lines)
        self.env.flush_all()
        before = self.cr.sql_log_count
        imp = self._import(content, filename=filename)
        self.env.flush_all()
        count = self.cr.sql_log_count - before
        self.assertEqual(imp.imported_count, len(meters))
        self.assertFalse(imp.error_ids)
        return count

    def test_query_count_does_not_grow_with_rows(self):
        """Importing 200 reads costs about the same number of queries as importing
        20: the checks and creation work by batch, not by line."""
        self._count_import_queries(self.warm_meters, "warm.csv")
        q20 = self._count_import_queries(self.small, "small.csv")
        q200 = self._count_import_queries(self.large, "large.csv")
        _logger.info("Read import queries: 20 rows %s, 200 rows %s", q20, q200)
        self.assertLess(
            q200,
            2 * q20,
            f"200 rows took {q200} queries, 20 rows {q20}: queries grow per line",
        )


@tagged("post_install", "-at_install")
class TestReadImport(
    ReadImportCsvTests,
    ReadImportNeptuneTests,
    ReadImportCase,
):
    """The tests of the fixtures of ReadImportCase, in one class: one set-up of
    the accounting test base for them all."""
