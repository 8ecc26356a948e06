# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Service accounts: the SB 998 protections computed from the account's SB 998
cases (the flag fields themselves are declared with the account)."""

from odoo import api, models

from ..tools.workflow import check_protected
from .utility_sb998_case import CASE_DOOR, SB998_FLAG_FIELDS


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    @api.depends(
        "sb998_case_ids.state",
        "sb998_case_ids.kind",
        "sb998_case_ids.received_date",
        "sb998_case_ids.effective_date",
        "sb998_case_ids.expiry_date",
    )
    def _compute_sb998_flags(self):
        for account in self:
            cases = account._sb998_cases_in_force()
            medical = cases.filtered(lambda c: c.kind == "medical")
            account.low_income = any(c.kind == "inability" for c in cases)
            account.medical_certification = bool(medical)
            account.medical_certification_date = max(
                medical.mapped("received_date"), default=False
            )
            account.appeal_pending = any(c.kind == "appeal" for c in cases)

    def _sb998_cases_in_force(self, day=None):
        """The account's SB 998 cases that protect it on ``day`` (today in the
        company's zone by default)."""
        self.ensure_one()
        day = day or self.company_id._utility_today()
        return self.sb998_case_ids.filtered(lambda c: c._in_force_on(day))

    def _sb998_flag_fields(self):
        """The account fields computed from the SB 998 cases."""
        return list(SB998_FLAG_FIELDS)

    def _sb998_recompute_flags(self):
        """Recompute the flags as of today (cases starting or expiring)."""
        if not self:
            return
        for fname in self._sb998_flag_fields():
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset(self._sb998_flag_fields())

    def _compute_sb998_case_count(self):
        counts = dict(
            self.env["utility.sb998.case"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.sb998_case_count = counts.get(account, 0)

    def action_view_sb998_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_sb998_case_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def _sb998_check_flags(self, vals):
        """The SB 998 flags follow the cases: a CSR records a case, it is not
        a checkbox."""
        check_protected(
            self,
            vals,
            self._sb998_flag_fields(),
            CASE_DOOR,
            message=self.env._(
                "The SB 998 protections of an account follow its SB 998 cases: "
                "record an appeal, a medical certification, a proof of inability "
                "to pay or a willingness on the account's SB 998 tab."
            ),
        )
