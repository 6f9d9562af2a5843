"""Who reads, writes in and moderates a forum section (R-FRM-1, R-PD-5): one rule, read
three ways.

- ``condition(queryset, user, perm)``: the filter of every ``visible_to(user)`` of the
  forum's models (sections, topics, posts, attachments), built from what the access
  core knows of the user (``portal.access.access``) in SQL, without a query of its own;
- ``Reader(user).sees(section)`` / ``.moderates`` / ``.banned_in``: the same rule on a
  row in Python, for ``user.has_perm(…, row)`` (forum/rules.py) and the pages;
- ``readers(section)``: the logins the rule reaches, as a queryset, for notifications
  (only subscribers who read the section hear of a post). A test compares the three
  over the demo accounts.

Who reads a section (its ``audience``), if they are anyone in the city at all (hold a
role, are a pupil or a parent):

- the city: every signed-in user;
- a school: anyone holding a role there, its pupils and their parents;
- the school's staff: anyone holding a role of their own there (not as a pupil or a
  parent);
- the school's parents: parents of its current pupils;
- a class: its pupils, their parents and its class teacher;
- the department: everyone holding a department-wide role;

and always its moderators: the school's administrator (a section without a school: the
department's administrator) and those named in ``Moderator``. Moderators see hidden
posts and their attachments; everyone else sees a placeholder instead, and neither
search nor feeds nor profiles find them.

A reader who is banned from a section (``Ban``) still reads it but writes nothing there.
"""

import time
from functools import cached_property, reduce
from operator import or_

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from announcements.audience import staff_school_ids
from portal.access import Role, access

from .models import Audience, Ban, Moderator, Post, Section

VIEW_SECTION = "forum.view_section"
VIEW_TOPIC = "forum.view_topic"
VIEW_POST = "forum.view_post"
VIEW_ATTACHMENT = "forum.view_attachment"
WRITE_IN_SECTION = "forum.write_in_section"
MODERATE_SECTION = "forum.moderate_section"

# What each permission asks of the row's section: read it; and, for posts and their
# files, that the post is not hidden unless the user moderates; write in it; moderate.
READ, WRITE, MODERATE = "read", "write", "moderate"
PERMISSIONS = {
    VIEW_SECTION: READ, VIEW_TOPIC: READ, VIEW_POST: READ, VIEW_ATTACHMENT: READ,
    WRITE_IN_SECTION: WRITE, MODERATE_SECTION: MODERATE,
}
# The lookup from a hidden-post row to the post.
POST_PATHS = {VIEW_POST: "", VIEW_ATTACHMENT: "post__"}


