from . import csv_safe
from . import read_formats
from . import workflow
from . import dates
from . import business_calendar
from . import numbering
from . import rating
from . import odoo_sql
