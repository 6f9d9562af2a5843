"""The timetable's week (R-SCH-1): a pupil's class (for the pupil and their parents)
and a teacher's own. The calendar is the timetable page's: ``schedule.views.resolve``
decides whose calendar the user may open (a family its own class, staff the schools
whose lessons they read), and ``schedule.calendar.week`` reads it."""

from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from portal.access import today
from schedule import calendar
from schedule.models import week_of
from schedule.views import resolve

from ..declare import operation
from ..family import FAMILY_RULE, pupil_or_404, teacher_rows
from ..schemas import Day, Message, PathId, TimetableWeekOut
from ..scopes import TIMETABLE_READ
from .serialize import event_out, timetable_lesson_out

router = Router(tags=["timetable"])


class WeekQuery(Schema):
    date: Day | None = None


def week_out(whose, targets, day):
    """The week of one or more calendars (a teacher in two schools), lessons by date
    and number."""
    monday, saturday = week_of(day)
    lessons, events, fortnight = [], {}, ""
    for target, rows, event_rows in targets:
        week = calendar.week(target, target.lessons(rows).between(monday, saturday),
                             target.events(event_rows), monday, saturday)
        fortnight = fortnight or str(week.fortnight)
        for _number, _times, cells in week.rows:
            for cell in cells:
                for lesson in cell:
                    lessons.extend(lesson.parts)
        for day_events in week.events.values():
            for event in day_events:
                events[event.pk] = event
    lessons.sort(key=lambda lesson: (lesson.date, lesson.lesson_number, lesson.pk))
    return {"whose": whose, "monday": monday, "saturday": saturday, "fortnight": fortnight,
            "lessons": [timetable_lesson_out(lesson) for lesson in lessons],
            "events": [event_out(event) for event in sorted(
                events.values(), key=lambda e: (e.starts_on, e.starts_at is None,
                                                e.starts_at or 0, e.title))]}


@operation(router.get, "/pupils/{id:pupil_id}/timetable/week", scope=TIMETABLE_READ,
           response={200: TimetableWeekOut, 404: Message},
           permission=format_lazy("{}; {}", FAMILY_RULE, _(
               "the lessons and events of the pupil's class, as the family's timetable "
               "page (`schedule.views.resolve`)")),
           summary=_("The timetable week of a pupil's class"))
def pupil_week(request, pupil_id: PathId, query: Query[WeekQuery]):
    user = request.auth.user
    pupil = pupil_or_404(user, pupil_id)
    day = query.date or today()
    if pupil.school_class_id is None:
        monday, saturday = week_of(day)
        return {"whose": pupil.person.full_name, "monday": monday, "saturday": saturday,
                "fortnight": "", "lessons": [], "events": []}
    target = resolve(user, "class", pupil.school_class_id)
    return week_out(str(pupil.school_class), [target], day)


@operation(router.get, "/timetable/week", scope=TIMETABLE_READ,
           response={200: TimetableWeekOut, 404: Message},
           permission=_("the user's own staff records that teach, in the schools whose "
                        "lessons they read (`schedule.view_lesson`); 404 for anyone else"),
           summary=_("The teacher's own timetable week"),
           description=_("The lessons the user gives (as a replacement or a co-teacher too) "
                         "in the week holding `date`, and the schools' events."))
def teacher_week(request, query: Query[WeekQuery]):
    user = request.auth.user
    rows = list(teacher_rows(user))
    if not rows:
        raise Http404
    targets = [resolve(user, "teacher", row.pk) for row in rows]
    return week_out(rows[0].person.full_name, targets, query.date or today())
