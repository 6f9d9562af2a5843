"""The department's own staff and their rights (R-DEP-3), kept by the department
administrator: a member of the department is a person with department-wide role
assignments and a login, and works in no school.

    add_member(actor, …)         the person, their roles from today and a login with a
                                 first password (shown once, changed at the first login)
    set_roles(actor, person, …)  roles added from today; a role taken away ends
                                 yesterday (its history stays), or goes if it began today
    new_password(actor, person)  a new first password

Each asks ``can_manage_login`` (records/logins.py): the department administrator
manages logins city-wide, but one with site powers only a superuser does. Every change
is a Wagtail log entry on the role assignment or the login.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.access import DEPARTMENT_ROLES, today

from .credentials import generate_password, login_base, username_for
from .logins import can_manage_login
from .models import Person, RoleAssignment, User, active_assignment

MANAGE = "records.manage_department_staff"


def members():
    """The people holding (or having held) a department-wide role."""
    return Person.objects.filter(
        role_assignments__institution__isnull=True,
        role_assignments__role__in=DEPARTMENT_ROLES).distinct().select_related("user")


def current_roles(person, on=None):
    return set(RoleAssignment.objects.filter(
        active_assignment(on or today()), person=person, institution__isnull=True,
        role__in=DEPARTMENT_ROLES).values_list("role", flat=True))


def _check(actor, person):
    if not actor.has_perm(MANAGE) or not can_manage_login(actor, person, MANAGE):
        raise PermissionDenied


def _roles(roles):
    roles = set(roles)
    if not roles or not roles <= DEPARTMENT_ROLES:
        raise ValidationError(_("Choose at least one of the department's roles."))
    return roles


def _login(actor, person, email):
    if not can_manage_login(actor, person, MANAGE):
        raise PermissionDenied
    taken = set(User.objects.filter(
        Q(username=login_base(person)) | Q(username__startswith=f"{login_base(person)}.")
    ).values_list("username", flat=True))
    password = generate_password()
    user = User.objects.create(
        username=username_for(person, taken), first_name=person.name,
        last_name=person.surname, email=email, must_change_password=True,
        password=make_password(password))
    return user, password


@transaction.atomic
def add_member(actor, *, surname, name, patronymic="", email="", roles):
    """A new member of the department: returns (person, username, first password)."""
    roles = _roles(roles)
    if not actor.has_perm(MANAGE):
        raise PermissionDenied
    person = Person(surname=surname.strip(), name=name.strip(),
                    patronymic=patronymic.strip())
    person.full_clean()
    person.save()
    _check(actor, person)
    for role in sorted(roles):
        assignment = RoleAssignment.objects.create(person=person, role=role)
        log(assignment, "wagtail.create", user=actor)
    user, password = _login(actor, person, email.strip())
    person.user = user
    person.save(update_fields=["user"])
    log(user, "wagtail.create", user=actor)
    return person, user.username, password


@transaction.atomic
def set_roles(actor, person, roles):
    """The person's department roles from today are ``roles``."""
    roles = _roles(roles)
    _check(actor, person)
    day = today()
    held = RoleAssignment.objects.filter(
        active_assignment(day), person=person, institution__isnull=True,
        role__in=DEPARTMENT_ROLES).order_by("pk").select_for_update()
    for assignment in held:
        if assignment.role in roles:
            continue
        if assignment.valid_from >= day:
            log(assignment, "wagtail.delete", user=actor)
            assignment.delete()
        else:
            assignment.valid_to = day - datetime.timedelta(days=1)
            assignment.save(update_fields=["valid_to"])
            log(assignment, "wagtail.edit", user=actor, data={"valid_to": str(assignment.valid_to)})
    for role in sorted(roles - {a.role for a in held}):
        assignment = RoleAssignment.objects.create(person=person, role=role, valid_from=day)
        log(assignment, "wagtail.create", user=actor)


@transaction.atomic
def new_password(actor, person):
    """A new first password for the person's login (made if they have none)."""
    if not actor.has_perm(MANAGE) or not can_manage_login(actor, person, MANAGE):
        raise PermissionDenied
    if person.user is None:
        user, password = _login(actor, person, "")
        person.user = user
        person.save(update_fields=["user"])
        log(user, "wagtail.create", user=actor)
        return user.username, password
    password = generate_password()
    user = person.user
    user.password = make_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    log(user, "wagtail.edit", user=actor)
    return user.username, password
