# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Delinquency: the safeguards of an account (SB 998 and the policy) that
block a shut-off, and the facts they are checked on: the account's policy, its
water service, the notices sent, its amount past due and its minimum.
"""

from odoo import models
from odoo.tools import float_compare
from odoo.tools.misc import format_date

from .utility_account_delinquency import (
    OCCUPANT_NOTICE_DAYS,
    OCCUPANT_NOTICE_DAYS_DETACHED,
    PLAN_BROKEN_NOTICE_BUSINESS_DAYS,
    SHUTOFF_DAYS_SB998,
)
from .utility_notice_delinquency import SAFEGUARD_NOTICE_DOMAIN


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    def _dlq_policy(self):
        self.ensure_one()
        return (
            self.env["utility.delinquency.policy"]
            ._get_policy_by_class(self.company_id)
            .get(self.customer_class)
        )

    def _dlq_has_water(self):
        """An open water service: the shipped Water service type, or a
        company's own of the same code (a service type belongs to one
        company: the shipped one to the first)."""
        self.ensure_one()
        code = self.env.ref("utility_billing.service_type_water").sudo().code
        return any(
            s.service_type_id.code == code and not s.end_date for s in self.service_ids
        )

    def _dlq_block_info(self, date):
        """What the safeguards need to know of this account on ``date``: its
        oldest delinquent bill not under a kept plan, and the notices sent."""
        self.ensure_one()
        plan = self.payment_plan_id
        covered = plan.move_ids if plan else self.env["account.move"]
        lines = self._utility_open_receivable_lines().filtered(
            lambda ln: (
                ln.date_maturity
                and ln.date_maturity < date
                and ln.move_id.move_type == "out_invoice"
                and ln.move_id not in covered
            )
        )
        all_notices = self.env["utility.notice"].search(
            [
                ("account_id", "=", self.id),
                ("kind", "in", ("shutoff", "plan_broken")),
                *SAFEGUARD_NOTICE_DOMAIN,
                ("state", "=", "sent"),
                ("date", "<=", date),
            ],
            order="date desc",
        )
        notices = all_notices.filtered(lambda n: not n.occupant)
        return {
            "occupant_notice_date": max(
                all_notices.filtered("occupant").mapped("date"), default=False
            ),
            "oldest_due": min(lines.mapped("date_maturity"), default=False),
            "shutoff_notice_date": max(
                notices.filtered(lambda n: n.kind == "shutoff").mapped("date"),
                default=False,
            ),
            "plan_broken_date": max(
                notices.filtered(lambda n: n.kind == "plan_broken").mapped("date"),
                default=False,
            ),
        }

    def _dlq_shutoff_date_reason(self, date):
        """[(code, reason)]: the shut-off date the notices announced is not
        reached on ``date``."""
        shutoff_date = self.dlq_shutoff_date
        if not shutoff_date or date >= shutoff_date:
            return []
        return [
            (
                "date",
                self.env._(
                    "The notices sent to this account announce the shut-off "
                    "on or after %(date)s.",
                    date=format_date(self.env, shutoff_date),
                ),
            )
        ]

    def _dlq_block_reasons(self, date, policy=None, info=None):
        """[(code, reason)] of what forbids shutting this account off on ``date``.

        ``policy`` and ``info`` (see ``_dlq_block_info``) are given by the daily
        run, which reads them for a batch of accounts at once.
        """
        self.ensure_one()
        policy = policy if policy is not None else self._dlq_policy()
        info = info if info is not None else self._dlq_block_info(date)
        company = self.company_id
        reasons = []
        if not self._dlq_has_water():
            reasons.append(("no_water", self.env._("No water service to shut off.")))
        oldest_due = info.get("oldest_due")
        sb998 = bool(policy and policy.sb998)
        if sb998 and oldest_due:
            days = (date - oldest_due).days
            if days < SHUTOFF_DAYS_SB998:
                reasons.append(
                    (
                        "days_60",
                        self.env._(
                            "SB 998: the oldest unpaid bill is %(days)s days "
                            "delinquent, less than 60.",
                            days=days,
                        ),
                    )
                )
        required = policy.shutoff_notice_business_days if policy else 7
        notice_date = info.get("shutoff_notice_date")
        broken_date = info.get("plan_broken_date")
        notice_ok = bool(
            notice_date
            and company._utility_count_business_days(notice_date, date) >= required
        )
        broken_ok = bool(
            broken_date
            and company._utility_count_business_days(broken_date, date)
            >= PLAN_BROKEN_NOTICE_BUSINESS_DAYS
        )
        after_default = bool(
            broken_date and (not notice_date or broken_date >= notice_date)
        )
        if after_default:
            # After a broken plan: the posted final notice, 5 business days
            # before (116910(c)), whatever notice came before the plan.
            notice_ok = broken_ok
        else:
            notice_ok = notice_ok or broken_ok
        if not notice_ok:
            if after_default:
                label = self.env._(
                    "Final notice of the payment plan default of %(date)s: "
                    "%(count)s of %(required)s business days elapsed.",
                    date=broken_date,
                    count=company._utility_count_business_days(broken_date, date),
                    required=PLAN_BROKEN_NOTICE_BUSINESS_DAYS,
                )
            elif notice_date:
                label = self.env._(
                    "Shut-off notice of %(date)s: %(count)s of %(required)s business "
                    "days elapsed.",
                    date=notice_date,
                    count=company._utility_count_business_days(notice_date, date),
                    required=required,
                )
            else:
                label = self.env._(
                    "No shut-off notice sent %(required)s business days before.",
                    required=required,
                )
            reasons.append(("notice", label))
        occupant_days = self._dlq_occupant_notice_days()
        if sb998 and occupant_days:
            occupant_date = info.get("occupant_notice_date")
            if not occupant_date:
                reasons.append(
                    (
                        "occupant",
                        self.env._(
                            "No notice sent to the occupants %(required)s days "
                            "before (HSC 116916).",
                            required=occupant_days,
                        ),
                    )
                )
            elif (date - occupant_date).days < occupant_days:
                reasons.append(
                    (
                        "occupant",
                        self.env._(
                            "Notice to the occupants of %(date)s: %(count)s of "
                            "%(required)s days elapsed (HSC 116916).",
                            date=occupant_date,
                            count=(date - occupant_date).days,
                            required=occupant_days,
                        ),
                    )
                )
        reasons += self._dlq_shutoff_date_reason(date)
        if sb998:
            contact = self._dlq_contact_reason(date, policy, info.get("oldest_due"))
            if contact:
                reasons.append(contact)
        if self.appeal_pending:
            reasons.append(
                ("appeal", self.env._("An appeal or bill review is pending."))
            )
        if (
            sb998
            and self.medical_certification
            and self.low_income
            and (self.plan_willing or self.payment_plan_id)
        ):
            reasons.append(
                (
                    "medical",
                    self.env._(
                        "SB 998: medical certification, inability to pay and "
                        "willingness to enter a payment plan are on file."
                    ),
                )
            )
        plan = self.payment_plan_id
        if plan and plan.state == "active":
            reasons.append(
                (
                    "plan",
                    self.env._("Payment plan %(plan)s is being kept.", plan=plan.name),
                )
            )
        return reasons

    def _dlq_contact_reason(self, date, policy, since):
        """(code, reason) when the contact log does not show what SB 998 asks
        before a shut-off on ``date``, counting the contacts logged since
        ``since`` (the oldest delinquent bill's due date), else None.

        * A letter came back undeliverable and the customer was not reached by
          phone: a good-faith visit to the residence and a notice posted there
          must be logged (HSC 116908(a)(2)).
        * The policy asks for a contact attempt (``contact_attempt_required``):
          a phone call, a site visit or a posted notice must be logged.
        """
        self.ensure_one()
        since = since or date
        kinds = {
            log.kind
            for log in self.contact_log_ids
            if since <= log._local_date() <= date
        }
        reached = "phone_reached" in kinds
        visited = bool(kinds & {"site_visit", "notice_posted"})
        if "letter_returned" in kinds and not reached and not visited:
            return (
                "unreachable",
                self.env._(
                    "SB 998: the letter came back undeliverable and the customer "
                    "was not reached by phone: log the good-faith visit and the "
                    "notice posted at the residence (HSC 116908(a)(2))."
                ),
            )
        attempts = {"phone_attempt", "phone_reached", "site_visit", "notice_posted"}
        if policy and policy.contact_attempt_required and not kinds & attempts:
            return (
                "contact",
                self.env._(
                    "No contact attempt logged since %(date)s: a phone call, or a "
                    "site visit with the notice posted at the residence.",
                    date=format_date(self.env, since, lang_code=self.env.lang),
                ),
            )
        return None

    def _dlq_occupant_notice_days(self):
        """Days the notice to the occupants must precede the shut-off (HSC
        116916), 0 when none is due: 10 for a multi-unit premise (more than
        one living unit, or of the multi-family class), whoever the customer
        is; 7 for a detached single-family dwelling the landlord pays (the
        customer's mailing address is not the service address)."""
        self.ensure_one()
        premise = self.premise_id
        if premise.living_units > 1 or premise.customer_class == "multi_family":
            return OCCUPANT_NOTICE_DAYS
        if self._dlq_mailing_differs():
            return OCCUPANT_NOTICE_DAYS_DETACHED
        return 0

    def _dlq_mailing_differs(self):
        """Whether the customer's mailing address is not the service address
        (SB 998: a copy of the shut-off notice then goes to 'Occupant')."""
        self.ensure_one()
        partner, premise = self.partner_id, self.premise_id

        def norm(value):
            return " ".join((value or "").lower().replace(".", " ").split())

        if not partner.street:
            return False
        return norm(partner.street) != norm(premise.street) or (
            bool(partner.zip and premise.zip) and norm(partner.zip) != norm(premise.zip)
        )

    def _dlq_past_due(self, date):
        """Past due on ``date``: open bill amounts due before it, never more than
        the balance (credits lower it)."""
        self.ensure_one()
        lines = self._utility_open_receivable_lines()
        past_due = sum(
            ln.amount_residual
            for ln in lines
            if ln.date_maturity and ln.date_maturity < date
        )
        self.invalidate_recordset(["balance"])
        return max(0.0, min(past_due, self.balance))

    def _dlq_under_minimum(self, date):
        self.ensure_one()
        policy = self._dlq_policy()
        minimum = policy.minimum_amount if policy else 0.0
        past_due = self._dlq_past_due(date)
        return (
            float_compare(
                past_due, minimum, precision_rounding=self.currency_id.rounding
            )
            < 0
            or not past_due
        )
