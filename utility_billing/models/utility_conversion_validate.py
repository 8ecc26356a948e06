# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: validation. The files are parsed and typed, then
checked as a set (duplicates, references between files and to records
converted earlier, meters, active services, amounts); every error names
the file, the line and the column, and nothing is loaded while one
remains. The checks stay in one file (about 800 lines): they share the
parsed rows of the file set; the largest files (``STREAMED_KINDS``) are
never held whole but checked on their staged rows."""

# pylint: disable=consider-merging-classes-inherited
import base64
import binascii
import codecs
import csv
import hashlib
import io
import itertools
import re
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation

from odoo import models
from odoo.tools import SQL

from .utility_conversion import (
    REFERENCES,
)
from .utility_conversion_spec import (
    BALANCE_BUCKETS,
    file_name,
)

# Staged rows created per create([...]) call (and read back per fetch): the
# create of a batch is the peak of Validate (about 3 KB a row), so it is small.
STAGE_BATCH = 2000
# The kinds of files never held whole (the read history: twelve rows a meter,
# most of a city's rows; the services and the balances): parsed and staged by
# batches, checked on the staged rows (read back by batches, or in SQL).
STREAMED_KINDS = ("services", "balances", "reads")
# Bytes of a file decoded at once to check that it is UTF-8.
DECODE_CHUNK = 1 << 20
# Numbers the database cursors reading staged rows back (their names).
CURSOR_NUMBERS = itertools.count(1)


class UtilityConversion(models.Model):
    _inherit = "utility.conversion"

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def _stage(self):
        """Parse and check the files; replace the staged rows and the errors.

        Each file is staged as soon as it is parsed. The files of
        ``STREAMED_KINDS`` (the read history, the services, the balances) are
        never held whole: parsed and staged by batches, their duplicates
        found in SQL, their checks run on the staged rows (read back by
        batches, or in SQL for the read history).

        :return: the errors (a list of values of utility.conversion.error)
        """
        self.ensure_one()
        self.line_ids.unlink()
        self.error_ids.unlink()
        errors = []
        rows = {}
        for kind in self._conversion_templates():
            if kind in STREAMED_KINDS:
                self._stage_streamed(kind, errors)
                continue
            rows[kind] = self._parse(kind, errors)
            self._stage_rows(kind, rows[kind])
        self._check_references(rows, errors)
        del rows
        for sequence, error in enumerate(errors):
            error.update(conversion_id=self.id, sequence=sequence)
        self.env["utility.conversion.error"].create(errors)
        return errors

    def _stage_rows(self, kind, rows):
        """Stage ``rows`` ((line number, row) of ``kind``, an iterable) by
        batches, the values of a batch only made at once and the cache
        emptied between them: memory stays flat."""
        Line = self.env["utility.conversion.line"]
        staged = (
            {
                "conversion_id": self.id,
                "kind": kind,
                "line_no": line_no,
                "key": self._conversion_key(kind, row),
                "data": row,
            }
            for line_no, row in rows
        )
        while batch := list(itertools.islice(staged, STAGE_BATCH)):
            Line.create(batch)
            Line.flush_model()
            Line.invalidate_model()

    def _stage_streamed(self, kind, errors):
        """Parse and stage the file of ``kind`` by batches, never held whole:
        every typed row is staged, then the later rows of a key are reported
        as duplicates and removed. The errors are added in the order of the
        lines, as ``_parse`` adds them."""
        found = []
        self._stage_rows(kind, self._iter_rows(kind, found))
        self._unstage_duplicates(kind, found)
        # Stable: the errors of a line keep the order of its columns (a row
        # with an error in a value is not staged, so never a duplicate).
        found.sort(key=lambda error: error["line_no"])
        errors.extend(found)

    def _unstage_duplicates(self, kind, errors):
        """Report the staged rows of ``kind`` whose key is on an earlier
        line (as ``_parse`` does) and remove them from the staged rows."""
        self.env["utility.conversion.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT line.id, line.line_no, line.data, first.line_no, first.data
                     FROM (SELECT id, first_value(id) OVER (
                                      PARTITION BY key ORDER BY line_no
                                  ) AS first_id
                             FROM utility_conversion_line
                            WHERE conversion_id = %s AND kind = %s) dup
                     JOIN utility_conversion_line line ON line.id = dup.id
                     JOIN utility_conversion_line first ON first.id = dup.first_id
                    WHERE dup.id != dup.first_id
                 ORDER BY line.line_no""",
                self.id,
                kind,
            )
        )
        ids = []
        for line_id, line_no, row, first_no, first_row in self.env.cr.fetchall():
            self._duplicate(errors, kind, line_no, row, (first_no, first_row))
            ids.append(line_id)
        if ids:
            self.env.cr.execute(
                SQL("DELETE FROM utility_conversion_line WHERE id = ANY(%s)", ids)
            )
            self.env["utility.conversion.line"].invalidate_model()
            self.invalidate_recordset(["line_ids"])

    def _check_staged(self):
        """Check again the rows staged at Validate, the files unchanged since
        (``files_checksum``): the references between the files and to the
        database (records created since under the same keys, services made
        active since, rates and routes removed) are checked on the staged
        rows, read back from the database (those of ``STREAMED_KINDS`` by
        batches as the checks go, or in SQL); the files are neither parsed nor
        staged again. Replace the errors with those found.

        :return: the errors (a list of values of utility.conversion.error)
        """
        self.ensure_one()
        self.env["utility.conversion.line"].flush_model()
        rows = {
            kind: []
            for kind in self._conversion_templates()
            if kind not in STREAMED_KINDS
        }
        self.env.cr.execute(
            SQL(
                "SELECT kind, line_no, data FROM utility_conversion_line "
                "WHERE conversion_id = %s AND kind != ALL(%s) ORDER BY kind, line_no",
                self.id,
                list(STREAMED_KINDS),
            )
        )
        for kind, line_no, data in self.env.cr.fetchall():
            rows.setdefault(kind, []).append((line_no, data))
        errors = []
        self._check_references(rows, errors)
        del rows
        if errors:
            self.error_ids.unlink()
            for sequence, error in enumerate(errors):
                error.update(conversion_id=self.id, sequence=sequence)
            self.env["utility.conversion.error"].create(errors)
        return errors

    def _kind_rows(self, rows, kind):
        """(line number, row) of ``kind`` in the order of the lines: held in
        ``rows``, or (``STREAMED_KINDS``) read back from the staged rows by
        batches, as the caller goes."""
        if kind in STREAMED_KINDS:
            return self._iter_staged(kind)
        return rows.get(kind, [])

    def _iter_staged(self, kind, columns=None):
        """Yield (line number, row) of the staged rows of ``kind`` in the
        order of the lines, read through a cursor of the database
        ``STAGE_BATCH`` rows at a time; with ``columns``, (line number, value
        of each column) instead, the rest of the row left in the database."""
        self.env["utility.conversion.line"].flush_model()
        cr = self.env.cr
        name = SQL.identifier(f"utility_conversion_rows_{next(CURSOR_NUMBERS)}")
        values = (
            SQL("data")
            if columns is None
            else SQL(", ").join(SQL("data->%s", column) for column in columns)
        )
        cr.execute(
            SQL(
                "DECLARE %s NO SCROLL CURSOR FOR SELECT line_no, %s "
                "FROM utility_conversion_line WHERE conversion_id = %s AND kind = %s "
                "ORDER BY line_no",
                name,
                values,
                self.id,
                kind,
            )
        )
        while True:
            cr.execute(SQL("FETCH FORWARD %s FROM %s", STAGE_BATCH, name))
            batch = cr.fetchall()
            if not batch:
                break
            yield from batch
            del batch
        cr.execute(SQL("CLOSE %s", name))

    def _files_checksum(self):
        """A digest of the files (their attachments' checksums), the
        cut-over date and the company: what Validate checked."""
        self.ensure_one()
        fields_ = [f"{kind}_file" for kind in self._conversion_templates()]
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "in", fields_),
                ],
                ["res_field", "checksum"],
            )
        )
        by_field = {a.res_field: a.checksum or "" for a in attachments}
        digest = hashlib.sha256()
        for name in fields_:
            digest.update(f"{name}={by_field.get(name, '')};".encode())
        digest.update(f"{self.cutover_date};{self.company_id.id}".encode())
        return digest.hexdigest()

    def _error(self, errors, kind, line_no, field_name, message):
        errors.append(
            {
                "kind": kind,
                "file_name": self[f"{kind}_filename"] or file_name(kind),
                "line_no": line_no,
                "field_name": field_name,
                "message": message,
            }
        )

    def _parse(self, kind, errors):
        """[(line number, {column: typed value})] of the file of ``kind``:
        rows with an error in a value are reported and left out, and so are
        the later rows of a key (duplicates)."""
        rows = []
        seen = {}
        for line_no, row in self._iter_rows(kind, errors):
            key = self._conversion_key(kind, row)
            if key in seen:
                self._duplicate(errors, kind, line_no, row, seen[key])
                continue
            seen[key] = (line_no, row)
            rows.append((line_no, row))
        return rows

    def _iter_rows(self, kind, errors):
        """Yield (line number, {column: typed value}) of the rows of the file
        of ``kind``, read as it goes (the file is not decoded whole): rows
        with an error in a value are reported and left out; duplicates are
        not looked for."""
        field_name = f"{kind}_file"
        content = self[field_name]
        if not content:
            return
        # The file's value is not kept in the cache while its rows are read.
        self.invalidate_recordset([field_name])
        try:
            data = base64.b64decode(content)
            del content
            decoder = codecs.getincrementaldecoder("utf-8-sig")()
            for start in range(0, len(data), DECODE_CHUNK):
                decoder.decode(data[start : start + DECODE_CHUNK])
            decoder.decode(b"", final=True)
        except (binascii.Error, UnicodeDecodeError):
            self._error(
                errors,
                kind,
                0,
                False,
                self.env._(
                    "The file is not a CSV file in UTF-8: save it as CSV UTF-8."
                ),
            )
            return
        reader = csv.reader(
            io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="\n")
        )
        del data
        header = [h.strip() for h in next(reader, [])]
        columns = self._conversion_templates()[kind]
        names = [name for name, *_rest in columns]
        for name in header:
            if name not in names:
                self._error(
                    errors,
                    kind,
                    1,
                    name,
                    self.env._(
                        "Unknown column %(column)s: the template's columns are "
                        "%(columns)s.",
                        column=name,
                        columns=", ".join(names),
                    ),
                )
        missing = [
            name
            for name, _t, required, _e in columns
            if required and name not in header
        ]
        for name in missing:
            self._error(
                errors,
                kind,
                1,
                name,
                self.env._("Required column %(column)s is missing.", column=name),
            )
        if missing:
            return
        for line_no, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            raw = dict(zip(header, (cell.strip() for cell in cells), strict=False))
            row = {}
            ok = True
            for name, type_, required, _example in columns:
                value = raw.get(name, "")
                if not value:
                    if required:
                        ok = False
                        self._error(
                            errors,
                            kind,
                            line_no,
                            name,
                            self.env._("A value is required."),
                        )
                    row[name] = False
                    continue
                typed, message = self._typed(type_, value)
                if message:
                    ok = False
                    self._error(errors, kind, line_no, name, message)
                row[name] = typed
            if ok:
                yield line_no, row

    def _duplicate(self, errors, kind, line_no, row, first):
        first_line, first_row = first
        key_column = self._conversion_templates()[kind][0][0]
        if kind == "meters" and first_row["premise_ref"] != row["premise_ref"]:
            message = self.env._(
                "Meter %(serial)s is on two premises: %(premise)s here, %(other)s "
                "on line %(line)s.",
                serial=row["serial"],
                premise=row["premise_ref"],
                other=first_row["premise_ref"],
                line=first_line,
            )
        elif kind == "services":
            key_column = "service_type"
            message = self.env._(
                "Account %(account)s has service %(service)s twice (also on line "
                "%(line)s).",
                account=row["account_number"],
                service=row["service_type"],
                line=first_line,
            )
        else:
            message = self.env._(
                "Duplicate %(column)s %(key)s: also on line %(line)s.",
                column=key_column,
                key=self._conversion_key(kind, row),
                line=first_line,
            )
        self._error(errors, kind, line_no, key_column, message)

    def _typed(self, type_, value):
        """(typed value, error message or None) of a cell."""
        if type_ == "char":
            return value, None
        if type_ == "int":
            if re.fullmatch(r"[+-]?\d+", value):
                return int(value), None
            return False, self.env._("%(value)s is not a whole number.", value=value)
        if type_ in ("float", "money"):
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                return False, self.env._("%(value)s is not a number.", value=value)
            if type_ == "money" and number != number.quantize(Decimal("0.01")):
                return False, self.env._(
                    "%(value)s has more than two decimals.", value=value
                )
            return float(number), None
        if type_ == "date":
            for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
                try:
                    return datetime.strptime(value, pattern).date().isoformat(), None
                except ValueError:
                    continue
            return False, self.env._(
                "%(value)s is not a date (YYYY-MM-DD or MM/DD/YYYY).", value=value
            )
        if type_.startswith("selection:"):
            allowed = type_.split(":", 1)[1].split("|")
            if value in allowed:
                return value, None
            return False, self.env._(
                "%(value)s is not one of %(allowed)s.",
                value=value,
                allowed=", ".join(allowed),
            )
        raise ValueError(type_)

    def _check_references(self, rows, errors):
        """References between the files and to the database: premises of the
        meters, customers and premises of the accounts, route, service type
        and rate codes, meters on the premise of the account, one active
        account per service at a premise; records of the same key that exist
        in the database without being converted."""
        company = self.company_id
        rates = defaultdict(set)
        for schedule in self.env["utility.rate.schedule"].search(
            [("company_id", "=", company.id)]
        ):
            rates[schedule.code].add(schedule.service_type_id.code)
        ctx = {
            "rows": rows,
            "errors": errors,
            # Only the kinds that others refer to (their rows are in ``rows``).
            "by_key": {
                kind: {
                    self._conversion_key(kind, row): (ln, row)
                    for ln, row in rows.get(kind, [])
                }
                for kind, _column in REFERENCES
            },
            "routes": set(
                self.env["utility.route"]
                .with_context(active_test=False)
                .search([("company_id", "=", company.id)])
                .mapped("code")
            ),
            "service_types": {
                st.code: st
                for st in self.env["utility.service.type"].search(
                    [("company_id", "in", [company.id, False])]
                )
            },
            "rates": rates,
        }
        # Keys referred to may be of records converted before (a re-load).
        wanted = defaultdict(set)
        for kind_rows in rows.values():
            for _line_no, row in kind_rows:
                for kind, column in REFERENCES:
                    if row.get(column):
                        wanted[kind].add(row[column])
        ctx["converted"] = {
            kind: set(self._converted_map(kind, wanted[kind]))
            for kind, _column in REFERENCES
        }
        self._check_premises(ctx)
        self._check_meters(ctx)
        self._check_accounts(ctx)
        self._check_services(ctx)
        self._check_active_services(ctx)
        self._check_amounts(ctx)

    def _known(self, ctx, kind, key):
        """Whether ``key`` of ``kind`` is in the files or was converted."""
        return key in ctx["by_key"][kind] or key in ctx["converted"][kind]

    def _check_premises(self, ctx):
        for line_no, row in ctx["rows"]["premises"]:
            if row["route_code"] not in ctx["routes"]:
                self._error(
                    ctx["errors"],
                    "premises",
                    line_no,
                    "route_code",
                    self.env._(
                        "Route %(code)s does not exist: create it in Utility "
                        "Billing > Configuration > Routes.",
                        code=row["route_code"],
                    ),
                )

    def _check_meters(self, ctx):
        rows = ctx["rows"]["meters"]
        # Serials of meters in the database that no conversion loaded.
        serials = (
            self._existing("utility.meter", "serial", [r["serial"] for _l, r in rows])
            - ctx["converted"]["meters"]
        )
        for line_no, row in rows:
            if not self._known(ctx, "premises", row["premise_ref"]):
                self._error(
                    ctx["errors"],
                    "meters",
                    line_no,
                    "premise_ref",
                    self.env._(
                        "Premise %(ref)s is not in the premises file.",
                        ref=row["premise_ref"],
                    ),
                )
            service_type = ctx["service_types"].get(row["service_type"])
            if not service_type or not service_type.metered:
                self._error(
                    ctx["errors"],
                    "meters",
                    line_no,
                    "service_type",
                    self.env._(
                        "%(code)s is not the code of a metered service type.",
                        code=row["service_type"],
                    ),
                )
            if row["serial"] in serials:
                self._error(
                    ctx["errors"],
                    "meters",
                    line_no,
                    "serial",
                    self.env._(
                        "A meter with serial %(serial)s already exists in the "
                        "database.",
                        serial=row["serial"],
                    ),
                )

    def _check_accounts(self, ctx):
        rows = ctx["rows"]["accounts"]
        numbers = (
            self._existing(
                "utility.account", "name", [r["account_number"] for _l, r in rows]
            )
            - ctx["converted"]["accounts"]
        )
        served = {
            r["account_number"] for _l, r in self._kind_rows(ctx["rows"], "services")
        }
        for line_no, row in rows:
            number = row["account_number"]
            problems = []
            if not self._known(ctx, "customers", row["customer_ref"]):
                problems.append(
                    (
                        "customer_ref",
                        self.env._(
                            "Customer %(ref)s is not in the customers file.",
                            ref=row["customer_ref"],
                        ),
                    )
                )
            if not self._known(ctx, "premises", row["premise_ref"]):
                problems.append(
                    (
                        "premise_ref",
                        self.env._(
                            "Premise %(ref)s is not in the premises file.",
                            ref=row["premise_ref"],
                        ),
                    )
                )
            if number in numbers:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Account %(number)s already exists in the database.",
                            number=number,
                        ),
                    )
                )
            if row["status"] in ("final", "closed") and not row["end_date"]:
                problems.append(
                    (
                        "end_date",
                        self.env._(
                            "A %(status)s account needs its end date.",
                            status=row["status"],
                        ),
                    )
                )
            if row["end_date"] and row["end_date"] < row["start_date"]:
                problems.append(
                    ("end_date", self.env._("The end date is before the start date."))
                )
            if row["status"] == "active" and number not in served:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Active account %(number)s has no service in the "
                            "services file.",
                            number=number,
                        ),
                    )
                )
            for column, message in problems:
                self._error(ctx["errors"], "accounts", line_no, column, message)

    def _check_services(self, ctx):
        by_key = ctx["by_key"]
        rates = ctx["rates"]
        for line_no, row in self._kind_rows(ctx["rows"], "services"):
            problems = []
            account = by_key["accounts"].get(row["account_number"])
            if not account:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Account %(number)s is not in the accounts file.",
                            number=row["account_number"],
                        ),
                    )
                )
            service_type = ctx["service_types"].get(row["service_type"])
            if not service_type:
                problems.append(
                    (
                        "service_type",
                        self.env._(
                            "Service type %(code)s does not exist.",
                            code=row["service_type"],
                        ),
                    )
                )
            if row["rate_code"] not in rates:
                problems.append(
                    (
                        "rate_code",
                        self.env._(
                            "Rate %(code)s does not exist: create it in Utility "
                            "Billing > Configuration > Rate Schedules.",
                            code=row["rate_code"],
                        ),
                    )
                )
            elif row["service_type"] not in rates[row["rate_code"]]:
                problems.append(
                    (
                        "rate_code",
                        self.env._(
                            "Rate %(code)s is not a rate of service %(service)s.",
                            code=row["rate_code"],
                            service=row["service_type"],
                        ),
                    )
                )
            problems += self._meter_problems(ctx, row, service_type, account)
            for column, message in problems:
                self._error(ctx["errors"], "services", line_no, column, message)

    def _meter_problems(self, ctx, row, service_type, account):
        """[(column, message)] of the meter of a service row."""
        serial = row["meter_serial"]
        if not serial:
            if service_type and service_type.metered:
                return [
                    (
                        "meter_serial",
                        self.env._(
                            "%(service)s is metered: the meter serial is required.",
                            service=row["service_type"],
                        ),
                    )
                ]
            return []
        meter = ctx["by_key"]["meters"].get(serial)
        if not meter:
            return [
                (
                    "meter_serial",
                    self.env._(
                        "Meter %(serial)s is not in the meters file.", serial=serial
                    ),
                )
            ]
        if account and meter[1]["premise_ref"] != account[1]["premise_ref"]:
            return [
                (
                    "meter_serial",
                    self.env._(
                        "Meter %(serial)s is at premise %(meter_premise)s, account "
                        "%(number)s at premise %(premise)s.",
                        serial=serial,
                        meter_premise=meter[1]["premise_ref"],
                        number=row["account_number"],
                        premise=account[1]["premise_ref"],
                    ),
                )
            ]
        return []

    def _check_active_services(self, ctx):
        """One active account per service at a premise (in the files, and in
        the database at the premises converted before)."""
        active_service = {}
        in_database = self._active_services_in_database(ctx)
        for line_no, row in self._kind_rows(ctx["rows"], "services"):
            account = ctx["by_key"]["accounts"].get(row["account_number"])
            if not account or account[1]["status"] != "active":
                continue
            slot = (account[1]["premise_ref"], row["service_type"])
            other_number = in_database.get(slot)
            if other_number and other_number != row["account_number"]:
                self._error(
                    ctx["errors"],
                    "services",
                    line_no,
                    "account_number",
                    self.env._(
                        "Premise %(premise)s already has %(service)s on active "
                        "account %(other)s in the database.",
                        premise=slot[0],
                        service=slot[1],
                        other=other_number,
                    ),
                )
            if slot not in active_service:
                active_service[slot] = (line_no, row["account_number"])
                continue
            other_line, other_number = active_service[slot]
            self._error(
                ctx["errors"],
                "services",
                line_no,
                "account_number",
                self.env._(
                    "Premise %(premise)s has %(service)s on two active "
                    "accounts: %(number)s here and %(other)s on line %(line)s.",
                    premise=slot[0],
                    service=slot[1],
                    number=row["account_number"],
                    other=other_number,
                    line=other_line,
                ),
            )

    def _active_services_in_database(self, ctx):
        """{(premise key, service type code): account number} of the services
        of active accounts at the premises of the accounts file that a
        conversion loaded before."""
        refs = {row["premise_ref"] for _line_no, row in ctx["rows"]["accounts"]}
        premises = self._converted_map("premises", refs)
        if not premises:
            return {}
        ref_of = {premise.id: ref for ref, premise in premises.items()}
        services = self.env["utility.account.service"].search(
            [
                ("premise_id", "in", list(ref_of)),
                ("account_state", "=", "active"),
                ("end_date", "=", False),
            ]
        )
        return {
            (ref_of[service.premise_id.id], service.service_type_id.code): (
                service.account_id.name
            )
            for service in services
        }

    def _check_amounts(self, ctx):
        rows = ctx["rows"]
        for kind in ("balances", "deposits"):
            for line_no, row in self._kind_rows(rows, kind):
                if row["account_number"] not in ctx["by_key"]["accounts"]:
                    self._error(
                        ctx["errors"],
                        kind,
                        line_no,
                        "account_number",
                        self.env._(
                            "Account %(number)s is not in the accounts file.",
                            number=row["account_number"],
                        ),
                    )
        for line_no, row in self._kind_rows(rows, "balances"):
            for column, _days, _label in BALANCE_BUCKETS[1:]:
                if (row[column] or 0.0) < 0:
                    self._error(
                        ctx["errors"],
                        "balances",
                        line_no,
                        column,
                        self.env._(
                            "An aged balance is never negative: a credit goes in "
                            "the current column."
                        ),
                    )
        for line_no, row in self._kind_rows(rows, "deposits"):
            if row["amount"] <= 0:
                self._error(
                    ctx["errors"],
                    "deposits",
                    line_no,
                    "amount",
                    self.env._("A deposit held is a positive amount."),
                )

    def _existing(self, model, field_name, values):
        """Values of ``values`` that records of ``model`` of the company hold."""
        if not values:
            return set()
        records = (
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search(
                [(field_name, "in", values), ("company_id", "=", self.company_id.id)]
            )
        )
        return set(records.mapped(field_name))
