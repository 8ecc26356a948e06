# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Text cells of exported files that a spreadsheet never runs as a formula.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) is read as a formula by spreadsheet applications when the
file is opened (CSV) or its cell edited (XLSX): a customer named
``=HYPERLINK(...)`` would run in the office's spreadsheet. Such text is written
with a leading apostrophe, which spreadsheets show as text. Amounts and dates
stay numbers: only text goes through :func:`csv_safe`.

A local copy of the suite's rule for this addon's exports (``utility_billing``
may ship a shared helper: the rule is the same).
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """``value`` as text that no spreadsheet reads as a formula."""
    if value is None or value is False:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
