# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .utility_service_type import CUSTOMER_CLASSES


class UtilityPremise(models.Model):
    """A service location: a parcel with an address, on a read route."""

    _name = "utility.premise"
    _description = "Utility Service Premise"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "route_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(
        string="Service Address", compute="_compute_name", store=True, index="trigram"
    )
    street = fields.Char(required=True, tracking=True)
    street2 = fields.Char(tracking=True)
    city = fields.Char(tracking=True)
    state_id = fields.Many2one("res.country.state", tracking=True)
    zip = fields.Char(string="ZIP", tracking=True)
    country_id = fields.Many2one("res.country", tracking=True)
    apn = fields.Char(
        string="Parcel Number (APN)",
        index=True,
        tracking=True,
        help="Assessor's parcel number; sewer levies on the property tax roll "
        "are exported per APN.",
    )
    route_id = fields.Many2one(
        "utility.route", index=True, tracking=True, check_company=True
    )
    sequence = fields.Integer(
        string="Walk Sequence",
        default=10,
        tracking=True,
        help="Order on the read route.",
    )
    cycle_id = fields.Many2one(
        related="route_id.cycle_id", store=True, string="Billing Cycle", index=True
    )
    customer_class = fields.Selection(
        CUSTOMER_CLASSES, required=True, default="residential", tracking=True
    )
    living_units = fields.Integer(default=1, tracking=True)
    meter_ids = fields.One2many(
        "utility.meter",
        "premise_id",
        string="Installed Meters",
        domain=[("state", "=", "installed")],
    )
    account_ids = fields.One2many(
        "utility.account",
        "premise_id",
        string="Accounts",
        context={"active_test": False},
        help="Every account that has served this premise, current and past.",
    )
    current_account_id = fields.Many2one(
        "utility.account", compute="_compute_current_account_id"
    )
    note = fields.Html()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("street", "street2", "city", "zip")
    def _compute_name(self):
        for premise in self:
            parts = [premise.street, premise.street2, premise.city, premise.zip]
            premise.name = ", ".join(p for p in parts if p)

    @api.depends("account_ids.state")
    def _compute_current_account_id(self):
        for premise in self:
            premise.current_account_id = premise.account_ids.filtered(
                lambda a: a.state == "active"
            )[:1]

    @api.constrains("living_units")
    def _check_living_units(self):
        for premise in self:
            if premise.living_units < 0:
                raise ValidationError(
                    self.env._(
                        "Premise %(name)s: living units cannot be negative.",
                        name=premise.name,
                    )
                )
