# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .utility_service_type import CUSTOMER_CLASSES

EXCEPTION_CODES = [
    ("high", "High use"),
    ("low", "Low use"),
    ("zero", "Zero use on an active account"),
    ("negative", "Negative consumption"),
    ("inactive", "Use on an inactive account"),
    ("estimates", "Too many consecutive estimates"),
]


class UtilityReadExceptionRule(models.Model):
    """A pre-bill check on meter reads, by service type and customer class.

    When several rules of the same kind match a read, the most specific one
    applies: service type and class, then service type, then class, then the
    general rule.
    """

    _name = "utility.read.exception.rule"
    _description = "Meter Read Exception Rule"
    _inherit = ["mail.thread"]
    _order = "exception_code, service_type_id, customer_class, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    exception_code = fields.Selection(
        EXCEPTION_CODES, string="Exception", required=True, tracking=True
    )
    service_type_id = fields.Many2one(
        "utility.service.type",
        tracking=True,
        check_company=True,
        help="Leave empty to apply to every metered service.",
    )
    customer_class = fields.Selection(
        CUSTOMER_CLASSES, tracking=True, help="Leave empty to apply to every class."
    )
    basis = fields.Selection(
        [
            ("average", "Average daily use over the last reads"),
            ("last_year", "Same period last year"),
        ],
        default="average",
        tracking=True,
        help="What high and low use are compared with.",
    )
    history_count = fields.Integer(
        aggregator=None,
        string="Reads in Average",
        default=3,
        tracking=True,
        help="Number of previous reads whose average daily use is the reference.",
    )
    threshold_percent = fields.Float(
        aggregator=None,
        string="Threshold (%)",
        default=100.0,
        tracking=True,
        help="High use: flagged when use exceeds the reference by more than this "
        "percentage. Low use: flagged when use is below the reference by more "
        "than this percentage.",
    )
    min_consumption = fields.Float(
        aggregator=None,
        string="Minimum Use Checked",
        default=0.0,
        help="High-use checks ignore reads below this consumption (billing units), "
        "so that tiny users are not flagged for small swings.",
    )
    max_estimates = fields.Integer(
        aggregator=None,
        string="Consecutive Estimates Allowed",
        default=2,
        tracking=True,
        help="An estimate beyond this number of consecutive estimates is flagged.",
    )
    notify_customer = fields.Boolean(
        string="Notify the Customer",
        default=True,
        tracking=True,
        help="High use: when a CSR II accepts the flagged read, the customer gets a "
        "high-usage notice (e-mail if paperless, else a letter).",
    )
    create_service_order = fields.Boolean(
        default=True,
        tracking=True,
        help="High use: accepting the flagged read creates an investigation order. "
        "Negative read: requesting a re-read creates a re-read order.",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.constrains("history_count", "threshold_percent", "max_estimates")
    def _check_values(self):
        for rule in self:
            if rule.history_count < 1 or rule.history_count > 12:
                raise ValidationError(
                    self.env._(
                        "Rule %(name)s: the number of reads in the average must be "
                        "between 1 and 12.",
                        name=rule.name,
                    )
                )
            if rule.threshold_percent < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(name)s: the threshold cannot be negative.",
                        name=rule.name,
                    )
                )
            if rule.max_estimates < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(name)s: consecutive estimates allowed cannot be "
                        "negative.",
                        name=rule.name,
                    )
                )

    def _specificity(self):
        self.ensure_one()
        return (2 if self.service_type_id else 0) + (1 if self.customer_class else 0)

    @api.model
    def _get_rule_resolver(self, companies):
        """Return ``resolve(company_id, code, service_type_id, customer_class)``.

        Loads every active rule of ``companies`` once, so that checking many reads
        costs no query per read.
        """
        rules = self.search([("company_id", "in", companies.ids)])
        by_key = {}
        for rule in rules:
            by_key.setdefault((rule.company_id.id, rule.exception_code), []).append(
                rule
            )
        for candidates in by_key.values():
            candidates.sort(key=lambda r: -r._specificity())

        def resolve(company_id, code, service_type_id, customer_class):
            for rule in by_key.get((company_id, code), ()):
                if rule.service_type_id and rule.service_type_id.id != service_type_id:
                    continue
                if rule.customer_class and rule.customer_class != customer_class:
                    continue
                return rule
            return None

        return resolve
