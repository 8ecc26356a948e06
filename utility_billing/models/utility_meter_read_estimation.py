# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Meter reads: estimation of the reads missing at billing time (the read
estimate wizard and the billing run's Estimate Missing Reads)."""

from datetime import timedelta

from odoo import api, fields, models

from ..tools.workflow import workflow
from .utility_meter_read import READ_DOOR


class UtilityMeterRead(models.Model):
    _inherit = "utility.meter.read"

    # ------------------------------------------------------------
    # Estimation
    # ------------------------------------------------------------

    @api.model
    def _estimate_missing(
        self, cycle, read_datetime, period_start, basis="average", history_count=3
    ):
        """Estimate a read for each billed meter of ``cycle`` with no read since
        ``period_start``.

        The estimate is the average daily use (over the last ``history_count``
        actual reads, or the same period last year) times the days since the last
        read. The next actual read is measured from the estimate, which trues it up.

        :return: (estimated reads, {meter: reason} for meters left without estimate)
        """
        read_datetime = fields.Datetime.to_datetime(read_datetime)
        read_date = self._local_date(read_datetime, cycle.company_id)
        meters = self.env["utility.meter"].search(
            [
                ("state", "=", "installed"),
                ("premise_id.route_id.cycle_id", "=", cycle.id),
            ]
        )
        accounts = self._fetch_meter_accounts(meters.ids)
        meters = meters.filtered(
            lambda m: accounts.get(m.id, (0, ""))[1] in ("active", "final")
        )
        read_meter_ids = set()
        if meters:
            groups = self._read_group(
                [
                    ("meter_id", "in", meters.ids),
                    ("state", "!=", "rejected"),
                    ("read_date", ">=", period_start),
                    ("read_date", "<=", read_date),
                ],
                ["meter_id"],
                ["__count"],
            )
            read_meter_ids = {meter.id for meter, _count in groups}
        meters = meters.filtered(lambda m: m.id not in read_meter_ids)
        last_reads = self._get_last_valid_reads(meters)
        history = self._fetch_history(meters.ids)
        vals_list, skipped = [], {}
        for meter in meters:
            last = last_reads.get(meter.id)
            if not last:
                skipped[meter] = self.env._("no previous read")
                continue
            daily = None
            entries = history.get(meter.id, [])
            if basis == "last_year":
                target = read_date - timedelta(days=365)
                near = [h for h in entries if h[2] and abs((h[0] - target).days) <= 20]
                if near:
                    h = min(near, key=lambda h: abs((h[0] - target).days))
                    daily = h[1] / h[2]
            if daily is None:
                recent = [h for h in entries if h[2] and h[3] != "estimated"][
                    :history_count
                ]
                total_days = sum(h[2] for h in recent)
                if total_days:
                    daily = sum(h[1] for h in recent) / total_days
            if daily is None:
                skipped[meter] = self.env._("no usage history to estimate from")
                continue
            days = (read_date - last.read_date).days
            if days <= 0:
                skipped[meter] = self.env._("last read is not before the estimate date")
                continue
            billing_units = max(daily, 0.0) * days
            register_units = billing_units
            target_uom = meter.service_type_id.uom_id
            if target_uom and target_uom != meter.uom_id:
                register_units = target_uom._compute_quantity(
                    billing_units, meter.uom_id, round=False
                )
            reading = round(last.reading + register_units / meter.multiplier) % (
                10**meter.dials
            )
            vals_list.append(
                {
                    "meter_id": meter.id,
                    "read_datetime": read_datetime,
                    "reading": reading,
                    "read_type": "estimated",
                    "source": "system",
                    "note": self.env._(
                        "Estimated: %(daily).3f a day over %(days)s days.",
                        daily=daily,
                        days=days,
                    ),
                }
            )
        with workflow(READ_DOOR):
            return self.create(vals_list), skipped
