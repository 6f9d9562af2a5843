"""The access matrix: who may do what to which rows.

Each app's ``rules.py`` declares its permissions as a table, role -> scope:

    grant("records.view_pupil", Pupil, {
        Role.DIRECTOR: INSTITUTION,
        Role.CLASS_TEACHER: LED_CLASS,
        Role.PARENT: CHILDREN,
        ...
    })

From that one table come three things that can therefore never disagree:
the ``rules`` permission checked on an object (``user.has_perm(name, obj)``), the
database filter of ``Model.objects.visible_to(user)``, and the matrix page of the admin.

A scope is a relationship between the user and a row: "the row's institution is one
where the user holds the role", "the row's pupil is the user's child", and so on. A
model says where its institution, class, pupil and person are through ``access_paths``.
Everything a user is (roles, classes, children) is read once per request into an
``AccessContext`` and cached on the user object, so a change of role takes effect at
the next request and checking many rows costs no extra queries.
"""

from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_

import rules
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # School-level roles (R-TEN-2), held in one institution.
    ADMIN = "admin", _("School administrator")
    DIRECTOR = "director", _("Director")
    DEPUTY_ACADEMIC = "deputy_academic", _("Deputy director for academic work")
    DEPUTY_EDUCATIONAL = "deputy_educational", _("Deputy director for educational work")
    SECRETARY = "secretary", _("Secretary")
    COORDINATOR = "coordinator", _("Coordinator")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    SUBJECT_TEACHER = "subject_teacher", _("Subject teacher")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SOCIAL_PEDAGOGUE = "social_pedagogue", _("Social pedagogue")
    MEDIC = "medic", _("Medical worker")
    # Rights the school administrator grants per person (R-TEN-6); they behave as roles.
    MAINTAIN_LISTS = "maintain_lists", _("Right: maintain lists of pupils and parents")
    EDIT_OWN_CLASS = "edit_own_class", _("Right: edit pupils and parents of their own class")
    # Department-level roles (R-TEN-3), held department-wide.
    DEPT_ADMIN = "dept_admin", _("Department administrator")
    CHIEF_SPECIALIST = "chief_specialist", _("Chief specialist")
    DEPUTY_HEAD = "deputy_head", _("Deputy head of the department")
    CHIEF_ACCOUNTANT = "chief_accountant", _("Chief accountant")
    # Portal editors publish announcements and course materials (R-TEN-4).
    EDITOR = "editor", _("Portal editor")
    # Pupil and parent are not assigned: they follow from the pupil and parent records.
    PUPIL = "pupil", _("Pupil")
    PARENT = "parent", _("Parent")


# The staff functions of R-TEN-2, and the two rights of R-TEN-6.
SCHOOL_STAFF_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.DIRECTOR,
        Role.DEPUTY_ACADEMIC,
        Role.DEPUTY_EDUCATIONAL,
        Role.SECRETARY,
        Role.COORDINATOR,
        Role.CLASS_TEACHER,
        Role.SUBJECT_TEACHER,
        Role.PSYCHOLOGIST,
        Role.SOCIAL_PEDAGOGUE,
        Role.MEDIC,
    }
)
RIGHTS = frozenset({Role.MAINTAIN_LISTS, Role.EDIT_OWN_CLASS})
SCHOOL_ROLES = SCHOOL_STAFF_ROLES | RIGHTS
DEPARTMENT_ROLES = frozenset(
    {Role.DEPT_ADMIN, Role.CHIEF_SPECIALIST, Role.DEPUTY_HEAD, Role.CHIEF_ACCOUNTANT}
)
DERIVED_ROLES = frozenset({Role.PUPIL, Role.PARENT})
# Roles that work in the Wagtail admin; pupils and parents never enter it.
ADMIN_ROLES = SCHOOL_STAFF_ROLES | DEPARTMENT_ROLES | {Role.EDITOR}


# What the domain apps know about a user. The core asks, the apps that own the facts
# answer: records the person, their role assignments, their own pupil rows and their
# children (records/user_facts.py); the curriculum the classes they lead and teach
# (curriculum/user_facts.py). Each app registers its answers in its AppConfig.ready, so
# this module imports no domain app while every app's models import it.
USER_FACTS = {}


