# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""CSV files that are safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return, which some spreadsheets skip before reading the rest) is read
by Excel, LibreOffice or Google Sheets as a formula: a customer named
``=HYPERLINK(...)`` or ``@SUM(...)`` would run in the clerk's spreadsheet (CSV
or formula injection). Following OWASP, such a text cell is written with a
leading single quote, which spreadsheets show as text.

Numbers stay numbers: an ``int``, ``float`` or ``Decimal`` is written as it is,
and so is text that is only a number (``-12.50``, ``+3``), so that a negative
amount a report formats is still a number in the spreadsheet.

Use it for every CSV a utility addon writes::

    from odoo.addons.utility_billing.tools.csv_safe import csv_writer

    writer = csv_writer(buffer, lineterminator="\\r\\n")
    writer.writerow(["APN", "Owner", "Amount"])
    writer.writerow([apn, owner_name, f"{amount:.2f}"])
"""

import csv
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number: safe as it is, and kept a number.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_safe_cell(value):
    """``value`` escaped for a spreadsheet when it is text that starts like a
    formula; numbers (and text that is only a number) unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_safe_row(row):
    """The cells of ``row``, each through :func:`csv_safe_cell`."""
    return [csv_safe_cell(value) for value in row]


class SafeCsvWriter:
    """A ``csv.writer`` whose rows go through :func:`csv_safe_row`."""

    def __init__(self, buffer, *args, **kwargs):
        self._writer = csv.writer(buffer, *args, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row):
        return self._writer.writerow(csv_safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(buffer, *args, **kwargs):
    """``csv.writer(buffer, ...)`` that escapes formula-like text cells."""
    return SafeCsvWriter(buffer, *args, **kwargs)
