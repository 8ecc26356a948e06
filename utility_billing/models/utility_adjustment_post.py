# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Posting an approved adjustment: its credit note (or debit note), reconciled
with the bill it corrects, and the history on the account and the bill."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context

from ..tools import numbering
from .utility_adjustment import ADJUSTMENT_TYPES


class UtilityAdjustment(models.Model):
    _inherit = "utility.adjustment"

    def action_post(self):
        """Post the credit note (or debit note) and reconcile it with the bill.

        A CSR II or a manager posts; Odoo's accounting rights are not theirs
        (CSRs read accounting only): the note is created, posted and reconciled
        with ``sudo()`` once the role, the company, the approval and the policy
        are checked (the user stays the author of the note).
        """
        self._check_reviewer_rights()
        self.check_access("write")
        # The form's defaults (default_account_id is a utility account) must not
        # reach the journal entry and its lines.
        for adjustment in self.with_context(clean_context(self.env.context)):
            if adjustment.state != "approved":
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s must be approved before it is posted.",
                        name=adjustment.name,
                    )
                )
            adjustment._check_policy()
            adjustment._check_can_submit()
            if not adjustment.approver_id or adjustment.approver_id == (
                adjustment.requested_by
            ):
                raise UserError(
                    self.env._(
                        "Adjustment %(name)s has no approval by someone other than "
                        "its requester.",
                        name=adjustment.name,
                    )
                )
            accounting = adjustment.sudo()
            move = accounting._create_move()
            move._post(soft=False)
            accounting._reconcile_move(move)
            adjustment._workflow_write(
                {"state": "posted", "move_id": move.id, "post_date": move.date}
            )
            label = (
                self.env._("Credit note")
                if move.move_type == "out_refund"
                else self.env._("Debit note")
            )
            body = self.env._(
                "%(label)s %(move)s of %(amount)s posted for adjustment "
                "%(name)s (%(type)s).",
                label=label,
                move=move.name,
                amount=move.currency_id.format(move.amount_total),
                name=adjustment.name,
                type=dict(ADJUSTMENT_TYPES)[adjustment.adjustment_type],
            )
            adjustment.message_post(body=body)
            adjustment.account_id.message_post(body=body)
            if adjustment.bill_id:
                adjustment.bill_id.sudo().message_post(body=body)
        return True

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------

    def _create_move(self):
        """The draft credit note (credit) or debit note (charge) of the lines."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(
                self.env._("Adjustment %(name)s has no line.", name=self.name)
            )
        vals = self._prepare_move_vals()
        return (
            self.env["account.move"]
            .with_context(default_move_type=vals["move_type"])
            .create(vals)
        )

    def _prepare_move_vals(self):
        self.ensure_one()
        credit = self.amount > 0
        sign = 1 if credit else -1
        account = self.account_id
        bill = self.bill_id
        journal = bill.journal_id or self.company_id._get_utility_journal()
        today = fields.Date.context_today(self)
        vals = {
            "move_type": "out_refund" if credit else "out_invoice",
            "partner_id": account.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": today,
            "date": today,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": account.id,
            "utility_adjustment_id": self.id,
            "payment_reference": account.name,
            "invoice_origin": bill.name or self.name,
            "ref": self.env._(
                "%(name)s: %(reason)s", name=self.name, reason=self.reason
            ),
            "invoice_line_ids": [
                Command.create(line._prepare_move_line_vals(sign))
                for line in self.line_ids
            ],
        }
        if credit:
            if bill:
                vals["reversed_entry_id"] = bill.id
        else:
            vals["invoice_date_due"] = today + relativedelta(
                days=account.billing_cycle_id.due_days or 0
            )
            # A debit note of the utility journal takes its number from the bills'
            # sequence, so that it never takes a number a later bill will get.
            sequence = journal.utility_bill_sequence_id
            if sequence:
                # Past the numbers Odoo gave to entries of the journal.
                vals["name"] = numbering.next_name(sequence, journal, today)
        return vals

    def _reconcile_move(self, move):
        """Apply a credit note to what is still open on the original bill."""
        self.ensure_one()
        if move.move_type != "out_refund" or not self.bill_id:
            return
        lines = (move.line_ids | self.bill_id.line_ids).filtered(
            lambda ln: (
                ln.account_id.account_type == "asset_receivable" and not ln.reconciled
            )
        )
        if lines.filtered(lambda ln: ln.move_id == move) and lines.filtered(
            lambda ln: ln.move_id == self.bill_id
        ):
            lines.reconcile()
