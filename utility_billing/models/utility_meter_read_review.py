# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Meter reads: exception review (accept, request a re-read, reject, correct)
and the follow-ups of those decisions."""

from odoo import models
from odoo.exceptions import AccessError, UserError

from ..tools.workflow import workflow
from .utility_meter_read import READ_DOOR


class UtilityMeterRead(models.Model):
    _inherit = "utility.meter.read"

    # ------------------------------------------------------------
    # Actions (review list)
    # ------------------------------------------------------------

    def _check_review_rights(self):
        """Only a CSR II (or a manager) settles the reads flagged for review."""
        if self.env.su or self.env.user.has_group("utility_billing.group_csr_2"):
            return
        raise AccessError(
            self.env._(
                "Only a Customer Service Representative II or a manager can "
                "accept a flagged read or ask for a re-read."
            )
        )

    def _check_waiting_review(self):
        for read in self:
            if read.state != "to_review":
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s is not waiting for "
                        "review.",
                        serial=read.meter_id.serial,
                        date=read.read_date,
                    )
                )

    def action_accept(self):
        """Accept flagged reads as valid."""
        self._check_review_rights()
        self.check_access("write")
        self._check_waiting_review()
        with workflow(READ_DOOR):
            self._tracked().write({"state": "valid"})
        for read in self:
            read.meter_id.message_post(
                body=self.env._(
                    "Read of %(date)s (%(reading)s, exception: %(exception)s) "
                    "accepted.",
                    date=read.read_date,
                    reading=read.reading,
                    exception=dict(self._fields["exception_code"].selection).get(
                        read.exception_code, "-"
                    ),
                )
            )
        self._follow_up_accepted()
        return True

    def action_request_reread(self):
        """Reject flagged reads and ask the field for a new read."""
        self._check_review_rights()
        self.check_access("write")
        self._check_waiting_review()
        with workflow(READ_DOOR):
            self._tracked().write({"state": "rejected", "reread_requested": True})
        for read in self:
            read.meter_id.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "Re-read meter %(serial)s", serial=read.meter_id.serial
                ),
                note=self.env._(
                    "The read of %(date)s (%(reading)s) was rejected at review.",
                    date=read.read_date,
                    reading=read.reading,
                ),
            )
        self._recompute_later_reads()
        self._follow_up_reread_requested()
        return True

    def action_reject(self):
        self.check_access("write")
        for read in self:
            if read.state == "billed":
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s has been billed.",
                        serial=read.meter_id.serial,
                        date=read.read_date,
                    )
                )
        with workflow(READ_DOOR):
            self._tracked().write({"state": "rejected"})
        self._recompute_later_reads()
        return True

    def action_correct(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct Read"),
            "res_model": "utility.read.correct",
            "view_mode": "form",
            "target": "new",
            "context": {"default_read_id": self.id},
        }

    def _correct(self, reading, note=False):
        """Replace this read by a corrected one; the original stays, rejected."""
        self.ensure_one()
        self.check_access("write")
        if self.state == "billed":
            raise UserError(
                self.env._(
                    "Read of meter %(serial)s on %(date)s has been billed: correct the "
                    "bill with an adjustment.",
                    serial=self.meter_id.serial,
                    date=self.read_date,
                )
            )
        if self.state == "rejected":
            raise UserError(
                self.env._(
                    "Read of meter %(serial)s on %(date)s is already rejected.",
                    serial=self.meter_id.serial,
                    date=self.read_date,
                )
            )
        with workflow(READ_DOOR):
            self._tracked().write({"state": "rejected"})
            corrected = self.create(
                {
                    "meter_id": self.meter_id.id,
                    "account_id": self.account_id.id,
                    "premise_id": self.premise_id.id,
                    "read_datetime": self.read_datetime,
                    "reading": reading,
                    "read_type": "corrected",
                    "source": "manual",
                    "correction_of_id": self.id,
                    "note": note,
                    "company_id": self.company_id.id,
                }
            )
        self._tracked().message_post(
            body=self.env._(
                "Corrected: reading %(old)s replaced by %(new)s (%(reason)s).",
                old=self.reading,
                new=reading,
                reason=note or "-",
            )
        )
        return corrected

    def _release_from_bill(self):
        """Billed reads of a cancelled bill go back to valid, to be billed again
        (for a cancel-and-rebill workflow). Reads of a posted bill stay billed."""
        posted = self.filtered(lambda r: r.billed_move_id.state == "posted")
        if posted:
            raise UserError(
                self.env._(
                    "Read of meter %(serial)s on %(date)s is on posted bill "
                    "%(bill)s: cancel the bill first.",
                    serial=posted[0].meter_id.serial,
                    date=posted[0].read_date,
                    bill=posted[0].billed_move_id.name,
                )
            )
        billed = self.filtered(lambda r: r.state == "billed")
        with workflow(READ_DOOR):
            billed._tracked().write({"state": "valid", "billed_move_id": False})
            (self - billed).filtered("billed_move_id").write({"billed_move_id": False})
        return True

    # ------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------

    def _get_exception_rules(self, code=None):
        """{read id: rule}: the exception rule of kind ``code`` (default: each
        read's own exception) for the read's service and customer class, or None.
        """
        resolve = self.env["utility.read.exception.rule"]._get_rule_resolver(
            self.company_id
        )
        return {
            read.id: resolve(
                read.company_id.id,
                code or read.exception_code,
                read.service_type_id.id,
                read.meter_id.premise_id.customer_class
                or read.premise_id.customer_class,
            )
            for read in self
        }

    def _follow_up_accepted(self):
        """Accepted high use: an investigation order and a customer notice, as the
        high-use rule of the read's class says (both when no rule applies)."""
        high = self.filtered(lambda r: r.exception_code == "high")
        if not high:
            return
        rules = high._get_exception_rules()
        order_reads = high.filtered(
            lambda r: not rules[r.id] or rules[r.id].create_service_order
        )
        orders = self.env["utility.service.order"]._create_from_reads(
            order_reads, "investigate"
        )
        notice_reads = high.filtered(
            lambda r: not rules[r.id] or rules[r.id].notify_customer
        )
        self.env["utility.notice"]._create_high_usage_notices(notice_reads, orders)

    def _follow_up_reread_requested(self):
        """Negative reads sent back for a re-read get a re-read service order, as
        the negative rule of the read's class says (an order when no rule applies).
        """
        negative = self.filtered(lambda r: r.exception_code == "negative")
        if not negative:
            return
        rules = negative._get_exception_rules()
        order_reads = negative.filtered(
            lambda r: not rules[r.id] or rules[r.id].create_service_order
        )
        self.env["utility.service.order"]._create_from_reads(order_reads, "reread")
