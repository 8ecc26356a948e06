# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Service requests: what Process does for each type (the start and stop
wizards, the service order, the SB 998 appeal) and the record it produced."""

from odoo import fields, models
from odoo.exceptions import UserError


class UtilityServiceRequest(models.Model):
    _inherit = "utility.service.request"

    # ------------------------------------------------------------
    # PROCESSING, BY TYPE
    # ------------------------------------------------------------

    def _find_premise(self):
        """The premise at the new address, when the city has it on file."""
        self.ensure_one()
        if not self.new_street:
            return self.env["utility.premise"]
        domain = [
            ("street", "=ilike", self.new_street.strip()),
            ("company_id", "in", (self.company_id.id, False)),
        ]
        if self.new_zip:
            domain.append(("zip", "=like", self.new_zip.strip()[:5] + "%"))
        return self.env["utility.premise"].search(domain, limit=1)

    def _process_start(self):
        """The Start Service wizard, filled from the request; the request is
        done when the wizard starts the account."""
        self._take_if_new()
        too_early = self._not_before_requested_date()
        if too_early:
            return too_early
        today = self.company_id._utility_today()
        lang = self._render_lang()
        context = {
            "default_service_request_id": self.id,
            "default_customer_mode": "existing",
            "default_partner_id": self.partner_id.id,
            "default_start_date": fields.Date.to_string(
                max(self.requested_date or today, today)
            ),
            "default_lang": "es_MX" if lang.startswith("es") else "en_US",
        }
        premise = self._find_premise()
        if premise:
            context["default_premise_id"] = premise.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start Service"),
            "res_model": "utility.start.service",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def _process_stop(self):
        """The Stop Service wizard of the account, filled from the request;
        the request is done when the wizard stops the account."""
        self._take_if_new()
        too_early = self._not_before_requested_date()
        if too_early:
            return too_early
        account = self.utility_account_id
        if account.state != "active":
            raise UserError(
                self.env._(
                    "Service request %(name)s: account %(account)s is not active.",
                    name=self.name,
                    account=account.name,
                )
            )
        context = {
            "default_service_request_id": self.id,
            "default_account_id": account.id,
            "default_end_date": fields.Date.to_string(
                self.requested_date or self.company_id._utility_today()
            ),
            "default_forwarding_street": self.forwarding_street,
            "default_forwarding_street2": self.forwarding_street2,
            "default_forwarding_city": self.forwarding_city,
            "default_forwarding_state_id": self.forwarding_state_id.id,
            "default_forwarding_zip": self.forwarding_zip,
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stop Service"),
            "res_model": "utility.stop.service",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def _create_service_order(self, order_type):
        self.ensure_one()
        description = self.env._(
            "%(type)s reported by the customer (request %(name)s): %(text)s",
            type=self._type_label(),
            name=self.name,
            text=self.description or "",
        )
        if self.bill_id:
            description += "\n" + self.env._("Bill: %(bill)s", bill=self.bill_id.name)
        return self.env["utility.service.order"].create(
            {
                "order_type": order_type,
                "account_id": self.utility_account_id.id,
                "company_id": self.company_id.id,
                "priority": "1" if self.urgent else "0",
                "description": description,
            }
        )

    def _process_leak(self):
        """A leak check at the account's premise."""
        order = self._create_service_order("leak_check")
        self._done({"service_order_id": order.id})
        return self._open(order)

    def _process_high_bill(self):
        """An investigation of the high usage at the account's premise."""
        order = self._create_service_order("investigate")
        self._done({"service_order_id": order.id})
        return self._open(order)

    def _process_sb998_review(self):
        """An SB 998 appeal (bill review) of the account, received the day the
        customer submitted it; the appeal pending on the account, if any."""
        account = self.utility_account_id
        Case = self.env["utility.sb998.case"]
        case = Case.search(
            [
                ("account_id", "=", account.id),
                ("kind", "=", "appeal"),
                ("state", "=", "received"),
            ],
            limit=1,
        )
        if not case:
            received = (
                self.company_id._utility_utc_to_local_date(self.submitted_at)
                if self.submitted_at
                else self.company_id._utility_today()
            )
            case = Case.create(
                {
                    "account_id": account.id,
                    "kind": "appeal",
                    "received_date": received,
                    "bill_id": self.bill_id.id,
                    "note": self.env._(
                        "Requested by the customer (request %(name)s): %(text)s",
                        name=self.name,
                        text=self.description or "",
                    ),
                }
            )
        self._done({"sb998_case_id": case.id})
        return self._open(case)

    @staticmethod
    def _open(record):
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_result(self):
        self.ensure_one()
        result = self._result_record()
        return self._open(result) if result else False

    def _result_record(self):
        """The record the request produced."""
        self.ensure_one()
        return self.service_order_id or self.sb998_case_id or self.new_account_id
