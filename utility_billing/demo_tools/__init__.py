# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data generators: plain functions of an environment, not models.

The demo XML reaches them through the thin ``utility.demo.town`` model;
``setup/generate_city.py`` through the same model.
"""

from . import town
from . import portal
