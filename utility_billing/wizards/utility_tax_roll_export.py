# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
from collections import OrderedDict
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from ..tools.csv_safe import csv_writer


class UtilityTaxRollExport(models.TransientModel):
    """Annual levy per parcel (APN) of a service billed on the property tax roll.

    Coachella bills sewer on the county property tax bill: each fiscal year the
    city sends the county a file with the amount to levy on each parcel.
    """

    _name = "utility.tax.roll.export"
    _description = "Tax Roll Levy Export"

    service_type_id = fields.Many2one(
        "utility.service.type",
        required=True,
        domain="[('billing_channel', '=', 'tax_roll')]",
        default=lambda self: self.env["utility.service.type"].search(
            [("billing_channel", "=", "tax_roll")], limit=1
        ),
    )
    fiscal_year_start = fields.Date(
        required=True,
        default=lambda self: self._default_fiscal_year_start(),
        help="First day of the fiscal year levied (July 1).",
    )
    fund_code = fields.Char(help="Fund or levy code the county expects, e.g. 5210.")
    file = fields.Binary(readonly=True)
    filename = fields.Char(readonly=True)
    line_count = fields.Integer(readonly=True)
    total = fields.Float(readonly=True, digits=(16, 2))

    @api.model
    def _default_fiscal_year_start(self):
        today = fields.Date.context_today(self)
        year = today.year if today.month >= 7 else today.year - 1
        return date(year + 1, 7, 1)

    def _levies(self):
        """OrderedDict APN -> dict(apn, accounts, address, owner, units, amount)."""
        self.ensure_one()
        start = self.fiscal_year_start
        services = self.env["utility.account.service"].search(
            [
                ("service_type_id", "=", self.service_type_id.id),
                ("account_id.state", "=", "active"),
                "|",
                ("end_date", "=", False),
                ("end_date", ">=", start),
            ]
        )
        levies = OrderedDict()
        missing = []
        for service in services.sorted(
            lambda s: (s.premise_id.apn or "", s.account_id.name)
        ):
            premise = service.premise_id
            if not premise.apn:
                missing.append(premise.name)
                continue
            if not service.rate_schedule_id:
                raise UserError(
                    self.env._(
                        "Account %(account)s: %(service)s has no rate.",
                        account=service.account_id.name,
                        service=service.service_type_id.name,
                    )
                )
            amount = 0.0
            for month in range(12):
                month_start = start + relativedelta(months=month)
                month_end = (
                    month_start + relativedelta(months=1) - relativedelta(days=1)
                )
                ctx = {
                    "date_from": month_start,
                    "date_to": month_end,
                    "period_days": (month_end - month_start).days + 1,
                    "days": (month_end - month_start).days + 1,
                    "months": 1,
                    "consumption": 0.0,
                    "read_date": month_end,
                    "meter_size": service.account_id.meter_ids[:1].size,
                    "living_units": premise.living_units,
                    "winter_average": None,
                    "proration": 1.0,
                }
                for charge in service.rate_schedule_id._rate(ctx):
                    amount += float_round(
                        charge["quantity"] * charge["price_unit"], precision_digits=2
                    )
            levy = levies.setdefault(
                premise.apn,
                {
                    "apn": premise.apn,
                    "accounts": [],
                    "address": premise.name,
                    "owner": service.account_id.partner_id.name,
                    "units": 0,
                    "amount": 0.0,
                },
            )
            levy["accounts"].append(service.account_id.name)
            levy["units"] += premise.living_units
            levy["amount"] = float_round(levy["amount"] + amount, precision_digits=2)
        if missing:
            raise UserError(
                self.env._(
                    "These premises have no parcel number (APN) and cannot be levied: "
                    "%(names)s.",
                    names=", ".join(missing[:20]),
                )
            )
        return levies

    def action_export(self):
        self.ensure_one()
        levies = self._levies()
        if not levies:
            raise UserError(
                self.env._("No active account has this service: nothing to levy.")
            )
        buffer = io.StringIO()
        # Owner names and addresses are typed by people: escaped against formula
        # injection when the county opens the file in a spreadsheet.
        writer = csv_writer(buffer, lineterminator="\r\n")
        writer.writerow(
            [
                "APN",
                "Fund",
                "Fiscal Year",
                "Amount",
                "Units",
                "Accounts",
                "Service Address",
                "Owner",
            ]
        )
        fiscal = (
            f"{self.fiscal_year_start.year}-{str(self.fiscal_year_start.year + 1)[-2:]}"
        )
        for levy in levies.values():
            writer.writerow(
                [
                    levy["apn"],
                    self.fund_code or "",
                    fiscal,
                    f"{levy['amount']:.2f}",
                    levy["units"],
                    " ".join(levy["accounts"]),
                    levy["address"],
                    levy["owner"],
                ]
            )
        content = buffer.getvalue().encode("utf-8")
        self.write(
            {
                "file": base64.b64encode(content),
                "filename": f"{self.service_type_id.code.lower()}_levy_{fiscal}.csv",
                "line_count": len(levies),
                "total": sum(levy["amount"] for levy in levies.values()),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
