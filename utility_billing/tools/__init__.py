from . import csv_safe
from . import read_formats
from . import workflow
