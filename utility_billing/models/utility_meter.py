# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import check_protected, is_trusted, workflow

# The meter's door (tools/workflow.py): where a meter is and its state change
# only by installing, removing, retiring it or returning it to stock (each with
# its read and its event).
METER_DOOR = "utility.meter"
METER_WORKFLOW_FIELDS = ("state", "premise_id", "install_date")
METER_SIZES = [
    ("5/8", '5/8"'),
    ("3/4", '3/4"'),
    ("1", '1"'),
    ("1.5", '1 1/2"'),
    ("2", '2"'),
    ("3", '3"'),
    ("4", '4"'),
    ("6", '6"'),
    ("8", '8"'),
    ("10", '10"'),
]


class UtilityMeter(models.Model):
    """One physical meter, from stock to retirement, with every event kept."""

    _name = "utility.meter"
    _description = "Utility Meter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "serial"
    _rec_name = "serial"
    _check_company_auto = True

    serial = fields.Char(required=True, index=True, tracking=True)
    service_type_id = fields.Many2one(
        "utility.service.type",
        required=True,
        domain="[('metered', '=', True)]",
        tracking=True,
        check_company=True,
    )
    size = fields.Selection(METER_SIZES, required=True, default="3/4", tracking=True)
    make = fields.Char(tracking=True)
    model = fields.Char(tracking=True)
    dials = fields.Integer(
        aggregator=None,
        required=True,
        default=6,
        tracking=True,
        help="Number of register dials: the register rolls over to zero at 10^dials.",
    )
    multiplier = fields.Float(
        aggregator=None,
        required=True,
        default=1.0,
        digits=(12, 4),
        tracking=True,
        help="Register units times the multiplier give the volume measured.",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Register Unit",
        required=True,
        domain="[('category_id', '=', uom_category_id)]",
        default=lambda self: self.env.ref("utility_billing.uom_hcf", False),
        tracking=True,
    )
    uom_category_id = fields.Many2one(
        "uom.category",
        default=lambda self: self.env.ref("uom.product_uom_categ_vol", False),
    )
    endpoint_id = fields.Char(
        string="AMR/AMI Endpoint ID", index=True, tracking=True, copy=False
    )
    state = fields.Selection(
        [
            ("in_stock", "In Stock"),
            ("installed", "Installed"),
            ("removed", "Removed"),
            ("retired", "Retired"),
        ],
        required=True,
        default="in_stock",
        tracking=True,
        readonly=True,
        index=True,
        copy=False,
    )
    premise_id = fields.Many2one(
        "utility.premise",
        index=True,
        tracking=True,
        readonly=True,
        check_company=True,
        copy=False,
    )
    install_date = fields.Date(readonly=True, tracking=True, copy=False)
    purchase_date = fields.Date()
    event_ids = fields.One2many("utility.meter.event", "meter_id", string="History")
    read_ids = fields.One2many("utility.meter.read", "meter_id", string="Reads")
    last_read_id = fields.Many2one(
        "utility.meter.read", compute="_compute_last_read_id"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "serial_company_uniq",
            "unique(serial, company_id)",
            "A meter with this serial number already exists in this company.",
        ),
        (
            "endpoint_company_uniq",
            "unique(endpoint_id, company_id)",
            "Another meter already uses this AMR/AMI endpoint ID.",
        ),
    ]

    def _compute_last_read_id(self):
        last = self.env["utility.meter.read"]._get_last_valid_reads(self)
        for meter in self:
            meter.last_read_id = last.get(meter.id, False)

    @api.constrains("dials", "multiplier")
    def _check_register(self):
        for meter in self:
            if not 1 <= meter.dials <= 12:
                raise ValidationError(
                    self.env._(
                        "Meter %(serial)s: the number of dials must be between 1 and "
                        "12.",
                        serial=meter.serial,
                    )
                )
            if meter.multiplier <= 0:
                raise ValidationError(
                    self.env._(
                        "Meter %(serial)s: the multiplier must be positive.",
                        serial=meter.serial,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, METER_DOOR):
            for vals in vals_list:
                # A new meter is in stock, at no premise.
                check_protected(
                    self,
                    {
                        fname: value
                        for fname, value in vals.items()
                        if value and not (fname == "state" and value == "in_stock")
                    },
                    METER_WORKFLOW_FIELDS,
                    METER_DOOR,
                    message=self._protected_message(),
                )
        meters = super().create(vals_list)
        self.env["utility.meter.event"].create(
            [
                {
                    "meter_id": meter.id,
                    "event_type": "received",
                    "date": meter.company_id._utility_today(),
                }
                for meter in meters
            ]
        )
        return meters

    def write(self, vals):
        check_protected(
            self,
            vals,
            METER_WORKFLOW_FIELDS,
            METER_DOOR,
            message=self._protected_message(),
        )
        return super().write(vals)

    def _protected_message(self):
        return self.env._(
            "A meter's state, premise and install date change only by installing, "
            "removing or retiring it (each with its read), not by editing."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_stock_without_reads(self):
        for meter in self:
            if meter.state != "in_stock" or meter.read_ids:
                raise UserError(
                    self.env._(
                        "Meter %(serial)s has been installed or read; retire it "
                        "instead of deleting it.",
                        serial=meter.serial,
                    )
                )

    # ------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------

    def _install(self, premise, date, reading, account=False, note=False):
        """Install the meter at ``premise`` with an initial read."""
        self.ensure_one()
        if self.state != "in_stock":
            raise UserError(
                self.env._(
                    "Meter %(serial)s is %(state)s: only a meter in stock can be "
                    "installed.",
                    serial=self.serial,
                    state=dict(self._fields["state"].selection)[self.state],
                )
            )
        self._check_reading_fits(reading)
        with workflow(METER_DOOR):
            self.write(
                {"state": "installed", "premise_id": premise.id, "install_date": date}
            )
        self.env["utility.meter.event"].create(
            {
                "meter_id": self.id,
                "event_type": "installed",
                "date": date,
                "premise_id": premise.id,
                "reading": reading,
                "note": note,
            }
        )
        with workflow("utility.meter.read"):
            return self.env["utility.meter.read"].create(
                {
                    "meter_id": self.id,
                    "account_id": account.id if account else False,
                    "read_datetime": self.company_id._utility_local_to_utc(date),
                    "reading": reading,
                    "read_type": "initial",
                    "source": "service_order",
                }
            )

    def _remove(self, date, reading, note=False):
        """Remove the meter from its premise with a final read."""
        self.ensure_one()
        if self.state != "installed":
            raise UserError(
                self.env._("Meter %(serial)s is not installed.", serial=self.serial)
            )
        account_service = self.env["utility.account.service"].search(
            [
                ("meter_id", "=", self.id),
                ("account_id.state", "in", ("active", "final")),
            ],
            limit=1,
        )
        with workflow("utility.meter.read"):
            read = self.env["utility.meter.read"].create(
                {
                    "meter_id": self.id,
                    "account_id": account_service.account_id.id,
                    "read_datetime": self.company_id._utility_local_to_utc(date),
                    "reading": reading,
                    "read_type": "final",
                    "source": "service_order",
                }
            )
        # As at move-out: a lower reading is accepted only as a plausible
        # rollover of the register (or the true-up of an over-estimate).
        if read.consumption < 0 and read.previous_read_id.read_type != "estimated":
            raise UserError(
                self.env._(
                    "Meter %(serial)s: the final reading %(reading)s is below the "
                    "last reading "
                    "%(previous)s.",
                    serial=self.serial,
                    reading=read.reading,
                    previous=read.previous_reading,
                )
            )
        premise = self.premise_id
        with workflow(METER_DOOR):
            self.write({"state": "removed", "premise_id": False})
        if account_service:
            # The service keeps its history; the meter slot is emptied.
            account_service.meter_id = False
        self.env["utility.meter.event"].create(
            {
                "meter_id": self.id,
                "event_type": "removed",
                "date": date,
                "premise_id": premise.id,
                "reading": reading,
                "note": note,
            }
        )
        return read

    def _record_test(self, date, result, low=0.0, mid=0.0, high=0.0, note=False):
        self.ensure_one()
        if self.state == "retired":
            raise UserError(
                self.env._("Meter %(serial)s is retired.", serial=self.serial)
            )
        self.env["utility.meter.event"].create(
            {
                "meter_id": self.id,
                "event_type": "tested",
                "date": date,
                "premise_id": self.premise_id.id,
                "test_result": result,
                "test_accuracy_low": low,
                "test_accuracy_mid": mid,
                "test_accuracy_high": high,
                "note": note,
            }
        )
        self.message_post(
            body=self.env._(
                "Meter test on %(date)s: %(result)s.",
                date=date,
                result=dict(
                    self.env["utility.meter.event"]._fields["test_result"].selection
                )[result],
            )
        )

    def action_retire(self):
        for meter in self:
            if meter.state == "installed":
                raise UserError(
                    self.env._(
                        "Meter %(serial)s is installed: remove it with a final read "
                        "before retiring it.",
                        serial=meter.serial,
                    )
                )
            if meter.state == "retired":
                continue
            with workflow(METER_DOOR):
                meter.state = "retired"
            self.env["utility.meter.event"].create(
                {
                    "meter_id": meter.id,
                    "event_type": "retired",
                    "date": meter.company_id._utility_today(),
                }
            )
        return True

    def action_return_to_stock(self):
        for meter in self:
            if meter.state != "removed":
                raise UserError(
                    self.env._(
                        "Only a removed meter can go back to stock: %(serial)s.",
                        serial=meter.serial,
                    )
                )
            with workflow(METER_DOOR):
                meter.state = "in_stock"
            self.env["utility.meter.event"].create(
                {
                    "meter_id": meter.id,
                    "event_type": "returned",
                    "date": meter.company_id._utility_today(),
                }
            )
        return True

    def _check_reading_fits(self, reading):
        self.ensure_one()
        if reading < 0 or reading >= 10**self.dials:
            raise ValidationError(
                self.env._(
                    "Meter %(serial)s: reading %(reading)s does not fit a "
                    "%(dials)s-dial register.",
                    serial=self.serial,
                    reading=reading,
                    dials=self.dials,
                )
            )

    def _to_billing_units(self, register_quantity):
        """Register quantity (multiplier applied) in the service's billing unit."""
        self.ensure_one()
        target = self.service_type_id.uom_id
        if not target or target == self.uom_id:
            return register_quantity
        return self.uom_id._compute_quantity(register_quantity, target, round=False)

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_read_action"
        )
        action["domain"] = [("meter_id", "=", self.id)]
        action["context"] = {"default_meter_id": self.id}
        return action
