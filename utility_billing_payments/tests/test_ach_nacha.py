# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.utility_billing_payments.tools import bank_calendar, nacha


def _entry(code, routing, account, cents, ident, name, trace, addenda=()):
    return nacha.Entry(
        transaction_code=code,
        routing_number=routing,
        account_number=account,
        amount=cents,
        individual_id=ident,
        individual_name=name,
        trace_number=trace,
        addenda=list(addenda),
    )


@tagged("post_install", "-at_install")
class TestNachaFields(BaseCase):
    """Field formatting of tools/nacha.py (docs/domain-rules.md §3.1)."""

    def test_transliterate_keeps_apostrophes_and_ampersands(self):
        """Names are transliterated, upper case, never cut at ' or &."""
        self.assertEqual(nacha.transliterate("O'Brien & Sons"), "O'BRIEN & SONS")
        self.assertEqual(
            nacha.transliterate("José Pérez-García Muñoz"), "JOSE PEREZ-GARCIA MUNOZ"
        )
        self.assertEqual(nacha.transliterate("Ñandú’s  Straße"), "NANDU'S STRASSE")
        self.assertEqual(nacha.transliterate("tab\there\u2603"), "TAB HERE")

    def test_alpha_and_numeric(self):
        """Alphanumeric left-justified, numeric zero-filled; overflow refused
        except for names, which are shortened."""
        self.assertEqual(nacha.alpha("abc", 5), "ABC  ")
        self.assertEqual(nacha.numeric(42, 5), "00042")
        with self.assertRaises(nacha.NachaError):
            nacha.alpha("TOO LONG", 3, "code")
        self.assertEqual(
            nacha.alpha("MARIA DE LOS ANGELES GUTIERREZ", 22, shorten=True),
            "MARIA DE LOS ANGELES G",
        )
        for bad in (-1, "12a", 123456, None, True):
            with self.assertRaises(nacha.NachaError, msg=repr(bad)):
                nacha.numeric(bad, 5)

    def test_cents(self):
        """Amounts become whole cents without float error, half up."""
        self.assertEqual(nacha.to_cents(12.345), 1235)
        self.assertEqual(nacha.to_cents(0.1 + 0.2), 30)
        self.assertEqual(nacha.to_cents("1234.50"), 123450)
        self.assertEqual(nacha.to_cents(0), 0)
        with self.assertRaises(nacha.NachaError):
            nacha.to_cents(-1)

    def test_routing_check_digit(self):
        """ABA check digit: weights 3, 7, 1."""
        self.assertEqual(nacha.routing_check_digit("12100035"), 8)
        self.assertTrue(nacha.is_valid_routing("121000358"))
        self.assertFalse(nacha.is_valid_routing("121000357"))
        self.assertFalse(nacha.is_valid_routing("12100035"))

    def test_layouts_are_94_characters(self):
        """Every record layout covers positions 1 to 94 without gap."""
        for layout, specs in nacha.LAYOUTS.items():
            position = 1
            for spec in specs:
                self.assertEqual(spec[1], position, f"{layout} {spec[0]}")
                position += spec[2]
            self.assertEqual(position, 95, layout)


