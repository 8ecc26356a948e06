# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common_billing import UtilityBillingRunCommon

HEADER = ["account_number", "service_type", "charge", "consumption", "amount"]


class ParallelBillCommon(UtilityBillingRunCommon):
    """Three accounts billed in March by a run of ours, and the legacy file
    of the same bills."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.premise_a, cls.meter_a, cls.account_a = cls._billing_account("PB-A")
        cls.premise_b, cls.meter_b, cls.account_b = cls._billing_account("PB-B")
        cls.premise_c, cls.meter_c, cls.account_c = cls._billing_account("PB-C")
        cls._read(cls.meter_a, "2025-03-28", 30)
        cls._read(cls.meter_b, "2025-03-28", 50)
        cls._read(cls.meter_c, "2025-03-28", 12)
        cls.billing_run = cls.env["utility.billing.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "period_start": cls.PERIOD_START,
                "period_end": cls.PERIOD_END,
                "bill_date": cls.BILL_DATE,
            }
        )

    def _computed_run(self):
        if self.billing_run.state == "draft":
            self.billing_run.action_compute()
        return self.billing_run

    def _legacy_rows(self):
        """The legacy bills of March as the legacy system would print them,
        equal to our run's: [row], one per charge, tax lines included."""
        rows = []
        for line in self._computed_run().line_ids.sorted(lambda ln: ln.account_id.name):
            move = line.move_id
            reads = self.env["utility.meter.read"].search(
                [("billed_move_id", "=", move.id)]
            )
            for inv_line in move.invoice_line_ids:
                service = inv_line.utility_service_type_id
                metered = service.metered
                rows.append(
                    {
                        "account_number": line.account_id.name,
                        "service_type": service.code,
                        "charge": inv_line.name,
                        "consumption": sum(reads.mapped("consumption"))
                        if metered
                        else "",
                        "amount": f"{inv_line.price_subtotal:.2f}",
                    }
                )
            for tax_line in move.line_ids.filtered(lambda ml: ml.display_type == "tax"):
                rows.append(
                    {
                        "account_number": line.account_id.name,
                        "service_type": "",
                        "charge": tax_line.tax_line_id.name,
                        "consumption": "",
                        "amount": f"{-tax_line.balance:.2f}",
                    }
                )
        return rows

    @staticmethod
    def _csv(rows):
        out = io.StringIO()
        writer = csv.DictWriter(out, HEADER, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
        return base64.b64encode(out.getvalue().encode())

    def _parallel(self, rows=None, content=None, user=None):
        env = self.env(user=user or self.manager)
        return env["utility.parallel.bill"].create(
            {
                "name": "Parallel March",
                "run_id": self.billing_run.id,
                "legacy_file": content or self._csv(rows or self._legacy_rows()),
                "legacy_filename": "legacy_march.csv",
            }
        )


@tagged("post_install", "-at_install")
class TestParallelBill(ParallelBillCommon):
    """Parallel billing: the legacy bills of a cycle and period beside a
    computed run of ours, account by account and charge by charge."""

    def test_equal_bills_match(self):
        """The legacy bills equal to ours: every account matches, nothing listed."""
        parallel = self._parallel()
        self.assertEqual(self.billing_run.state, "computed")
        self.assertEqual(len(self.billing_run.invoice_ids), 3)
        parallel.action_compare()
        self.assertEqual(parallel.state, "compared")
        self.assertFalse(parallel.diff_ids)
        self.assertEqual((parallel.account_count, parallel.matched_count), (3, 3))
        self.assertEqual(parallel.diff_account_count, 0)
        self.assertAlmostEqual(parallel.our_total, self.billing_run.amount_total)
        self.assertAlmostEqual(parallel.legacy_total, self.billing_run.amount_total)

    def test_planted_rate_difference_and_missing_account(self):
        """One account billed $1.50 more for trash by the legacy system, one
        account the legacy system did not bill, and a one-cent difference (a
        rounding: matched): the compare lists exactly the first two, with
        their causes, and the totals."""
        rows = self._legacy_rows()
        number_b, number_c = self.account_b.name, self.account_c.name
        rows = [r for r in rows if r["account_number"] != number_c]
        for row in rows:
            if row["account_number"] == number_b and row["service_type"] == "TRASH":
                row["amount"] = "30.00"
            if row["account_number"] == self.account_a.name and not row["service_type"]:
                row["amount"] = f"{float(row['amount']) + 0.01:.2f}"
        legacy_total = round(sum(float(r["amount"]) for r in rows), 2)
        parallel = self._parallel(rows)
        parallel.action_compare()
        self.assertEqual(parallel.state, "compared")
        bill_c = self.billing_run.line_ids.filtered(
            lambda ln: ln.account_id == self.account_c
        ).move_id
        self.assertEqual(
            [
                (
                    d.account_id,
                    d.service_type_code,
                    d.charge,
                    d.legacy_amount,
                    d.our_amount,
                    d.difference,
                    d.cause,
                )
                for d in parallel.diff_ids
            ],
            [
                (
                    self.account_b,
                    "TRASH",
                    "Trash collection",
                    30.00,
                    28.50,
                    -1.50,
                    "rate",
                ),
                (
                    self.account_c,
                    False,
                    False,
                    0.0,
                    bill_c.amount_total,
                    bill_c.amount_total,
                    "missing_legacy",
                ),
            ],
        )
        self.assertEqual(parallel.account_count, 3)
        self.assertEqual(parallel.matched_count, 1)
        self.assertEqual(parallel.diff_account_count, 2)
        self.assertAlmostEqual(parallel.legacy_total, legacy_total)
        self.assertAlmostEqual(parallel.our_total, self.billing_run.amount_total)
        self.assertAlmostEqual(
            parallel.total_difference,
            round(self.billing_run.amount_total - legacy_total, 2),
        )
        # Grouped by cause, as the list shows them.
        groups = self.env["utility.parallel.bill.diff"]._read_group(
            [("parallel_bill_id", "=", parallel.id)], ["cause"], ["__count"]
        )
        self.assertEqual(sorted(groups), [("missing_legacy", 1), ("rate", 1)])

    def test_consumption_and_tax_causes(self):
        """A legacy usage charge on another consumption is a consumption
        difference; a tax amount apart is a tax difference; an account only
        the legacy system bills is missing in ours."""
        rows = self._legacy_rows()
        number_a = self.account_a.name
        for row in rows:
            if row["account_number"] != number_a:
                continue
            if row["service_type"] == "WATER" and row["charge"].startswith(
                "Water usage"
            ):
                row["consumption"] = 31
                row["amount"] = f"{float(row['amount']) + 1.50:.2f}"
            elif not row["service_type"]:
                row["amount"] = f"{float(row['amount']) + 0.50:.2f}"
        rows.append(
            {
                "account_number": "LEGACY-404",
                "service_type": "TRASH",
                "charge": "Trash collection",
                "consumption": "",
                "amount": "28.50",
            }
        )
        parallel = self._parallel(rows)
        parallel.action_compare()
        causes = {(d.account_number, d.cause) for d in parallel.diff_ids}
        self.assertEqual(
            causes,
            {
                (number_a, "consumption"),
                (number_a, "tax"),
                ("LEGACY-404", "missing_ours"),
            },
        )
        self.assertEqual((parallel.account_count, parallel.matched_count), (4, 2))

    def test_proration_cause(self):
        """An account moved in on March 10: our service charge is prorated,
        the legacy system billed the full month: a proration difference."""
        _premise, meter_d, account_d = self._billing_account(
            "PB-D", install_date="2025-03-10"
        )
        self._read(meter_d, "2025-03-28", 10)
        rows = self._legacy_rows()
        fixed = [
            r
            for r in rows
            if r["account_number"] == account_d.name
            and r["charge"].startswith("Water service charge")
        ]
        self.assertEqual(len(fixed), 1)
        fixed[0]["amount"] = "13.80"
        parallel = self._parallel(rows)
        parallel.action_compare()
        self.assertEqual(
            [(d.account_id, d.cause, d.legacy_amount) for d in parallel.diff_ids],
            [(account_d, "proration", 13.80)],
        )
        self.assertEqual((parallel.account_count, parallel.matched_count), (4, 3))

    def test_bad_line_reported_nothing_compared(self):
        """A bad line: its file, line and column are listed, and nothing is
        compared."""
        rows = self._legacy_rows()
        rows[1]["amount"] = "12.345"
        rows[2]["service_type"] = "GAS"
        parallel = self._parallel(rows)
        parallel.action_compare()
        self.assertEqual(parallel.state, "draft")
        self.assertFalse(parallel.diff_ids)
        self.assertEqual(parallel.account_count, 0)
        self.assertEqual(
            [(e.file_name, e.line_no, e.column) for e in parallel.error_ids],
            [
                ("legacy_march.csv", 3, "amount"),
                ("legacy_march.csv", 4, "service_type"),
            ],
        )
        # A missing column is named on the header line.
        parallel.legacy_file = base64.b64encode(b"account_number,charge\nX,Y\n")
        parallel.action_compare()
        self.assertEqual(
            [(e.line_no, e.column) for e in parallel.error_ids], [(1, "amount")]
        )
        self.assertFalse(parallel.diff_ids)

    def test_only_a_computed_run(self):
        """A posted run is not compared (the parallel bill precedes posting)."""
        parallel = self._parallel()
        self.billing_run.action_post()  # computed by _parallel()
        with self.assertRaisesRegex(UserError, "not computed"):
            parallel.action_compare()

    def test_results_are_not_keyed(self):
        """The state, the totals and the differences change only by Compare."""
        parallel = self._parallel()
        with self.assertRaises(UserError):
            parallel.write({"state": "compared"})
        with self.assertRaises(UserError):
            parallel.write({"matched_count": 3})
        with self.assertRaises(UserError):
            self.env["utility.parallel.bill.diff"].with_user(self.manager).create(
                {
                    "parallel_bill_id": parallel.id,
                    "account_number": "X",
                    "cause": "rate",
                }
            )
        parallel.action_compare()
        with self.assertRaises(UserError):
            parallel.legacy_file = self._csv([])

    def test_csr_refused(self):
        """A CSR I or II neither creates, compares nor reads a parallel bill."""
        parallel = self._parallel()
        for user in (self.csr1, self.csr2):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._parallel(user=user)
                with self.assertRaises(AccessError):
                    parallel.with_user(user).action_compare()
                with self.assertRaises(AccessError):
                    parallel.with_user(user).read(["name"])
        self.assertEqual(parallel.state, "draft")


@tagged("post_install", "-at_install")
class TestParallelBillJsonRpc(HttpCase, ParallelBillCommon):
    """A CSR I or II over JSON-RPC neither creates a parallel bill, compares
    one, nor keys its results."""

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_csr_refused_over_json_rpc(self):
        parallel = self._parallel()
        for user in (self.csr1, self.csr2):
            self.authenticate(user.login, user.login)
            for method, args in (
                ("create", [{"name": "Mine", "run_id": self.billing_run.id}]),
                ("action_compare", [parallel.ids]),
                ("write", [parallel.ids, {"state": "compared"}]),
            ):
                with (
                    self.subTest(user=user.login, method=method),
                    self.assertRaises(JsonRpcException) as cm,
                ):
                    self._call("utility.parallel.bill", method, args)
                self.assertIn("AccessError", str(cm.exception))
        self.assertEqual(parallel.state, "draft")
        self.assertFalse(parallel.diff_ids)
