# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The approval workflow of the utility requests, written once.

A billing adjustment (``utility.adjustment``), a bill correction
(``utility.bill.correction``) and a credit refund (``utility.deposit.refund``)
are requests: someone asks, someone else approves, then the books move. This
mixin holds what they share:

- the fields ``requested_by``, ``approver_id``, ``approval_date`` and
  ``rejection_reason`` and the states draft, to approve, posted and rejected
  (a model that approves before it posts adds ``approved``);
- the server-side guards: the workflow fields change only through the
  workflow door named after the model (:mod:`..tools.workflow`), the request's
  own fields are frozen once it is submitted, and only a draft or a rejected
  request is deleted;
- the actions ``action_submit``, ``action_approve``, ``action_reject``,
  ``action_draft`` and ``action_reject_wizard``: a role check first, then the
  state, then (approval) never the requester and, above the model's limit, a
  manager.

Each model says what differs with small hooks: its messages
(``_approval_messages``, so that every msgid stays the model's own), its groups
(``_approval_submit_group``, ``_approval_reviewer_group``), its frozen and
extra workflow fields, its limit (``_approval_limit_amount`` /
``_approval_amount``), and its checks and steps (``_on_submit``,
``_check_policy``, ``_check_can_submit``, ``_approve``).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..tools.workflow import check_protected, is_trusted, workflow

# The states of every request; a model approving before it posts adds
# ``approved`` (``selection_add``).
APPROVAL_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("posted", "Posted"),
    ("rejected", "Rejected"),
]
# The fields only the workflow methods set, on every request.
APPROVAL_WORKFLOW_FIELDS = frozenset(
    {"state", "requested_by", "approver_id", "approval_date", "rejection_reason"}
)
MANAGER_GROUP = "utility_billing.group_manager"


