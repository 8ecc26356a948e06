# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Companies: the rate limits of the customer portal's public doors
(registration, online payment, requests; utility.portal.attempt)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    utility_portal_ip_attempts = fields.Integer(
        string="Failures per IP Address",
        default=5,
        help="After this many failed attempts from one IP address within the "
        "window below, the portal refuses further attempts from it (registration, "
        "online payment). 0: no limit.",
    )
    utility_portal_ip_minutes = fields.Integer(
        string="IP Address Window (Minutes)", default=15
    )
    utility_portal_key_attempts = fields.Integer(
        string="Failures per Account Number",
        default=10,
        help="After this many failed attempts on one account number within the "
        "window below, from any address, the portal refuses further attempts on "
        "it. 0: no limit.",
    )
    utility_portal_key_minutes = fields.Integer(
        string="Account Number Window (Minutes)", default=60
    )

    @api.constrains(
        "utility_portal_ip_attempts",
        "utility_portal_ip_minutes",
        "utility_portal_key_attempts",
        "utility_portal_key_minutes",
    )
    def _check_utility_portal_limits(self):
        for company in self:
            for fname in (
                "utility_portal_ip_attempts",
                "utility_portal_ip_minutes",
                "utility_portal_key_attempts",
                "utility_portal_key_minutes",
            ):
                if company[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(company)s: %(field)s cannot be negative.",
                            company=company.name,
                            field=self._fields[fname]._description_string(self.env),
                        )
                    )
            for attempts, minutes in (
                ("utility_portal_ip_attempts", "utility_portal_ip_minutes"),
                ("utility_portal_key_attempts", "utility_portal_key_minutes"),
            ):
                if company[attempts] and not company[minutes]:
                    raise ValidationError(
                        self.env._(
                            "%(company)s: %(field)s must be at least one minute "
                            "when there is a limit.",
                            company=company.name,
                            field=self._fields[minutes]._description_string(self.env),
                        )
                    )
