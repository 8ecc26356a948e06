# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter reads: the read itself (fields, constraints, creation, write and unlink
controls). Its other concerns live in sibling files: exception review
(utility_meter_read_review.py), preparation and exception checks
(utility_meter_read_consumption.py), estimation
(utility_meter_read_estimation.py)."""

import contextvars
from datetime import date, datetime, timedelta

from psycopg2.extensions import AsIs

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.workflow import check_protected, in_workflow, is_trusted, workflow
from .utility_read_exception_rule import EXCEPTION_CODES

READ_TYPES = [
    ("actual", "Actual"),
    ("estimated", "Estimated"),
    ("customer", "Customer"),
    ("initial", "Initial"),
    ("final", "Final"),
    ("corrected", "Corrected"),
]
READ_SOURCES = [
    ("manual", "Manual entry"),
    ("handheld", "Handheld"),
    ("ami", "AMR/AMI"),
    ("service_order", "Service order"),
    ("system", "System estimate"),
]
# A lower reading is a rollover only when the register wrap it implies is at most
# this share of the register's capacity; otherwise it is a negative read.
ROLLOVER_MAX_FRACTION = 0.5
# The read's door (tools/workflow.py): its workflow fields change only inside
# the read's own methods (accept, reject, re-read, correction, recomputation,
# billing), or in server code that opens it (imports, estimation, service orders).
READ_DOOR = "utility.meter.read"
# What was read: never changes, not even inside the door (a correction is a new
# read; the original stays, rejected).
IMMUTABLE_FIELDS = {"meter_id", "reading", "read_datetime", "read_type"}
# Worked out from the previous read: recomputed inside the door while the read
# is not billed.
DERIVED_FIELDS = {
    "previous_read_id",
    "previous_reading",
    "raw_consumption",
    "consumption",
    "days",
    "rollover",
}
# Every field the workflow owns: outside the door only the note and the read
# code of a read can be edited.
WORKFLOW_FIELDS = (
    IMMUTABLE_FIELDS
    | DERIVED_FIELDS
    | {
        "state",
        "account_id",
        "premise_id",
        "read_date",
        "source",
        "exception_code",
        "exception_note",
        "reread_requested",
        "correction_of_id",
        "billed_move_id",
        "import_id",
        "import_line",
        "company_id",
    }
)
# What a user's create() may give; the preparation works out the rest (previous
# read, consumption, exception, state).
USER_CREATE_FIELDS = {
    "meter_id",
    "read_datetime",
    "reading",
    "read_type",
    "source",
    "account_id",
    "premise_id",
    "company_id",
}
# Read types and sources a user enters; the others are made by workflows
# (meter installation and removal, start and stop of service, estimation,
# correction, service orders).
USER_READ_TYPES = ("actual", "customer")
USER_SOURCES = ("manual", "handheld", "ami")
# State changes the read's workflow makes. A rejected read (a correction's
# original included) never comes back; a billed read leaves 'billed' only when
# its bill is cancelled (``_release_from_bill``).
STATE_TRANSITIONS = {
    "to_review": {"to_review", "valid", "rejected"},
    "valid": {"valid", "to_review", "billed", "rejected"},
    "billed": {"billed"},
    "rejected": {"rejected"},
}
# Set only by ``_create_prepared``: create() then stores the values as given.
# A context variable of the running thread, which no RPC argument reaches.
_CREATE_PREPARED = contextvars.ContextVar("utility_read_create_prepared", default=False)
# ``_insert_prepared``: the stored computed fields it fills itself (a new one
# must be added there), and the reads inserted per INSERT statement.
INSERT_COMPUTED = frozenset({"read_date", "service_type_id"})
INSERT_BATCH = 1000
SQL_DEFAULT = AsIs("DEFAULT")


class UtilityMeterRead(models.Model):
    """One register reading of a meter.

    Consumption is worked out when the read is created, against the previous
    read of the same meter that was not rejected, with the register rollover and
    the meter multiplier applied, and converted to the service's billing unit.
    Reads are created in batches (imports, hand entry of a route, estimation):
    the look-ups cost a fixed number of queries per batch, not per read.
    """

    _name = "utility.meter.read"
    _description = "Meter Read"
    _inherit = ["mail.thread"]
    _order = "read_datetime desc, id desc"
    _rec_name = "meter_id"
    _check_company_auto = True

    meter_id = fields.Many2one(
        "utility.meter", required=True, index=True, check_company=True
    )
    account_id = fields.Many2one(
        "utility.account", index=True, check_company=True, tracking=True
    )
    premise_id = fields.Many2one("utility.premise", index=True, check_company=True)
    route_id = fields.Many2one(related="premise_id.route_id", string="Route")
    service_type_id = fields.Many2one(related="meter_id.service_type_id", store=True)
    read_datetime = fields.Datetime(
        string="Read Date and Time",
        required=True,
        index=True,
        default=fields.Datetime.now,
        tracking=True,
    )
    read_date = fields.Date(compute="_compute_read_date", store=True, index=True)
    reading = fields.Float(
        aggregator=None, digits="Utility Reading", required=True, tracking=True
    )
    read_type = fields.Selection(
        READ_TYPES, required=True, default="actual", index=True
    )
    source = fields.Selection(READ_SOURCES, required=True, default="manual")
    previous_read_id = fields.Many2one(
        "utility.meter.read", readonly=True, index="btree_not_null"
    )
    previous_reading = fields.Float(
        aggregator=None, digits="Utility Reading", readonly=True
    )
    previous_date = fields.Date(
        related="previous_read_id.read_date", string="Previous Read Date"
    )
    rollover = fields.Boolean(readonly=True, help="The register wrapped past zero.")
    raw_consumption = fields.Float(
        digits="Utility Consumption",
        readonly=True,
        help="Register difference times the multiplier, in the meter's unit.",
    )
    consumption = fields.Float(
        digits="Utility Consumption",
        readonly=True,
        help="Consumption in the service's billing unit.",
    )
    uom_id = fields.Many2one(related="service_type_id.uom_id", string="Unit")
    days = fields.Integer(
        aggregator=None, readonly=True, help="Days since the previous read."
    )
    average_daily = fields.Float(
        aggregator=None,
        compute="_compute_average_daily",
        digits="Utility Consumption",
        string="Daily Use",
    )
    exception_code = fields.Selection(EXCEPTION_CODES, string="Exception", index=True)
    exception_note = fields.Char()
    state = fields.Selection(
        [
            ("to_review", "To Review"),
            ("valid", "Valid"),
            ("billed", "Billed"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="valid",
        index=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    reread_requested = fields.Boolean(readonly=True)
    correction_of_id = fields.Many2one(
        "utility.meter.read", string="Corrects", readonly=True, index="btree_not_null"
    )
    corrected_by_ids = fields.One2many("utility.meter.read", "correction_of_id")
    billed_move_id = fields.Many2one(
        "account.move",
        string="Bill",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    import_id = fields.Many2one(
        "utility.read.import",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    import_line = fields.Integer(aggregator=None, readonly=True)
    read_code = fields.Char(help="Reader or device code (skip, trouble, tamper...).")
    note = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("read_datetime")
    def _compute_read_date(self):
        for read in self:
            read.read_date = read.read_datetime and read._local_date(
                read.read_datetime, read.company_id
            )

    @api.model
    def _local_date(self, value, company=None):
        """Date of a UTC datetime in the company's time zone (as the office sees
        it, whatever the user's zone: see utility_billing/tools/dates.py)."""
        company = company or self.company_id[:1] or self.env.company
        return company._utility_utc_to_local_date(value)

    @api.model
    def _to_read_datetime(self, value, company):
        """The UTC datetime of a read: a datetime as given; a date alone (or its
        text) is a keyed local date, stored at noon in the company's zone."""
        if not value:
            return fields.Datetime.now()
        if isinstance(value, str) and len(value) <= 10:
            value = fields.Date.to_date(value)
        if not isinstance(value, datetime) and isinstance(value, date):
            return company._utility_local_to_utc(value)
        return fields.Datetime.to_datetime(value)

    @api.depends("consumption", "days")
    def _compute_average_daily(self):
        for read in self:
            read.average_daily = read.consumption / read.days if read.days else 0.0

    @api.constrains("read_datetime")
    def _check_not_future(self):
        limit = fields.Datetime.now() + timedelta(days=1)
        for read in self:
            if read.read_datetime > limit:
                raise ValidationError(
                    self.env._(
                        "Meter %(serial)s: the read date %(date)s is in the future.",
                        serial=read.meter_id.serial,
                        date=read.read_datetime,
                    )
                )

    @api.constrains("reading")
    def _check_reading(self):
        for read in self:
            if read.reading < 0 or read.reading >= 10**read.meter_id.dials:
                raise ValidationError(
                    self.env._(
                        "Meter %(serial)s: reading %(reading)s does not fit its "
                        "%(dials)s-dial register.",
                        serial=read.meter_id.serial,
                        reading=read.reading,
                        dials=read.meter_id.dials,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):
        res = super().init()
        # One live read of a meter at a date and time. Rejected reads are history
        # and do not count: a correction rejects its original before the
        # corrected read (same meter, same time) is created, so the original and
        # its correction never collide, and a meter keeps every read it had.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS utility_meter_read_live_uniq
                       ON utility_meter_read (meter_id, read_datetime)
                    WHERE state != 'rejected'"""
            )
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if _CREATE_PREPARED.get():
            # Values prepared by server code (``_create_prepared``): stored as
            # they are. Reads created further down are prepared again.
            token = _CREATE_PREPARED.set(False)
            try:
                return super().create(vals_list)
            finally:
                _CREATE_PREPARED.reset(token)
        user_values = not is_trusted(self.env, READ_DOOR)
        if user_values:
            vals_list = self._check_user_create(vals_list)
        created, _rejected = self._create_reads(vals_list, user_values=user_values)
        return self.browse([created[i] for i in range(len(vals_list))])

    @api.model
    def _check_user_create(self, vals_list):
        """Values of reads a user creates, checked: what was read, never what the
        workflow works out (state, consumption, exception, bill, import...)."""
        checked = []
        for vals in vals_list:
            # Empty values of the prepared fields (a client sending its
            # defaults) are left to the preparation.
            vals = {
                fname: value
                for fname, value in vals.items()
                if value or fname not in WORKFLOW_FIELDS - USER_CREATE_FIELDS
            }
            check_protected(
                self,
                vals,
                WORKFLOW_FIELDS - USER_CREATE_FIELDS,
                READ_DOOR,
                message=self.env._(
                    "A new meter read gives the meter, the date and time and the "
                    "reading; its state, consumption, exception, bill and import "
                    "are worked out, not entered (%(fields)s).",
                    fields=", ".join(
                        sorted(set(vals) & (WORKFLOW_FIELDS - USER_CREATE_FIELDS))
                    ),
                ),
            )
            if (vals.get("read_type") or "actual") not in USER_READ_TYPES:
                raise UserError(
                    self.env._(
                        "Initial, final, estimated and corrected reads are made by "
                        "their workflows (meter installation and removal, start and "
                        "stop of service, estimation, correction): enter an actual "
                        "or a customer read."
                    )
                )
            if (vals.get("source") or "manual") not in USER_SOURCES:
                raise UserError(
                    self.env._(
                        "Reads from service orders and system estimates are made by "
                        "those workflows: enter the read as a manual, handheld or "
                        "AMR/AMI read."
                    )
                )
            checked.append(vals)
        return checked

    @api.model
    def _create_prepared(self, vals_list):
        """Create reads from values already prepared (previous read, consumption,
        state): server code only, e.g. a migration or a benchmark's baseline.

        No chatter on creation (an import creates tens of thousands of reads):
        the read's creator and date are its record; its chatter tracks what
        happens to it afterwards.
        """
        token = _CREATE_PREPARED.set(True)
        try:
            with workflow(READ_DOOR):
                return self.with_context(
                    tracking_disable=True, mail_create_nolog=True
                ).create(vals_list)
        finally:
            _CREATE_PREPARED.reset(token)

    @api.model
    def _insert_prepared(self, vals_list):
        """Create reads from values already prepared, as ``_create_prepared``
        does, in one INSERT per batch: for the hundreds of thousands of billed
        reads of a go-live conversion (server code only).

        Every stored column the ORM would fill is filled: the values given,
        the defaults of the fields not given, the stored computed and related
        fields (``INSERT_COMPUTED``) and the log access columns; the Python
        constraints and the company check run on the reads inserted, as after
        a create. No chatter, as ``_create_prepared``. A test proves an
        inserted read equal, field by field, to one created through the ORM.
        """
        if not vals_list:
            return self.browse()
        computed = {
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and field.compute
        }
        if computed - INSERT_COMPUTED:
            # A stored computed field added since: compute it here too.
            raise NotImplementedError(
                f"_insert_prepared does not fill {sorted(computed - INSERT_COMPUTED)}"
            )
        columns = [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and name != "id"
        ]
        # The defaults of every field (a row without a value takes it, as
        # create() gives it).
        defaults = self.default_get([name for name in columns if name not in computed])
        meters = self.env["utility.meter"].browse({v["meter_id"] for v in vals_list})
        service_types = {meter.id: meter.service_type_id.id for meter in meters}
        companies = self.env["res.company"].browse(
            {v.get("company_id") or defaults.get("company_id") for v in vals_list}
        )
        uid, now = self.env.uid, self.env.cr.now()
        stored_list, local_dates = [], {}
        for vals in vals_list:
            stored = {**defaults, **vals}
            stored["read_datetime"] = fields.Datetime.to_datetime(
                stored["read_datetime"]
            )
            key = (stored["read_datetime"], stored["company_id"])
            if key not in local_dates:
                local_dates[key] = self._local_date(key[0], companies.browse(key[1]))
            stored["read_date"] = local_dates[key]
            stored["service_type_id"] = service_types[stored["meter_id"]]
            stored.update(
                create_uid=uid, write_uid=uid, create_date=now, write_date=now
            )
            stored_list.append(stored)
        names = sorted(
            {name for stored in stored_list for name in stored} & set(columns)
        )
        rows = [
            tuple(
                self._fields[name].convert_to_column_insert(stored[name], self, stored)
                if name in stored
                else SQL_DEFAULT
                for name in names
            )
            for stored in stored_list
        ]
        ids = []
        for start in range(0, len(rows), INSERT_BATCH):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s) VALUES %s RETURNING id",
                    SQL.identifier(self._table),
                    SQL(", ").join(map(SQL.identifier, names)),
                    SQL(", ").join(rows[start : start + INSERT_BATCH]),
                )
            )
            ids.extend(row[0] for row in self.env.cr.fetchall())
        reads = self.browse(ids)
        # The one2many of the meters, accounts and imports read before.
        self.env.invalidate_all()
        reads._validate_fields(names)
        reads._check_company()
        return reads

    @api.model
    def _create_reads(
        self,
        vals_list,
        reject=None,
        user_values=False,
        check_duplicates=True,
        insert=False,
    ):
        """Prepare and create reads; return ({index: read_id}, {index: reason}).

        Several reads of one meter are created rank by rank (oldest first), so
        that each is measured from the one before it. ``reject(vals)`` may return
        a reason to leave a prepared read out (imports refuse negative reads).
        ``user_values``: the values come from a user's create() (checked against
        the meter's account and premise). ``check_duplicates``: refuse, with a
        clear message, a read of a meter at a date and time that already has a
        live read (imports skip those themselves). ``insert``: the prepared
        reads are inserted in one INSERT a batch (``_insert_prepared``), for a
        go-live conversion's read history.
        """
        order = sorted(
            range(len(vals_list)),
            key=lambda i: (
                vals_list[i].get("meter_id") or 0,
                fields.Datetime.to_datetime(
                    vals_list[i].get("read_datetime") or fields.Datetime.now()
                ),
            ),
        )
        ranked = {}
        seen = {}
        for index in order:
            meter_id = vals_list[index].get("meter_id")
            rank = seen.get(meter_id, 0)
            seen[meter_id] = rank + 1
            ranked.setdefault(rank, []).append(index)
        created, rejected = {}, {}
        with workflow(READ_DOOR):
            for rank in sorted(ranked):
                indexes = sorted(ranked[rank])
                prepared = self._prepare_reads(
                    [vals_list[i] for i in indexes], user_values=user_values
                )
                if check_duplicates:
                    self._check_duplicates(prepared)
                keep = []
                for index, vals in zip(indexes, prepared, strict=True):
                    reason = reject(vals) if reject else None
                    if reason:
                        rejected[index] = reason
                    else:
                        keep.append((index, vals))
                create = self._insert_prepared if insert else self._create_prepared
                reads = create([vals for _i, vals in keep])
                created.update(zip([i for i, _v in keep], reads.ids, strict=True))
            self.browse(list(created.values()))._recompute_later_reads()
        return created, rejected

    @api.model
    def _check_duplicates(self, prepared):
        """Refuse a read of a meter at a date and time that has a live read (the
        database refuses it too; this says it clearly)."""
        keys = [(vals["meter_id"], vals["read_datetime"]) for vals in prepared]
        duplicate = next(
            (key for i, key in enumerate(keys) if key in keys[:i]), None
        ) or next(iter(self._existing_live_reads(keys)), None)
        if duplicate:
            meter = self.env["utility.meter"].browse(duplicate[0])
            raise ValidationError(
                self.env._(
                    "Meter %(serial)s already has a read at %(date)s: correct that "
                    "read instead of entering another one.",
                    serial=meter.serial,
                    date=fields.Datetime.context_timestamp(self, duplicate[1]).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                )
            )

    @api.model
    def _existing_live_reads(self, keys):
        """{(meter_id, read_datetime): reading} of the live (not rejected) reads at
        the given (meter_id, read_datetime) keys."""
        if not keys:
            return {}
        self.flush_model(["meter_id", "read_datetime", "state", "reading"])
        self.env.cr.execute(
            SQL(
                """SELECT r.meter_id, r.read_datetime, r.reading
                     FROM utility_meter_read r
                     JOIN unnest(%s::int[], %s::timestamp[]) AS v(meter_id, dt)
                       ON r.meter_id = v.meter_id AND r.read_datetime = v.dt
                    WHERE r.state != 'rejected'""",
                [key[0] for key in keys],
                [key[1] for key in keys],
            )
        )
        return {(m, dt): reading for m, dt, reading in self.env.cr.fetchall()}

    def write(self, vals):
        if not is_trusted(self.env, READ_DOOR):
            check_protected(
                self,
                vals,
                WORKFLOW_FIELDS,
                READ_DOOR,
                message=self.env._(
                    "Meter reads keep their history: %(fields)s change only through "
                    "the read's own actions (accept, reject, re-read, correction, "
                    "billing), not by editing. To change a reading, enter a "
                    "correction.",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env)
                        for fname in sorted(set(vals) & WORKFLOW_FIELDS)
                    ),
                ),
            )
        if IMMUTABLE_FIELDS & set(vals):
            changed = self.filtered(
                lambda r: any(
                    r._fields[f].convert_to_cache(vals[f], r)
                    != r._fields[f].convert_to_cache(r[f], r)
                    for f in IMMUTABLE_FIELDS & set(vals)
                )
            )
            if changed:
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s cannot be changed: "
                        "enter a correction instead.",
                        serial=changed[0].meter_id.serial,
                        date=changed[0].read_date,
                    )
                )
        if DERIVED_FIELDS & set(vals):
            billed = self.filtered(lambda r: r.state == "billed")
            if billed:
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s has been billed: "
                        "correct the bill with an adjustment.",
                        serial=billed[0].meter_id.serial,
                        date=billed[0].read_date,
                    )
                )
        if "state" in vals:
            self._check_state_change(vals)
        return super().write(vals)

    def _check_state_change(self, vals):
        """The read's state machine, whoever writes (the superuser included)."""
        new_state = vals["state"]
        labels = dict(self._fields["state"]._description_selection(self.env))
        for read in self:
            if new_state in STATE_TRANSITIONS.get(read.state, ()):
                continue
            if read.state == "billed" and new_state != "billed":
                if (
                    new_state == "valid"
                    and in_workflow(READ_DOOR)
                    and "billed_move_id" in vals
                    and not vals["billed_move_id"]
                    and read.billed_move_id.state != "posted"
                ):
                    continue  # _release_from_bill: its bill was cancelled
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s has been billed: "
                        "correct the bill with an adjustment.",
                        serial=read.meter_id.serial,
                        date=read.read_date,
                    )
                )
            raise UserError(
                self.env._(
                    "Read of meter %(serial)s on %(date)s is %(state)s and cannot "
                    "become %(new)s: a rejected or corrected read is kept as "
                    "history; enter a new read or a correction.",
                    serial=read.meter_id.serial,
                    date=read.read_date,
                    state=labels[read.state],
                    new=labels.get(new_state, new_state),
                )
            )
        if new_state == "valid" and not self.env.su:
            flagged = self.filtered(lambda r: r.state == "to_review")
            if flagged and not self.env.user.has_group("utility_billing.group_csr_2"):
                raise AccessError(
                    self.env._(
                        "Only a Customer Service Representative II or a manager can "
                        "accept a flagged read."
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_not_valid(self):
        for read in self:
            if read.state in ("valid", "billed", "rejected"):
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s is %(state)s and cannot "
                        "be deleted: reads keep their history (reject it or enter a "
                        "correction).",
                        serial=read.meter_id.serial,
                        date=read.read_date,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[read.state],
                    )
                )

    def copy_data(self, default=None):
        raise UserError(
            self.env._("A meter read is not copied: enter a new read, or a correction.")
        )

    def _tracked(self):
        """These reads with chatter tracking on, whatever the caller's context:
        the read's history is not the caller's to switch off."""
        return self.with_context(tracking_disable=False, mail_notrack=False)