class UtilityApprovalMixin(models.AbstractModel):
    """Requested, approved by someone else (within the approver's limit),
    rejected with a reason, or set back to draft to be changed."""

    _name = "utility.approval.mixin"
    _description = "Utility Approval Workflow"

    # True: the requester is who submits (not who drafted), and going back to
    # draft forgets the requester and the rejection. False: the requester is
    # who created the request.
    _approval_requester_on_submit = False
    # (wizard model, its field naming the request) of the reject wizard.
    _approval_reject_wizard = (None, None)

    state = fields.Selection(
        APPROVAL_STATES,
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    requested_by = fields.Many2one(
        "res.users",
        default=lambda self: self._approval_default_requester(),
        readonly=True,
        tracking=True,
        copy=False,
    )
    approver_id = fields.Many2one("res.users", readonly=True, tracking=True, copy=False)
    approval_date = fields.Datetime(readonly=True, tracking=True, copy=False)
    rejection_reason = fields.Text(readonly=True, tracking=True, copy=False)

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _approval_messages(self):
        """{key: lazy translated template} of the model's own messages.

        Keys: ``not_draft``, ``not_to_approve``, ``cannot_reject``,
        ``cannot_draft``, ``cannot_delete``, ``submitted``, ``protected``,
        ``create_protected``, ``reject_reason``, ``reject_title``,
        ``own_request``, ``reviewer_rights``, and ``submit_rights`` /
        ``over_limit`` when the model has a submit group / a limit. The
        templates take ``name`` and ``state`` (and ``amount`` / ``limit``).
        """
        raise NotImplementedError

    def _approval_submit_group(self):
        """The group that submits and sets back to draft (None: any user with
        write access)."""
        return None

    def _approval_reviewer_group(self):
        """The group that approves and rejects."""
        return MANAGER_GROUP

    def _approval_workflow_fields(self):
        """The fields only the workflow methods set."""
        return set(APPROVAL_WORKFLOW_FIELDS)

    def _approval_frozen_fields(self):
        """The request's fields, frozen once it is submitted."""
        return set()

    def _approval_limit_amount(self):
        """Above this amount a manager approves (False: no limit)."""
        return False

    def _approval_amount(self):
        """The amount compared with the limit."""
        return 0.0

    def _on_submit(self):
        """Work done on the draft when it is submitted (before the checks)."""

    def _check_policy(self):
        """The business rules, checked at submission (by ``_on_submit``) and
        again at approval."""

    def _check_can_submit(self):
        """What a request needs to be submitted, checked again at approval."""

    def _approve(self):
        """The approval itself, once every check passed."""
        self.ensure_one()
        self._workflow_write(
            {
                "state": "approved",
                "approver_id": self.env.uid,
                "approval_date": fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _approval_default_requester(self):
        return False if self._approval_requester_on_submit else self.env.user

    def _approval_message(self, key, **params):
        """The model's message ``key`` in the user's language, filled in."""
        text = self.env._(self._approval_messages()[key])
        return text % params if params else text

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _workflow_write(self, vals):
        with workflow(self._name):
            return self.write(vals)

    def _check_group(self, group, message_key):
        if not group or self.env.su or self.env.user.has_group(group):
            return
        raise AccessError(self._approval_message(message_key))

    def _check_submit_rights(self):
        self._check_group(self._approval_submit_group(), "submit_rights")

    def _check_reviewer_rights(self):
        self._check_group(self._approval_reviewer_group(), "reviewer_rights")

    def _check_approval_rights(self):
        """Never one's own request; above the limit, a manager."""
        self.ensure_one()
        if self.requested_by == self.env.user:
            raise UserError(self._approval_message("own_request", name=self.name))
        self._check_reviewer_rights()
        limit = self._approval_limit_amount()
        if limit is False or self.env.user.has_group(MANAGER_GROUP):
            return
        amount = self._approval_amount()
        currency = self.currency_id
        if float_compare(amount, limit, precision_rounding=currency.rounding) > 0:
            raise AccessError(
                self._approval_message(
                    "over_limit",
                    name=self.name,
                    amount=currency.format(amount),
                    limit=currency.format(limit),
                )
            )

    def _check_draft_rights(self):
        """The requester (with the submit group) or a reviewer."""
        self.ensure_one()
        if self.requested_by == self.env.user:
            self._check_submit_rights()
        else:
            self._check_reviewer_rights()

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, self._name):
            for vals in vals_list:
                self._check_create_vals(vals)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code(self._name, sequence_date=vals.get("date"))
                    or "/"
                )
        return super().create(vals_list)

    def _check_create_vals(self, vals):
        """A request starts as a draft, requested by its creator (or by nobody
        yet): none of the workflow fields is given."""
        message = self._approval_message("create_protected")
        requester_is_creator = not self._approval_requester_on_submit
        if (
            requester_is_creator
            and vals.get("requested_by", self.env.uid) != self.env.uid
        ):
            raise UserError(message)
        check_protected(
            self,
            {
                key: value
                for key, value in vals.items()
                if not (key == "requested_by" and requester_is_creator)
                and (key != "state" or value != "draft")
            },
            self._approval_workflow_fields(),
            self._name,
            message,
        )

    def write(self, vals):
        check_protected(
            self,
            vals,
            self._approval_workflow_fields(),
            self._name,
            self._approval_message("protected"),
        )
        locked = self.filtered(lambda r: r.state != "draft")
        if locked:
            check_protected(
                self,
                vals,
                self._approval_frozen_fields(),
                self._name,
                self._approval_message("submitted", name=locked[0].name),
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_rejected(self):
        for request in self:
            if request.state not in ("draft", "rejected"):
                raise UserError(
                    request._approval_message(
                        "cannot_delete", name=request.name, state=request._state_label()
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_submit(self):
        """Send the request for approval."""
        self._check_submit_rights()
        self.check_access("write")
        for request in self:
            if request.state != "draft":
                raise UserError(
                    request._approval_message("not_draft", name=request.name)
                )
            request._on_submit()
            request._check_can_submit()
            vals = {"state": "to_approve"}
            if self._approval_requester_on_submit:
                vals["requested_by"] = self.env.uid
            request._workflow_write(vals)
        return True

    def action_approve(self):
        """Approve: a reviewer other than the requester, within the limit."""
        self._check_reviewer_rights()
        self.check_access("write")
        for request in self:
            if request.state != "to_approve":
                raise UserError(
                    request._approval_message("not_to_approve", name=request.name)
                )
            request._check_approval_rights()
            request._check_policy()
            request._check_can_submit()
            request._approve()
        return True

    def action_reject_wizard(self):
        self.ensure_one()
        model, field = self._approval_reject_wizard
        return {
            "type": "ir.actions.act_window",
            "name": self._approval_message("reject_title"),
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{field}": self.id},
        }

    def action_reject(self, reason=None):
        """Refuse the request, saying why (a reviewer)."""
        self._check_reviewer_rights()
        self.check_access("write")
        if not reason:
            raise UserError(self._approval_message("reject_reason"))
        for request in self:
            if request.state not in ("to_approve", "approved"):
                raise UserError(
                    request._approval_message(
                        "cannot_reject",
                        name=request.name,
                        state=request._state_label(),
                    )
                )
            request._workflow_write(
                {
                    "state": "rejected",
                    "rejection_reason": reason,
                    "approver_id": False,
                    "approval_date": False,
                }
            )
            request.message_post(
                body=self.env._("Rejected: %(reason)s", reason=reason),
                partner_ids=request.requested_by.partner_id.ids,
            )
        return True

    def action_draft(self):
        """Back to draft, to be changed and submitted again."""
        self.check_access("write")
        for request in self:
            if request.state not in ("to_approve", "rejected"):
                raise UserError(
                    request._approval_message(
                        "cannot_draft",
                        name=request.name,
                        state=request._state_label(),
                    )
                )
            request._check_draft_rights()
            vals = {"state": "draft", "approver_id": False, "approval_date": False}
            if self._approval_requester_on_submit:
                vals.update(requested_by=False, rejection_reason=False)
            request._workflow_write(vals)
        return True
