# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The refund (or transfer) of an account's credit, a request approved by a
manager (the workflow is :mod:`.utility_approval_mixin`'s)."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..tools.workflow import workflow
from .account_move import BOOKS_DOOR

_lt = LazyTranslate(__name__)

# Frozen once the request is submitted.
REQUEST_FIELDS = {
    "account_id",
    "amount",
    "method",
    "journal_id",
    "target_account_id",
    "reason",
    "company_id",
}
_PROTECTED = _lt(
    "The status, approval and posting of a refund request change only "
    "through its buttons."
)
_NOT_TO_APPROVE = _lt("Refund request %(name)s is not waiting for approval.")
MESSAGES = {
    "not_draft": _lt("Refund request %(name)s is not a draft."),
    "not_to_approve": _NOT_TO_APPROVE,
    "cannot_reject": _NOT_TO_APPROVE,
    "cannot_draft": _lt(
        "Refund request %(name)s is %(state)s: it cannot go back to draft."
    ),
    "cannot_delete": _lt("Refund request %(name)s is %(state)s and cannot be deleted."),
    "submitted": _lt(
        "Refund request %(name)s has been submitted: set it back to draft to change it."
    ),
    "protected": _PROTECTED,
    "create_protected": _PROTECTED,
    "reject_reason": _lt("Say why the refund request is rejected."),
    "reject_title": _lt("Reject Refund"),
    "own_request": _lt(
        "You requested refund %(name)s: another manager must approve it."
    ),
    "submit_rights": _lt(
        "Only a Customer Service Representative II or a manager requests a refund."
    ),
    "reviewer_rights": _lt("Only a manager approves or rejects a refund."),
}


class UtilityDepositRefund(models.Model):
    """The refund of the credit an account is left with (its deposit applied
    to a final bill that owed less), or its transfer to the customer's other
    account: requested by a CSR II, approved by a manager who is someone else,
    then posted (an outbound payment entry in a bank or cash journal, or a
    transfer entry in each account)."""

    _name = "utility.deposit.refund"
    _description = "Utility Credit Refund"
    _inherit = ["utility.approval.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # The requester is the CSR II who submits the draft the final bill made.
    _approval_requester_on_submit = True
    _approval_reject_wizard = ("utility.deposit.refund.reject", "refund_id")

    name = fields.Char(required=True, copy=False, readonly=True, default="/")
    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    account_balance = fields.Monetary(
        related="account_id.balance", string="Account Balance"
    )
    method = fields.Selection(
        [
            ("refund", "Refund to the customer"),
            ("transfer", "Transfer to another account"),
        ],
        required=True,
        default="refund",
        tracking=True,
    )
    amount = fields.Monetary(required=True, tracking=True)
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid From",
        tracking=True,
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Bank or cash journal the refund is paid from.",
    )
    target_account_id = fields.Many2one(
        "utility.account",
        string="Transfer To",
        tracking=True,
        check_company=True,
        domain="[('partner_id', '=', partner_id), ('id', '!=', account_id), "
        "('state', 'in', ('draft', 'active')), ('company_id', '=', company_id)]",
        help="The customer's other account, which the credit is applied to.",
    )
    reason = fields.Text(tracking=True)
    # Approved and posted at once: the posting is tracked, not the time.
    approval_date = fields.Datetime(tracking=False)
    post_date = fields.Date(readonly=True, copy=False)
    move_ids = fields.Many2many(
        "account.move", string="Journal Entries", readonly=True, copy=False
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A refund must be positive."),
    ]

    # ------------------------------------------------------------
    # Approval workflow (utility.approval.mixin)
    # ------------------------------------------------------------

    def _approval_messages(self):
        return MESSAGES

    def _approval_submit_group(self):
        return "utility_billing.group_csr_2"

    def _approval_workflow_fields(self):
        return super()._approval_workflow_fields() | {"move_ids", "post_date"}

    def _approval_frozen_fields(self):
        return REQUEST_FIELDS

    def _check_draft_rights(self):
        """Any CSR II sets a request back to draft (it has no requester then)."""
        self._check_submit_rights()

    def _check_can_submit(self):
        self._check_request()

    def _approve(self):
        """Approve and post: the refund is paid from its journal, or the credit
        moves to the other account."""
        self.ensure_one()
        moves = self.sudo()._post_entries()
        self._workflow_write(
            {
                "state": "posted",
                "approver_id": self.env.uid,
                "approval_date": fields.Datetime.now(),
                "post_date": moves[:1].date,
                "move_ids": [Command.set(moves.ids)],
            }
        )
        body = self.env._(
            "Refund request %(name)s of %(amount)s approved and posted: %(entries)s.",
            name=self.name,
            amount=self.currency_id.format(self.amount),
            entries=", ".join(moves.mapped("name")),
        )
        self.message_post(body=body)
        self.account_id.sudo().message_post(body=body)
        if self.method == "transfer":
            self.target_account_id.sudo().message_post(body=body)
        self.account_id.sudo()._close_if_settled()

    @api.model
    def _utility_draft_for(self, account):
        """Draft request refunding the whole credit of ``account`` (called as
        superuser by the final bill)."""
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", account.company_id.id)],
            limit=1,
        )
        return self.create(
            {
                "account_id": account.id,
                "amount": -account.balance,
                "journal_id": journal.id,
                "company_id": account.company_id.id,
                "reason": self.env._("Credit left after the final bill."),
            }
        )

    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal Entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

    # ------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------

    def _check_request(self):
        """The amount is at most the account's credit; a refund names its
        journal, a transfer the customer's other open account."""
        self.ensure_one()
        account = self.account_id.sudo()
        currency = self.currency_id
        account.invalidate_recordset(["balance"])
        credit = -account.balance
        if currency.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(
                self.env._("Refund request %(name)s has no amount.", name=self.name)
            )
        if currency.compare_amounts(self.amount, credit) > 0:
            raise UserError(
                self.env._(
                    "Refund request %(name)s: %(amount)s is more than the credit of "
                    "%(credit)s on account %(account)s.",
                    name=self.name,
                    amount=currency.format(self.amount),
                    credit=currency.format(max(credit, 0.0)),
                    account=account.name,
                )
            )
        if self.method == "refund":
            if not self.journal_id:
                raise UserError(
                    self.env._(
                        "Refund request %(name)s: choose the bank or cash journal "
                        "it is paid from.",
                        name=self.name,
                    )
                )
        else:
            target = self.target_account_id.sudo()
            if (
                not target
                or target == account
                or target.partner_id != account.partner_id
                or target.state not in ("draft", "active")
            ):
                raise UserError(
                    self.env._(
                        "Refund request %(name)s: choose another open account of "
                        "%(customer)s to transfer the credit to.",
                        name=self.name,
                        customer=account.partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------

    def _post_entries(self):
        """Post the refund or the transfer (as superuser, once checked)."""
        self.ensure_one()
        account = self.account_id
        credits = self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ],
            order="date, id",
        )
        receivable = (
            credits.account_id[:1]
            or account.partner_id.with_company(
                account.company_id
            ).property_account_receivable_id
        )
        day = account.company_id._utility_today()
        amount = self.currency_id.round(self.amount)
        if self.method == "refund":
            label = self.env._(
                "Refund %(name)s of the credit of account %(account)s",
                name=self.name,
                account=account.name,
            )
            moves = self._create_entry(
                self.journal_id, account, day, label, receivable, amount
            )
        else:
            target = self.target_account_id
            transit = account.company_id.transfer_account_id
            if not transit:
                raise UserError(
                    self.env._(
                        "Set the company's internal transfer account (Accounting "
                        "settings) before transferring a credit between accounts."
                    )
                )
            journal = self.env["account.journal"].search(
                [("type", "=", "general"), ("company_id", "=", account.company_id.id)],
                limit=1,
            )
            label = self.env._(
                "%(name)s: credit of account %(account)s transferred to account "
                "%(target)s",
                name=self.name,
                account=account.name,
                target=target.name,
            )
            moves = self._create_entry(
                journal, account, day, label, receivable, amount, transit
            )
            moves |= self._create_entry(
                journal, target, day, label, receivable, -amount, transit
            )
            transit_lines = moves.line_ids.filtered(lambda ln: ln.account_id == transit)
            if transit.reconcile:
                transit_lines.reconcile()
            target._utility_apply_credit(
                moves[-1].line_ids.filtered(lambda ln: ln.account_id == receivable)
            )
        account._utility_apply_credit(credits)
        return moves

    def _create_entry(
        self, journal, account, day, label, receivable, amount, counterpart=None
    ):
        """A posted entry of ``account``: its receivable debited with
        ``amount`` (credited when negative) against ``counterpart`` (the
        journal's outgoing payments account by default)."""
        if not counterpart:
            line = journal.outbound_payment_method_line_ids.filtered(
                "payment_account_id"
            )[:1]
            counterpart = line.payment_account_id or journal.default_account_id
        if not counterpart:
            raise UserError(
                self.env._(
                    "Journal %(journal)s has no outgoing payments account.",
                    journal=journal.display_name,
                )
            )
        debit, credit = (amount, 0.0) if amount > 0 else (0.0, -amount)
        with workflow(BOOKS_DOOR):
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": day,
                    "ref": label,
                    "utility_account_id": account.id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": receivable.id,
                                "partner_id": account.partner_id.id,
                                "debit": debit,
                                "credit": credit,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": counterpart.id,
                                "partner_id": account.partner_id.id,
                                "debit": credit,
                                "credit": debit,
                            }
                        ),
                    ],
                }
            )
            move._post(soft=False)
        return move
