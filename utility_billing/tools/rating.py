# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The small objects the billing run's rating pipeline passes between its
hooks (``utility.billing.run.line``): what a batch of accounts shares, and what
rating one account decided.

An extension module imports them to build its own results::

    from odoo.addons.utility_billing.tools.rating import AccountRating

    def _rate_service(self, service, rating, batch):
        if service.service_type_id.code == "SOLAR":
            return AccountRating(charges=self._solar_charges(service, rating))
        return super()._rate_service(service, rating, batch)
"""

import dataclasses
import datetime


@dataclasses.dataclass
class RatingBatch:
    """What the lines of a batch share, read once by ``_read_period``."""

    #: {account_id: this run's own bill of the period} (a compute done again)
    existing: dict
    #: {account_id: another bill overlapping the period}
    overlapping: dict
    #: {meter_id: [valid unbilled reads of the period, oldest first]}
    reads_by_meter: dict
    #: {(meter_id, account_id)} with a read to review in the period
    review_meters: set
    #: {account_id: monthly winter average use} for winter-average rates
    winter: dict
    #: rate versions in effect, kept by ``utility.rate.schedule._rate``
    versions_cache: dict = dataclasses.field(default_factory=dict)
    #: codes of the installed languages (charge labels in the account's)
    installed_langs: frozenset = frozenset()


@dataclasses.dataclass
class AccountRating:
    """What rating an account (or one of its services) decided: charges and
    the reads they bill, or why the account is held."""

    #: why the account is held (translated); empty when it is billed
    hold_reason: str = ""
    #: charge dicts of ``utility.rate.schedule._rate`` (plus ``service``)
    charges: list = dataclasses.field(default_factory=list)
    #: ids of the reads the bill bills
    read_ids: list = dataclasses.field(default_factory=list)
    #: the days billed (the account's part of the run's period)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    #: a final bill (the account ends in the period)
    is_final: bool = False
    #: share of a full period the fixed charges bill (1.0 normally)
    proration: float = 1.0
