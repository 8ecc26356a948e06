# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The proof totals are counted in the database: the same figures as the
records and journal items give, whatever the size of the conversion."""

from collections import Counter

from odoo.tests import tagged
from odoo.tools import SQL

from .test_conversion import (
    CUTOVER,
    GOOD,
    METERS_HEADER,
    PREMISES_HEADER,
    ConversionCommon,
)


def _bucket(days):
    """The aging bucket of an item ``days`` past due (written out here, not
    the conversion's own bucket_of)."""
    if days <= 30:
        return "current"
    if days <= 60:
        return "days_31_60"
    if days <= 90:
        return "days_61_90"
    return "days_91_plus"


def _city(count, prefix):
    """Conversion files of ``count`` accounts (keys starting with ``prefix``):
    one in three final, one in two with a meter, each with a balance in every
    bucket, one in two with a deposit."""
    customers = ["customer_ref,name"]
    premises = [PREMISES_HEADER]
    meters = [METERS_HEADER]
    accounts = ["account_number,customer_ref,premise_ref,status,start_date,end_date"]
    services = ["account_number,service_type,rate_code,meter_serial,start_date"]
    balances = ["account_number,current,days_31_60,days_61_90,days_91_plus"]
    deposits = ["account_number,amount,paid_date"]
    for n in range(1, count + 1):
        c, p, m, a = (f"{prefix}{kind}{n}" for kind in "CPMA")
        customers.append(f"{c},Customer {prefix} {n}")
        klass = "commercial" if n % 4 == 0 else "residential"
        premises.append(f"{p},{n} Calle {prefix},Coachella,92236,,TR1,{n},{klass},1")
        final = n % 3 == 0
        accounts.append(
            f"{a},{c},{p},{'final' if final else 'active'},2020-01-01,"
            + ("2025-06-15" if final else "")
        )
        if n % 2:
            size = "1" if n % 4 == 1 else "3/4"
            meters.append(f"{m},{p},WATER,{size},6,1,,,2019-04-15")
            services.append(f"{a},WATER,CV-W,{m},")
        services.append(f"{a},TRASH,CV-T,,")
        balances.append(f"{a},{n}.10,{n}.20,{n}.30,{n}.40")
        if n % 2 == 0:
            deposits.append(f"{a},{n * 10}.00,")
    files = {
        "customers": customers,
        "premises": premises,
        "meters": meters,
        "accounts": accounts,
        "services": services,
        "balances": balances,
        "deposits": deposits,
    }
    return {kind: "\n".join(rows) + "\n" for kind, rows in files.items()}


@tagged("post_install", "-at_install")
class TestConversionProofSql(ConversionCommon):
    def _legacy_totals(self):
        return {
            "legacy_active_count": 2,
            "legacy_final_count": 1,
            "legacy_meter_count": 2,
            "legacy_current": 40.10,
            "legacy_days_31_60": 38.75,
            "legacy_days_61_90": 20.00,
            "legacy_days_91_plus": 75.50,
            "legacy_deposits": 185.00,
        }

    def _loaded(self, files, **vals):
        conversion = self._conversion(files, **vals)
        conversion.action_validate()
        self.assertFalse(conversion.error_ids.mapped("message"))
        conversion.action_load()
        self.assertEqual(conversion.state, "loaded")
        return conversion

    def _from_the_books(self, conversion, prefix):
        """The proof's figures, counted here from the records (found by their
        numbers) and the journal items."""
        Account = self.env["utility.account"].with_context(active_test=False)
        accounts = Account.search([("name", "=like", f"{prefix}%")])
        meters = self.env["utility.meter"].search(
            [("premise_id", "in", accounts.premise_id.ids)]
        )
        totals = {
            "active_count": 0,
            "final_count": 0,
            "closed_count": 0,
            "meter_count": len(meters),
            "deposits": 0.0,
            "current": 0.0,
            "days_31_60": 0.0,
            "days_61_90": 0.0,
            "days_91_plus": 0.0,
        }
        for state, count in Counter(accounts.mapped("state")).items():
            totals[f"{state}_count"] = count
        for (state, klass), count in Counter(
            (a.state, a.premise_id.customer_class) for a in accounts
        ).items():
            totals[f"class_{state}_{klass}"] = count
        for size, count in Counter(meters.mapped("size")).items():
            totals[f"size_{size}"] = count
        items = self.env["account.move.line"].search(
            [
                ("move_id.utility_account_id", "in", accounts.ids),
                ("parent_state", "=", "posted"),
            ]
        )
        deposit_account = self.company.utility_deposit_account_id
        for item in items:
            move = item.move_id
            if move.utility_deposit_kind:
                if item.account_id == deposit_account:
                    totals["deposits"] -= item.balance
            elif (
                move.move_type in ("out_invoice", "out_refund")
                and item.account_id.account_type == "asset_receivable"
            ):
                days = (CUTOVER - (item.date_maturity or item.date)).days
                totals[_bucket(days)] += item.balance
        return {
            key: round(value, 2) if isinstance(value, float) else value
            for key, value in totals.items()
        }

    def test_loaded_totals_are_the_books(self):
        """After a load the loaded totals are those of the records and the
        journal items, bucket by bucket; the figures tie with the legacy
        ones of the files."""
        conversion = self._loaded(GOOD)
        conversion.invalidate_recordset()
        loaded = conversion._loaded_totals()
        books = self._from_the_books(conversion, "CV-0")
        # (The other addons' rows, mandates and plans, are theirs to prove.)
        self.assertEqual({key: loaded[key] for key in books}, books)
        self.assertLessEqual(set(books), set(loaded))
        self.assertEqual(
            {key: loaded[key] for key in ("active_count", "final_count", "deposits")},
            {"active_count": 2, "final_count": 1, "deposits": 185.0},
        )
        self.assertEqual(
            [loaded[key] for key in ("current", "days_31_60", "days_61_90")],
            [40.10, 38.75, 20.00],
        )
        self.assertEqual(loaded["days_91_plus"], 75.50)
        self.assertEqual(loaded["class_final_commercial"], 1)
        self.assertEqual((loaded["size_3/4"], loaded["size_1"]), (1, 1))

        # A bigger city: the same, every bucket and class filled.
        city = self._loaded(_city(12, "PX"))
        city.invalidate_recordset()
        loaded = city._loaded_totals()
        books = self._from_the_books(city, "PXA")
        self.assertEqual({key: loaded[key] for key in books}, books)
        self.assertEqual(
            (loaded["active_count"], loaded["final_count"], loaded["meter_count"]),
            (8, 4, 6),
        )
        self.assertEqual(loaded["days_91_plus"], round(78 + 12 * 0.40, 2))
        self.assertEqual(loaded["deposits"], 420.0)
        self.assertTrue(city.proof_html)

    def test_posted_entries_only_and_deleted_records_left_out(self):
        """An opening entry reset to draft leaves the proof; a converted
        record deleted since is not counted."""
        conversion = self._loaded(
            {**GOOD, "customers": GOOD["customers"] + "CV-C4,Alone Customer\n"},
            **self._legacy_totals(),
        )
        self.assertTrue(conversion.proof_ties, conversion.proof_html)
        opening = conversion.move_ids.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and not m.utility_deposit_kind
                and m.utility_account_id.name == "CV-0003"
            )
        )
        self.assertEqual(conversion._loaded_totals()["days_91_plus"], 75.50)
        opening.sudo().button_draft()
        conversion.invalidate_recordset()
        self.assertEqual(conversion._loaded_totals()["days_91_plus"], 15.50)
        self.assertEqual(conversion.loaded_days_91_plus, 15.50)
        self.assertFalse(conversion.proof_ties)

        keys = ["CV-C1", "CV-C2", "CV-C3", "CV-C4"]
        self.assertEqual(len(conversion._converted_map("customers", keys)), 4)
        self.assertEqual(
            conversion._converted_totals("customers", [SQL("count(*)")]), [4]
        )
        self.assertEqual(
            conversion._converted_totals(
                "customers", [SQL("count(*)")], SQL("converted.name LIKE 'A%%'")
            ),
            [2],
        )
        alone = self.env["res.partner"].search([("name", "=", "Alone Customer")])
        alone.unlink()
        self.assertEqual(len(conversion._converted_map("customers", keys)), 3)
        self.assertEqual(
            conversion._converted_totals("customers", [SQL("count(*)")]), [3]
        )

    def test_totals_do_not_read_the_records(self):
        """The loaded totals take the same few queries for 3 accounts as for
        12, and read no account, meter, journal item or staged row into the
        cache."""
        small = self._loaded(GOOD)
        big = self._loaded(_city(12, "PQ"))
        self.assertEqual(len(big.account_ids), 12)
        counts = []
        # Twice each: the first call also reads the access rules.
        for conversion in (small, big, small, big):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            conversion._loaded_totals()
            counts.append(self.env.cr.sql_log_count - before)
            for model, fname in (
                ("utility.account", "state"),
                ("utility.premise", "customer_class"),
                ("utility.meter", "size"),
                ("account.move.line", "balance"),
                ("account.move", "state"),
                ("utility.conversion.line", "key"),
            ):
                Model = self.env[model]
                self.assertFalse(
                    self.env.cache.get_records(Model, Model._fields[fname]),
                    f"{model} read into the cache",
                )
        self.assertEqual(counts[2], counts[3], counts)
        self.assertLessEqual(counts[3], 12)

    def test_class_size_groups_counted_once_per_compute(self):
        """The groups by class and size are counted once per proof compute,
        not for each of the proof's rows; and again at the next compute."""
        conversion = self._loaded(
            GOOD,
            **self._legacy_totals(),
            control_ids=[
                (0, 0, {"category": "meters", "size": "3/4", "legacy_count": 1}),
                (0, 0, {"category": "meters", "size": "1", "legacy_count": 1}),
            ],
        )
        # Each count of the accounts by class is a query on the conversion's
        # accounts; the proof also counts them by status (1 query).
        Conversion = type(conversion)
        calls = []
        original = Conversion._proof_query

        def counting(self, field_name, domain=()):
            calls.append(field_name)
            return original(self, field_name, domain)

        self.patch(Conversion, "_proof_query", counting)
        conversion.invalidate_recordset()
        self.assertIn("Meters, 3/4", str(conversion.proof_html))
        self.assertEqual(calls.count("account_ids"), 2)
        conversion.invalidate_recordset()
        self.assertTrue(conversion.proof_ties)
        self.assertEqual(calls.count("account_ids"), 4)
        # Outside a compute nothing is kept: each call counts again.
        accounts, meters = conversion._class_size_groups()
        self.assertEqual(calls.count("account_ids"), 5)
        self.assertEqual(meters, Counter({"3/4": 1, "1": 1}))
        self.assertEqual(
            accounts,
            Counter({("active", "residential"): 2, ("final", "commercial"): 1}),
        )
        conversion._class_size_groups()
        self.assertEqual(calls.count("account_ids"), 6)
