# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class UtilityAccountService(models.Model):
    """One service (water, sewer, trash...) delivered on an account."""

    _name = "utility.account.service"
    _description = "Utility Account Service"
    _order = "account_id, sequence, id"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    sequence = fields.Integer(default=10)
    service_type_id = fields.Many2one(
        "utility.service.type", required=True, index=True, check_company=True
    )
    metered = fields.Boolean(related="service_type_id.metered")
    meter_id = fields.Many2one(
        "utility.meter",
        index=True,
        check_company=True,
        domain="[('service_type_id', '=', service_type_id)]",
    )
    rate_schedule_id = fields.Many2one(
        "utility.rate.schedule",
        string="Rate",
        compute="_compute_rate_schedule_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        domain="[('service_type_id', '=', service_type_id)]",
        help="Any version of the rate: the bill uses the versions in effect in "
        "the billing period.",
    )
    premise_id = fields.Many2one(
        related="account_id.premise_id", store=True, index=True
    )
    account_state = fields.Selection(
        related="account_id.state", store=True, string="Account Status"
    )
    start_date = fields.Date()
    end_date = fields.Date()
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )

    @api.depends("service_type_id", "account_id.premise_id.customer_class")
    def _compute_rate_schedule_id(self):
        """Default rate: the latest version for the service and the premise's class
        (a rate for the class first, else one for every class)."""
        Schedule = self.env["utility.rate.schedule"]
        found = {}
        for service in self:
            current = service.rate_schedule_id
            if current and current.service_type_id == service.service_type_id:
                continue
            if not service.service_type_id:
                service.rate_schedule_id = False
                continue
            customer_class = service.account_id.premise_id.customer_class
            company = service.account_id.company_id or self.env.company
            key = (service.service_type_id.id, customer_class, company.id)
            if key not in found:
                candidates = Schedule.search(
                    [
                        ("service_type_id", "=", service.service_type_id.id),
                        ("customer_class", "in", [customer_class, False]),
                        ("company_id", "=", company.id),
                    ],
                    order="effective_from desc",
                )
                specific = candidates.filtered(
                    lambda s, c=customer_class: s.customer_class == c
                )
                found[key] = (specific or candidates)[:1]
            service.rate_schedule_id = found[key]

    @api.constrains("start_date", "end_date")
    def _check_dates(self):
        for service in self:
            if (
                service.start_date
                and service.end_date
                and service.end_date < service.start_date
            ):
                raise ValidationError(
                    self.env._(
                        "Account %(account)s, %(service)s: the end date is before the "
                        "start date.",
                        account=service.account_id.name,
                        service=service.service_type_id.name,
                    )
                )

    @api.constrains(
        "account_id", "service_type_id", "start_date", "end_date", "account_state"
    )
    def _check_no_overlap(self):
        """A premise never has two active accounts for the same service at once.

        One query for the lot (a conversion checks tens of thousands of
        services at once): the services of active or final accounts at the
        same premise, of the same service type, whose dates overlap."""
        if not self:
            return
        self.env["utility.account"].flush_model(["state"])
        self.flush_model(
            ["account_id", "premise_id", "service_type_id", "start_date", "end_date"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT service.id, other.id
                     FROM utility_account_service service
                     JOIN utility_account account ON account.id = service.account_id
                     JOIN utility_account_service other
                          ON other.premise_id = service.premise_id
                         AND other.service_type_id = service.service_type_id
                         AND other.id != service.id
                     JOIN utility_account other_account
                          ON other_account.id = other.account_id
                    WHERE service.id = ANY(%s)
                      AND account.state IN ('active', 'final')
                      AND other_account.state IN ('active', 'final')
                      AND (service.end_date IS NULL OR other.start_date IS NULL
                           OR other.start_date <= service.end_date)
                      AND (service.start_date IS NULL OR other.end_date IS NULL
                           OR other.end_date >= service.start_date)
                    ORDER BY service.id
                    LIMIT 1""",
                self.ids,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            service, other = self.browse(row)
            raise ValidationError(
                self.env._(
                    "%(premise)s already has %(service)s service on account "
                    "%(other)s for these dates: stop that service first.",
                    premise=service.premise_id.name,
                    service=service.service_type_id.name,
                    other=other.account_id.name,
                )
            )

    def _check_meter_required(self):
        for service in self:
            if service.metered and not service.meter_id:
                raise ValidationError(
                    self.env._(
                        "Account %(account)s: %(service)s is metered and needs a "
                        "meter.",
                        account=service.account_id.name,
                        service=service.service_type_id.name,
                    )
                )

    @api.depends("service_type_id", "meter_id")
    def _compute_display_name(self):
        for service in self:
            name = service.service_type_id.name or ""
            if service.meter_id:
                name = f"{name} ({service.meter_id.serial})"
            service.display_name = name
