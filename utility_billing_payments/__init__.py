# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import models
from . import wizards
from . import report
from . import demo_tools
from . import controllers
