from . import demo_tools
from . import models
from . import wizards
from . import tools
from . import controllers
