from . import account_move
from . import res_config_settings
from . import utility_month_close
from . import utility_report_demo
from . import utility_report_revenue_sum
from . import utility_settings