def user_fact(name):
    """Register the function that answers one question of the AccessContext:

    - ``"person"``: ``(user) -> (person pk or None, [(role, institution pk or None)],
      [own pupil rows], [children rows])`` — the person of a login, their active role
      assignments, and their current pupil records and children, each row
      ``(pupil pk, institution pk, class pk)``, in one query;
    - ``"classes"``: ``(person pk, schools where they lead, schools where they teach)
      -> (led class pks, taught class pks)``, in one query.
    """
    def register(function):
        USER_FACTS[name] = function
        return function
    return register


def _ask(name, *args):
    try:
        answer = USER_FACTS[name]
    except KeyError:
        raise LookupError(f"No app answers {name!r} about a user: register it with "
                          "user_fact() in the owning app's ready()") from None
    return answer(*args)


class AccessContext:
    """What one user is, read lazily and at most once per request: one query for
    anyone (the person with their roles, their pupil rows and their children), a second
    only when a class scope is asked about (the classes they lead and teach)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _person(self):
        return _ask("person", self.user)

    @cached_property
    def person_id(self):
        return self._person[0]

    @cached_property
    def _assignments(self):
        return self._person[1]

    @cached_property
    def school_roles(self):
        """{institution_id: {role, ...}} including the derived pupil and parent roles."""
        roles = {}
        for role, institution_id in self._assignments:
            if institution_id is not None:
                roles.setdefault(institution_id, set()).add(role)
        for institution_id in self.pupil_institution_ids:
            roles.setdefault(institution_id, set()).add(Role.PUPIL)
        for institution_id in self.parent_institution_ids:
            roles.setdefault(institution_id, set()).add(Role.PARENT)
        return roles

    @cached_property
    def department_roles(self):
        return {role for role, institution_id in self._assignments if institution_id is None}

    def institutions_with(self, role):
        return {i for i, roles in self.school_roles.items() if role in roles}

    def holds(self, role):
        return role in self.department_roles or bool(self.institutions_with(role))

    @cached_property
    def all_roles(self):
        held = set(self.department_roles)
        for roles in self.school_roles.values():
            held |= roles
        return held

    @cached_property
    def _own_pupils(self):
        return self._person[2]

    @cached_property
    def own_pupil_ids(self):
        return {row[0] for row in self._own_pupils}

    @cached_property
    def pupil_institution_ids(self):
        return {row[1] for row in self._own_pupils}

    @cached_property
    def own_class_ids(self):
        return {row[2] for row in self._own_pupils} - {None}

    @cached_property
    def _children(self):
        return self._person[3]

    @cached_property
    def child_pupil_ids(self):
        return {row[0] for row in self._children}

    @cached_property
    def parent_institution_ids(self):
        return {row[1] for row in self._children}

    @cached_property
    def children_class_ids(self):
        return {row[2] for row in self._children} - {None}

    @cached_property
    def _classes(self):
        # Only in the schools where the user holds the role: a class teacher's class in
        # a school where they are no longer class teacher is not theirs.
        leads = self.institutions_with(Role.CLASS_TEACHER) | self.institutions_with(
            Role.EDIT_OWN_CLASS
        )
        teaches = self.institutions_with(Role.SUBJECT_TEACHER)
        if self.person_id is None or not (leads or teaches):
            return set(), set()
        return _ask("classes", self.person_id, leads, teaches)

    @cached_property
    def led_class_ids(self):
        """Classes this user leads as class teacher, where they hold that role."""
        return self._classes[0]

    @cached_property
    def taught_class_ids(self):
        return self._classes[1]


def access(user):
    """The user's AccessContext, cached on the user object for this request."""
    if user is None or not user.is_authenticated:
        return None
    context = getattr(user, "_access_context", None)
    if context is None:
        context = AccessContext(user)
        user._access_context = context
    return context


