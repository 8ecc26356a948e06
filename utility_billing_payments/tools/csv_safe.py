# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""CSV cells a spreadsheet will not run as a formula.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheets skip before reading one of them) is a formula
to Excel and LibreOffice: a customer named ``=HYPERLINK(...)`` would run in the
collection agency's spreadsheet. Such a cell gets a leading apostrophe, which
the spreadsheet shows as text. A plain number (``-12.50``) is left as it is.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_safe(value):
    """``value`` as the text of a CSV cell that is never read as a formula."""
    if value is None or value is False:
        return ""
    text = str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
