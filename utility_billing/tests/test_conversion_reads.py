# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from ..models import utility_conversion_validate as validate_module
from .common_billing import UtilityBillingRunCommon

# Go-live at the end of February: the March run is the first one of ours.
CUTOVER = date(2025, 2, 28)

FILES = {
    "customers": """customer_ref,name
RH-C1,Lucia Navarro
RH-C2,Pedro Salas
""",
    "premises": """premise_ref,street,route_code,customer_class
RH-P1,52-100 Avenida Cesar Chavez,TR1,residential
RH-P2,52-110 Avenida Cesar Chavez,TR1,residential
""",
    "meters": """serial,premise_ref,service_type,size,dials,install_date
RH-M1,RH-P1,WATER,3/4,6,2019-04-15
RH-M2,RH-P2,WATER,3/4,6,2019-04-15
""",
    "accounts": """account_number,customer_ref,premise_ref,status,start_date
RH-0001,RH-C1,RH-P1,active,2019-04-15
RH-0002,RH-C2,RH-P2,active,2019-04-15
""",
    "services": """account_number,service_type,rate_code,meter_serial
RH-0001,WATER,TW-RES,RH-M1
RH-0001,TRASH,TT-RES,
RH-0002,WATER,TW-RES,RH-M2
RH-0002,TRASH,TT-RES,
""",
    "reads": """meter_serial,read_date,reading,read_type,account_number
RH-M1,2024-12-31,1000,actual,RH-0001
RH-M1,2025-01-31,1010,estimated,
RH-M1,2025-02-27,1025,actual,RH-0001
RH-M2,2025-01-31,500,actual,
RH-M2,02/27/2025,512.5,actual,
""",
}

BAD_READS = """meter_serial,read_date,reading,read_type,account_number
RH-M1,2024-12-31,1000,actual,RH-0001
RH-M1,2025-01-31,990,actual,
RH-M1,2025-01-31,1010,actual,
RH-M9,2025-01-31,10,actual,
RH-M2,2025-03-15,520,actual,
RH-M2,2025-02-30,520,actual,
RH-M2,2025-01-31,abc,actual,
RH-M2,2025-01-20,500,actual,RH-0099
RH-M2,2025-01-25,500,guessed,
"""

EXPECTED_ERRORS = {
    ("reads.csv", 3, "reading"),  # lower than the read before
    ("reads.csv", 4, "meter_serial"),  # duplicate meter and date
    ("reads.csv", 5, "meter_serial"),  # meter in no file
    ("reads.csv", 6, "read_date"),  # after the cut-over
    ("reads.csv", 7, "read_date"),  # not a date
    ("reads.csv", 8, "reading"),  # not a number
    ("reads.csv", 9, "account_number"),  # account in no file
    ("reads.csv", 10, "read_type"),  # not actual or estimated
}