class Reader:
    """What the forum knows about one user, read at most once per request (cached on
    the user object, as the access context is)."""

    def __init__(self, user):
        self.user = user
        self.context = access(user)

    @property
    def is_superuser(self):
        return bool(self.user.is_authenticated and self.user.is_active
                    and self.user.is_superuser)

    @property
    def is_someone(self):
        """Anyone the city knows: holding a role, a pupil or a parent."""
        return self.is_superuser or bool(
            self.user.is_active and self.context is not None and self.context.all_roles)

    @cached_property
    def staff_schools(self):
        return staff_school_ids(self.context)

    @cached_property
    def admin_schools(self):
        return self.context.institutions_with(Role.ADMIN)

    @cached_property
    def is_department_admin(self):
        return Role.DEPT_ADMIN in self.context.department_roles

    @cached_property
    def family_classes(self):
        return self.context.own_class_ids | self.context.children_class_ids

    @cached_property
    def led_classes(self):
        # A second query of the access core, for class teachers only.
        return self.context.led_class_ids

    @cached_property
    def moderated_ids(self):
        """The sections where the user is a named moderator (one query, on demand)."""
        return set(Moderator.objects.filter(user_id=self.user.pk)
                   .values_list("section_id", flat=True))

    @cached_property
    def bans(self):
        """{section id: the ban in force}: one query, on demand."""
        found = {}
        for ban in Ban.objects.active().filter(user_id=self.user.pk).order_by("ends_at"):
            found[ban.section_id] = ban  # the one ending last
        return found

    # Python, on one row ---------------------------------------------------------------

    def default_moderator(self, section):
        """The school's administrator; for a section without a school, the
        department's."""
        if section.institution_id is None:
            return self.is_department_admin
        return section.institution_id in self.admin_schools

    def moderates(self, section):
        if self.is_superuser:
            return True
        if not self.is_someone:
            return False
        return self.default_moderator(section) or section.pk in self.moderated_ids

    def in_audience(self, section, led=True):
        """Is the user one of the section's audience? ``led=False`` leaves out the
        class teacher's own classes (a second query of the access core)."""
        context, audience, school = self.context, section.audience, section.institution_id
        if audience == Audience.CITY:
            return True
        if audience == Audience.DEPARTMENT:
            return bool(context.department_roles)
        if audience == Audience.SCHOOL:
            return school in (self.staff_schools | context.pupil_institution_ids
                              | context.parent_institution_ids)
        if audience == Audience.STAFF:
            return school in self.staff_schools
        if audience == Audience.PARENTS:
            return school in context.parent_institution_ids
        if audience == Audience.CLASS:
            return section.school_class_id in self.family_classes or (
                led and section.school_class_id in self.led_classes)
        return False

    def sees(self, section):
        if not self.is_someone:
            return False
        return self.is_superuser or self.in_audience(section) or self.moderates(section)

    def banned_in(self, section):
        """The ban that keeps the user from writing in ``section``, or None."""
        if not self.user.is_authenticated or self.is_superuser:
            return None
        return self.bans.get(section.pk)

    def may_write(self, section):
        return self.sees(section) and self.banned_in(section) is None

    def allows(self, kind, section):
        if kind == MODERATE:
            return self.moderates(section)
        if kind == WRITE:
            return self.may_write(section)
        return self.sees(section)

    # SQL, on many rows ----------------------------------------------------------------

    def moderates_q(self, prefix=""):
        """The sections the user moderates (a Q on Section, along ``prefix``), or None."""
        if not self.is_someone:
            return None
        parts = [Q(**{f"{prefix}pk__in": Moderator.objects.filter(user_id=self.user.pk)
                      .values("section_id")})]
        if self.admin_schools:
            parts.append(Q(**{f"{prefix}institution_id__in": self.admin_schools}))
        if self.is_department_admin:
            parts.append(Q(**{f"{prefix}institution__isnull": True}))
        return reduce(or_, parts)

    def sees_q(self, prefix=""):
        """The sections the user reads (a Q on Section, along ``prefix``), or None."""
        if not self.is_someone:
            return None
        context = self.context

        def part(audience, **lookups):
            return Q(**{f"{prefix}audience": audience},
                     **{f"{prefix}{key}": value for key, value in lookups.items()})

        parts = [part(Audience.CITY)]
        schools = (self.staff_schools | context.pupil_institution_ids
                   | context.parent_institution_ids)
        if schools:
            parts.append(part(Audience.SCHOOL, institution_id__in=schools))
        if self.staff_schools:
            parts.append(part(Audience.STAFF, institution_id__in=self.staff_schools))
        if context.parent_institution_ids:
            parts.append(part(Audience.PARENTS,
                              institution_id__in=context.parent_institution_ids))
        classes = self.family_classes | self.led_classes
        if classes:
            parts.append(part(Audience.CLASS, school_class_id__in=classes))
        if context.department_roles:
            parts.append(part(Audience.DEPARTMENT))
        parts.append(self.moderates_q(prefix))
        return reduce(or_, parts)

    def writes_q(self, prefix=""):
        sees = self.sees_q(prefix)
        if sees is None:
            return None
        banned = Ban.objects.active().filter(user_id=self.user.pk,
                                             section_id=OuterRef(f"{prefix}pk"))
        return sees & ~Q(Exists(banned))

    def q(self, kind, prefix=""):
        if kind == MODERATE:
            return self.moderates_q(prefix)
        if kind == WRITE:
            return self.writes_q(prefix)
        return self.sees_q(prefix)


def reader(user):
    """The user's Reader, cached on the user object for this request."""
    found = getattr(user, "_forum_reader", None)
    if found is None:
        found = Reader(user)
        user._forum_reader = found
    return found


def section_of(row):
    """The section a forum row (section, topic, post, attachment) belongs to."""
    from .models import Attachment, Topic

    if isinstance(row, Section):
        return row
    if isinstance(row, Topic):
        return row.section
    if isinstance(row, Post):
        return row.topic.section
    if isinstance(row, Attachment):
        return row.post.topic.section
    raise TypeError(f"Not a row of the forum: {row!r}")


def post_of(row):
    from .models import Attachment

    return row.post if isinstance(row, Attachment) else row


def condition_q(model, user, perm):
    """The rows of ``model`` (a forum model) that ``perm`` lets ``user`` reach, as a Q
    (``Q()``: all of them), or None for none."""
    kind = PERMISSIONS[perm]
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    found = reader(user)
    prefix = model.section_path
    q = found.q(kind, prefix)
    if q is not None and perm in POST_PATHS:
        # A hidden post is read by the section's moderators only.
        q &= Q(**{f"{POST_PATHS[perm]}hidden_at__isnull": True}) | found.moderates_q(prefix)
    return q


def condition(queryset, user, perm):
    """``queryset`` (of a forum model) within what ``perm`` lets ``user`` reach."""
    q = condition_q(queryset.model, user, perm)
    return queryset.none() if q is None else queryset.filter(q)


