# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import (
    check_company,
    check_protected_create,
    check_protected_write,
    check_role,
)

# Door "utility.collection.referral": referrals are made by an export and
# change through their buttons only; an export's file is written once.
REFERRAL_FIELDS = (
    "account_id",
    "final_bill_id",
    "referral_date",
    "amount",
    "state",
    "export_id",
    "write_off_move_id",
    "write_off_amount",
    "recovery_move_ids",
    "company_id",
)


class UtilityCollectionReferral(models.Model):
    """A closed account's unpaid final bill handed to the collection agency, and
    what became of it: written off on a manager's approval, payments received
    later recovered."""

    _name = "utility.collection.referral"
    _description = "Utility Collection Referral"
    _inherit = ["mail.thread"]
    _order = "referral_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(related="account_id.name", store=True)
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, readonly=True, check_company=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    final_bill_id = fields.Many2one("account.move", readonly=True)
    referral_date = fields.Date(required=True, readonly=True)
    amount = fields.Monetary(
        string="Amount Referred", currency_field="currency_id", readonly=True
    )
    state = fields.Selection(
        [
            ("referred", "Referred"),
            ("written_off", "Written Off"),
            ("paid", "Paid"),
            ("cancelled", "Cancelled"),
        ],
        default="referred",
        required=True,
        readonly=True,
        tracking=True,
    )
    export_id = fields.Many2one(
        "utility.collection.export", readonly=True, ondelete="set null"
    )
    write_off_move_id = fields.Many2one("account.move", readonly=True, copy=False)
    write_off_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    recovery_move_ids = fields.Many2many(
        "account.move",
        "utility_collection_referral_recovery_rel",
        "referral_id",
        "move_id",
        string="Recoveries",
        readonly=True,
    )
    amount_recovered = fields.Monetary(
        currency_field="currency_id", compute="_compute_amount_recovered"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("recovery_move_ids")
    def _compute_amount_recovered(self):
        for referral in self:
            referral.amount_recovered = sum(
                referral.recovery_move_ids.mapped("amount_total")
            )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            REFERRAL_FIELDS,
            "utility.collection.referral",
            message=self.env._(
                "Accounts are referred to the collection agency by a collection "
                "export (Collections > Collection Referrals > Refer Accounts)."
            ),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self, vals, REFERRAL_FIELDS, "utility.collection.referral"
        )
        return super().write(vals)

    def action_write_off(self):
        """Manager: write the open balance off to the bad-debt expense account,
        the receivable credited and reconciled with the bills."""
        check_role(
            self.env,
            "utility_billing.group_manager",
            self.env._("Only a manager approves write-offs."),
        )
        check_company(self)
        for referral in self:
            if referral.state != "referred":
                raise UserError(
                    self.env._(
                        "Referral %(name)s is not waiting for a write-off.",
                        name=referral.name,
                    )
                )
            # The accounting of the write-off, after the manager's approval.
            referral.sudo()._write_off()
        return True

    def action_cancel(self):
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Only a Customer Service Representative II takes an account back "
                "from the collection agency."
            ),
        )
        self.check_access("write")
        for referral in self:
            if referral.state != "referred":
                raise UserError(
                    self.env._(
                        "Referral %(name)s is %(state)s.",
                        name=referral.name,
                        state=referral.state,
                    )
                )
        with workflow("utility.collection.referral", "utility.account"):
            self.write({"state": "cancelled"})
            self.account_id.write({"collection_state": "none"})
        return True

    def _write_off(self):
        self.ensure_one()
        company = self.company_id
        account = self.account_id
        if not company.utility_bad_debt_account_id:
            raise UserError(
                self.env._(
                    "Set the bad debt expense account in Utility Billing > "
                    "Configuration > Settings before writing off."
                )
            )
        # Credits still open on the account go to its bills first.
        open_credits = self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ]
        )
        if open_credits:
            account._utility_apply_credit(open_credits)
        debits = account._utility_open_receivable_lines()
        total = sum(debits.mapped("amount_residual"))
        if self.currency_id.is_zero(total):
            self.state = "paid"
            account.collection_state = "none"
            return self.env["account.move"]
        journal = company.utility_write_off_journal_id or self.env[
            "account.journal"
        ].search([("company_id", "=", company.id), ("type", "=", "general")], limit=1)
        lines = [
            Command.create(
                {
                    "name": self.env._(
                        "Write-off of %(bill)s", bill=debit.move_id.name
                    ),
                    "account_id": debit.account_id.id,
                    "partner_id": debit.partner_id.id,
                    "credit": debit.amount_residual,
                    "debit": 0.0,
                }
            )
            for debit in debits
        ]
        lines.append(
            Command.create(
                {
                    "name": self.env._(
                        "Bad debt: account %(account)s", account=account.name
                    ),
                    "account_id": company.utility_bad_debt_account_id.id,
                    "partner_id": account.partner_id.id,
                    "debit": total,
                    "credit": 0.0,
                }
            )
        )
        today = fields.Date.context_today(self)
        Move = self.env["account.move"].with_context(clean_context(self.env.context))
        move = Move.create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": today,
                "ref": self.env._(
                    "Write-off of account %(account)s", account=account.name
                ),
                "utility_account_id": account.id,
                "company_id": company.id,
                "line_ids": lines,
            }
        )
        move._post(soft=False)
        credits = move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        for debit, credit in zip(debits, credits, strict=True):
            (debit | credit).reconcile()
        self.write(
            {
                "state": "written_off",
                "write_off_move_id": move.id,
                "write_off_amount": total,
            }
        )
        account.collection_state = "written_off"
        account.message_post(
            body=self.env._(
                "%(amount)s written off to bad debt (%(move)s).",
                amount=self.currency_id.format(total),
                move=move._get_html_link(),
            )
        )
        return move

    def _recover_open_credits(self):
        """Payments received after the write-off: their credit, left open on the
        account, is reconciled with a receivable debit whose counterpart credits
        the bad-debt recovery income account."""
        self.ensure_one()
        company = self.company_id
        account = self.account_id
        credits = self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ]
        )
        if not credits:
            return self.env["account.move"]
        if not company.utility_bad_debt_recovery_account_id:
            raise UserError(
                self.env._(
                    "Account %(account)s was written off: set the bad debt recovery "
                    "account in Utility Billing > Configuration > Settings to "
                    "record this payment.",
                    account=account.name,
                )
            )
        amount = -sum(credits.mapped("amount_residual"))
        journal = self.write_off_move_id.journal_id or self.env[
            "account.journal"
        ].search([("company_id", "=", company.id), ("type", "=", "general")], limit=1)
        receivable = credits[0].account_id
        Move = self.env["account.move"].with_context(clean_context(self.env.context))
        move = Move.create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": fields.Date.context_today(self),
                "ref": self.env._(
                    "Recovery of bad debt: account %(account)s", account=account.name
                ),
                "utility_account_id": account.id,
                "company_id": company.id,
                "line_ids": [
                    Command.create(
                        {
                            "name": self.env._("Payment on a written-off account"),
                            "account_id": receivable.id,
                            "partner_id": account.partner_id.id,
                            "debit": amount,
                            "credit": 0.0,
                        }
                    ),
                    Command.create(
                        {
                            "name": self.env._(
                                "Bad debt recovered: account %(account)s",
                                account=account.name,
                            ),
                            "account_id": (
                                company.utility_bad_debt_recovery_account_id.id
                            ),
                            "partner_id": account.partner_id.id,
                            "debit": 0.0,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        move._post(soft=False)
        debit = move.line_ids.filtered(lambda ln: ln.account_id == receivable)
        (credits.filtered(lambda ln: ln.account_id == receivable) | debit).reconcile()
        self.recovery_move_ids = [Command.link(move.id)]
        account.message_post(
            body=self.env._(
                "%(amount)s recovered on a written-off account (%(move)s).",
                amount=self.currency_id.format(amount),
                move=move._get_html_link(),
            )
        )
        return move
