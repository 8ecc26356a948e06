# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Server-side controls of the payments addon, on top of the suite's workflow
doors (``utility_billing/tools/workflow.py``).

``check_protected`` refuses a protected field as soon as ``vals`` names it.
Some clients send every field of a record back, changed or not (the Point of
Sale serialises whole orders; a create gets every default): these helpers
pass to ``check_protected`` only what a call really changes, so that sending a
protected field's current (or default) value is not an attempt to change it.
"""

from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.workflow import check_protected, is_trusted


def _set_on_create(field, value, default):
    if field.type in ("one2many", "many2many"):
        return bool(value)
    return bool(value) and value != default


def check_protected_create(
    model, vals_list, protected, door, defaults=None, message=None
):
    """Refuse creating records with a protected field set to something other
    than its default, outside the door ``door``."""
    if is_trusted(model.env, door):
        return
    defaults = defaults or {}
    for vals in vals_list:
        touched = {
            fname: value
            for fname, value in vals.items()
            if fname in protected
            and _set_on_create(model._fields[fname], value, defaults.get(fname))
        }
        check_protected(model, touched, protected, door, message)


def check_protected_write(records, vals, protected, door, message=None):
    """Refuse writing a protected field of ``records`` to a new value outside
    the door ``door``; writing the value a record already has is no change."""
    names = set(vals) & set(protected)
    if not names or not records or is_trusted(records.env, door):
        return
    changed = {}
    for fname in names:
        field = records._fields[fname]
        value = vals[fname]
        if field.type in ("one2many", "many2many"):
            if value:
                changed[fname] = value
            continue
        for record in records.sudo():
            new = field.convert_to_record(field.convert_to_cache(value, record), record)
            if record[fname] != new:
                changed[fname] = value
                break
    check_protected(records, changed, protected, door, message)


def check_role(env, group, message):
    """Raise ``message`` (a UserError) unless the user has ``group`` or the code
    runs as superuser."""
    if not env.su and not env.user.has_group(group):
        raise UserError(message)


def check_company(records, what=None):
    """The user may read ``records`` (access rights and record rules) and each
    belongs to one of the companies the user works in (``env.companies``).

    Call it on what the user named, before any ``sudo()``.
    """
    if not records or records.env.su:
        return
    records.check_access("read")
    env = records.env
    for record in records:
        company = record.sudo().company_id if "company_id" in record else None
        if company and company not in env.companies:
            raise UserError(
                env._(
                    "%(record)s belongs to %(company)s, a company you are not "
                    "working in.",
                    record=what or record.sudo().display_name,
                    company=company.name,
                )
            )
