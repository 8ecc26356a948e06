# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The accounts of a billing run, and the rating pipeline that bills them.

One model in one file (about 650 lines): its few fields, and the pipeline's
hooks, which read best in the order they run. See "Extending the rating
pipeline" in ``readme/DEVELOP.md``.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

from ..tools.rating import AccountRating, RatingBatch
from ..tools.workflow import check_protected, is_trusted
from .utility_billing_run import LINE_WORKFLOW_FIELDS, RUN_DOOR
from .utility_rate_schedule import MONTHS_PER_FREQUENCY, parse_months


class UtilityBillingRunLine(models.Model):
    """One account in a billing run: its draft bill, or why it is held."""

    _name = "utility.billing.run.line"
    _description = "Utility Billing Run Account"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "utility.billing.run", required=True, index=True, ondelete="cascade"
    )
    account_id = fields.Many2one("utility.account", required=True, index=True)
    partner_id = fields.Many2one(related="account_id.partner_id")
    premise_id = fields.Many2one(related="account_id.premise_id")
    state = fields.Selection(
        [
            ("pending", "To Compute"),
            ("held", "Held"),
            ("computed", "Draft Bill"),
            ("posted", "Posted"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    hold_reason = fields.Char()
    move_id = fields.Many2one("account.move", string="Bill", index="btree_not_null")
    amount_total = fields.Monetary(string="Total")
    currency_id = fields.Many2one(related="run_id.currency_id")
    is_final = fields.Boolean(string="Final Bill")
    sent = fields.Boolean(string="E-mailed")
    message = fields.Char()
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "run_account_uniq",
            "unique(run_id, account_id)",
            "An account appears once per billing run.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, RUN_DOOR):
            raise UserError(
                self.env._(
                    "The accounts of a billing run are added by its Compute button."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(
            self,
            vals,
            LINE_WORKFLOW_FIELDS,
            RUN_DOOR,
            self.env._(
                "Billing run accounts: their status, bill and hold reason are set by "
                "the run's Compute and Post buttons, not by editing."
            ),
        )
        return super().write(vals)

    def action_open_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Compute: the rating pipeline
    # ------------------------------------------------------------
    # _compute_bills() runs these hooks for a batch of lines, in this order:
    #   _read_period()           what the batch's lines share, read at once
    #   _get_hold_reason(batch)  why an account is not rated (already billed)
    #   _rate_account(batch)     an AccountRating: charges, or a hold reason
    #     _rate_service(service, rating, batch)   one service's charges
    #       _get_service_hold_reason(...)         no rate, no meter, reads
    #       _prepare_rate_inputs(...)             what the rate prices
    #   _prepare_invoice_vals(rating)  the draft bill (with
    #     _prepare_invoice_line_vals(charge) a line per charge)
    # Each reads what _read_period() prefetched: an override that reads more
    # should prefetch it there for the batch, not line by line.

    def _compute_bills(self):
        """Rate these lines' accounts and create their draft invoices."""
        run = self.run_id
        run.ensure_one()
        batch = self._read_period()
        vals_list, rated, updates = [], [], []
        for line in self:
            account_id = line.account_id.id
            if account_id in batch.existing:
                # Compute done again after a crash: the bill is there.
                move = batch.existing[account_id]
                updates.append(
                    (
                        line,
                        {
                            "state": "computed" if move.state == "draft" else "posted",
                            "move_id": move.id,
                            "amount_total": move.amount_total,
                        },
                    )
                )
                continue
            reason = line._get_hold_reason(batch)
            rating = AccountRating(hold_reason=reason) if reason else None
            rating = rating or line._rate_account(batch)
            if rating.hold_reason:
                updates.append(
                    (line, {"state": "held", "hold_reason": rating.hold_reason})
                )
                continue
            vals_list.append(line._prepare_invoice_vals(rating))
            rated.append((line, rating))
        moves = self._create_bills(vals_list)
        for (line, rating), move in zip(rated, moves, strict=True):
            updates.append(
                (
                    line,
                    {
                        "state": "computed",
                        "move_id": move.id,
                        "amount_total": move.amount_total,
                        "is_final": rating.is_final,
                    },
                )
            )
        self._link_reads(
            [
                (read_id, move.id)
                for (_line, rating), move in zip(rated, moves, strict=True)
                for read_id in rating.read_ids
            ]
        )
        grouped = defaultdict(lambda: self.browse())
        for line, vals in updates:
            if set(vals) == {"state", "hold_reason"}:
                grouped[(vals["state"], vals["hold_reason"])] |= line
            else:
                line.write(vals)
        for (state, reason), lines in grouped.items():
            lines.write({"state": state, "hold_reason": reason})

    def _read_period(self):
        """Hook: what the lines of a batch share, read once for the batch
        (a few queries a batch, not a few a bill): the accounts, services,
        meters and premises the rates use, the bills of the period already
        there, the period's reads and the winter averages.

        :rtype: RatingBatch
        """
        run = self.run_id
        accounts = self.account_id
        accounts.fetch(
            [
                "partner_id",
                "premise_id",
                "state",
                "end_date",
                "start_date",
                "lang",
                "uut_exempt",
            ]
        )
        services = accounts.service_ids
        services.fetch(
            [
                "service_type_id",
                "meter_id",
                "rate_schedule_id",
                "start_date",
                "end_date",
            ]
        )
        meters = services.meter_id
        meters.fetch(["size"])
        accounts.premise_id.fetch(["living_units", "customer_class"])
        existing, overlapping = self._existing_bills(accounts)
        reads_by_meter, review_meters = self._fetch_period_reads(meters, run)
        winter = self._fetch_winter_averages(services, run)
        return RatingBatch(
            existing=existing,
            overlapping=overlapping,
            reads_by_meter=reads_by_meter,
            review_meters=review_meters,
            winter=winter,
            installed_langs=frozenset(
                code for code, _name in self.env["res.lang"].get_installed()
            ),
        )

    def _get_hold_reason(self, batch):
        """Hook: why this line's account is held before it is rated, or an
        empty string: another bill of the account covers the period (or part
        of it). An override returns its own (translated) reason first, or
        ``super()``'s."""
        self.ensure_one()
        move = batch.overlapping.get(self.account_id.id)
        if not move:
            return ""
        if move.utility_period_start == self.run_id.period_start:
            return self.env._(
                "Already billed for this period on %(bill)s (%(run)s)",
                bill=move.name,
                run=move.utility_billing_run_id.name or "-",
            )
        return self.env._(
            "Period overlaps bill %(bill)s (%(start)s to %(end)s, "
            "%(run)s): the fixed charges of those days are billed",
            bill=move.name,
            start=move.utility_period_start,
            end=move.utility_period_end or move.utility_period_start,
            run=move.utility_billing_run_id.name or "-",
        )

    def _create_bills(self, vals_list):
        """The draft bills of ``vals_list``, numbered (one number query for
        the batch) and created at once, without chatter tracking."""
        Move = self.env["account.move"]
        names = self.run_id._allocate_bill_names(len(vals_list))
        for vals, name in zip(vals_list, names, strict=True):
            vals["name"] = name
        if not vals_list:
            return Move
        return Move.with_context(
            tracking_disable=True, mail_create_nolog=True, skip_invoice_sync=False
        ).create(vals_list)

    def _link_reads(self, read_links):
        """Link the reads to their draft bill: ``[(read_id, move_id)]``."""
        if not read_links:
            return
        self.env["utility.meter.read"].flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE utility_meter_read r SET billed_move_id = v.move_id
                     FROM unnest(%s::int[], %s::int[]) AS v(read_id, move_id)
                    WHERE r.id = v.read_id""",
                [r for r, _m in read_links],
                [m for _r, m in read_links],
            )
        )
        self.env["utility.meter.read"].invalidate_model(["billed_move_id"])

    def _existing_bills(self, accounts):
        """Bills of ``accounts`` whose period overlaps the run's.

        Returns ({account_id: this run's own bill of the period}, {account_id:
        another bill overlapping the period}). A run interrupted after it created
        a bill finds it again; an account billed for any day of the period, by
        another run or by hand (a run starting in the middle of a billed month),
        is held rather than billed twice.

        Race-safe: the accounts are locked first (in id order), then written,
        so that a concurrent transaction billing one of them waits for this
        one and, under PostgreSQL's repeatable read, fails on a serialization
        failure (retried) rather than deciding on a snapshot without this
        one's bills. The unique index on (account, period start) backs it.
        """
        run = self.run_id
        if accounts:
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM utility_account WHERE id = ANY(%s)
                     ORDER BY id FOR NO KEY UPDATE""",
                    accounts.ids,
                )
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE utility_account SET write_date = write_date "
                    "WHERE id = ANY(%s)",
                    accounts.ids,
                )
            )
        moves = self.env["account.move"].search(
            [
                ("utility_account_id", "in", accounts.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "!=", "cancel"),
                ("utility_superseded", "=", False),
                ("utility_period_start", "!=", False),
                ("utility_period_start", "<=", run.period_end),
                "|",
                ("utility_period_end", ">=", run.period_start),
                "&",
                ("utility_period_end", "=", False),
                ("utility_period_start", ">=", run.period_start),
            ],
            order="utility_period_start, id",
        )
        own, others = {}, {}
        for move in moves:
            account_id = move.utility_account_id.id
            if (
                move.utility_billing_run_id == run
                and move.utility_period_start == run.period_start
            ):
                own[account_id] = move
            else:
                others.setdefault(account_id, move)
        return own, others

    def _fetch_period_reads(self, meters, run):
        """Valid unbilled reads of the period by meter; meters with reads to review."""
        Read = self.env["utility.meter.read"]
        reads = Read.search(
            [
                ("meter_id", "in", meters.ids),
                ("read_date", ">=", run.period_start),
                ("read_date", "<=", run.period_end),
                ("state", "in", ("valid", "to_review")),
                ("billed_move_id", "=", False),
            ],
            order="read_datetime",
        )
        by_meter = defaultdict(list)
        review = set()
        for read in reads:
            if read.state == "to_review":
                review.add((read.meter_id.id, read.account_id.id))
            else:
                by_meter[read.meter_id.id].append(read)
        # A meter changed out in the period: the old meter's reads (its final read)
        # are billed with the service's new meter, so that nothing is lost.
        current = {
            (service.account_id.id, service.service_type_id.id): service.meter_id.id
            for service in self.account_id.service_ids
            if service.meter_id
        }
        replaced = Read.search(
            [
                ("account_id", "in", self.account_id.ids),
                ("meter_id", "not in", meters.ids),
                ("read_date", ">=", run.period_start),
                ("read_date", "<=", run.period_end),
                ("state", "in", ("valid", "to_review")),
                ("billed_move_id", "=", False),
            ],
            order="read_datetime",
        )
        for read in replaced:
            meter_id = current.get((read.account_id.id, read.service_type_id.id))
            if not meter_id:
                continue
            if read.state == "to_review":
                review.add((meter_id, read.account_id.id))
            else:
                by_meter[meter_id].append(read)
        if replaced:
            for meter_reads in by_meter.values():
                meter_reads.sort(key=lambda r: (r.read_datetime, r.id))
        return by_meter, review

    def _fetch_winter_averages(self, services, run):
        """{account_id: monthly winter average water use} for winter-average rates.

        Move-in and meter installation reads (``initial``) measure no use of the
        customer: a month with only such a read is no month of winter use.
        """
        components = services.rate_schedule_id.component_ids.filtered(
            lambda c: c.component_type == "winter_average"
        )
        if not components:
            return {}
        accounts = services.filtered(
            lambda s: s.rate_schedule_id.component_ids & components
        ).account_id
        months = set()
        for component in components:
            months |= parse_months(component.winter_months)
        since = run.period_start - relativedelta(months=12)
        self.env["utility.meter.read"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT account_id, date_trunc('month', read_date)::date,
                          sum(consumption)
                     FROM utility_meter_read
                    WHERE account_id = ANY(%s) AND state IN ('valid', 'billed')
                      AND read_type != 'initial'
                      AND read_date >= %s AND read_date < %s
                      AND EXTRACT(MONTH FROM read_date)::int = ANY(%s)
                 GROUP BY 1, 2""",
                accounts.ids,
                since,
                run.period_start,
                sorted(months),
            )
        )
        totals = defaultdict(list)
        for account_id, _month, total in self.env.cr.fetchall():
            totals[account_id].append(total)
        return {account_id: sum(v) / len(v) for account_id, v in totals.items()}

    def _rate_account(self, batch):
        """Hook: rate this line's account for the run's period.

        The period is the run's, from the account's start, to its end on a
        final bill (prorated). Each service in effect is rated by
        ``_rate_service``; the first service held holds the account.

        :param RatingBatch batch: what ``_read_period`` read for the batch
        :rtype: AccountRating
        """
        self.ensure_one()
        run = self.run_id
        account = self.account_id
        period_days = run._period_days()
        date_to = run.period_end
        is_final = bool(
            account.state == "final"
            and account.end_date
            and account.end_date <= run.period_end
        )
        if is_final:
            date_to = account.end_date
        date_from = max(run.period_start, account.start_date or run.period_start)
        proration = ((date_to - date_from).days + 1) / period_days
        rating = AccountRating(
            date_from=date_from,
            date_to=date_to,
            is_final=is_final,
            proration=proration if (is_final or proration < 1) else 1.0,
        )
        for service in account.service_ids:
            if service.end_date and service.end_date < date_from:
                continue
            rated = self._rate_service(service, rating, batch)
            if rated.hold_reason:
                return rated
            rating.charges += rated.charges
            rating.read_ids += rated.read_ids
        if not rating.charges:
            return AccountRating(hold_reason=self.env._("Nothing to bill"))
        return rating

    def _rate_service(self, service, rating, batch):
        """Hook: the charges of one service of the account for the period of
        ``rating`` (the account's), and the reads they bill.

        :return: an ``AccountRating`` holding only ``charges`` (each with its
            ``service``) and ``read_ids``, or a ``hold_reason``
        """
        reads = self._service_reads(service, batch)
        reason = self._get_service_hold_reason(service, reads, batch)
        if reason:
            return AccountRating(hold_reason=reason)
        if service.service_type_id.billing_channel == "tax_roll":
            return AccountRating()
        inputs = self._prepare_rate_inputs(service, reads, rating, batch)
        # The bill's lines are labelled in the account's language (the bill
        # prints in it).
        # (when that language is installed: Odoo refuses an inactive one).
        lang = self.account_id.lang
        if lang not in batch.installed_langs:
            lang = self.env.lang
        schedule = service.rate_schedule_id.with_context(lang=lang)
        try:
            charges = schedule._rate(inputs)
        except UserError as exc:
            # A rate that cannot price this account (a meter size missing
            # from its table, no version in effect) holds the account, not
            # the run.
            return AccountRating(
                hold_reason=self.env._(
                    "Account %(account)s, meter %(meter)s: %(error)s",
                    account=self.account_id.name,
                    meter=(service.meter_id or self.account_id.meter_ids[:1]).serial
                    or "-",
                    error=exc.args[0],
                )
            )
        for charge in charges:
            charge["service"] = service
        return AccountRating(charges=charges, read_ids=[r.id for r in reads])

    def _service_reads(self, service, batch):
        """The period's valid reads of a metered service's meter taken for this
        account (after a move-out and a move-in in the period, the meter's
        other reads are the other account's), oldest first."""
        meter = service.meter_id
        if not (meter and service.service_type_id.metered):
            return []
        account = self.account_id
        return [
            r for r in batch.reads_by_meter.get(meter.id, []) if r.account_id == account
        ]

    def _get_service_hold_reason(self, service, reads, batch):
        """Hook: why ``service`` holds the account's bill, or an empty string:
        no rate; for a metered service (tax-roll services are not billed), no
        meter, a read to review or no valid read in the period."""
        service_type = service.service_type_id
        if not service.rate_schedule_id:
            return self.env._("%(service)s has no rate", service=service_type.name)
        if service_type.billing_channel == "tax_roll" or not service_type.metered:
            return ""
        meter = service.meter_id
        if not meter:
            return self.env._("%(service)s has no meter", service=service_type.name)
        if (meter.id, self.account_id.id) in batch.review_meters:
            return self.env._(
                "Meter %(serial)s has a read to review", serial=meter.serial
            )
        if not reads:
            return self.env._(
                "No valid read of meter %(serial)s in the period",
                serial=meter.serial,
            )
        return ""

    def _prepare_rate_inputs(self, service, reads, rating, batch):
        """Hook: what the service's rate prices (the ``ctx`` of
        ``utility.rate.schedule._rate``, which documents each key)."""
        run = self.run_id
        account = self.account_id
        consumption, read_date = 0.0, rating.date_to
        days = (rating.date_to - rating.date_from).days + 1
        if reads:
            consumption = sum(r.consumption for r in reads)
            read_date = reads[-1].read_date
            days = sum(r.days for r in reads) or days
        return {
            "date_from": rating.date_from,
            "date_to": rating.date_to,
            "period_days": run._period_days(),
            "days": days,
            "months": MONTHS_PER_FREQUENCY.get(run.cycle_id.frequency, 1),
            "consumption": consumption,
            "read_date": read_date,
            "meter_size": (service.meter_id or account.meter_ids[:1]).size,
            "living_units": account.premise_id.living_units,
            "winter_average": batch.winter.get(account.id),
            "versions_cache": batch.versions_cache,
            "proration": rating.proration,
        }

    def _prepare_invoice_vals(self, rating):
        """Hook: values of the account's draft bill, one line per charge
        (per tier for tiers).

        :param AccountRating rating: what ``_rate_account`` returned
        """
        self.ensure_one()
        run = self.run_id
        account = self.account_id
        lines = []
        for charge in rating.charges:
            lines.append(Command.create(self._prepare_invoice_line_vals(charge)))
        return {
            "move_type": "out_invoice",
            "partner_id": account.partner_id.id,
            "journal_id": run.journal_id.id,
            "invoice_date": run.bill_date,
            "date": run.bill_date,
            "invoice_date_due": run.due_date,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "currency_id": run.currency_id.id,
            "company_id": run.company_id.id,
            "invoice_origin": run.name,
            "payment_reference": account.name,
            "ref": account.name,
            "utility_account_id": account.id,
            "utility_billing_run_id": run.id,
            "utility_period_start": run.period_start,
            "utility_period_end": rating.date_to,
            "utility_is_final": rating.is_final,
            "invoice_line_ids": lines,
        }

    def _prepare_invoice_line_vals(self, charge):
        product = charge["product"]
        account = self.account_id
        taxes = product.taxes_id.filtered(
            lambda t: t.company_id == self.run_id.company_id
        )
        if account.uut_exempt:
            taxes = self.env["account.tax"]
        income = product._utility_income_account(self.run_id.company_id)
        name = charge["name"]
        quantity = charge["quantity"]
        price_unit = charge["price_unit"]
        precision = self.env["decimal.precision"].precision_get
        if float_round(quantity, precision("Product Unit of Measure")) != quantity:
            # A prorated share (or a fraction of a unit) the invoice line would
            # round away: bill its amount as one charge, showing the share.
            share = f"{quantity:g}"
            price_text = f"{price_unit:.{precision('Product Price')}f}"
            name = self.env._(
                "%(name)s (%(quantity)s x %(price)s)",
                name=name,
                quantity=share,
                price=price_text,
            )
            price_unit = self.run_id.currency_id.round(quantity * price_unit)
            quantity = 1.0
        return {
            "product_id": product.id,
            "name": name,
            "quantity": quantity,
            "price_unit": price_unit,
            "account_id": income.id,
            "tax_ids": [Command.set(taxes.ids)],
            "product_uom_id": product.uom_id.id,
            "utility_service_type_id": charge["service"].service_type_id.id,
        }

    # ------------------------------------------------------------
    # Post
    # ------------------------------------------------------------

    def _post_bills(self):
        moves = self.move_id.filtered(lambda m: m.state == "draft")
        if moves:
            # Without chatter tracking, as the drafts were created: the run's
            # chatter records the posting. Tracking would cost each bill a
            # write with fields_get and a message.
            ctx = {"tracking_disable": True}
            if all(moves.mapped("invoice_date")):
                # Nor synchronising the tax and payment term lines again, as
                # Odoo's point of sale posts its invoices: they were when the
                # draft was created or edited, and posting a bill dated changes
                # nothing they derive from. Synchronising costs each bill the
                # reading of all its lines again (half the time of posting).
                ctx["skip_invoice_sync"] = True
            # The taxes of the lines, which posting reads bill by bill: read for
            # the batch at once (one query rather than one a bill).
            moves.line_ids.fetch(["tax_ids"])
            moves.with_context(**ctx)._post(soft=False)
        posted = self.filtered(lambda ln: ln.move_id.state == "posted")
        posted.write({"state": "posted"})
        # Reads of posted bills are billed.
        self.env["utility.meter.read"].flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE utility_meter_read SET state = 'billed'
                    WHERE billed_move_id = ANY(%s) AND state = 'valid'""",
                posted.move_id.ids,
            )
        )
        self.env["utility.meter.read"].invalidate_model(["state"])
        for line in posted.filtered("is_final"):
            line.account_id._apply_deposit_to_final_bill(line.move_id)
