"""The access matrix as a table for people to read, built from the registry."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .access import REGISTRY, Role

ACTION_LABELS = {
    "view": _("view"),
    "add": _("add"),
    "change": _("change"),
    "delete": _("delete"),
    "issue": _("issue logins"),
    "suspend": _("suspend and restore the login"),
}


def matrix_tables():
    """[{app, rows: [{name, label, cells: [scope label or ""]}]}], and the role columns."""
    roles = list(Role)
    tables = {}
    for name, perm in sorted(REGISTRY.items()):
        action = perm.name.split(".", 1)[1].split("_", 1)[0]
        label = f"{ACTION_LABELS.get(action, action)}: {perm.model._meta.verbose_name}"
        cells = [perm.cells[role].label if role in perm.cells else "" for role in roles]
        tables.setdefault(perm.app_label, []).append(
            {"name": name, "label": label, "cells": cells}
        )
    return roles, [
        {"app": apps.get_app_config(app).verbose_name, "rows": rows}
        for app, rows in tables.items()
    ]
