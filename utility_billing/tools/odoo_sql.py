# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The SQL the utility addons run on Odoo's own tables, in one place.

The ORM is the rule; each statement here is one where it costs too much or
cannot do the work (the reason is on each function), and each lists what to
re-check at the next Odoo upgrade. SQL on the addons' own tables
(``utility_*``) stays beside its model: those tables change with the code.

At an upgrade, re-check for every function below that the columns it names
still exist with the same meaning, and run the tests named in its docstring.

Not moved here yet (their files belonged to parallel work when this module was
made; move them when those files next change):

- ``utility_billing_payments/models/utility_ach_batch.py`` ``_link_payments``:
  ``UPDATE account_payment SET move_id, state`` (one statement for a batch's
  payments, rather than a write each); re-check ``account.payment.state`` values
  (``in_process``) and that ``move_id`` is still a plain stored Many2one.
- ``utility_billing_payments/models/utility_ach_batch.py`` ``_lock_company``
  and ``res_company_ach.py`` ``_ach_reserve_trace_sequences``: ``UPDATE
  res_company`` to serialise ACH batches and reserve NACHA trace numbers.
"""

from odoo.tools import SQL


def _pg_sequence(sequence):
    # Odoo: odoo/addons/base/models/ir_sequence.py, _create_sequence().
    return f"ir_sequence_{sequence.id:03d}"


def ir_sequence_setval(sequence, value):
    """Set the PostgreSQL sequence behind a standard ``ir.sequence`` to
    ``value`` (its next number is ``value + 1``).

    Why SQL: the ORM's way (writing ``number_next``) calls ``ALTER SEQUENCE
    ... RESTART``, which takes a lock every transaction numbering with the
    sequence then waits on; ``setval`` does not.

    Upgrade: the PostgreSQL sequence is still named ``ir_sequence_<id:03d>``
    and ``number_next_actual`` still reads it (``_get_number_next_actual``).
    Tests: ``test_names_skip_numbers_odoo_gave``,
    ``test_debit_note_skips_numbers_taken_by_penalties``.
    """
    sequence.env.cr.execute(SQL("SELECT setval(%s, %s)", _pg_sequence(sequence), value))
    sequence.invalidate_recordset(["number_next_actual"])


def ir_sequence_nextvals(sequence, count):
    """``count`` next numbers of a standard ``ir.sequence``, increasing.

    Why SQL: ``next_by_id`` takes one number a query; a billing batch takes
    hundreds in one.

    Upgrade: as :func:`ir_sequence_setval`; ``next_by_id`` of a standard
    sequence still uses ``nextval`` (``_select_nextval``). Tests: the billing
    run's numbering tests, ``test_two_counters_first_payment_of_a_month_at_once``.
    """
    sequence.env.cr.execute(
        SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            _pg_sequence(sequence),
            count,
        )
    )
    return sorted(row[0] for row in sequence.env.cr.fetchall())


def account_move_highest_number(journal, prefix):
    """The highest ``sequence_number`` of the journal's entries named with
    ``prefix`` (0 when none), all states.

    Why SQL: a ``read_group`` max would do, but reads through record rules and
    the company check: the numbering must see every entry of the journal.

    Upgrade: ``account_move.sequence_prefix`` / ``sequence_number`` are still
    the stored parts of ``name`` (``sequence.mixin``).
    """
    env = journal.env
    env["account.move"].flush_model(["name", "journal_id"])
    env.cr.execute(
        SQL(
            """SELECT max(sequence_number) FROM account_move
                WHERE journal_id = %s AND sequence_prefix = %s""",
            journal.id,
            prefix,
        )
    )
    return env.cr.fetchone()[0] or 0


def account_move_settle_run_sequence_gaps(env, run_id):
    """Clear ``made_sequence_gap`` of a billing run's draft bills whose
    previous number exists (see ``utility.billing.run._settle_sequence_gaps``).

    Why SQL: one statement for a run of thousands of bills, and no write
    through ``account.move.write`` (its checks and recomputations, the posted
    entries' lock) for a flag Odoo itself maintains.

    Upgrade: ``made_sequence_gap`` still means "the previous number is
    missing" and is still recomputed by Odoo at posting
    (``_compute_made_sequence_gap``, ``_set_next_made_sequence_gap``). Tests:
    ``test_sequence_gap_flags_of_the_run``.
    """
    env["account.move"].flush_model(
        ["made_sequence_gap", "journal_id", "sequence_prefix", "sequence_number"]
    )
    env.cr.execute(
        SQL(
            """UPDATE account_move m SET made_sequence_gap = FALSE
                WHERE m.utility_billing_run_id = %s AND m.state = 'draft'
                  AND m.made_sequence_gap
                  AND EXISTS (
                      SELECT 1 FROM account_move p
                       WHERE p.journal_id = m.journal_id
                         AND p.sequence_prefix = m.sequence_prefix
                         AND p.sequence_number = m.sequence_number - 1)""",
            run_id,
        )
    )
    env["account.move"].invalidate_model(["made_sequence_gap"])
