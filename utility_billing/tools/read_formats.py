# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parsers of meter read files into canonical rows.

Each parser takes the decoded text of a file and returns ``(rows, errors)``:

- ``rows``: dicts with ``line`` (1-based line number), ``raw`` (the line),
  ``meter`` (serial or endpoint id), ``date`` (string), ``time`` (string or
  ``None``), ``reading`` (string), ``account`` / ``read_code`` / ``note``
  (strings or ``None``);
- ``errors``: ``(line, raw, (code, params))`` for lines that cannot even be
  split; the import turns the code into a translated message.

Values are kept as text here: the import checks them against the database and
reports every problem with its line number.

A read file holds one read per line, and each line is read on its own: a line
that cannot be split (an unbalanced quote, a field over the CSV field size
limit, a NUL byte) is a bad line with its number, and never takes the lines
after it along. Only what makes the whole file unreadable raises: a header
line that cannot be read or lacks a mapped column (``MissingColumns``,
``BadHeader``), a mapping naming columns of a file without a header
(``UnnamedColumns``).
"""

import csv
import re

# Line breaks of a text file. Not str.splitlines(), which also breaks at form
# feeds, U+0085 (a Latin-1 ellipsis) and other separators inside a line.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text):
    """The lines of ``text`` (1-based line N is item N - 1), without their ends."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def split_csv_line(line, delimiter):
    """The cells of one line, or raise ``LineError`` (code, params)."""
    if "\x00" in line:
        raise LineError("nul_byte", {})
    try:
        return next(csv.reader([line], delimiter=delimiter, strict=True), [])
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            raise LineError(
                "field_too_large", {"limit": csv.field_size_limit()}
            ) from exc
        if "unexpected end of data" in message or "expected after" in message:
            raise LineError("bad_quotes", {}) from exc
        raise LineError("csv_error", {"error": message}) from exc


# Neptune-style handheld route file (N_SIGHT / Equinox "Type S" upload), fixed
# width, one record per line, the record type in columns 1-5. Positions are
# 1-based and inclusive, from the layout in docs/domain-rules.md §5.1.
NEPTUNE_FIELDS = {
    "RTEHD": {"read_date": (24, 31)},
    "PRMDT": {"account": (104, 123)},
    "MTRDT": {"read_sequence": (6, 11), "serial": (38, 57)},
    "RDGDT": {"dials": (50, 51), "reading": (89, 98)},
    "ORDST": {"actual_date": (6, 13)},
}
NEPTUNE_IGNORED = {"COMHD", "PRMNT", "ERTDT"}


def _cut(line, span):
    start, end = span
    return line[start - 1 : end].strip()


def parse_neptune(text):
    """Parse a Neptune-style fixed-width route file.

    A reading is an ``RDGDT`` record; it belongs to the last ``MTRDT`` (meter
    serial), ``PRMDT`` (account number) and ``RTEHD`` (route read date) before it.
    An ``ORDST`` record right after it gives the actual reading date.
    """
    rows, errors = [], []
    route_date = account = serial = None
    last_row = None
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        if "\x00" in line:
            errors.append((number, line, ("nul_byte", {})))
            continue
        kind = line[:5]
        if kind in NEPTUNE_IGNORED:
            continue
        if kind not in NEPTUNE_FIELDS:
            errors.append((number, line, ("unknown_record", {"kind": kind})))
            continue
        values = {name: _cut(line, span) for name, span in NEPTUNE_FIELDS[kind].items()}
        if kind == "RTEHD":
            route_date = values["read_date"]
            account = serial = last_row = None
        elif kind == "PRMDT":
            account = values["account"] or None
            serial = last_row = None
        elif kind == "MTRDT":
            serial = values["serial"]
            last_row = None
        elif kind == "RDGDT":
            if not serial:
                errors.append((number, line, ("reading_without_meter", {})))
                continue
            last_row = {
                "line": number,
                "raw": line,
                "meter": serial,
                "date": route_date or "",
                "date_format": "%Y%m%d",
                "time": None,
                "reading": values["reading"],
                "dials": values["dials"],
                "account": account,
                "read_code": None,
                "note": None,
            }
            rows.append(last_row)
        elif kind == "ORDST":
            if last_row and values["actual_date"]:
                last_row["date"] = values["actual_date"]
    return rows, errors


def _column_index(spec, header):
    """Resolve a column given by header name or 1-based number."""
    if not spec:
        return None
    spec = spec.strip()
    if header is not None:
        lowered = [h.strip().lower() for h in header]
        if spec.lower() in lowered:
            return lowered.index(spec.lower())
    if spec.isdigit() and int(spec) >= 1:
        return int(spec) - 1
    raise ValueError(spec)


def parse_csv(text, mapping):
    """Parse a delimited file with a column mapping, line by line.

    ``mapping`` is a dict with ``delimiter``, ``has_header``, ``date_format`` and
    ``col_meter``, ``col_datetime``, ``col_time``, ``col_reading``,
    ``col_account``, ``col_read_code``, ``col_note``.
    """
    rows, errors = [], []
    keys = {
        "meter": "col_meter",
        "date": "col_datetime",
        "time": "col_time",
        "reading": "col_reading",
        "account": "col_account",
        "read_code": "col_read_code",
        "note": "col_note",
    }
    delimiter = mapping["delimiter"]
    lines = split_lines(text)
    columns = {}
    start = 0
    if mapping["has_header"]:
        if not lines:
            return rows, errors
        try:
            header = split_csv_line(lines[0], delimiter)
        except LineError as exc:
            raise BadHeader(exc.code, exc.params) from exc
        missing = []
        for key, field in keys.items():
            try:
                columns[key] = _column_index(mapping.get(field), header)
            except ValueError:
                missing.append(mapping.get(field))
        if missing:
            raise MissingColumns(missing, header)
        start = 1
    else:
        named = []
        for key, field in keys.items():
            try:
                columns[key] = _column_index(mapping.get(field), None)
            except ValueError:
                named.append(mapping.get(field))
        if named:
            raise UnnamedColumns(named)
    needed = max(i for i in columns.values() if i is not None)
    for line_number, raw in enumerate(lines[start:], start=start + 1):
        if not raw.strip():
            continue
        try:
            record = split_csv_line(raw, delimiter)
        except LineError as exc:
            errors.append((line_number, raw, (exc.code, exc.params)))
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) <= needed:
            errors.append(
                (
                    line_number,
                    raw,
                    ("missing_columns", {"expected": needed + 1, "found": len(record)}),
                )
            )
            continue

        def cell(key, record=record):
            index = columns.get(key)
            return record[index].strip() if index is not None else None

        rows.append(
            {
                "line": line_number,
                "raw": raw,
                "meter": cell("meter"),
                "date": cell("date"),
                "date_format": mapping["date_format"],
                "time": cell("time"),
                "reading": cell("reading"),
                "dials": None,
                "account": cell("account") or None,
                "read_code": cell("read_code") or None,
                "note": cell("note") or None,
            }
        )
    return rows, errors


class LineError(Exception):
    """A line that cannot be split into cells: ``code`` and ``params`` say why."""

    def __init__(self, code, params):
        super().__init__(code, params)
        self.code = code
        self.params = params


class BadHeader(LineError):
    """The header line cannot be split: the columns cannot be found."""


class UnnamedColumns(Exception):
    """The mapping names columns by header text, but the file has no header."""

    def __init__(self, names):
        super().__init__(names)
        self.names = names


class MissingColumns(Exception):
    """The header line lacks columns the mapping names."""

    def __init__(self, missing, header):
        super().__init__(missing, header)
        self.missing = missing
        self.header = header
