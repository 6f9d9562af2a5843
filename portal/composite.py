"""Permissions of the matrix that depend on a row's own field as well as on the user's
roles: a document's access level, a link's audience. Such a permission is made of plain
grants (``portal.access.grant``), one per value of the field, so every cell of the
matrix page still says role -> scope; ``LevelPermission`` picks the grant by the row's
value, in ``has_perm`` and in ``visible_to`` alike (one subquery per level)."""

import rules
from django.db.models import Q

from .access import CITY, REGISTRY, Permission, Role


class LevelPermission(Permission):
    """``field`` names the row's level; ``levels`` maps each value to a Permission of
    the matrix, or to ``EVERYONE`` (anonymous visitors included) or ``SIGNED_IN``."""

    EVERYONE = "everyone"
    SIGNED_IN = "signed_in"

    def __init__(self, name, model, field, levels):
        # Every role may read some rows (the public ones, in every school): that is what
        # the matrix page shows and what ``has_perm(name)`` without a row answers. Which
        # rows of the other levels is in the rows of the levels' own permissions.
        super().__init__(name, model, dict.fromkeys(Role, CITY))
        self.field = field
        self.levels = levels

    def _allows_level(self, user, level, obj=None):
        rule = self.levels.get(level)
        if rule == self.EVERYONE:
            return True
        if rule == self.SIGNED_IN:
            return user is not None and user.is_authenticated and user.is_active
        if rule is None:
            return False
        return rule.allows(user, obj)

    def allows(self, user, obj=None):
        if obj is None:
            return any(self._allows_level(user, level) for level in self.levels)
        return self._allows_level(user, getattr(obj, self.field), obj)

    def is_limited_for(self, user, obj=None):
        return False

    def filter(self, queryset, user):
        condition = Q(pk__in=[])
        for level, rule in self.levels.items():
            here = Q(**{self.field: level})
            if rule == self.EVERYONE or (rule == self.SIGNED_IN and self._allows_level(
                    user, level)):
                condition |= here
            elif isinstance(rule, Permission):
                rows = rule.filter(queryset.model._base_manager.filter(here), user)
                if rows.query.is_empty():
                    continue
                condition |= Q(pk__in=rows.values("pk"))
        return queryset.filter(condition)


def grant_levels(name, model, field, levels):
    """Declare a LevelPermission and register it with ``rules``."""
    permission = LevelPermission(name, model, field, levels)
    REGISTRY[name] = permission
    rules.set_perm(name, rules.predicate(permission.allows, name=name))
    return permission


class AnyPermission(Permission):
    """Granted when any of ``parts`` is: a school's editor changes the school's links, the
    department's editor the city-wide ones."""

    def __init__(self, name, model, parts):
        # The matrix page shows each role's cell of the first part that has one; the
        # parts' own rows say the rest.
        cells = {}
        for part in parts:
            for role, scope in part.cells.items():
                cells.setdefault(role, scope)
        super().__init__(name, model, cells)
        self.parts = parts

    def allows(self, user, obj=None):
        return any(part.allows(user, obj) for part in self.parts)

    def is_limited_for(self, user, obj=None):
        return False

    def filter(self, queryset, user):
        condition = Q(pk__in=[])
        for part in self.parts:
            rows = part.filter(queryset.model._base_manager.all(), user)
            if not rows.query.is_empty():
                condition |= Q(pk__in=rows.values("pk"))
        return queryset.filter(condition)


def grant_any(name, model, parts):
    permission = AnyPermission(name, model, parts)
    REGISTRY[name] = permission
    rules.set_perm(name, rules.predicate(permission.allows, name=name))
    return permission


class PublicPermission(Permission):
    """Rows anyone may read, visitors without a login too (the link catalog's
    categories): no role is needed, nothing is filtered out."""

    def __init__(self, name, model):
        super().__init__(name, model, dict.fromkeys(Role, CITY))

    def allows(self, user, obj=None):
        return True

    def is_limited_for(self, user, obj=None):
        return False

    def filter(self, queryset, user):
        return queryset


def grant_public(name, model):
    permission = PublicPermission(name, model)
    REGISTRY[name] = permission
    rules.set_perm(name, rules.predicate(permission.allows, name=name))
    return permission
