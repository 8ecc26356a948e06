# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools.workflow import is_trusted
from .account_move import BOOKS_DOOR, stored_changes

# What Odoo writes on the items of a posted entry when it reconciles them.
POSTED_LINE_WRITABLE_FIELDS = frozenset({"matching_number", "full_reconcile_id"})


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    utility_service_type_id = fields.Many2one(
        "utility.service.type",
        string="Utility Service",
        index="btree_not_null",
        copy=False,
    )
    utility_account_id = fields.Many2one(
        related="move_id.utility_account_id",
        store=True,
        index="btree_not_null",
        string="Utility Account",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, BOOKS_DOOR):
            moves = self.env["account.move"].browse(
                {vals["move_id"] for vals in vals_list if vals.get("move_id")}
            )
            moves._utility_check_books(
                self.env._("given new journal items"),
                moves.filtered(lambda m: m.state == "posted"),
            )
        return super().create(vals_list)

    def write(self, vals):
        forbidden = stored_changes(self, vals, POSTED_LINE_WRITABLE_FIELDS)
        if forbidden and not is_trusted(self.env, BOOKS_DOOR):
            self.move_id._utility_check_books(
                self.env._(
                    "edited (journal items: %(fields)s)",
                    fields=", ".join(sorted(forbidden)),
                ),
                self.move_id.filtered(lambda m: m.state == "posted"),
            )
        return super().write(vals)

    def unlink(self):
        if not is_trusted(self.env, BOOKS_DOOR):
            self.move_id._utility_check_books(
                self.env._("stripped of journal items"),
                self.move_id.filtered(lambda m: m.state == "posted"),
            )
        return super().unlink()

    @api.model
    def _reconcile_plan(self, reconciliation_plan):
        """Payments through every door, one rule: a payment entry reconciled
        with the bills of one utility account (Odoo's Register Payment, bank
        reconciliation, a manual reconciliation) belongs to that account, as
        the utility's own payment workflows set it, so the account's history,
        the cash receipts and the month-end count it (source "other" unless the
        payment door says otherwise). Read from the lines of the plan (in the
        cache): a plan of utility workflows' lines costs nothing more."""
        res = super()._reconcile_plan(reconciliation_plan)
        to_attach = {}

        def groups(plan):
            for item in plan:
                if isinstance(item, models.BaseModel):
                    yield item
                else:
                    yield from groups(item)

        for lines in groups(reconciliation_plan):
            receivable = lines.filtered(
                lambda ln: ln.account_id.account_type == "asset_receivable"
            )
            accounts = receivable.move_id.utility_account_id
            if len(accounts) != 1:
                continue
            for move in receivable.move_id:
                if not move.utility_account_id and move.move_type == "entry":
                    to_attach.setdefault(accounts.id, self.env["account.move"])
                    to_attach[accounts.id] |= move
        for account_id, moves in to_attach.items():
            # The reconciliation was allowed: the entry follows its bill's
            # account as the payment workflows set it (superuser: a CSR reads
            # accounting only).
            moves.sudo().write(
                {
                    "utility_account_id": account_id,
                    "utility_payment_source": "other",
                }
            )
        return res
