# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from contextlib import contextmanager
from datetime import date

from odoo import Command, fields

from odoo.addons.utility_billing.tests.common import UtilityBillingCommon

# Valid ABA routing numbers (check digit correct).
BANK_ROUTING = "121000358"  # the city's bank (immediate destination)
ROUTING_A = "021000021"
ROUTING_B = "011000015"
ROUTING_C = "322271627"


class UtilityAchCommon(UtilityBillingCommon):
    """ACH settings of the test company, an ACH journal and clearing account,
    accounts with posted bills and mandates.

    The test calendar: March 2026; Monday 2026-03-16 is the file day and
    Wednesday 2026-03-18 the settlement date.
    """

    FILE_DAY = date(2026, 3, 16)
    SETTLEMENT = date(2026, 3, 18)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        Account = cls.env["account.account"]
        cls.clearing = Account.create(
            {
                "name": "ACH Clearing (test)",
                "code": "UBT1015",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        cls.income = Account.create(
            {"name": "Water Sales (test)", "code": "UBT4101", "account_type": "income"}
        )
        cls.ach_journal = cls.env["account.journal"].create(
            {"name": "ACH Autopay (test)", "code": "ACHT", "type": "bank"}
        )
        cls.bill_journal = company._get_utility_journal()
        cls.fee_product = cls.env.ref("utility_billing_payments.product_ach_return_fee")
        company.sudo().write(
            {
                "ach_immediate_destination": BANK_ROUTING,
                "ach_immediate_destination_name": "First Desert Bank",
                "ach_immediate_origin": "1956000123",
                "ach_immediate_origin_name": "City of Coachella",
                "ach_originating_dfi": False,
                "ach_company_identification": "1956000123",
                "ach_company_name": "CITY COACHELLA",
                "ach_entry_description": "UTILITY",
                "ach_prenote_days": 3,
                "ach_debit_amount_mode": "open_balance",
                "ach_journal_id": cls.ach_journal.id,
                "ach_clearing_account_id": cls.clearing.id,
                "ach_return_fee_product_id": cls.fee_product.id,
                "ach_nsf_suspend_count": 2,
                "ach_line_ending": "lf",
                "ach_last_file_date": False,
                "ach_last_file_id_modifier": False,
                "ach_last_trace_sequence": 0,
            }
        )
        # The company's business calendar declares no closed day of the test
        # period: Federal Reserve holidays only.
        cls.env["utility.closed.day"].search(
            [
                ("company_id", "=", company.id),
                ("date", "<=", "2026-12-31"),
                ("date", ">=", "2026-01-01"),
            ]
        ).unlink()
        # Mandates of other tests or of the demo data stay out of our batches.
        cls.env["utility.ach.mandate"].search([]).write({"state": "revoked"})
        cls.env["utility.ach.batch"].search([("state", "=", "draft")]).write(
            {"state": "cancelled"}
        )

    # ------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------

    @classmethod
    def _account(cls, serial, partner_name=None, **partner_vals):
        partner = cls.env["res.partner"].create(
            {"name": partner_name or f"Customer {serial}", **partner_vals}
        )
        return cls._setup_account(serial, partner=partner)[2]

    @classmethod
    def _bill(cls, account, amount, due, invoice_date=None):
        """A posted bill of ``amount`` on ``account``, due on ``due``."""
        due = fields.Date.to_date(due)
        bill = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "journal_id": cls.bill_journal.id,
                "invoice_date": invoice_date or due.replace(day=1),
                "invoice_date_due": due,
                "utility_account_id": account.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Water",
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": cls.income.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        bill.action_post()
        return bill

    @classmethod
    def _mandate(
        cls,
        account,
        routing=ROUTING_A,
        number="123456789",
        account_type="checking",
        active=True,
        **vals,
    ):
        """A mandate of ``account``; ``active``: its prenote already went out
        and its wait is over (as if from an earlier file)."""
        mandate = cls.env["utility.ach.mandate"].create(
            {
                "account_id": account.id,
                "routing_number": routing,
                "bank_account_number": number,
                "bank_account_type": account_type,
                "authorization_date": "2026-01-05",
                **vals,
            }
        )
        if active:
            mandate.write(
                {
                    "state": "active",
                    "prenote_date": "2026-01-07",
                    "active_from": "2026-01-12",
                }
            )
        return mandate

    def _batch(self, effective_date=None, compute=True, user=None):
        batch = (
            self.env["utility.ach.batch"]
            .with_user(user or self.csr2)
            .create({"effective_date": effective_date or self.SETTLEMENT})
        )
        if compute:
            batch.action_compute()
        return batch.with_user(self.env.user)

    @staticmethod
    def _file_lines(batch):
        data = base64.b64decode(batch.sudo().file_data).decode("ascii")
        return data.split("\n")[:-1]

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )

    def _return_file(self, items, company_id="1956000123"):
        """A NACHA return file from the bank, built by hand: ``items`` are
        (batch line, code, corrected data) of returns (R..) and notifications
        of change (C..)."""
        entries = []
        for index, (line, code, corrected) in enumerate(items, start=1):
            trace = f"09100001{index:07d}"
            routing = line.mandate_id.routing_number
            tx = 26 if line.transaction_code in (27, 28) else 36
            if code.startswith("R"):
                amount = round(line.amount * 100)
                addenda = (
                    "799"
                    + code
                    + line.trace_number
                    + " " * 6
                    + routing[:8]
                    + " " * 44
                    + trace
                )
            else:
                amount = 0
                addenda = (
                    "798"
                    + code
                    + line.trace_number
                    + " " * 6
                    + routing[:8]
                    + corrected.ljust(29)
                    + " " * 15
                    + trace
                )
            entry = (
                "6"
                + str(tx)
                + routing
                + "RETURNED".ljust(17)
                + str(amount).zfill(10)
                + line.account_id.name.ljust(15)
                + "RETURNED CUSTOMER".ljust(22)
                + "  1"
                + trace
            )
            entries.append((entry, addenda, routing, amount))
        return self._raw_return_file(entries, company_id)

    @staticmethod
    def _raw_return_file(entries, company_id="1956000123"):
        """A return file of ``entries`` (entry record, addenda record, routing,
        cents): header, one batch, controls and 9-padding."""
        records = [
            "101"
            + company_id.ljust(10)
            + " 121000358"
            + "2603200800A094101"
            + "CITY OF COACHELLA".ljust(23)
            + "FIRST DESERT BANK".ljust(23)
            + " " * 8,
            "5225"
            + "CITY COACHELLA  "
            + " " * 20
            + company_id.ljust(10)
            + "PPD"
            + "UTILITY   "
            + " " * 6
            + "260318"
            + " " * 3
            + "1"
            + "12100035"
            + "0000001",
        ]
        for entry, addenda, _routing, _amount in entries:
            records += [entry, addenda]
        entry_hash = sum(int(e[2][:8]) for e in entries) % 10**10
        debit = sum(e[3] for e in entries)
        count = 2 * len(entries)
        records.append(
            "8225"
            + str(count).zfill(6)
            + str(entry_hash).zfill(10)
            + str(debit).zfill(12)
            + "0" * 12
            + company_id.ljust(10)
            + " " * 25
            + "12100035"
            + "0000001"
        )
        blocks = -(-(len(records) + 1) // 10)
        records.append(
            "9000001"
            + str(blocks).zfill(6)
            + str(count).zfill(8)
            + str(entry_hash).zfill(10)
            + str(debit).zfill(12)
            + "0" * 12
            + " " * 39
        )
        records += ["9" * 94] * (blocks * 10 - len(records))
        for record in records:
            assert len(record) == 94, (len(record), record)
        return ("\n".join(records) + "\n").encode("ascii")

    def _import(self, content, name="return.txt", day=None, user=None):
        return (
            self.env["utility.ach.return"]
            .with_user(user or self.csr2)
            ._import_file(content, name, date=day or self.SETTLEMENT)
        )

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """unittest's check of the message, inside Odoo's savepoint: what the
        failed call wrote is rolled back, as it is for the user."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)
