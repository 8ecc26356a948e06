# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Writes titled tables down an XLSX worksheet for the Print and Export
wizard (text never read as a formula), and reads selection labels once per
export."""

from odoo import fields

from odoo.addons.utility_billing.tools.csv_safe import csv_safe_cell

SELECTION_LABELS = {}


def selection_label(record, field_name):
    """The label of a selection value (labels read once per export)."""
    value = record[field_name]
    if not value:
        return ""
    key = (record._name, field_name, record.env.lang)
    if key not in SELECTION_LABELS:
        SELECTION_LABELS[key] = dict(
            record._fields[field_name]._description_selection(record.env)
        )
    return SELECTION_LABELS[key].get(value, value)


class SheetWriter:
    """Writes titled tables down a worksheet.

    Text is always written as text (``write_string``: never a formula), and the
    text of records (names, references, the filters) through ``csv_safe_cell``: a
    customer named ``=HYPERLINK(...)`` stays text when the sheet is edited or
    saved as CSV. Amounts, quantities and dates stay numbers. The fixed labels
    of the sheets (``+ Billed``...) are the addon's own.
    """

    def __init__(self, sheet, formats, total_label):
        self.sheet = sheet
        self.total_label = total_label
        self.formats = formats
        self.row = 0
        self.widths = {}

    def _width(self, col, value):
        length = len(str(value)) if value is not None else 0
        if length > self.widths.get(col, 0):
            self.widths[col] = min(length, 60)
            self.sheet.set_column(col, col, max(self.widths[col] + 2, 10))

    def title(self, title, company, subtitle):
        self.sheet.write_string(self.row, 0, title, self.formats["title"])
        self.row += 1
        self.sheet.write_string(
            self.row, 0, csv_safe_cell(company or ""), self.formats["subtitle"]
        )
        self.row += 1
        self.sheet.write_string(
            self.row, 0, csv_safe_cell(subtitle), self.formats["subtitle"]
        )
        self.row += 2

    def subtitle(self, text):
        self.sheet.write_string(
            self.row, 0, csv_safe_cell(text), self.formats["subtitle"]
        )
        self.row += 2

    def section(self, text):
        self.row += 1
        self.sheet.write_string(self.row, 0, text, self.formats["section"])
        self.row += 1

    def text(self, text):
        self.sheet.write_string(self.row, 0, text, self.formats["total"])
        self.row += 1

    def table(self, columns, rows, totals=()):
        for col, (label, _kind) in enumerate(columns):
            self.sheet.write_string(self.row, col, label, self.formats["header"])
            self._width(col, label)
        self.row += 1
        sums = dict.fromkeys(totals, 0.0)
        count = 0
        for values in rows:
            count += 1
            for col, value in enumerate(values):
                kind = columns[col][1]
                if value is None or value is False:
                    self.sheet.write_blank(self.row, col, None)
                    continue
                if kind == "date":
                    self.sheet.write_datetime(
                        self.row,
                        col,
                        fields.Datetime.to_datetime(value),
                        self.formats["date"],
                    )
                elif kind in ("money", "number", "integer"):
                    self.sheet.write_number(self.row, col, value, self.formats[kind])
                else:
                    text = csv_safe_cell(str(value))
                    self.sheet.write_string(self.row, col, text)
                    self._width(col, text)
                if col in sums:
                    sums[col] += value
            self.row += 1
        if totals:
            self.sheet.write_string(
                self.row, 0, f"{self.total_label} ({count})", self.formats["total"]
            )
            for col, value in sums.items():
                kind = columns[col][1]
                fmt = "number_total" if kind in ("number", "integer") else "money_total"
                self.sheet.write_number(self.row, col, value, self.formats[fmt])
            self.row += 1
        self.row += 1
        return count

    def pairs(self, pairs):
        for label, value in pairs:
            self.sheet.write_string(self.row, 0, label)
            self._width(0, label)
            self.sheet.write_number(self.row, 1, value, self.formats["money"])
            self.row += 1
        self.row += 1
