# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

CUSTOMER_CLASSES = [
    ("residential", "Residential"),
    ("multi_family", "Multi-family"),
    ("commercial", "Commercial"),
    ("irrigation", "Irrigation"),
    ("institutional", "Institutional"),
]


class UtilityServiceType(models.Model):
    """A service the utility provides: water, sewer, trash, stormwater..."""

    _name = "utility.service.type"
    _description = "Utility Service Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Short code used in files and reports, e.g. WATER, SEWER, TRASH.",
    )
    sequence = fields.Integer(default=10)
    metered = fields.Boolean(
        help="Metered services are billed on meter reads; the others on flat "
        "or per-unit charges.",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Billing Unit",
        domain="[('category_id', '=', uom_category_id)]",
        help="Unit consumption is billed in (HCF for Coachella water). Meter "
        "registers in another volume unit (gallons, cubic feet, thousand "
        "gallons) are converted to it.",
    )
    uom_category_id = fields.Many2one(
        "uom.category",
        default=lambda self: self.env.ref("uom.product_uom_categ_vol", False),
    )
    billing_channel = fields.Selection(
        [("bill", "Utility bill"), ("tax_roll", "Property tax roll (yearly levy)")],
        required=True,
        default="bill",
        help="Services on the tax roll are not on the utility bill: they are levied "
        "yearly per parcel (Utility Billing > Billing > Tax Roll Levy Export).",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A service type code must be unique per company.",
        ),
    ]

    @api.constrains("metered", "uom_id")
    def _check_metered_uom(self):
        for rec in self:
            if rec.metered and not rec.uom_id:
                raise ValidationError(
                    self.env._(
                        "Service type %(name)s is metered: set its billing unit.",
                        name=rec.name,
                    )
                )
