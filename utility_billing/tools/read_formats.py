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
"""

import csv
import io

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
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
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
    """Parse a delimited file with a column mapping.

    ``mapping`` is a dict with ``delimiter``, ``has_header``, ``date_format`` and
    ``col_meter``, ``col_datetime``, ``col_time``, ``col_reading``,
    ``col_account``, ``col_read_code``, ``col_note``.
    """
    rows, errors = [], []
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text), delimiter=mapping["delimiter"])
    header = None
    columns = {}
    keys = {
        "meter": "col_meter",
        "date": "col_datetime",
        "time": "col_time",
        "reading": "col_reading",
        "account": "col_account",
        "read_code": "col_read_code",
        "note": "col_note",
    }
    line_number = 0
    for record in reader:
        line_number = reader.line_num
        raw = lines[line_number - 1] if line_number - 1 < len(lines) else ""
        if mapping["has_header"] and header is None:
            header = record
            missing = []
            for key, field in keys.items():
                try:
                    columns[key] = _column_index(mapping.get(field), header)
                except ValueError:
                    missing.append(mapping.get(field))
            if missing:
                raise MissingColumns(missing, header)
            continue
        if not columns:
            for key, field in keys.items():
                columns[key] = _column_index(mapping.get(field), None)
        if not any(cell.strip() for cell in record):
            continue
        needed = max(i for i in columns.values() if i is not None)
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


class MissingColumns(Exception):
    """The header line lacks columns the mapping names."""

    def __init__(self, missing, header):
        super().__init__(missing, header)
        self.missing = missing
        self.header = header
