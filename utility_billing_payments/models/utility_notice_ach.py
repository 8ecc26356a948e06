# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models

# What the customer reads about the return, in English and in Spanish: the
# bank's reason in plain words (the code's NACHA wording otherwise).
CUSTOMER_REASONS = {
    "R01": (
        "there were not enough funds in the account",
        "no había fondos suficientes en la cuenta",
    ),
    "R02": ("the bank account is closed", "la cuenta bancaria está cerrada"),
    "R03": (
        "the bank could not find the account",
        "el banco no encontró la cuenta",
    ),
    "R04": ("the account number is not valid", "el número de cuenta no es válido"),
    "R07": (
        "you revoked the authorization with your bank",
        "usted revocó la autorización con su banco",
    ),
    "R08": ("the payment was stopped", "se detuvo el pago"),
    "R09": (
        "the funds in the account were not yet available",
        "los fondos de la cuenta aún no estaban disponibles",
    ),
    "R10": (
        "your bank reported the debit as not authorized",
        "su banco reportó el cargo como no autorizado",
    ),
    "R16": ("the account is frozen", "la cuenta está congelada"),
    "R20": (
        "the account does not allow debits",
        "la cuenta no permite cargos",
    ),
}


class UtilityNotice(models.Model):
    _inherit = "utility.notice"

    kind = fields.Selection(
        selection_add=[("ach_return", "Returned Autopay Payment")],
        ondelete={"ach_return": "cascade"},
    )
    ach_return_line_id = fields.Many2one(
        "utility.ach.return.line",
        string="ACH Return",
        index="btree_not_null",
        readonly=True,
        check_company=True,
    )

    def _get_mail_template(self):
        if self.kind == "ach_return":
            return self.env.ref(
                "utility_billing_payments.mail_template_notice_ach_return"
            )
        return super()._get_mail_template()

    def _ach_return_reason(self):
        """The bank's reason for the return, in the notice's language."""
        self.ensure_one()
        line = self.ach_return_line_id
        english, spanish = CUSTOMER_REASONS.get(line.code, (line.reason, line.reason))
        return spanish if self._is_spanish() else english

    def _ach_mandate_state(self):
        """'active', 'suspended', 'revoked' or 'pending_prenote': the autopay
        mandate after the return."""
        self.ensure_one()
        return self.ach_return_line_id.mandate_id.state
