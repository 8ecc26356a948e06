# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from odoo.addons.utility_billing.tools import numbering

# A month no demo entry is in: the payments below are the first of it.
DAY = date(2031, 3, 3)


@tagged("post_install", "-at_install")
class TestCounterNumberingParallel(TransactionCase):
    """Two counters record their first payment of a month at the same moment:
    two transactions of their own (two cursors, as two Odoo workers), neither
    committed while the other posts. Both record; neither waits."""

    def setUp(self):
        super().setUp()
        company = self.env["res.company"].search(
            [("utility_counter_journal_id", "!=", False)], limit=1
        )
        if not company:
            self.skipTest("no company with a counter journal in this database")
        self.company_id = company.id
        journal = company.utility_counter_journal_id
        # The counter journal's sequence, committed as it is once the counters
        # have recorded a payment (it is created by the first one).
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            code = f"utility.counter.payment.{journal.id}"
            existed = env["ir.sequence"].search([("code", "=", code)])
            env["pos.order"]._utility_counter_entry_name(
                env["account.journal"].browse(journal.id), DAY
            )
            created = env["ir.sequence"].search([("code", "=", code)]) - existed
            self.created_sequence_ids = created.ids
        self.addCleanup(self._drop_sequences)

    def _drop_sequences(self):
        if self.created_sequence_ids:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["ir.sequence"].browse(self.created_sequence_ids).unlink()

    def _first_payment_of_the_month(self, cr, named):
        """What a counter records for a payment (counter clearing debited, the
        customer's receivable credited), posted in its own transaction, which
        gives up after a second of waiting on another one."""
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SET LOCAL lock_timeout = '1s'")
        company = env["res.company"].browse(self.company_id)
        journal = company.utility_counter_journal_id
        receivable = env["account.account"].search(
            [
                ("company_ids", "in", company.id),
                ("account_type", "=", "asset_receivable"),
            ],
            limit=1,
        )
        vals = {
            "move_type": "entry",
            "journal_id": journal.id,
            "date": DAY,
            "ref": "Counter payment",
            "line_ids": [
                Command.create(
                    {
                        "name": "Counter payment",
                        "account_id": company.utility_counter_clearing_account_id.id,
                        "debit": 10.0,
                    }
                ),
                Command.create(
                    {
                        "name": "Counter payment",
                        "account_id": receivable.id,
                        "credit": 10.0,
                    }
                ),
            ],
        }
        if named:
            vals["name"] = env["pos.order"]._utility_counter_entry_name(journal, DAY)
        move = env["account.move"].with_company(company).create(vals)
        move._post(soft=False)
        env.flush_all()
        return move.name

    def _two_counters(self, named):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            try:
                first = self._first_payment_of_the_month(cr1, named)
                second = self._first_payment_of_the_month(cr2, named)
                return first, second
            finally:
                cr1.rollback()
                cr2.rollback()

    def test_two_counters_first_payment_of_a_month_at_once(self):
        """Both payments post, with two numbers of the counter journal's own
        sequence, and the second transaction never waits on the first."""
        first, second = self._two_counters(named=True)
        journal = self.env["res.company"].browse(self.company_id)
        prefix = f"{journal.utility_counter_journal_id.code}/2031/"
        self.assertTrue(first.startswith(prefix), first)
        self.assertTrue(second.startswith(prefix), second)
        self.assertNotEqual(first, second)

    def test_odoo_numbering_made_the_second_counter_wait(self):
        """Why the counter names its entries: with Odoo's numbering both take
        the month's first number and the second waits on the first, then fails
        (the same name: 'Another entry with the same name already exists')."""
        with self.assertRaises(LockNotAvailable):
            self._two_counters(named=False)


@tagged("post_install", "-at_install")
class TestNumberingService(TransactionCase):
    """The numbering service: numbers past those Odoo gave, from one sequence
    for every workflow that numbers in a journal."""

    def test_names_skip_numbers_odoo_gave(self):
        """An entry Odoo numbered by hand in the journal takes the highest number
        plus one; the service's next names come after it, in one sequence."""
        journal = self.env["account.journal"].create(
            {"name": "Numbering test", "code": "NUMT", "type": "general"}
        )
        sequence = numbering.journal_sequence(
            journal, f"test.numbering.{journal.id}", "Test", "NUMT/%(year)s/"
        )
        day = date(2031, 5, 2)
        first = numbering.allocate_names(sequence, journal, 2, day)
        self.assertEqual(first, ["NUMT/2031/00001", "NUMT/2031/00002"])
        account = self.env["account.account"].search(
            [("company_ids", "in", self.env.company.id)], limit=1
        )
        by_hand = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": day,
                "name": "NUMT/2031/00007",
                "line_ids": [
                    Command.create(
                        {"name": "x", "account_id": account.id, "debit": 1.0}
                    ),
                    Command.create(
                        {"name": "x", "account_id": account.id, "credit": 1.0}
                    ),
                ],
            }
        )
        by_hand.action_post()
        self.assertEqual(numbering.next_name(sequence, journal, day), "NUMT/2031/00008")
        self.assertEqual(
            numbering.journal_sequence(
                journal, f"test.numbering.{journal.id}", "Test", "NUMT/%(year)s/"
            ),
            sequence,
            "the same sequence, found by its code",
        )
