"""Calendar-thematic planning (R-KTP-1): who may write which plan, the import of topics
from CSV or XLSX, re-filling the lessons after a plan changes, and the gap between the
plan and the lessons held.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from curriculum.models import SchoolClass, TeachingAssignment
from portal import tabular
from portal.access import Role, access, today
from portal.ids import parse_number
from portal.tabular import ImportFileError

from .lessons import assign_topics
from .models import Lesson, PlannedTopic, ThematicPlan

MAX_HOURS = 50
MAX_TOPICS = 500  # a year of lessons is at most 34 weeks of 11 hours
MAX_COLUMNS = 10  # order, topic, hours, and a few notes beside them
TOPICS_IMPORTED = "schedule.topics_imported"


def plans_anywhere(user):
    """True when the user writes any plan of a school (admin, deputy): the choices of
    the plan form are then the school's, not only the user's own teaching."""
    context = access(user)
    return user.is_superuser or bool(context and (
        context.institutions_with(Role.ADMIN) | context.institutions_with(Role.DEPUTY_ACADEMIC)))


def own_teaching(user):
    """The user's own teaching assignments, in the schools where they teach."""
    context = access(user)
    schools = context.institutions_with(Role.SUBJECT_TEACHER) if context else set()
    if not context or context.person_id is None or not schools:
        return TeachingAssignment.objects.none()
    return TeachingAssignment.objects.filter(teacher__person_id=context.person_id,
                                             institution_id__in=schools)


def refill_lessons(plan):
    """After a plan is saved or imported its topics flow into the lessons again: of its
    class, or of every class of its grade."""
    if plan.school_class_id:
        classes = [plan.school_class]
    else:
        classes = SchoolClass.objects.filter(academic_year_id=plan.academic_year_id,
                                             grade=plan.grade)
    changed = 0
    for school_class in classes:
        changed += assign_topics(plan.academic_year, school_class=school_class)
    return changed


@dataclass
class TopicRow:
    line: int
    order: int
    title: str
    hours: int


def _whole_number(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        return None
    return parse_number(value, minimum=0)


def read_topics(content, filename):
    """([TopicRow] in order, [(line, message)]) from a file of three columns: order,
    topic, hours, below a header row. Reads everything, writes nothing."""
    table = tabular.read_table(content, filename, max_rows=MAX_TOPICS,
                               max_columns=MAX_COLUMNS)
    rows, errors, seen = [], [], {}
    for line, cells in enumerate(table[1:], start=2):
        if all(tabular.blank(cell) for cell in cells):
            continue
        cells = list(cells) + [""] * (3 - len(cells))
        order, hours = _whole_number(cells[0]), _whole_number(cells[2])
        title = str(cells[1]).strip()
        problems = []
        if order is None or order < 1:
            problems.append(_("the order must be a whole number from 1, not «%(v)s»")
                            % {"v": cells[0]})
        elif order in seen:
            problems.append(_("the order %(n)s is already used in line %(line)s")
                            % {"n": order, "line": seen[order]})
        if not title:
            problems.append(_("the topic is missing"))
        elif len(title) > 500:
            problems.append(_("the topic is longer than 500 characters"))
        if hours is None or not 1 <= hours <= MAX_HOURS:
            problems.append(_("the hours must be a whole number from 1 to %(max)s, not "
                              "«%(v)s»") % {"max": MAX_HOURS, "v": cells[2]})
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        seen[order] = line
        rows.append(TopicRow(line, order, title, hours))
    if not rows and not errors:
        raise ImportFileError(_("The file has no rows below the header."))
    rows.sort(key=lambda row: row.order)
    return rows, errors


@transaction.atomic
def import_topics(plan, rows, user):
    """Replaces the plan's topics with ``rows``, all at once, and fills the lessons."""
    plan.topics.all().delete()
    PlannedTopic.objects.bulk_create([
        PlannedTopic(plan=plan, title=row.title, hours=row.hours, sort_order=n)
        for n, row in enumerate(rows)
    ])
    log(plan, TOPICS_IMPORTED, user=user, data={"topics": len(rows),
                                                "hours": sum(r.hours for r in rows)})
    return refill_lessons(plan)



@dataclass
class GapRow:
    assignment: TeachingAssignment
    plan_hours: int | None  # None: no plan
    year_lessons: int
    scheduled_to_date: int
    held: int
    without_topic: int

    @property
    def planned_to_date(self):
        """The plan's hours that fall on the lessons of the timetable up to today."""
        if self.plan_hours is None:
            return None
        return min(self.plan_hours, self.scheduled_to_date)

    @property
    def behind(self):
        planned = self.planned_to_date
        return None if planned is None else max(planned - self.held, 0)

    @property
    def plan_vs_year(self):
        """Plan hours minus the lessons the timetable gives in the year."""
        return None if self.plan_hours is None else self.plan_hours - self.year_lessons


def gap_rows(academic_year, assignments, on=None):
    """One row per teaching assignment (class or subgroup, subject): the plan's hours,
    the year's lessons, the lessons up to ``on`` scheduled and held, held lessons
    without a topic. Four queries, whatever the number of rows."""
    on = on or today()
    assignments = list(assignments)
    class_ids = {a.school_class_id for a in assignments}
    counts = {}
    lessons = (Lesson.objects.filter(academic_year=academic_year, school_class_id__in=class_ids)
               .values("school_class_id", "subgroup_id", "subject_id")
               .annotate(year=Count("pk", filter=Q(is_cancelled=False)),
                         scheduled=Count("pk", filter=Q(date__lte=on)),
                         held=Count("pk", filter=Q(is_cancelled=False, date__lte=on)),
                         untitled=Count("pk", filter=Q(is_cancelled=False, date__lte=on,
                                                       topic=""))))
    for row in lessons:
        counts[(row["school_class_id"], row["subgroup_id"], row["subject_id"])] = row
    plans = (ThematicPlan.objects.filter(academic_year=academic_year)
             .values("school_class_id", "grade", "subject_id")
             .annotate(hours=Sum("topics__hours")))
    by_class, by_grade = {}, {}
    for plan in plans:
        hours = plan["hours"] or 0
        if plan["school_class_id"]:
            by_class[(plan["school_class_id"], plan["subject_id"])] = hours
        else:
            by_grade[(plan["grade"], plan["subject_id"])] = hours
    rows = []
    for a in assignments:
        found = counts.get((a.school_class_id, a.subgroup_id, a.subject_id), {})
        plan_hours = by_class.get((a.school_class_id, a.subject_id),
                                  by_grade.get((a.school_class.grade, a.subject_id)))
        rows.append(GapRow(a, plan_hours, found.get("year", 0), found.get("scheduled", 0),
                           found.get("held", 0), found.get("untitled", 0)))
    return rows
