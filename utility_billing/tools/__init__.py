from . import read_formats
