from . import demo_tools
from . import models
from . import report
from . import tools
from . import wizards


def post_init_hook(env):
    """The revenue sums of the entries posted before the addon was installed."""
    env["utility.report.revenue.sum"]._ub_rebuild()
