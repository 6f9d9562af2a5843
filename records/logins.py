"""Who may set the password or the email of someone else's login, or suspend it.

A login opens every school where its person has a role or a record: a teacher in
school 1 who is a parent in school 2 has one login for both. If school 2 could give that
login a new password, school 2's printed sheet would open school 1's journal. So a change
made for a school reaches only a login whose every role and record lies in that school;
a login that reaches further (another school, a department-wide role) is managed
city-wide by the department administrator, and a login with powers over the whole site
(superuser or staff flag, Wagtail groups or permissions) only by a superuser.

``can_manage_login`` is the one check. Every path that sets a password or an email of
someone else, or suspends a login, asks it: issuing a class's logins
(``records.credentials.issue_logins``), suspending and restoring access
(``records.actions``); the Wagtail users admin is for superusers only
(``portal.accounts``). ``tests/records/test_logins.py`` walks the project's sources
and fails on a write of a password or an email outside the functions that ask.
"""

from django.db.models import Q

from portal.access import CITY, INSTITUTION, access, permission

from .models import Guardianship, Parent, Pupil, RoleAssignment, Staff, User

# What a login reaches besides schools (given by their pk).
DEPARTMENT = "department"  # a department-wide role
SITE = "site"  # superuser or staff flag, Wagtail groups or permissions


def login_reach(people):
    """{person pk: the places the person's login reaches}, for many people at once.

    Every row counts, whatever its dates: a role that starts next month or a pupil who
    left still ties the login to that school."""
    pks = [person.pk for person in people]
    reach = {pk: set() for pk in pks}
    rows = [
        RoleAssignment.objects.filter(person_id__in=pks).values_list("person_id",
                                                                     "institution_id"),
        Guardianship.objects.filter(parent__person_id__in=pks).values_list(
            "parent__person_id", "pupil__institution_id"),
        *(model.objects.filter(person_id__in=pks).values_list("person_id", "institution_id")
          for model in (Staff, Pupil, Parent)),
    ]
    for queryset in rows:
        for person_id, institution_id in queryset:
            reach[person_id].add(DEPARTMENT if institution_id is None else institution_id)
    powers = Q(is_superuser=True) | Q(is_staff=True) | Q(groups__isnull=False) | Q(
        user_permissions__isnull=False)
    powerful = set(User.objects.filter(powers, person__pk__in=pks).values_list(
        "person__pk", flat=True))
    for pk in powerful:
        reach[pk].add(SITE)
    return reach


def acting_for(actor, perm):
    """Where ``actor`` holds ``perm``: SITE for a superuser, DEPARTMENT when a
    department role holds it city-wide, else the set of school pks where a role holds it
    for the school as a whole. Narrower scopes (own class) manage no logins."""
    if actor.is_superuser:
        return SITE
    context = access(actor)
    schools = set()
    for role, scope in permission(perm).cells.items():
        if scope is CITY and role in context.department_roles:
            return DEPARTMENT
        if scope is INSTITUTION:
            schools |= context.institutions_with(role)
    return schools


def can_manage_login(actor, person, perm, reach=None):
    """May ``actor``, acting through ``perm``, set the password or the email of
    ``person``'s login (or of the login about to be made for them), or suspend it?

    Only if every place the login reaches is one where the actor holds ``perm``: every
    role and record in the actor's school for a school, no site powers for the
    department, anything for a superuser. ``reach`` is ``login_reach()``'s entry for
    the person, when the caller already has it for many people."""
    scope = acting_for(actor, perm)
    if scope == SITE:
        return True
    if reach is None:
        reach = login_reach([person])[person.pk]
    if scope == DEPARTMENT:
        return SITE not in reach
    return bool(reach) and reach <= scope
