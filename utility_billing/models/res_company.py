# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    utility_journal_id = fields.Many2one(
        "account.journal",
        string="Utility Bills Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
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

    def write(self, vals):
        res = super().write(vals)
        if vals.get("utility_journal_id"):
            self.utility_journal_id._utility_lock_journal()
        return res

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
        account = Account.create(
            {
                "name": self.env._("Customer Deposits"),
                "code": code,
                "account_type": "liability_current",
                "company_ids": [Command.set(self.ids)],
            }
        )
        self.sudo().utility_deposit_account_id = account
        return account

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
            journal = (
                self.env["account.journal"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Utility Bills"),
                        "code": "UB",
                        "type": "sale",
                        "sequence": 5,
                        "company_id": self.id,
                        "default_account_id": default.default_account_id.id,
                    }
                )
            )
        self.sudo().utility_journal_id = journal
        journal._utility_lock_journal()
        return journal


class AccountJournal(models.Model):
    _inherit = "account.journal"

    utility_bill_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Utility Bill Numbers",
        copy=False,
        help="Numbers of the bills billing runs create in this journal.",
    )
    utility_journal = fields.Boolean(
        copy=False,
        readonly=True,
        help="Utility billing posts to this journal: its posted entries are locked "
        "(corrected only through utility workflows) and secured with Odoo's "
        "inalterability hash.",
    )

    def write(self, vals):
        if "utility_journal" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "Journal %(journal)s: whether it is a utility journal is set by "
                    "utility billing, not by editing.",
                    journal=self[:1].display_name,
                )
            )
        return super().write(vals)

    def _utility_lock_journal(self):
        """Make these journals utility journals: locked books, secured by Odoo's
        inalterability hash (``restrict_mode_hash_table``). Idempotent; done
        when utility billing first uses a journal."""
        to_lock = self.filtered(
            lambda j: not j.utility_journal or not j.restrict_mode_hash_table
        )
        if to_lock:
            to_lock.sudo().write(
                {"utility_journal": True, "restrict_mode_hash_table": True}
            )
        return True
