# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The go-live conversion templates: one CSV file per kind of record.

Each template is a list of columns ``(name, type, required, example)``; the
files shipped in ``static/conversion/`` and their README are this spec written
out. Types:

- ``char``: text (kept as keyed, spaces around it dropped);
- ``int``: a whole number;
- ``float``: a number (``.`` as decimal separator);
- ``money``: an amount with at most two decimals (``1234.50``, no currency sign);
- ``date``: ``YYYY-MM-DD`` (or ``MM/DD/YYYY``, as legacy exports write it);
- ``selection:<values>``: one of the values listed.

The first column of each template is its legacy key: the record's identity in
the legacy system, which a re-load finds again (nothing is created twice).
"""

from odoo.tools.translate import LazyTranslate

from .utility_meter import METER_SIZES
from .utility_service_type import CUSTOMER_CLASSES

_lt = LazyTranslate(__name__)

CLASS_CODES = "|".join(code for code, _label in CUSTOMER_CLASSES)
SIZE_CODES = "|".join(code for code, _label in METER_SIZES)
ACCOUNT_STATUSES = "active|final|closed"

# Aging buckets of the opening balances: (column, days past due of the
# opening invoice's due date at the cut-over date, label).
BALANCE_BUCKETS = [
    ("current", 0, _lt("Current")),
    ("days_31_60", 31, _lt("31-60 days")),
    ("days_61_90", 61, _lt("61-90 days")),
    ("days_91_plus", 91, _lt("91+ days")),
]

# Kinds in load order (a file refers only to kinds loaded before it).
TEMPLATES = {
    "customers": [
        ("customer_ref", "char", True, "C-1001"),
        ("name", "char", True, "Maria Garcia"),
        ("street", "char", False, "84-100 Calle Tampico"),
        ("city", "char", False, "Coachella"),
        ("zip", "char", False, "92236"),
        ("email", "char", False, "maria@example.com"),
        ("phone", "char", False, "760-555-0101"),
    ],
    "premises": [
        ("premise_ref", "char", True, "P-5001"),
        ("street", "char", True, "84-100 Calle Tampico"),
        ("city", "char", False, "Coachella"),
        ("zip", "char", False, "92236"),
        ("apn", "char", False, "768-123-004"),
        ("route_code", "char", True, "R01"),
        ("walk_sequence", "int", False, "10"),
        ("customer_class", f"selection:{CLASS_CODES}", True, "residential"),
        ("living_units", "int", False, "1"),
    ],
    "meters": [
        ("serial", "char", True, "SN-70001"),
        ("premise_ref", "char", True, "P-5001"),
        ("service_type", "char", True, "WATER"),
        ("size", f"selection:{SIZE_CODES}", True, "3/4"),
        ("dials", "int", True, "6"),
        ("multiplier", "float", False, "1"),
        ("make", "char", False, "Badger"),
        ("model", "char", False, "M25"),
        ("install_date", "date", True, "2019-04-15"),
    ],
    "accounts": [
        ("account_number", "char", True, "100-5001-01"),
        ("customer_ref", "char", True, "C-1001"),
        ("premise_ref", "char", True, "P-5001"),
        ("status", f"selection:{ACCOUNT_STATUSES}", True, "active"),
        ("start_date", "date", True, "2019-04-15"),
        ("end_date", "date", False, ""),
    ],
    "services": [
        ("account_number", "char", True, "100-5001-01"),
        ("service_type", "char", True, "WATER"),
        ("rate_code", "char", True, "W-RES"),
        ("meter_serial", "char", False, "SN-70001"),
        ("start_date", "date", False, "2019-04-15"),
    ],
    "balances": [
        ("account_number", "char", True, "100-5001-01"),
        ("current", "money", False, "45.10"),
        ("days_31_60", "money", False, "38.75"),
        ("days_61_90", "money", False, "0.00"),
        ("days_91_plus", "money", False, "0.00"),
    ],
    # Opening balances by legacy bill (utility_conversion_bills.py): an
    # account is in balances or in open_bills, not both.
    "open_bills": [
        ("account_number", "char", True, "100-5001-01"),
        ("bill_number", "char", True, "B-204418"),
        ("bill_date", "date", True, "2025-05-20"),
        ("due_date", "date", True, "2025-06-10"),
        ("amount", "money", True, "84.85"),
    ],
    "deposits": [
        ("account_number", "char", True, "100-5001-01"),
        ("amount", "money", True, "100.00"),
        ("paid_date", "date", False, "2019-04-15"),
    ],
    # Read history (utility_conversion_reads.py): keyed by meter and date.
    "reads": [
        ("meter_serial", "char", True, "SN-70001"),
        ("read_date", "date", True, "2025-06-15"),
        ("reading", "float", True, "1234"),
        ("read_type", "selection:actual|estimated", True, "actual"),
        ("account_number", "char", False, "100-5001-01"),
    ],
}

# Selection labels are plain text: Odoo translates selection labels itself.
KINDS = [
    ("customers", "Customers"),
    ("premises", "Premises"),
    ("meters", "Meters"),
    ("accounts", "Accounts"),
    ("services", "Services"),
    ("balances", "Opening Balances"),
    ("open_bills", "Opening Balances by Bill"),
    ("deposits", "Deposits Held"),
    ("reads", "Read History"),
]


def file_name(kind):
    """The template's file name (``customers.csv``)."""
    return f"{kind}.csv"


def key_of(kind, row):
    """The legacy key of a parsed ``row`` of ``kind`` (services are keyed by
    account and service type)."""
    if kind == "services":
        return f"{row.get('account_number')}/{row.get('service_type')}"
    if kind == "open_bills":
        return f"{row.get('account_number')}/{row.get('bill_number')}"
    if kind == "reads":
        return f"{row.get('meter_serial')}/{row.get('read_date')}"
    return row.get(TEMPLATES[kind][0][0])
