# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data generators: plain functions of an environment or a model, not
models. The demo XML reaches them through thin model methods."""

from . import delinquency
