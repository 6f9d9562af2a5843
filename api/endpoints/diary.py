"""The diary (R-DRY-1) of a pupil the user reads as family: the week, the period and
the week's homework, read by ``journal.diary`` exactly as the diary's pages read them
(the same fixed number of queries, whatever the number of lessons and marks)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from journal import diary
from portal.access import access, today
from schedule.models import week_of

from ..declare import operation
from ..family import FAMILY_RULE, pupil_or_404
from ..schemas import Day, DiaryPeriodOut, DiaryWeekOut, HomeworkWeekOut, Id, Message, PathId
from ..scopes import DIARY_READ, HOMEWORK_READ
from .serialize import (
    diary_day_out,
    due_homework_out,
    period_mark_out,
    period_out,
    pupil_out,
)

router = Router(tags=["diary"])

NOT_FOUND = {404: Message}
MARKS_RULE = format_lazy("{}; {}", FAMILY_RULE, _(
    "the marks and attendance of that pupil only (`journal.view_mark`, "
    "`journal.view_attendance`), the class's homework (`journal.view_homework`)"))


class WeekQuery(Schema):
    date: Day | None = None


class PeriodQuery(Schema):
    period: Id | None = None


@operation(router.get, "/pupils/{id:pupil_id}/diary/week", scope=DIARY_READ,
           response={200: DiaryWeekOut, **NOT_FOUND}, permission=MARKS_RULE,
           summary=_("A pupil's diary week"),
           description=_("The school week (Monday to Saturday) holding `date` (today "
                         "without it): each day's lessons with topic, the pupil's marks and "
                         "attendance, the homework due, and the day's events."))
def diary_week(request, pupil_id: PathId, query: Query[WeekQuery]):
    user = request.auth.user
    pupil = pupil_or_404(user, pupil_id)
    day = query.date or today()
    monday, saturday = week_of(day)
    days = diary.week(pupil, day)
    return {"pupil": pupil_out(pupil, access(user).own_pupil_ids), "monday": monday,
            "saturday": saturday, "days": [diary_day_out(item) for item in days]}


@operation(router.get, "/pupils/{id:pupil_id}/diary/period", scope=DIARY_READ,
           response={200: DiaryPeriodOut, **NOT_FOUND},
           permission=format_lazy("{}; {}", MARKS_RULE,
                                  _("finals `journal.view_finalmark`")),
           summary=_("A pupil's diary period"),
           description=_("The marks of a period per subject with the weighted average, "
                         "debts, absences and finals. `period` is one of `periods`; "
                         "without it (or with another) the current period."))
def diary_period(request, pupil_id: PathId, query: Query[PeriodQuery]):
    user = request.auth.user
    pupil = pupil_or_404(user, pupil_id)
    periods = diary.class_periods(pupil.school_class)
    period = diary.chosen_period(periods, str(query.period or ""))
    courses = diary.courses(pupil)
    teachers = {}
    for course in courses:
        if course.teacher_id:
            teachers.setdefault(course.subject.pk, []).append(course.teacher.person.full_name)
    lines = []
    if period is not None:
        subjects = {course.subject.pk: course.subject for course in courses}
        lines = diary.period_lines(pupil, period, subjects.values())
    return {
        "pupil": pupil_out(pupil, access(user).own_pupil_ids),
        "periods": [period_out(item) for item in periods],
        "period": period_out(period) if period is not None else None,
        "subjects": [{
            "subject": line.subject.name,
            "teachers": teachers.get(line.subject.pk, []),
            "average": float(line.average) if line.average is not None else None,
            "marks": [period_mark_out(mark) for mark in line.marks],
            "debts": [period_mark_out(mark) for mark in line.debts],
            "absences": line.absences, "lates": line.lates,
            "finals": {kind: final.value for kind, final in line.finals.items()},
        } for line in lines],
    }


@operation(router.get, "/pupils/{id:pupil_id}/homework", scope=HOMEWORK_READ,
           response={200: HomeworkWeekOut, **NOT_FOUND},
           permission=format_lazy("{}; {}", FAMILY_RULE, _(
               "the homework of the pupil's class and subgroups (`journal.view_homework`)")),
           summary=_("A pupil's homework of a week"),
           description=_("The homework due in the school week holding `date` (today "
                         "without it), by the day it is due, as the diary shows it."))
def homework_week(request, pupil_id: PathId, query: Query[WeekQuery]):
    user = request.auth.user
    pupil = pupil_or_404(user, pupil_id)
    day = query.date or today()
    monday, saturday = week_of(day)
    days = diary.week(pupil, day)
    return {"pupil": pupil_out(pupil, access(user).own_pupil_ids), "monday": monday,
            "saturday": saturday,
            "homework": [due_homework_out(due) for item in days for due in item.homework_due()]}
