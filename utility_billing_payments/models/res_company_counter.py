# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments: the company's counter settings and their setup
(``res.company``).
"""

from odoo import Command, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    utility_payment_product_id = fields.Many2one(
        "product.product",
        help="The Point of Sale product a counter payment of a utility account is "
        "rung up as. Its income account must be the counter clearing account.",
    )
    utility_counter_clearing_account_id = fields.Many2one(
        "account.account",
        string="Counter Payments Clearing Account",
        help="Counter payments are credited here by the session's closing entry and "
        "debited here when they are applied to the customers' receivables.",
    )
    utility_counter_journal_id = fields.Many2one(
        "account.journal",
        string="Counter Payments Journal",
        help="Journal of the entries that apply counter payments to the accounts.",
    )
    utility_nsf_fee_product_id = fields.Many2one(
        "product.product",
        string="Returned Check Fee Product",
    )
    utility_nsf_fee_first = fields.Monetary(
        string="Returned Check Fee",
        default=25.0,
        help="Charged for an account's first returned payment, a counter check or "
        "an autopay debit (Civil Code 1719: $25).",
    )
    utility_nsf_fee_next = fields.Monetary(
        string="Returned Check Fee (Later Checks)",
        default=35.0,
        help="Charged for each later returned payment of the account, check or "
        "autopay debit, over its whole history (Civil Code 1719: $35).",
    )
    utility_nsf_cash_only_count = fields.Integer(
        string="Returned Checks Before Cash Only",
        default=2,
        help="After this many returned checks the account pays by cash, card or "
        "money order only (Gov. Code 6157). 0: never.",
    )

    def _utility_counter_setup(self):
        """Create what the counter needs, where it is missing: the clearing
        account, the counter payments journal, the payment product's income
        account, and the payment methods Cash, Check and Card."""
        for company in self:
            company = company.with_company(company)
            Account = company.env["account.account"].sudo()
            if not company.utility_counter_clearing_account_id:
                account = Account.search(
                    [
                        ("company_ids", "in", company.id),
                        ("code", "=", "211900"),
                    ],
                    limit=1,
                ) or company._utility_create_translated(
                    "account.account",
                    {
                        "code": "211900",
                        "account_type": "liability_current",
                        "reconcile": True,
                        "company_ids": [Command.set(company.ids)],
                    },
                    lambda lang, c=company: c.with_context(lang=lang).env._(
                        "Counter Payments Clearing"
                    ),
                )
                company.utility_counter_clearing_account_id = account
            if not company.utility_counter_journal_id:
                Journal = company.env["account.journal"].sudo()
                journal = Journal.search(
                    [("company_id", "=", company.id), ("code", "=", "UCP")], limit=1
                ) or company._utility_create_translated(
                    "account.journal",
                    {"code": "UCP", "type": "general", "company_id": company.id},
                    lambda lang, c=company: c.with_context(lang=lang).env._(
                        "Counter Payments"
                    ),
                )
                company.utility_counter_journal_id = journal
            # Its entries' numbers: created now rather than by two counters
            # recording their first payment at the same moment.
            company.env["pos.order"]._utility_counter_entry_sequence(
                company.utility_counter_journal_id
            )
            product = company.utility_payment_product_id or company.env.ref(
                "utility_billing_payments.product_utility_payment",
                raise_if_not_found=False,
            )
            if product:
                product.product_tmpl_id.with_company(company).sudo().write(
                    {
                        "property_account_income_id": (
                            company.utility_counter_clearing_account_id.id
                        )
                    }
                )
                company.utility_payment_product_id = product
            if not company.utility_nsf_fee_product_id:
                company.utility_nsf_fee_product_id = company.env.ref(
                    "utility_billing_payments.product_returned_check_fee",
                    raise_if_not_found=False,
                )
        return True

    def _utility_chart_products(self):
        """Penalties and fees of this addon on the chart's penalty and fee
        accounts."""
        products = super()._utility_chart_products()
        products.update(
            {
                "utility_billing_payments.product_late_penalty": "penalties",
                "utility_billing_payments.product_reconnection_fee": "fees",
                "utility_billing_payments.product_returned_check_fee": "fees",
                "utility_billing_payments.product_ach_return_fee": "fees",
            }
        )
        return products

    def _utility_chart_setup(self):
        """The chart of utility_billing, and the clearing accounts of the
        payments: counter payments (211900) and ACH autopay (101290)."""
        res = super()._utility_chart_setup()
        self._utility_counter_setup()
        self._utility_ensure_ach_clearing_account()
        return res

    def _utility_ensure_ach_clearing_account(self):
        """The ACH clearing account of each company: the one set, else account
        101290 (created when missing), set on the company."""
        for company in self.filtered(lambda c: not c.ach_clearing_account_id):
            Account = company.env["account.account"].sudo().with_company(company)
            company.sudo().ach_clearing_account_id = Account.search(
                [("code", "=", "101290"), ("company_ids", "in", company.id)],
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
        return True

    def _utility_counter_payment_methods(self):
        """Cash, Check and Card payment methods of the counter, created once."""
        self.ensure_one()
        company = self.with_company(self)
        Method = company.env["pos.payment.method"].sudo()
        Journal = company.env["account.journal"].sudo()
        methods = Method.browse()
        # Names by language: a method and its journal are named in every
        # installed language (a Spanish-speaking cashier reads "Efectivo").
        tenders = {
            "cash": lambda lang: company.with_context(lang=lang).env._("Cash"),
            "check": lambda lang: company.with_context(lang=lang).env._("Check"),
            "card": lambda lang: company.with_context(lang=lang).env._("Card"),
        }
        specs = [
            ("cash", "CSH1", "cash"),
            ("check", "CHK1", "bank"),
            ("card", "CRD1", "bank"),
        ]
        for kind, code, journal_type in specs:
            name_of = tenders[kind]
            domain = [("company_id", "=", company.id), ("utility_tender", "=", kind)]
            if kind == "cash":
                # A cash method (its drawer) belongs to one counter only.
                domain.append(("config_ids", "=", False))
            method = Method.search(domain, limit=1)
            if not method:
                journal = Journal.search(
                    [
                        ("company_id", "=", company.id),
                        ("code", "=", code),
                        ("type", "=", journal_type),
                    ],
                    limit=1,
                )
                if not journal or (kind == "cash" and journal.pos_payment_method_ids):
                    index = 1
                    while Journal.search_count(
                        [("company_id", "=", company.id), ("code", "=", code)]
                    ):
                        index += 1
                        code = f"{code[:3]}{index}"
                    suffix = f" {index}" if index > 1 else ""
                    journal = company._utility_create_translated(
                        "account.journal",
                        {"code": code, "type": journal_type, "company_id": company.id},
                        lambda lang, name_of=name_of, suffix=suffix: (
                            company.with_context(lang=lang).env._(
                                "Counter %(tender)s", tender=name_of(lang)
                            )
                            + suffix
                        ),
                    )
                method = company._utility_create_translated(
                    "pos.payment.method",
                    {
                        "journal_id": journal.id,
                        "utility_tender": kind,
                        "company_id": company.id,
                    },
                    name_of,
                )
            methods |= method
        return methods

    def _utility_counter_demo(self):
        """Demo: the City Hall counter, with cash control, Cash, Check and Card,
        utility payments, citations and permits."""
        for company in self:
            company._utility_counter_setup()
            Config = self.env["pos.config"].with_company(company)
            if Config.search([("utility_counter", "=", True)], limit=1):
                continue
            methods = company._utility_counter_payment_methods()
            products = self.env["product.product"].search(
                [("utility_counter_kind", "in", ("citation", "permit", "fee"))]
            )
            Config.create(
                {
                    "name": self.env._("City Hall Counter"),
                    "company_id": company.id,
                    "utility_counter": True,
                    "payment_method_ids": [Command.set(methods.ids)],
                    "limit_categories": False,
                    "receipt_header": self.env._(
                        "%(city)s - Utility Billing", city=company.name
                    ),
                }
            )
            products.write({"available_in_pos": True})
        return True
