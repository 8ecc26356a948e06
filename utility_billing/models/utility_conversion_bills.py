# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: the opening balances by legacy bill
(``open_bills.csv``), to keep the aging of every bill. Checked with the file
set (account known, in balances.csv or in open_bills.csv but not both, dates,
one row per bill), loaded as one posted opening invoice per bill (a credit
note for a credit memo) dated the cut-over, due on the legacy due date,
against the conversion clearing account; proved by the balance buckets."""

# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import workflow
from .account_move import BOOKS_DOOR
from .utility_conversion import CONVERSION_DOOR, XMLID_MODULE
from .utility_conversion_spec import file_name


class UtilityConversion(models.Model):
    _inherit = "utility.conversion"

    open_bills_file = fields.Binary(
        string="Opening Balances by Bill File", attachment=True, copy=False
    )
    open_bills_filename = fields.Char(copy=False)

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _conversion_models(self):
        return {**super()._conversion_models(), "open_bills": "account.move"}

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def _duplicate(self, errors, kind, line_no, row, first):
        if kind != "open_bills":
            return super()._duplicate(errors, kind, line_no, row, first)
        self._error(
            errors,
            kind,
            line_no,
            "bill_number",
            self.env._(
                "Account %(account)s has bill %(bill)s twice (also on line %(line)s).",
                account=row["account_number"],
                bill=row["bill_number"],
                line=first[0],
            ),
        )
        return None

    def _check_references(self, rows, errors):
        res = super()._check_references(rows, errors)
        self._check_open_bills(rows, errors)
        return res

    def _check_open_bills(self, rows, errors):
        """Account of each bill in the accounts file or converted before; an
        account's opening balance in balances.csv or in open_bills.csv, not
        both (nor in the other file in a conversion loaded before); bill date
        not after the cut-over, due date not before the bill date, an amount.
        A bill due after the cut-over is allowed: it is current."""
        bills = rows.get("open_bills") or []
        # Every balance row names its account: none is no balances file.
        by_balance = {
            row["account_number"] for _l, row in self._kind_rows(rows, "balances")
        }
        if not bills and not by_balance:
            return
        bills_name = self.open_bills_filename or file_name("open_bills")
        balances_name = self.balances_filename or file_name("balances")
        accounts = {row["account_number"] for _l, row in rows.get("accounts", [])}
        numbers = {row["account_number"] for _l, row in bills}
        converted = set(self._converted_map("accounts", list(numbers - accounts)))
        by_bill = numbers
        # Converted before in the other file.
        # The balances' keys: <account> (the opening invoice) and
        # <account>/credit (the credit note of a negative current amount).
        balance_keys = {
            key: number
            for number in by_bill - by_balance
            for key in (number, f"{number}/credit")
        }
        balance_before = {
            balance_keys[key] for key in self._converted_map("balances", balance_keys)
        }
        bills_before = self._open_bill_accounts_converted(by_balance - by_bill)
        cutover = fields.Date.to_string(self.cutover_date)
        reported = set()
        for line_no, row in bills:
            number = row["account_number"]
            problems = []
            if number not in accounts and number not in converted:
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Account %(number)s is not in the accounts file.",
                            number=number,
                        ),
                    )
                )
            if (number in by_balance or number in balance_before) and (
                number not in reported
            ):
                reported.add(number)
                problems.append(
                    (
                        "account_number",
                        self.env._(
                            "Account %(number)s has its opening balance in both "
                            "%(balances)s and %(bills)s: keep it in one of them.",
                            number=number,
                            balances=balances_name,
                            bills=bills_name,
                        ),
                    )
                )
            if row["bill_date"] > cutover:
                problems.append(
                    (
                        "bill_date",
                        self.env._(
                            "The bill date %(date)s is after the cut-over date "
                            "%(cutover)s: the first bills after it are ours.",
                            date=row["bill_date"],
                            cutover=cutover,
                        ),
                    )
                )
            if row["due_date"] < row["bill_date"]:
                problems.append(
                    ("due_date", self.env._("The due date is before the bill date."))
                )
            if not row["amount"]:
                problems.append(
                    (
                        "amount",
                        self.env._("A bill of zero leaves nothing open: leave it out."),
                    )
                )
            for column, message in problems:
                self._error(errors, "open_bills", line_no, column, message)
        for line_no, row in self._kind_rows(rows, "balances"):
            if row["account_number"] in bills_before:
                self._error(
                    errors,
                    "balances",
                    line_no,
                    "account_number",
                    self.env._(
                        "Account %(number)s has its opening balance in both "
                        "%(balances)s and %(bills)s: keep it in one of them.",
                        number=row["account_number"],
                        balances=balances_name,
                        bills=bills_name,
                    ),
                )

    def _open_bill_accounts_converted(self, numbers):
        """Account numbers among ``numbers`` with a bill converted before."""
        Data = self.env["ir.model.data"].sudo()
        prefix = [
            ("module", "=", XMLID_MODULE),
            ("model", "=", "account.move"),
            ("name", "=like", f"c{self.company_id.id}\\_open\\_bills\\_%"),
        ]
        # Most cities convert by bucket only: then nothing is searched.
        if not numbers or not Data.search_count(prefix, limit=1):
            return set()
        moves = (
            self.env["account.move"]
            .sudo()
            .search_fetch(
                [
                    ("utility_account_id.name", "in", list(numbers)),
                    ("company_id", "=", self.company_id.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["utility_account_id"],
            )
        )
        if not moves:
            return set()
        converted = set(
            Data.search([*prefix, ("res_id", "in", moves.ids)]).mapped("res_id")
        )
        return {m.utility_account_id.name for m in moves if m.id in converted}

    # ------------------------------------------------------------
    # Load
    # ------------------------------------------------------------

    def _load(self):
        created = super()._load()
        lines = self._kind_lines("open_bills")
        if not lines:
            return created
        moves, count = self._load_open_bills(lines)
        with workflow(CONVERSION_DOOR):
            self.write({"move_ids": [Command.link(m.id) for m in moves.values()]})
        return created + count

    def _kind_lines(self, kind):
        """The staged rows of ``kind``, in file order (searched: the rows of
        every other kind, the read history above all, are not read)."""
        Line = self.env["utility.conversion.line"]
        if not self._origin.id:
            return Line
        return Line.search(
            [("conversion_id", "=", self._origin.id), ("kind", "=", kind)],
            order="line_no",
        )

    def _load_open_bills(self, lines):
        """One posted opening invoice per legacy bill (a credit note for a
        credit memo), dated the cut-over, due on the legacy due date, its
        reference the legacy bill number. Keyed ``<account>/<bill>``."""
        company = self.company_id
        converted = self._converted_map("open_bills", lines.mapped("key"))
        new = lines.filtered(lambda ln: ln.key not in converted)
        found = dict(converted)
        if not new:
            return found, 0
        clearing = company._utility_conversion_account()
        journal = company._get_utility_journal()
        if not journal:
            raise UserError(
                self.env._("The company has no sales journal for the opening balances.")
            )
        accounts = self._converted_map(
            "accounts", list({ln.data["account_number"] for ln in new})
        )
        to_create = defaultdict(dict)
        for line in new:
            row = line.data
            vals = self._opening_invoice_vals(
                accounts[row["account_number"]],
                journal,
                clearing,
                row["amount"],
                fields.Date.to_date(row["due_date"]),
                self.env._("bill %(number)s", number=row["bill_number"]),
            )
            vals["ref"] = row["bill_number"]
            to_create[line.key] = vals
        with workflow(BOOKS_DOOR):
            created = self._create_moves_in_batches(dict(to_create))
        self._remember("open_bills", created)
        found.update(created)
        return found, len(created)
