# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""NACHA (ACH) files: a writer of PPD debit files and a reader of the files the
bank sends back (returns with addenda 99, notifications of change with 98).

Pure Python, no Odoo import. The record layouts are the tables of
docs/domain-rules.md §3.2 and §3.4 (1-based positions); ``LAYOUTS`` lists them
field by field and both the writer and the reader go through it, so that a
record written and read back gives the same values.

Field rules: every record is 94 characters; numeric fields are right-justified
and zero-filled, alphanumeric fields left-justified, space-filled and upper
case. A value too long for its field is an error, except names (company,
bank, customer), which are shortened at the field's length. Text is
transliterated to printable ASCII (``MUÑOZ`` -> ``MUNOZ``) and never cut at an
apostrophe or an ampersand (``O'BRIEN & SONS`` stays whole).
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
PADDING_RECORD = "9" * RECORD_LENGTH

# Transaction codes (docs/domain-rules.md §3.2). Their second digit tells credits
# (1 to 4: 21 return or change of a credit, 22 credit, 23 prenote, 24 zero
# dollar) from debits (6 to 9: 26 return or change of a debit, 27 debit, 28
# prenote, 29 zero dollar), for checking (2x) and savings (3x) accounts.
DEBIT_CODES = {26, 27, 28, 29, 36, 37, 38, 39}
CREDIT_CODES = {21, 22, 23, 24, 31, 32, 33, 34}
PRENOTE_CODES = {23, 28, 33, 38}
CHECKING_DEBIT, CHECKING_PRENOTE = 27, 28
SAVINGS_DEBIT, SAVINGS_PRENOTE = 37, 38
# Codes of a returned or corrected entry, by the account type they post to.
RETURN_CODES_CHECKING = {21, 26}
RETURN_CODES_SAVINGS = {31, 36}

# Return reason codes: (description, what happens to the mandate, fee charged).
# Mandate: "revoke" (never debit again: a new authorization is needed),
# "suspend" (the bank account cannot be debited until the customer gives a new
# one), "count" (insufficient or uncollected funds: suspended after the
# company's count of such returns within 12 months), None (unchanged).
# Fee: the returned-payment fee is charged when the customer's bank account
# caused the return; not for unauthorized debits nor for our own errors.
RETURN_REASONS = {
    "R01": ("Insufficient funds", "count", True),
    "R02": ("Account closed", "suspend", True),
    "R03": ("No account / unable to locate account", "suspend", True),
    "R04": ("Invalid account number structure", "suspend", True),
    "R05": ("Unauthorized debit to consumer account", "revoke", False),
    "R06": ("Returned per ODFI's request", None, False),
    "R07": ("Authorization revoked by customer", "revoke", False),
    "R08": ("Payment stopped", "suspend", True),
    "R09": ("Uncollected funds", "count", True),
    "R10": ("Customer advises not authorized", "revoke", False),
    "R11": ("Not in accordance with the terms of the authorization", None, False),
    "R12": ("Account sold to another DFI", "suspend", False),
    "R14": ("Representative payee deceased", "revoke", False),
    "R15": ("Beneficiary or account holder deceased", "revoke", False),
    "R16": ("Account frozen", "suspend", True),
    "R17": ("File record edit criteria", None, False),
    "R20": ("Non-transaction account", "suspend", True),
    "R23": ("Credit entry refused by receiver", None, False),
    "R24": ("Duplicate entry", None, False),
    "R29": ("Corporate customer advises not authorized", "revoke", False),
    "R51": ("Item related to RCK entry is ineligible", "revoke", False),
}
# Notification of change codes: (description, mandate fields changed).
CHANGE_REASONS = {
    "C01": ("Incorrect bank account number", ("account",)),
    "C02": ("Incorrect routing number", ("routing",)),
    "C03": ("Incorrect routing number and bank account number", ("routing", "account")),
    "C04": ("Incorrect individual name", ("name",)),
    "C05": ("Incorrect transaction code", ("type",)),
    "C06": ("Incorrect bank account number and transaction code", ("account", "type")),
    "C07": (
        "Incorrect routing number, bank account number and transaction code",
        ("routing", "account", "type"),
    ),
    "C09": ("Incorrect individual identification number", ()),
    "C10": ("Incorrect company name", ()),
    "C11": ("Incorrect company identification", ()),
    "C12": ("Incorrect company name and company identification", ()),
}

# Record layouts: (field, first position (1-based), length, kind). Kinds: "N"
# numeric, "A" alphanumeric, "R" alphanumeric right-justified (a 9-digit
# routing number in 10 characters gets its leading blank), "C" constant (the
# value given after the kind).
LAYOUTS = {
    "1": [
        ("record_type", 1, 1, "C", "1"),
        ("priority_code", 2, 2, "C", "01"),
        ("immediate_destination", 4, 10, "R"),
        ("immediate_origin", 14, 10, "R"),
        ("file_creation_date", 24, 6, "N"),
        ("file_creation_time", 30, 4, "N"),
        ("file_id_modifier", 34, 1, "A"),
        ("record_size", 35, 3, "C", "094"),
        ("blocking_factor", 38, 2, "C", "10"),
        ("format_code", 40, 1, "C", "1"),
        ("immediate_destination_name", 41, 23, "A"),
        ("immediate_origin_name", 64, 23, "A"),
        ("reference_code", 87, 8, "A"),
    ],
    "5": [
        ("record_type", 1, 1, "C", "5"),
        ("service_class_code", 2, 3, "N"),
        ("company_name", 5, 16, "A"),
        ("company_discretionary_data", 21, 20, "A"),
        ("company_identification", 41, 10, "A"),
        ("standard_entry_class", 51, 3, "A"),
        ("company_entry_description", 54, 10, "A"),
        ("company_descriptive_date", 64, 6, "A"),
        ("effective_entry_date", 70, 6, "N"),
        ("settlement_date", 76, 3, "A"),
        ("originator_status_code", 79, 1, "C", "1"),
        ("originating_dfi", 80, 8, "N"),
        ("batch_number", 88, 7, "N"),
    ],
    "6": [
        ("record_type", 1, 1, "C", "6"),
        ("transaction_code", 2, 2, "N"),
        ("receiving_dfi", 4, 8, "N"),
        ("check_digit", 12, 1, "N"),
        ("dfi_account_number", 13, 17, "A"),
        ("amount", 30, 10, "N"),
        ("individual_id", 40, 15, "A"),
        ("individual_name", 55, 22, "A"),
        ("discretionary_data", 77, 2, "A"),
        ("addenda_indicator", 79, 1, "N"),
        ("trace_number", 80, 15, "N"),
    ],
    "7-05": [
        ("record_type", 1, 1, "C", "7"),
        ("addenda_type", 2, 2, "C", "05"),
        ("payment_related_information", 4, 80, "A"),
        ("addenda_sequence", 84, 4, "N"),
        ("entry_sequence", 88, 7, "N"),
    ],
    "7-98": [
        ("record_type", 1, 1, "C", "7"),
        ("addenda_type", 2, 2, "C", "98"),
        ("change_code", 4, 3, "A"),
        ("original_trace", 7, 15, "N"),
        ("reserved", 22, 6, "A"),
        ("original_rdfi", 28, 8, "N"),
        ("corrected_data", 36, 29, "A"),
        ("reserved_2", 65, 15, "A"),
        ("trace_number", 80, 15, "N"),
    ],
    "7-99": [
        ("record_type", 1, 1, "C", "7"),
        ("addenda_type", 2, 2, "C", "99"),
        ("return_reason_code", 4, 3, "A"),
        ("original_trace", 7, 15, "N"),
        ("date_of_death", 22, 6, "A"),
        ("original_rdfi", 28, 8, "N"),
        ("addenda_information", 36, 44, "A"),
        ("trace_number", 80, 15, "N"),
    ],
    "8": [
        ("record_type", 1, 1, "C", "8"),
        ("service_class_code", 2, 3, "N"),
        ("entry_addenda_count", 5, 6, "N"),
        ("entry_hash", 11, 10, "N"),
        ("total_debit", 21, 12, "N"),
        ("total_credit", 33, 12, "N"),
        ("company_identification", 45, 10, "A"),
        ("message_authentication_code", 55, 19, "A"),
        ("reserved", 74, 6, "A"),
        ("originating_dfi", 80, 8, "N"),
        ("batch_number", 88, 7, "N"),
    ],
    "9": [
        ("record_type", 1, 1, "C", "9"),
        ("batch_count", 2, 6, "N"),
        ("block_count", 8, 6, "N"),
        ("entry_addenda_count", 14, 8, "N"),
        ("entry_hash", 22, 10, "N"),
        ("total_debit", 32, 12, "N"),
        ("total_credit", 44, 12, "N"),
        ("reserved", 56, 39, "A"),
    ],
}
# Fields shortened at their length rather than refused when too long.
NAME_FIELDS = {
    "immediate_destination_name",
    "immediate_origin_name",
    "company_name",
    "individual_name",
    "payment_related_information",
    "addenda_information",
}

# Characters transliteration maps that NFKD decomposition does not.
_SPECIAL = {
    "ß": "SS",
    "Æ": "AE",
    "æ": "AE",
    "Œ": "OE",
    "œ": "OE",
    "Ø": "O",
    "ø": "O",
    "Đ": "D",
    "đ": "D",
    "Ł": "L",
    "ł": "L",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "¿": "",
    "¡": "",
}


class NachaError(ValueError):
    """A NACHA file or value that cannot be written or read; ``line`` is the
    1-based line of the file when known."""

    def __init__(self, message, line=None):
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line
        self.reason = message


# ----------------------------------------------------------------------------
# Field formatting
# ----------------------------------------------------------------------------


def transliterate(text):
    """``text`` in the NACHA character set: printable ASCII, upper case.

    Accented letters lose their accent, a few letters and typographic quotes
    or dashes get their ASCII equivalent, anything else unprintable becomes a
    space; runs of spaces are collapsed. Apostrophes and ampersands are kept.
    """
    if text is None:
        return ""
    text = "".join(_SPECIAL.get(char, char) for char in str(text))
    text = unicodedata.normalize("NFKD", text)
    out = []
    for char in text:
        if unicodedata.combining(char):
            continue
        out.append(char if " " <= char <= "~" else " ")
    return " ".join("".join(out).upper().split())


def alpha(value, length, name="field", shorten=False):
    """Alphanumeric field: transliterated, left-justified, space-filled.

    A value longer than ``length`` raises NachaError, unless ``shorten``
    (names), which cuts it at ``length``.
    """
    text = transliterate(value)
    if len(text) > length:
        if not shorten:
            raise NachaError(f"{name} {text!r} is longer than its {length} characters")
        text = text[:length].rstrip()
    return text.ljust(length)


def numeric(value, length, name="field"):
    """Numeric field: right-justified, zero-filled; refuses what is not a
    whole number >= 0 or does not fit."""
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not text.isdigit():
        raise NachaError(f"{name} {value!r} is not a whole number of digits")
    if len(text.lstrip("0")) > length:
        raise NachaError(f"{name} {value!r} does not fit in {length} digits")
    return text[-length:].zfill(length)


def to_cents(amount):
    """Whole cents of an amount in dollars (half-up rounding, no float error):
    ``to_cents(12.345) == 1235``; refuses a negative amount."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise NachaError(f"amount {amount} is negative")
    return int(value * 100)


def routing_check_digit(first_eight):
    """ABA check digit of the first 8 digits of a routing number (weights 3, 7,
    1 repeated)."""
    digits = numeric(first_eight, 8, "routing number")
    total = sum(int(d) * w for d, w in zip(digits, (3, 7, 1) * 3, strict=False))
    return (10 - total % 10) % 10


def is_valid_routing(number):
    """Whether ``number`` is 9 digits with a correct ABA check digit."""
    text = str(number or "")
    return (
        len(text) == 9
        and text.isdigit()
        and routing_check_digit(text[:8]) == int(text[8])
    )


def _format(layout, values):
    """One record from ``values`` (by field name) through its layout."""
    parts = []
    position = 1
    for spec in LAYOUTS[layout]:
        name, start, length, kind = spec[:4]
        if start != position:
            raise AssertionError(f"layout {layout}: {name} starts at {start}")
        if kind == "C":
            text = spec[4]
        elif kind == "N":
            text = numeric(values.get(name, 0), length, name)
        elif kind == "R":
            text = alpha(values.get(name, ""), length, name).strip().rjust(length)
        else:
            text = alpha(values.get(name, ""), length, name, name in NAME_FIELDS)
        parts.append(text)
        position += length
    record = "".join(parts)
    if len(record) != RECORD_LENGTH:
        raise AssertionError(f"layout {layout}: {len(record)} characters")
    return record


def _parse(layout, record, number=None):
    """The fields of ``record`` by name, as text (numbers as digits), values
    stripped of their padding spaces. A numeric field that is not all digits
    raises NachaError naming the line, the record type and the field."""
    values = {}
    for spec in LAYOUTS[layout]:
        name, start, length, kind = spec[:4]
        raw = record[start - 1 : start - 1 + length]
        if kind == "N" and not (raw.isascii() and raw.isdigit()):
            raise NachaError(
                f"record type {layout}, field {name} (positions {start}-"
                f"{start + length - 1}): {raw!r} is not numeric",
                number,
            )
        values[name] = raw.strip()
    return values


def _layout_of(line):
    """The layout of a record by its type (and addenda type), None if unknown."""
    if line[:1] == "7":
        layout = f"7-{line[1:3]}"
    else:
        layout = line[:1]
    return layout if layout in LAYOUTS else None


def _check_length(number, line):
    """A record shorter than 94 characters is accepted only when what is
    missing is trailing blanks of its last alphanumeric fields (some systems
    strip them); a record cut in a numeric or fixed field is truncated."""
    if len(line) >= RECORD_LENGTH:
        return
    layout = _layout_of(line)
    if not layout:
        return
    for spec in LAYOUTS[layout]:
        name, start, length, kind = spec[:4]
        if start + length - 1 > len(line) and kind in ("N", "C"):
            raise NachaError(
                f"record type {layout} is truncated ({len(line)} of "
                f"{RECORD_LENGTH} characters): field {name} (positions {start}-"
                f"{start + length - 1}) is missing",
                number,
            )


# ----------------------------------------------------------------------------
# Writer
# ----------------------------------------------------------------------------


@dataclass
class Entry:
    """One entry detail record (6) and its addenda (05) of a PPD/WEB batch.

    ``routing_number``: the receiver's 9-digit routing number; ``amount``:
    whole cents; ``trace_number``: 15 digits (ODFI's 8 + a 7-digit sequence).
    """

    transaction_code: int
    routing_number: str
    account_number: str
    amount: int
    individual_id: str
    individual_name: str
    trace_number: str
    discretionary_data: str = ""
    addenda: list = field(default_factory=list)

    def records(self):
        routing = str(self.routing_number)
        if not is_valid_routing(routing):
            raise NachaError(
                f"routing number {routing!r} of entry {self.trace_number} is not "
                "valid (9 digits with the ABA check digit)"
            )
        account = transliterate(self.account_number).replace(" ", "")
        if not account:
            raise NachaError(f"entry {self.trace_number} has no account number")
        trace = numeric(self.trace_number, 15, "trace number")
        lines = [
            _format(
                "6",
                {
                    "transaction_code": self.transaction_code,
                    "receiving_dfi": routing[:8],
                    "check_digit": routing[8],
                    "dfi_account_number": account,
                    "amount": self.amount,
                    "individual_id": self.individual_id,
                    "individual_name": self.individual_name,
                    "discretionary_data": self.discretionary_data,
                    "addenda_indicator": 1 if self.addenda else 0,
                    "trace_number": trace,
                },
            )
        ]
        for sequence, info in enumerate(self.addenda, start=1):
            lines.append(
                _format(
                    "7-05",
                    {
                        "payment_related_information": info,
                        "addenda_sequence": sequence,
                        "entry_sequence": trace[-7:],
                    },
                )
            )
        return lines


@dataclass
class Batch:
    """A batch (5 ... 8) of entries with the same company, class and date."""

    company_name: str
    company_identification: str
    entry_description: str
    effective_date: date
    originating_dfi: str
    batch_number: int
    entries: list = field(default_factory=list)
    standard_entry_class: str = "PPD"
    company_discretionary_data: str = ""
    company_descriptive_date: str = ""
    service_class_code: int = 0  # 0: from the entries (200, 220 or 225)

    def service_class(self):
        if self.service_class_code:
            return self.service_class_code
        codes = {int(e.transaction_code) for e in self.entries}
        if codes and codes <= DEBIT_CODES:
            return 225
        if codes and codes <= CREDIT_CODES:
            return 220
        return 200

    def totals(self):
        """(entry and addenda count, entry hash, total debit, total credit)."""
        count = sum(1 + len(e.addenda) for e in self.entries)
        entry_hash = sum(int(str(e.routing_number)[:8]) for e in self.entries)
        debit = sum(e.amount for e in self.entries if e.transaction_code in DEBIT_CODES)
        credit = sum(
            e.amount for e in self.entries if e.transaction_code in CREDIT_CODES
        )
        return count, entry_hash % 10**10, debit, credit

    def records(self):
        if not self.entries:
            raise NachaError(f"batch {self.batch_number} has no entry")
        service_class = self.service_class()
        header = _format(
            "5",
            {
                "service_class_code": service_class,
                "company_name": self.company_name,
                "company_discretionary_data": self.company_discretionary_data,
                "company_identification": self.company_identification,
                "standard_entry_class": self.standard_entry_class,
                "company_entry_description": self.entry_description,
                "company_descriptive_date": self.company_descriptive_date,
                "effective_entry_date": self.effective_date.strftime("%y%m%d"),
                "originating_dfi": self.originating_dfi,
                "batch_number": self.batch_number,
            },
        )
        lines = [header]
        for entry in self.entries:
            lines.extend(entry.records())
        count, entry_hash, debit, credit = self.totals()
        lines.append(
            _format(
                "8",
                {
                    "service_class_code": service_class,
                    "entry_addenda_count": count,
                    "entry_hash": entry_hash,
                    "total_debit": debit,
                    "total_credit": credit,
                    "company_identification": self.company_identification,
                    "originating_dfi": self.originating_dfi,
                    "batch_number": self.batch_number,
                },
            )
        )
        return lines


@dataclass
class File:
    """A NACHA file: header, batches, control, padding to whole blocks.

    ``immediate_destination``: the bank's 9-digit routing number (written with
    a leading space); ``immediate_origin``: 10 characters as the bank gives
    them (9 digits get a leading space).
    """

    immediate_destination: str
    immediate_origin: str
    creation: datetime
    file_id_modifier: str
    destination_name: str
    origin_name: str
    batches: list = field(default_factory=list)
    reference_code: str = ""

    def records(self):
        modifier = str(self.file_id_modifier or "")
        if len(modifier) != 1 or not (modifier.isdigit() or "A" <= modifier <= "Z"):
            raise NachaError(f"file id modifier {modifier!r} is not A-Z or 0-9")
        destination = str(self.immediate_destination or "").strip()
        if not is_valid_routing(destination):
            raise NachaError(
                f"immediate destination {destination!r} is not a valid routing number"
            )
        origin = str(self.immediate_origin or "").strip()
        if not origin:
            raise NachaError("the immediate origin is missing")
        lines = [
            _format(
                "1",
                {
                    "immediate_destination": destination,
                    "immediate_origin": origin,
                    "file_creation_date": self.creation.strftime("%y%m%d"),
                    "file_creation_time": self.creation.strftime("%H%M"),
                    "file_id_modifier": modifier,
                    "immediate_destination_name": self.destination_name,
                    "immediate_origin_name": self.origin_name,
                    "reference_code": self.reference_code,
                },
            )
        ]
        count = entry_hash = debit = credit = 0
        for batch in self.batches:
            lines.extend(batch.records())
            b_count, b_hash, b_debit, b_credit = batch.totals()
            count += b_count
            entry_hash += b_hash
            debit += b_debit
            credit += b_credit
        records = len(lines) + 1
        blocks = -(-records // BLOCKING_FACTOR)
        lines.append(
            _format(
                "9",
                {
                    "batch_count": len(self.batches),
                    "block_count": blocks,
                    "entry_addenda_count": count,
                    "entry_hash": entry_hash % 10**10,
                    "total_debit": debit,
                    "total_credit": credit,
                },
            )
        )
        lines.extend([PADDING_RECORD] * (blocks * BLOCKING_FACTOR - records))
        return lines

    def render(self, line_ending="\n"):
        """The file as text: every record followed by ``line_ending``."""
        return "".join(record + line_ending for record in self.records())


# ----------------------------------------------------------------------------
# Reader
# ----------------------------------------------------------------------------


@dataclass
class ParsedEntry:
    line: int
    values: dict
    addenda: list = field(default_factory=list)  # [(line, layout, values)]

    @property
    def amount(self):
        return int(self.values["amount"])

    @property
    def transaction_code(self):
        return int(self.values["transaction_code"])


@dataclass
class ParsedBatch:
    line: int
    header: dict
    entries: list = field(default_factory=list)
    control: dict = None


@dataclass
class ParsedFile:
    header: dict
    batches: list = field(default_factory=list)
    control: dict = None

    @property
    def entries(self):
        return [entry for batch in self.batches for entry in batch.entries]


def _lines(text):
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError as exc:
            raise NachaError(
                f"the file is not plain ASCII text (byte {exc.start + 1})"
            ) from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


class _Reader:
    """State of the reading of a file, record after record."""

    def __init__(self):
        self.parsed = None
        self.batch = None
        self.entry = None
        self.totals = [0, 0, 0, 0]  # count, hash, debit, credit of the file
        self.records = 0
        self.done = False

    def feed(self, number, line):
        if len(line) > RECORD_LENGTH:
            raise NachaError(
                f"record of {len(line)} characters, not {RECORD_LENGTH}", number
            )
        if not self.done:
            _check_length(number, line)
        line = line.ljust(RECORD_LENGTH)
        if self.done:
            if line != PADDING_RECORD:
                raise NachaError("record after the file control record", number)
            return
        self.records += 1
        if self.parsed is None:
            self._file_header(number, line)
            return
        handler = {
            "5": self._batch_header,
            "6": self._entry,
            "7": self._addenda,
            "8": self._batch_control,
            "9": self._file_control,
        }.get(line[0])
        if not handler:
            raise NachaError(f"unknown record type {line[0]!r}", number)
        handler(number, line)

    def _file_header(self, number, line):
        if line[0] != "1":
            raise NachaError("the file does not start with a file header", number)
        self.parsed = ParsedFile(header=_parse("1", line, number))
        if self.parsed.header["record_size"] != "094":
            raise NachaError("the record size of the header is not 094", number)

    def _batch_header(self, number, line):
        if self.batch is not None:
            raise NachaError("batch header inside a batch", number)
        self.batch = ParsedBatch(line=number, header=_parse("5", line, number))
        self.entry = None

    def _entry(self, number, line):
        if self.batch is None:
            raise NachaError("entry outside a batch", number)
        self.entry = ParsedEntry(line=number, values=_parse("6", line, number))
        self.batch.entries.append(self.entry)

    def _addenda(self, number, line):
        if self.entry is None:
            raise NachaError("addenda without an entry", number)
        layout = f"7-{line[1:3]}"
        values = _parse(layout, line, number) if layout in LAYOUTS else {"raw": line}
        self.entry.addenda.append((number, layout, values))

    def _batch_control(self, number, line):
        if self.batch is None:
            raise NachaError("batch control outside a batch", number)
        self.batch.control = _parse("8", line, number)
        for index, value in enumerate(_check_batch(self.batch, number)):
            self.totals[index] += value
        self.parsed.batches.append(self.batch)
        self.batch = self.entry = None

    def _file_control(self, number, line):
        if self.batch is not None:
            raise NachaError("file control inside a batch", number)
        self.parsed.control = _parse("9", line, number)
        count, entry_hash, debit, credit = self.totals
        expected = {
            "batch_count": len(self.parsed.batches),
            "entry_addenda_count": count,
            "entry_hash": entry_hash % 10**10,
            "total_debit": debit,
            "total_credit": credit,
        }
        _compare(self.parsed.control, expected, "file control", number)
        self.done = True

    def result(self):
        if self.parsed is None:
            raise NachaError("the file is empty")
        if not self.done:
            raise NachaError("the file has no file control record (9)")
        blocks = int(self.parsed.control["block_count"])
        if blocks != -(-self.records // BLOCKING_FACTOR):
            raise NachaError(
                f"block count {blocks} does not match the {self.records} records "
                "of the file"
            )
        return self.parsed


def parse(text):
    """Read a NACHA file (text or ASCII bytes); return a ParsedFile.

    Records shorter than 94 characters are padded when only trailing blanks
    of alphanumeric fields are missing (removed by some systems); a record cut
    in a numeric field (truncated), a numeric field that is not all digits,
    longer records, records out of order, and batch or file controls that do
    not match their entries (counts, entry hash, totals) raise NachaError with
    the line number: the whole file is refused.
    """
    reader = _Reader()
    for number, line in _lines(text):
        reader.feed(number, line)
    return reader.result()


def _check_batch(batch, number):
    count = sum(1 + len(e.addenda) for e in batch.entries)
    entry_hash = sum(int(e.values["receiving_dfi"]) for e in batch.entries)
    debit = sum(e.amount for e in batch.entries if e.transaction_code in DEBIT_CODES)
    credit = sum(e.amount for e in batch.entries if e.transaction_code in CREDIT_CODES)
    expected = {
        "entry_addenda_count": count,
        "entry_hash": entry_hash % 10**10,
        "total_debit": debit,
        "total_credit": credit,
    }
    _compare(batch.control, expected, "batch control", number)
    if batch.control["batch_number"] != batch.header["batch_number"]:
        raise NachaError("batch control and header have different numbers", number)
    return count, entry_hash % 10**10, debit, credit


def _compare(control, expected, what, number):
    for key, value in expected.items():
        if int(control[key] or 0) != value:
            raise NachaError(
                f"{what}: {key} is {int(control[key] or 0)}, the records give {value}",
                number,
            )


@dataclass
class ReturnItem:
    """A returned entry or a notification of change, from a return file."""

    kind: str  # "return" or "noc"
    code: str  # R01... or C01...
    original_trace: str
    amount: int  # cents
    line: int
    transaction_code: int = 0
    individual_id: str = ""
    individual_name: str = ""
    corrected_data: str = ""
    date_of_death: str = ""
    original_rdfi: str = ""
    company_identification: str = ""
    information: str = ""


def parse_returns(text):
    """The returns (addenda 99) and notifications of change (addenda 98) of a
    NACHA return file, in file order.

    An entry without a 98/99 addenda raises NachaError: it is not a return.
    """
    parsed = parse(text)
    items = []
    for batch in parsed.batches:
        company_id = batch.header["company_identification"]
        for entry in batch.entries:
            addenda = [a for a in entry.addenda if a[1] in ("7-98", "7-99")]
            if not addenda:
                raise NachaError(
                    "entry without a return (99) or change (98) addenda", entry.line
                )
            _line, layout, values = addenda[0]
            common = {
                "original_trace": values["original_trace"],
                "amount": entry.amount,
                "line": entry.line,
                "transaction_code": entry.transaction_code,
                "individual_id": entry.values["individual_id"],
                "individual_name": entry.values["individual_name"],
                "original_rdfi": values["original_rdfi"],
                "company_identification": company_id,
            }
            if layout == "7-99":
                items.append(
                    ReturnItem(
                        kind="return",
                        code=values["return_reason_code"].upper(),
                        date_of_death=values["date_of_death"],
                        information=values["addenda_information"],
                        **common,
                    )
                )
            else:
                items.append(
                    ReturnItem(
                        kind="noc",
                        code=values["change_code"].upper(),
                        corrected_data=values["corrected_data"],
                        **common,
                    )
                )
    return items


def parse_corrected_data(code, data):
    """The mandate fields a notification of change corrects: a dict with some of
    ``routing``, ``account``, ``name``, ``transaction_code``.

    Positions within the 29-character corrected data field (NACHA): C01
    account 1-17; C02 routing 1-9; C03 routing 1-9, account 13-29; C04 name
    1-22; C05 transaction code 1-2; C06 account 1-17, transaction code 21-22;
    C07 routing 1-9, account 10-26, transaction code 27-28. Raises NachaError
    when the data does not fit the code.
    """
    data = (data or "").ljust(29)

    def cut(start, end):
        return data[start - 1 : end].strip()

    result = {}
    if code == "C01":
        result["account"] = cut(1, 17)
    elif code == "C02":
        result["routing"] = cut(1, 9)
    elif code == "C03":
        result["routing"], result["account"] = cut(1, 9), cut(13, 29)
    elif code == "C04":
        result["name"] = cut(1, 22)
    elif code == "C05":
        result["transaction_code"] = cut(1, 2)
    elif code == "C06":
        result["account"], result["transaction_code"] = cut(1, 17), cut(21, 22)
    elif code == "C07":
        result["routing"] = cut(1, 9)
        result["account"] = cut(10, 26)
        result["transaction_code"] = cut(27, 28)
    else:
        return result
    if "routing" in result and not is_valid_routing(result["routing"]):
        raise NachaError(
            f"{code}: corrected routing number {result['routing']!r} is not valid"
        )
    if "account" in result and not result["account"]:
        raise NachaError(f"{code}: the corrected account number is missing")
    if "transaction_code" in result:
        tx = result["transaction_code"]
        if not tx.isdigit():
            raise NachaError(f"{code}: corrected transaction code {tx!r} is not valid")
        result["transaction_code"] = int(tx)
    if "name" in result and not result["name"]:
        raise NachaError(f"{code}: the corrected name is missing")
    return result


def account_type_of(transaction_code):
    """ "checking" or "savings" for a transaction code (2x or 3x)."""
    code = int(transaction_code)
    if 20 <= code <= 29:
        return "checking"
    if 30 <= code <= 39:
        return "savings"
    raise NachaError(f"transaction code {code} is neither checking nor savings")


def parse_return_csv(text):
    """Rows of a simple return file: ``trace_number,return_code,amount``
    (amount in dollars; a header line is allowed). Returns ReturnItem (codes
    C.. make a notification of change without corrected data)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    items = []
    reader = csv.reader(io.StringIO(text))
    for number, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and not cells[0].isdigit():
            continue  # header
        if len(cells) < 2:
            raise NachaError("expected trace_number,return_code,amount", number)
        trace, code = cells[0], cells[1].upper()
        if not trace.isdigit() or len(trace) > 15:
            raise NachaError(f"trace number {trace!r} is not up to 15 digits", number)
        try:
            amount = to_cents(cells[2]) if len(cells) > 2 and cells[2] else 0
        except (ArithmeticError, ValueError) as exc:
            raise NachaError(f"amount {cells[2]!r} is not a number", number) from exc
        items.append(
            ReturnItem(
                kind="noc" if code.startswith("C") else "return",
                code=code,
                original_trace=trace.zfill(15),
                amount=amount,
                line=number,
            )
        )
    return items
