# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Companies: the utility settings of a company, its chart of accounts
for utility billing (income, tax, deposits) and its utility journal. Calendar
helpers live in res_company_calendar.py; the journal lock in account_journal.py."""

from odoo import Command, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# The accounts a city maps (README "Accounts a city maps"): fund-style income
# accounts per service, the utility users tax payable and the customer
# deposits liability. Key: (code, name, account type, reconcile). Codes are
# searched in the company first: a city's own account with the code is kept.
UTILITY_CHART = {
    "water": ("410000", _lt("Water Sales - Water Fund"), "income", False),
    "sewer": ("420000", _lt("Sewer Service Charges - Sewer Fund"), "income", False),
    "trash": ("430000", _lt("Solid Waste Charges - Refuse Fund"), "income", False),
    "penalties": ("440000", _lt("Utility Penalties"), "income", False),
    "fees": ("460000", _lt("Utility Fees"), "income", False),
    "uut": ("221100", _lt("Utility Users Tax Payable"), "liability_current", False),
    "deposits": ("215100", _lt("Customer Deposits"), "liability_current", True),
}
# Name of the bills journal created on first use (code UB).
UTILITY_JOURNAL_NAME = _lt("Utility Bills")


class ResCompany(models.Model):
    _inherit = "res.company"

    utility_journal_id = fields.Many2one(
        "account.journal",
        string="Utility Bills Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
    )
    utility_service_phone = fields.Char(
        string="Customer Service Phone",
        help="Printed on bills and notices: the number customers call about "
        "their account.",
    )
    utility_office_hours = fields.Char(
        string="Office Hours",
        translate=True,
        help="Printed on bills, e.g. 'Monday to Thursday, 7:00 a.m. to 6:00 p.m.'",
    )
    utility_deposit_account_id = fields.Many2one(
        "account.account",
        string="Customer Deposits Account",
        help="Liability account holding customer deposits; a final bill applies the "
        "deposit from it.",
    )
    utility_deposit_product_id = fields.Many2one(
        "product.product", string="Deposit Product"
    )
    # Adjustments
    utility_adjustment_approval_limit = fields.Monetary(
        string="Adjustment Approval Limit",
        currency_field="currency_id",
        default=500.0,
        help="A Customer Service Representative II approves adjustments up to this "
        "amount; a manager approves those above it.",
    )
    utility_adjustment_product_id = fields.Many2one(
        "product.product",
        string="Adjustment Product",
        help="Product (income account) of adjustments entered as an amount.",
    )
    utility_penalty_product_id = fields.Many2one(
        "product.product",
        string="Penalty Product",
        help="Product of the late-payment penalty lines a penalty reversal credits.",
    )
    utility_leak_credit_basis = fields.Selection(
        [
            ("tier1", "Use above usual at the tier-1 price"),
            ("percent", "Percentage of the charge for the use above usual"),
        ],
        string="Leak Credit Basis",
        default="tier1",
        required=True,
    )
    utility_leak_credit_percent = fields.Float(
        string="Leak Credit Percentage",
        default=50.0,
        help="Share of the charge for the use above usual that a leak credit gives "
        "back.",
    )
    utility_leak_once_a_year = fields.Boolean(
        string="One Leak Credit in 12 Months",
        default=True,
        help="Refuse a leak credit when the account had one in the last 12 months.",
    )
    # SB 998 evidence: how long an accepted case protects the account when the
    # document itself gives no end date (0: until it is closed).
    utility_sb998_medical_days = fields.Integer(
        string="Medical Certification Valid (Days)",
        default=180,
        help="An accepted medical certification protects the account this many "
        "days from its effective date, unless the certificate gives its own end "
        "date; the customer then renews it. 0: until it is closed.",
    )
    utility_sb998_inability_days = fields.Integer(
        string="Proof of Inability to Pay Valid (Days)",
        default=365,
        help="An accepted proof of inability to pay (assistance program or "
        "declaration) protects the account this many days from its effective "
        "date (12 months by default). 0: until it is closed.",
    )

    def _utility_sb998_validity_days(self, kind):
        """Days an accepted SB 998 case of ``kind`` lasts (0: no expiry)."""
        self.ensure_one()
        return {
            "medical": self.utility_sb998_medical_days,
            "inability": self.utility_sb998_inability_days,
        }.get(kind, 0)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("utility_journal_id"):
            self.utility_journal_id._utility_lock_journal()
        return res

    def _utility_set_translations(self, records, name_of, fname="name"):
        """Give the translatable field ``fname`` of ``records`` our code
        created (a journal, an account, a payment method) its value in every
        installed language: ``name_of(lang)``, e.g. a lazy term's
        ``_translate``. A Spanish-speaking clerk then reads the Spanish name.
        Records whose field is not translatable are left as they are."""
        if not records or not records._fields[fname].translate:
            return records
        for lang, _label in self.env["res.lang"].get_installed():
            records.sudo().with_context(lang=lang).write({fname: name_of(lang)})
        return records

    def _utility_create_translated(self, model, vals, name_of, fname="name"):
        """Create (as superuser) a record of ``model`` from ``vals`` named
        ``name_of('en_US')``, then named ``name_of(lang)`` in every installed
        language (``_utility_set_translations``). ``name_of`` calls ``_()`` on
        a literal term, e.g. ``lambda lang: company.with_context(lang=lang)
        .env._("ACH Clearing")``."""
        Model = self.env[model].sudo()
        record = Model.with_context(lang="en_US").create(
            {**vals, fname: name_of("en_US")}
        )
        self._utility_set_translations(record, name_of, fname)
        return Model.browse(record.id)

    def _utility_translate_created_names(self):
        """Names of the records utility billing created in English before a
        language was installed (the bills journal, the chart accounts), set in
        every installed language. A record a city renamed is kept as it is.
        Run when a language's terms are loaded."""
        Account = self.env["account.account"].sudo().with_context(lang="en_US")
        for company in self.sudo().with_context(lang="en_US"):
            journal = company.utility_journal_id
            if journal.code == "UB" and journal.name == UTILITY_JOURNAL_NAME._source:
                company._utility_set_translations(
                    journal, UTILITY_JOURNAL_NAME._translate
                )
            for code, name, _type, _reconcile in UTILITY_CHART.values():
                account = Account.with_company(company).search(
                    [("company_ids", "in", company.id), ("code", "=", code)],
                    limit=1,
                )
                if account.name == name._source:
                    company._utility_set_translations(account, name._translate)
        return True

    def _utility_chart_account(self, key):
        """The company's account of ``key`` in UTILITY_CHART: the account with
        its code, created when missing."""
        self.ensure_one()
        code, name, account_type, reconcile = UTILITY_CHART[key]
        Account = self.env["account.account"].sudo().with_company(self)
        account = Account.search(
            [("company_ids", "in", self.id), ("code", "=", code)], limit=1
        )
        if not account:
            account = Account.with_context(lang="en_US").create(
                {
                    "name": name._source,
                    "code": code,
                    "account_type": account_type,
                    "reconcile": reconcile,
                    "company_ids": [Command.set(self.ids)],
                }
            )
            self._utility_set_translations(account, name._translate)
        return Account.browse(account.id)

    def _utility_ensure_deposit_account(self):
        """The customer deposits liability account of each company: the one
        set, else account 215100 (created when missing), set on the company.
        Return the accounts."""
        accounts = self.env["account.account"]
        for company in self:
            if not company.utility_deposit_account_id:
                company.sudo().utility_deposit_account_id = (
                    company._utility_chart_account("deposits")
                )
            accounts |= company.utility_deposit_account_id
        return accounts

    def _utility_chart_products(self):
        """{product xml id: UTILITY_CHART key} of the products the chart maps
        (other addons add theirs)."""
        return {
            "utility_billing.product_water_fixed": "water",
            "utility_billing.product_water_usage": "water",
            "utility_billing.product_minimum": "water",
            "utility_billing.product_sewer": "sewer",
            "utility_billing.product_trash": "trash",
        }

    def _utility_chart_setup(self):
        """A chart a city uses, idempotent, per company: the fund-style income
        accounts (water, sewer, solid waste, penalties, fees), the utility
        users tax payable and the customer deposits liability, created when
        missing; the utility products without an income account of the
        company get theirs; the tax lines of the sales taxes on the utility
        products (the UUT) without an account post to the UUT payable.
        Accounts and taxes a city set itself are kept. Used by the demo data;
        a manager runs it from Utility Billing > Configuration > Settings
        (Set Up Utility Accounts)."""
        for company in self:
            company = company.with_company(company)
            company._utility_ensure_deposit_account()
            products = self.env["product.product"]
            for xmlid, key in company._utility_chart_products().items():
                product = self.env.ref(xmlid, raise_if_not_found=False)
                if not product or (
                    product.company_id and product.company_id != company
                ):
                    continue
                product = product.sudo().with_company(company)
                if not product.property_account_income_id:
                    product.property_account_income_id = company._utility_chart_account(
                        key
                    )
                products |= product
            deposit = company.utility_deposit_product_id or self.env.ref(
                "utility_billing.product_deposit", raise_if_not_found=False
            )
            if deposit:
                deposit = deposit.sudo().with_company(company)
                if not deposit.property_account_income_id:
                    deposit.property_account_income_id = (
                        company.utility_deposit_account_id
                    )
            taxes = products.taxes_id.filtered(
                lambda t, c=company: t.company_id == c and t.amount_type != "group"
            )
            taxes = taxes.sudo()
            lines = (
                taxes.invoice_repartition_line_ids | taxes.refund_repartition_line_ids
            ).filtered(lambda ln: ln.repartition_type == "tax" and not ln.account_id)
            if lines:
                lines.account_id = company._utility_chart_account("uut")
        return True

    def _get_utility_adjustment_product(self):
        """Product of adjustments entered as an amount: the configured one, else
        the shipped *Billing Adjustment* product."""
        self.ensure_one()
        return self.utility_adjustment_product_id or self.env.ref(
            "utility_billing.product_adjustment"
        )

    def _get_utility_deposit_product(self):
        """Product of the customer deposit lines: the configured one, else the
        shipped *Customer Deposit* product."""
        self.ensure_one()
        return self.utility_deposit_product_id or self.env.ref(
            "utility_billing.product_deposit"
        )

    def _get_utility_deposit_account(self):
        """The liability account customer deposits are billed to: the
        configured one, else a *Customer Deposits* current liability account
        created on first use (code 2150 or the next free one) and set on the
        company. A city maps its own account in Utility Billing >
        Configuration > Settings."""
        self.ensure_one()
        if self.utility_deposit_account_id:
            return self.utility_deposit_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        code = Account._search_new_account_code("2150", cache=set())
        name = UTILITY_CHART["deposits"][1]
        account = Account.with_context(lang="en_US").create(
            {
                "name": name._source,
                "code": code,
                "account_type": "liability_current",
                "company_ids": [Command.set(self.ids)],
            }
        )
        self._utility_set_translations(account, name._translate)
        self.sudo().utility_deposit_account_id = account
        return Account.browse(account.id)

    def _utility_penalty_product(self):
        """Product of the late penalties: the configured one (the payments
        addon, which bills the penalties, falls back on its shipped product)."""
        self.ensure_one()
        return self.utility_penalty_product_id

    def _get_utility_journal(self):
        """The sale journal bills post to: the configured one, else one named
        'Utility Bills' (created on first use, code UB)."""
        self.ensure_one()
        if self.utility_journal_id:
            self.utility_journal_id._utility_lock_journal()
            return self.utility_journal_id
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.id), ("type", "=", "sale"), ("code", "=", "UB")],
            limit=1,
        )
        if not journal:
            default = self.env["account.journal"].search(
                [("company_id", "=", self.id), ("type", "=", "sale")], limit=1
            )
            if not default:
                return journal
            # Not a copy of it: Odoo names a copied journal "<name> (copy)" with
            # a code of its own choosing (account.journal.copy_data).
            # Named in English, then in every installed language (a journal's
            # name is translatable): a Spanish-speaking clerk reads it in
            # Spanish whatever the language of the user who billed first.
            journal = (
                self.env["account.journal"]
                .sudo()
                .with_context(lang="en_US")
                .create(
                    {
                        "name": UTILITY_JOURNAL_NAME._source,
                        "code": "UB",
                        "type": "sale",
                        "sequence": 5,
                        "company_id": self.id,
                        "default_account_id": default.default_account_id.id,
                    }
                )
            )
            self._utility_set_translations(journal, UTILITY_JOURNAL_NAME._translate)
            journal = self.env["account.journal"].sudo().browse(journal.id)
        self.sudo().utility_journal_id = journal
        journal._utility_lock_journal()
        return journal
