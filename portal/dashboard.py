"""The staff dashboard (portal/views.py ``dashboard``): what each role needs at the
start of a working day, read in a fixed number of grouped queries whatever the size of
the school or the city.

- A teacher: today's lessons (each with its journal and its lesson page) and what is
  missing in their journals (``journal.overview``'s counts).
- A class teacher: their class today — pupils, absences, lessons.
- The school's leadership: the school at a glance and the way to the journals overview.
- The department: its schools in one table.
- The medic, the psychologist and the secretary: the lists their work starts from.
- Everyone: the newest announcements addressed to them (announcements.listing).

Every figure comes from rows the user may read (``visible_to`` or the schools where
they hold the role the permission grants), and every link leads to a page they may
open. The portal's pages stand above the domain apps, so this module may import them.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from announcements.listing import latest_for
from curriculum.models import SchoolClass, TeachingAssignment
from curriculum.rules import LEADERSHIP
from journal import overview
from journal.grid import grid_url
from journal.models import Attendance, AttendanceKind
from journal.rules import RECORD_ABSENCE, VIEW_JOURNAL
from movement.rules import VIEW_BOOK
from records.models import Institution, Pupil
from schedule.models import Lesson
from subject_requests.models import SubjectRequest
from subject_requests.rules import KEEPERS as REQUEST_KEEPERS

from .access import Role, access, today

# How far back the department's table looks at how fully the journals are kept.
FILL_DAYS = 28
# The teacher's journals with most missing, shown on the dashboard; the rest are on
# the journals page.
BEHIND_SHOWN = 5
MEDICAL_ROLES = {Role.MEDIC}
PSYCHOLOGICAL_ROLES = {Role.PSYCHOLOGIST, Role.SOCIAL_PEDAGOGUE}
LIST_ROLES = {Role.SECRETARY, Role.ADMIN, Role.MAINTAIN_LISTS}


@dataclass
class TodayLesson:
    lesson: object
    grid_url: str
    lesson_url: str
    replaced: bool  # the user's lesson, given today by a replacement teacher


@dataclass
class SchoolGlance:
    institution: object
    roles: list = field(default_factory=list)
    class_count: int = 0
    pupil_count: int = 0
    lessons_today: int = 0
    no_register_today: int = 0
    journals_behind: int = 0
    filled_percent: int | None = None
    inspect_url: str = ""
    overview_url: str = ""


def school_ids_with(context, roles):
    return {i for i, held in context.school_roles.items() if held & set(roles)}


def role_labels(context, led_classes, teaching_schools):
    """{institution pk: [labels]}: «Class teacher of 5А» for each class the user leads,
    and «Subject teacher» only where they teach something."""
    led_by_school = {}
    for c in led_classes:
        led_by_school.setdefault(c.institution_id, []).append(c)
    labels = {}
    for institution_id, roles in context.school_roles.items():
        names = []
        for role in sorted(roles, key=lambda r: list(Role).index(Role(r))):
            if role == Role.CLASS_TEACHER and led_by_school.get(institution_id):
                names += [_("Class teacher of %(class)s") % {"class": c}
                          for c in led_by_school[institution_id]]
            elif role == Role.SUBJECT_TEACHER and institution_id not in teaching_schools:
                continue  # holds the role but teaches nothing this year
            else:
                names.append(str(Role(role).label))
        labels[institution_id] = names
    return labels


def teaching_schools(context):
    """The schools where the user teaches something this year: one query."""
    if context.person_id is None or not context.institutions_with(Role.SUBJECT_TEACHER):
        return set()
    return set(TeachingAssignment.objects.filter(
        teacher__person_id=context.person_id, school_class__academic_year__is_current=True)
        .values_list("institution", flat=True).distinct().order_by())


def today_lessons(user, day, staff):
    """The user's lessons of ``day`` in order, with their links: one query."""
    if not staff:
        return []
    own = {pk for pk, _co in staff}
    lessons = overview.teacher_lessons(
        user, Lesson.objects.visible_to(user, VIEW_JOURNAL).filter(date=day), staff)
    lessons = (lessons.select_related("school_class", "subject", "subgroup", "room")
               .order_by("starts_at", "lesson_number", "pk"))
    return [TodayLesson(lesson, grid_url(lesson.school_class_id, lesson.subject_id,
                                         lesson.subgroup_id),
                        reverse("journal:lesson", args=[lesson.pk]),
                        replaced=lesson.teacher_id not in own)
            for lesson in lessons]


