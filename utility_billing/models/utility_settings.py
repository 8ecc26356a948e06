# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class UtilitySettings(models.TransientModel):
    """Utility Billing > Configuration > Settings: the Finance Director's form.

    Odoo's Settings (``res.config.settings``) are for administrators only
    (``execute()`` requires ``base.group_system``). The utility settings live on
    the company; this form shows them and writes them on the company with
    ``sudo()`` once it has checked that the user is a utility billing manager of
    that company.

    Extending it (other addons): add a field related to the company field, with
    ``readonly=False``, to an ``_inherit = "utility.settings"`` class, and the
    field to the form by inheriting ``utility_billing.utility_settings_view_form``
    (a page in ``//notebook[@name='settings']``)::

        class UtilitySettings(models.TransientModel):
            _inherit = "utility.settings"

            utility_nsf_fee_first = fields.Monetary(
                related="company_id.utility_nsf_fee_first", readonly=False
            )

    Every such field is written on the company by ``create``/``write`` below;
    nothing else is needed.
    """

    _name = "utility.settings"
    _description = "Utility Billing Settings"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # Billing
    utility_journal_id = fields.Many2one(
        related="company_id.utility_journal_id",
        readonly=False,
        domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]",
    )
    utility_service_phone = fields.Char(
        related="company_id.utility_service_phone", readonly=False
    )
    utility_office_hours = fields.Char(
        related="company_id.utility_office_hours", readonly=False
    )
    utility_deposit_account_id = fields.Many2one(
        related="company_id.utility_deposit_account_id",
        readonly=False,
        domain="[('company_ids', 'in', company_id)]",
    )
    utility_deposit_product_id = fields.Many2one(
        related="company_id.utility_deposit_product_id", readonly=False
    )
    # Adjustments
    utility_adjustment_approval_limit = fields.Monetary(
        related="company_id.utility_adjustment_approval_limit",
        readonly=False,
        currency_field="currency_id",
    )
    utility_adjustment_product_id = fields.Many2one(
        related="company_id.utility_adjustment_product_id", readonly=False
    )
    utility_penalty_product_id = fields.Many2one(
        related="company_id.utility_penalty_product_id", readonly=False
    )
    utility_leak_credit_basis = fields.Selection(
        related="company_id.utility_leak_credit_basis", readonly=False
    )
    utility_leak_credit_percent = fields.Float(
        related="company_id.utility_leak_credit_percent", readonly=False
    )
    utility_leak_once_a_year = fields.Boolean(
        related="company_id.utility_leak_once_a_year", readonly=False
    )
    # SB 998 evidence
    utility_sb998_medical_days = fields.Integer(
        related="company_id.utility_sb998_medical_days", readonly=False
    )
    utility_sb998_inability_days = fields.Integer(
        related="company_id.utility_sb998_inability_days", readonly=False
    )

    @api.depends("company_id")
    def _compute_display_name(self):
        # The form's breadcrumb: not Odoo's "New" of an unsaved record.
        for settings in self:
            settings.display_name = self.env._("Utility Billing Settings")

    @api.model
    def action_open(self):
        """Utility Billing > Configuration > Settings: the current company's
        settings, in a record of their own (so that the form is not a "New"
        record)."""
        self._check_manager(self.env.company)
        settings = self.create({"company_id": self.env.company.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Utility Billing Settings"),
            "res_model": self._name,
            "res_id": settings.id,
            "view_mode": "form",
            "target": "inline",
        }

    @api.model
    def _company_field_names(self):
        """{settings field: company field} of the fields written on the company:
        every field related to a company field and not read-only."""
        return {
            name: field.related.split(".", 1)[1]
            for name, field in self._fields.items()
            if field.related
            and field.related.startswith("company_id.")
            and "." not in field.related.split(".", 1)[1]
            and not field.readonly
        }

    def _check_manager(self, companies):
        """A utility billing manager, of ``companies``."""
        if self.env.su:
            return
        user = self.env.user
        if not user.has_group("utility_billing.group_manager"):
            raise AccessError(
                self.env._("Only a utility billing manager can change its settings.")
            )
        foreign = companies - user.company_ids
        if foreign:
            raise AccessError(
                self.env._(
                    "You cannot change the utility billing settings of %(company)s.",
                    company=foreign[0].name,
                )
            )

    def _apply_company_values(self, company, vals):
        """Write the company fields of ``vals`` on ``company`` (as superuser,
        after the manager check) and return the other values."""
        names = self._company_field_names()
        company_vals = {names[key]: vals[key] for key in vals if key in names}
        others = {key: value for key, value in vals.items() if key not in names}
        if company_vals:
            company_sudo = company.sudo()
            # Only what changes: saving the form as it is writes nothing.
            changed = {}
            for fname, value in company_vals.items():
                field = company_sudo._fields[fname]
                if field.type in ("one2many", "many2many"):
                    changed[fname] = value
                    continue
                new = field.convert_to_record(
                    field.convert_to_cache(value, company_sudo), company_sudo
                )
                if new != company_sudo[fname]:
                    changed[fname] = value
            if changed:
                company_sudo.write(changed)
        return others

    @api.model_create_multi
    def create(self, vals_list):
        Company = self.env["res.company"]
        companies = Company.browse(
            {vals.get("company_id") or self.env.company.id for vals in vals_list}
        )
        self._check_manager(companies)
        others_list = []
        for vals in vals_list:
            company = Company.browse(vals.get("company_id") or self.env.company.id)
            others_list.append(self._apply_company_values(company, vals))
        return super().create(others_list)

    def write(self, vals):
        companies = self.company_id
        if vals.get("company_id"):
            companies |= self.env["res.company"].browse(vals["company_id"])
        self._check_manager(companies)
        for settings in self:
            settings._apply_company_values(
                self.env["res.company"].browse(
                    vals.get("company_id") or settings.company_id.id
                ),
                vals,
            )
        others = {
            key: value
            for key, value in vals.items()
            if key not in self._company_field_names()
        }
        return super().write(others) if others else True

    def action_utility_chart_setup(self):
        """Create the accounts a city maps where missing and map the utility
        products and the users tax to them (res.company._utility_chart_setup)."""
        self._check_manager(self.company_id)
        self.company_id.sudo()._utility_chart_setup()
        return True

    def execute(self):
        """The form's Save button: the values are on the company already."""
        self._check_manager(self.company_id)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
