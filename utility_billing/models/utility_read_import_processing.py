# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Meter read imports: the processing of a file's text (parsing, validation of
each line, skipping reads already in the database, creating the good reads
in chunks)."""

import time
from datetime import datetime

import psycopg2
import pytz

from odoo import models
from odoo.exceptions import UserError

from ..tools.read_formats import (
    BadHeader,
    MissingColumns,
    UnnamedColumns,
    parse_csv,
    parse_neptune,
)
from .utility_read_import import CHUNK_SIZE, ISO_FORMATS, _logger


class UtilityReadImport(models.Model):
    _inherit = "utility.read.import"

    # ------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------

    def _process(self, text):
        self.ensure_one()
        started = time.perf_counter()
        if self.file_format == "neptune":
            rows, errors = parse_neptune(text)
        else:
            mapping = self.mapping_id
            try:
                rows, errors = parse_csv(
                    text,
                    {
                        "delimiter": mapping.delimiter,
                        "has_header": mapping.has_header,
                        "date_format": mapping.date_format,
                        "col_meter": mapping.col_meter,
                        "col_datetime": mapping.col_datetime,
                        "col_time": mapping.col_time,
                        "col_reading": mapping.col_reading,
                        "col_account": mapping.col_account,
                        "col_read_code": mapping.col_read_code,
                        "col_note": mapping.col_note,
                    },
                )
            except MissingColumns as exc:
                raise UserError(
                    self.env._(
                        "%(file)s, line 1: the header has no column %(missing)s "
                        "required "
                        "by mapping %(mapping)s. Columns found: %(found)s.",
                        file=self.filename,
                        missing=", ".join(repr(m) for m in exc.missing),
                        mapping=mapping.name,
                        found=", ".join(exc.header),
                    )
                ) from exc
            except BadHeader as exc:
                raise UserError(
                    self.env._(
                        "%(file)s, line 1: the header line cannot be read "
                        "(%(reason)s), so the columns of mapping %(mapping)s cannot "
                        "be found. Nothing was imported: fix the header line and "
                        "import the file again.",
                        file=self.filename,
                        reason=self._parser_message(exc.code, exc.params),
                        mapping=mapping.name,
                    )
                ) from exc
            except UnnamedColumns as exc:
                raise UserError(
                    self.env._(
                        "%(file)s, line 1: mapping %(mapping)s reads files without "
                        "a header line, but names column(s) %(names)s by their "
                        "header text. Nothing was imported: give the column "
                        "numbers (1, 2, ...) in the mapping, or tick its header "
                        "line option.",
                        file=self.filename,
                        mapping=mapping.name,
                        names=", ".join(repr(n) for n in exc.names),
                    )
                ) from exc
        errors = [
            (line, raw, self._parser_message(*reason)) for line, raw, reason in errors
        ]
        parse_error_count = len(errors)
        if not rows and not errors:
            raise UserError(
                self.env._("%(file)s has no meter reads in it.", file=self.filename)
            )
        good, line_errors, skipped = self._validate_rows(rows)
        errors += line_errors
        created_count, create_errors, late_skipped = self._create_valid_reads(good)
        errors += create_errors
        skipped += late_skipped
        errors.sort(key=lambda e: e[0])
        self.env["utility.read.import.error"].create(
            [
                {
                    "import_id": self.id,
                    "line_number": line,
                    # The database stores no NUL character: shown as \x00.
                    "content": (raw or "")[:500].replace("\x00", "\\x00"),
                    "reason": reason,
                }
                for line, raw, reason in errors
            ]
        )
        self.write(
            {
                "state": "done",
                "line_count": len(rows) + parse_error_count,
                "imported_count": created_count,
                "skipped_count": skipped,
                "error_count": len(errors),
                "duration": time.perf_counter() - started,
            }
        )
        self.message_post(
            body=self.env._(
                "%(file)s: %(imported)s reads imported, %(skipped)s already in the "
                "database, %(errors)s bad lines.",
                file=self.filename,
                imported=created_count,
                skipped=skipped,
                errors=len(errors),
            )
        )

    def _parser_message(self, code, params):
        if code == "unknown_record":
            return self.env._("unknown record type '%(kind)s'", **params)
        if code == "reading_without_meter":
            return self.env._("reading record without a meter record before it")
        if code == "missing_columns":
            return self.env._(
                "expected at least %(expected)s columns, found %(found)s", **params
            )
        if code == "nul_byte":
            return self.env._(
                "the line holds a NUL byte (\\x00): it is not text; check the "
                "export that wrote it"
            )
        if code == "bad_quotes":
            return self.env._(
                "unbalanced quote: a quoted field is not closed on this line, or a "
                "quote inside it is not doubled"
            )
        if code == "field_too_large":
            return self.env._(
                "a field is longer than the %(limit)s characters a CSV field may hold",
                **params,
            )
        if code == "csv_error":
            return self.env._("the line cannot be read: %(error)s", **params)
        return code

    def _parse_datetime(self, row, tz):
        """Local date (and time) text of a row to a naive UTC datetime."""
        text = row["date"] or ""
        if row.get("time"):
            text = f"{text} {row['time']}"
        text = text.strip()
        if not text:
            raise ValueError(self.env._("no read date"))
        formats = [row.get("date_format")] if row.get("date_format") else []
        if (
            row.get("time")
            and row.get("date_format")
            and "%H" not in row["date_format"]
        ):
            formats = [row["date_format"] + " %H:%M", row["date_format"] + " %H:%M:%S"]
        for fmt in formats + list(ISO_FORMATS):
            try:
                value = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return tz.localize(value).astimezone(pytz.utc).replace(tzinfo=None)
        raise ValueError(self.env._("read date '%(value)s' is not a date", value=text))

    def _validate_rows(self, rows):
        """Check rows against the database; return (good, errors, skipped)."""
        self.ensure_one()
        company = self.company_id
        # Times in a read file are the utility's local times, whoever imports
        # it (utility_billing/tools/dates.py).
        tz = pytz.timezone(company._utility_tz())
        today = company._utility_today()
        use_endpoint = (
            self.file_format == "csv" and self.mapping_id.meter_key == "endpoint"
        )
        key_field = "endpoint_id" if use_endpoint else "serial"
        keys = list({row["meter"] for row in rows if row["meter"]})
        meters = self.env["utility.meter"].search_read(
            [(key_field, "in", keys), ("company_id", "=", company.id)],
            [key_field, "dials", "state"],
        )
        meter_by_key = {m[key_field]: m for m in meters}
        meter_accounts = self.env["utility.meter.read"]._fetch_meter_accounts(
            [m["id"] for m in meters]
        )
        account_names = {
            a["id"]: a["name"]
            for a in self.env["utility.account"].search_read(
                [("id", "in", list({v[0] for v in meter_accounts.values()}))], ["name"]
            )
        }
        errors, candidates = [], []
        seen = {}
        for row in rows:
            line, raw = row["line"], row["raw"]
            label = (
                self.env._("meter serial")
                if key_field == "serial"
                else self.env._("endpoint ID")
            )
            if not row["meter"]:
                errors.append((line, raw, self.env._("no %(label)s", label=label)))
                continue
            meter = meter_by_key.get(row["meter"])
            if not meter:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "unknown meter: no meter has %(label)s %(value)s",
                            label=label,
                            value=row["meter"],
                        ),
                    )
                )
                continue
            if meter["state"] != "installed":
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "meter %(serial)s is not installed", serial=row["meter"]
                        ),
                    )
                )
                continue
            try:
                read_dt = self._parse_datetime(row, tz)
            except ValueError as exc:
                errors.append((line, raw, str(exc)))
                continue
            if self.env["utility.meter.read"]._local_date(read_dt, company) > today:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "read date %(date)s is in the future", date=row["date"]
                        ),
                    )
                )
                continue
            text = (row["reading"] or "").replace(",", "")
            try:
                reading = float(text)
            except ValueError:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "reading '%(value)s' is not a number",
                            value=row["reading"] or "",
                        ),
                    )
                )
                continue
            if reading != reading or reading < 0 or reading >= 10 ** meter["dials"]:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "reading %(reading)s does not fit the %(dials)s-dial "
                            "register of meter %(serial)s",
                            reading=row["reading"],
                            dials=meter["dials"],
                            serial=row["meter"],
                        ),
                    )
                )
                continue
            if (
                row.get("dials")
                and row["dials"].isdigit()
                and int(row["dials"]) != meter["dials"]
            ):
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "the file says %(file_dials)s dials, meter %(serial)s has "
                            "%(dials)s",
                            file_dials=int(row["dials"]),
                            serial=row["meter"],
                            dials=meter["dials"],
                        ),
                    )
                )
                continue
            account = meter_accounts.get(meter["id"])
            if (
                row.get("account")
                and account
                and account_names.get(account[0]) != row["account"].strip()
            ):
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "account %(file_account)s does not match account "
                            "%(account)s served by meter %(serial)s",
                            file_account=row["account"],
                            account=account_names.get(account[0]),
                            serial=row["meter"],
                        ),
                    )
                )
                continue
            key = (meter["id"], read_dt)
            if key in seen:
                errors.append(
                    (
                        line,
                        raw,
                        self.env._(
                            "duplicate of line %(line)s (same meter, date and time)",
                            line=seen[key],
                        ),
                    )
                )
                continue
            seen[key] = line
            candidates.append(
                {
                    "row": row,
                    "vals": {
                        "meter_id": meter["id"],
                        "read_datetime": read_dt,
                        "reading": reading,
                        "read_type": "actual",
                        "source": self.mapping_id.source
                        if self.file_format == "csv"
                        else "handheld",
                        "read_code": row.get("read_code"),
                        "note": row.get("note"),
                        "import_id": self.id,
                        "import_line": line,
                        "company_id": company.id,
                    },
                }
            )
        # Reads already in the database: same meter and time.
        good, errors_in_db, skipped = self._split_existing(candidates)
        return good, errors + errors_in_db, skipped

    def _split_existing(self, candidates):
        """(new candidates, bad lines, skipped count): a read already in the
        database at the same meter, date and time is skipped when its reading is
        the same, a bad line otherwise."""
        existing = self.env["utility.meter.read"]._existing_live_reads(
            [(c["vals"]["meter_id"], c["vals"]["read_datetime"]) for c in candidates]
        )
        good, errors, skipped = [], [], 0
        for cand in candidates:
            vals = cand["vals"]
            key = (vals["meter_id"], vals["read_datetime"])
            if key in existing:
                if abs(existing[key] - vals["reading"]) < 0.005:
                    skipped += 1
                else:
                    row = cand["row"]
                    errors.append(
                        (
                            row["line"],
                            row["raw"],
                            self.env._(
                                "meter %(serial)s already has reading %(existing)s at "
                                "this date "
                                "and time; correct that read instead",
                                serial=row["meter"],
                                existing=existing[key],
                            ),
                        )
                    )
                continue
            good.append(cand)
        return good, errors, skipped

    def _create_valid_reads(self, candidates):
        """Create reads by chunks; return (count, errors of reads left out,
        skipped: reads another user created meanwhile)."""
        Read = self.env["utility.meter.read"]
        errors = []
        count = skipped = 0

        def reject(vals):
            if vals.get("consumption", 0) < 0 and vals.get("previous_read_id"):
                previous = Read.browse(vals["previous_read_id"])
                if previous.read_type != "estimated":
                    return "negative"
            return None

        for start in range(0, len(candidates), CHUNK_SIZE):
            chunk = candidates[start : start + CHUNK_SIZE]
            try:
                with self.env.cr.savepoint():
                    created, rejected = Read._create_reads(
                        [c["vals"] for c in chunk],
                        reject=reject,
                        check_duplicates=False,
                    )
            except psycopg2.errors.UniqueViolation:
                # Reads of the chunk entered or imported meanwhile (the database
                # keeps one live read per meter, date and time): skip them as the
                # reads already in the database are, and create the others.
                _logger.info(
                    "%s: reads created meanwhile, chunk checked again", self.filename
                )
                chunk, late_errors, late_skipped = self._split_existing(chunk)
                errors += late_errors
                skipped += late_skipped
                created, rejected = Read._create_reads(
                    [c["vals"] for c in chunk], reject=reject, check_duplicates=False
                )
            count += len(created)
            for index in rejected:
                row = chunk[index]["row"]
                errors.append(
                    (
                        row["line"],
                        row["raw"],
                        self.env._(
                            "reading %(reading)s is below the previous reading and is "
                            "not a "
                            "plausible rollover of the register",
                            reading=row["reading"],
                        ),
                    )
                )
            Read.invalidate_model()
        return count, errors, skipped