def behind(rows):
    """The teacher's journals with something missing, most first, and the totals."""
    missing = sorted((r for r in rows if r.no_topic or r.no_attendance or r.few_marks),
                     key=lambda r: (-r.missing, r.school_class.grade, r.school_class.letter,
                                    r.subject.name))
    return {
        "rows": missing[:BEHIND_SHOWN],
        "more": max(len(missing) - BEHIND_SHOWN, 0),
        "journals": len(missing),
        "no_topic": sum(r.no_topic for r in rows),
        "no_attendance": sum(r.no_attendance for r in rows),
    }


def started(now):
    """Today's lessons that have begun by ``now`` (a lesson without a time counts)."""
    return Q(starts_at__lte=now.time()) | Q(starts_at__isnull=True)


def led_classes(context, now):
    """The current classes the user leads, each with its pupils, the pupils absent from
    some lesson of today and today's lessons (those begun without the register): one
    query."""
    day = now.date()
    if not context.led_class_ids:
        return []
    absent = (Attendance.objects.filter(lesson__school_class=OuterRef("pk"), lesson__date=day)
              .exclude(kind=AttendanceKind.LATE).order_by().values("lesson__school_class")
              .annotate(n=Count("pupil", distinct=True)).values("n"))
    lessons = Lesson.objects.filter(school_class=OuterRef("pk"), date=day, is_cancelled=False)
    lessons_count = lessons.order_by().values("school_class").annotate(
        n=Count("pk")).values("n")
    no_register = lessons.filter(started(now), attendance_taken=False).order_by().values(
        "school_class").annotate(n=Count("pk")).values("n")
    pupils = (Pupil.objects.filter(school_class=OuterRef("pk"), left_on__isnull=True)
              .order_by().values("school_class").annotate(n=Count("pk")).values("n"))
    # Only where the user is class teacher: the right to edit one's class's lists
    # (R-TEN-6) alone reads no journal, nor its absences.
    classes = list(
        SchoolClass.objects.current().filter(
            pk__in=context.led_class_ids,
            institution__in=context.institutions_with(Role.CLASS_TEACHER))
        .select_related("institution")
        .annotate(pupil_count=Coalesce(Subquery(pupils), 0),
                  absent_today=Coalesce(Subquery(absent), 0),
                  lessons_today=Coalesce(Subquery(lessons_count), 0),
                  no_register_today=Coalesce(Subquery(no_register), 0))
        .order_by("grade", "letter"))
    for c in classes:
        c.may_record_absence = context.user.has_perm(RECORD_ABSENCE, c)
    return classes


def school_glances(user, context, institutions, now, labels):
    """One row per school the user sees, with what their roles there may read: the
    leadership's journal figures, the department's fill rate. Four grouped queries."""
    day = now.date()
    glances = {i.pk: SchoolGlance(i, roles=labels.get(i.pk, [])) for i in institutions}
    if not glances:
        return []
    pks = list(glances)
    for pk, n in (SchoolClass.objects.current().filter(institution__in=pks)
                  .values_list("institution").annotate(n=Count("pk")).order_by()):
        glances[pk].class_count = n
    for pk, n in (Pupil.objects.current().filter(institution__in=pks)
                  .values_list("institution").annotate(n=Count("pk")).order_by()):
        glances[pk].pupil_count = n
    led_by = set(pks) if user.is_superuser else school_ids_with(context, LEADERSHIP)
    city = user.is_superuser or bool(context.department_roles)
    lessons = Lesson.objects.filter(institution__in=pks, academic_year__is_current=True,
                                    is_cancelled=False)
    held = Q(date__lte=day)
    recent = Q(date__gt=day - datetime.timedelta(days=FILL_DAYS)) & held
    filled = recent & ~Q(topic="") & Q(attendance_taken=True)
    for row in lessons.filter(Q(date=day) | recent).values("institution").annotate(
            today=Count("pk", filter=Q(date=day)),
            today_open=Count("pk", filter=Q(started(now), date=day, attendance_taken=False)),
            recent=Count("pk", filter=recent), filled=Count("pk", filter=filled)).order_by():
        glance = glances[row["institution"]]
        glance.lessons_today, glance.no_register_today = row["today"], row["today_open"]
        if city and row["recent"]:
            glance.filled_percent = round(100 * row["filled"] / row["recent"])
    # The leadership's count of journals with held lessons still without a topic or the
    # register: the distinct journals, a few hundred rows of a school at most.
    reviewed = [pk for pk in pks if pk in led_by]
    if reviewed:
        for row in (lessons.filter(held, institution__in=reviewed)
                    .filter(Q(topic="") | Q(attendance_taken=False))
                    .values("institution", "school_class", "subject", "subgroup")
                    .distinct().order_by()):
            glances[row["institution"]].journals_behind += 1
    for pk, glance in glances.items():
        if pk in led_by:
            glance.overview_url = reverse("journal:school_overview", args=[pk])
        if user.has_perm("records.view_institution", glance.institution):
            glance.inspect_url = reverse("records_institution:inspect", args=[pk])
    return [glances[i.pk] for i in institutions]


