# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Meter reads: how a read is prepared before it is created (previous read,
history, account, consumption with rollover and multiplier) and checked
against the exception rules; later reads recomputed after a correction."""

from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_round

from ..tools.workflow import workflow
from .utility_meter_read import READ_DOOR, ROLLOVER_MAX_FRACTION


class UtilityMeterRead(models.Model):
    _inherit = "utility.meter.read"

    @api.model
    def _get_last_valid_reads(self, meters):
        """{meter_id: read}: the last read of each meter that is not rejected."""
        if not meters:
            return {}
        self.flush_model(["meter_id", "state", "read_datetime"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (meter_id) meter_id, id
                     FROM utility_meter_read
                    WHERE meter_id = ANY(%s) AND state != 'rejected'
                 ORDER BY meter_id, read_datetime DESC, id DESC""",
                list(meters.ids),
            )
        )
        return {
            meter_id: self.browse(read_id)
            for meter_id, read_id in self.env.cr.fetchall()
        }

    @api.model
    def _fetch_previous(self, keys):
        """Previous non-rejected read for each (meter_id, read_datetime) in keys.

        :return: list aligned with keys of tuples
            (id, reading, read_datetime, read_type) or None
        """
        if not keys:
            return []
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT v.idx, p.id, p.reading, p.read_datetime, p.read_type
                     FROM unnest(%s::int[], %s::timestamp[], %s::int[])
                          AS v(meter_id, dt, idx)
                     JOIN LATERAL (
                          SELECT r.id, r.reading, r.read_datetime, r.read_type
                            FROM utility_meter_read r
                           WHERE r.meter_id = v.meter_id
                             AND r.state != 'rejected'
                             AND r.read_datetime < v.dt
                             AND r.id != ALL(%s::int[])
                        ORDER BY r.read_datetime DESC, r.id DESC
                           LIMIT 1) p ON TRUE""",
                [k[0] for k in keys],
                [k[1] for k in keys],
                list(range(len(keys))),
                [k[2] or 0 for k in keys],
            )
        )
        result = [None] * len(keys)
        for idx, read_id, reading, read_dt, read_type in self.env.cr.fetchall():
            result[idx] = (read_id, reading, read_dt, read_type)
        return result

    @api.model
    def _fetch_history(self, meter_ids, depth=14):
        """Last ``depth`` valid or billed reads with consumption, per meter.

        :return: {meter_id: [(read_date, consumption, days, read_type), ...]}
            newest first
        """
        if not meter_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT meter_id, read_date, consumption, days, read_type
                     FROM (SELECT meter_id, read_date, consumption, days, read_type,
                                  row_number() OVER (PARTITION BY meter_id
                                         ORDER BY read_datetime DESC, id DESC) AS rn
                             FROM utility_meter_read
                            WHERE meter_id = ANY(%s)
                              AND state IN ('valid', 'billed')
                              AND read_type != 'initial') h
                    WHERE rn <= %s
                 ORDER BY meter_id, rn""",
                list(meter_ids),
                depth,
            )
        )
        history = {}
        for meter_id, read_date, consumption, days, read_type in self.env.cr.fetchall():
            history.setdefault(meter_id, []).append(
                (read_date, consumption, days, read_type)
            )
        return history

    @api.model
    def _fetch_meter_accounts(self, meter_ids):
        """{meter_id: (account_id, account_state, premise_id)} for the account
        currently served through each meter (active first, then final)."""
        if not meter_ids:
            return {}
        self.env["utility.account.service"].flush_model()
        self.env["utility.account"].flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (s.meter_id) s.meter_id, a.id, a.state
                     FROM utility_account_service s
                     JOIN utility_account a ON a.id = s.account_id
                    WHERE s.meter_id = ANY(%s)
                      AND a.state IN ('active', 'final', 'draft')
                 ORDER BY s.meter_id,
                          CASE a.state WHEN 'active' THEN 0
                                      WHEN 'final' THEN 1 ELSE 2 END,
                          a.id DESC""",
                list(meter_ids),
            )
        )
        return {
            meter_id: (account_id, state)
            for meter_id, account_id, state in self.env.cr.fetchall()
        }

    @api.model
    def _prepare_reads(self, vals_list, user_values=False):
        """Complete read values with previous read, consumption and exception.

        Works on the whole batch with a fixed number of queries. Values that set
        ``state`` explicitly keep it (e.g. reads migrated as billed): only server
        code does. ``user_values``: a user's read names no account or premise
        but the meter's own.
        """
        vals_list = [dict(vals) for vals in vals_list]
        Meter = self.env["utility.meter"]
        meter_ids = list(
            {vals["meter_id"] for vals in vals_list if vals.get("meter_id")}
        )
        meters = Meter.browse(meter_ids)
        meters.fetch(
            [
                "dials",
                "multiplier",
                "uom_id",
                "service_type_id",
                "premise_id",
                "company_id",
            ]
        )
        # The exception checks read the premise's customer class: load it for the
        # whole batch, and use the batch's records (one prefetch set), not one
        # browse() per read, which would cost a query per read.
        meters.premise_id.fetch(["customer_class"])
        meter_by_id = {meter.id: meter for meter in meters}
        meter_accounts = self._fetch_meter_accounts(meter_ids)
        for vals in vals_list:
            if not vals.get("meter_id"):
                raise ValidationError(self.env._("A meter read needs a meter."))
            meter = meter_by_id[vals["meter_id"]]
            vals["read_datetime"] = self._to_read_datetime(
                vals.get("read_datetime"), meter.company_id
            )
            if user_values:
                self._check_user_account(vals, meter, meter_accounts)
            vals.setdefault("company_id", meter.company_id.id)
            vals.setdefault("premise_id", meter.premise_id.id)
            if not vals.get("account_id") and vals["meter_id"] in meter_accounts:
                vals["account_id"] = meter_accounts[vals["meter_id"]][0]
        # Previous read: from the database, or an earlier read of the same batch.
        order = sorted(
            range(len(vals_list)),
            key=lambda i: (vals_list[i]["meter_id"], vals_list[i]["read_datetime"]),
        )
        correction_ids = [vals.get("correction_of_id") for vals in vals_list]
        previous = self._fetch_previous(
            [
                (vals["meter_id"], vals["read_datetime"], correction_ids[i])
                for i, vals in enumerate(vals_list)
            ]
        )
        last_in_batch = {}
        for i in order:
            vals = vals_list[i]
            prev = previous[i]
            batch_prev = last_in_batch.get(vals["meter_id"])
            if (
                batch_prev
                and (not prev or batch_prev[2] >= prev[2])
                and batch_prev[2] < vals["read_datetime"]
            ):
                prev = batch_prev
            previous[i] = prev
            last_in_batch[vals["meter_id"]] = (
                None,
                vals["reading"],
                vals["read_datetime"],
                vals.get("read_type", "actual"),
            )
        history = self._fetch_history(meter_ids)
        resolve = self.env["utility.read.exception.rule"]._get_rule_resolver(
            meters.company_id
        )
        for i, vals in enumerate(vals_list):
            meter = meter_by_id[vals["meter_id"]]
            self._compute_consumption_vals(vals, meter, previous[i])
            if "state" not in vals:
                account = meter_accounts.get(vals["meter_id"])
                code, note = self._check_exceptions(
                    vals, meter, account, history.get(meter.id, []), resolve
                )
                vals["exception_code"] = code
                vals["exception_note"] = note
                vals["state"] = "to_review" if code else "valid"
        return vals_list

    @api.model
    def _check_user_account(self, vals, meter, meter_accounts):
        """A read a user enters belongs to the account served through its meter
        and to the meter's premise: it is not attributed elsewhere."""
        account_id = meter_accounts.get(meter.id, (False,))[0]
        if vals.get("account_id") and vals["account_id"] != account_id:
            raise UserError(
                self.env._(
                    "Meter %(serial)s does not serve the account given: a read "
                    "belongs to the account served through its meter.",
                    serial=meter.serial,
                )
            )
        if vals.get("premise_id") and vals["premise_id"] != meter.premise_id.id:
            raise UserError(
                self.env._(
                    "Meter %(serial)s is not installed at the premise given: a "
                    "read belongs to the meter's premise.",
                    serial=meter.serial,
                )
            )

    @api.model
    def _compute_consumption_vals(self, vals, meter, prev):
        """Fill previous read, days, rollover and consumption in ``vals``."""
        read_type = vals.get("read_type", "actual")
        reading = vals["reading"]
        if read_type == "initial" or not prev:
            vals.update(
                previous_read_id=False,
                previous_reading=0.0,
                days=0,
                rollover=False,
                raw_consumption=0.0,
                consumption=0.0,
            )
            return
        prev_id, prev_reading, prev_dt, prev_type = prev
        delta = reading - prev_reading
        rollover = False
        if delta < 0:
            capacity = 10**meter.dials
            wrapped = reading + capacity - prev_reading
            # After an estimate, a lower reading is the true-up of an
            # over-estimate unless the wrap is the smaller, likelier step.
            if wrapped <= capacity * ROLLOVER_MAX_FRACTION and (
                prev_type != "estimated" or wrapped < -delta
            ):
                delta = wrapped
                rollover = True
            # else: a negative delta stays negative. After an estimate it is the
            # true-up of an over-estimate; otherwise it is flagged 'negative'.
        raw = float_round(delta * meter.multiplier, precision_digits=3)
        vals.update(
            previous_read_id=prev_id or False,
            previous_reading=prev_reading,
            days=(
                self._local_date(vals["read_datetime"], meter.company_id)
                - self._local_date(prev_dt, meter.company_id)
            ).days,
            rollover=rollover,
            raw_consumption=raw,
            consumption=float_round(meter._to_billing_units(raw), precision_digits=3),
        )

    @api.model
    def _check_exceptions(self, vals, meter, account, history, resolve):
        """(exception_code, note) of a read about to be created, or (False, False)."""
        read_type = vals.get("read_type", "actual")
        if read_type == "initial":
            return False, False
        consumption = vals["consumption"]
        company_id = meter.company_id.id
        service_type_id = meter.service_type_id.id
        customer_class = meter.premise_id.customer_class
        read_date = self._local_date(vals["read_datetime"], meter.company_id)
        history = [h for h in history if h[0] and h[0] < read_date]

        def rule(code):
            return resolve(company_id, code, service_type_id, customer_class)

        if vals.get("previous_read_id") is not None and consumption < 0:
            prev_estimated = False
            if vals.get("previous_read_id"):
                prev_estimated = (
                    self.browse(vals["previous_read_id"]).read_type == "estimated"
                )
            if not prev_estimated and rule("negative"):
                return "negative", self.env._(
                    "Reading %(reading)s is below the previous reading %(previous)s "
                    "and is not a plausible rollover of a %(dials)s-dial register.",
                    reading=vals["reading"],
                    previous=vals["previous_reading"],
                    dials=meter.dials,
                )
        account_state = account[1] if account else False
        if (
            consumption > 0
            and account_state not in ("active", "final")
            and rule("inactive")
        ):
            return "inactive", self.env._(
                "Use recorded on a meter with no active account."
            )
        if read_type == "estimated":
            return self._check_estimates(rule("estimates"), history)
        if not vals.get("previous_read_id"):
            return False, False
        if consumption == 0 and account_state == "active" and rule("zero"):
            return "zero", self.env._("No use recorded on an active account.")
        days = vals.get("days") or 0
        if consumption <= 0 or days <= 0:
            return False, False
        return self._check_usage(consumption, days, history, read_date, rule)

    @api.model
    def _check_estimates(self, rule, history):
        """Flag an estimate beyond the consecutive estimates the rule allows."""
        if not rule:
            return False, False
        consecutive = 0
        for h in history:
            if h[3] != "estimated":
                break
            consecutive += 1
        if consecutive + 1 > rule.max_estimates:
            return "estimates", self.env._(
                "%(count)s consecutive estimates (%(max)s allowed).",
                count=consecutive + 1,
                max=rule.max_estimates,
            )
        return False, False

    @api.model
    def _check_usage(self, consumption, days, history, read_date, rule):
        """High and low use against the reference daily use."""
        daily = consumption / days
        for code in ("high", "low"):
            r = rule(code)
            if not r:
                continue
            reference = self._reference_daily_use(r, history, read_date)
            if reference is None:
                continue
            factor = r.threshold_percent / 100.0
            if (
                code == "high"
                and consumption >= r.min_consumption
                and daily > reference * (1 + factor)
            ):
                return "high", self.env._(
                    "Daily use %(daily).3f is more than %(pct)s%% above the reference "
                    "%(ref).3f.",
                    daily=daily,
                    pct=r.threshold_percent,
                    ref=reference,
                )
            if code == "low" and daily < reference * (1 - factor):
                return "low", self.env._(
                    "Daily use %(daily).3f is more than %(pct)s%% below the reference "
                    "%(ref).3f.",
                    daily=daily,
                    pct=r.threshold_percent,
                    ref=reference,
                )
        return False, False

    @api.model
    def _reference_daily_use(self, rule, history, read_date):
        """Average daily use the read is compared with, or None without history."""
        if rule.basis == "last_year":
            target = read_date - timedelta(days=365)
            candidates = [
                h for h in history if h[2] and abs((h[0] - target).days) <= 20
            ]
            if not candidates:
                return None
            h = min(candidates, key=lambda h: abs((h[0] - target).days))
            return h[1] / h[2]
        recent = [h for h in history if h[2] and h[3] != "estimated"][
            : rule.history_count
        ]
        if not recent:
            return None
        total_days = sum(h[2] for h in recent)
        return sum(h[1] for h in recent) / total_days if total_days else None

    def _recompute_later_reads(self):
        """Recompute consumption of unbilled reads that follow these reads.

        A correction, a rejection or a back-dated read changes what the next read
        of the meter is measured from.
        """
        if not self:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (later.meter_id) later.id
                     FROM utility_meter_read later
                     JOIN utility_meter_read r ON r.meter_id = later.meter_id
                    WHERE r.id = ANY(%s)
                      AND later.id != ALL(%s)
                      AND later.read_datetime > r.read_datetime
                      AND later.state IN ('valid', 'to_review')
                 ORDER BY later.meter_id, later.read_datetime, later.id""",
                self.ids,
                self.ids,
            )
        )
        later = self.browse([row[0] for row in self.env.cr.fetchall()])
        for read in later:
            prev = self._fetch_previous(
                [(read.meter_id.id, read.read_datetime, read.id)]
            )[0]
            vals = {
                "reading": read.reading,
                "read_datetime": read.read_datetime,
                "read_type": read.read_type,
            }
            self._compute_consumption_vals(vals, read.meter_id, prev)
            changes = {
                k: v
                for k, v in vals.items()
                if k not in ("reading", "read_datetime", "read_type")
                and (read[k].id if k == "previous_read_id" and read[k] else read[k])
                != v
            }
            if changes.get("consumption", 0) < 0 and read.state == "valid":
                # A read turned negative goes back to review, as it would at entry.
                Rule = self.env["utility.read.exception.rule"]
                resolve = Rule._get_rule_resolver(read.company_id)
                code, note = self._check_exceptions(
                    vals, read.meter_id, None, [], resolve
                )
                if code == "negative":
                    changes.update(
                        exception_code=code, exception_note=note, state="to_review"
                    )
            if changes:
                with workflow(READ_DOOR):
                    read._tracked().write(changes)
