# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models


class ReportUtilityCashReceipts(models.AbstractModel):
    """Cash receipts and deposit slip of one or more counter sessions (one
    session, or every session of a day)."""

    _name = "report.utility_billing_payments.report_cash_receipts"
    _description = "Counter Cash Receipts and Deposit Slip"

    @api.model
    def _get_report_values(self, docids, data=None):
        sessions = self.env["pos.session"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "pos.session",
            "docs": sessions,
            "summary": self._summarize(sessions),
        }

    @api.model
    def _summarize(self, sessions):
        """Figures of the report, from the sessions' paid orders."""
        currency = sessions[:1].currency_id or self.env.company.currency_id
        orders = sessions.order_ids.filtered(
            lambda o: o.state in ("paid", "done", "invoiced")
        )
        payments = orders.payment_ids
        by_tender = defaultdict(lambda: {"count": 0, "amount": 0.0})
        by_cashier = defaultdict(float)
        checks = []
        cash_total = 0.0
        for payment in payments.sorted(lambda p: (p.payment_date, p.id)):
            method = payment.payment_method_id
            tender = by_tender[method.name]
            tender["count"] += 1
            tender["amount"] += payment.amount
            by_cashier[(payment.pos_order_id.user_id.name, method.name)] += (
                payment.amount
            )
            if method.is_cash_count:
                cash_total += payment.amount
            elif method.utility_tender == "check":
                checks.append(
                    {
                        "number": payment.check_number or "",
                        "payer": payment.pos_order_id.partner_id.name or "",
                        "receipt": payment.pos_order_id.utility_receipt_number
                        or payment.pos_order_id.name,
                        "amount": payment.amount,
                    }
                )
        utility_total = 0.0
        misc = defaultdict(float)
        for line in orders.lines:
            if line.utility_account_id:
                utility_total += line.price_subtotal_incl
                continue
            product = line.product_id
            account = (
                product.property_account_income_id
                or product.categ_id.property_account_income_categ_id
            )
            misc[(account.display_name or "", product.display_name)] += (
                line.price_subtotal_incl
            )
        receipts = orders.filtered("utility_receipt_number").sorted(
            "utility_receipt_number"
        )
        voids = orders.filtered("utility_void_order_id")
        over_short = [
            {
                "session": session.name,
                "cashier": session.user_id.name,
                "expected": session.cash_register_balance_end,
                "counted": session.cash_register_balance_end_real,
                "difference": session.cash_register_difference,
                "state": session.state,
            }
            for session in sessions
            if session.cash_control
        ]
        return {
            "currency": currency,
            "by_tender": sorted(by_tender.items()),
            "by_cashier": [
                {"cashier": k[0], "tender": k[1], "amount": v}
                for k, v in sorted(by_cashier.items())
            ],
            "total": sum(payments.mapped("amount")),
            "utility_total": utility_total,
            "misc": [
                {"account": k[0], "product": k[1], "amount": v}
                for k, v in sorted(misc.items())
            ],
            "misc_total": sum(misc.values()),
            "receipt_count": len(receipts),
            "first_receipt": receipts[:1].utility_receipt_number or "",
            "last_receipt": receipts[-1:].utility_receipt_number or "",
            "voids": voids,
            "over_short": over_short,
            "deposit_cash": cash_total,
            "checks": checks,
            "deposit_checks": sum(c["amount"] for c in checks),
            "deposit_total": cash_total + sum(c["amount"] for c in checks),
        }
