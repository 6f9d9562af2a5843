"""The journal (R-JRN-1…5) for a teacher's client: the lessons they read, one lesson's
works, pupils and cells with their versions, and saving a mark or an attendance entry
through the same ``journal.cells`` actions as the journal grid
(``journal/views_grid.py``): the same rights (``journal.fill_journal`` on the lesson),
the same checks (cancelled, future, closed period, a pupil not in the class that day,
the school's scale), the same versions and the same log entries and notifications.

A save names the version of the cell the client read (0: empty). If someone saved the
cell since, nothing is written and the answer is 409 with what the cell holds now."""

from django.shortcuts import get_object_or_404
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status

from curriculum.models import (
    ClassMembership,
    InstitutionSettings,
    MarkType,
    SubgroupMembership,
)
from journal import cells
from journal.grid import attendance_letter
from journal.models import Attendance, Mark, Task
from journal.views_grid import readable_lessons
from portal.access import today

from ..declare import operation
from ..schemas import (
    AttendanceIn,
    ConflictOut,
    Day,
    JournalLessonDetailOut,
    JournalLessonOut,
    MarkIn,
    Message,
    PathId,
    SavedOut,
    WorkCreatedOut,
    WorkIn,
)
from ..scopes import JOURNAL_READ, JOURNAL_WRITE

router = Router(tags=["journal"])

READ_RULE = gettext_lazy(
    "the lessons of `journal.view_journal` (the lesson's teachers, the class "
    "teacher, the school's leadership); any other lesson is 404")
WRITE_RULE = gettext_lazy(
    "`journal.fill_journal` on the work's lesson (its teacher, the administrator, the "
    "deputies) through `journal.cells`; a lesson the user cannot read is 404, one they "
    "read but may not fill 403")
LESSON_WRITE_RULE = gettext_lazy(
    "`journal.fill_journal` on the lesson (its teacher, the administrator, the "
    "deputies) through `journal.cells`; a lesson the user cannot read is 404, one they "
    "read but may not fill 403")
SAVE_ANSWERS = {200: SavedOut, 400: Message, 403: Message, 404: Message, 409: ConflictOut}
# A school day of a whole school, at most.
MAX_LESSONS = 500


class DayQuery(Schema):
    date: Day | None = None


def lesson_out(lesson):
    return {
        "id": lesson.pk, "date": lesson.date, "number": lesson.lesson_number,
        "school_class": str(lesson.school_class),
        "subgroup": lesson.subgroup.name if lesson.subgroup_id else None,
        "subject": lesson.subject.name, "topic": lesson.topic,
        "cancelled": lesson.is_cancelled, "may_fill": bool(lesson.fill_right),
    }


def _lessons(user):
    return cells.with_fill_right(readable_lessons(user), user).select_related(
        "school_class", "subgroup", "subject")


@operation(router.get, "/journal/lessons", scope=JOURNAL_READ,
           response=list[JournalLessonOut], permission=READ_RULE,
           summary=gettext_lazy("The lessons of a day in the user's journals"),
           description=gettext_lazy(
               "Every lesson of `date` (today without it) whose journal the user reads, and "
               "whether they may fill it."))
def lessons(request, query: Query[DayQuery]):
    user = request.auth.user
    rows = (_lessons(user).filter(date=query.date or today())
            .order_by("lesson_number", "school_class__grade", "school_class__letter", "pk"))
    return [lesson_out(lesson) for lesson in rows[:MAX_LESSONS]]


@operation(router.get, "/journal/lessons/{id:lesson_id}", scope=JOURNAL_READ,
           response={200: JournalLessonDetailOut, 404: Message}, permission=READ_RULE,
           summary=gettext_lazy("A lesson's works, pupils, marks and attendance"),
           description=gettext_lazy(
               "With the version of every cell: a save names the version read."))
def lesson_detail(request, lesson_id: PathId):
    user = request.auth.user
    lesson = get_object_or_404(_lessons(user), pk=lesson_id)
    if lesson.subgroup_id:
        members = SubgroupMembership.objects.filter(subgroup_id=lesson.subgroup_id)
    else:
        members = ClassMembership.objects.filter(school_class_id=lesson.school_class_id)
    pupils = (members.on(lesson.date).order_by("pupil__person__search_name", "pupil_id")
              .values_list("pupil_id", "pupil__person__surname", "pupil__person__name"))
    works = Task.objects.filter(lesson=lesson).select_related("mark_type").order_by("pk")
    marks = (Mark.objects.filter(lesson=lesson).order_by("task_id", "pupil_id")
             .values("task_id", "pupil_id", "value", "is_debt", "comment", "version"))
    attendance = (Attendance.objects.filter(lesson=lesson).order_by("pupil_id")
                  .values("pupil_id", "kind", "late_minutes", "version"))
    kinds = MarkType.objects.for_institution(lesson.institution_id).order_by("name", "pk")
    return {
        **lesson_out(lesson),
        "work_types": [{"id": kind.pk, "name": kind.name, "weight": float(kind.weight)}
                       for kind in kinds],
        "works": [work_out(work) for work in works],
        "pupils": [{"id": pk, "name": f"{surname} {name}"} for pk, surname, name in pupils],
        "marks": [{"work": row["task_id"], "pupil": row["pupil_id"], "value": row["value"],
                   "debt": row["is_debt"], "comment": row["comment"],
                   "version": row["version"]} for row in marks],
        "attendance": [{"pupil": row["pupil_id"], "kind": row["kind"],
                        "late_minutes": row["late_minutes"], "version": row["version"]}
                       for row in attendance],
    }


