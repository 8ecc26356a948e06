from . import utility_report_filter_mixin
from . import utility_report_aged_receivable_line
from . import utility_report_aged_receivable
from . import utility_report_month_end
from . import utility_report_export
from . import utility_report_export_sheets
