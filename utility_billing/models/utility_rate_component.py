# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate components (the charges of a rate schedule) with their pure one2many
children, the tiers and the prices by meter size."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from ..tools.formatting import format_number
from .utility_meter import METER_SIZES
from .utility_rate_schedule import COMPONENT_TYPES, parse_months


class UtilityRateComponent(models.Model):
    """A charge of a rate: fixed by meter size, per unit, flat, tiered, minimum,
    or on a winter average. Each maps to a product: its income account and taxes
    are what the bill line posts with."""

    _name = "utility.rate.component"
    _description = "Utility Rate Component"
    _order = "schedule_id, sequence, id"

    schedule_id = fields.Many2one(
        "utility.rate.schedule", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    component_type = fields.Selection(COMPONENT_TYPES, required=True)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        help="The bill line uses this product's income account and taxes.",
    )
    amount = fields.Float(
        aggregator=None,
        digits="Product Price",
        help="Per month: the flat charge, the charge per living unit, or the "
        "minimum bill.",
    )
    size_price_ids = fields.One2many(
        "utility.rate.size.price",
        "component_id",
        string="Charge by Meter Size",
        copy=True,
    )
    tier_ids = fields.One2many(
        "utility.rate.tier", "component_id", string="Tiers", copy=True
    )
    scale_tiers_to_days = fields.Boolean(
        string="Scale Tier Limits to Days",
        help="Tier limits are per 30 days and scaled to the days of the period.",
    )
    seasonal = fields.Boolean(help="Summer and winter tier sets.")
    summer_months = fields.Char(
        default="5-10", help="Months using the summer tiers, e.g. 5-10 or 6,7,8,9."
    )
    unit_price = fields.Float(
        aggregator=None,
        digits="Product Price",
        help="Winter average: price per billing unit.",
    )
    winter_months = fields.Char(
        default="12,1,2", help="Months whose average water use is billed, e.g. 12,1,2."
    )
    winter_cap = fields.Float(
        aggregator=None,
        string="Monthly Cap (units)",
        help="Winter average: most units billed per month.",
    )
    class_default_units = fields.Float(
        aggregator=None,
        string="Default Units",
        help="Winter average: monthly units billed when the customer has no winter "
        "history.",
    )
    company_id = fields.Many2one(
        related="schedule_id.company_id", store=True, index=True
    )

    @api.constrains("summer_months", "winter_months", "seasonal", "component_type")
    def _check_months(self):
        for component in self:
            for field_name in ("summer_months", "winter_months"):
                try:
                    parse_months(component[field_name])
                except ValueError as exc:
                    raise ValidationError(
                        self.env._(
                            "Rate component %(name)s: '%(value)s' is not a list of "
                            "months "
                            "(e.g. 12,1,2 or 5-10).",
                            name=component.name,
                            value=component[field_name],
                        )
                    ) from exc

    @api.constrains("tier_ids", "component_type")
    def _check_tiers(self):
        for component in self.filtered(lambda c: c.component_type == "tiered"):
            for season in {t.season for t in component.tier_ids}:
                tiers = component.tier_ids.filtered(
                    lambda t, s=season: t.season == s
                ).sorted("sequence")
                limits = [t.upper_limit for t in tiers]
                if limits and limits[-1]:
                    raise ValidationError(
                        self.env._(
                            "Rate component %(name)s: the last tier must have no "
                            "upper limit "
                            "(leave it at 0).",
                            name=component.name,
                        )
                    )
                bounded = limits[:-1]
                if any(not lim for lim in bounded) or bounded != sorted(bounded):
                    raise ValidationError(
                        self.env._(
                            "Rate component %(name)s: tier limits must increase.",
                            name=component.name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        components = super().create(vals_list)
        components.schedule_id._check_not_billed()
        return components

    def write(self, vals):
        self.schedule_id._check_not_billed()
        for component in self:
            component.schedule_id.message_post(
                body=self.env._(
                    "Component %(name)s changed: %(fields)s.",
                    name=component.name,
                    fields=", ".join(sorted(vals)),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_not_billed(self):
        self.schedule_id._check_not_billed()

    def _charge(self, name, quantity, price_unit):
        return {
            "component": self,
            "name": name,
            "quantity": quantity,
            "price_unit": price_unit,
            "product": self.product_id,
        }

    def _compute_charges(self, ctx, share):
        """Charges of this component for ``share`` of the period.

        Each component type is priced by its own method,
        ``_charges_<component_type>(ctx, share)``: a module adding a type to the
        selection adds that method. ``minimum`` is applied by the version, over
        the other components' charges (``_rate_version``).
        """
        self.ensure_one()
        method = getattr(self, f"_charges_{self.component_type}", None)
        return method(ctx, share) if method else []

    def _period_factor(self, ctx, share):
        """Full periods a fixed charge bills: the proration (a final bill), the
        share of the period (a rate change) and the months the period covers."""
        return ctx.get("proration", 1.0) * share * ctx.get("months", 1)

    def _charges_fixed_flat(self, ctx, share):
        return [
            self._charge(
                self.name, round(self._period_factor(ctx, share), 4), self.amount
            )
        ]

    def _charges_fixed_unit(self, ctx, share):
        units = ctx.get("living_units") or 0
        if not units:
            return []
        return [
            self._charge(
                self.env._("%(name)s (%(units)s units)", name=self.name, units=units),
                round(self._period_factor(ctx, share) * units, 4),
                self.amount,
            )
        ]

    def _charges_fixed_size(self, ctx, share):
        size = ctx.get("meter_size")
        price = self.size_price_ids.filtered(lambda p: p.meter_size == size)[:1]
        if not price:
            raise UserError(
                self.env._(
                    "Rate %(rate)s, %(name)s: no charge for a %(size)s meter.",
                    rate=self.schedule_id.display_name,
                    name=self.name,
                    size=dict(METER_SIZES).get(size, size or "-"),
                )
            )
        label = dict(METER_SIZES).get(size, size)
        return [
            self._charge(
                self.env._("%(name)s (%(size)s meter)", name=self.name, size=label),
                round(self._period_factor(ctx, share), 4),
                price.amount,
            )
        ]

    def _charges_winter_average(self, ctx, share):
        units = ctx.get("winter_average")
        if units is None:
            units = self.class_default_units
        if self.winter_cap:
            units = min(units, self.winter_cap)
        quantity = float_round(
            units * self._period_factor(ctx, share), precision_digits=3
        )
        return [
            self._charge(
                self.env._(
                    "%(name)s (winter average %(units)s a month)",
                    name=self.name,
                    units=format_number(self.env, units),
                ),
                quantity,
                self.unit_price,
            )
        ]

    def _charges_tiered(self, ctx, share):
        """Tiered charges: the consumption in each tier (scaled to the months or
        days billed), by season when the component is seasonal."""
        consumption = (ctx.get("consumption") or 0.0) * share
        if consumption <= 0:
            return []
        season = "all"
        if self.seasonal:
            month = (ctx.get("read_date") or ctx["date_to"]).month
            season = "summer" if month in parse_months(self.summer_months) else "winter"
        tiers = self.tier_ids.filtered(lambda t: t.season == season).sorted("sequence")
        if not tiers:
            raise UserError(
                self.env._(
                    "Rate %(rate)s, %(name)s: no %(season)s tiers.",
                    rate=self.schedule_id.display_name,
                    name=self.name,
                    season=season,
                )
            )
        scale = ctx.get("months", 1) * share
        if self.scale_tiers_to_days:
            scale = ctx.get("days", 30) / 30.0 * share
        charges = []
        lower = 0.0
        remaining = consumption
        for index, tier in enumerate(tiers, start=1):
            upper = tier.upper_limit * scale if tier.upper_limit else None
            if upper is not None:
                upper = float_round(upper, precision_digits=3)
            in_tier = remaining if upper is None else min(remaining, upper - lower)
            if in_tier > 0:
                if upper is None:
                    label = self.env._(
                        "%(name)s tier %(n)s (over %(lower)s)",
                        name=self.name,
                        n=index,
                        lower=format_number(self.env, lower),
                    )
                else:
                    label = self.env._(
                        "%(name)s tier %(n)s (%(lower)s to %(upper)s)",
                        name=self.name,
                        n=index,
                        lower=format_number(self.env, lower),
                        upper=format_number(self.env, upper),
                    )
                charges.append(
                    self._charge(
                        label, float_round(in_tier, precision_digits=3), tier.price
                    )
                )
                remaining -= in_tier
            if upper is None or remaining <= 0:
                break
            lower = upper
        return charges


class UtilityRateTier(models.Model):
    _name = "utility.rate.tier"
    _inherit = ["utility.rate.locked.mixin"]
    _description = "Utility Rate Tier"
    _order = "component_id, season, sequence, id"

    component_id = fields.Many2one(
        "utility.rate.component", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    season = fields.Selection(
        [("all", "All year"), ("summer", "Summer"), ("winter", "Winter")],
        required=True,
        default="all",
    )
    upper_limit = fields.Float(
        aggregator=None,
        digits="Utility Consumption",
        help="Units up to which this tier applies (per period, or per 30 days when "
        "scaled); 0 for the last tier.",
    )
    price = fields.Float(
        aggregator=None, digits="Product Price", required=True, help="Price per unit."
    )
    company_id = fields.Many2one(related="component_id.company_id", store=True)


class UtilityRateSizePrice(models.Model):
    _name = "utility.rate.size.price"
    _inherit = ["utility.rate.locked.mixin"]
    _description = "Utility Rate Charge by Meter Size"
    _order = "component_id, id"

    component_id = fields.Many2one(
        "utility.rate.component", required=True, index=True, ondelete="cascade"
    )
    meter_size = fields.Selection(METER_SIZES, required=True)
    amount = fields.Float(
        aggregator=None, digits="Product Price", required=True, help="Per month."
    )
    company_id = fields.Many2one(related="component_id.company_id", store=True)

    _sql_constraints = [
        (
            "size_uniq",
            "unique(component_id, meter_size)",
            "A meter size appears once per component.",
        ),
    ]
