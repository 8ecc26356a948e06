# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_billing import UtilityBillingRunCommon

RUN_MODULE = "odoo.addons.utility_billing.models.utility_billing_run"
FIXED_3_4 = 'Water service charge (3/4" meter)'
TIER_1 = "Water usage tier 1 (0 to 41)"
TIER_2 = "Water usage tier 2 (over 41)"


@tagged("post_install", "-at_install")
class TestUtilityBillingRun(UtilityBillingRunCommon):
    """Billing runs: compute the billing register, hold what needs review, post
    the bills, never bill an account twice for a period, final bills."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.premise_a, cls.meter_a, cls.account_a = cls._billing_account("BR-A")
        cls.premise_b, cls.meter_b, cls.account_b = cls._billing_account("BR-B")
        cls.premise_c, cls.meter_c, cls.account_c = cls._billing_account("BR-C")
        cls.read_a = cls._read(cls.meter_a, "2025-03-28", 30)
        cls.read_b = cls._read(cls.meter_b, "2025-03-28", 50)
        cls.read_c = cls._read(cls.meter_c, "2025-03-28", 12)
        cls.accounts = cls.account_a | cls.account_b | cls.account_c
        cls.deposit_account = cls.env["account.account"].create(
            {
                "name": "Customer Deposits",
                "code": "UBT2201",
                "account_type": "liability_current",
            }
        )
        cls.company.utility_deposit_account_id = cls.deposit_account

    def _bill_of(self, account, run=None):
        """The account's bill for March 2025 (not cancelled)."""
        domain = [
            ("utility_account_id", "=", account.id),
            ("utility_period_start", "=", self.PERIOD_START),
            ("move_type", "=", "out_invoice"),
            ("state", "!=", "cancel"),
        ]
        if run:
            domain.append(("utility_billing_run_id", "=", run.id))
        return self.env["account.move"].search(domain)

    def _march_bills(self, accounts=None):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "in", (accounts or self.accounts).ids),
                ("utility_period_start", "=", self.PERIOD_START),
                ("move_type", "=", "out_invoice"),
            ]
        )

    def _line(self, run, account):
        return run.line_ids.filtered(lambda ln: ln.account_id == account)

    def _pay(self, move, amount, when):
        """Register a payment of ``amount`` on ``move`` as the cashier does."""
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": when})
            ._create_payments()
        )

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    def test_compute_creates_draft_bills(self):
        """Compute: one draft bill per account, one line per component and per
        tier with quantity and unit price, dated the bill date, due after the
        cycle's due days, in the utility journal, posting to the products'
        income accounts with the UUT on water."""
        run = self._bill(post=False)
        self.assertEqual(run.state, "computed")
        self.assertEqual(run.due_date, self.DUE_DATE)
        self.assertEqual(run.line_ids.account_id, self.accounts)
        self.assertEqual(set(run.line_ids.mapped("state")), {"computed"})
        self.assertEqual((run.billed_count, run.held_count), (3, 0))
        bills = run.invoice_ids
        self.assertEqual(len(bills), 3)
        self.assertEqual(bills.utility_account_id, self.accounts)
        self.assertEqual(set(bills.mapped("state")), {"draft"})
        journal = self.company._get_utility_journal()
        for bill in bills:
            account = bill.utility_account_id
            with self.subTest(account=account.premise_id.name):
                self.assertEqual(bill.move_type, "out_invoice")
                self.assertEqual(bill.partner_id, self.partner)
                self.assertEqual(bill.journal_id, journal)
                self.assertEqual(bill.invoice_date, self.BILL_DATE)
                self.assertEqual(bill.invoice_date_due, self.DUE_DATE)
                self.assertEqual(bill.utility_period_start, self.PERIOD_START)
                self.assertEqual(bill.utility_period_end, self.PERIOD_END)
                self.assertEqual(bill.payment_reference, account.name)
                self.assertEqual(self._line(run, account).move_id, bill)
                self.assertEqual(
                    self._line(run, account).amount_total, bill.amount_total
                )
        bill_b = self._bill_of(self.account_b)
        self.assertEqual(
            self._lines_table(bill_b),
            [
                (FIXED_3_4, 1.0, 13.80, 13.80),
                (TIER_1, 41.0, 1.50, 61.50),
                (TIER_2, 9.0, 1.65, 14.85),
                ("Trash collection", 1.0, 28.50, 28.50),
            ],
        )
        lines = bill_b.invoice_line_ids
        self.assertEqual(
            [line.account_id for line in lines],
            [self.income_water] * 3 + [self.income_trash],
        )
        self.assertEqual(
            [line.tax_ids for line in lines],
            [self.uut, self.uut, self.uut, self.env["account.tax"]],
        )
        self.assertEqual(
            lines.mapped("utility_service_type_id"), self.water | self.trash
        )
        self.assertEqual(
            (bill_b.amount_untaxed, bill_b.amount_tax, bill_b.amount_total),
            (118.65, 4.51, 123.16),
        )
        # Reads are linked to their draft bill, and billed only once it posts.
        self.assertEqual(self.read_b.billed_move_id, bill_b)
        self.assertEqual(self.read_b.state, "valid")
        self.assertAlmostEqual(run.amount_total, sum(bills.mapped("amount_total")))

    def test_uut_exempt_account(self):
        """An account with an approved UUT exemption is billed without the tax."""
        self.account_a.uut_exempt = True
        run = self._bill(post=False)
        bill_a = self._bill_of(self.account_a, run)
        self.assertFalse(bill_a.invoice_line_ids.tax_ids)
        self.assertEqual(
            (bill_a.amount_untaxed, bill_a.amount_tax, bill_a.amount_total),
            (87.30, 0.0, 87.30),
        )
        self.assertEqual(self._bill_of(self.account_c, run).amount_tax, 1.59)

    def test_new_run_proposes_the_period_of_the_latest_reads(self):
        """The cycle's first run proposes the month of its latest reads (March
        2025 here, not the month before today); the next one follows it; from a
        run with held accounts, Estimate Missing Reads proposes the run's
        period."""
        form = Form(self.env["utility.billing.run"].with_user(self.csr2))
        form.cycle_id = self.cycle
        self.assertEqual(
            (form.period_start, form.period_end), (self.PERIOD_START, self.PERIOD_END)
        )
        march = form.save()
        march.action_compute()
        self.assertEqual((march.billed_count, march.held_count), (3, 0))
        form = Form(self.env["utility.billing.run"].with_user(self.csr2))
        form.cycle_id = self.cycle
        self.assertEqual(
            (form.period_start, form.period_end), (date(2025, 4, 1), date(2025, 4, 30))
        )
        april = form.save()
        april.action_compute()
        self.assertEqual(april.held_count, 3)
        action = april.with_user(self.csr2).action_estimate_missing_reads()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.csr2)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.cycle_id, self.cycle)
        self.assertEqual(
            (wizard.period_start, wizard.read_date),
            (date(2025, 4, 1), date(2025, 4, 30)),
        )

    def test_charge_lines_in_the_account_language(self):
        """A Spanish-speaking account's bill lines are labelled in Spanish (the
        bill prints in its language), the others' in English, in one run."""
        self.env["res.lang"]._activate_lang("es_MX")
        self.env["ir.module.module"]._load_module_terms(
            ["utility_billing"], ["es_MX"], overwrite=True
        )
        usage = self.water_rate.component_ids.filtered(
            lambda c: c.component_type == "tiered"
        )
        usage.with_context(lang="es_MX").name = "Consumo de agua"
        self.account_b.lang = "es_MX"
        run = self._bill(post=False)
        names_b = self._bill_of(self.account_b, run).invoice_line_ids.mapped("name")
        names_a = self._bill_of(self.account_a, run).invoice_line_ids.mapped("name")
        self.assertIn("Consumo de agua, bloque 1 (0 a 41)", names_b)
        self.assertIn("Consumo de agua, bloque 2 (más de 41)", names_b)
        self.assertIn("Water usage tier 1 (0 to 41)", names_a)

    def test_account_language_not_installed_bills_in_english(self):
        """An account whose language is not installed in the database is billed
        (in the database's language), not held: Odoo refuses an inactive
        language in a context."""
        spanish = (
            self.env["res.lang"]
            .with_context(active_test=False)
            .search([("code", "=", "es_MX")])
        )
        if spanish.active:
            spanish.active = False
        self.assertNotIn("es_MX", dict(self.env["res.lang"].get_installed()))
        self.account_b.lang = "es_MX"
        run = self._bill(post=False)
        self.assertEqual(run.held_count, 0)
        names_b = self._bill_of(self.account_b, run).invoice_line_ids.mapped("name")
        self.assertIn("Water usage tier 1 (0 to 41)", names_b)

    def test_nothing_to_post_when_every_account_is_held(self):
        """A run whose accounts are all held (no reads in its period) has no
        bill to post: Post Bills is refused and the run stays computed."""
        run = self.env["utility.billing.run"].create(
            {
                "cycle_id": self.cycle.id,
                "period_start": "2025-06-01",
                "period_end": "2025-06-30",
                "bill_date": "2025-07-03",
            }
        )
        run.action_compute()
        self.assertEqual(run.billed_count, 0)
        self.assertGreater(run.held_count, 0)
        with self.assertRaisesRegex(UserError, "no bill to post: every account"):
            run.action_post()
        self.assertEqual(run.state, "computed")

    def test_held_accounts_and_recompute(self):
        """A meter with a read to review, or without a read in the period, holds
        its account with the reason; once reviewed (or read), recompute bills
        it."""
        self._exception_rule("zero")
        _p, meter_flagged, flagged = self._billing_account("BR-FLAG")
        read_flagged = self._read(meter_flagged, "2025-03-28", 0)
        self.assertEqual(read_flagged.state, "to_review")
        _p, meter_unread, unread = self._billing_account("BR-NOREAD")
        run = self._bill(post=False)
        self.assertEqual(run.state, "computed")
        self.assertEqual((run.billed_count, run.held_count), (3, 2))
        self.assertEqual(
            [
                (line.state, line.hold_reason, line.move_id)
                for line in (self._line(run, flagged), self._line(run, unread))
            ],
            [
                (
                    "held",
                    "Meter BR-FLAG has a read to review",
                    self.env["account.move"],
                ),
                (
                    "held",
                    "No valid read of meter BR-NOREAD in the period",
                    self.env["account.move"],
                ),
            ],
        )
        self.assertFalse(self._bill_of(flagged) | self._bill_of(unread))
        read_flagged.with_user(self.csr2).action_accept()
        run.action_recompute_held()
        self.assertEqual(run.state, "computed")
        self.assertEqual(self._line(run, flagged).state, "computed")
        self.assertFalse(self._line(run, flagged).hold_reason)
        self.assertEqual(
            self._lines_table(self._bill_of(flagged)),
            [
                (FIXED_3_4, 1.0, 13.80, 13.80),
                ("Trash collection", 1.0, 28.50, 28.50),
            ],
        )
        self.assertEqual(
            (self._line(run, unread).state, self._line(run, unread).hold_reason),
            ("held", "No valid read of meter BR-NOREAD in the period"),
        )
        self._read(meter_unread, "2025-03-29", 7)
        run.action_recompute_held()
        self.assertEqual(self._line(run, unread).state, "computed")
        self.assertEqual((run.billed_count, run.held_count), (5, 0))
        self.assertEqual(len(run.invoice_ids), 5)

    def test_meter_size_missing_from_rate_holds_the_account(self):
        """Coachella publishes no 3" service charge: a 3" meter holds its account
        with a reason naming the account and the meter, and the run bills the
        others."""
        _p, meter_3, account_3 = self._billing_account("BR-3IN", size="3")
        self._read(meter_3, "2025-03-28", 40)
        run = self._bill(post=False)
        self.assertEqual(run.state, "computed")
        self.assertEqual((run.billed_count, run.held_count), (3, 1))
        line = self._line(run, account_3)
        self.assertEqual(line.state, "held")
        self.assertFalse(line.move_id)
        self.assertIn(account_3.name, line.hold_reason)
        self.assertIn("BR-3IN", line.hold_reason)
        self.assertIn('no charge for a 3" meter', line.hold_reason)
        self.assertFalse(self._bill_of(account_3))
        self.assertEqual(len(self._march_bills()), 3)

    # ------------------------------------------------------------
    # Post
    # ------------------------------------------------------------

    def test_post_bills(self):
        """Post: the bills post with numbers of the bill date's year, the reads
        are billed and linked to their bill, and the rate versions used are
        locked."""
        run = self._bill()
        self.assertEqual(run.state, "posted")
        bills = run.invoice_ids
        self.assertEqual(len(bills), 3)
        self.assertEqual(set(bills.mapped("state")), {"posted"})
        self.assertEqual(set(run.line_ids.mapped("state")), {"posted"})
        self.assertEqual(len(set(bills.mapped("name"))), 3)
        self.assertTrue(
            all(name.startswith("UB/2025/") for name in bills.mapped("name"))
        )
        for account, read in (
            (self.account_a, self.read_a),
            (self.account_b, self.read_b),
            (self.account_c, self.read_c),
        ):
            with self.subTest(account=account.premise_id.name):
                bill = self._bill_of(account)
                self.assertEqual(read.state, "billed")
                self.assertEqual(read.billed_move_id, bill)
                self.assertEqual(bill.utility_read_ids, read)
                self.assertEqual(account.balance, bill.amount_total)
        self.assertTrue(self.water_rate.billed)
        self.assertTrue(self.trash_rate.billed)
        self.assertFalse(self.sewer_rate.billed, "No account of the run has sewer.")
        with self.assertRaisesRegex(UserError, "has been billed and is locked"):
            self.water_rate.write({"resolution": "Changed afterwards"})
        with self.assertRaisesRegex(UserError, "is posted"):
            run.action_compute()

    def test_sequence_gap_flags_of_the_run(self):
        """Odoo flags a numbered draft as a gap in the journal's numbers; once
        all the run's drafts exist, those whose previous number exists are not
        gaps (posting batches in parallel then writes no other batch's bill),
        and after posting the flags are Odoo's: a gap only where the previous
        number is missing (a journal's first number is none)."""
        run = self._bill(post=False)
        drafts = run.invoice_ids.sorted("sequence_number")
        self.assertEqual(len(drafts), 3)
        self.assertEqual(
            drafts.mapped("sequence_number"),
            list(range(drafts[0].sequence_number, drafts[0].sequence_number + 3)),
        )
        self.assertEqual(drafts[1:].mapped("made_sequence_gap"), [False, False])
        run.action_post()
        self.assertEqual(set(run.invoice_ids.mapped("state")), {"posted"})
        self.assertEqual(drafts[1:].mapped("made_sequence_gap"), [False, False])
        first = drafts[0]
        previous = self.env["account.move"].search_count(
            [
                ("journal_id", "=", first.journal_id.id),
                ("sequence_prefix", "=", first.sequence_prefix),
                ("sequence_number", "=", first.sequence_number - 1),
            ]
        )
        self.assertEqual(
            first.made_sequence_gap, first.sequence_number > 1 and not previous
        )

    def test_bills_in_configured_journal(self):
        """Bills go to the journal configured for utility bills, numbered in it."""
        journal = self.env["account.journal"].create(
            {"name": "Water Bills", "code": "WTR", "type": "sale"}
        )
        self.company.utility_journal_id = journal
        run = self._bill()
        self.assertEqual(run.journal_id, journal)
        self.assertEqual(run.invoice_ids.journal_id, journal)
        self.assertEqual(
            sorted(run.invoice_ids.mapped("name")),
            ["WTR/2025/00001", "WTR/2025/00002", "WTR/2025/00003"],
        )

    def test_tax_roll_service_not_on_bill(self):
        """A service levied on the property tax roll is not on the utility bill;
        billed on the utility bill, it is."""
        _p, meter, account = self._billing_account(
            "BR-SEW",
            services=[self.water, self.sewer, self.trash],
            living_units=2,
        )
        self._read(meter, "2025-03-28", 10)
        self.sewer.billing_channel = "tax_roll"
        run = self._bill(post=False)
        bill = self._bill_of(account, run)
        self.assertEqual(
            bill.invoice_line_ids.utility_service_type_id, self.water | self.trash
        )
        run.action_cancel()
        self.sewer.billing_channel = "bill"
        run = self._bill(post=False)
        bill = self._bill_of(account, run)
        sewer_lines = bill.invoice_line_ids.filtered(
            lambda ln: ln.utility_service_type_id == self.sewer
        )
        self.assertEqual(
            [
                (ln.name, ln.quantity, ln.price_unit, ln.account_id)
                for ln in sewer_lines
            ],
            [("Sewer service charge (2 units)", 2.0, 41.81, self.income_sewer)],
        )

    # ------------------------------------------------------------
    # Never twice
    # ------------------------------------------------------------

    def test_recompute_same_run_creates_nothing(self):
        """Computing a run again creates no new bill."""
        run = self._bill(post=False)
        bills = run.invoice_ids
        run.action_compute()
        self.assertEqual(run.invoice_ids, bills)
        self.assertEqual(self._march_bills(), bills)
        self.assertEqual(len(run.line_ids), 3)
        # A line that lost track of its bill finds it again instead of billing.
        line_a = self._line(run, self.account_a)
        bill_a = line_a.move_id
        line_a.write({"state": "pending", "move_id": False})
        run.action_compute()
        self.assertEqual((line_a.state, line_a.move_id), ("computed", bill_a))
        self.assertEqual(self._march_bills(), bills)

    def test_second_run_same_period(self):
        """A second run of the cycle for the same period bills no account twice;
        it bills only an account that the first run did not."""
        first = self._bill()
        bills = first.invoice_ids
        _p, meter_new, newcomer = self._billing_account("BR-NEW")
        self._read(meter_new, "2025-03-28", 5)
        second = self._bill()
        self.assertEqual(self._march_bills(), bills)
        self.assertEqual(len(self._bill_of(newcomer)), 1)
        self.assertEqual(second.invoice_ids, self._bill_of(newcomer))
        for account in self.accounts:
            with self.subTest(account=account.premise_id.name):
                self.assertEqual(len(self._bill_of(account)), 1)
                line = self._line(second, account)
                self.assertEqual(line.state, "held")
                self.assertFalse(line.move_id)
                self.assertIn("Already billed for this period on", line.hold_reason)
                self.assertIn(self._bill_of(account).name, line.hold_reason)
        self.assertEqual(self.accounts.mapped("invoice_count"), [1, 1, 1])
        # The second run's totals count only its own bill.
        self.assertEqual(second.billed_count, 1)
        self.assertAlmostEqual(
            second.amount_total, self._bill_of(newcomer).amount_total, places=2
        )

    def test_number_taken_by_hand_is_skipped(self):
        """An invoice posted by hand in the utility journal takes the next number
        (Odoo numbers it after the highest); the next run skips past it instead of
        handing the same number out again."""
        first = self._bill()
        journal = first.journal_id
        manual = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "journal_id": journal.id,
                "invoice_date": self.BILL_DATE,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_trash.id,
                            "quantity": 1,
                            "price_unit": 10.0,
                        }
                    )
                ],
            }
        )
        manual.action_post()
        _p, meter_new, newcomer = self._billing_account("BR-HAND")
        self._read(meter_new, "2025-03-28", 5)
        second = self._bill()
        bill = self._bill_of(newcomer)
        self.assertEqual(bill.state, "posted")
        self.assertGreater(bill.sequence_number, manual.sequence_number)
        self.assertEqual(bill.sequence_prefix, manual.sequence_prefix)
        self.assertEqual(second.state, "posted")

    def test_database_refuses_second_bill(self):
        """The database itself refuses a second bill of an account for a period
        (unique index), whatever creates it; a cancelled bill does not count."""
        run = self._bill(post=False)
        bill_a = self._bill_of(self.account_a, run)
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.partner.id,
            "journal_id": bill_a.journal_id.id,
            "invoice_date": self.BILL_DATE,
            "utility_account_id": self.account_a.id,
            "utility_period_start": self.PERIOD_START,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Duplicate",
                        "quantity": 1,
                        "price_unit": 10.0,
                        "account_id": self.income_water.id,
                    }
                )
            ],
        }
        Move = self.env["account.move"]
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation) as cm:
            Move.create(vals)
            self.env.flush_all()
        self.assertEqual(
            cm.exception.diag.constraint_name, "account_move_utility_period_uniq"
        )
        other_period = Move.create(dict(vals, utility_period_start=date(2025, 4, 1)))
        self.env.flush_all()
        self.assertEqual(other_period.utility_account_id, self.account_a)
        bill_a.button_cancel()
        self.env.flush_all()
        replacement = Move.create(vals)
        self.env.flush_all()
        self.assertEqual(self._bill_of(self.account_a), replacement)

    def test_interrupted_run_continues(self):
        """A run interrupted after a batch continues where it stopped: every
        account is billed exactly once."""
        with patch(f"{RUN_MODULE}.SYNC_LIMIT", 0):
            run = self._new_run()
            run.action_compute()
        self.assertEqual(run.state, "computing")
        self.assertEqual(set(run.line_ids.mapped("state")), {"pending"})
        self.assertTrue(run._process_batch("compute", batch_size=2))
        self.assertEqual(
            sorted(run.line_ids.mapped("state")), ["computed", "computed", "pending"]
        )
        self.assertEqual(len(self._march_bills()), 2)
        self.assertEqual(run.state, "computing")
        run.action_compute()
        self.assertEqual(run.state, "computed")
        self.assertEqual(set(run.line_ids.mapped("state")), {"computed"})
        bills = self._march_bills()
        self.assertEqual(len(bills), 3)
        self.assertEqual(bills.utility_account_id, self.accounts)
        self.assertEqual(run.line_ids.move_id, bills)

    def test_cron_finishes_run(self):
        """Large runs are left to the scheduled action, which computes the run
        started in 'computing' and posts the run left in 'posting'."""
        cron = self.env.ref("utility_billing.ir_cron_billing_run_1")
        with patch(f"{RUN_MODULE}.SYNC_LIMIT", 0):
            run = self._new_run()
            run.action_compute()
            self.assertEqual(run.state, "computing")
            self.assertTrue(
                self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            )
            cron.method_direct_trigger()
            self.assertEqual(run.state, "computed")
            self.assertEqual(len(run.invoice_ids), 3)
            run.action_post()
            self.assertEqual(run.state, "posting")
            cron.method_direct_trigger()
        self.assertEqual(run.state, "posted")
        self.assertEqual(set(run.invoice_ids.mapped("state")), {"posted"})
        self.assertEqual(self.read_a.state, "billed")

    # ------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------

    def test_cancel_computed_run(self):
        """Cancelling a computed run deletes its draft bills and frees the reads,
        which the next run bills."""
        run = self._bill(post=False)
        bills = run.invoice_ids
        run.action_cancel()
        self.assertEqual(run.state, "cancelled")
        self.assertFalse(bills.exists())
        self.assertEqual(set(run.line_ids.mapped("state")), {"cancelled"})
        self.assertFalse(run.line_ids.move_id)
        self.assertFalse((self.read_a | self.read_b | self.read_c).billed_move_id)
        self.assertEqual(self.read_a.state, "valid")
        rerun = self._bill()
        self.assertEqual(len(rerun.invoice_ids), 3)
        self.assertEqual(self.read_a.billed_move_id, self._bill_of(self.account_a))

    def test_cannot_cancel_posted_run(self):
        """A posted run cannot be cancelled: its bills are corrected with credit
        notes."""
        run = self._bill()
        with self.assertRaisesRegex(UserError, "has posted bills"):
            run.action_cancel()
        self.assertEqual(run.state, "posted")
        self.assertEqual(set(run.invoice_ids.mapped("state")), {"posted"})

    # ------------------------------------------------------------
    # Final bills
    # ------------------------------------------------------------

    def _final_bill(self, deposit, post=True):
        """A customer moves out on March 15 (20 HCF used) holding ``deposit``:
        the run of March bills the final bill."""
        _p, _meter, account = self._billing_account("BR-FIN")
        if deposit:
            # Billed at start of service, paid with Odoo's Register Payment.
            invoice = account._utility_bill_deposit(deposit, date(2025, 2, 28))
            self._pay(invoice, deposit, "2025-03-01")
            self.assertEqual(account.deposit_held, deposit)
        self._stop(account, "2025-03-15", readings=[20])
        self.assertEqual(account.state, "final")
        run = self._bill(post=post)
        return run, account, self._bill_of(account, run)

    def _deposit_credit(self, account):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "=", account.id),
                ("move_type", "=", "out_refund"),
                ("utility_deposit_kind", "=", "apply"),
            ]
        )

    def test_final_bill_prorated(self):
        """Final bill: the fixed charges are prorated to the end date (15 of 31
        days), the water used until the move-out read is billed in full."""
        run, account, bill = self._final_bill(0.0)
        self.assertTrue(bill.utility_is_final)
        self.assertTrue(self._line(run, account).is_final)
        self.assertEqual(bill.utility_period_end, date(2025, 3, 15))
        self.assertEqual(
            self._lines_table(bill),
            [
                (f"{FIXED_3_4} (0.4839 x 13.80)", 1.0, 6.68, 6.68),
                (TIER_1, 20.0, 1.50, 30.00),
                ("Trash collection (0.4839 x 28.50)", 1.0, 13.79, 13.79),
            ],
        )
        self.assertEqual(
            (bill.amount_untaxed, bill.amount_tax, bill.amount_total),
            (50.47, 1.83, 52.30),
        )
        self.assertFalse(self._deposit_credit(account))
        self.assertEqual(account.state, "final")
        self.assertEqual(account.balance, 52.30)

    def test_final_bill_deposit_leaves_credit(self):
        """A deposit larger than the final bill pays it with a credit note on the
        deposits account; the remaining credit is left for refund and the account
        stays final."""
        _run, account, bill = self._final_bill(100.0)
        credit = self._deposit_credit(account)
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.amount_total, 100.0)
        self.assertEqual(credit.invoice_line_ids.account_id, self.deposit_account)
        self.assertEqual(bill.amount_residual, 0.0)
        self.assertEqual(credit.amount_residual, 47.70)
        self.assertEqual(account.deposit_held, 0.0)
        self.assertEqual(account.balance, -47.70)
        self.assertEqual(account.state, "final")

    def test_final_bill_deposit_settles_and_closes(self):
        """A deposit equal to the final bill settles it: the balance is zero and
        the account closes."""
        _run, account, bill = self._final_bill(52.30)
        self.assertEqual(bill.amount_residual, 0.0)
        self.assertEqual(account.balance, 0.0)
        self.assertEqual(account.state, "closed")

    def test_final_bill_paid_closes(self):
        """A deposit smaller than the final bill is applied; the account closes
        when the customer pays the rest."""
        _run, account, bill = self._final_bill(20.0)
        self.assertEqual(bill.amount_residual, 32.30)
        self.assertEqual(account.balance, 32.30)
        self.assertEqual(account.state, "final")
        self._pay(bill, 32.30, "2025-04-20")
        self.assertEqual(account.balance, 0.0)
        self.assertEqual(account.state, "closed")

    def test_final_bill_deposit_account_created_on_first_use(self):
        """Without a customer deposits account configured, billing the first
        deposit creates a current liability account *Customer Deposits* and
        sets it on the company; the final bill applies the deposit from it."""
        self.company.utility_deposit_account_id = False
        _run, account, bill = self._final_bill(50.0)
        liability = self.company.utility_deposit_account_id
        self.assertEqual(liability.account_type, "liability_current")
        self.assertEqual(
            self._deposit_credit(account).invoice_line_ids.account_id, liability
        )
        self.assertEqual(account.deposit_held, 0.0)
        self.assertEqual(bill.amount_residual, 2.30)
        self.assertEqual(
            sum(
                self.env["account.move.line"]
                .search(
                    [("account_id", "=", liability.id), ("parent_state", "=", "posted")]
                )
                .mapped("balance")
            ),
            0.0,
        )

    def test_move_out_move_in_same_period(self):
        """A move-out and a move-in at the same meter in one period: the leaving
        customer's final bill has the use up to the move-out read, the new
        customer's bill the use since the move-in read; nothing is billed
        twice."""
        premise, meter, leaving = self._billing_account("BR-MOVE")
        self._stop(leaving, "2025-03-15", readings=[20])
        newcomer = self.env["res.partner"].create({"name": "Ana Lopez"})
        arriving = self._start(premise, "2025-03-16", newcomer)
        read_new = self._read(meter, "2025-03-28", 32)
        self.assertEqual(read_new.account_id, arriving)
        run = self._bill()
        final_bill = self._bill_of(leaving, run)
        new_bill = self._bill_of(arriving, run)

        def usage(bill):
            return sum(
                bill.invoice_line_ids.filtered(
                    lambda ln: ln.product_id == self.product_water_usage
                ).mapped("quantity")
            )

        self.assertEqual(usage(final_bill), 20.0)
        self.assertEqual(usage(new_bill), 12.0)
        self.assertEqual(new_bill.partner_id, newcomer)
        self.assertEqual(final_bill.utility_read_ids.mapped("read_type"), ["final"])
        self.assertEqual(read_new.billed_move_id, new_bill)
        # The newcomer's fixed charge runs from the move-in: 16 of 31 days.
        self.assertEqual(
            new_bill.invoice_line_ids.filtered(
                lambda ln: ln.product_id == self.product_water_fixed
            ).price_subtotal,
            7.12,
        )

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_access_by_role(self):
        """A CSR I cannot create billing runs; a CSR II computes and posts them."""
        Run = self.env["utility.billing.run"]
        vals = {
            "cycle_id": self.cycle.id,
            "period_start": self.PERIOD_START,
            "period_end": self.PERIOD_END,
            "bill_date": self.BILL_DATE,
        }
        with self.assertRaises(AccessError):
            Run.with_user(self.csr1).create(vals)
        run = Run.with_user(self.csr2).create(vals)
        run.action_compute()
        self.assertEqual(run.state, "computed")
        with self.assertRaises(AccessError):
            run.with_user(self.csr1).action_post()
        run.action_post()
        self.assertEqual(run.state, "posted")
        self.assertEqual(len(run.invoice_ids), 3)
        self.assertEqual(set(run.sudo().invoice_ids.mapped("state")), {"posted"})

    def test_utility_journal_is_named_for_the_city(self):
        """A company without a bills journal gets one named Utility Bills (code
        UB), not Odoo's "Customer Invoices (copy)", and finds it again."""
        company = self.env["res.company"].create({"name": "Town of Thermal"})
        self.env["account.journal"].with_company(company).create(
            {
                "name": "Customer Invoices",
                "code": "INV",
                "type": "sale",
                "company_id": company.id,
            }
        )
        journal = company._get_utility_journal()
        self.assertEqual((journal.name, journal.code), ("Utility Bills", "UB"))
        self.assertEqual((journal.type, journal.company_id), ("sale", company))
        company.utility_journal_id = False
        self.assertEqual(company._get_utility_journal(), journal)
