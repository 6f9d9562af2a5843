"""Who an announcement reaches (R-ANN-1): one rule, read two ways.

- ``condition(user)``: the filter of the announcements a user may read, built from
  what the access core knows of them (``portal.access.access``): the schools where
  they hold a role, their own class, their children's classes, their department
  roles. ``AnnouncementQuerySet.visible_to`` is this filter, and every path (index
  pages, detail by URL, the dashboard, the family page, feeds, search, counts, the
  documents attached) goes through it.
- ``recipients(page)``: the logins the announcement reaches, the same rule read from
  the other end, for the notifications sent on its first publication. A test checks
  over the demo accounts that the two agree.

Audiences:

- public: everyone, signed in or not;
- the city: every signed-in user;
- a school: its staff (anyone holding a role there), its pupils and their parents;
- the school's staff;
- the parents of a class (the pupils themselves are not addressed: a note to parents
  about a meeting or a fee is theirs);
- the pupils of a grade in the school, and their parents too: what a minor is told,
  their legal representative may know (younger pupils often have no login at all, and
  the parent reads the diary for them);
- the department: everyone holding a department-wide role (editors included).
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from portal.access import DERIVED_ROLES, access, today


class Audience(models.TextChoices):
    PUBLIC = "public", _("everyone (public)")
    CITY = "city", _("all signed-in users of the city")
    SCHOOL = "school", _("the whole school: staff, pupils and parents")
    STAFF = "staff", _("the school's staff")
    CLASS_PARENTS = "class_parents", _("the parents of a class")
    GRADE = "grade", _("the pupils of a grade and their parents")
    DEPARTMENT = "department", _("the department")


# The audiences addressed to one school, which the announcement's school page gives.
SCHOOL_AUDIENCES = {Audience.SCHOOL, Audience.STAFF, Audience.CLASS_PARENTS, Audience.GRADE}


def staff_school_ids(context):
    """The schools where the user holds a role of their own (not only as a pupil or a
    parent)."""
    return {school for school, roles in context.school_roles.items()
            if set(roles) - DERIVED_ROLES}


def condition(user):
    """The Q of the announcements ``user`` is addressed by (anyone: public ones)."""
    public = Q(audience=Audience.PUBLIC)
    context = access(user)
    if context is None:
        return public
    parts = public | Q(audience=Audience.CITY)
    staff = staff_school_ids(context)
    family_schools = context.pupil_institution_ids | context.parent_institution_ids
    if staff | family_schools:
        parts |= Q(audience=Audience.SCHOOL, institution_id__in=staff | family_schools)
    if staff:
        parts |= Q(audience=Audience.STAFF, institution_id__in=staff)
    if context.children_class_ids:
        parts |= Q(audience=Audience.CLASS_PARENTS,
                   school_class_id__in=context.children_class_ids)
    classes = context.own_class_ids | context.children_class_ids
    if classes:
        from curriculum.models import SchoolClass

        parts |= Q(Exists(SchoolClass.objects.filter(
            pk__in=classes, institution_id=OuterRef("institution_id"),
            grade=OuterRef("grade"))), audience=Audience.GRADE)
    if context.department_roles:
        parts |= Q(audience=Audience.DEPARTMENT)
    return parts


def recipients(page):
    """The active logins ``page`` reaches: the same rule as ``condition``."""
    from curriculum.models import SchoolClass
    from records.models import Guardianship, Pupil, RoleAssignment, User, active_assignment

    users = User.objects.filter(is_active=True)
    audience = page.audience
    if audience in (Audience.PUBLIC, Audience.CITY):
        return users
    day = today()
    roles = RoleAssignment.objects.filter(active_assignment(day))
    pupils = Pupil.objects.current()
    if audience == Audience.DEPARTMENT:
        return users.filter(person__in=roles.filter(institution__isnull=True).values("person"))
    school = page.institution_id
    if school is None:
        return users.none()
    staff = Q(person__in=roles.filter(institution_id=school).values("person"))
    if audience == Audience.STAFF:
        return users.filter(staff)
    if audience == Audience.SCHOOL:
        reached = pupils.filter(institution_id=school)
    elif audience == Audience.GRADE:
        reached = pupils.filter(institution_id=school, school_class__in=SchoolClass.objects.filter(
            institution_id=school, grade=page.grade))
    elif audience == Audience.CLASS_PARENTS:
        reached = pupils.filter(school_class_id=page.school_class_id)
    else:
        return users.none()
    parents = Q(person__in=Guardianship.objects.filter(pupil__in=reached).values(
        "parent__person"))
    if audience == Audience.CLASS_PARENTS:
        return users.filter(parents)
    own = Q(person__in=reached.values("person"))
    if audience == Audience.GRADE:
        return users.filter(own | parents)
    return users.filter(staff | own | parents)