def work_lists(user, context):
    """The lists the medic, the psychologist and the secretary start from, in their own
    schools: pupils without medical details or a characteristic, classes with pupils
    without a login. At most three grouped queries."""
    lists = []
    medic = school_ids_with(context, MEDICAL_ROLES)
    if medic:
        missing = (Pupil.objects.current().filter(institution__in=medic, health__isnull=True)
                   .count())
        lists.append({"title": _("Medical details"), "count": missing,
                      "text": _("pupils without medical details"),
                      "links": [(_("Medical details"), reverse("records_pupilhealth:index")),
                                (_("Add medical details"), reverse("records_pupilhealth:add"))]})
    psychologist = school_ids_with(context, PSYCHOLOGICAL_ROLES)
    if psychologist:
        missing = (Pupil.objects.current()
                   .filter(institution__in=psychologist, characteristic__isnull=True).count())
        lists.append({
            "title": _("Psychological and pedagogical characteristics"), "count": missing,
            "text": _("pupils without a characteristic"),
            "links": [(_("Characteristics"), reverse("records_pupilcharacteristic:index")),
                      (_("Add a characteristic"),
                       reverse("records_pupilcharacteristic:add"))]})
    if school_ids_with(context, LIST_ROLES):
        classes = list(
            SchoolClass.objects.visible_to(user, "records.issue_credentials").current()
            .annotate(without=Count("pupils", filter=Q(
                pupils__left_on__isnull=True, pupils__person__user__isnull=True)))
            .filter(without__gt=0).select_related("institution").order_by(
                "institution__short_name", "grade", "letter"))
        lists.append({
            "title": _("Logins"), "count": sum(c.without for c in classes),
            "text": _("pupils without a login"),
            "classes": [(c, c.without, reverse("records_issue_credentials", args=[c.pk]))
                        for c in classes],
            "links": [(_("Pupils"), reverse("records_pupil:index")),
                      (_("Import pupils"), reverse("records_import")),
                      *([(_("Movement book"), reverse("movement:start"))]
                        if user.has_perm(VIEW_BOOK) else [])]})
    keeps_requests = school_ids_with(context, REQUEST_KEEPERS)
    if keeps_requests:
        # The personal data requests past their deadline (R-PD-4): one query.
        register = reverse("subject_requests:register")
        lists.append({
            "title": _("Personal data requests"),
            "count": SubjectRequest.objects.filter(institution__in=keeps_requests)
            .overdue(today()).count(),
            "text": _("overdue requests"),
            "links": [(_("Register of requests"), register),
                      (_("Overdue requests"), f"{register}?overdue=on")]})
    return lists


def build(user, now):
    """Everything the dashboard shows to ``user`` at ``now`` (local time)."""
    day = now.date()
    context = access(user)
    staff = overview.staff_ids(user) if context.person_id is not None else []
    journals = overview.teacher_journals(user, day, staff) if staff else []
    led = led_classes(context, now)
    labels = role_labels(context, led, teaching_schools(context))
    institutions = list(Institution.objects.visible_to(user).order_by("short_name"))
    # A teacher's own school is in the roles line; the table of schools is for those
    # who look after schools: the leadership and the department.
    looks_after = user.is_superuser or bool(context.department_roles) or bool(
        school_ids_with(context, LEADERSHIP))
    schools = school_glances(user, context, institutions, now, labels) if looks_after else []
    announcements, announcement_count = latest_for(user)
    return {
        "day": day,
        "announcements": announcements,
        "announcement_count": announcement_count,
        "department_roles": sorted(str(Role(r).label) for r in context.department_roles),
        "my_schools": [(i, labels[i.pk]) for i in institutions if labels.get(i.pk)],
        "lessons": today_lessons(user, day, staff),
        "teaches": bool(journals),
        "behind": behind(journals),
        "led_classes": led,
        "schools": schools,
        "city": user.is_superuser or bool(context.department_roles),
        "work_lists": work_lists(user, context),
        "has_children": bool(context.child_pupil_ids),
        "fill_days": FILL_DAYS,
    }
