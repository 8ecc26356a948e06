# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Builds a small demo town, or a large synthetic city for benchmarks.

Deterministic for a given seed. The demo town goes through the ORM (reads
included, so exceptions are flagged the normal way); the synthetic city
writes its read history with bulk inserts so that 20,000 accounts with a
year of reads build in a few minutes.

Called by the ``utility.demo.town`` model (demo XML at install) and by
``setup/generate_city.py``.
"""

import logging
import random
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The columns of the generated reads, with their PostgreSQL types.
READ_COLUMNS = [
    ("meter_id", "int"),
    ("account_id", "int"),
    ("premise_id", "int"),
    ("service_type_id", "int"),
    ("read_datetime", "timestamp"),
    ("read_date", "date"),
    ("reading", "numeric"),
    ("read_type", "varchar"),
    ("source", "varchar"),
    ("previous_reading", "numeric"),
    ("raw_consumption", "numeric"),
    ("consumption", "numeric"),
    ("days", "int"),
    ("rollover", "bool"),
    ("state", "varchar"),
    ("company_id", "int"),
    ("create_uid", "int"),
    ("write_uid", "int"),
    ("create_date", "timestamp"),
    ("write_date", "timestamp"),
]

# fmt: off
FIRST_NAMES = [
    "Maria", "Jose", "Juan", "Guadalupe", "Luis", "Ana", "Carlos", "Rosa", "Miguel",
    "Elena", "James", "Linda", "Robert", "Patricia", "Michael", "Jennifer", "David",
    "Sofia", "Daniel", "Isabel", "Jorge", "Carmen", "Ricardo", "Teresa", "Francisco",
]
LAST_NAMES = [
    "Garcia", "Hernandez", "Martinez", "Lopez", "Gonzalez", "Rodriguez", "Perez",
    "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Smith",
    "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Castillo", "Mendoza",
]
STREETS = [
    "Avenue 50", "Avenue 52", "Calle Tampico", "Grapefruit Blvd", "Harrison St",
    "Cesar Chavez St", "Van Buren St", "Dillon Rd", "Calle Empalme", "Bagdouma Rd",
    "Shady Ln", "Frederick St", "Avenue 48", "Calle Techa", "Fourth St",
]
BUSINESSES = [
    "Valley Market", "Coachella Tire", "La Perla Bakery", "Desert Auto Repair",
    "Sun Palms Laundromat", "El Ranchito Restaurant", "Oasis Car Wash",
    "Date Palm Cafe",
]
# fmt: on


def generate(
    env,
    accounts=50,
    months=12,
    seed=42,
    fast=False,
    prefix="DEMO",
    end_date=None,
    long_history=0,
):
    """Build the town in ``env``; return its accounts. The first
    ``long_history`` accounts have a year more of service and reads (the
    portal's demo customer: its chart compares each month with last year)."""
    rng = random.Random(seed)
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            no_reset_password=True,
        )
    )
    company = env.company
    water = env.ref("utility_billing.service_type_water")
    sewer = env.ref("utility_billing.service_type_sewer")
    trash = env.ref("utility_billing.service_type_trash")
    hcf = env.ref("utility_billing.uom_hcf")
    state_ca = env.ref("base.state_us_5", raise_if_not_found=False)
    country_us = env.ref("base.us", raise_if_not_found=False)
    end_date = end_date or fields.Date.context_today(env.user)

    Cycle = env["utility.billing.cycle"]
    Route = env["utility.route"]
    cycles = Cycle
    for code, name, read_day in (
        (f"{prefix}C1", "Cycle 1 - North", 5),
        (f"{prefix}C2", "Cycle 2 - South", 15),
    ):
        cycle = Cycle.search(
            [("code", "=", code), ("company_id", "=", company.id)], limit=1
        )
        cycles |= cycle or Cycle.create(
            {
                "code": code,
                "name": name,
                "read_day": read_day,
                "bill_day": read_day + 3,
                "due_days": 21,
            }
        )
    route_count = max(3, accounts // 400)
    routes = Route
    for index in range(route_count):
        code = f"{prefix}R{index + 1:03d}"
        route = Route.search(
            [("code", "=", code), ("company_id", "=", company.id)], limit=1
        )
        routes |= route or Route.create(
            {
                "code": code,
                "name": f"Route {index + 1:03d}",
                "cycle_id": cycles[0 if index < (route_count + 1) // 2 else 1].id,
            }
        )

    partner_vals, premise_vals, meter_vals, classes = [], [], [], []
    for index in range(accounts):
        roll = rng.random()
        customer_class = (
            "residential"
            if roll < 0.85
            else ("commercial" if roll < 0.95 else "multi_family")
        )
        classes.append(customer_class)
        if customer_class == "commercial":
            name = f"{rng.choice(BUSINESSES)} #{index + 1}"
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        partner_vals.append(
            {
                "name": name,
                "street": f"{100 + index * 7 % 9000} {rng.choice(STREETS)}",
                "city": "Coachella",
                "zip": "92236",
                "state_id": state_ca.id if state_ca else False,
                "country_id": country_us.id if country_us else False,
                "lang": "en_US",
                # Paperless accounts (every fourth) get their bills by e-mail.
                "email": (
                    f"customer{index + 1}@example.com" if index % 4 == 0 else False
                ),
            }
        )
        route = routes[index * len(routes) // accounts]
        premise_vals.append(
            {
                "street": partner_vals[-1]["street"],
                "city": "Coachella",
                "zip": "92236",
                "state_id": state_ca.id if state_ca else False,
                "country_id": country_us.id if country_us else False,
                "apn": f"{763 + index // 100000:03d}-"
                f"{(index // 1000) % 1000:03d}-{index % 1000:03d}",
                "route_id": route.id,
                "sequence": index + 1,
                "customer_class": customer_class,
                "living_units": rng.randint(2, 12)
                if customer_class == "multi_family"
                else 1,
            }
        )
        # Meter 4 of the demo town has four dials and sits close to its wrap,
        # so that its read history shows a rollover.
        dials = 4 if index == 3 else 6
        meter_vals.append(
            {
                "serial": f"{prefix}{index + 1:08d}",
                "endpoint_id": f"{prefix}E{index + 1:08d}",
                "service_type_id": water.id,
                "size": "3/4"
                if customer_class == "residential"
                else rng.choice(["1", "1.5", "2"]),
                "make": "Neptune",
                "model": "T-10",
                "dials": dials,
                "multiplier": 1.0,
                "uom_id": hcf.id,
            }
        )
    batch = 2000
    partner_ids, premise_ids, meter_ids = [], [], []
    for start in range(0, accounts, batch):
        partner_ids += (
            env["res.partner"].create(partner_vals[start : start + batch]).ids
        )
        premise_ids += (
            env["utility.premise"].create(premise_vals[start : start + batch]).ids
        )
        meter_ids += env["utility.meter"].create(meter_vals[start : start + batch]).ids
        env.invalidate_all()
    premises = env["utility.premise"].browse(premise_ids)
    meters = env["utility.meter"].browse(meter_ids)
    start_date = end_date - relativedelta(months=months + 1)
    start_dates = [
        start_date - relativedelta(months=12) if index < long_history else start_date
        for index in range(accounts)
    ]
    env.cr.execute(
        "UPDATE utility_meter SET state = 'installed', "
        "install_date = data.install_date, premise_id = data.premise_id "
        "FROM (SELECT unnest(%s::int[]) AS meter_id, "
        "unnest(%s::int[]) AS premise_id, "
        "unnest(%s::date[]) AS install_date) data "
        "WHERE utility_meter.id = data.meter_id",
        (meters.ids, premises.ids, start_dates),
    )
    now = datetime.now()
    env.cr.execute(
        SQL(
            """INSERT INTO utility_meter_event (meter_id, event_type, date,
                   premise_id, reading, user_id, company_id, create_uid,
                   write_uid, create_date, write_date)
               SELECT v.meter_id, 'installed', v.day, v.premise_id, 0, %s, %s,
                      %s, %s, %s, %s
                 FROM unnest(%s::int[], %s::int[], %s::date[])
                      AS v(meter_id, premise_id, day)""",
            env.uid,
            company.id,
            env.uid,
            env.uid,
            now,
            now,
            meters.ids,
            premises.ids,
            start_dates,
        )
    )
    env["utility.meter"].invalidate_model()

    account_vals = []
    for index in range(accounts):
        services = [
            {
                "service_type_id": water.id,
                "meter_id": meter_ids[index],
                "start_date": start_dates[index],
            }
        ]
        services.append({"service_type_id": trash.id, "start_date": start_dates[index]})
        if classes[index] != "commercial":
            services.append(
                {"service_type_id": sewer.id, "start_date": start_dates[index]}
            )
        account_vals.append(
            {
                "name": f"{prefix}{index + 1:07d}",
                "partner_id": partner_ids[index],
                "premise_id": premise_ids[index],
                "state": "active",
                "start_date": start_dates[index],
                "lang": "es_MX" if index % 3 == 0 else "en_US",
                "paperless": index % 4 == 0,
                "service_ids": [fields.Command.create(s) for s in services],
            }
        )
    account_ids = []
    for start in range(0, accounts, batch):
        chunk = account_vals[start : start + batch]
        if fast:
            # Created as drafts: the per-service overlap check of an active
            # account costs a search per service. Activated below in SQL, and
            # the rule it guards is checked with one query for the city.
            chunk = [dict(vals, state="draft") for vals in chunk]
        account_ids += env["utility.account"].create(chunk).ids
        env.invalidate_all()
    accounts_rs = env["utility.account"].browse(account_ids)
    if fast:
        _activate_accounts(env, account_ids)
    # One household in 17 showed it cannot pay (an assistance program):
    # an accepted SB 998 case of financial inability (utility.sb998.case).
    env["utility.sb998.case"].sudo().create(
        [
            {
                "account_id": account_id,
                "kind": "inability",
                "received_date": end_date - relativedelta(months=1),
                "inability_basis": "program",
                "program": "calfresh",
            }
            for index, account_id in enumerate(account_ids)
            if index % 17 == 0
        ]
    ).action_accept()

    # Read history: an initial read at installation, then one read a month.
    read_plan = []
    read_day_by_route = {route.id: route.cycle_id.read_day for route in routes}
    for index in range(accounts):
        cycle_read_day = read_day_by_route[premise_vals[index]["route_id"]]
        base = {"residential": 18.0, "multi_family": 60.0}.get(classes[index], 80.0)
        reading = 9950.0 if index == 3 else float(rng.randint(100, 5000))
        reads = [
            (
                datetime.combine(start_dates[index], time(16, 0)),
                reading,
                "initial",
                0.0,
                0,
            )
        ]
        previous = start_dates[index]
        read_months = months + 12 if index < long_history else months
        for month in range(read_months, 0, -1):
            day = end_date - relativedelta(months=month - 1)
            read_day = min(cycle_read_day, 28)
            day = date(day.year, day.month, read_day)
            if day > end_date:
                day -= relativedelta(months=1)
            if day <= previous:
                continue
            season = 1.4 if day.month in (6, 7, 8, 9) else 1.0
            use = round(
                base * season * (day - previous).days / 30.4 * rng.uniform(0.8, 1.2)
            )
            reading = (reading + use) % (10 ** meter_vals[index]["dials"])
            reads.append(
                (
                    datetime.combine(day, time(16, 0)),
                    reading,
                    "actual",
                    use,
                    (day - previous).days,
                )
            )
            previous = day
        read_plan.append(reads)
    if not fast:
        _create_demo_reads(env, meters, accounts_rs, read_plan)
    else:
        _insert_reads(
            env,
            meter_ids,
            account_ids,
            premise_ids,
            [vals["service_type_id"] for vals in meter_vals],
            read_plan,
            company,
        )
    _logger.info("Utility demo town: %s accounts, %s months of reads", accounts, months)
    return accounts_rs


def _create_demo_reads(env, meters, accounts, read_plan):
    """Demo town: reads through the ORM, month by month, plus a few exceptions."""
    Read = env["utility.meter.read"]
    depth = max(len(p) for p in read_plan)
    for rank in range(depth):
        vals_list = []
        for index, plan in enumerate(read_plan):
            if rank >= len(plan):
                continue
            read_dt, reading, read_type, _use, _days = plan[rank]
            last = rank == len(plan) - 1
            if last and index in (1, 2):
                # Two leaks in the last month: well above the usual use.
                reading = (plan[rank - 1][1] + 95) % (10 ** meters[index].dials)
            if last and index == 5:
                reading = plan[rank - 1][1]  # zero use on an active account
            vals_list.append(
                {
                    "meter_id": meters[index].id,
                    "account_id": accounts[index].id,
                    "read_datetime": read_dt,
                    "reading": reading,
                    "read_type": read_type,
                    "source": "handheld" if read_type == "actual" else "service_order",
                }
            )
        Read.create(vals_list)


def _activate_accounts(env, account_ids):
    """Synthetic city: activate the accounts created as drafts, in SQL.

    Then check, with one query for the whole city, the rule that the
    per-service constraint guards: no premise has two active or final
    accounts with the same service at once (the city's premises are new,
    so any second account with the same service is an overlap).
    """
    env.flush_all()
    env.cr.execute(
        "UPDATE utility_account SET state = 'active' WHERE id = ANY(%s)",
        (account_ids,),
    )
    env.cr.execute(
        "UPDATE utility_account_service SET account_state = 'active' "
        "WHERE account_id = ANY(%s)",
        (account_ids,),
    )
    env["utility.account"].invalidate_model(["state"])
    env["utility.account.service"].invalidate_model(["account_state"])
    env.cr.execute(
        """SELECT s.premise_id, s.service_type_id
             FROM utility_account_service s
             JOIN utility_account a ON a.id = s.account_id
            WHERE a.state IN ('active', 'final')
              AND s.premise_id IN (SELECT premise_id FROM utility_account
                                    WHERE id = ANY(%s))
         GROUP BY s.premise_id, s.service_type_id
           HAVING count(*) > 1
            LIMIT 1""",
        (account_ids,),
    )
    overlap = env.cr.fetchone()
    if overlap:
        raise ValidationError(
            env._(
                "Synthetic city: premise %(premise)s would have two active "
                "accounts for service type %(service)s.",
                premise=overlap[0],
                service=overlap[1],
            )
        )


def _insert_reads(
    env,
    meter_ids,
    account_ids,
    premise_ids,
    service_type_ids,
    read_plan,
    company,
):
    """Synthetic city: bulk insert of the read history, all valid."""
    rows = []
    now = datetime.now()
    uid = env.uid
    for index, plan in enumerate(read_plan):
        meter_id, account_id = meter_ids[index], account_ids[index]
        premise_id, service_type_id = premise_ids[index], service_type_ids[index]
        previous = None
        for read_dt, reading, read_type, use, days in plan:
            rows.append(
                (
                    meter_id,
                    account_id,
                    premise_id,
                    service_type_id,
                    read_dt,
                    read_dt.date(),
                    reading,
                    read_type,
                    "handheld" if read_type == "actual" else "service_order",
                    previous[1] if previous else 0.0,
                    use,
                    use,
                    days,
                    bool(previous and reading < previous[1]),
                    "valid",
                    company.id,
                    uid,
                    uid,
                    now,
                    now,
                )
            )
            previous = (read_dt, reading)
        if len(rows) >= 20000:
            _flush_read_rows(env, rows)
            rows = []
    if rows:
        _flush_read_rows(env, rows)
    env["utility.meter.read"].invalidate_model()


def _flush_read_rows(env, rows):
    """Insert the reads of ``rows`` (tuples in ``READ_COLUMNS`` order) in
    one statement: an array a column, as ``unnest`` reads them."""
    columns = list(zip(*rows, strict=True))
    env.cr.execute(
        SQL(
            "INSERT INTO utility_meter_read (%s) SELECT * FROM unnest(%s)",
            SQL(", ").join(SQL.identifier(name) for name, _type in READ_COLUMNS),
            SQL(", ").join(
                SQL(f"%s::{pg_type}[]", list(values))
                for (_name, pg_type), values in zip(READ_COLUMNS, columns, strict=True)
            ),
        )
    )
