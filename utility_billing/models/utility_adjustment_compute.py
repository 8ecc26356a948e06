# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""How an adjustment's lines are worked out: one strategy per kind of
adjustment (``_get_lines_<adjustment_type>``, called by ``action_compute``),
each returning the lines and the computation shown on the request."""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, float_round

from .utility_rate_schedule import MONTHS_PER_FREQUENCY


class UtilityAdjustment(models.Model):
    _inherit = "utility.adjustment"

    # ------------------------------------------------------------
    # Computations
    # ------------------------------------------------------------

    def _get_lines_other(self):
        """One line: the amount entered, with the reason."""
        self.ensure_one()
        if float_is_zero(self.amount, precision_rounding=self.currency_id.rounding):
            raise UserError(
                self.env._("Enter the amount of adjustment %(name)s.", name=self.name)
            )
        product = self.company_id._get_utility_adjustment_product()
        return [
            {
                "name": self.reason,
                "product_id": product.id,
                "account_id": product._utility_income_account(self.company_id).id,
                "quantity": 1.0,
                "price_unit": self.amount,
                "tax_ids": [Command.clear()],
            }
        ], False

    def _get_lines_penalty_reversal(self):
        """Credit the penalty lines of the bill, as they were billed."""
        self.ensure_one()
        product = self.company_id._utility_penalty_product()
        if not product:
            raise UserError(
                self.env._(
                    "Set the penalty product in Utility Billing > Configuration > "
                    "Settings before reversing penalties."
                )
            )
        penalties = self.bill_id.invoice_line_ids.filtered(
            lambda ln: ln.product_id == product and ln.display_type == "product"
        )
        if not penalties:
            raise UserError(
                self.env._(
                    "Bill %(bill)s has no %(product)s line to reverse.",
                    bill=self.bill_id.name,
                    product=product.display_name,
                )
            )
        lines = [
            self._prepare_line_from_bill_line(
                line,
                self.env._(
                    "Reversal of %(line)s (bill %(bill)s)",
                    line=line.name,
                    bill=self.bill_id.name,
                ),
                line.quantity,
            )
            for line in penalties
        ]
        return lines, False

    def _get_lines_leak(self):
        """Credit for a repaired leak, by the city's policy.

        For each metered service of the bill: usual use = the average daily use
        of the account's earlier valid reads (actual reads of the 12 months
        before the bill's reads, no estimates) times the days of the bill
        period; excess = the use billed on the bill minus the usual use.

        * basis ``tier1``: credit the excess at the price of the bill's first
          tier line (the tier-1 price);
        * basis ``percent``: credit the company's percentage of what the excess
          was charged, the excess being the top of the billed use: the bill's
          tier lines are taken from the highest price down.
        """
        self.ensure_one()
        company = self.company_id
        bill = self.bill_id
        lines, notes = [], []
        period_days = (bill.utility_period_end - bill.utility_period_start).days + 1
        for service_type, reads in bill.utility_read_ids.grouped(
            "service_type_id"
        ).items():
            tier_lines = self._bill_tier_lines(service_type)
            if not tier_lines:
                continue
            uom = service_type.uom_id.name or ""
            billed = float_round(sum(reads.mapped("consumption")), precision_digits=3)
            daily, history_note = self._usual_daily_use(service_type, reads)
            usual = float_round(daily * period_days, precision_digits=3)
            excess = float_round(billed - usual, precision_digits=3)
            notes.append(
                self.env._(
                    "%(service)s: billed use %(billed)s %(uom)s. Usual use "
                    "%(daily)s %(uom)s a day (%(history)s) x %(days)s days of the "
                    "bill period = %(usual)s %(uom)s. Excess: %(excess)s %(uom)s.",
                    service=service_type.name,
                    billed=billed,
                    uom=uom,
                    daily=float_round(daily, precision_digits=4),
                    history=history_note,
                    days=period_days,
                    usual=usual,
                    excess=excess,
                )
            )
            if excess <= 0:
                continue
            if company.utility_leak_credit_basis == "percent":
                percent = company.utility_leak_credit_percent
                remaining = excess
                for line in tier_lines.sorted(lambda ln: (-ln.price_unit, -ln.id)):
                    quantity = float_round(
                        min(remaining, line.quantity), precision_digits=3
                    )
                    if quantity <= 0:
                        break
                    lines.append(
                        self._prepare_line_from_bill_line(
                            line,
                            self.env._(
                                "Leak credit: %(percent)s%% of %(qty)s %(uom)s of "
                                "excess billed at %(price)s",
                                percent=percent,
                                qty=quantity,
                                uom=uom,
                                price=line.price_unit,
                            ),
                            quantity,
                            percent=percent,
                        )
                    )
                    remaining = float_round(remaining - quantity, precision_digits=3)
            else:
                tier1 = tier_lines[0]
                lines.append(
                    self._prepare_line_from_bill_line(
                        tier1,
                        self.env._(
                            "Leak credit: %(qty)s %(uom)s above usual use at the "
                            "tier-1 price %(price)s",
                            qty=excess,
                            uom=uom,
                            price=tier1.price_unit,
                        ),
                        excess,
                    )
                )
        if not notes:
            raise UserError(
                self.env._(
                    "Bill %(bill)s has no metered use billed by tiers.", bill=bill.name
                )
            )
        if not lines:
            # Not an error: the computation is kept on the request for the CSR
            # to read (and to tell the customer); submitting it is refused.
            notes.insert(
                0,
                self.env._(
                    "Bill %(bill)s shows no use above the usual use: no leak credit.",
                    bill=bill.name,
                ),
            )
        return lines, "\n".join(notes)

    def _get_lines_estimate_correction(self):
        """Re-rate periods billed on estimates once an actual read trues them up.

        The bill must carry the actual read of a meter whose previous read(s)
        were estimates billed on earlier bills. The actual read's consumption is
        measured from the last estimate, so the use of the estimated periods
        plus this one is exact only taken together: it is re-rated as one
        period covering all of them (from the first period's start to this
        bill's end, with the tier allowances of all their months, at the rate
        versions in effect, prorated by days across a rate change) with the
        service's rate (``_rate``). The volumetric (tiered) charges of that
        re-rating are compared, price by price, with the tiered lines billed for
        the service on the estimated bills and on this bill: billed more is
        credited, billed less is charged. Fixed charges and minimum bills do not
        depend on the consumption and stay as billed.
        """
        self.ensure_one()
        bill = self.bill_id
        account = self.account_id
        lines, notes = [], []
        for meter, reads in bill.utility_read_ids.grouped("meter_id").items():
            reads = reads.sorted(lambda r: (r.read_datetime, r.id))
            if reads[-1].read_type == "estimated":
                continue
            bills = bill
            estimated = self.env["utility.meter.read"]
            previous = reads[0].previous_read_id
            while (
                previous
                and previous.read_type == "estimated"
                and previous.billed_move_id
                and previous.billed_move_id.state == "posted"
            ):
                estimated |= previous
                bills |= previous.billed_move_id
                previous = previous.previous_read_id
            if not estimated:
                continue
            service = account.service_ids.filtered(lambda s, m=meter: s.meter_id == m)[
                :1
            ]
            schedule = service.rate_schedule_id
            if not schedule:
                continue
            all_reads = self.env["utility.meter.read"].search(
                [("meter_id", "=", meter.id), ("billed_move_id", "in", bills.ids)],
                order="read_datetime, id",
            )
            consumption = float_round(
                sum(all_reads.mapped("consumption")), precision_digits=3
            )
            date_from = min(bills.mapped("utility_period_start"))
            date_to = max(bills.mapped("utility_period_end"))
            months = sum(
                MONTHS_PER_FREQUENCY.get(
                    b.utility_billing_run_id.cycle_id.frequency
                    or account.billing_cycle_id.frequency,
                    1,
                )
                for b in bills
            )
            ctx = {
                "date_from": date_from,
                "date_to": date_to,
                "period_days": (date_to - date_from).days + 1,
                "days": sum(all_reads.mapped("days")) or (date_to - date_from).days + 1,
                "months": months,
                "consumption": consumption,
                "read_date": all_reads[-1].read_date,
                "meter_size": meter.size,
                "living_units": account.premise_id.living_units,
                "winter_average": None,
                "proration": 1.0,
            }
            rerated = [
                charge
                for charge in schedule._rate(ctx)
                if charge["component"].component_type == "tiered"
            ]
            products = self._tiered_products(schedule)
            billed_lines = bills.invoice_line_ids.filtered(
                lambda ln, s=service, p=products: (
                    ln.display_type == "product"
                    and ln.utility_service_type_id == s.service_type_id
                    and ln.product_id in p
                )
            )
            uom = meter.service_type_id.uom_id.name or ""
            notes.append(
                self.env._(
                    "Meter %(serial)s: %(count)s estimated read(s) trued up by the "
                    "read of %(date)s. Use of %(start)s to %(end)s (%(months)s "
                    "months, bills %(bills)s): %(consumption)s %(uom)s, re-rated "
                    "as one period.",
                    serial=meter.serial,
                    count=len(estimated),
                    date=reads[-1].read_date,
                    start=date_from,
                    end=date_to,
                    months=months,
                    bills=", ".join(bills.sorted("invoice_date").mapped("name")),
                    consumption=consumption,
                    uom=uom,
                )
            )
            lines += self._net_rerated_lines(billed_lines, rerated, service, uom)
        if not notes:
            raise UserError(
                self.env._(
                    "Bill %(bill)s carries no actual read following billed estimates: "
                    "choose the bill of the read that replaced the estimates.",
                    bill=bill.name,
                )
            )
        if not lines:
            raise UserError(
                self.env._(
                    "Re-rating the estimated periods gives what was billed: nothing "
                    "to adjust.\n%(computation)s",
                    computation="\n".join(notes),
                )
            )
        return lines, "\n".join(notes)

    # ------------------------------------------------------------
    # Computation helpers
    # ------------------------------------------------------------

    def _tiered_products(self, schedule):
        """Products of the tiered components of every version of ``schedule``."""
        versions = schedule.with_context(active_test=False).search(
            [("code", "=", schedule.code), ("company_id", "=", schedule.company_id.id)]
        )
        return versions.component_ids.filtered(
            lambda c: c.component_type == "tiered"
        ).product_id

    def _bill_tier_lines(self, service_type):
        """The bill's tiered charge lines of ``service_type``, tier 1 first."""
        service = self.account_id.service_ids.filtered(
            lambda s: s.service_type_id == service_type
        )[:1]
        if not service.rate_schedule_id:
            return self.env["account.move.line"]
        products = self._tiered_products(service.rate_schedule_id)
        return self.bill_id.invoice_line_ids.filtered(
            lambda ln: (
                ln.display_type == "product"
                and ln.utility_service_type_id == service_type
                and ln.product_id in products
                and ln.quantity > 0
            )
        ).sorted(lambda ln: (ln.sequence, ln.id))

    def _usual_daily_use(self, service_type, bill_reads):
        """(average daily use, description) of the account's reads before
        ``bill_reads``: actual reads of the previous 12 months, no estimates."""
        first = min(bill_reads.mapped("read_datetime"))
        since = self.bill_id.utility_period_start - relativedelta(months=12)
        history = self.env["utility.meter.read"].search(
            [
                ("account_id", "=", self.account_id.id),
                ("service_type_id", "=", service_type.id),
                ("state", "in", ("valid", "billed")),
                ("read_type", "not in", ("initial", "estimated")),
                ("read_datetime", "<", first),
                ("read_date", ">=", since),
                ("id", "not in", bill_reads.ids),
                ("days", ">", 0),
                ("consumption", ">=", 0),
            ]
        )
        days = sum(history.mapped("days"))
        if not days:
            raise UserError(
                self.env._(
                    "Account %(account)s has no earlier reads to measure its usual "
                    "use from.",
                    account=self.account_id.name,
                )
            )
        total = float_round(sum(history.mapped("consumption")), precision_digits=3)
        description = self.env._(
            "%(total)s over %(days)s days of %(count)s reads",
            total=total,
            days=days,
            count=len(history),
        )
        return total / days, description

    def _net_rerated_lines(self, billed_lines, rerated, service, uom):
        """Lines crediting (billed more) or charging (billed less), price by price."""
        by_price = defaultdict(lambda: {"billed": 0.0, "rerated": 0.0, "line": None})
        for line in billed_lines:
            key = (line.product_id.id, round(line.price_unit, 6))
            by_price[key]["billed"] += line.quantity
            by_price[key]["line"] = by_price[key]["line"] or line
        for charge in rerated:
            key = (charge["product"].id, round(charge["price_unit"], 6))
            by_price[key]["rerated"] += charge["quantity"]
            by_price[key].setdefault("charge", charge)
        lines = []
        for (product_id, price), values in sorted(
            by_price.items(), key=lambda item: item[0][1]
        ):
            quantity = float_round(
                values["billed"] - values["rerated"], precision_digits=3
            )
            if float_is_zero(quantity, precision_digits=3):
                continue
            name = self.env._(
                "%(product)s at %(price)s: billed %(billed)s %(uom)s, re-rated "
                "%(rerated)s %(uom)s",
                product=self.env["product.product"].browse(product_id).display_name,
                price=price,
                billed=float_round(values["billed"], precision_digits=3),
                rerated=float_round(values["rerated"], precision_digits=3),
                uom=uom,
            )
            if values["line"]:
                vals = self._prepare_line_from_bill_line(values["line"], name, quantity)
                vals["price_unit"] = price
            else:
                product = values["charge"]["product"]
                taxes = product.taxes_id.filtered(
                    lambda t: t.company_id == self.company_id
                )
                if self.account_id.uut_exempt:
                    taxes = self.env["account.tax"]
                vals = {
                    "name": name,
                    "product_id": product.id,
                    "account_id": product._utility_income_account(self.company_id).id,
                    "quantity": quantity,
                    "price_unit": price,
                    "tax_ids": [Command.set(taxes.ids)],
                    "service_type_id": service.service_type_id.id,
                }
            lines.append(vals)
        return lines

    def _prepare_line_from_bill_line(self, bill_line, name, quantity, percent=100.0):
        """A computation line crediting ``quantity`` of ``bill_line`` as billed."""
        return {
            "name": name,
            "bill_line_id": bill_line.id,
            "product_id": bill_line.product_id.id,
            "account_id": bill_line.account_id.id,
            "quantity": quantity,
            "price_unit": bill_line.price_unit,
            "percent": percent,
            "tax_ids": [Command.set(bill_line.tax_ids.ids)],
            "service_type_id": bill_line.utility_service_type_id.id,
        }
