# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Business calendars: the office and bank closed days of a company (holiday
rules, cached calendar data). The declared days live in utility_closed_day.py."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from odoo.addons.base.models.res_partner import _tz_get

from ..tools import business_calendar, dates

CLOSED_DAY_KINDS = [
    ("office", "Office closed"),
    ("bank", "Bank closed (no ACH settlement)"),
    ("both", "Office and bank closed"),
    ("open", "Office open on a listed holiday"),
]


class UtilityBusinessCalendar(models.Model):
    """The company's one business-day calendar, kept by the Finance Director.

    ACH banking days (Federal Reserve holidays), the business days SB 998
    counts (US federal and state holidays with their observed dates) and the
    scheduling of disconnections all read it, through the ``res.company``
    helpers (``_utility_add_business_days``, ``_utility_is_business_day``...).
    Its time zone is the one every keyed date of the utility is taken in
    (``tools/dates.py``). See ``tools/business_calendar.py`` for the rules.
    """

    _name = "utility.business.calendar"
    _description = "Utility Business Calendar"
    _inherit = ["mail.thread"]
    _order = "company_id"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        required=True,
        default=dates.DEFAULT_TZ,
        tracking=True,
        help="The utility's time zone: a date keyed by any user (start or stop of "
        "service, a meter change-out, a read date) is that date in this zone, and "
        "today is today here.",
    )
    country_code = fields.Char(
        string="Holidays of Country",
        required=True,
        default=business_calendar.DEFAULT_COUNTRY,
        tracking=True,
        help="ISO code of the country whose public holidays close the office.",
    )
    subdivision_code = fields.Char(
        string="State / Subdivision",
        default=business_calendar.DEFAULT_SUBDIVISION,
        tracking=True,
        help="Code of the state whose holidays close the office too (CA: "
        "California state holidays with their observed dates).",
    )
    include_country_holidays = fields.Boolean(
        string="Country Holidays Too",
        default=True,
        tracking=True,
        help="Close the office on the country's (US federal) holidays as well as "
        "on the state's, observed dates included.",
    )
    bank_calendar = fields.Selection(
        [(business_calendar.FEDERAL_RESERVE, "Federal Reserve Banks (US ACH)")],
        string="Banking Days",
        required=True,
        default=business_calendar.FEDERAL_RESERVE,
        tracking=True,
        help="Holidays of the network ACH entries settle on.",
    )
    closed_day_ids = fields.One2many(
        "utility.closed.day", "calendar_id", string="Declared Days"
    )
    upcoming_html = fields.Html(
        string="Next 12 Months",
        compute="_compute_upcoming_html",
        sanitize=False,
        help="Weekdays that are not business days over the next twelve months.",
    )

    _sql_constraints = [
        (
            "company_uniq",
            "unique(company_id)",
            "A company has one business calendar.",
        ),
    ]

    @api.constrains("country_code", "subdivision_code", "bank_calendar")
    def _check_holiday_rules(self):
        for calendar in self:
            subdivisions = business_calendar.supported_subdivisions(
                calendar.country_code
            )
            if subdivisions is None:
                raise ValidationError(
                    self.env._(
                        "Business calendar %(calendar)s: no holiday rules are known "
                        "for the country %(country)s.",
                        calendar=calendar.name,
                        country=calendar.country_code,
                    )
                )
            if calendar.subdivision_code and (
                calendar.subdivision_code not in subdivisions
            ):
                raise ValidationError(
                    self.env._(
                        "Business calendar %(calendar)s: no holiday rules are known "
                        "for %(subdivision)s in %(country)s.",
                        calendar=calendar.name,
                        subdivision=calendar.subdivision_code,
                        country=calendar.country_code,
                    )
                )

    @api.depends(
        "tz",
        "country_code",
        "subdivision_code",
        "include_country_holidays",
        "bank_calendar",
        "closed_day_ids.date",
        "closed_day_ids.kind",
        "closed_day_ids.name",
    )
    def _compute_upcoming_html(self):
        for calendar in self:
            if not calendar.country_code:
                calendar.upcoming_html = False
                continue
            data = calendar._build_calendar_data()
            start = dates.local_today(data.tz)
            stop = start + timedelta(days=365)
            office = data.non_business_days(start, stop, business_calendar.OFFICE)
            bank = data.non_business_days(start, stop, business_calendar.BANK)
            rows = []
            for day in sorted(set(office) | set(bank)):
                rows.append(
                    Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                    % (
                        format_date(self.env, day, date_format="EEE MMM d, y"),
                        office.get(day) or bank.get(day),
                        self.env._("Closed") if day in office else self.env._("Open"),
                        self.env._("Closed") if day in bank else self.env._("Open"),
                    )
                )
            calendar.upcoming_html = Markup(
                '<table class="table table-sm"><thead><tr><th>%s</th><th>%s</th>'
                "<th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                self.env._("Date"),
                self.env._("Holiday"),
                self.env._("Office"),
                self.env._("Bank (ACH)"),
                Markup("").join(rows),
            )

    @api.model_create_multi
    def create(self, vals_list):
        calendars = super().create(vals_list)
        self.env.registry.clear_cache()
        return calendars

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------
    # Cache
    # ------------------------------------------------------------

    def _build_calendar_data(self):
        """The :class:`BusinessCalendar` of this record (or the shipped
        defaults, for no record)."""
        if not self:
            return business_calendar.BusinessCalendar()
        self.ensure_one()
        return business_calendar.BusinessCalendar(
            tz=self.tz,
            country=self.country_code,
            subdivision=self.subdivision_code,
            with_country=self.include_country_holidays,
            market=self.bank_calendar,
            closed={day.date: (day.name, day.kind) for day in self.closed_day_ids},
        )

    @api.model
    @tools.ormcache("company_id")
    def _get_calendar_data(self, company_id):
        """The business calendar of the company ``company_id``, built once and
        cached until a calendar or a declared day changes."""
        calendar = self.sudo().search([("company_id", "=", company_id)], limit=1)
        return calendar._build_calendar_data()

    @api.model
    def _ensure_company_calendars(self, companies=None):
        """A calendar for each company that has none, in the company's time zone
        (its partner's, else America/Los_Angeles), with the California holidays:
        the shipped configuration of a California city."""
        Calendar = self.sudo()
        companies = (companies or self.env["res.company"].sudo().search([])).sudo()
        have = set(
            Calendar.search([("company_id", "in", companies.ids)]).company_id.ids
        )
        vals_list = [
            {
                "name": self.env._("%(company)s Business Days", company=company.name),
                "company_id": company.id,
                "tz": company.partner_id.tz or dates.DEFAULT_TZ,
            }
            for company in companies
            if company.id not in have
        ]
        return Calendar.create(vals_list) if vals_list else Calendar
