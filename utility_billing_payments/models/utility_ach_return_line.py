# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A return or notification of change of an ACH return file
(``utility.ach.return.line``): matching its entry, reversing its payment, the
return fee, the mandate's suspension and the re-presentment.
"""

import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import nacha
from ..tools.controls import check_protected_create, check_protected_write

_logger = logging.getLogger(__name__)

RETURN_LINE_FIELDS = (
    "return_id",
    "line_number",
    "kind",
    "code",
    "reason",
    "trace_number",
    "amount",
    "corrected_data",
    "state",
    "message",
    "batch_line_id",
    "mandate_id",
    "reversal_move_id",
    "fee_move_id",
    "notice_id",
    "company_id",
    "represent_state",
    "represent_until",
    "represent_note",
    "fee_entry_state",
    "fee_entry_from",
)

# NACHA: an entry returned R01 or R09 may be presented again at most twice
# (three presentments in all) within 180 days of the settlement date of the
# original entry; a return fee entry only for these codes
# (docs/domain-rules.md §3.4).
REINITIATION_CODES = ("R01", "R09")
REINITIATION_DAYS = 180
MAX_PRESENTMENTS = 3


class UtilityAchReturnLine(models.Model):
    """One line of a return file: a returned entry or a notification of
    change, and what was done about it."""

    _name = "utility.ach.return.line"
    _description = "ACH Return Line"
    _order = "return_id desc, line_number, id"
    _check_company_auto = True

    return_id = fields.Many2one(
        "utility.ach.return",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    date = fields.Date(related="return_id.date", store=True)
    line_number = fields.Integer(aggregator=None, string="Line")
    kind = fields.Selection(
        [("return", "Return"), ("noc", "Notification of Change")], required=True
    )
    code = fields.Char(required=True)
    reason = fields.Char()
    trace_number = fields.Char(string="Original Trace", index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary()
    corrected_data = fields.Char(groups="utility_billing.group_csr_2")
    state = fields.Selection(
        [
            ("matched", "Matched"),
            ("done", "Processed"),
            ("unmatched", "Unmatched"),
            ("duplicate", "Duplicate"),
            ("error", "Error"),
        ],
        required=True,
        default="matched",
        index=True,
    )
    message = fields.Char(string="Result")
    batch_line_id = fields.Many2one(
        "utility.ach.batch.line", string="ACH Entry", index="btree_not_null"
    )
    batch_id = fields.Many2one(related="batch_line_id.batch_id", store=True)
    mandate_id = fields.Many2one(
        "utility.ach.mandate", index="btree_not_null", check_company=True
    )
    account_id = fields.Many2one(
        related="batch_line_id.account_id", store=True, string="Account"
    )
    payment_id = fields.Many2one(related="batch_line_id.payment_id")
    reversal_move_id = fields.Many2one("account.move", readonly=True, copy=False)
    fee_move_id = fields.Many2one(
        "account.move", string="Fee Invoice", readonly=True, copy=False
    )
    notice_id = fields.Many2one("utility.notice", readonly=True, copy=False)
    represent_state = fields.Selection(
        [
            ("pending", "To Re-present"),
            ("sent", "Re-presented"),
            ("refused", "Not Re-presented"),
        ],
        string="Re-presentment",
        readonly=True,
        copy=False,
        help="NACHA re-initiation of the returned entry: R01 and R09 only, at most "
        "twice, within 180 days of the original entry's settlement date.",
    )
    represent_until = fields.Date(
        string="Re-present Until",
        readonly=True,
        copy=False,
        help="180 days after the settlement date of the original entry.",
    )
    represent_note = fields.Char(string="Re-presentment Note", readonly=True)
    fee_entry_state = fields.Selection(
        [
            ("pending", "To Debit"),
            ("sent", "Debited"),
            ("paid", "Paid Otherwise"),
        ],
        string="Return Fee Entry",
        readonly=True,
        copy=False,
        help="The fee debited by its own RETURN FEE entry, in a file settling "
        "after the notice period, when the mandate authorizes return fees.",
    )
    fee_entry_from = fields.Date(
        string="Fee Debit From",
        readonly=True,
        copy=False,
        help="First settlement date of the RETURN FEE entry: the notice date "
        "plus the company's notice days.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            RETURN_LINE_FIELDS,
            "utility.ach.return",
            message=self.env._("Return lines are read from the bank's return file."),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, RETURN_LINE_FIELDS, "utility.ach.return")
        return super().write(vals)

    def _process(self):
        self.ensure_one()
        if self.kind == "return":
            self._process_return()
        else:
            self._process_change()

    def _process_or_mark(self):
        """Process the line; a business error on this entry (a correction the
        mandate refuses, a fee that cannot be charged...) undoes what was done
        for it and marks it in error with the reason, and the rest of the file
        is processed."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._process()
        except (UserError, ValidationError, nacha.NachaError) as exc:
            _logger.info(
                "ACH return %s, line %s not processed: %s",
                self.return_id.name,
                self.line_number,
                exc,
            )
            self.env.invalidate_all()
            self.write(
                {
                    "state": "error",
                    "message": self.env._(
                        "Not processed: %(error)s",
                        error=exc.args[0] if exc.args else exc,
                    ),
                }
            )

    # ------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------

    def _process_return(self):
        entry = self.batch_line_id
        account = entry.account_id
        done = []
        if entry.kind != "prenote" and entry.payment_id:
            # What the payment paid (the open balance may have taken bills
            # not due yet): what its re-presentment collects again.
            paid = entry.payment_id.move_id.line_ids.filtered(
                lambda ml: ml.account_id.account_type == "asset_receivable"
            ).matched_debit_ids.debit_move_id.move_id
            if paid and entry.kind != "fee":
                entry.bill_ids = [Command.set(paid.ids)]
            self.reversal_move_id = self._reverse_payment()
            done.append(
                self.env._(
                    "payment %(payment)s of %(amount)s reversed",
                    payment=entry.payment_id.name,
                    amount=self.currency_id.format(entry.amount),
                )
            )
            # One fee per returned item: a re-presentment or a return fee
            # entry returned again charges none.
            if nacha.RETURN_REASONS[self.code][2] and entry.kind == "debit":
                self.fee_move_id = self._charge_fee()
                if self.fee_move_id:
                    done.append(
                        self.env._(
                            "fee %(fee)s charged (%(amount)s)",
                            fee=self.fee_move_id.name,
                            amount=self.currency_id.format(
                                self.fee_move_id.amount_total
                            ),
                        )
                    )
        entry.write({"returned": True, "return_line_id": self.id})
        self.state = "done"
        mandate_text = entry.mandate_id._apply_return(self)
        if mandate_text:
            done.append(mandate_text)
        if entry.kind in ("debit", "represent"):
            done.append(self._plan_representment())
        self.notice_id = self._send_notice()
        if self.fee_move_id and self.code in REINITIATION_CODES:
            done.append(self._plan_fee_entry())
        self.message = "; ".join(done)
        body = self.env._(
            "ACH %(kind)s of %(date)s returned by the bank: %(code)s %(reason)s "
            "(bank account %(bank)s, file %(file)s). %(done)s",
            kind=self.env._("prenote")
            if entry.kind == "prenote"
            else self.env._("debit"),
            date=entry.batch_id.effective_date,
            code=self.code,
            reason=self.reason,
            bank=entry.mandate_id.bank_account_masked,
            file=self.return_id.name,
            done="; ".join(done),
        )
        account.message_post(body=body)

    def _plan_representment(self):
        """Decide whether the returned entry is presented again (NACHA
        re-initiation): R01 and R09 only, at most two re-presentments, within
        180 days of the original entry's settlement date, on a mandate still
        active. Return the text saying it."""
        entry = self.batch_line_id
        original = entry.original_line_id or entry
        until = original.batch_id.effective_date + timedelta(days=REINITIATION_DAYS)
        presentments = 1 + len(
            original.represent_line_ids.filtered(lambda ln: ln.state == "sent")
        )
        if self.code not in REINITIATION_CODES:
            note = self.env._(
                "Not re-presented: NACHA allows re-initiation of R01 and R09 returns "
                "only; %(code)s needs its cause fixed or a new authorization.",
                code=self.code,
            )
        elif presentments >= MAX_PRESENTMENTS:
            note = self.env._(
                "Not re-presented: presented %(count)s times already (the original "
                "entry and two re-presentments, the NACHA limit).",
                count=presentments,
            )
        elif self.return_id.date > until:
            note = self.env._(
                "Not re-presented: more than 180 days since the original entry "
                "settled on %(date)s.",
                date=original.batch_id.effective_date,
            )
        elif entry.mandate_id.state != "active":
            note = self.env._(
                "Not re-presented: the autopay mandate is no longer active."
            )
        else:
            self.write(
                {
                    "represent_state": "pending",
                    "represent_until": until,
                    "represent_note": self.env._(
                        "To be re-presented (RETRY PYMT) by the next ACH file "
                        "settling by %(date)s (presentment %(number)s of 3).",
                        date=until,
                        number=presentments + 1,
                    ),
                }
            )
            return self.represent_note
        self.write(
            {
                "represent_state": "refused",
                "represent_until": until,
                "represent_note": note,
            }
        )
        return note

    def _plan_fee_entry(self):
        """The fee's own RETURN FEE entry, after notice: in a file settling at
        least the company's notice days after the notice, only when the mandate
        authorizes return fee debits. Return the text saying it."""
        mandate = self.batch_line_id.mandate_id
        if not mandate.return_fee_authorized:
            return self.env._(
                "The fee is not debited by ACH: the mandate does not authorize "
                "return fees."
            )
        start = self.return_id.date + timedelta(
            days=max(self.company_id.ach_return_fee_notice_days, 1)
        )
        self.write({"fee_entry_state": "pending", "fee_entry_from": start})
        return self.env._(
            "The fee will be debited by its own RETURN FEE entry settling on or "
            "after %(date)s.",
            date=start,
        )

    def _reverse_payment(self):
        """Reverse the entry's payment: its receivable line is unreconciled
        from the bills, which reopen, and reconciled with the reversal."""
        payment = self.batch_line_id.payment_id
        move = payment.move_id
        reversal = move._reverse_moves(
            [
                {
                    "date": max(self.return_id.date, move.date),
                    "ref": self.env._(
                        "ACH return %(code)s of %(payment)s",
                        code=self.code,
                        payment=payment.name,
                    ),
                    "utility_account_id": move.utility_account_id.id,
                    "utility_payment_source": "ach",
                }
            ],
            cancel=True,
        )
        payment.action_reject()
        return reversal

    def _charge_fee(self):
        """The returned-payment fee, a posted invoice on the utility account."""
        account = self.account_id
        company = self.company_id
        product = company.ach_return_fee_product_id or self.env.ref(
            "utility_billing_payments.product_ach_return_fee",
            raise_if_not_found=False,
        )
        if not product or product.company_id and product.company_id != company:
            return self.env["account.move"]
        price = account._utility_returned_payment_fee(exclude=self)
        if self.currency_id.is_zero(price):
            return self.env["account.move"]
        journal = company._get_utility_journal()
        fee = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "journal_id": journal.id,
                "invoice_date": self.return_id.date,
                "date": self.return_id.date,
                "invoice_date_due": self.return_id.date,
                "utility_account_id": account.id,
                "invoice_origin": self.return_id.name,
                "payment_reference": account.name,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": self.env._(
                                "Returned autopay payment fee (%(code)s %(reason)s)",
                                code=self.code,
                                reason=self.reason,
                            ),
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [
                                Command.set(
                                    product.taxes_id.filtered(
                                        lambda t: t.company_id == company
                                    ).ids
                                )
                            ],
                        }
                    )
                ],
            }
        )
        fee._post(soft=False)
        return fee

    def _send_notice(self):
        account = self.account_id
        notice = self.env["utility.notice"].create(
            {
                "account_id": account.id,
                "kind": "ach_return",
                "ach_return_line_id": self.id,
                "amount_due": max(account.balance, 0.0),
                "company_id": self.company_id.id,
            }
        )
        notice.action_send()
        return notice

    # ------------------------------------------------------------
    # Notifications of change
    # ------------------------------------------------------------

    def _process_change(self):
        mandate = self.mandate_id
        data = self.sudo().corrected_data
        if not data:
            self.write(
                {
                    "state": "error",
                    "message": self.env._(
                        "No corrected data: import the bank's NACHA file to apply "
                        "this notification of change."
                    ),
                }
            )
            return
        try:
            corrected = nacha.parse_corrected_data(self.code, data)
        except nacha.NachaError as exc:
            self.write({"state": "error", "message": str(exc.reason)})
            return
        if not corrected:
            self.write(
                {
                    "state": "done",
                    "message": self.env._(
                        "%(code)s concerns the company's ACH settings, not the "
                        "mandate: check them with the bank.",
                        code=self.code,
                    ),
                }
            )
            return
        changed = mandate._apply_change(self.code, corrected)
        labels = {
            "routing_number": self.env._("routing number"),
            "bank_account_number": self.env._("account number"),
            "holder_name": self.env._("account holder"),
            "bank_account_type": self.env._("account type"),
        }
        text = (
            self.env._(
                "Mandate corrected: %(fields)s.",
                fields=", ".join(labels[f] for f in changed),
            )
            if changed
            else self.env._("The mandate already had the corrected data.")
        )
        self.write({"state": "done", "message": text})
        mandate.message_post(
            body=self.env._(
                "Notification of change %(code)s (%(reason)s) from %(file)s: %(text)s",
                code=self.code,
                reason=self.reason,
                file=self.return_id.name,
                text=text,
            )
        )
