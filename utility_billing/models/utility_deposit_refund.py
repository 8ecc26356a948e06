# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workflow import check_protected, is_trusted, workflow
from .account_move import BOOKS_DOOR

REFUND_DOOR = "utility.deposit.refund"
# Set only by the request's own buttons.
WORKFLOW_FIELDS = {
    "state",
    "requested_by",
    "approver_id",
    "approval_date",
    "rejection_reason",
    "move_ids",
    "post_date",
}
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


class UtilityDepositRefund(models.Model):
    """The refund of the credit an account is left with (its deposit applied
    to a final bill that owed less), or its transfer to the customer's other
    account: requested by a CSR II, approved by a manager who is someone else,
    then posted (an outbound payment entry in a bank or cash journal, or a
    transfer entry in each account)."""

    _name = "utility.deposit.refund"
    _description = "Utility Credit Refund"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

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
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("posted", "Posted"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    requested_by = fields.Many2one(
        "res.users", readonly=True, tracking=True, copy=False
    )
    approver_id = fields.Many2one("res.users", readonly=True, tracking=True, copy=False)
    approval_date = fields.Datetime(readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, tracking=True, copy=False)
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
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, REFUND_DOOR):
            for vals in vals_list:
                check_protected(
                    self,
                    {
                        key: value
                        for key, value in vals.items()
                        if value and (key != "state" or value != "draft")
                    },
                    WORKFLOW_FIELDS,
                    REFUND_DOOR,
                    self._protected_message(),
                )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("utility.deposit.refund")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(
            self, vals, WORKFLOW_FIELDS, REFUND_DOOR, self._protected_message()
        )
        locked = self.filtered(lambda r: r.state != "draft")
        if locked:
            check_protected(
                self,
                vals,
                REQUEST_FIELDS,
                REFUND_DOOR,
                self.env._(
                    "Refund request %(name)s has been submitted: set it back to "
                    "draft to change it.",
                    name=locked[0].name,
                ),
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_rejected(self):
        for request in self:
            if request.state not in ("draft", "rejected"):
                raise UserError(
                    self.env._(
                        "Refund request %(name)s is %(state)s and cannot be deleted.",
                        name=request.name,
                        state=request._state_label(),
                    )
                )

    def _protected_message(self):
        return self.env._(
            "The status, approval and posting of a refund request change only "
            "through its buttons."
        )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _workflow_write(self, vals):
        with workflow(REFUND_DOOR):
            return self.write(vals)

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

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_submit(self):
        """Ask for approval (CSR II and above); the submitter is the
        requester."""
        self._check_role("utility_billing.group_csr_2")
        self.check_access("write")
        for request in self:
            if request.state != "draft":
                raise UserError(
                    self.env._(
                        "Refund request %(name)s is not a draft.", name=request.name
                    )
                )
            request._check_request()
            request._workflow_write(
                {"state": "to_approve", "requested_by": self.env.uid}
            )
        return True

    def action_approve(self):
        """Approve and post (a manager other than the requester): the refund
        is paid from its journal, or the credit moves to the other account."""
        self._check_role("utility_billing.group_manager")
        self.check_access("write")
        for request in self:
            if request.state != "to_approve":
                raise UserError(
                    self.env._(
                        "Refund request %(name)s is not waiting for approval.",
                        name=request.name,
                    )
                )
            if request.requested_by == self.env.user:
                raise UserError(
                    self.env._(
                        "You requested refund %(name)s: another manager must approve "
                        "it.",
                        name=request.name,
                    )
                )
            request._check_request()
            moves = request.sudo()._post_entries()
            request._workflow_write(
                {
                    "state": "posted",
                    "approver_id": self.env.uid,
                    "approval_date": fields.Datetime.now(),
                    "post_date": moves[:1].date,
                    "move_ids": [Command.set(moves.ids)],
                }
            )
            body = self.env._(
                "Refund request %(name)s of %(amount)s approved and posted: "
                "%(entries)s.",
                name=request.name,
                amount=request.currency_id.format(request.amount),
                entries=", ".join(moves.mapped("name")),
            )
            request.message_post(body=body)
            request.account_id.sudo().message_post(body=body)
            if request.method == "transfer":
                request.target_account_id.sudo().message_post(body=body)
            request.account_id.sudo()._close_if_settled()
        return True

    def action_reject(self, reason=None):
        """Refuse the request, saying why (a manager)."""
        self._check_role("utility_billing.group_manager")
        self.check_access("write")
        if not reason:
            raise UserError(self.env._("Say why the refund request is rejected."))
        for request in self:
            if request.state != "to_approve":
                raise UserError(
                    self.env._(
                        "Refund request %(name)s is not waiting for approval.",
                        name=request.name,
                    )
                )
            request._workflow_write({"state": "rejected", "rejection_reason": reason})
            request.message_post(
                body=self.env._("Rejected: %(reason)s", reason=reason),
                partner_ids=request.requested_by.partner_id.ids,
            )
        return True

    def action_draft(self):
        """Back to draft, to be changed and submitted again (CSR II)."""
        self._check_role("utility_billing.group_csr_2")
        self.check_access("write")
        for request in self:
            if request.state not in ("to_approve", "rejected"):
                raise UserError(
                    self.env._(
                        "Refund request %(name)s is %(state)s: it cannot go back to "
                        "draft.",
                        name=request.name,
                        state=request._state_label(),
                    )
                )
            request._workflow_write(
                {"state": "draft", "requested_by": False, "rejection_reason": False}
            )
        return True

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

    def _check_role(self, group):
        if self.env.su or self.env.user.has_group(group):
            return
        if group == "utility_billing.group_manager":
            message = self.env._("Only a manager approves or rejects a refund.")
        else:
            message = self.env._(
                "Only a Customer Service Representative II or a manager requests a "
                "refund."
            )
        raise AccessError(message)

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
