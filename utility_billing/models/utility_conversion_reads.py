# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: the read history (``reads.csv``). Checked with the
file set (meter known, dates not after the cut-over, readings not going
down), loaded through the read's own door as billed history (the legacy
system billed them), so that the first billing run after go-live measures
from the last converted read; proved by the last-read sum per route."""

# pylint: disable=consider-merging-classes-inherited
import re
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

# Meters loaded (and their reads created) per batch: memory stays flat
# whatever the size of the city.
READ_BATCH_METERS = 2000


class UtilityConversion(models.Model):
    _inherit = "utility.conversion"

    reads_file = fields.Binary(string="Read History File", attachment=True, copy=False)
    reads_filename = fields.Char(copy=False)
    legacy_route_reads = fields.Text(
        string="Legacy Last-Read Sums",
        tracking=True,
        help="The legacy system's sum of the last reading of every meter, one "
        "route a line: route code, then the sum (R01: 1234567).",
    )

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def _check_references(self, rows, errors):
        res = super()._check_references(rows, errors)
        self._check_reads(rows, errors)
        return res

    def _check_reads(self, rows, errors):
        """Meter of each read in the meters file or converted before, its
        account likewise; dates not after the cut-over; readings of a meter
        never going down from one date to the next.

        The read history (``STREAMED_KINDS``) is never held whole: its staged
        rows are read back by batches (three columns), and the readings going
        down are found in SQL (only those are fetched). Errors in the order
        of the lines, then the readings going down by meter (in the order of
        the meters' first lines) and date, as when the rows were held."""
        self.env["utility.conversion.line"].flush_model()
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT 1 FROM utility_conversion_line "
                "WHERE conversion_id = %s AND kind = 'reads' LIMIT 1",
                self.id,
            )
        )
        if not cr.fetchone():
            return
        # The staged reads' meters and accounts in no file: converted before?
        # (Their distinct keys only: a meter's reads are many.)
        meters = {row["serial"] for _l, row in rows.get("meters", [])}
        accounts = {row["account_number"] for _l, row in rows.get("accounts", [])}
        known = {}
        for kind, column, in_files in (
            ("meters", "meter_serial", meters),
            ("accounts", "account_number", accounts),
        ):
            cr.execute(
                SQL(
                    "SELECT DISTINCT data->>%s FROM utility_conversion_line "
                    "WHERE conversion_id = %s AND kind = 'reads' "
                    "AND jsonb_typeof(data->%s) = 'string'",
                    column,
                    self.id,
                    column,
                )
            )
            keys = {key for (key,) in cr.fetchall()} - in_files
            known[kind] = in_files | set(self._converted_map(kind, list(keys)))
        cutover = fields.Date.to_string(self.cutover_date)
        for line_no, serial, number, day in self._iter_staged(
            "reads", ["meter_serial", "account_number", "read_date"]
        ):
            if serial not in known["meters"]:
                self._error(
                    errors,
                    "reads",
                    line_no,
                    "meter_serial",
                    self.env._(
                        "Meter %(serial)s is not in the meters file.", serial=serial
                    ),
                )
            if number and number not in known["accounts"]:
                self._error(
                    errors,
                    "reads",
                    line_no,
                    "account_number",
                    self.env._(
                        "Account %(number)s is not in the accounts file.",
                        number=number,
                    ),
                )
            if day > cutover:
                self._error(
                    errors,
                    "reads",
                    line_no,
                    "read_date",
                    self.env._(
                        "The read date %(date)s is after the cut-over date "
                        "%(cutover)s.",
                        date=day,
                        cutover=cutover,
                    ),
                )
        # Readings going down: each read against the one before it (by date)
        # of its meter, sorted by the database.
        cr.execute(
            SQL(
                """SELECT serial, read_date, line_no, reading, before
                     FROM (SELECT rd.data->>'meter_serial' AS serial,
                                  rd.data->>'read_date' AS read_date,
                                  rd.line_no,
                                  rd.data->'reading' AS reading,
                                  (rd.data->>'reading')::numeric AS amount,
                                  lag(rd.data->'reading') OVER meter AS before,
                                  lag((rd.data->>'reading')::numeric) OVER meter
                                      AS amount_before,
                                  min(rd.line_no) OVER (
                                      PARTITION BY rd.data->>'meter_serial'
                                  ) AS first_line
                             FROM utility_conversion_line rd
                            WHERE rd.conversion_id = %s AND rd.kind = 'reads'
                           WINDOW meter AS (
                                  PARTITION BY rd.data->>'meter_serial'
                                  ORDER BY rd.data->>'read_date' COLLATE "C",
                                           rd.line_no)
                          ) rd
                    WHERE amount < amount_before
                 ORDER BY first_line, read_date COLLATE "C", line_no""",
                self.id,
            )
        )
        for serial, day, line, reading, before in cr.fetchall():
            self._error(
                errors,
                "reads",
                line,
                "reading",
                self.env._(
                    "Meter %(serial)s reads %(reading)s on %(date)s, less "
                    "than %(before)s on the read before: a rollover or a "
                    "meter change-out is converted as a new meter.",
                    serial=serial,
                    reading=float(reading),
                    date=day,
                    before=float(before),
                ),
            )

    # ------------------------------------------------------------
    # Load
    # ------------------------------------------------------------

    def _load(self):
        created = super()._load()
        return created + self._load_reads()

    def _load_reads(self):
        """Create the read history through the read's door, billed (the legacy
        system billed it), by batches of meters; a read of a meter at a date
        that already has a live read is found again, not created. Return how
        many reads were created."""
        self.ensure_one()
        Line = self.env["utility.conversion.line"]
        self.env.cr.execute(
            SQL(
                "SELECT id, data->>'meter_serial' FROM utility_conversion_line "
                "WHERE conversion_id = %s AND kind = 'reads'",
                self.id,
            )
        )
        line_ids_by_serial = defaultdict(list)
        for line_id, serial in self.env.cr.fetchall():
            line_ids_by_serial[serial].append(line_id)
        serials = list(line_ids_by_serial)
        created = 0
        Read = self.env["utility.meter.read"].sudo()
        company = self.company_id
        moments = {}
        for start in range(0, len(serials), READ_BATCH_METERS):
            chunk = serials[start : start + READ_BATCH_METERS]
            meters = self._converted_map("meters", chunk)
            lines = Line.browse(
                [i for serial in chunk for i in line_ids_by_serial[serial]]
            )
            numbers = {ln.data["account_number"] for ln in lines} - {False, None}
            accounts = self._converted_map("accounts", list(numbers))
            existing = self._existing_read_days([m.id for m in meters.values()])
            vals_list = []
            for line in lines:
                row = line.data
                meter = meters[row["meter_serial"]]
                if (meter.id, row["read_date"]) in existing:
                    continue
                day = row["read_date"]
                if day not in moments:
                    # The keyed local date at noon in the company's zone (as
                    # the read would store it), worked out once a date.
                    moments[day] = company._utility_local_to_utc(
                        fields.Date.to_date(day)
                    )
                vals = {
                    "meter_id": meter.id,
                    "read_datetime": moments[day],
                    "reading": row["reading"],
                    "read_type": row["read_type"],
                    "source": "system"
                    if row["read_type"] == "estimated"
                    else "handheld",
                    "state": "billed",
                }
                if row["account_number"]:
                    vals["account_id"] = accounts[row["account_number"]].id
                vals_list.append(vals)
            if vals_list:
                # Inserted, not created one by one: the stored values are the
                # same (a test proves it), for a fraction of the time.
                Read._create_reads(vals_list, check_duplicates=False, insert=True)
                created += len(vals_list)
            self.env.flush_all()
            self.env.invalidate_all()
        return created

    def _existing_read_days(self, meter_ids):
        """{(meter_id, local read date as text)} of the live reads of meters."""
        if not meter_ids:
            return set()
        self.env["utility.meter.read"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT meter_id, read_date FROM utility_meter_read "
                "WHERE meter_id = ANY(%s) AND state != 'rejected'",
                meter_ids,
            )
        )
        return {(m, fields.Date.to_string(d)) for m, d in self.env.cr.fetchall()}

    # ------------------------------------------------------------
    # Proof: last-read sum per route
    # ------------------------------------------------------------

    def _legacy_route_sums(self):
        """{route code: legacy last-read sum} keyed in legacy_route_reads."""
        sums = {}
        for text in (self.legacy_route_reads or "").splitlines():
            match = re.fullmatch(r"\s*([^:=\s]+)\s*[:=\s]\s*([-+]?[\d.,]+)\s*", text)
            if match:
                sums[match[1]] = float(match[2].replace(",", ""))
        return sums

    def _loaded_route_sums(self):
        """{route code: sum of the last reading of the converted meters}."""
        sums = defaultdict(float)
        if not self._origin.id:
            return sums
        self._flush_proof()
        self.env["utility.meter"].flush_model(["premise_id"])
        self.env["utility.premise"].flush_model(["route_id"])
        self.env["utility.meter.read"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT route.code, sum(last.reading)
                     FROM (SELECT DISTINCT ON (meter_id) meter_id, reading
                             FROM utility_meter_read
                            WHERE meter_id IN %s AND state != 'rejected'
                         ORDER BY meter_id, read_datetime DESC, id DESC) last
                     JOIN utility_meter meter ON meter.id = last.meter_id
                     JOIN utility_premise premise ON premise.id = meter.premise_id
                     JOIN utility_route route ON route.id = premise.route_id
                 GROUP BY route.code""",
                self._proof_query("meter_ids").subselect(),
            )
        )
        for code, total in self.env.cr.fetchall():
            sums[code] = float(total)
        return sums

    @api.depends("legacy_route_reads")
    def _compute_proof(self):
        res = super()._compute_proof()
        for conversion in self:
            legacy = conversion._legacy_route_sums()
            if not legacy and not conversion.reads_file:
                continue
            loaded = conversion._loaded_route_sums()
            rows = []
            for code in sorted(set(legacy) | set(loaded)):
                before, after = legacy.get(code, 0.0), loaded.get(code, 0.0)
                difference = round(after - before, 3)
                tie = not difference
                conversion.proof_ties = conversion.proof_ties and tie
                rows.append(
                    Markup(
                        "<tr><td>%s</td><td class='text-end'>%s</td>"
                        "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                        "<td class='%s'><strong>%s</strong></td></tr>"
                    )
                    % (
                        self.env._("Last-read sum, route %(route)s", route=code),
                        f"{before:,.3f}",
                        f"{after:,.3f}",
                        f"{difference:,.3f}",
                        "text-success" if tie else "text-danger",
                        self.env._("TIES") if tie else self.env._("DIFFERENCE"),
                    )
                )
            conversion.proof_html = Markup(
                str(conversion.proof_html or "").replace(
                    "</tbody>", str(Markup().join(rows)) + "</tbody>", 1
                )
            )
        return res
