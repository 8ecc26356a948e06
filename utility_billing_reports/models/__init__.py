from . import res_config_settings
from . import utility_report_demo