@tagged("post_install", "-at_install")
class TestNachaWriter(BaseCase):
    def _file(self, entries, modifier="A"):
        return nacha.File(
            immediate_destination="121000358",
            immediate_origin="1956000123",
            creation=datetime(2026, 3, 16, 9, 30),
            file_id_modifier=modifier,
            destination_name="First Desert Bank",
            origin_name="City of Coachella",
            batches=[
                nacha.Batch(
                    company_name="City of Coachella",
                    company_identification="1956000123",
                    entry_description="UTILITY",
                    effective_date=date(2026, 3, 18),
                    originating_dfi="12100035",
                    batch_number=1,
                    entries=entries,
                )
            ],
        )

    def test_file_byte_for_byte(self):
        """Header, batch header, entries (debit, savings prenote, addenda),
        controls with hash and totals, and padding to 10 records, as written
        by hand from the layouts of docs/domain-rules.md §3.2."""
        entries = [
            _entry(
                27,
                "021000021",
                "123-456 789",
                12345,
                "1000001",
                "O'Brien & Sons",
                "121000350000001",
            ),
            _entry(
                38,
                "011000015",
                "9876543210",
                0,
                "1000002",
                "José Muñoz",
                "121000350000002",
            ),
            _entry(
                27,
                "322271627",
                "55",
                100,
                "1000003",
                "A",
                "121000350000003",
                addenda=["Bill 2026-03"],
            ),
        ]
        text = self._file(entries).render()
        expected = [
            # 1 | 01 | destination | origin | YYMMDD | HHMM | modifier | 094 10 1
            "1"
            "01"
            " 121000358"
            "1956000123"
            "260316"
            "0930"
            "A"
            "094"
            "10"
            "1"
            "FIRST DESERT BANK      "
            "CITY OF COACHELLA      "
            "        ",
            # 5 | 225 | name 16 | discretionary 20 | company id | PPD | desc 10 |
            # descriptive date 6 | effective | settlement | 1 | ODFI | batch
            "5"
            "225"
            "CITY OF COACHELL" + " " * 20 + "1956000123"
            "PPD"
            "UTILITY   "
            "      "
            "260318"
            "   "
            "1"
            "12100035"
            "0000001",
            # 6 | code | RDFI 8 | check | account 17 | amount 10 | id 15 |
            # name 22 | discretionary 2 | addenda | trace
            "6"
            "27"
            "02100002"
            "1"
            "123-456789       "
            "0000012345"
            "1000001        "
            "O'BRIEN & SONS        "
            "  "
            "0"
            "121000350000001",
            "6"
            "38"
            "01100001"
            "5"
            "9876543210       "
            "0000000000"
            "1000002        "
            "JOSE MUNOZ            "
            "  "
            "0"
            "121000350000002",
            "6"
            "27"
            "32227162"
            "7"
            "55               "
            "0000000100"
            "1000003        "
            "A                     "
            "  "
            "1"
            "121000350000003",
            # 7 | 05 | information 80 | addenda sequence | entry sequence
            "705" + "BILL 2026-03".ljust(80) + "00010000003",
            # 8 | 225 | count (3 entries, 1 addenda) | hash (02100002 + 01100001
            # + 32227162) | debit (12345 + 0 + 100) | credit | company id |
            # MAC 19 | reserved 6 | ODFI | batch
            "8"
            "225"
            "000004"
            "0035427165"
            "000000012445"
            "000000000000"
            "1956000123" + " " * 19 + " " * 6 + "12100035"
            "0000001",
            # 9 | batches | blocks | count | hash | debit | credit | reserved
            "9000001000001000000040035427165000000012445000000000000" + " " * 39,
            "9" * 94,
            "9" * 94,
        ]
        self.assertEqual(text.split("\n")[:-1], expected)
        self.assertTrue(text.endswith("\n"))
        for line in expected:
            self.assertEqual(len(line), 94)

    def test_crlf_and_block_padding(self):
        """CRLF on request; a file of exactly 10 records gets no padding."""
        entries = [
            _entry(
                27, "021000021", str(1000 + i), 100 * i, str(i), "X", f"12100035{i:07d}"
            )
            for i in range(1, 7)
        ]  # 1 + 1 + 6 + 1 + 1 = 10 records
        text = self._file(entries).render("\r\n")
        lines = text.split("\r\n")[:-1]
        self.assertEqual(len(lines), 10)
        self.assertTrue(lines[-1].startswith("9000001000001"))
        self.assertNotIn("9" * 94, lines)

    def test_writer_refuses_bad_values(self):
        """A bad routing number, a negative amount or a bad modifier is an error
        naming the entry, not a silently wrong file."""
        with self.assertRaisesRegex(nacha.NachaError, "routing number"):
            self._file([_entry(27, "021000022", "1", 1, "1", "X", "1")]).render()
        with self.assertRaisesRegex(nacha.NachaError, "amount"):
            self._file([_entry(27, "021000021", "1", -5, "1", "X", "1")]).render()
        with self.assertRaisesRegex(nacha.NachaError, "modifier"):
            self._file([_entry(27, "021000021", "1", 5, "1", "X", "1")], "a").render()
        with self.assertRaisesRegex(nacha.NachaError, "individual_id"):
            self._file([_entry(27, "021000021", "1", 5, "1" * 16, "X", "1")]).render()

    def test_ten_thousand_entries_parse_back(self):
        """A file of 10,000 entries read back by the reader: every entry, the
        batch and file totals and the entry hash match what was written (sums
        computed here, independently of the writer)."""
        rng = random.Random(7)
        routings = ["021000021", "011000015", "322271627", "121000358", "091000019"]
        written = []
        for index in range(1, 10001):
            code = rng.choice([27, 37, 28])
            cents = 0 if code == 28 else rng.randint(1, 99999999)
            written.append(
                _entry(
                    code,
                    rng.choice(routings),
                    str(rng.randint(1, 10**12)),
                    cents,
                    f"CITY{index:07d}",
                    f"Customer {index}",
                    f"12100035{index:07d}",
                )
            )
        text = self._file(written).render()
        parsed = nacha.parse(text)
        self.assertEqual(len(parsed.entries), 10000)
        total = sum(e.amount for e in written)
        entry_hash = sum(int(e.routing_number[:8]) for e in written) % 10**10
        self.assertEqual(int(parsed.control["total_debit"]), total)
        self.assertEqual(int(parsed.control["entry_hash"]), entry_hash)
        self.assertEqual(int(parsed.control["entry_addenda_count"]), 10000)
        self.assertEqual(int(parsed.batches[0].control["total_debit"]), total)
        lines = text.split("\n")[:-1]
        self.assertEqual(len(lines) % 10, 0)
        self.assertEqual(int(parsed.control["block_count"]), len(lines) // 10)
        for wrote, read in zip(written, parsed.entries, strict=True):
            self.assertEqual(read.amount, wrote.amount)
            self.assertEqual(read.values["trace_number"], wrote.trace_number)
            self.assertEqual(
                read.values["receiving_dfi"] + read.values["check_digit"],
                wrote.routing_number,
            )
            self.assertEqual(read.values["individual_id"], wrote.individual_id)


@tagged("post_install", "-at_install")
class TestNachaReader(BaseCase):
    def _text(self):
        return nacha.File(
            immediate_destination="121000358",
            immediate_origin="1956000123",
            creation=datetime(2026, 3, 16, 9, 30),
            file_id_modifier="B",
            destination_name="Bank",
            origin_name="City",
            batches=[
                nacha.Batch(
                    company_name="City",
                    company_identification="1956000123",
                    entry_description="UTILITY",
                    effective_date=date(2026, 3, 18),
                    originating_dfi="12100035",
                    batch_number=1,
                    entries=[
                        _entry(27, "021000021", "1", 500, "A1", "X", "121000350000001")
                    ],
                )
            ],
        ).render()

    def test_reader_refuses_inconsistent_files(self):
        """Controls that do not match the entries, records of the wrong length,
        a missing file control and non-ASCII bytes are refused with the line."""
        text = self._text()
        lines = text.split("\n")
        tampered = lines[:]
        tampered[2] = tampered[2][:29] + "0000000600" + tampered[2][39:]
        with self.assertRaisesRegex(
            nacha.NachaError, "line 4: batch control: total_debit"
        ):
            nacha.parse("\n".join(tampered))
        tampered = lines[:]
        tampered[3] = tampered[3][:10] + "0000000001" + tampered[3][20:]
        with self.assertRaisesRegex(nacha.NachaError, "entry_hash"):
            nacha.parse("\n".join(tampered))
        with self.assertRaisesRegex(nacha.NachaError, "line 2: record of 95"):
            nacha.parse("\n".join([lines[0], lines[1] + "X"] + lines[2:]))
        with self.assertRaisesRegex(nacha.NachaError, "no file control"):
            nacha.parse("\n".join(lines[:4]))
        with self.assertRaisesRegex(nacha.NachaError, "not plain ASCII"):
            nacha.parse(text.replace("X", "É").encode("utf-8"))
        with self.assertRaisesRegex(nacha.NachaError, "does not start"):
            nacha.parse("\n".join(lines[1:]))
        # Trailing spaces stripped by the bank's system: still read.
        self.assertEqual(
            len(nacha.parse("\n".join(ln.rstrip() for ln in lines)).entries), 1
        )

    def test_returns_and_changes(self):
        """Addenda 99 (return) and 98 (change) are read at their positions."""
        header = self._text().split("\n")
        entry_return = (
            "626"
            "02100002"
            "1"
            "1                "
            "0000000500"
            "A1             "
            "X                     "
            "  1"
            "091000010000001"
        )
        addenda_99 = (
            "799R01121000350000001      02100002" + " " * 44 + "091000010000001"
        )
        entry_noc = (
            "626"
            "02100002"
            "1"
            "1                "
            "0000000000"
            "A1             "
            "X                     "
            "  1"
            "091000010000002"
        )
        addenda_98 = (
            "798"
            "C03"
            "121000350000001"
            "      "
            "02100002"
            "011000015   00012345678901234" + " " * 15 + "091000010000002"
        )
        records = [
            header[0],
            header[1],
            entry_return,
            addenda_99,
            entry_noc,
            addenda_98,
        ]
        records.append(
            "8225"
            "000004"
            "0004200004"
            "000000000500"
            "000000000000"
            "1956000123" + " " * 25 + "12100035"
            "0000001"
        )
        records.append(
            "9000001000001000000040004200004000000000500000000000000" + " " * 39
        )
        records += ["9" * 94] * 2
        items = nacha.parse_returns("\r\n".join(records) + "\r\n")
        self.assertEqual(
            [(i.kind, i.code, i.original_trace, i.amount) for i in items],
            [
                ("return", "R01", "121000350000001", 500),
                ("noc", "C03", "121000350000001", 0),
            ],
        )
        self.assertEqual(items[0].company_identification, "1956000123")
        self.assertEqual(
            nacha.parse_corrected_data("C03", items[1].corrected_data),
            {"routing": "011000015", "account": "00012345678901234"},
        )

    def test_corrected_data_positions(self):
        """C01 to C07 corrected data at the NACHA positions of the 29-character
        field; a bad corrected routing number is refused."""
        cases = {
            "C01": ("12345678901234567", {"account": "12345678901234567"}),
            "C02": ("011000015", {"routing": "011000015"}),
            "C04": ("MARIA GARCIA", {"name": "MARIA GARCIA"}),
            "C05": ("37", {"transaction_code": 37}),
            "C06": (
                "4444".ljust(20) + "37",
                {"account": "4444", "transaction_code": 37},
            ),
            "C07": (
                "011000015" + "5555".ljust(17) + "27",
                {"routing": "011000015", "account": "5555", "transaction_code": 27},
            ),
        }
        for code, (data, expected) in cases.items():
            self.assertEqual(nacha.parse_corrected_data(code, data), expected, code)
        with self.assertRaisesRegex(nacha.NachaError, "routing number"):
            nacha.parse_corrected_data("C02", "011000016")
        self.assertEqual(nacha.account_type_of(37), "savings")
        self.assertEqual(nacha.account_type_of(26), "checking")

    def test_return_csv(self):
        """CSV returns: trace_number,return_code,amount, header optional."""
        items = nacha.parse_return_csv(
            b"trace_number,return_code,amount\n121000350000001,r01,12.5\n\n"
            b"121000350000002,C01,\n"
        )
        self.assertEqual(
            [(i.kind, i.code, i.original_trace, i.amount) for i in items],
            [
                ("return", "R01", "121000350000001", 1250),
                ("noc", "C01", "121000350000002", 0),
            ],
        )
        with self.assertRaisesRegex(nacha.NachaError, "line 2: amount"):
            nacha.parse_return_csv("121000350000001,R01,12.5\n121000350000002,R01,x\n")


@tagged("post_install", "-at_install")
class TestBankCalendar(BaseCase):
    """Banking days: Federal Reserve holidays by rule (tools/bank_calendar.py)."""

    def test_holidays_2026(self):
        """2026: July 4 is a Saturday, not made up on Friday July 3."""
        self.assertEqual(
            sorted(bank_calendar.federal_reserve_holidays(2026)),
            [
                date(2026, 1, 1),
                date(2026, 1, 19),
                date(2026, 2, 16),
                date(2026, 5, 25),
                date(2026, 6, 19),
                date(2026, 9, 7),
                date(2026, 10, 12),
                date(2026, 11, 11),
                date(2026, 11, 26),
                date(2026, 12, 25),
            ],
        )
        self.assertTrue(bank_calendar.is_banking_day(date(2026, 7, 3)))

    def test_sunday_holiday_observed_monday(self):
        """2022: Christmas on a Sunday closes Monday December 26; Juneteenth
        (Sunday) closes Monday June 20; before 2022 no Juneteenth."""
        holidays = bank_calendar.federal_reserve_holidays(2022)
        self.assertIn(date(2022, 12, 26), holidays)
        self.assertIn(date(2022, 6, 20), holidays)
        self.assertNotIn(
            date(2021, 6, 18), bank_calendar.federal_reserve_holidays(2021)
        )

    def test_add_banking_days(self):
        """Three banking days after Wednesday before Thanksgiving 2026 skip
        Thursday and the weekend; extra closing days are skipped too."""
        self.assertEqual(
            bank_calendar.add_banking_days(date(2026, 11, 25), 3), date(2026, 12, 1)
        )
        self.assertEqual(
            bank_calendar.add_banking_days(
                date(2026, 11, 25), 3, extra={date(2026, 11, 27)}
            ),
            date(2026, 12, 2),
        )
        self.assertEqual(
            bank_calendar.next_banking_day(date(2026, 1, 17)), date(2026, 1, 20)
        )
