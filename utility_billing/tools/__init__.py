from . import read_formats
from . import workflow
