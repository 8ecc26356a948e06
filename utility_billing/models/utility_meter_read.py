# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextvars
from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_round

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
    def _create_reads(
        self, vals_list, reject=None, user_values=False, check_duplicates=True
    ):
        """Prepare and create reads; return ({index: read_id}, {index: reason}).

        Several reads of one meter are created rank by rank (oldest first), so
        that each is measured from the one before it. ``reject(vals)`` may return
        a reason to leave a prepared read out (imports refuse negative reads).
        ``user_values``: the values come from a user's create() (checked against
        the meter's account and premise). ``check_duplicates``: refuse, with a
        clear message, a read of a meter at a date and time that already has a
        live read (imports skip those themselves).
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
                reads = self._create_prepared([vals for _i, vals in keep])
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

    # ------------------------------------------------------------
    # Actions (review list)
    # ------------------------------------------------------------

    def _check_review_rights(self):
        """Only a CSR II (or a manager) settles the reads flagged for review."""
        if self.env.su or self.env.user.has_group("utility_billing.group_csr_2"):
            return
        raise AccessError(
            self.env._(
                "Only a Customer Service Representative II or a manager can "
                "accept a flagged read or ask for a re-read."
            )
        )

    def _check_waiting_review(self):
        for read in self:
            if read.state != "to_review":
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s is not waiting for "
                        "review.",
                        serial=read.meter_id.serial,
                        date=read.read_date,
                    )
                )

    def action_accept(self):
        """Accept flagged reads as valid."""
        self._check_review_rights()
        self.check_access("write")
        self._check_waiting_review()
        with workflow(READ_DOOR):
            self._tracked().write({"state": "valid"})
        for read in self:
            read.meter_id.message_post(
                body=self.env._(
                    "Read of %(date)s (%(reading)s, exception: %(exception)s) "
                    "accepted.",
                    date=read.read_date,
                    reading=read.reading,
                    exception=dict(self._fields["exception_code"].selection).get(
                        read.exception_code, "-"
                    ),
                )
            )
        self._follow_up_accepted()
        return True

    def action_request_reread(self):
        """Reject flagged reads and ask the field for a new read."""
        self._check_review_rights()
        self.check_access("write")
        self._check_waiting_review()
        with workflow(READ_DOOR):
            self._tracked().write({"state": "rejected", "reread_requested": True})
        for read in self:
            read.meter_id.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "Re-read meter %(serial)s", serial=read.meter_id.serial
                ),
                note=self.env._(
                    "The read of %(date)s (%(reading)s) was rejected at review.",
                    date=read.read_date,
                    reading=read.reading,
                ),
            )
        self._recompute_later_reads()
        self._follow_up_reread_requested()
        return True

    def action_reject(self):
        self.check_access("write")
        for read in self:
            if read.state == "billed":
                raise UserError(
                    self.env._(
                        "Read of meter %(serial)s on %(date)s has been billed.",
                        serial=read.meter_id.serial,
                        date=read.read_date,
                    )
                )
        with workflow(READ_DOOR):
            self._tracked().write({"state": "rejected"})
        self._recompute_later_reads()
        return True

    def action_correct(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct Read"),
            "res_model": "utility.read.correct",
            "view_mode": "form",
            "target": "new",
            "context": {"default_read_id": self.id},
        }

    def _correct(self, reading, note=False):
        """Replace this read by a corrected one; the original stays, rejected."""
        self.ensure_one()
        self.check_access("write")
        if self.state == "billed":
            raise UserError(
                self.env._(
                    "Read of meter %(serial)s on %(date)s has been billed: correct the "
                    "bill with an adjustment.",
                    serial=self.meter_id.serial,
                    date=self.read_date,
                )
            )
        if self.state == "rejected":
            raise UserError(
                self.env._(
                    "Read of meter %(serial)s on %(date)s is already rejected.",
                    serial=self.meter_id.serial,
                    date=self.read_date,
                )
            )
        with workflow(READ_DOOR):
            self._tracked().write({"state": "rejected"})
            corrected = self.create(
                {
                    "meter_id": self.meter_id.id,
                    "account_id": self.account_id.id,
                    "premise_id": self.premise_id.id,
                    "read_datetime": self.read_datetime,
                    "reading": reading,
                    "read_type": "corrected",
                    "source": "manual",
                    "correction_of_id": self.id,
                    "note": note,
                    "company_id": self.company_id.id,
                }
            )
        self._tracked().message_post(
            body=self.env._(
                "Corrected: reading %(old)s replaced by %(new)s (%(reason)s).",
                old=self.reading,
                new=reading,
                reason=note or "-",
            )
        )
        return corrected

    def _release_from_bill(self):
        """Billed reads of a cancelled bill go back to valid, to be billed again
        (for a cancel-and-rebill workflow). Reads of a posted bill stay billed."""
        posted = self.filtered(lambda r: r.billed_move_id.state == "posted")
        if posted:
            raise UserError(
                self.env._(
                    "Read of meter %(serial)s on %(date)s is on posted bill "
                    "%(bill)s: cancel the bill first.",
                    serial=posted[0].meter_id.serial,
                    date=posted[0].read_date,
                    bill=posted[0].billed_move_id.name,
                )
            )
        billed = self.filtered(lambda r: r.state == "billed")
        with workflow(READ_DOOR):
            billed._tracked().write({"state": "valid", "billed_move_id": False})
            (self - billed).filtered("billed_move_id").write({"billed_move_id": False})
        return True

    # ------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------

    def _get_exception_rules(self, code=None):
        """{read id: rule}: the exception rule of kind ``code`` (default: each
        read's own exception) for the read's service and customer class, or None.
        """
        resolve = self.env["utility.read.exception.rule"]._get_rule_resolver(
            self.company_id
        )
        return {
            read.id: resolve(
                read.company_id.id,
                code or read.exception_code,
                read.service_type_id.id,
                read.meter_id.premise_id.customer_class
                or read.premise_id.customer_class,
            )
            for read in self
        }

    def _follow_up_accepted(self):
        """Accepted high use: an investigation order and a customer notice, as the
        high-use rule of the read's class says (both when no rule applies)."""
        high = self.filtered(lambda r: r.exception_code == "high")
        if not high:
            return
        rules = high._get_exception_rules()
        order_reads = high.filtered(
            lambda r: not rules[r.id] or rules[r.id].create_service_order
        )
        orders = self.env["utility.service.order"]._create_from_reads(
            order_reads, "investigate"
        )
        notice_reads = high.filtered(
            lambda r: not rules[r.id] or rules[r.id].notify_customer
        )
        self.env["utility.notice"]._create_high_usage_notices(notice_reads, orders)

    def _follow_up_reread_requested(self):
        """Negative reads sent back for a re-read get a re-read service order, as
        the negative rule of the read's class says (an order when no rule applies).
        """
        negative = self.filtered(lambda r: r.exception_code == "negative")
        if not negative:
            return
        rules = negative._get_exception_rules()
        order_reads = negative.filtered(
            lambda r: not rules[r.id] or rules[r.id].create_service_order
        )
        self.env["utility.service.order"]._create_from_reads(order_reads, "reread")

    @api.model
    def _get_last_valid_reads(self, meters):
        """{meter_id: read}: the last read of each meter that is not rejected."""
        if not meters:
            return {}
        self.flush_model(["meter_id", "state", "read_datetime"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (meter_id) meter_id, id
                     FROM utility_meter_read
                    WHERE meter_id = ANY(%s) AND state != 'rejected'
                 ORDER BY meter_id, read_datetime DESC, id DESC""",
                list(meters.ids),
            )
        )
        return {
            meter_id: self.browse(read_id)
            for meter_id, read_id in self.env.cr.fetchall()
        }

    @api.model
    def _fetch_previous(self, keys):
        """Previous non-rejected read for each (meter_id, read_datetime) in keys.

        :return: list aligned with keys of tuples
            (id, reading, read_datetime, read_type) or None
        """
        if not keys:
            return []
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT v.idx, p.id, p.reading, p.read_datetime, p.read_type
                     FROM unnest(%s::int[], %s::timestamp[], %s::int[])
                          AS v(meter_id, dt, idx)
                     JOIN LATERAL (
                          SELECT r.id, r.reading, r.read_datetime, r.read_type
                            FROM utility_meter_read r
                           WHERE r.meter_id = v.meter_id
                             AND r.state != 'rejected'
                             AND r.read_datetime < v.dt
                             AND r.id != ALL(%s::int[])
                        ORDER BY r.read_datetime DESC, r.id DESC
                           LIMIT 1) p ON TRUE""",
                [k[0] for k in keys],
                [k[1] for k in keys],
                list(range(len(keys))),
                [k[2] or 0 for k in keys],
            )
        )
        result = [None] * len(keys)
        for idx, read_id, reading, read_dt, read_type in self.env.cr.fetchall():
            result[idx] = (read_id, reading, read_dt, read_type)
        return result

    @api.model
    def _fetch_history(self, meter_ids, depth=14):
        """Last ``depth`` valid or billed reads with consumption, per meter.

        :return: {meter_id: [(read_date, consumption, days, read_type), ...]}
            newest first
        """
        if not meter_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT meter_id, read_date, consumption, days, read_type
                     FROM (SELECT meter_id, read_date, consumption, days, read_type,
                                  row_number() OVER (PARTITION BY meter_id
                                         ORDER BY read_datetime DESC, id DESC) AS rn
                             FROM utility_meter_read
                            WHERE meter_id = ANY(%s)
                              AND state IN ('valid', 'billed')
                              AND read_type != 'initial') h
                    WHERE rn <= %s
                 ORDER BY meter_id, rn""",
                list(meter_ids),
                depth,
            )
        )
        history = {}
        for meter_id, read_date, consumption, days, read_type in self.env.cr.fetchall():
            history.setdefault(meter_id, []).append(
                (read_date, consumption, days, read_type)
            )
        return history

    @api.model
    def _fetch_meter_accounts(self, meter_ids):
        """{meter_id: (account_id, account_state, premise_id)} for the account
        currently served through each meter (active first, then final)."""
        if not meter_ids:
            return {}
        self.env["utility.account.service"].flush_model()
        self.env["utility.account"].flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (s.meter_id) s.meter_id, a.id, a.state
                     FROM utility_account_service s
                     JOIN utility_account a ON a.id = s.account_id
                    WHERE s.meter_id = ANY(%s)
                      AND a.state IN ('active', 'final', 'draft')
                 ORDER BY s.meter_id,
                          CASE a.state WHEN 'active' THEN 0
                                      WHEN 'final' THEN 1 ELSE 2 END,
                          a.id DESC""",
                list(meter_ids),
            )
        )
        return {
            meter_id: (account_id, state)
            for meter_id, account_id, state in self.env.cr.fetchall()
        }

    @api.model
    def _prepare_reads(self, vals_list, user_values=False):
        """Complete read values with previous read, consumption and exception.

        Works on the whole batch with a fixed number of queries. Values that set
        ``state`` explicitly keep it (e.g. reads migrated as billed): only server
        code does. ``user_values``: a user's read names no account or premise
        but the meter's own.
        """
        vals_list = [dict(vals) for vals in vals_list]
        Meter = self.env["utility.meter"]
        meter_ids = list(
            {vals["meter_id"] for vals in vals_list if vals.get("meter_id")}
        )
        meters = Meter.browse(meter_ids)
        meters.fetch(
            [
                "dials",
                "multiplier",
                "uom_id",
                "service_type_id",
                "premise_id",
                "company_id",
            ]
        )
        # The exception checks read the premise's customer class: load it for the
        # whole batch, and use the batch's records (one prefetch set), not one
        # browse() per read, which would cost a query per read.
        meters.premise_id.fetch(["customer_class"])
        meter_by_id = {meter.id: meter for meter in meters}
        meter_accounts = self._fetch_meter_accounts(meter_ids)
        for vals in vals_list:
            if not vals.get("meter_id"):
                raise ValidationError(self.env._("A meter read needs a meter."))
            meter = meter_by_id[vals["meter_id"]]
            vals["read_datetime"] = self._to_read_datetime(
                vals.get("read_datetime"), meter.company_id
            )
            if user_values:
                self._check_user_account(vals, meter, meter_accounts)
            vals.setdefault("company_id", meter.company_id.id)
            vals.setdefault("premise_id", meter.premise_id.id)
            if not vals.get("account_id") and vals["meter_id"] in meter_accounts:
                vals["account_id"] = meter_accounts[vals["meter_id"]][0]
        # Previous read: from the database, or an earlier read of the same batch.
        order = sorted(
            range(len(vals_list)),
            key=lambda i: (vals_list[i]["meter_id"], vals_list[i]["read_datetime"]),
        )
        correction_ids = [vals.get("correction_of_id") for vals in vals_list]
        previous = self._fetch_previous(
            [
                (vals["meter_id"], vals["read_datetime"], correction_ids[i])
                for i, vals in enumerate(vals_list)
            ]
        )
        last_in_batch = {}
        for i in order:
            vals = vals_list[i]
            prev = previous[i]
            batch_prev = last_in_batch.get(vals["meter_id"])
            if (
                batch_prev
                and (not prev or batch_prev[2] >= prev[2])
                and batch_prev[2] < vals["read_datetime"]
            ):
                prev = batch_prev
            previous[i] = prev
            last_in_batch[vals["meter_id"]] = (
                None,
                vals["reading"],
                vals["read_datetime"],
                vals.get("read_type", "actual"),
            )
        history = self._fetch_history(meter_ids)
        resolve = self.env["utility.read.exception.rule"]._get_rule_resolver(
            meters.company_id
        )
        for i, vals in enumerate(vals_list):
            meter = meter_by_id[vals["meter_id"]]
            self._compute_consumption_vals(vals, meter, previous[i])
            if "state" not in vals:
                account = meter_accounts.get(vals["meter_id"])
                code, note = self._check_exceptions(
                    vals, meter, account, history.get(meter.id, []), resolve
                )
                vals["exception_code"] = code
                vals["exception_note"] = note
                vals["state"] = "to_review" if code else "valid"
        return vals_list

    @api.model
    def _check_user_account(self, vals, meter, meter_accounts):
        """A read a user enters belongs to the account served through its meter
        and to the meter's premise: it is not attributed elsewhere."""
        account_id = meter_accounts.get(meter.id, (False,))[0]
        if vals.get("account_id") and vals["account_id"] != account_id:
            raise UserError(
                self.env._(
                    "Meter %(serial)s does not serve the account given: a read "
                    "belongs to the account served through its meter.",
                    serial=meter.serial,
                )
            )
        if vals.get("premise_id") and vals["premise_id"] != meter.premise_id.id:
            raise UserError(
                self.env._(
                    "Meter %(serial)s is not installed at the premise given: a "
                    "read belongs to the meter's premise.",
                    serial=meter.serial,
                )
            )

    @api.model
    def _compute_consumption_vals(self, vals, meter, prev):
        """Fill previous read, days, rollover and consumption in ``vals``."""
        read_type = vals.get("read_type", "actual")
        reading = vals["reading"]
        if read_type == "initial" or not prev:
            vals.update(
                previous_read_id=False,
                previous_reading=0.0,
                days=0,
                rollover=False,
                raw_consumption=0.0,
                consumption=0.0,
            )
            return
        prev_id, prev_reading, prev_dt, prev_type = prev
        delta = reading - prev_reading
        rollover = False
        if delta < 0:
            capacity = 10**meter.dials
            wrapped = reading + capacity - prev_reading
            # After an estimate, a lower reading is the true-up of an
            # over-estimate unless the wrap is the smaller, likelier step.
            if wrapped <= capacity * ROLLOVER_MAX_FRACTION and (
                prev_type != "estimated" or wrapped < -delta
            ):
                delta = wrapped
                rollover = True
            # else: a negative delta stays negative. After an estimate it is the
            # true-up of an over-estimate; otherwise it is flagged 'negative'.
        raw = float_round(delta * meter.multiplier, precision_digits=3)
        vals.update(
            previous_read_id=prev_id or False,
            previous_reading=prev_reading,
            days=(
                self._local_date(vals["read_datetime"], meter.company_id)
                - self._local_date(prev_dt, meter.company_id)
            ).days,
            rollover=rollover,
            raw_consumption=raw,
            consumption=float_round(meter._to_billing_units(raw), precision_digits=3),
        )

    @api.model
    def _check_exceptions(self, vals, meter, account, history, resolve):
        """(exception_code, note) of a read about to be created, or (False, False)."""
        read_type = vals.get("read_type", "actual")
        if read_type == "initial":
            return False, False
        consumption = vals["consumption"]
        company_id = meter.company_id.id
        service_type_id = meter.service_type_id.id
        customer_class = meter.premise_id.customer_class
        read_date = self._local_date(vals["read_datetime"], meter.company_id)
        history = [h for h in history if h[0] and h[0] < read_date]

        def rule(code):
            return resolve(company_id, code, service_type_id, customer_class)

        if vals.get("previous_read_id") is not None and consumption < 0:
            prev_estimated = False
            if vals.get("previous_read_id"):
                prev_estimated = (
                    self.browse(vals["previous_read_id"]).read_type == "estimated"
                )
            if not prev_estimated and rule("negative"):
                return "negative", self.env._(
                    "Reading %(reading)s is below the previous reading %(previous)s "
                    "and is not a plausible rollover of a %(dials)s-dial register.",
                    reading=vals["reading"],
                    previous=vals["previous_reading"],
                    dials=meter.dials,
                )
        account_state = account[1] if account else False
        if (
            consumption > 0
            and account_state not in ("active", "final")
            and rule("inactive")
        ):
            return "inactive", self.env._(
                "Use recorded on a meter with no active account."
            )
        if read_type == "estimated":
            return self._check_estimates(rule("estimates"), history)
        if not vals.get("previous_read_id"):
            return False, False
        if consumption == 0 and account_state == "active" and rule("zero"):
            return "zero", self.env._("No use recorded on an active account.")
        days = vals.get("days") or 0
        if consumption <= 0 or days <= 0:
            return False, False
        return self._check_usage(consumption, days, history, read_date, rule)

    @api.model
    def _check_estimates(self, rule, history):
        """Flag an estimate beyond the consecutive estimates the rule allows."""
        if not rule:
            return False, False
        consecutive = 0
        for h in history:
            if h[3] != "estimated":
                break
            consecutive += 1
        if consecutive + 1 > rule.max_estimates:
            return "estimates", self.env._(
                "%(count)s consecutive estimates (%(max)s allowed).",
                count=consecutive + 1,
                max=rule.max_estimates,
            )
        return False, False

    @api.model
    def _check_usage(self, consumption, days, history, read_date, rule):
        """High and low use against the reference daily use."""
        daily = consumption / days
        for code in ("high", "low"):
            r = rule(code)
            if not r:
                continue
            reference = self._reference_daily_use(r, history, read_date)
            if reference is None:
                continue
            factor = r.threshold_percent / 100.0
            if (
                code == "high"
                and consumption >= r.min_consumption
                and daily > reference * (1 + factor)
            ):
                return "high", self.env._(
                    "Daily use %(daily).3f is more than %(pct)s%% above the reference "
                    "%(ref).3f.",
                    daily=daily,
                    pct=r.threshold_percent,
                    ref=reference,
                )
            if code == "low" and daily < reference * (1 - factor):
                return "low", self.env._(
                    "Daily use %(daily).3f is more than %(pct)s%% below the reference "
                    "%(ref).3f.",
                    daily=daily,
                    pct=r.threshold_percent,
                    ref=reference,
                )
        return False, False

    @api.model
    def _reference_daily_use(self, rule, history, read_date):
        """Average daily use the read is compared with, or None without history."""
        if rule.basis == "last_year":
            target = read_date - timedelta(days=365)
            candidates = [
                h for h in history if h[2] and abs((h[0] - target).days) <= 20
            ]
            if not candidates:
                return None
            h = min(candidates, key=lambda h: abs((h[0] - target).days))
            return h[1] / h[2]
        recent = [h for h in history if h[2] and h[3] != "estimated"][
            : rule.history_count
        ]
        if not recent:
            return None
        total_days = sum(h[2] for h in recent)
        return sum(h[1] for h in recent) / total_days if total_days else None

    def _recompute_later_reads(self):
        """Recompute consumption of unbilled reads that follow these reads.

        A correction, a rejection or a back-dated read changes what the next read
        of the meter is measured from.
        """
        if not self:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (later.meter_id) later.id
                     FROM utility_meter_read later
                     JOIN utility_meter_read r ON r.meter_id = later.meter_id
                    WHERE r.id = ANY(%s)
                      AND later.id != ALL(%s)
                      AND later.read_datetime > r.read_datetime
                      AND later.state IN ('valid', 'to_review')
                 ORDER BY later.meter_id, later.read_datetime, later.id""",
                self.ids,
                self.ids,
            )
        )
        later = self.browse([row[0] for row in self.env.cr.fetchall()])
        for read in later:
            prev = self._fetch_previous(
                [(read.meter_id.id, read.read_datetime, read.id)]
            )[0]
            vals = {
                "reading": read.reading,
                "read_datetime": read.read_datetime,
                "read_type": read.read_type,
            }
            self._compute_consumption_vals(vals, read.meter_id, prev)
            changes = {
                k: v
                for k, v in vals.items()
                if k not in ("reading", "read_datetime", "read_type")
                and (read[k].id if k == "previous_read_id" and read[k] else read[k])
                != v
            }
            if changes.get("consumption", 0) < 0 and read.state == "valid":
                # A read turned negative goes back to review, as it would at entry.
                Rule = self.env["utility.read.exception.rule"]
                resolve = Rule._get_rule_resolver(read.company_id)
                code, note = self._check_exceptions(
                    vals, read.meter_id, None, [], resolve
                )
                if code == "negative":
                    changes.update(
                        exception_code=code, exception_note=note, state="to_review"
                    )
            if changes:
                with workflow(READ_DOOR):
                    read._tracked().write(changes)

    # ------------------------------------------------------------
    # Estimation
    # ------------------------------------------------------------

    @api.model
    def _estimate_missing(
        self, cycle, read_datetime, period_start, basis="average", history_count=3
    ):
        """Estimate a read for each billed meter of ``cycle`` with no read since
        ``period_start``.

        The estimate is the average daily use (over the last ``history_count``
        actual reads, or the same period last year) times the days since the last
        read. The next actual read is measured from the estimate, which trues it up.

        :return: (estimated reads, {meter: reason} for meters left without estimate)
        """
        read_datetime = fields.Datetime.to_datetime(read_datetime)
        read_date = self._local_date(read_datetime, cycle.company_id)
        meters = self.env["utility.meter"].search(
            [
                ("state", "=", "installed"),
                ("premise_id.route_id.cycle_id", "=", cycle.id),
            ]
        )
        accounts = self._fetch_meter_accounts(meters.ids)
        meters = meters.filtered(
            lambda m: accounts.get(m.id, (0, ""))[1] in ("active", "final")
        )
        read_meter_ids = set()
        if meters:
            groups = self._read_group(
                [
                    ("meter_id", "in", meters.ids),
                    ("state", "!=", "rejected"),
                    ("read_date", ">=", period_start),
                    ("read_date", "<=", read_date),
                ],
                ["meter_id"],
                ["__count"],
            )
            read_meter_ids = {meter.id for meter, _count in groups}
        meters = meters.filtered(lambda m: m.id not in read_meter_ids)
        last_reads = self._get_last_valid_reads(meters)
        history = self._fetch_history(meters.ids)
        vals_list, skipped = [], {}
        for meter in meters:
            last = last_reads.get(meter.id)
            if not last:
                skipped[meter] = self.env._("no previous read")
                continue
            daily = None
            entries = history.get(meter.id, [])
            if basis == "last_year":
                target = read_date - timedelta(days=365)
                near = [h for h in entries if h[2] and abs((h[0] - target).days) <= 20]
                if near:
                    h = min(near, key=lambda h: abs((h[0] - target).days))
                    daily = h[1] / h[2]
            if daily is None:
                recent = [h for h in entries if h[2] and h[3] != "estimated"][
                    :history_count
                ]
                total_days = sum(h[2] for h in recent)
                if total_days:
                    daily = sum(h[1] for h in recent) / total_days
            if daily is None:
                skipped[meter] = self.env._("no usage history to estimate from")
                continue
            days = (read_date - last.read_date).days
            if days <= 0:
                skipped[meter] = self.env._("last read is not before the estimate date")
                continue
            billing_units = max(daily, 0.0) * days
            register_units = billing_units
            target_uom = meter.service_type_id.uom_id
            if target_uom and target_uom != meter.uom_id:
                register_units = target_uom._compute_quantity(
                    billing_units, meter.uom_id, round=False
                )
            reading = round(last.reading + register_units / meter.multiplier) % (
                10**meter.dials
            )
            vals_list.append(
                {
                    "meter_id": meter.id,
                    "read_datetime": read_datetime,
                    "reading": reading,
                    "read_type": "estimated",
                    "source": "system",
                    "note": self.env._(
                        "Estimated: %(daily).3f a day over %(days)s days.",
                        daily=daily,
                        days=days,
                    ),
                }
            )
        with workflow(READ_DOOR):
            return self.create(vals_list), skipped
