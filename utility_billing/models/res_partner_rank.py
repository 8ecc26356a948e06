# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Partners: their customer and supplier ranks, raised in bulk after posting
many entries at once (the go-live conversion's opening entries): posting
raises them partner by partner, a query each."""

from collections import defaultdict

from psycopg2 import errors as pgerrors

from odoo import models
from odoo.tools import SQL, mute_logger

# Context key under which _increase_rank adds to RANKS_KEY instead of writing.
DEFER_RANKS = "utility_defer_ranks"
# cr.precommit.data key of the ranks to raise: {(field, partner id): n}.
RANKS_KEY = "utility_billing.ranks"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _increase_rank(self, field, n=1):
        # Honoured only in superuser mode (the conversion's load posts as
        # superuser): a caller's context never keeps its ranks from rising.
        if not (self.env.su and self.env.context.get(DEFER_RANKS)) or field not in (
            "customer_rank",
            "supplier_rank",
        ):
            return super()._increase_rank(field, n)
        ranks = self.env.cr.precommit.data.setdefault(RANKS_KEY, defaultdict(int))
        for partner_id in self.ids:
            ranks[field, partner_id] += n

    def _utility_increase_deferred_ranks(self):
        """Raise the ranks deferred under DEFER_RANKS: one query per field,
        as ``_increase_rank`` does, none when another transaction holds the
        partners' rows (ranks are a hint, never worth waiting for)."""
        ranks = self.env.cr.precommit.data.pop(RANKS_KEY, None)
        if not ranks:
            return
        by_field = defaultdict(dict)
        for (field, partner_id), n in ranks.items():
            by_field[field][partner_id] = n
        for field, counts in by_field.items():
            ids = list(counts)
            try:
                with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                    self.env.execute_query(
                        SQL(
                            "SELECT %(field)s FROM res_partner WHERE id = ANY(%(ids)s) "
                            "FOR NO KEY UPDATE NOWAIT; "
                            "UPDATE res_partner p SET %(field)s = p.%(field)s + v.n "
                            "FROM unnest(%(ids)s::int[], %(ns)s::int[]) AS v(id, n) "
                            "WHERE p.id = v.id",
                            field=SQL.identifier(field),
                            ids=ids,
                            ns=[counts[i] for i in ids],
                        )
                    )
            except (pgerrors.LockNotAvailable, pgerrors.SerializationFailure):
                continue
            self.browse(ids).invalidate_recordset([field])
