# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Workflow doors: the only way protected fields and workflow states change.

A context key is never a permission: JSON-RPC (``/web/dataset/call_kw``) passes any
context the caller sends, and ``readonly`` in a view or on a field is only a display
hint. So the utility models guard their workflow states and protected fields in
``create`` / ``write`` and let them through only when

- the code runs as superuser (``env.su``: server code chose ``sudo()``), as Odoo core
  does for ``account.move``'s hashed fields; or
- the method that owns the change opened its door, after its own rights check::

      from odoo.addons.utility_billing.tools.workflow import workflow

      def action_approve(self):
          self._check_can_approve()          # role, limit, requester != approver
          with workflow("utility.adjustment"):
              self.write({"state": "approved", "approved_by": self.env.uid})

The door is a :class:`contextvars.ContextVar` of the running thread: no RPC argument,
context key or record value reaches it, and it closes when the ``with`` block ends,
even on an exception.

The door's name is, by convention, the model that owns the fields (one door per
model); a workflow that must write another model's protected fields opens that
model's door too (``workflow("utility.account", "utility.meter.read")``).
"""

import contextvars
from contextlib import contextmanager

from odoo.exceptions import UserError

_OPEN_DOORS = contextvars.ContextVar("utility_billing_workflow", default=frozenset())


@contextmanager
def workflow(*names):
    """Open the named doors for the duration of the ``with`` block."""
    token = _OPEN_DOORS.set(_OPEN_DOORS.get() | frozenset(names))
    try:
        yield
    finally:
        _OPEN_DOORS.reset(token)


def in_workflow(name):
    """True inside ``workflow(name)`` (never because of a context key)."""
    return name in _OPEN_DOORS.get()


def is_trusted(env, name):
    """True when door ``name``'s protected fields may change (superuser or open)."""
    return env.su or in_workflow(name)


def protected_touched(records, vals, protected):
    """Field names of ``protected`` that ``vals`` sets."""
    return sorted(set(vals) & set(protected))


def check_protected(records, vals, protected, name, message=None):
    """Raise a UserError when ``vals`` sets a ``protected`` field outside ``name``.

    :param records: the recordset written (or the model, for ``create``)
    :param vals: the values written or created
    :param protected: field names that only the workflow changes
    :param name: the door (by convention the owning model's ``_name``)
    :param message: what the user should do instead; a default names the fields
    """
    touched = protected_touched(records, vals, protected)
    if not touched or is_trusted(records.env, name):
        return
    labels = ", ".join(
        records._fields[fname]._description_string(records.env)
        if fname in records._fields
        else fname
        for fname in touched
    )
    env = records.env
    raise UserError(
        message
        or env._(
            "%(model)s: %(fields)s change only through the record's own actions "
            "(buttons and wizards), not by editing.",
            model=env["ir.model"]._get(records._name).name or records._name,
            fields=labels,
        )
    )


def check_create_draft(model, vals_list, protected, name, check_rights=None):
    """Guard of ``create`` for a record that starts as a draft and moves on by
    its workflow only: the rights check first (``check_rights``, e.g. the
    model's manager check), then refuse any ``protected`` field set to a value,
    outside ``name``; a ``state`` of ``"draft"`` is allowed (a client sends the
    default back).

    :param model: the model created on (``self`` in ``create``)
    :param vals_list: the values of ``create``
    :param protected: field names that only the workflow sets
    :param name: the door (by convention the owning model's ``_name``)
    :param check_rights: callable raising AccessError for a user who may not
        create at all
    """
    if check_rights is not None:
        check_rights()
    for vals in vals_list:
        check_protected(
            model,
            {
                fname: value
                for fname, value in vals.items()
                if value and not (fname == "state" and value == "draft")
            },
            protected,
            name,
        )
