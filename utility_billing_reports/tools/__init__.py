from . import csv_safe
