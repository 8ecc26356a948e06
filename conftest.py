"""pytest configuration for the whole repository (setup/test.sh runs pytest).

Two workarounds for running Odoo 18 tests with pytest-odoo:

1. pytest-odoo imports ``odoo.tests`` while it sets Odoo up, before it turns
   ``test_enable`` on, so Odoo's odoo/tests/common.py logs a spurious
   "ERROR ... Importing test framework, avoid importing from business modules"
   with a stack trace on every run. Importing ``odoo.tests`` here first, with
   ``test_enable`` set for the import only, avoids that line. The flag is
   restored at once: left on, loading the registry would run at_install tests.

2. Test modules outside an addon (the root tests/ folder) are imported under a
   plain name, not ``odoo.addons.<addon>...``, so Odoo's MetaCase gives their
   classes no ``test_tags``/``test_module``, and ``BaseCase.setUpClass`` fails
   with AttributeError on a class without ``@tagged(...)``. The hook below
   gives such classes the defaults MetaCase gives addon tests, with
   ``test_module`` set to their top folder (``tests``).
"""

from odoo.tools import config

_test_enable = config["test_enable"]
config["test_enable"] = True
try:
    import odoo.tests  # noqa: F401
finally:
    config["test_enable"] = _test_enable


def pytest_collection_modifyitems(session, config, items):
    from odoo.tests.common import BaseCase

    for item in items:
        cls = getattr(item, "cls", None)
        if (
            cls is None
            or not issubclass(cls, BaseCase)
            or cls.__module__.startswith("odoo.addons.")
        ):
            continue
        if getattr(cls, "test_tags", None) is None:
            cls.test_tags = {"standard", "at_install"}
        if "test_module" not in vars(cls):
            cls.test_module = item.path.relative_to(session.config.rootpath).parts[0]
            cls.test_class = cls.__name__
            cls.test_sequence = 0
