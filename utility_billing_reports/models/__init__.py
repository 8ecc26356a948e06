from . import utility_report_demo
