# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An account the delinquency run could not process
(``utility.delinquency.failure``)."""

from odoo import api, fields, models

from ..tools.controls import (
    check_protected_create,
    check_protected_write,
)

FAILURE_FIELDS = ("run_id", "account_id", "stage", "message", "state")


class UtilityDelinquencyFailure(models.Model):
    """An account the delinquency run could not process (its steps, or the PDF
    of its letters): the run went on with the others; a CSR II retries it."""

    _name = "utility.delinquency.failure"
    _description = "Utility Delinquency Run Failure"
    _order = "id desc"
    _check_company_auto = True

    run_id = fields.Many2one(
        "utility.delinquency.run",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, readonly=True
    )
    stage = fields.Selection(
        [("steps", "Delinquency Steps"), ("letter", "Letters (PDF)")],
        required=True,
        readonly=True,
    )
    message = fields.Text(string="Error", readonly=True)
    state = fields.Selection(
        [("open", "To Retry"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="run_id.company_id", store=True, index=True, readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            FAILURE_FIELDS,
            "utility.delinquency.run",
            defaults={"state": "open"},
            message=self.env._("Failures are recorded by the delinquency run."),
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, FAILURE_FIELDS, "utility.delinquency.run")
        return super().write(vals)

    def _stage_label(self):
        self.ensure_one()
        return dict(self._fields["stage"]._description_selection(self.env)).get(
            self.stage, ""
        )
