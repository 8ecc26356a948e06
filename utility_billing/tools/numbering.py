# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One numbering service for the entries the utility workflows create in bulk
or in parallel: bills, debit-note adjustments and bill corrections, late
penalties (all in the bills' sequence of the journal), ACH payment entries and
counter payment entries.

Why not Odoo's numbering: Odoo names an entry at posting with the highest
number of its journal and prefix plus one (``account.move._set_next_sequence``),
and names the first entry of a period while it is still a draft. Two
transactions posting in the same journal then either wait on each other (the
unique index on the name) or, when both name the first entry of a month, both
take ``.../0001`` and the second fails with "Another entry with the same name
already exists". A PostgreSQL sequence never hands out the same number twice
and never waits: each entry gets its name when its values are prepared, as
``ir.sequence.next_by_id`` does, a batch of names in one query.

Entries made by hand in the same journal are still named by Odoo (the highest
number plus one): before each allocation the PostgreSQL sequence is moved past
the highest number used with the same prefix (:func:`skip_numbers_taken`).

Its SQL on Odoo's tables is in ``odoo_sql.py`` (what to re-check at an
upgrade); ``ir.sequence._get_prefix_suffix`` must still render the prefix.

Usage::

    from odoo.addons.utility_billing.tools.numbering import allocate_names

    names = allocate_names(sequence, journal, len(vals_list), date)
"""

from . import odoo_sql


def journal_sequence(journal, code, name, prefix, padding=5):
    """The ``ir.sequence`` of ``code`` in the journal's company, created on
    first use (a standard one: numbers from a PostgreSQL sequence).

    ``prefix`` is in ``ir.sequence``'s format (``f"P{journal.code}/%(year)s/"``).
    """
    Sequence = journal.env["ir.sequence"].sudo()  # technical: the numbering
    company = journal.company_id
    sequence = Sequence.search(
        [("code", "=", code), ("company_id", "=", company.id)], limit=1
    )
    if not sequence:
        sequence = Sequence.create(
            {
                "name": name,
                "code": code,
                "implementation": "standard",
                "prefix": prefix,
                "padding": padding,
                "company_id": company.id,
            }
        )
    return sequence


def skip_numbers_taken(sequence, journal):
    """Move ``sequence`` past the numbers Odoo gave to entries of ``journal``
    with the same prefix (entries named by hand or by Odoo at posting), so that
    it never hands out a number already taken.

    ``sequence`` must be rendered for the entry's date
    (``with_context(ir_sequence_date=date)``): the prefix holds its year.
    Sequences with date ranges or without gaps are left alone.
    """
    if sequence.implementation != "standard" or sequence.use_date_range:
        return
    highest = odoo_sql.account_move_highest_number(
        journal, sequence._get_prefix_suffix()[0]
    )
    if highest >= sequence.number_next_actual:
        odoo_sql.ir_sequence_setval(sequence, highest)


def allocate_names(sequence, journal, count, date):
    """``count`` entry names of ``journal`` from ``sequence`` for entries dated
    ``date`` (the year in the names is that date's, not today's), in increasing
    order, past the numbers already taken in the journal.

    A standard sequence gives them in one query (``nextval`` of its PostgreSQL
    sequence, as ``next_by_id`` does one at a time); other sequences (no gap,
    date ranges) number one by one through ``next_by_id``.
    """
    sequence = sequence.sudo().with_context(ir_sequence_date=date)
    if sequence.implementation != "standard" or sequence.use_date_range:
        return [sequence.next_by_id(sequence_date=date) for _i in range(count)]
    if not count:
        return []
    skip_numbers_taken(sequence, journal)
    numbers = odoo_sql.ir_sequence_nextvals(sequence, count)
    prefix, suffix = sequence._get_prefix_suffix()
    return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in numbers]


def next_name(sequence, journal, date):
    """One entry name of ``journal`` from ``sequence`` (see
    :func:`allocate_names`)."""
    return allocate_names(sequence, journal, 1, date)[0]
