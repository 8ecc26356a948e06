# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An export of collection referrals to the collection agency
(``utility.collection.export``).
"""

import base64
import csv
import io
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.csv_safe import csv_safe_cell
from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import (
    check_company,
    check_protected_create,
    check_protected_write,
    check_role,
)

EXPORT_FIELDS = ("state", "referral_ids", "file", "file_name")


class UtilityCollectionExport(models.Model):
    """One hand-over to the collection agency: the accounts referred that day
    and the CSV file sent."""

    _name = "utility.collection.export"
    _description = "Utility Collection Agency Export"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Exported")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    referral_ids = fields.One2many(
        "utility.collection.referral", "export_id", string="Referrals", readonly=True
    )
    referral_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Monetary(
        currency_field="currency_id", compute="_compute_totals"
    )
    file = fields.Binary(string="Export File", readonly=True, attachment=True)
    file_name = fields.Char(readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("date")
    def _compute_name(self):
        for export in self:
            export.name = self.env._(
                "Collection referrals %(date)s", date=export.date or ""
            )

    @api.depends("referral_ids.amount")
    def _compute_totals(self):
        for export in self:
            export.referral_count = len(export.referral_ids)
            export.amount_total = sum(export.referral_ids.mapped("amount"))

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            EXPORT_FIELDS,
            "utility.collection.referral",
            defaults={"state": "draft"},
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, EXPORT_FIELDS, "utility.collection.referral")
        check_protected_write(
            self.filtered(lambda e: e.state != "draft"),
            vals,
            ("date", "company_id"),
            "utility.collection.referral",
        )
        return super().write(vals)

    def action_refer(self):
        """Refer the final and closed accounts whose final bill is unpaid past the
        company's collection age, and write the agency's CSV file."""
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Only a Customer Service Representative II refers accounts to "
                "the collection agency."
            ),
        )
        self.check_access("write")
        check_company(self)
        for export in self:
            if export.state != "draft":
                raise UserError(
                    self.env._("%(name)s is already exported.", name=export.name)
                )
            with workflow("utility.collection.referral", "utility.account"):
                export._refer()
        return True

    def _get_accounts_to_refer(self):
        self.ensure_one()
        company = self.company_id
        limit_date = self.date - timedelta(days=company.utility_collection_age_days)
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("move_id.utility_is_final", "=", True),
                ("date_maturity", "<", limit_date),
                ("move_id.utility_account_id.state", "in", ("final", "closed")),
                (
                    "move_id.utility_account_id.collection_state",
                    "=",
                    "none",
                ),
            ]
        )
        return {line.move_id.utility_account_id: line.move_id for line in lines}

    def _refer(self):
        self.ensure_one()
        found = self._get_accounts_to_refer()
        Referral = self.env["utility.collection.referral"]
        vals_list = []
        for account, bill in found.items():
            account.invalidate_recordset(["balance"])
            vals_list.append(
                {
                    "account_id": account.id,
                    "final_bill_id": bill.id,
                    "referral_date": self.date,
                    "amount": account.balance,
                    "export_id": self.id,
                    "company_id": self.company_id.id,
                }
            )
        referrals = Referral.create(vals_list)
        referrals.account_id.write({"collection_state": "referred"})
        self.write(
            {
                "state": "done",
                "file": base64.b64encode(self._make_csv(referrals)),
                "file_name": f"collection_referrals_{self.date}.csv",
            }
        )
        return referrals

    def _make_csv(self, referrals):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(
            [
                "account_number",
                "customer",
                "mailing_street",
                "mailing_city",
                "mailing_zip",
                "phone",
                "email",
                "service_address",
                "final_bill",
                "final_bill_date",
                "final_bill_due_date",
                "amount",
                "referral_date",
            ]
        )
        for referral in referrals.sorted(lambda r: r.account_id.name):
            partner = referral.partner_id
            bill = referral.final_bill_id
            # Names and addresses come from customers: never a formula in the
            # agency's spreadsheet.
            writer.writerow(
                [
                    csv_safe_cell(value or "")
                    for value in (
                        referral.account_id.name,
                        partner.name,
                        partner.street,
                        partner.city,
                        partner.zip,
                        partner.phone,
                        partner.email,
                        referral.account_id.premise_id.name,
                        bill.name,
                        bill.invoice_date,
                        bill.invoice_date_due,
                        f"{referral.amount:.2f}",
                        referral.referral_date,
                    )
                ]
            )
        return buffer.getvalue().encode("utf-8")
