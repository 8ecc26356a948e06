# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import utility_counter_void
from . import utility_counter_nsf
from . import utility_cash_receipts_wizard
from . import utility_ach_return_import
from . import utility_ach_mandate_bank_change
from . import utility_delinquency_run_wizard
from . import utility_delinquency_reconnect
from . import utility_delinquency_sb998_report
from . import utility_record_payment
from . import utility_lockbox_import
