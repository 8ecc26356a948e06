# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The days a business calendar declares closed (or worked): the calendar's
one2many child, kept in its own file (one class per file)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_date

from .utility_business_calendar import CLOSED_DAY_KINDS


class UtilityClosedDay(models.Model):
    """A day the office or the bank declares closed (or the office works a
    listed holiday), on top of the holidays by rule."""

    _name = "utility.closed.day"
    _description = "Utility Closed Day"
    _order = "date desc, id desc"
    _check_company_auto = True

    calendar_id = fields.Many2one(
        "utility.business.calendar",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    date = fields.Date(required=True, index=True)
    name = fields.Char(string="Reason", required=True)
    kind = fields.Selection(
        CLOSED_DAY_KINDS,
        required=True,
        default="office",
        help="Office closed: not a business day for SB 998 notices, shut-off lists "
        "and disconnections. Bank closed: no ACH settlement. Office open: the "
        "office works a holiday of the rules (it counts as a business day).",
    )
    company_id = fields.Many2one(
        related="calendar_id.company_id", store=True, index=True, precompute=True
    )

    _sql_constraints = [
        (
            "calendar_date_uniq",
            "unique(calendar_id, date)",
            "This day is already declared in the business calendar.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        days = super().create(vals_list)
        self.env.registry.clear_cache()
        days._log_on_calendar(self.env._("Declared"))
        return days

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        self._log_on_calendar(self.env._("Changed"))
        return res

    def unlink(self):
        self._log_on_calendar(self.env._("Removed"))
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def _log_on_calendar(self, action):
        """Who declared, changed or removed which day: on the calendar's chatter."""
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for calendar, days in self.grouped("calendar_id").items():
            calendar.message_post(
                body=Markup("<br/>").join(
                    self.env._(
                        "%(action)s: %(date)s, %(kind)s (%(reason)s)",
                        action=action,
                        date=format_date(self.env, day.date),
                        kind=kinds.get(day.kind, day.kind),
                        reason=day.name,
                    )
                    for day in days
                )
            )
