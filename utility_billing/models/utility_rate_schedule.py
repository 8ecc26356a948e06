# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate schedules: one version of a rate and how it rates an account's period.
Its components (with their tiers and size prices) live in
utility_rate_component.py; the New Version wizard in
wizards/utility_rate_version_wizard.py."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round
from odoo.tools.misc import format_date

from .utility_service_type import CUSTOMER_CLASSES

COMPONENT_TYPES = [
    ("fixed_size", "Fixed charge by meter size"),
    ("fixed_unit", "Fixed charge per living unit"),
    ("fixed_flat", "Flat fixed charge"),
    ("tiered", "Tiered volumetric charge"),
    ("minimum", "Minimum bill"),
    ("winter_average", "Volumetric charge on winter average"),
]
MONTHS_PER_FREQUENCY = {"monthly": 1, "bimonthly": 2, "quarterly": 3}


def parse_months(text):
    """'12,1,2' or '5-10' -> {12, 1, 2} / {5, 6, 7, 8, 9, 10}."""
    months = set()
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            start, end = (int(p) for p in part.split("-", 1))
            months.update(range(start, end + 1))
        else:
            months.add(int(part))
    if any(m < 1 or m > 12 for m in months):
        raise ValueError(text)
    return months


class UtilityRateSchedule(models.Model):
    """One version of a rate, in effect from a date until the next version starts.

    Versions of the same rate share a code. Each version records the resolution
    or ordinance that adopted it (the Prop 218 audit trail). Only managers create
    or change rates; every change is tracked, and a version that has been billed
    can no longer be changed: adopt a new version instead.
    """

    _name = "utility.rate.schedule"
    _description = "Utility Rate Schedule"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "code, effective_from desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        index=True,
        tracking=True,
        help="Versions of the same rate share this code, e.g. W-RES.",
    )
    service_type_id = fields.Many2one(
        "utility.service.type", required=True, tracking=True, check_company=True
    )
    customer_class = fields.Selection(
        CUSTOMER_CLASSES, tracking=True, help="Leave empty for every class."
    )
    effective_from = fields.Date(required=True, tracking=True, index=True)
    effective_to = fields.Date(
        compute="_compute_effective_to",
        store=True,
        help="The day before the next version of the same code starts.",
    )
    resolution = fields.Char(
        string="Adopting Resolution / Ordinance",
        required=True,
        tracking=True,
        help="E.g. Resolution No. 2024-15; the Prop 218 hearing that adopted this "
        "rate.",
    )
    resolution_date = fields.Date(tracking=True)
    rate_change_method = fields.Selection(
        [
            ("prorate", "Prorate by days"),
            ("read_date", "Rate in effect on the read date"),
        ],
        string="When a Period Spans a Rate Change",
        required=True,
        default="prorate",
        tracking=True,
    )
    component_ids = fields.One2many(
        "utility.rate.component", "schedule_id", string="Components", copy=True
    )
    billed = fields.Boolean(
        readonly=True, copy=False, help="Used on a posted bill: the version is locked."
    )
    note = fields.Html()
    active = fields.Boolean(default=True, tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "code_from_company_uniq",
            "unique(code, effective_from, company_id)",
            "Two versions of a rate cannot start on the same day.",
        ),
    ]

    @api.depends("code", "effective_from", "company_id")
    def _compute_effective_to(self):
        codes = self.search(
            [
                ("code", "in", self.mapped("code")),
                ("company_id", "in", self.company_id.ids),
            ]
        )
        for schedule in self:
            later = codes.filtered(
                lambda s, sch=schedule: (
                    s.code == sch.code
                    and s.company_id == sch.company_id
                    and s.effective_from
                    and sch.effective_from
                    and s.effective_from > sch.effective_from
                )
            )
            start = min(later.mapped("effective_from")) if later else False
            schedule.effective_to = start and fields.Date.subtract(start, days=1)

    @api.model_create_multi
    def create(self, vals_list):
        schedules = super().create(vals_list)
        schedules._recompute_siblings()
        return schedules

    def write(self, vals):
        locked = self.filtered("billed")
        allowed = {"active", "note", "message_main_attachment_id"}
        if locked and set(vals) - allowed:
            raise UserError(
                self.env._(
                    "Rate %(name)s (effective %(date)s) has been billed and is locked: "
                    "adopt a new version instead.",
                    name=locked[0].name,
                    date=locked[0].effective_from,
                )
            )
        res = super().write(vals)
        if {"code", "effective_from"} & set(vals):
            self._recompute_siblings()
        return res

    def _check_not_billed(self):
        """Refuse changes to the components, tiers and meter-size charges of a
        billed version."""
        if self.filtered("billed"):
            raise UserError(
                self.env._(
                    "This rate has been billed and is locked: adopt a new version."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_not_billed(self):
        if self.filtered("billed"):
            raise UserError(
                self.env._("A rate that has been billed cannot be deleted.")
            )

    def _recompute_siblings(self):
        siblings = self.search(
            [
                ("code", "in", self.mapped("code")),
                ("company_id", "in", self.company_id.ids),
            ]
        )
        siblings._compute_effective_to()

    def action_new_version(self):
        """Open a copy of this version, to be given its start date and resolution."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Rate Version"),
            "res_model": "utility.rate.version.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_schedule_id": self.id},
        }

    def _new_version(self, effective_from, resolution, resolution_date=False):
        self.ensure_one()
        if effective_from <= self.effective_from:
            raise ValidationError(
                self.env._(
                    "The new version must start after %(date)s, when this version "
                    "started.",
                    date=self.effective_from,
                )
            )
        return self.copy(
            {
                "effective_from": effective_from,
                "resolution": resolution,
                "resolution_date": resolution_date,
                "name": self.name,
            }
        )

    # ------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------

    def _get_versions(self, date_from, date_to):
        """Versions of this rate (same code) in effect during [date_from, date_to]."""
        self.ensure_one()
        versions = self.with_context(active_test=False).search(
            [
                ("code", "=", self.code),
                ("company_id", "=", self.company_id.id),
                ("effective_from", "<=", date_to),
                "|",
                ("effective_to", "=", False),
                ("effective_to", ">=", date_from),
            ],
            order="effective_from",
        )
        return versions

    def _rate(self, ctx):
        """Charges of this rate for one service in one billing period.

        :param ctx: dict with ``date_from``, ``date_to`` (the billing period),
            ``period_days`` (days of a full period), ``consumption`` (billing
            units), ``meter_size``, ``living_units``, ``winter_average`` (units
            or None), ``months`` (months a full period covers), ``read_date``,
            ``proration`` (share of a full period billed, 1.0 normally; less on
            a final bill); optionally ``versions_cache``, a dict in which the
            versions in effect are kept for the next services rated with the
            same rate and dates (a billing run: one search per rate, not one
            per service).
        :return: list of charge dicts: ``component``, ``name``, ``quantity``,
            ``price_unit``, ``product``
        """
        self.ensure_one()
        cache = ctx.get("versions_cache")
        key = (self.id, ctx["date_from"], ctx["date_to"])
        if cache is not None and key in cache:
            # Cached by a run for its other accounts, maybe in another
            # language: the labels are in this environment's.
            versions = cache[key].with_env(self.env)
        else:
            versions = self._get_versions(ctx["date_from"], ctx["date_to"])
            if cache is not None:
                cache[key] = versions
        if not versions:
            raise UserError(
                self.env._(
                    "Rate %(code)s has no version in effect between %(start)s and "
                    "%(end)s.",
                    code=self.code,
                    start=ctx["date_from"],
                    end=ctx["date_to"],
                )
            )
        if len(versions) == 1 or self.rate_change_method == "read_date":
            read_date = ctx.get("read_date") or ctx["date_to"]
            version = (
                versions.filtered(
                    lambda v: (
                        v.effective_from <= read_date
                        and (not v.effective_to or v.effective_to >= read_date)
                    )
                )[:1]
                or versions[-1]
            )
            return version._rate_version(ctx, 1.0)
        charges = []
        total_days = (ctx["date_to"] - ctx["date_from"]).days + 1
        for version in versions:
            start = max(version.effective_from, ctx["date_from"])
            end = min(version.effective_to or ctx["date_to"], ctx["date_to"])
            days = (end - start).days + 1
            if days <= 0:
                continue
            share = days / total_days
            for charge in version._rate_version(ctx, share):
                charge["name"] = self.env._(
                    "%(name)s (%(start)s to %(end)s, %(days)s days)",
                    name=charge["name"],
                    start=format_date(self.env, start),
                    end=format_date(self.env, end),
                    days=days,
                )
                charges.append(charge)
        return charges

    def _rate_version(self, ctx, share):
        """Charges of this version for ``share`` of the period (1.0 = all of it)."""
        self.ensure_one()
        charges = []
        minimum = self.env["utility.rate.component"]
        for component in self.component_ids.sorted("sequence"):
            if component.component_type == "minimum":
                minimum |= component
                continue
            charges += component._compute_charges(ctx, share)
        for component in minimum:
            total = sum(
                float_round(c["quantity"] * c["price_unit"], precision_digits=2)
                for c in charges
            )
            floor = (
                component.amount
                * ctx.get("proration", 1.0)
                * share
                * ctx.get("months", 1)
            )
            if total < floor:
                charges.append(
                    component._charge(
                        self.env._("%(name)s: minimum bill", name=component.name),
                        1.0,
                        float_round(floor - total, precision_digits=2),
                    )
                )
        return charges


# Silence "imported but unused" for Command kept for subclasses' convenience.
__all__ = ["Command", "parse_months"]
