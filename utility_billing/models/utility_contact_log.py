# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The log of the attempts to reach a customer about a shut-off (SB 998, HSC
116908(a)(2)), shown on the account's SB 998 tab."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class UtilityContactLog(models.Model):
    """One attempt to reach the customer about a shut-off: a phone call, a
    letter returned undeliverable, the good-faith visit and the notice posted
    at the residence (HSC 116908(a)(2))."""

    _name = "utility.contact.log"
    _description = "Utility Customer Contact Log"
    _order = "contact_date desc, id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, readonly=True
    )
    kind = fields.Selection(
        [
            ("phone_attempt", "Phone: Not Reached"),
            ("phone_reached", "Phone: Reached"),
            ("letter_returned", "Letter Returned Undeliverable"),
            ("site_visit", "Site Visit"),
            ("notice_posted", "Notice Posted at the Residence"),
            ("email", "E-mail"),
        ],
        required=True,
    )
    contact_date = fields.Datetime(
        string="Date", required=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    phone = fields.Char(help="The number called.")
    notice_id = fields.Many2one(
        "utility.notice",
        check_company=True,
        domain="[('account_id', '=', account_id)]",
        help="The letter returned, or the notice left at the residence.",
    )
    outcome = fields.Char(help="What happened: no answer, voicemail, spoke to …")
    note = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                # Who recorded it is the user recording it.
                vals["user_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        if "user_id" in vals and not self.env.su:
            raise UserError(
                self.env._("Contact log: who recorded a contact cannot change.")
            )
        return super().write(vals)

    def _local_date(self):
        self.ensure_one()
        return self.company_id._utility_utc_to_local_date(self.contact_date)