def work_out(work):
    return {"id": work.pk, "work_type": work.mark_type.name,
            "weight": float(work.mark_type.weight), "title": work.title}


@operation(router.post, "/journal/lessons/{id:lesson_id}/works", scope=JOURNAL_WRITE,
           response={201: WorkCreatedOut, 400: Message, 404: Message},
           permission=LESSON_WRITE_RULE,
           summary=gettext_lazy("Add a work to a lesson"),
           description=gettext_lazy(
               "A new column of marks (a test, class work…) of one of the lesson's `work_types`,"
               " as the grid's «+» adds it."))
def new_work(request, lesson_id: PathId, data: WorkIn):
    user = request.auth.user
    lesson = get_object_or_404(readable_lessons(user).select_related("school_class"),
                               pk=lesson_id)
    kind = MarkType.objects.for_institution(lesson.institution_id).filter(
        pk=data.work_type).first()
    if kind is None:
        return Status(400, {"detail": _("Choose a mark type of this school.")})
    work = cells.new_task(user, lesson, kind, data.title)
    return Status(201, {"work": work_out(work)})


def _scale(school_class):
    """The marks of the class's school, from the settings read with the work (as the
    grid's save reads them, ``cells.with_save_context``)."""
    try:
        settings = school_class.institution.journal_settings
    except InstitutionSettings.DoesNotExist:
        return cells.DEFAULT_SCALE
    return settings.grading_scale.mark_list()


@operation(router.post, "/journal/marks", scope=JOURNAL_WRITE, response=SAVE_ANSWERS,
           permission=WRITE_RULE, summary=gettext_lazy("Save a mark"),
           description=gettext_lazy(
               "Sets, replaces or clears (empty `value`, no `debt`) one pupil's mark for a work,"
               " as a journal cell does. A mark typed as the grid takes it (a debt as «д»). 409 "
               "with the current cell when `version` is not the stored one."))
def save_mark(request, data: MarkIn):
    user = request.auth.user
    task = get_object_or_404(
        cells.with_save_context(cells.with_fill_right(
            Task.objects.filter(lesson__in=readable_lessons(user)), user, "lesson_id"),
            data.pupil).select_related("lesson__school_class", "mark_type"), pk=data.work)
    value, typed_debt = cells.read_mark(data.value, _scale(task.lesson.school_class))
    mark = cells.save_mark(user, task, data.pupil, value=value, version=data.version,
                           is_debt=typed_debt or data.debt, comment=data.comment)
    return Status(200, {"cell": cells.cell_of(mark, cells.mark_text(mark)).as_json()})


@operation(router.post, "/journal/attendance", scope=JOURNAL_WRITE, response=SAVE_ANSWERS,
           permission=format_lazy("{}; {}", LESSON_WRITE_RULE, gettext_lazy(
               "the class teacher of the class too (`journal.record_absence`)")),
           summary=gettext_lazy("Save an attendance entry"),
           description=gettext_lazy(
               "Sets or clears (empty `kind`: present) one pupil's attendance in a lesson. 409 "
               "with the current cell when `version` is not the stored one."))
def save_attendance(request, data: AttendanceIn):
    user = request.auth.user
    lesson = get_object_or_404(readable_lessons(user).select_related("school_class"),
                               pk=data.lesson)
    if data.text is not None:
        kind, late_minutes = cells.read_attendance(data.text)
    else:
        kind, late_minutes = data.kind.strip(), data.late_minutes
    try:
        row = cells.save_attendance(user, lesson, data.pupil, kind=kind, version=data.version,
                                    late_minutes=late_minutes)
    except cells.Conflict as conflict:
        # The stored entry as its letter, as the grid's cell shows it.
        conflict.text = attendance_letter(
            Attendance.objects.filter(lesson=lesson, pupil_id=data.pupil).first())
        raise
    return Status(200, {"cell": cells.cell_of(row, attendance_letter(row)).as_json()})
