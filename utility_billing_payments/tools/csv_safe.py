# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Text cells of exported files that a spreadsheet never reads as a formula.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return before one) is read by spreadsheets as a formula: a customer
named ``=HYPERLINK(...)`` would run in the collection agency's spreadsheet.
Following OWASP, such text is written with a leading single quote, which
spreadsheets show as text. Numbers stay numbers, and so does text that is only
a number (``-12.50``).

The same rule as ``csv_safe_cell`` of ``utility_billing/tools/csv_safe.py``
(written in parallel for the core addon's exports); this addon keeps this copy
until that one is on its branch, then imports it instead.
"""

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