@tagged("post_install", "-at_install")
class TestConversionReads(UtilityBillingRunCommon):
    """The read history of the legacy system: checked with the file set,
    loaded as billed history, proved by the last-read sum per route; the
    first billing run after go-live measures from the last converted read."""

    def _conversion(self, files, **vals):
        values = {"name": "Read history", "cutover_date": CUTOVER, **vals}
        for kind, text in files.items():
            values[f"{kind}_file"] = base64.b64encode(text.encode())
            values[f"{kind}_filename"] = f"{kind}.csv"
        return self.env["utility.conversion"].with_user(self.manager).create(values)

    def _reads(self):
        return self.env["utility.meter.read"].search(
            [("meter_id.serial", "in", ("RH-M1", "RH-M2"))], order="read_datetime"
        )

    def test_planted_read_errors_nothing_loaded(self):
        conversion = self._conversion({**FILES, "reads": BAD_READS})
        conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        found = {(e.file_name, e.line_no, e.field_name) for e in conversion.error_ids}
        self.assertEqual(
            found, EXPECTED_ERRORS, (found - EXPECTED_ERRORS, EXPECTED_ERRORS - found)
        )
        self.assertTrue(all(conversion.error_ids.mapped("message")))
        lower = conversion.error_ids.filtered(lambda e: e.field_name == "reading")
        self.assertIn("990", " ".join(lower.mapped("message")))
        self.assertFalse(self.env["utility.meter"].search([("serial", "=", "RH-M1")]))

    def test_load_prove_reload_and_bill_after_go_live(self):
        conversion = self._conversion(
            FILES,
            legacy_route_reads="TR1: 1537.5",
            legacy_active_count=2,
            legacy_meter_count=2,
        )
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        self.assertEqual(conversion.state, "loaded")

        reads = self._reads()
        self.assertEqual(len(reads), 5)
        self.assertEqual(set(reads.mapped("state")), {"billed"})
        m1 = reads.filtered(lambda r: r.meter_id.serial == "RH-M1")
        self.assertEqual(m1.mapped("reading"), [1000, 1010, 1025])
        self.assertEqual(m1.mapped("consumption"), [0, 10, 15])
        self.assertEqual(m1.mapped("read_type"), ["actual", "estimated", "actual"])
        # Keyed local dates, whatever the format.
        m2 = reads - m1
        self.assertEqual(m2[-1].read_date, date(2025, 2, 27))
        self.assertEqual(m1.account_id.name, "RH-0001")
        self.assertEqual(m2.account_id.name, "RH-0002")

        # Proof: the last-read sum of route TR1 ties (1025 + 512.5).
        self.assertTrue(conversion.proof_ties, conversion.proof_html)
        self.assertIn("Last-read sum, route TR1", conversion.proof_html)
        conversion.legacy_route_reads = "TR1: 1537\nTR2: 10"
        self.assertFalse(conversion.proof_ties)
        self.assertIn("DIFFERENCE", conversion.proof_html)
        conversion.legacy_route_reads = "TR1: 1537.5"

        # A re-load of the same files creates nothing.
        again = self._conversion(FILES)
        again.action_validate()
        self.assertFalse(again.error_ids.mapped("message"))
        again.action_load()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(self._reads(), reads)

        # The first run after go-live bills March from the last converted read.
        meter = m1.meter_id
        march = self._read(meter, "2025-03-28", 1040)
        self.assertEqual(march.previous_reading, 1025)
        self.assertEqual(march.consumption, 15)
        self._read(m2.meter_id, "2025-03-28", 520.5)
        run = self._bill()
        bill = run.line_ids.filtered(lambda ln: ln.account_id.name == "RH-0001").move_id
        self.assertEqual(bill.state, "posted")
        usage = bill.invoice_line_ids.filtered(
            lambda ln: ln.product_id == self.product_water_usage
        )
        self.assertEqual(sum(usage.mapped("quantity")), 15)
        self.assertEqual(march.state, "billed")
        self.assertEqual(march.billed_move_id, bill)
        # The converted history is not billed again.
        self.assertFalse(m1.billed_move_id)

    def test_inserted_reads_equal_created_reads(self):
        """The conversion inserts its reads in one INSERT a batch: each stores,
        field by field, what the ORM's create stores for the same values."""
        Read = self.env["utility.meter.read"]
        one, two = self._create_meter("IX-1"), self._create_meter("IX-2")
        account = self.env["utility.account"].create(
            {
                "name": "IX-0001",
                "partner_id": self.partner.id,
                "premise_id": self._create_premise(street="1 Calle Uno").id,
            }
        )

        def history(meter):
            return [
                {
                    "meter_id": meter.id,
                    "read_datetime": date(2025, 1, 31),
                    "reading": 1000,
                    "read_type": "actual",
                    "source": "handheld",
                    "state": "billed",
                    "account_id": account.id,
                },
                {
                    "meter_id": meter.id,
                    "read_datetime": date(2025, 2, 27),
                    "reading": 1012.5,
                    "read_type": "estimated",
                    "source": "system",
                    "state": "billed",
                },
            ]

        Read._create_reads(history(one), check_duplicates=False)
        Read._create_reads(history(two), check_duplicates=False, insert=True)
        self.env.invalidate_all()
        created = Read.search([("meter_id", "=", one.id)], order="read_datetime")
        inserted = Read.search([("meter_id", "=", two.id)], order="read_datetime")
        self.assertEqual(len(inserted), 2)
        stored = [
            name
            for name, field in Read._fields.items()
            if field.store
            and field.column_type
            and name not in ("id", "meter_id", "previous_read_id")
        ]
        self.assertIn("read_date", stored)
        self.assertIn("company_id", stored)
        self.assertIn("create_uid", stored)
        for orm, sql in zip(created, inserted, strict=True):
            for name in stored:
                self.assertEqual(orm[name], sql[name], name)
        self.assertEqual(
            (created[1].previous_read_id, inserted[1].previous_read_id),
            (created[0], inserted[0]),
        )
        self.assertEqual(inserted[1].consumption, 12.5)

    def test_read_errors_in_order_across_batches(self):
        """The read history is parsed, staged and checked by batches: errors
        planted on either side of a batch boundary (a duplicate of a row of
        an earlier batch, readings going down between batches) are all found,
        in the order of the files and lines, at Validate as at Load."""
        reads = """meter_serial,read_date,reading,read_type,account_number
RH-M1,2024-12-31,1000,actual,RH-0001
RH-M2,2025-01-31,500,actual,
RH-M1,2025-01-31,990,actual,
RH-M1,2024-12-31,1000,actual,
RH-M9,2025-01-31,10,actual,RH-0099
RH-M2,2024-12-31,520,actual,
RH-M2,2025-03-15,530,actual,
RH-M1,2025-02-27,980,actual,
RH-M2,abc,1,actual,
RH-M2,2025-01-31,1,actual,
"""
        notes = """account_number,date,note
RH-0099,2024-06-12,Gate code 1234
RH-0001,2024-06-31,Dog in the yard
"""
        conversion = self._conversion({**FILES, "reads": reads, "notes": notes})
        with patch.object(validate_module, "STAGE_BATCH", 3):
            conversion.action_validate()
        self.assertEqual(conversion.state, "draft")
        found = [
            (e.file_name, e.line_no, e.field_name, e.message)
            for e in conversion.error_ids.sorted("sequence")
        ]
        parsed = [
            (
                "reads.csv",
                5,
                "meter_serial",
                "Duplicate meter_serial RH-M1/2024-12-31: also on line 2.",
            ),
            (
                "reads.csv",
                10,
                "read_date",
                "abc is not a date (YYYY-MM-DD or MM/DD/YYYY).",
            ),
            (
                "reads.csv",
                11,
                "meter_serial",
                "Duplicate meter_serial RH-M2/2025-01-31: also on line 3.",
            ),
            (
                "notes.csv",
                3,
                "date",
                "2024-06-31 is not a date (YYYY-MM-DD or MM/DD/YYYY).",
            ),
        ]
        checked = [
            (
                "notes.csv",
                2,
                "account_number",
                "Account RH-0099 is not in the accounts file.",
            ),
            ("reads.csv", 6, "meter_serial", "Meter RH-M9 is not in the meters file."),
            (
                "reads.csv",
                6,
                "account_number",
                "Account RH-0099 is not in the accounts file.",
            ),
            (
                "reads.csv",
                8,
                "read_date",
                "The read date 2025-03-15 is after the cut-over date 2025-02-28.",
            ),
            (
                "reads.csv",
                4,
                "reading",
                "Meter RH-M1 reads 990.0 on 2025-01-31, "
                "less than 1000.0 on the read before: a rollover or a meter "
                "change-out is converted as a new meter.",
            ),
            (
                "reads.csv",
                9,
                "reading",
                "Meter RH-M1 reads 980.0 on 2025-02-27, "
                "less than 990.0 on the read before: a rollover or a meter "
                "change-out is converted as a new meter.",
            ),
            (
                "reads.csv",
                3,
                "reading",
                "Meter RH-M2 reads 500.0 on 2025-01-31, "
                "less than 520.0 on the read before: a rollover or a meter "
                "change-out is converted as a new meter.",
            ),
        ]
        self.assertEqual(found, parsed + checked)
        # Every valid row is staged once, the duplicates left out.
        staged = conversion.line_ids.filtered(lambda ln: ln.kind == "reads")
        self.assertEqual(sorted(staged.mapped("line_no")), [2, 3, 4, 6, 7, 8, 9])
        # The staged rows checked again (as Load does): the same errors.
        with patch.object(validate_module, "STAGE_BATCH", 3):
            again = conversion._check_staged()
        self.assertEqual(
            [
                (e["file_name"], e["line_no"], e["field_name"], e["message"])
                for e in again
            ],
            checked,
        )
