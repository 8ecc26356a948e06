# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import res_company
from . import res_config_settings
from . import product_template
from . import pos_config
from . import pos_payment_method
from . import utility_account
from . import pos_order
from . import pos_session
from . import res_company_ach
from . import res_config_settings_ach
from . import utility_ach_mandate
from . import utility_ach_batch
from . import utility_ach_return
from . import utility_notice_ach
from . import utility_account_ach
from . import res_company_delinquency
from . import res_config_settings_delinquency
from . import utility_delinquency_policy
from . import utility_delinquency_run
from . import utility_notice_delinquency
from . import utility_account_delinquency
from . import account_move_delinquency
from . import utility_shutoff_list
from . import utility_service_order_delinquency
from . import utility_payment_plan
from . import utility_collection_referral