def allows(user, perm, row):
    """``perm`` on one row, in Python: the rule of ``condition``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    found = reader(user)
    section = section_of(row)
    if not found.allows(PERMISSIONS[perm], section):
        return False
    if perm in POST_PATHS and post_of(row).is_hidden:
        return found.moderates(section)
    return True


# Recipients -----------------------------------------------------------------------------


def readers(section):
    """The active logins that read ``section``: the rule above, from the other end."""
    from curriculum.models import SchoolClass
    from portal.access import today
    from records.models import Guardianship, Pupil, RoleAssignment, User, active_assignment

    day = today()
    roles = RoleAssignment.objects.filter(active_assignment(day))
    pupils = Pupil.objects.current()
    users = User.objects.filter(is_active=True)

    def parents_of(reached):
        return Q(person__in=Guardianship.objects.filter(
            pupil__in=reached, pupil__left_on__isnull=True).values("parent__person"))

    def own(reached):
        return Q(person__in=reached.values("person"))

    school = section.institution_id
    someone = (Q(person__in=roles.values("person")) | own(pupils) | parents_of(pupils))
    # A role assignment is always a role of one's own (pupil and parent are derived).
    staff = Q(person__in=roles.filter(institution_id=school).values("person"))
    audience = section.audience
    if audience == Audience.CITY:
        reached = someone
    elif audience == Audience.DEPARTMENT:
        reached = Q(person__in=roles.filter(institution__isnull=True).values("person"))
    elif audience == Audience.SCHOOL:
        at_school = pupils.filter(institution_id=school)
        reached = staff | own(at_school) | parents_of(at_school)
    elif audience == Audience.STAFF:
        reached = staff
    elif audience == Audience.PARENTS:
        reached = parents_of(pupils.filter(institution_id=school))
    elif audience == Audience.CLASS:
        in_class = pupils.filter(school_class_id=section.school_class_id)
        leads = SchoolClass.objects.filter(
            pk=section.school_class_id, academic_year__is_current=True,
            class_teacher__person__role_assignments__in=roles.filter(
                institution_id=school, role__in=[Role.CLASS_TEACHER, Role.EDIT_OWN_CLASS]))
        reached = own(in_class) | parents_of(in_class) | Q(
            person__in=leads.values("class_teacher__person"))
    else:
        reached = Q(pk__in=[])
    return users.filter(reached | (someone & moderators_q(section)) | Q(is_superuser=True))


def moderators_q(section):
    """The logins that moderate ``section`` (a Q on User)."""
    from portal.access import today
    from records.models import RoleAssignment, active_assignment

    roles = RoleAssignment.objects.filter(active_assignment(today()))
    if section.institution_id is None:
        default = roles.filter(role=Role.DEPT_ADMIN, institution__isnull=True)
    else:
        default = roles.filter(role=Role.ADMIN, institution_id=section.institution_id)
    return (Q(person__in=default.values("person"))
            | Q(pk__in=Moderator.objects.filter(section=section).values("user_id")))


def moderators(section):
    from records.models import User

    return User.objects.filter(is_active=True).filter(moderators_q(section))


# The menu ------------------------------------------------------------------------------

# Every page's menu asks whether the user reads any section. The answer comes from the
# sections' audiences, remembered in the process (a city has some hundreds of sections)
# and read again after FORUM_MENU_SECONDS or when a section changes here (signals in
# apps.py): the menu costs no query of its own.
_MEMO = {"read_at": None, "sections": ()}


def forget_sections(**kwargs):
    _MEMO["read_at"] = None


def _known_sections():
    seconds = getattr(settings, "FORUM_MENU_SECONDS", 60)
    read_at = _MEMO["read_at"]
    now = time.monotonic()
    if read_at is None or (seconds is not None and now - read_at > seconds):
        named = {}
        for section_id, user_id in Moderator.objects.values_list("section_id", "user_id"):
            named.setdefault(section_id, set()).add(user_id)
        _MEMO["sections"] = tuple(
            (Section(pk=pk, audience=audience, institution_id=school, school_class_id=klass),
             frozenset(named.get(pk, ())))
            for pk, audience, school, klass in Section.objects.values_list(
                "pk", "audience", "institution_id", "school_class_id"))
        _MEMO["read_at"] = now
    return _MEMO["sections"]


def sees_any_section(user):
    """Does ``user`` read any section? For the menu: no query once the sections are
    remembered, and nothing asked of the access core beyond what every page asks but
    last (a class teacher's own classes)."""
    found = reader(user)
    if not found.is_someone:
        return False
    sections = _known_sections()
    if found.is_superuser:
        return bool(sections)
    if any(user.pk in named or found.in_audience(section, led=False)
           or found.default_moderator(section) for section, named in sections):
        return True
    return any(section.audience == Audience.CLASS and found.in_audience(section)
               for section, _named in sections)
