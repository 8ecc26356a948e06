# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_counter_tours
from . import test_delinquency_run
from . import test_delinquency_safeguards
from . import test_delinquency_penalty
from . import test_payment_plan
from . import test_delinquency_reconnect
from . import test_counter_payment
from . import test_delinquency_collection
from . import test_delinquency_notice
from . import test_delinquency_access
from . import test_ach_nacha
from . import test_ach_mandate
from . import test_ach_batch
from . import test_ach_return
from . import test_controls_payments
from . import test_utility_settings
from . import test_business_days
from . import test_delinquency_every_payment
from . import test_delinquency_truck
from . import test_delinquency_fees
from . import test_payment_plan_default
from . import test_delinquency_run_failures
from . import test_delinquency_idempotent
from . import test_delinquency_occupant
from . import test_record_payment
from . import test_payment_batch
