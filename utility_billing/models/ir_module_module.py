# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Languages: a language loaded after utility billing created its records
names them too (res.company._utility_translate_created_names)."""

from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        """A language installed after utility billing made its journal and
        accounts (e.g. Spanish loaded after the demo) names them too."""
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if (
            "utility_billing" in modules
            and set(langs) - {"en_US"}
            and "utility_journal_id" in self.env["res.company"]._fields
        ):
            self.env["res.company"].sudo().search([])._utility_translate_created_names()
        return res
