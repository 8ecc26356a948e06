#!/usr/bin/env python3
# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate a large synthetic city into an Odoo database, for benchmarks.

The database must already have utility_billing installed. The city gets
``--accounts`` premises, meters and active service accounts (water, trash and,
except for businesses, sewer) on routes of about 400 premises in two billing
cycles, and ``--months`` months of valid reads written with bulk inserts.
Meter serials are ``<prefix>00000001``..., account numbers ``<prefix>0000001``....

    python3 setup/generate_city.py --database ub_bench --accounts 20000

Odoo 18 must be importable by python3 (or its source tree given by ODOO_PATH).
Refuses, and exits 1, when the database already has a city with this prefix.
"""

import argparse
import os
import sys
import time
from datetime import date

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def import_odoo():
    """Import odoo, from ODOO_PATH when it is not importable as is."""
    try:
        import odoo
    except ImportError:
        path = os.environ.get("ODOO_PATH")
        if not path:
            raise
        sys.path.insert(0, path)
        import odoo
    return odoo


def default_addons_path():
    """Odoo's own addons folders, then this repository."""
    odoo = import_odoo()
    root = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = [
        p
        for p in (os.path.join(root, "addons"), os.path.join(root, "..", "addons"))
        if os.path.isdir(p)
    ]
    return ",".join([os.path.normpath(p) for p in paths] + [REPO])


def add_db_arguments(parser):
    """Connection arguments shared with the benchmarks."""
    parser.add_argument(
        "--db-host",
        default=os.environ.get("PGHOST", "127.0.0.1"),
        help="PostgreSQL host (%(default)s)",
    )
    parser.add_argument(
        "--db-port",
        type=int,
        default=int(os.environ.get("PGPORT", "5432")),
        help="PostgreSQL port (%(default)s)",
    )
    parser.add_argument(
        "--db-user",
        default=os.environ.get("UB_DB_USER", "odoo"),
        help="PostgreSQL role (%(default)s)",
    )
    parser.add_argument(
        "--addons-path",
        default=os.environ.get("UB_ADDONS_PATH"),
        help="Odoo addons path (Odoo's addons folders and this repository)",
    )


def configure_odoo(args, log_level="warn"):
    """Set odoo.tools.config from the parsed arguments; return the odoo module."""
    odoo = import_odoo()
    argv = [
        f"--db_host={args.db_host}",
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
        f"--addons-path={args.addons_path or default_addons_path()}",
        f"--log-level={log_level}",
    ]
    odoo.tools.config.parse_config(argv, setup_logging=True)
    return odoo


def city_exists(env, prefix):
    """Whether the database already holds a city (or demo town) with this prefix."""
    env.cr.execute(
        """SELECT EXISTS(SELECT 1 FROM utility_meter WHERE serial = %s)
               OR EXISTS(SELECT 1 FROM utility_account WHERE name = %s)
               OR EXISTS(SELECT 1 FROM utility_route WHERE code = %s)
               OR EXISTS(SELECT 1 FROM utility_billing_cycle WHERE code = %s)""",
        (f"{prefix}{1:08d}", f"{prefix}{1:07d}", f"{prefix}R001", f"{prefix}C1"),
    )
    return env.cr.fetchone()[0]


def city_counts(env, prefix):
    """(accounts, meters, reads) of the city with this prefix."""
    like = prefix + "%"  # letters and digits only: no LIKE wildcard in it
    accounts, meters = f"^{prefix}[0-9]{{7}}$", f"^{prefix}[0-9]{{8}}$"
    env.cr.execute(
        """SELECT (SELECT count(*) FROM utility_account
                    WHERE name LIKE %s AND name ~ %s),
                  (SELECT count(*) FROM utility_meter
                    WHERE serial LIKE %s AND serial ~ %s),
                  (SELECT count(*) FROM utility_meter_read r
                     JOIN utility_meter m ON m.id = r.meter_id
                    WHERE m.serial LIKE %s AND m.serial ~ %s)""",
        (like, accounts, like, meters, like, meters),
    )
    return env.cr.fetchone()


def analyze(env):
    """Refresh the planner statistics of the tables a city fills."""
    env.cr.execute(
        "ANALYZE res_partner, utility_premise, utility_meter, utility_meter_event, "
        "utility_account, utility_account_service, utility_meter_read"
    )


def generate_city(env, accounts, months, prefix, seed=42, end_date=None):
    """Build the city in ``env`` (superuser); return (seconds, counts).

    Does not commit. Raises ValueError when the prefix is already used.
    """
    if not prefix.isalnum():
        raise ValueError(f"prefix {prefix!r} must be letters and digits only")
    if city_exists(env, prefix):
        raise ValueError(
            f"database {env.cr.dbname} already has a city with prefix {prefix} "
            f"(meter {prefix}{1:08d} or route {prefix}R001): choose another "
            "--prefix, or drop the database."
        )
    started = time.perf_counter()
    env["utility.demo.town"]._generate(
        accounts=accounts,
        months=months,
        seed=seed,
        fast=True,
        prefix=prefix,
        end_date=end_date,
    )
    env.flush_all()
    elapsed = time.perf_counter() - started
    return elapsed, city_counts(env, prefix)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "-d", "--database", required=True, help="with utility_billing installed"
    )
    parser.add_argument(
        "--accounts", type=int, default=20000, help="number of accounts (20000)"
    )
    parser.add_argument("--months", type=int, default=12, help="months of reads (12)")
    parser.add_argument(
        "--prefix",
        default="CITY",
        help="of meter serials, account numbers, route and cycle codes (CITY)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="date of the last reads, YYYY-MM-DD (today)",
    )
    add_db_arguments(parser)
    args = parser.parse_args(argv)
    if args.accounts < 1 or args.months < 1:
        parser.error("--accounts and --months must be at least 1")

    odoo = configure_odoo(args)
    from odoo.modules.registry import Registry

    try:
        registry = Registry(args.database)
    except Exception as exc:
        print(f"ERROR: cannot open database {args.database}: {exc}", file=sys.stderr)
        return 1
    if "utility.demo.town" not in registry:
        print(
            f"ERROR: utility_billing is not installed in database {args.database}.",
            file=sys.stderr,
        )
        return 1
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            elapsed, counts = generate_city(
                env,
                args.accounts,
                args.months,
                args.prefix,
                seed=args.seed,
                end_date=args.end_date,
            )
        except ValueError as exc:
            cr.rollback()
            print(f"ERROR: {exc}", file=sys.stderr)
            return 1
        cr.commit()
        analyze(env)
        cr.commit()
    n_accounts, n_meters, n_reads = counts
    print(
        f"City {args.prefix} in database {args.database}: {n_accounts} accounts, "
        f"{n_meters} meters, {n_reads} reads ({args.months} months) "
        f"built in {elapsed:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
