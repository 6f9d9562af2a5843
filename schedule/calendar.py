"""The calendars of the timetable (R-SCH-1, R-SCH-4): what a class, a teacher, a room or
a whole school has on a day, in a week, a month or a school year, read from the dated
``Lesson`` rows (which already carry the changes) and the events.

A ``Target`` says whose calendar it is and how its lessons and events are found; the
views decide who may open which target. Every period is read with a fixed number of
queries: the lessons of the span in one query, the per-day counts of a month or a year
in one grouped query, the events in one more.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .conflicts import SlotTimes
from .models import Lesson, Weekday, Weeks, fortnight_week, week_of, with_co_teachers


class Mode:
    YEAR, MONTH, WEEK, DAY = "year", "month", "week", "day"
    CHOICES = [(YEAR, _("Year")), (MONTH, _("Month")), (WEEK, _("Week")), (DAY, _("Day"))]
    ALL = {YEAR, MONTH, WEEK, DAY}


@dataclass
class Target:
    """Whose calendar: ``kind`` is "class", "teacher", "room" or "school"; ``row`` the
    class, staff record, room or institution; ``institution`` its school."""

    kind: str
    row: object
    institution: object

    def lessons(self, lessons):
        """Narrows a queryset of lessons to this target. A teacher's calendar also shows
        the lessons a replacement teacher gives in their place, marked as such, and those
        the teacher gives with another (co-teacher)."""
        if self.kind == "class":
            return lessons.filter(school_class=self.row)
        if self.kind == "teacher":
            co_taught = Lesson.co_teachers.through.objects.filter(staff=self.row)
            return lessons.filter(Q(teacher=self.row) | Q(replaced_teacher=self.row)
                                  | Q(pk__in=co_taught.values("lesson_id")))
        if self.kind == "room":
            return lessons.filter(room=self.row)
        return lessons.filter(institution=self.institution)

    def events(self, events):
        """A class sees its own events and its school's; a teacher, a room and the school
        see the school's events."""
        if self.kind == "class":
            return events.for_class(self.row)
        return events.filter(institution=self.institution, school_class__isnull=True)

    def bell_schedule_id(self):
        return getattr(self.row, "bell_schedule_id", None) if self.kind == "class" else None


def span(mode, day):
    """First and last day of the period of ``mode`` around ``day``."""
    if mode == Mode.DAY:
        return day, day
    if mode == Mode.WEEK:
        return week_of(day)
    if mode == Mode.MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    first = school_year_start(day)
    return first, first.replace(year=first.year + 1) - datetime.timedelta(days=1)


def school_year_start(day):
    """1 September of the school year that ``day`` falls in."""
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def shift(mode, day, steps):
    """``day`` moved by ``steps`` periods of ``mode`` (the previous/next links)."""
    if mode == Mode.DAY:
        return day + datetime.timedelta(days=steps)
    if mode == Mode.WEEK:
        return day + datetime.timedelta(weeks=steps)
    if mode == Mode.MONTH:
        month = day.month - 1 + steps
        year, month = day.year + month // 12, month % 12 + 1
        return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    try:
        return day.replace(year=day.year + steps)
    except ValueError:  # 29 February
        return day.replace(year=day.year + steps, day=28)


def with_details(lessons):
    return with_co_teachers(lessons).select_related(
        "school_class", "subgroup", "subject", "teacher__person", "replaced_teacher__person",
        "room", "entry", "academic_year",
    ).order_by("date", "lesson_number", "school_class__grade", "school_class__letter",
               "subgroup__name")


def changes_of(lesson):
    """What differs from the weekly timetable, as short labels for the calendar."""
    marks = []
    if lesson.is_cancelled:
        marks.append(_("cancelled"))
    if lesson.replaced_teacher_id:
        marks.append(_("replacement"))
    if lesson.date != lesson.scheduled_on or (
            lesson.entry is not None and lesson.entry.lesson_number != lesson.lesson_number):
        marks.append(_("moved"))
    if lesson.entry is not None and lesson.entry.room_id != lesson.room_id:
        marks.append(_("another room"))
    return marks


def notes_of(lesson):
    """What the weekly timetable says of the lesson beyond its slot: joint, week A or B."""
    entry = lesson.entry
    if entry is None:
        return []
    return ([_("joint lesson")] if entry.joint else []) + (
        [Weeks(entry.weeks).label] if entry.weeks else [])


