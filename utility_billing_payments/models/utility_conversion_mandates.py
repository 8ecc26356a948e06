# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: the ACH autopay mandates of the legacy system, with
their prenote status (the ``mandates`` kind, added through the conversion's
hooks: utility_billing does not know this addon)."""

# pylint: disable=consider-merging-classes-inherited
import re

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.us import rtn

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.utility_billing.tools.workflow import workflow

MANDATE_KINDS = [("mandates", "ACH Autopay Mandates")]
MANDATE_TEMPLATE = [
    ("account_number", "char", True, "100-5001-01"),
    ("routing_number", "char", True, "121000358"),
    ("bank_account_number", "char", True, "4403118822"),
    ("account_type", "selection:checking|savings", True, "checking"),
    ("holder_name", "char", True, "Maria Garcia"),
    ("prenote_status", "selection:none|sent|confirmed", True, "confirmed"),
    ("start_date", "date", True, "2021-03-01"),
]


class UtilityConversionLine(models.Model):
    _inherit = "utility.conversion.line"

    kind = fields.Selection(
        selection_add=MANDATE_KINDS, ondelete={"mandates": "cascade"}
    )


class UtilityConversionError(models.Model):
    _inherit = "utility.conversion.error"

    kind = fields.Selection(
        selection_add=MANDATE_KINDS, ondelete={"mandates": "cascade"}
    )


class UtilityConversion(models.Model):
    _inherit = "utility.conversion"

    mandates_file = fields.Binary(
        string="ACH Mandates File", attachment=True, copy=False
    )
    mandates_filename = fields.Char(copy=False)
    legacy_mandates_active = fields.Integer(
        string="Legacy Active ACH Mandates", tracking=True
    )

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _conversion_templates(self):
        return {**super()._conversion_templates(), "mandates": MANDATE_TEMPLATE}

    def _conversion_models(self):
        return {**super()._conversion_models(), "mandates": "utility.ach.mandate"}

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def _check_references(self, rows, errors):
        res = super()._check_references(rows, errors)
        mandate_rows = rows.get("mandates", [])
        if not mandate_rows:
            return res
        statuses = {
            row["account_number"]: row["status"]
            for _line_no, row in rows.get("accounts", [])
        }
        numbers = {row["account_number"] for _line_no, row in mandate_rows}
        converted = self._converted_map("accounts", numbers - set(statuses))
        for number, account in converted.items():
            statuses[number] = account.state
        # Mandates open in the database that no conversion loaded.
        loaded = set(self._converted_map("mandates", numbers).values())
        open_mandates = {
            mandate.account_id.name
            for mandate in self.env["utility.ach.mandate"]
            .sudo()
            .search(
                [
                    ("account_id.name", "in", list(numbers)),
                    ("company_id", "=", self.company_id.id),
                    ("state", "!=", "revoked"),
                ]
            )
            if mandate not in loaded
        }
        for line_no, row in mandate_rows:
            for column, message in self._mandate_problems(row, statuses, open_mandates):
                self._error(errors, "mandates", line_no, column, message)
        return res

    def _mandate_problems(self, row, statuses, open_mandates):
        """[(column, message)] of a mandate row."""
        problems = []
        number = row["account_number"]
        status = statuses.get(number)
        if not status:
            problems.append(
                (
                    "account_number",
                    self.env._(
                        "Account %(number)s is not in the accounts file.",
                        number=number,
                    ),
                )
            )
        elif status != "active":
            problems.append(
                (
                    "account_number",
                    self.env._(
                        "Account %(number)s is not active: it takes no autopay.",
                        number=number,
                    ),
                )
            )
        if number in open_mandates:
            problems.append(
                (
                    "account_number",
                    self.env._(
                        "Account %(number)s already has an autopay mandate in "
                        "the database.",
                        number=number,
                    ),
                )
            )
        routing = re.sub(r"\s", "", row["routing_number"])
        try:
            rtn.validate(routing)
        except StdnumValidationError:
            problems.append(
                (
                    "routing_number",
                    self.env._(
                        "%(routing)s is not a valid ABA routing number (9 digits "
                        "with a check digit).",
                        routing=row["routing_number"],
                    ),
                )
            )
        bank_number = re.sub(r"[\s-]", "", row["bank_account_number"]).upper()
        if not re.fullmatch(r"[A-Z0-9]{4,17}", bank_number):
            # The number itself is never in the message: it would be kept.
            problems.append(
                (
                    "bank_account_number",
                    self.env._(
                        "The bank account number must be 4 to 17 letters or digits."
                    ),
                )
            )
        return problems

    # ------------------------------------------------------------
    # Load
    # ------------------------------------------------------------

    def _load(self):
        created = super()._load()
        lines = self._kind_lines("mandates")
        if not lines:
            return created
        converted = self._converted_map("mandates", lines.mapped("key"))
        new = lines.filtered(lambda ln: ln.key not in converted)
        if not new:
            return created
        accounts = self._converted_map("accounts", new.mapped("key"))
        Mandate = self.env["utility.ach.mandate"].sudo()
        mandates = Mandate.create(
            [
                {
                    "account_id": accounts[line.key].id,
                    "company_id": self.company_id.id,
                    "routing_number": line.data["routing_number"],
                    "bank_account_number": line.data["bank_account_number"],
                    "bank_account_type": line.data["account_type"],
                    "holder_name": line.data["holder_name"],
                    "authorization_date": line.data["start_date"],
                }
                for line in new
            ]
        )
        for line, mandate in zip(new, mandates, strict=True):
            mandate._conversion_prenote(
                line.data["prenote_status"],
                fields.Date.to_date(line.data["start_date"]),
            )
        self._remember("mandates", dict(zip(new.mapped("key"), mandates, strict=True)))
        return created + len(mandates)

    # ------------------------------------------------------------
    # Proof
    # ------------------------------------------------------------

    def _proof_rows(self):
        return [
            *super()._proof_rows(),
            (self.env._("Active ACH mandates"), "mandates_active", False),
        ]

    def _loaded_totals(self):
        """Mandates: how many converted are active (counted in the database,
        the staged rows not read)."""
        totals = super()._loaded_totals()
        [totals["mandates_active"]] = self._converted_totals(
            "mandates", [SQL("count(*)")], SQL("converted.state = 'active'")
        )
        return totals

    @api.depends("legacy_mandates_active")
    def _compute_proof(self):
        return super()._compute_proof()


class UtilityAchMandate(models.Model):
    _inherit = "utility.ach.mandate"

    def _conversion_prenote(self, status, day):
        """A mandate converted from the legacy system, with its prenote
        ``status`` there: ``none`` waits for its prenote in our next ACH file;
        ``sent`` was prenoted on ``day`` (active once the prenote wait is
        over, by the daily activation); ``confirmed`` is active from ``day``."""
        self.ensure_one()
        if status == "none":
            return
        company = self.company_id
        with workflow("utility.ach.mandate"):
            self.write(
                {
                    "prenote_date": day,
                    "active_from": day
                    if status == "confirmed"
                    else company._ach_add_banking_days(day, company.ach_prenote_days),
                }
            )
        if status == "confirmed":
            self._set_state(
                "active",
                self.env._(
                    "Converted from the legacy system: prenote of %(date)s "
                    "confirmed there.",
                    date=day,
                ),
            )
