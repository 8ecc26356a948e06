# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.models.utility_service_type import CUSTOMER_CLASSES


class UtilityReportFilterMixin(models.AbstractModel):
    """Filters of the report wizards: company, billing cycles, routes,
    services and customer class."""

    _name = "utility.report.filter.mixin"
    _description = "Utility Billing Report Filters"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    billing_cycle_ids = fields.Many2many(
        "utility.billing.cycle",
        string="Billing Cycles",
        check_company=True,
        help="Only the accounts of these cycles (all when empty).",
    )
    route_ids = fields.Many2many(
        "utility.route",
        string="Routes",
        check_company=True,
        help="Only the accounts of these routes (all when empty).",
    )
    service_type_ids = fields.Many2many(
        "utility.service.type",
        string="Services",
        help="Only these services, in the reports that show services (all when empty).",
    )
    customer_class = fields.Selection(
        CUSTOMER_CLASSES, help="Only the accounts of this class (all when empty)."
    )

    @api.constrains("company_id")
    def _check_company_allowed(self):
        for wizard in self:
            if wizard.company_id not in self.env.user.company_ids:
                raise UserError(
                    self.env._(
                        "You have no access to the reports of %(company)s.",
                        company=wizard.company_id.name,
                    )
                )

    def _ub_filters(self):
        """The filters as the report models read them (see ``_ub_domain``)."""
        self.ensure_one()
        filters = {
            "company_id": self.company_id.id,
            "billing_cycle_ids": self.billing_cycle_ids.ids,
            "route_ids": self.route_ids.ids,
            "service_type_ids": self.service_type_ids.ids,
            "customer_class": self.customer_class or False,
        }
        for name in ("date_from", "date_to"):
            if name in self._fields and self[name]:
                filters[name] = self[name]
        return filters

    def _ub_filter_description(self):
        """The filters in words, for the headings of the PDFs and sheets."""
        self.ensure_one()
        parts = []
        if self.billing_cycle_ids:
            parts.append(
                self.env._(
                    "Cycles: %(names)s",
                    names=", ".join(self.billing_cycle_ids.mapped("name")),
                )
            )
        if self.route_ids:
            parts.append(
                self.env._(
                    "Routes: %(names)s", names=", ".join(self.route_ids.mapped("name"))
                )
            )
        if self.service_type_ids:
            parts.append(
                self.env._(
                    "Services: %(names)s",
                    names=", ".join(self.service_type_ids.mapped("name")),
                )
            )
        if self.customer_class:
            parts.append(
                self.env._(
                    "Class: %(name)s",
                    name=dict(
                        self._fields["customer_class"]._description_selection(self.env)
                    )[self.customer_class],
                )
            )
        return "; ".join(parts) or self.env._("All accounts")