def merge_joint(lessons):
    """The lessons of one cell with the parts of a joint lesson shown once, naming all
    its classes and groups in ``parts`` (a teacher's, a room's or a school's calendar
    holds every part)."""
    merged, seen = [], {}
    for lesson in lessons:
        lesson.parts = [lesson]
        key = (lesson.subject_id, lesson.room_id, lesson.teacher_id)
        if lesson.entry is not None and lesson.entry.joint and key in seen:
            seen[key].parts.append(lesson)
            continue
        if lesson.entry is not None and lesson.entry.joint:
            seen[key] = lesson
        merged.append(lesson)
    return merged


@dataclass
class Week:
    days: list      # the dates, Monday to Saturday
    rows: list      # [(lesson number, (start, end) or None, [[lessons of a day], ...])]
    events: dict    # {date: [events]}
    fortnight: str = ""  # "week A" or "week B" in a fortnightly timetable

    @property
    def day_events(self):
        return [self.events.get(day, []) for day in self.days]


def week(target, lessons, events, first_day, last_day):
    """The week grid: days by lesson numbers, with the lesson times of the class (or of
    the school's first lesson times) and every lesson in its cell."""
    days = [first_day + datetime.timedelta(days=n) for n in range((last_day - first_day).days
                                                                  + 1)]
    rows = list(with_details(lessons))
    fortnight = ""
    for lesson in rows:
        lesson.changes = changes_of(lesson)
        lesson.notes = notes_of(lesson)
        if lesson.entry is not None and lesson.entry.weeks:
            fortnight = Weeks(fortnight_week(lesson.academic_year.starts_on, first_day)).label
    times = SlotTimes(target.institution.pk)
    schedule = times.by_schedule.get(target.bell_schedule_id() or times.default, {})
    numbers = sorted(set(schedule) | {lesson.lesson_number for lesson in rows})
    cells = {(lesson.date, lesson.lesson_number): [] for lesson in rows}
    for lesson in rows:
        cells[(lesson.date, lesson.lesson_number)].append(lesson)
    grid = [(number, schedule.get(number), [merge_joint(cells.get((day, number), []))
                                            for day in days])
            for number in numbers]
    return Week(days, grid, events_by_day(events, first_day, last_day), fortnight)


def events_by_day(events, first_day, last_day):
    by_day = {}
    for event in events.between(first_day, last_day):
        day = max(event.starts_on, first_day)
        while day <= min(event.ends_on, last_day):
            by_day.setdefault(day, []).append(event)
            day += datetime.timedelta(days=1)
    return by_day


def day_counts(lessons, first_day, last_day):
    """{date: (lessons held, lessons changed)} in one grouped query."""
    rows = (lessons.between(first_day, last_day).values_list("date")
            .annotate(total=Count("pk", filter=Q(is_cancelled=False)),
                      changed=Count("pk", filter=Q(is_cancelled=True)
                                    | Q(replaced_teacher__isnull=False)
                                    | ~Q(date=F("scheduled_on"))))
            .order_by())
    return {day: (total, changed) for day, total, changed in rows}


MONDAY_FIRST = calendar.Calendar(calendar.MONDAY)  # weeks run Monday to Sunday


@dataclass
class Month:
    first_day: datetime.date
    weeks: list     # [[(date or None, lessons, changed, [events])] * 7]


def months(lessons, events, first_day, last_day):
    """The months of the span, each as weeks of days with their counts and events."""
    counts = day_counts(lessons, first_day, last_day)
    by_day = events_by_day(events, first_day, last_day)
    result = []
    month = first_day.replace(day=1)
    while month <= last_day:
        weeks = []
        for week_days in MONDAY_FIRST.monthdatescalendar(month.year, month.month):
            weeks.append([
                (day, *counts.get(day, (0, 0)), by_day.get(day, []))
                if day.month == month.month else (None, 0, 0, [])
                for day in week_days
            ])
        result.append(Month(month, weeks))
        month = shift(Mode.MONTH, month, 1)
    return result


WEEKDAY_LABELS = [Weekday(n).label for n in range(1, 7)] + [_("Sunday")]
# The heads of a month's columns, Monday first (пн вт ср чт пт сб вс): cutting the full
# names gave «по вт ср че пя су во».
WEEKDAY_SHORT = [
    pgettext_lazy("weekday abbreviation", "Mo"), pgettext_lazy("weekday abbreviation", "Tu"),
    pgettext_lazy("weekday abbreviation", "We"), pgettext_lazy("weekday abbreviation", "Th"),
    pgettext_lazy("weekday abbreviation", "Fr"), pgettext_lazy("weekday abbreviation", "Sa"),
    pgettext_lazy("weekday abbreviation", "Su"),
]