@dataclass(frozen=True)
class Scope:
    """A relationship between a user holding a role and a row.

    ``path`` names the model's access path it follows ("institution", "class",
    "pupil", "person"); ``ids`` returns, for one role, the set of values that path may
    have, or None for "every row".
    """

    key: str
    label: str
    path: str | None
    ids: object = field(compare=False)
    # A limited scope reaches rows whose ``limited_fields`` only may be read (R-TEN-3).
    limited: bool = False

    def lookups(self, model):
        """The model's lookups for this scope's path: one, or several alternatives."""
        lookups = model.access_paths.get(self.path) or ()
        return (lookups,) if isinstance(lookups, str) else tuple(lookups)

    @staticmethod
    def condition(lookups, values):
        parts = []
        for lookup in lookups:
            part = Q(**{f"{lookup}__in": values - {None}})
            if None in values:  # SQL's IN never matches NULL
                part |= Q(**{f"{lookup}__isnull": True})
            parts.append(part)
        return reduce(or_, parts)

    def q(self, model, context, role):
        values = self.ids(context, role)
        if values is None:
            return Q()
        lookups = self.lookups(model)
        if not lookups or not values:
            return None
        condition = self.condition(lookups, values)
        if any("__" in lookup for lookup in lookups):
            # A path through a to-many relation would repeat rows: filter by subquery.
            return Q(pk__in=model._base_manager.filter(condition).values("pk"))
        return condition

    def test(self, obj, context, role):
        values = self.ids(context, role)
        if values is None:
            return True
        model = type(obj)
        lookups = self.lookups(model)
        if not lookups or not values:
            return False
        if any("__" in lookup for lookup in lookups):
            if obj.pk is None:
                # An unsaved row ("may I add one here?") is not in the database yet:
                # follow its path attribute by attribute instead.
                return any(_follow(obj, lookup) in values for lookup in lookups)
            return model._base_manager.filter(
                Q(pk=obj.pk), self.condition(lookups, values)
            ).exists()
        return any(getattr(obj, lookup) in values for lookup in lookups)


_UNREACHABLE = object()


def _follow(obj, lookup):
    """The value at the end of ``lookup`` ("subgroup__school_class_id") on an unsaved
    row; a path through a to-many relation reaches nothing."""
    for part in lookup.split("__"):
        if obj is None:
            return None
        try:
            obj = getattr(obj, part, _UNREACHABLE)
        except ValueError:  # the many-to-many manager of a row not saved yet
            return _UNREACHABLE
        if obj is _UNREACHABLE or isinstance(obj, models.Manager):
            return _UNREACHABLE
    return obj


def _city(context, role):
    return None if role in context.department_roles else set()


INSTITUTION = Scope(
    "institution", _("own school"), "institution", lambda c, role: c.institutions_with(role)
)
LED_CLASS = Scope("led_class", _("own class"), "class", lambda c, role: c.led_class_ids)
TAUGHT_CLASS = Scope(
    "taught_class", _("classes taught"), "class", lambda c, role: c.taught_class_ids
)
# Department-wide rows (no institution) and the rows of the user's schools, e.g. the
# values of a reference directory.
INSTITUTION_AND_SHARED = Scope(
    "institution_and_shared", _("own school and department-wide"), "institution",
    lambda c, role: c.institutions_with(role) | {None},
)
CHILDREN = Scope("children", _("own children"), "pupil", lambda c, role: c.child_pupil_ids)
SELF = Scope("self", _("self"), "person", lambda c, role: {c.person_id} - {None})
# The lessons a teacher gives or was replaced in, and the journal rows that hang on them.
OWN_LESSONS = Scope("own_lessons", _("own lessons"), "teacher",
                    lambda c, role: {c.person_id} - {None})
# What a whole class shares (homework): a pupil's own class, a parent's children's classes.
FAMILY_CLASS = Scope(
    "family_class", _("own class, children's classes"), "class",
    lambda c, role: c.own_class_ids if role == Role.PUPIL else c.children_class_ids,
)
CITY = Scope("city", _("all schools"), None, _city)
# Department users read only the limited fields of people (R-TEN-3): see
# readable_fields() below.
CITY_LIMITED = Scope("city_limited", _("all schools, limited fields"), None, _city,
                     limited=True)


