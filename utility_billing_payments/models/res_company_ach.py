# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import nacha

FILE_ID_MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class ResCompany(models.Model):
    _inherit = "res.company"

    # What the bank (ODFI) gives the city for its ACH origination.
    ach_immediate_destination = fields.Char(
        string="ACH Immediate Destination",
        size=9,
        help="Routing number of the bank the files are sent to (9 digits).",
    )
    ach_immediate_destination_name = fields.Char(
        string="ACH Destination Name", help="The bank's name (23 characters)."
    )
    ach_immediate_origin = fields.Char(
        string="ACH Immediate Origin",
        size=10,
        help="As the bank gives it: often 1 followed by the city's tax id (EIN), "
        "or the bank's routing number (9 digits get a leading space).",
    )
    ach_immediate_origin_name = fields.Char(
        string="ACH Origin Name",
        help="The city's name in the file header (23 characters); the company "
        "name when empty.",
    )
    ach_originating_dfi = fields.Char(
        string="ACH Originating DFI",
        size=8,
        help="First 8 digits of the bank's routing number, start of every trace "
        "number; those of the immediate destination when empty.",
    )
    ach_company_identification = fields.Char(
        string="ACH Company Identification",
        size=10,
        help="The city's ACH company id (10 characters, e.g. 1 followed by the "
        "EIN); returned files carry it.",
    )
    ach_company_name = fields.Char(
        string="ACH Company Name",
        help="Shown on the customer's bank statement (16 characters).",
    )
    ach_entry_description = fields.Char(
        string="ACH Entry Description",
        default="UTILITY",
        help="Shown on the customer's bank statement (10 characters).",
    )
    ach_prenote_days = fields.Integer(
        string="Prenote Wait (Banking Days)",
        default=3,
        help="Banking days after the effective date of a prenote before the "
        "mandate is debited.",
    )
    ach_debit_amount_mode = fields.Selection(
        [
            ("open_balance", "Open balance of the account"),
            ("bill_amount", "Bills due by the settlement date"),
        ],
        string="ACH Debit Amount",
        default="open_balance",
        required=True,
    )
    ach_journal_id = fields.Many2one(
        "account.journal",
        string="ACH Journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', id)]",
        help="Bank journal of the autopay payments.",
    )
    ach_clearing_account_id = fields.Many2one(
        "account.account",
        string="ACH Clearing Account",
        help="Holds the autopay payments from the file until the bank settles them.",
    )
    ach_return_fee_product_id = fields.Many2one(
        "product.product",
        string="Returned Payment Fee",
        help="Product of the fee invoiced for a returned autopay payment (its income "
        "account); the amount follows the returned payment fee schedule.",
    )
    ach_return_fee_notice_days = fields.Integer(
        string="Return Fee Notice Days",
        default=10,
        help="Days between the returned payment notice and the settlement date "
        "of the fee's own RETURN FEE entry (NACHA: a return fee entry needs "
        "prior notice). At least 1.",
    )
    ach_nsf_suspend_count = fields.Integer(
        string="Suspend After NSF Returns",
        default=2,
        help="Returns for insufficient or uncollected funds (R01, R09) within 12 "
        "months that suspend the mandate.",
    )
    ach_line_ending = fields.Selection(
        [("lf", "LF (Unix)"), ("crlf", "CRLF (Windows)")],
        string="ACH File Line Ending",
        default="lf",
        required=True,
    )
    # Bookkeeping of the files: the last file id modifier of the day and the
    # last trace number sequence (7 digits), never reused.
    ach_last_file_date = fields.Date(readonly=True, copy=False)
    ach_last_file_id_modifier = fields.Char(readonly=True, copy=False)
    ach_last_trace_sequence = fields.Integer(readonly=True, copy=False)

    @api.constrains("ach_immediate_destination")
    def _check_ach_immediate_destination(self):
        for company in self.filtered("ach_immediate_destination"):
            if not nacha.is_valid_routing(company.ach_immediate_destination):
                raise ValidationError(
                    self.env._(
                        "The ACH immediate destination of %(company)s must be a "
                        "valid 9-digit routing number.",
                        company=company.name,
                    )
                )

    @api.constrains(
        "ach_company_name",
        "ach_entry_description",
        "ach_company_identification",
        "ach_originating_dfi",
        "ach_prenote_days",
        "ach_nsf_suspend_count",
    )
    def _check_ach_settings(self):
        limits = {
            "ach_company_name": 16,
            "ach_entry_description": 10,
            "ach_company_identification": 10,
        }
        for company in self:
            for fname, limit in limits.items():
                value = nacha.transliterate(company[fname])
                if len(value) > limit:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s of %(company)s: %(value)s is longer than "
                            "%(limit)s characters.",
                            setting=self._fields[fname].get_description(self.env)[
                                "string"
                            ],
                            company=company.name,
                            value=value,
                            limit=limit,
                        )
                    )
            dfi = company.ach_originating_dfi
            if dfi and not (dfi.isdigit() and len(dfi) == 8):
                raise ValidationError(
                    self.env._(
                        "The ACH originating DFI of %(company)s must be 8 digits.",
                        company=company.name,
                    )
                )
            if company.ach_prenote_days < 0 or company.ach_nsf_suspend_count < 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the prenote wait cannot be negative and the "
                        "NSF count must be at least 1.",
                        company=company.name,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if {"ach_journal_id", "ach_clearing_account_id"} & set(vals):
            self._ach_sync_payment_method()
        return res

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _ach_sync_payment_method(self):
        """The incoming payment method of the ACH journal holds its payments
        in the ACH clearing account (their outstanding receipts account)."""
        for company in self:
            journal, clearing = company.ach_journal_id, company.ach_clearing_account_id
            method_line = journal.inbound_payment_method_line_ids[:1]
            if method_line and clearing and method_line.payment_account_id != clearing:
                # Technical: the journal's configuration follows the setting.
                method_line.sudo().payment_account_id = clearing

    def _ach_is_banking_day(self, day):
        """Whether ACH entries settle on ``day``: the bank days of the company's
        business calendar (Federal Reserve holidays and declared bank closings)."""
        self.ensure_one()
        return self._utility_is_business_day(day, kind="bank")

    def _ach_next_banking_day(self, day):
        self.ensure_one()
        return self._utility_next_business_day(day, kind="bank")

    def _ach_add_banking_days(self, day, count):
        self.ensure_one()
        return self._utility_add_business_days(day, count, kind="bank")

    def _ach_check_settings(self):
        """Raise a UserError naming what is missing to generate an ACH file."""
        self.ensure_one()
        labels = {
            "ach_immediate_destination": self.env._("Immediate Destination"),
            "ach_immediate_origin": self.env._("Immediate Origin"),
            "ach_company_identification": self.env._("Company Identification"),
            "ach_journal_id": self.env._("ACH Journal"),
            "ach_clearing_account_id": self.env._("ACH Clearing Account"),
        }
        missing = [label for fname, label in labels.items() if not self[fname]]
        if missing:
            raise UserError(
                self.env._(
                    "Set the ACH settings of %(company)s first (Utility Billing > "
                    "Configuration > Settings, ACH Autopay): %(missing)s.",
                    company=self.name,
                    missing=", ".join(missing),
                )
            )

    def _ach_originating_dfi(self):
        self.ensure_one()
        return self.ach_originating_dfi or (self.ach_immediate_destination or "")[:8]

    def _ach_next_file_id_modifier(self, day):
        """The next file id modifier of ``day`` (A, B... Z, 0... 9), never one
        already given that day, even to a file later cancelled."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE", self.id)
        )
        self.invalidate_recordset(["ach_last_file_date", "ach_last_file_id_modifier"])
        if self.ach_last_file_date != day or not self.ach_last_file_id_modifier:
            modifier = FILE_ID_MODIFIERS[0]
        else:
            index = FILE_ID_MODIFIERS.find(self.ach_last_file_id_modifier) + 1
            if index >= len(FILE_ID_MODIFIERS):
                raise UserError(
                    self.env._(
                        "%(company)s has sent 36 ACH files on %(date)s, the most a "
                        "day allows (file id modifiers A to Z and 0 to 9).",
                        company=self.name,
                        date=day,
                    )
                )
            modifier = FILE_ID_MODIFIERS[index]
        self.sudo().write(
            {"ach_last_file_date": day, "ach_last_file_id_modifier": modifier}
        )
        return modifier

    def _utility_ach_demo(self):
        """Demo data: ACH settings with a bank, an ACH journal and clearing
        account, and three active accounts with a bill due 3 days ago, two of
        them on autopay (mandates past their prenote), one to enroll."""
        for company in self.filtered(lambda c: not c.ach_journal_id):
            company = company.with_company(company)
            env = company.env
            journal = env["account.journal"].search(
                [("code", "=", "ACH"), ("company_id", "=", company.id)], limit=1
            ) or company._utility_create_translated(
                "account.journal",
                {"code": "ACH", "type": "bank", "company_id": company.id},
                lambda lang, c=company: c.with_context(lang=lang).env._("ACH Autopay"),
            )
            clearing = env["account.account"].search(
                [("code", "=", "101290"), ("company_ids", "in", company.ids)],
                limit=1,
            ) or company._utility_create_translated(
                "account.account",
                {
                    "code": "101290",
                    "account_type": "asset_current",
                    "reconcile": True,
                    "company_ids": [Command.set(company.ids)],
                },
                lambda lang, c=company: c.with_context(lang=lang).env._("ACH Clearing"),
            )
            company.write(
                {
                    "ach_immediate_destination": "121000358",
                    "ach_immediate_destination_name": "First Desert Bank",
                    "ach_immediate_origin": "1956000123",
                    "ach_immediate_origin_name": "City of Coachella",
                    "ach_company_identification": "1956000123",
                    "ach_company_name": "CITY COACHELLA",
                    "ach_journal_id": journal.id,
                    "ach_clearing_account_id": clearing.id,
                    "ach_return_fee_product_id": self.env.ref(
                        "utility_billing_payments.product_ach_return_fee"
                    ).id,
                }
            )
            accounts = env["utility.account"].search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                    ("customer_class", "=", "residential"),
                ],
                order="id desc",
                limit=3,
            )
            today = fields.Date.context_today(self)
            product = self.env.ref("utility_billing.product_water_usage")
            bills = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": account.partner_id.id,
                        "journal_id": company._get_utility_journal().id,
                        "invoice_date": today - timedelta(days=24),
                        "invoice_date_due": today - timedelta(days=3),
                        "utility_account_id": account.id,
                        "payment_reference": account.name,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": self.with_context(
                                        lang=account._utility_label_lang()
                                    ).env._("Water usage"),
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for account, amount in zip(
                        accounts, (64.20, 88.75, 45.10), strict=False
                    )
                ]
            )
            bills.action_post()
            for account, routing, number in zip(
                accounts[:2],
                ("021000021", "322271627"),
                ("4403118822", "770012345"),
                strict=False,
            ):
                mandate = env["utility.ach.mandate"].create(
                    {
                        "account_id": account.id,
                        "routing_number": routing,
                        "bank_account_number": number,
                        "authorization_date": today - timedelta(days=60),
                        "return_fee_authorized": True,
                    }
                )
                mandate.write(
                    {
                        "state": "active",
                        "prenote_date": today - timedelta(days=50),
                        "active_from": today - timedelta(days=45),
                    }
                )
        return True

    def _ach_reserve_trace_sequences(self, count):
        """``count`` new 7-digit trace sequences of the company (first, list):
        numbers are never reused, they match returns to their entry."""
        self.ensure_one()
        self.flush_recordset(["ach_last_trace_sequence"])
        self.env.cr.execute(
            SQL(
                """UPDATE res_company
                      SET ach_last_trace_sequence
                          = COALESCE(ach_last_trace_sequence, 0) + %s
                    WHERE id = %s
                RETURNING ach_last_trace_sequence""",
                count,
                self.id,
            )
        )
        last = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["ach_last_trace_sequence"])
        first = last - count + 1
        return [(first + i - 1) % 9999999 + 1 for i in range(count)]
