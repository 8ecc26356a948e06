# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Go-live conversion: the load. One step, all or nothing: customers,
premises, meters, accounts and services under external ids built from
their legacy keys (a re-load finds them), opening balances by aging bucket
and deposits held against the conversion clearing account."""

# pylint: disable=consider-merging-classes-inherited
import hashlib
import re
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import numbering
from ..tools.workflow import workflow
from .account_move import BOOKS_DOOR
from .res_partner_rank import DEFER_RANKS
from .utility_account import ACCOUNT_DOOR
from .utility_conversion import (
    CONVERSION_DOOR,
    XMLID_MODULE,
)
from .utility_conversion_spec import (
    BALANCE_BUCKETS,
)
from .utility_meter import METER_DOOR

# Opening entries created and posted per create([...]) call.
MOVE_BATCH = 500
# Customers, premises, meters and accounts created per create([...]) call.
RECORD_BATCH = 2000
# The context of the load's creates: no chatter message, follower or tracking
# per record.
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


class UtilityConversion(models.Model):
    _inherit = "utility.conversion"

    # ------------------------------------------------------------
    # Load
    # ------------------------------------------------------------

    def _xmlid_name(self, kind, key):
        """External id name of a converted record: readable, and unique by a
        hash of the legacy key (two keys may read the same once cleaned)."""
        clean = re.sub(r"[^A-Za-z0-9]+", "_", str(key))[:60]
        digest = hashlib.sha1(str(key).encode()).hexdigest()[:10]
        return f"c{self.company_id.id}_{kind}_{clean}_{digest}"

    def _converted(self, kind, key):
        """The record a conversion loaded for legacy ``key`` of ``kind``."""
        return self._converted_map(kind, [key]).get(key, False)

    def _converted_map(self, kind, keys):
        """{legacy key: record} of the ``keys`` of ``kind`` a conversion
        loaded (one query for the lot; records deleted since are left out)."""
        names = {self._xmlid_name(kind, key): key for key in keys}
        if not names or kind not in self._conversion_models():
            return {}
        datas = (
            self.env["ir.model.data"]
            .sudo()
            .search_fetch(
                [("module", "=", XMLID_MODULE), ("name", "in", list(names))],
                ["name", "model", "res_id"],
            )
        )
        ids = defaultdict(set)
        for data in datas:
            ids[data.model].add(data.res_id)
        alive = {
            model: set(self.env[model].sudo().browse(list(res_ids)).exists().ids)
            for model, res_ids in ids.items()
        }
        return {
            names[data.name]: self.env[data.model].sudo().browse(data.res_id)
            for data in datas
            if data.res_id in alive[data.model]
        }

    def _remember(self, kind, records_by_key):
        self.env["ir.model.data"].sudo().create(
            [
                {
                    "module": XMLID_MODULE,
                    "name": self._xmlid_name(kind, key),
                    "model": record._name,
                    "res_id": record.id,
                    "noupdate": True,
                }
                for key, record in records_by_key.items()
            ]
        )

    def _load_kind(self, kind, lines, prepare):
        """{legacy key: record id} of the staged ``lines`` of ``kind``: found
        again, or created from ``prepare(row)``, by batches (one create each,
        the cache emptied between them, ids kept rather than records: memory
        stays flat)."""
        found, count = {}, 0
        # Without a chatter message, a follower and tracking per record (the
        # conversion's chatter records the load; its records are linked to
        # it): no manager follows tens of thousands of records.
        Model = self.env[self._conversion_models()[kind]].sudo().with_context(**QUIET)
        for start in range(0, len(lines), RECORD_BATCH):
            chunk = lines[start : start + RECORD_BATCH]
            converted = self._converted_map(kind, chunk.mapped("key"))
            to_create = {}
            for line in chunk:
                record = converted.get(line.key)
                if record:
                    found[line.key] = record.id
                else:
                    to_create[line.key] = prepare(line.data)
            if to_create:
                records = Model.create(list(to_create.values()))
                created = dict(zip(to_create, records, strict=True))
                self._remember(kind, created)
                found.update(zip(to_create, records.ids, strict=True))
                count += len(created)
            self.env.flush_all()
            self.env.invalidate_all()
        return found, count

    def _load(self):
        """Create what the staged rows describe (superuser, doors open): the
        caller checked the role and the files. Return how many records were
        created."""
        self.ensure_one()
        company = self.company_id
        # Staged rows by kind, in file order: ids only (a kind's rows are read
        # when that kind loads; a union per row would be quadratic).
        lines = defaultdict(lambda: self.env["utility.conversion.line"])
        self.env["utility.conversion.line"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT kind, array_agg(id ORDER BY line_no) "
                "FROM utility_conversion_line WHERE conversion_id = %s GROUP BY kind",
                self.id,
            )
        )
        for kind, ids in self.env.cr.fetchall():
            lines[kind] = self.env["utility.conversion.line"].browse(ids)
        created = 0
        env = self.env
        routes = {
            r.code: r.id
            for r in env["utility.route"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        }
        service_types = {
            st.code: st
            for st in env["utility.service.type"].search(
                [("company_id", "in", [company.id, False])]
            )
        }
        with workflow(METER_DOOR, ACCOUNT_DOOR, BOOKS_DOOR):
            partners, count = self._load_kind(
                "customers",
                lines["customers"],
                lambda row: {
                    "name": row["name"],
                    "street": row["street"],
                    "city": row["city"],
                    "zip": row["zip"],
                    "email": row["email"],
                    "phone": row["phone"],
                },
            )
            created += count
            premises, count = self._load_kind(
                "premises",
                lines["premises"],
                lambda row: {
                    "street": row["street"],
                    "city": row["city"],
                    "zip": row["zip"],
                    "apn": row["apn"],
                    "route_id": routes[row["route_code"]],
                    "sequence": row["walk_sequence"] or 10,
                    "customer_class": row["customer_class"],
                    "living_units": row["living_units"] or 1,
                    "company_id": company.id,
                },
            )
            created += count
            meters, count = self._load_kind(
                "meters",
                lines["meters"],
                lambda row: {
                    "serial": row["serial"],
                    "service_type_id": service_types[row["service_type"]].id,
                    "size": row["size"],
                    "dials": row["dials"],
                    "multiplier": row["multiplier"] or 1.0,
                    "make": row["make"],
                    "model": row["model"],
                    "state": "installed",
                    "premise_id": premises[row["premise_ref"]],
                    "install_date": row["install_date"],
                    "company_id": company.id,
                },
            )
            created += count
            services = defaultdict(list)
            for row in self._staged_rows("services"):
                services[row["account_number"]].append(row)
            rates = {}
            accounts, count = self._load_kind(
                "accounts",
                lines["accounts"],
                lambda row: {
                    "name": row["account_number"],
                    "partner_id": partners[row["customer_ref"]],
                    "premise_id": premises[row["premise_ref"]],
                    "start_date": row["start_date"],
                    "company_id": company.id,
                    "service_ids": [
                        Command.create(
                            {
                                "service_type_id": service_types[s["service_type"]].id,
                                "rate_schedule_id": self._rate(rates, s).id,
                                "meter_id": meters[s["meter_serial"]]
                                if s["meter_serial"]
                                else False,
                                "start_date": s["start_date"] or row["start_date"],
                                "end_date": row["end_date"],
                            }
                        )
                        for s in services[row["account_number"]]
                    ],
                },
            )
            created += count
            # The new accounts take their status, by groups of one status and
            # end date (one write each); their services are checked together.
            services.clear()
            env["utility.account"].flush_model(["state"])
            env.cr.execute(
                SQL(
                    "SELECT id FROM utility_account WHERE id = ANY(%s) "
                    "AND state = 'draft'",
                    list(accounts.values()),
                )
            )
            drafts = {account_id for (account_id,) in env.cr.fetchall()}
            new_ids = defaultdict(list)
            for row in self._staged_rows("accounts"):
                account_id = accounts[row["account_number"]]
                if account_id in drafts:
                    new_ids[row["status"], row["end_date"]].append(account_id)
            new_accounts = env["utility.account"].sudo().with_context(**QUIET)
            for (status, end_date), ids in new_ids.items():
                group = new_accounts.browse(ids)
                group.write({"state": status, "end_date": end_date})
                new_accounts |= group
            new_accounts.service_ids._check_no_overlap()
            balances, count = self._load_balances(lines["balances"], accounts)
            created += count
            deposits, count = self._load_deposits(lines["deposits"], accounts)
            created += count
        with workflow(CONVERSION_DOOR):
            self._write_loaded(partners, premises, meters, accounts, balances, deposits)
        return created

    def _write_loaded(self, partners, premises, meters, accounts, balances, deposits):
        """Link what the load created or found (dicts {legacy key: id})."""
        self.write(
            {
                "partner_ids": [Command.set(list(partners.values()))],
                "premise_ids": [Command.set(list(premises.values()))],
                "meter_ids": [Command.set(list(meters.values()))],
                "account_ids": [Command.set(list(accounts.values()))],
                "move_ids": [Command.set([*balances.values(), *deposits.values()])],
            }
        )

    def _staged_rows(self, kind):
        """The staged rows (values) of ``kind`` in file order, read straight
        from the database (not kept in the cache)."""
        self.env["utility.conversion.line"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT data FROM utility_conversion_line "
                "WHERE conversion_id = %s AND kind = %s ORDER BY line_no",
                self.id,
                kind,
            )
        )
        return [data for (data,) in self.env.cr.fetchall()]

    def _accounts_of(self, account_ids):
        """{id: account} of ``account_ids``, read together (one prefetch)."""
        accounts = self.env["utility.account"].sudo().browse(account_ids)
        return {account.id: account for account in accounts}

    def _rate(self, cache, service_row):
        key = (service_row["rate_code"], service_row["service_type"])
        if key not in cache:
            cache[key] = self.env["utility.rate.schedule"].search(
                [
                    ("code", "=", key[0]),
                    ("service_type_id.code", "=", key[1]),
                    ("company_id", "=", self.company_id.id),
                ],
                order="effective_from desc",
                limit=1,
            )
        return cache[key]

    def _load_balances(self, lines, accounts):
        """Per account, one posted opening invoice against the conversion
        clearing account, with one receivable item per aging bucket due so
        many days before the cut-over that the aging puts it in its bucket;
        a credit in the current column is a credit note beside it. Keyed
        ``<account>`` (the invoice) and ``<account>/credit`` (the credit
        note)."""
        company = self.company_id
        clearing = company._utility_conversion_account()
        journal = company._get_utility_journal()
        if not journal:
            raise UserError(
                self.env._("The company has no sales journal for the opening balances.")
            )
        found, count = {}, 0
        # By batches of accounts: the values of a batch's entries only are
        # held at once (memory stays flat).
        for start in range(0, len(lines), MOVE_BATCH):
            created = self._load_balances_batch(
                lines[start : start + MOVE_BATCH],
                accounts,
                journal,
                clearing,
                found,
            )
            count += len(created)
            found.update((key, move.id) for key, move in created.items())
        return found, count

    def _load_balances_batch(self, lines, accounts, journal, clearing, found):
        """{key: move} created for the balances ``lines`` (the ids of those
        converted before are put in ``found``)."""
        company = self.company_id
        invoices, credits = {}, {}
        keys = lines.mapped("key")
        converted = self._converted_map(
            "balances", keys + [f"{key}/credit" for key in keys]
        )
        by_id = self._accounts_of(
            [accounts[line.data["account_number"]] for line in lines]
        )
        for line in lines:
            account = by_id[accounts[line.data["account_number"]]]
            dues = []
            for column, days, label in BALANCE_BUCKETS:
                amount = line.data.get(column) or 0.0
                if company.currency_id.is_zero(amount):
                    continue
                due = self.cutover_date - relativedelta(days=days)
                if amount < 0:
                    # Only the current column may be negative (validation).
                    key = f"{line.key}/credit"
                    if key in converted:
                        found[key] = converted[key].id
                    else:
                        credits[key] = self._opening_invoice_vals(
                            account, journal, clearing, amount, due, label
                        )
                    continue
                dues.append((amount, due, label))
            if not dues:
                continue
            if line.key in converted:
                found[line.key] = converted[line.key].id
            else:
                invoices[line.key] = self._opening_aged_invoice_vals(
                    account, journal, clearing, dues
                )
        created = {}
        if invoices:
            # Their lines are given, balanced: Odoo computes no payment terms.
            created.update(self._create_moves_in_batches(invoices, sync=False))
        if credits:
            created.update(self._create_moves_in_batches(credits))
        if created:
            self._remember("balances", created)
        return created

    def _name_moves(self, vals_list):
        """Name the entries of ``vals_list`` that have no name, by journal and
        date, from a number sequence, a batch in one query (Odoo's numbering
        at posting searches the journal's entries for each entry): the sales
        journal's bill numbers, another journal's conversion entry numbers
        (created on first use; both number on past the journal's entries
        named by Odoo with the same prefix: ``tools/numbering.py``)."""
        groups = defaultdict(list)
        for vals in vals_list:
            if not vals.get("name"):
                groups[vals["journal_id"], vals["date"]].append(vals)
        for (journal_id, day), group in groups.items():
            journal = self.env["account.journal"].browse(journal_id)
            if journal.type == "sale":
                sequence = journal._utility_bill_sequence()
            else:
                sequence = numbering.journal_sequence(
                    journal,
                    f"utility.conversion.entry.{journal.id}",
                    self.env._("Conversion entries: %(journal)s", journal=journal.name),
                    f"{journal.code}/%(year)s/",
                )
            names = numbering.allocate_names(sequence, journal, len(group), day)
            for vals, name in zip(group, names, strict=True):
                vals["name"] = name

    def _create_moves_in_batches(self, vals_by_key, batch=MOVE_BATCH, sync=True):
        """{key: posted move} of the values ``vals_by_key``: created with one
        create([...]) and posted with one _post() per batch of moves of the
        same type, the cache emptied between batches (memory stays flat).
        Without chatter tracking (the conversion's chatter records the load).
        ``sync=False``: the values give every journal item, balanced, payment
        term items included (``_opening_aged_invoice_vals``): Odoo does not
        compute the tax and payment term items again."""
        self._name_moves(list(vals_by_key.values()))
        by_type = defaultdict(list)
        for key, vals in vals_by_key.items():
            by_type[vals["move_type"]].append(key)
        created = {}
        ctx = dict(QUIET)
        if not sync:
            ctx["skip_invoice_sync"] = True
        Move = self.env["account.move"].sudo().with_context(**ctx)
        for move_type, keys in by_type.items():
            for start in range(0, len(keys), batch):
                chunk = keys[start : start + batch]
                moves = Move.with_context(default_move_type=move_type).create(
                    [vals_by_key[key] for key in chunk]
                )
                # What posting does invoice by invoice, done for the batch:
                # the partners follow their invoices, their ranks go up.
                self._subscribe_partners(moves)
                moves.with_context(**{DEFER_RANKS: True})._post(soft=False)
                self.env["res.partner"]._utility_increase_deferred_ranks()
                created.update(zip(chunk, moves.ids, strict=True))
                self.env.flush_all()
                self.env.invalidate_all()
        moves = self.env["account.move"].sudo().browse(list(created.values()))
        by_id = {move.id: move for move in moves}
        return {key: by_id[created[key]] for key in vals_by_key}

    def _subscribe_partners(self, moves):
        """Each invoice's partner made a follower of it, with the default
        subtypes ``message_subscribe`` gives (a customer's external ones),
        in one create for the batch: posting then finds them following."""
        invoices = moves.filtered(lambda m: m.is_invoice(include_receipts=True))
        partner_ids = list(set(invoices.partner_id.ids))
        if not partner_ids:
            return
        Partner = self.env["res.partner"].sudo()
        active = set(Partner.search([("id", "in", partner_ids)]).ids)
        customers = set(
            Partner.search(
                [("id", "in", partner_ids), ("partner_share", "=", True)]
            ).ids
        )
        default, _internal, external = self.env[
            "mail.message.subtype"
        ].default_subtypes("account.move")
        Followers = self.env["mail.followers"].sudo()
        following = {
            (res_id, partner_id)
            for _f, res_id, partner_id, _s in Followers._get_subscription_data(
                [("account.move", invoices.ids)], partner_ids
            )
        }
        Followers.with_context(default_partner_id=False).create(
            [
                {
                    "res_model": "account.move",
                    "res_id": move.id,
                    "partner_id": move.partner_id.id,
                    "subtype_ids": [
                        Command.set(
                            external.ids
                            if move.partner_id.id in customers
                            else default.ids
                        )
                    ],
                }
                for move in invoices
                if move.partner_id.id in active
                and (move.id, move.partner_id.id) not in following
            ]
        )
        invoices.invalidate_recordset(["message_follower_ids", "message_partner_ids"])

    def _opening_invoice_vals(self, account, journal, clearing, amount, due, label):
        move_type = "out_invoice" if amount > 0 else "out_refund"
        text = self.env._(
            "Opening balance from the legacy system, %(bucket)s", bucket=str(label)
        )
        vals = {
            "move_type": move_type,
            "partner_id": account.partner_id.id,
            "journal_id": journal.id,
            # Dated the cut-over (the month-end summary counts it in that
            # month), due in the past: the aging reads the due date.
            "invoice_date": self.cutover_date,
            "invoice_date_due": due,
            "date": self.cutover_date,
            "currency_id": account.currency_id.id,
            "company_id": account.company_id.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": account.id,
            "payment_reference": account.name,
            "ref": text,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": text,
                        "quantity": 1,
                        "price_unit": abs(amount),
                        "account_id": clearing.id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        return vals

    def _opening_aged_invoice_vals(self, account, journal, clearing, dues):
        """Values of the opening invoice of ``account``: for each ``(amount,
        due date, bucket label)`` of ``dues`` (amounts positive), an item
        crediting the conversion clearing account and a receivable item due
        on its date, balanced, for ``_create_moves_in_batches(sync=False)``.
        Dated the cut-over (the month-end summary counts it in that month);
        due on the earliest date, as the oldest amount is."""
        currency = account.currency_id
        text = self.env._("Opening balance from the legacy system")
        product_lines, term_lines = [], []
        for amount, due, label in dues:
            amount = currency.round(amount)
            name = self.env._(
                "Opening balance from the legacy system, %(bucket)s",
                bucket=str(label),
            )
            product_lines.append(
                Command.create(
                    {
                        "display_type": "product",
                        "name": name,
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": clearing.id,
                        "tax_ids": [Command.clear()],
                        "balance": -amount,
                        "amount_currency": -amount,
                        "currency_id": currency.id,
                        # No analytic distribution model applies to the
                        # conversion clearing account (one search a line).
                        "analytic_distribution": False,
                    }
                )
            )
            term_lines.append(
                Command.create(
                    {
                        "display_type": "payment_term",
                        "name": name,
                        "balance": amount,
                        "amount_currency": amount,
                        "currency_id": currency.id,
                        "date_maturity": due,
                    }
                )
            )
        return {
            "move_type": "out_invoice",
            "partner_id": account.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": self.cutover_date,
            "invoice_date_due": min(due for _a, due, _l in dues),
            "date": self.cutover_date,
            "currency_id": currency.id,
            "company_id": account.company_id.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": account.id,
            "payment_reference": account.name,
            "ref": text,
            "line_ids": product_lines + term_lines,
        }

    def _load_deposits(self, lines, accounts):
        """Per account, its deposit held: one posted entry in the
        miscellaneous journal, dated the cut-over, debiting the conversion
        clearing account and crediting the customer deposits account, a
        deposit held (``utility_deposit_kind`` ``held``) of the account: the
        account holds it, paid, as the legacy system held it, and the final
        bill applies it as it applies a deposit billed at Start Service.
        Keyed ``<account>``."""
        company = self.company_id
        found = {}
        new = {}
        converted = self._converted_map("deposits", lines.mapped("key"))
        for line in lines:
            if line.key in converted:
                found[line.key] = converted[line.key].id
                continue
            new[line.key] = (accounts[line.key], line.data["amount"])
        if not new:
            return found, 0
        clearing = company._utility_conversion_account()
        general = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1
        )
        if not general:
            raise UserError(
                self.env._(
                    "The company needs a miscellaneous journal for the deposits held."
                )
            )
        count = 0
        keys = list(new)
        # By batches of deposits: the values of a batch's entries only are
        # held at once (memory stays flat).
        for start in range(0, len(keys), MOVE_BATCH):
            chunk = {key: new[key] for key in keys[start : start + MOVE_BATCH]}
            created = self._load_deposits_batch(chunk, general, clearing)
            count += len(created)
            found.update((key, move.id) for key, move in created.items())
        return found, count

    def _load_deposits_batch(self, new, general, clearing):
        """{key: move} of the deposit entries made for ``new`` ({key:
        (account id, amount)})."""
        company = self.company_id
        by_id = self._accounts_of([account_id for account_id, _a in new.values()])
        day = self.cutover_date
        deposit_account = company._get_utility_deposit_account()
        entry_vals = {}
        for key, (account_id, amount) in new.items():
            account = by_id[account_id]
            label = self.env._(
                "Deposit held in the legacy system, account %(account)s",
                account=account.name,
            )
            amount = account.currency_id.round(amount)
            line = {
                "name": label,
                "partner_id": account.partner_id.id,
                "analytic_distribution": False,
            }
            entry_vals[key] = {
                "move_type": "entry",
                "journal_id": general.id,
                "date": day,
                "ref": label,
                "partner_id": account.partner_id.id,
                "utility_account_id": account.id,
                "utility_deposit_kind": "held",
                "line_ids": [
                    Command.create(
                        {**line, "account_id": clearing.id, "debit": amount}
                    ),
                    Command.create(
                        {**line, "account_id": deposit_account.id, "credit": amount}
                    ),
                ],
            }
        created = self._create_moves_in_batches(entry_vals, sync=False)
        self._remember("deposits", created)
        return created
