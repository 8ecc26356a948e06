# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the reject wizards of the requests share: the reason, passed to the
request's own ``action_reject`` (``utility.approval.mixin``), which checks
the rights."""

from odoo import fields, models


class UtilityApprovalReject(models.AbstractModel):
    """Reject a request, saying why."""

    _name = "utility.approval.reject"
    _description = "Reject a Utility Request"

    # The wizard's field naming the request.
    _request_field = None

    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self[self._request_field].action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