@dataclass
class Permission:
    name: str
    model: type
    cells: dict  # Role -> Scope

    @property
    def app_label(self):
        return self.name.split(".", 1)[0]

    def allows(self, user, obj=None):
        if user is None or not user.is_active:
            return False
        if user.is_superuser:
            return True
        context = access(user)
        if context is None:
            return False
        held = [(role, scope) for role, scope in self.cells.items() if context.holds(role)]
        if obj is None:
            return bool(held)
        return any(scope.test(obj, context, role) for role, scope in held)

    def is_limited_for(self, user, obj=None):
        """True when the user may read only the model's ``limited_fields`` (department
        users reading people, R-TEN-3): of the row ``obj``, when no scope but a limited
        one reaches it; of a listing (no ``obj``), when a limited scope reaches any of
        its rows, since the listing's columns, filters and exports serve them all."""
        context = access(user)
        if context is None or user.is_superuser:
            return False
        held = [(role, scope) for role, scope in self.cells.items() if context.holds(role)]
        if not any(scope.limited for _role, scope in held):
            return False
        if obj is None:
            return True
        return not any(scope.test(obj, context, role)
                       for role, scope in held if not scope.limited)

    def filter(self, queryset, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return queryset.none()
        if user.is_superuser:
            return queryset
        context = access(user)
        conditions = []
        for role, scope in self.cells.items():
            if not context.holds(role):
                continue
            condition = scope.q(queryset.model, context, role)
            if condition is not None:
                conditions.append(condition)
        if not conditions:
            return queryset.none()
        if any(not condition for condition in conditions):  # an empty Q() means all rows
            return queryset
        return queryset.filter(reduce(or_, conditions))


REGISTRY: dict[str, Permission] = {}


def cells(roles, scope):
    """The same scope for several roles: ``{**cells(LEADERSHIP, INSTITUTION), ...}``."""
    return dict.fromkeys(roles, scope)


def grant(name, model, cells):
    """Declare a permission of the matrix and register it with ``rules``."""
    permission = Permission(name, model, dict(cells))
    REGISTRY[name] = permission
    predicate = rules.predicate(permission.allows, name=name)
    rules.set_perm(name, predicate)
    return permission


def permission(name):
    try:
        return REGISTRY[name]
    except KeyError:
        raise LookupError(f"Unknown permission {name!r}: declare it with grant()") from None


# Limited fields (R-TEN-3). A model under a limited scope declares ``limited_fields``:
# the names of its fields (or properties) a limited reader may read. One question,
# "which fields of this model may this user read?", is answered here for the admin's
# columns, filters, sort keys, search and exports and for the portal's pages alike.

# What anyone who sees a row reads of it: its id and its name (``__str__`` of a model
# under a limited scope is made of its limited fields).
ALWAYS_READABLE = frozenset({"pk", "id", "__str__"})


def view_permission(model):
    """The matrix's ``app.view_model`` permission of ``model``, or None."""
    opts = model._meta
    return REGISTRY.get(f"{opts.app_label}.view_{opts.model_name}")


def _is_limited(user, model, obj, through_limited):
    perm = view_permission(model)
    if perm is not None:
        return perm.is_limited_for(user, obj)
    # A model without a view permission of its own (a person) is read through the rows
    # that point at it: limited when reached from a limited row, or when one of the
    # permissions it names in ``read_through`` is limited for the user.
    return through_limited or any(
        permission(name).is_limited_for(user) for name in getattr(model, "read_through", ()))


def _readable(user, model, obj=None, through_limited=False):
    if not _is_limited(user, model, obj, through_limited):
        return None
    return ALWAYS_READABLE | frozenset(getattr(model, "limited_fields", ()))


def readable_fields(user, model, obj=None):
    """The names of the fields of ``model`` that ``user`` may read, or None for all.

    With ``obj``, of that row; without, of every row the user may see (a listing).
    """
    return _readable(user, model, obj)


def _step(model, part):
    """(the field name ``part`` reads on ``model``, the model it leads to or None)."""
    if part.startswith("get_") and part.endswith("_display"):
        part = part[len("get_"):-len("_display")]
    try:
        field = model._meta.get_field(part)
    except FieldDoesNotExist:
        # An attname ("school_class_id") reads its foreign key; anything else is a
        # property or method, readable only if named in limited_fields itself.
        for field in model._meta.concrete_fields:
            if field.attname == part:
                return field.name, None
        return part, None
    return field.name, field.related_model if field.is_relation else None


def may_read(user, model, lookup, obj=None):
    """Whether ``user`` may read ``lookup`` of ``model``'s rows (of ``obj``, if given).

    ``lookup`` is a field ("birth_date"), a path through relations, Django's or
    Wagtail's way ("person__birth_date", "pupil.school_class"), or a method
    ("get_sex_display"). Every step must be readable on the model it is on. A model
    with a view permission of its own is read as that permission says (a pupil's
    class); one without, reached from a limited row, is read limited too (a pupil's
    person). What follows the last field ("year", "isnull") transforms a field already
    allowed.
    """
    limited = False
    for part in str(lookup).replace(".", LOOKUP_SEP).split(LOOKUP_SEP):
        if model is None:
            return True
        fields = _readable(user, model, obj, limited)
        name, model = _step(model, part)
        if fields is not None and name not in fields:
            return False
        limited, obj = fields is not None, None
    return True


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every model under the access matrix."""

    def visible_to(self, user, perm=None):
        """Rows ``user`` may see (``app.view_model``) or act on (``perm``)."""
        opts = self.model._meta
        return permission(perm or f"{opts.app_label}.view_{opts.model_name}").filter(self, user)


def today():
    return timezone.localdate()
