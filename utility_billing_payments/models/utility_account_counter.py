# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments: the utility account at the Point of Sale (search, flags,
cash only after returned checks) (``utility.account``).
"""

from odoo import api, fields, models
from odoo.osv import expression

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import check_protected_create, check_protected_write, check_role

POS_SEARCH_LIMIT = 20
# Set by the returned check workflow only (door "utility.account").
COUNTER_PROTECTED_FIELDS = ("returned_check_count", "cash_only")


class UtilityAccount(models.Model):
    _name = "utility.account"
    _inherit = ["utility.account", "pos.load.mixin"]

    returned_check_count = fields.Integer(
        string="Returned Checks",
        readonly=True,
        tracking=True,
        copy=False,
        help="Checks returned unpaid (NSF) on this account.",
    )
    cash_only = fields.Boolean(
        string="Cash Only at the Counter",
        readonly=True,
        tracking=True,
        copy=False,
        help="Set after repeated returned checks (Gov. Code 6157): the counter "
        "refuses checks for this account.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self, vals_list, COUNTER_PROTECTED_FIELDS, "utility.account"
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, COUNTER_PROTECTED_FIELDS, "utility.account")
        return super().write(vals)

    def action_set_cash_only(self):
        """A CSR II makes the account pay by cash, card or money order only."""
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._("Only a CSR II or a manager sets an account to cash only."),
        )
        self.check_access("write")
        with workflow("utility.account"):
            self.write({"cash_only": True})
        for account in self:
            account.message_post(
                body=self.env._(
                    "Cash only at the counter, set by %(user)s.",
                    user=self.env.user.name,
                )
            )
        return True

    def action_lift_cash_only(self):
        """A manager lets the account pay by check again."""
        check_role(
            self.env,
            "utility_billing.group_manager",
            self.env._("Only a manager lets a cash-only account pay by check again."),
        )
        self.check_access("write")
        with workflow("utility.account"):
            self.write({"cash_only": False})
        for account in self:
            account.message_post(
                body=self.env._(
                    "Checks accepted again at the counter, decided by %(user)s.",
                    user=self.env.user.name,
                )
            )
        return True

    # Point of Sale: accounts are searched on the server, never preloaded.
    @api.model
    def _load_pos_data_domain(self, data):
        return False

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            "id",
            "name",
            "partner_id",
            "cash_only",
            "currency_id",
            "service_address",
        ]

    def _pos_counter_flags(self):
        """Short warnings the cashier sees next to the account. Other parts of
        the suite (autopay, payment plans, shut-off) add theirs."""
        self.ensure_one()
        flags = []
        if self.cash_only:
            flags.append(self.env._("Cash only"))
        if self.returned_check_count:
            flags.append(
                self.env._(
                    "Returned checks: %(count)s", count=self.returned_check_count
                )
            )
        if self.state == "final":
            flags.append(self.env._("Final bill"))
        return flags

    @api.model
    def pos_search(self, query, config_id):
        """Accounts of the counter's company matching an account number, a
        customer name, a service address or a meter serial, with what the
        cashier needs to see."""
        query = (query or "").strip()
        if len(query) < 2:
            return []
        config = self.env["pos.config"].browse(config_id)
        company = config.company_id or self.env.company
        domain = expression.AND(
            [
                [("company_id", "=", company.id), ("state", "!=", "draft")],
                expression.OR(
                    [
                        [("name", "=ilike", query + "%")],
                        [("partner_id.name", "ilike", query)],
                        [("premise_id.name", "ilike", query)],
                        [("premise_id.street", "ilike", query)],
                        [("service_ids.meter_id.serial", "=ilike", query + "%")],
                    ]
                ),
            ]
        )
        accounts = self.search(domain, limit=POS_SEARCH_LIMIT, order="name")
        return accounts._pos_account_info()

    def _pos_account_info(self):
        result = []
        today = fields.Date.context_today(self)
        for account in self:
            bills = []
            for line in account._utility_open_receivable_lines():
                bills.append(
                    {
                        "name": line.move_id.name,
                        "date_due": fields.Date.to_string(line.date_maturity),
                        "amount": line.amount_residual,
                        "past_due": bool(
                            line.date_maturity and line.date_maturity < today
                        ),
                    }
                )
            result.append(
                {
                    "id": account.id,
                    "name": account.name,
                    "partner_id": account.partner_id.id,
                    "partner_name": account.partner_id.name,
                    "address": account.premise_id.display_name or "",
                    "state": account.state,
                    "balance": account.balance,
                    "past_due": account.past_due_amount,
                    "cash_only": account.cash_only,
                    "flags": account._pos_counter_flags(),
                    "bills": bills,
                }
            )
        return result

    def _utility_receivable_account(self):
        """The receivable account payments of this account are credited to: the
        one its bills use, else the customer's."""
        self.ensure_one()
        open_lines = self._utility_open_receivable_lines()
        if open_lines:
            return open_lines[0].account_id
        return self.partner_id.with_company(
            self.company_id
        ).property_account_receivable_id

    def action_record_payment(self):
        """Open Record Payment for a payment received in the back office."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Payment"),
            "res_model": "utility.record.payment",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }
