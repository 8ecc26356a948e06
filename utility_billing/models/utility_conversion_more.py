# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: the SB 998 cases and the notes of the legacy system
(two more kinds, added through the conversion's hooks as any addon adds
its own), the proof totals by customer class and meter size, and the proof
exported to XLSX."""

# pylint: disable=consider-merging-classes-inherited
import hashlib
import io
from collections import Counter

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date, xlsxwriter

from .utility_conversion_spec import ACCOUNT_STATUSES
from .utility_meter import METER_SIZES
from .utility_service_type import CUSTOMER_CLASSES

SB998_KINDS = "medical|inability|willingness|appeal"
MORE_TEMPLATES = {
    "sb998": [
        ("reference", "char", True, "MED-2025-014"),
        ("account_number", "char", True, "100-5001-01"),
        ("kind", f"selection:{SB998_KINDS}", True, "medical"),
        ("received_date", "date", True, "2025-11-03"),
        ("effective_date", "date", False, "2025-11-03"),
        ("expiry_date", "date", False, "2026-11-02"),
        ("inability_basis", "selection:program|declaration", False, ""),
        ("program", "char", False, ""),
        # Medical certification: who signed it and for whom (the received
        # date is the certification's date on the account).
        ("provider_name", "char", False, "Dr. Elena Soto, Clinica de Salud"),
        ("resident_name", "char", False, "Jose Garcia"),
    ],
    "notes": [
        ("account_number", "char", True, "100-5001-01"),
        ("date", "date", True, "2024-06-12"),
        ("note", "char", True, "Gate code 1234; dog in the yard."),
    ],
}
MORE_KINDS = [("sb998", "SB 998 Cases"), ("notes", "Account Notes")]
ACCOUNT_STATUS_LIST = ACCOUNT_STATUSES.split("|")
# Key, in the transaction's cache, of the groups by class and size computed
# once per proof compute ({conversion id: (accounts, meters)}), dropped after.
CLASS_SIZE_SCOPE = "utility.conversion.class_size_groups"


class UtilityConversionLine(models.Model):
    _inherit = "utility.conversion.line"

    kind = fields.Selection(
        selection_add=MORE_KINDS, ondelete={"sb998": "cascade", "notes": "cascade"}
    )


class UtilityConversionError(models.Model):
    _inherit = "utility.conversion.error"

    kind = fields.Selection(
        selection_add=MORE_KINDS, ondelete={"sb998": "cascade", "notes": "cascade"}
    )


class UtilityConversionControl(models.Model):
    """A legacy control total by customer class or meter size, keyed from the
    legacy system's reports, beside what was loaded (the proof's rows)."""

    _name = "utility.conversion.control"
    _description = "Utility Conversion Control Total"
    _order = "conversion_id, category, status, customer_class, size, id"

    conversion_id = fields.Many2one(
        "utility.conversion", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="conversion_id.company_id", store=True, index=True
    )
    category = fields.Selection(
        [("accounts", "Accounts by Status and Class"), ("meters", "Meters by Size")],
        required=True,
        default="accounts",
    )
    status = fields.Selection(
        [("active", "Active"), ("final", "Final"), ("closed", "Closed")],
        help="Accounts: the account status.",
    )
    customer_class = fields.Selection(CUSTOMER_CLASSES, help="Accounts: the class.")
    size = fields.Selection(METER_SIZES, string="Meter Size", help="Meters: the size.")
    legacy_count = fields.Integer()

    def _suffix(self):
        self.ensure_one()
        if self.category == "meters":
            return f"size_{self.size}"
        return f"class_{self.status}_{self.customer_class}"


class UtilityConversion(models.Model):
    _inherit = "utility.conversion"

    sb998_file = fields.Binary(string="SB 998 Cases File", attachment=True, copy=False)
    sb998_filename = fields.Char(copy=False)
    notes_file = fields.Binary(string="Account Notes File", attachment=True, copy=False)
    notes_filename = fields.Char(copy=False)
    control_ids = fields.One2many(
        "utility.conversion.control",
        "conversion_id",
        string="Control Totals by Class and Size",
        copy=True,
    )

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _conversion_templates(self):
        return {**super()._conversion_templates(), **MORE_TEMPLATES}

    def _conversion_models(self):
        return {
            **super()._conversion_models(),
            "sb998": "utility.sb998.case",
            "notes": "mail.message",
        }

    def _conversion_key(self, kind, row):
        if kind == "notes":
            digest = hashlib.sha1((row.get("note") or "").encode()).hexdigest()[:12]
            return f"{row.get('account_number')}/{row.get('date')}/{digest}"
        return super()._conversion_key(kind, row)

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def _check_references(self, rows, errors):
        res = super()._check_references(rows, errors)
        numbers = {
            row["account_number"]
            for kind in ("sb998", "notes")
            for _line_no, row in rows.get(kind, [])
        }
        accounts = {row["account_number"] for _l, row in rows.get("accounts", [])}
        accounts |= set(self._converted_map("accounts", numbers - accounts))
        for kind in ("sb998", "notes"):
            for line_no, row in rows.get(kind, []):
                if row["account_number"] not in accounts:
                    self._error(
                        errors,
                        kind,
                        line_no,
                        "account_number",
                        self.env._(
                            "Account %(number)s is not in the accounts file.",
                            number=row["account_number"],
                        ),
                    )
        for line_no, row in rows.get("sb998", []):
            for column, message in self._sb998_problems(row):
                self._error(errors, "sb998", line_no, column, message)
        return res

    def _sb998_problems(self, row):
        """[(column, message)] of an SB 998 row."""
        problems = []
        start = row["effective_date"] or row["received_date"]
        if row["expiry_date"] and row["expiry_date"] < start:
            problems.append(
                (
                    "expiry_date",
                    self.env._("The expiry date is before the effective date."),
                )
            )
        if row["kind"] != "medical":
            for column in ("provider_name", "resident_name"):
                if row.get(column):
                    problems.append(
                        (
                            column,
                            self.env._(
                                "Only a medical certification names its provider "
                                "and resident."
                            ),
                        )
                    )
        if row["kind"] == "inability":
            programs = dict(self.env["utility.sb998.case"]._fields["program"].selection)
            if not row["inability_basis"]:
                problems.append(
                    (
                        "inability_basis",
                        self.env._(
                            "Financial inability: program or declaration is required."
                        ),
                    )
                )
            elif row["inability_basis"] == "program" and row["program"] not in programs:
                problems.append(
                    (
                        "program",
                        self.env._(
                            "%(value)s is not one of %(allowed)s.",
                            value=row["program"] or "",
                            allowed=", ".join(programs),
                        ),
                    )
                )
        return problems

    # ------------------------------------------------------------
    # Load
    # ------------------------------------------------------------

    def _load(self):
        created = super()._load()
        # Searched by kind: the rows of every other kind (the read history
        # above all) are not read into the cache.
        sb998 = self._kind_lines("sb998")
        notes = self._kind_lines("notes")
        numbers = {ln.data["account_number"] for ln in sb998 | notes}
        accounts = self._converted_map("accounts", numbers)
        created += self._load_sb998(sb998, accounts)
        created += self._load_notes(notes, accounts)
        return created

    def _load_sb998(self, lines, accounts):
        """Each case created received, then accepted through its own Accept
        (an appeal stays received: pending, it protects the account)."""
        converted = self._converted_map("sb998", lines.mapped("key"))
        new = lines.filtered(lambda ln: ln.key not in converted)
        if not new:
            return 0
        cases = (
            self.env["utility.sb998.case"]
            .sudo()
            .create(
                [
                    {
                        "account_id": accounts[ln.data["account_number"]].id,
                        "kind": ln.data["kind"],
                        "received_date": ln.data["received_date"],
                        "effective_date": ln.data["effective_date"],
                        "expiry_date": ln.data["expiry_date"],
                        "inability_basis": ln.data["inability_basis"],
                        "program": ln.data["program"]
                        if ln.data["inability_basis"] == "program"
                        else False,
                        "provider_name": ln.data.get("provider_name") or False,
                        "resident_name": ln.data.get("resident_name") or False,
                        "note": self.env._(
                            "Legacy case %(reference)s.",
                            reference=ln.data["reference"],
                        ),
                    }
                    for ln in new
                ]
            )
        )
        cases.filtered(lambda c: c.kind != "appeal").action_accept()
        self._remember("sb998", dict(zip(new.mapped("key"), cases, strict=True)))
        return len(cases)

    def _load_notes(self, lines, accounts):
        """Each note posted in the account's chatter, dated by its text."""
        converted = self._converted_map("notes", lines.mapped("key"))
        created = {}
        for line in lines:
            if line.key in converted or line.key in created:
                continue
            account = accounts[line.data["account_number"]]
            day = fields.Date.to_date(line.data["date"])
            body = self.env._(
                "Legacy note of %(date)s: %(note)s",
                date=format_date(self.env, day),
                note=line.data["note"],
            )
            created[line.key] = account.sudo().message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self._remember("notes", created)
        return len(created)

    # ------------------------------------------------------------
    # Proof by class and size
    # ------------------------------------------------------------

    def _class_size_groups(self):
        """(accounts Counter {(status, class)}, meters Counter {size}),
        counted in the database; computed once per proof compute."""
        self.ensure_one()
        scope = self.env.cr.cache.get(CLASS_SIZE_SCOPE)
        if scope is not None and self._origin.id in scope:
            accounts, meters = scope[self._origin.id]
            return Counter(accounts), Counter(meters)
        accounts, meters = Counter(), Counter()
        if self._origin.id:
            self._flush_proof()
            query = self._proof_query("account_ids")
            premise = query.make_alias(query.table, "proof_premise")
            query.add_join(
                "LEFT JOIN",
                premise,
                "utility_premise",
                SQL(
                    "%s = %s",
                    SQL.identifier(premise, "id"),
                    SQL.identifier(query.table, "premise_id"),
                ),
            )
            state = SQL.identifier(query.table, "state")
            klass = SQL.identifier(premise, "customer_class")
            query.groupby = SQL("%s, %s", state, klass)
            for status, customer_class, count in self.env.execute_query(
                query.select(state, klass, SQL("count(*)"))
            ):
                accounts[(status or False, customer_class or False)] = count
            query = self._proof_query("meter_ids")
            size = SQL.identifier(query.table, "size")
            query.groupby = size
            for meter_size, count in self.env.execute_query(
                query.select(size, SQL("count(*)"))
            ):
                meters[meter_size or False] = count
            if scope is not None:
                scope[self._origin.id] = (Counter(accounts), Counter(meters))
        return accounts, meters

    def _proof_rows(self):
        rows = super()._proof_rows()
        if not self.control_ids:
            return rows
        statuses = dict(
            self.control_ids._fields["status"]._description_selection(self.env)
        )
        classes = dict(
            self.control_ids._fields["customer_class"]._description_selection(self.env)
        )
        sizes = dict(self.control_ids._fields["size"]._description_selection(self.env))
        accounts, meters = self._class_size_groups()
        keyed = self.control_ids
        if keyed.filtered(lambda c: c.category == "accounts"):
            slots = {
                (c.status, c.customer_class) for c in keyed if c.category == "accounts"
            } | {slot for slot in accounts if slot[0] in ACCOUNT_STATUS_LIST}
            for status, klass in sorted(slots, key=lambda s: (str(s[0]), str(s[1]))):
                rows.append(
                    (
                        self.env._(
                            "%(status)s accounts, %(class)s",
                            status=statuses.get(status, status or ""),
                            **{"class": classes.get(klass, klass or "")},
                        ),
                        f"class_{status}_{klass}",
                        False,
                    )
                )
        if keyed.filtered(lambda c: c.category == "meters"):
            slots = {c.size for c in keyed if c.category == "meters"} | set(meters)
            order = [code for code, _label in METER_SIZES]
            for size in sorted(
                slots, key=lambda s: order.index(s) if s in order else 99
            ):
                rows.append(
                    (
                        self.env._(
                            "Meters, %(size)s", size=sizes.get(size, size or "")
                        ),
                        f"size_{size}",
                        False,
                    )
                )
        return rows

    def _legacy_totals(self):
        totals = super()._legacy_totals()
        for control in self.control_ids:
            suffix = control._suffix()
            totals[suffix] = totals.get(suffix, 0) + control.legacy_count
        for _label, suffix, _money in self._proof_rows():
            totals.setdefault(suffix, 0)
        return totals

    def _loaded_totals(self):
        totals = super()._loaded_totals()
        accounts, meters = self._class_size_groups()
        for (status, klass), count in accounts.items():
            totals[f"class_{status}_{klass}"] = count
        for size, count in meters.items():
            totals[f"size_{size}"] = count
        for _label, suffix, _money in self._proof_rows():
            totals.setdefault(suffix, 0)
        return totals

    @api.depends(
        "control_ids.legacy_count",
        "control_ids.status",
        "control_ids.customer_class",
        "control_ids.size",
        "account_ids.premise_id.customer_class",
        "meter_ids.size",
    )
    def _compute_proof(self):
        # The groups by class and size, read by _proof_rows and
        # _loaded_totals, are counted once for this compute.
        cache = self.env.cr.cache
        owner = CLASS_SIZE_SCOPE not in cache
        if owner:
            cache[CLASS_SIZE_SCOPE] = {}
        try:
            return super()._compute_proof()
        finally:
            if owner:
                cache.pop(CLASS_SIZE_SCOPE, None)

    # ------------------------------------------------------------
    # XLSX export
    # ------------------------------------------------------------

    def _proof_table(self):
        """[(label, legacy, loaded, difference, ties, is money)] of the proof."""
        self.ensure_one()
        legacy_totals = self._legacy_totals()
        loaded_totals = self._loaded_totals()
        currency = self.currency_id
        table = []
        for label, suffix, money in self._proof_rows():
            legacy = legacy_totals.get(suffix, 0)
            loaded = loaded_totals.get(suffix, 0)
            if money:
                difference = currency.round(loaded - legacy)
                tie = currency.is_zero(difference)
            else:
                difference = loaded - legacy
                tie = not difference
            table.append((str(label), legacy, loaded, difference, tie, money))
        return table

    def _proof_xlsx(self):
        """The proof totals as an XLSX file (bytes)."""
        self.ensure_one()
        self._check_manager()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Proof Totals")[:31])
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write(0, 0, self.name, bold)
        sheet.write(1, 0, self.env._("Balances As Of"))
        sheet.write(1, 1, format_date(self.env, self.cutover_date))
        header = [
            self.env._("Control total"),
            self.env._("Legacy"),
            self.env._("Loaded"),
            self.env._("Difference"),
            self.env._("Result"),
        ]
        for col, text in enumerate(header):
            sheet.write(3, col, text, bold)
        row = 4
        for label, legacy, loaded, difference, tie, is_money in self._proof_table():
            fmt = money if is_money else None
            sheet.write(row, 0, label)
            sheet.write_number(row, 1, legacy, fmt)
            sheet.write_number(row, 2, loaded, fmt)
            sheet.write_number(row, 3, difference, fmt)
            sheet.write(row, 4, self.env._("TIES") if tie else self.env._("DIFFERENCE"))
            row += 1
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 4, 16)
        workbook.close()
        return output.getvalue()

    def action_export_proof_xlsx(self):
        """Download the proof totals as an XLSX file (attached to the batch)."""
        self.ensure_one()
        self._check_manager()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.env._("Proof Totals %(name)s.xlsx", name=self.name),
                    "raw": self._proof_xlsx(),
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                }
            )
        )
        self.message_post(
            body=Markup(self.env._("Proof totals exported to XLSX.")),
            attachment_ids=attachment.ids,
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
