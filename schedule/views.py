"""The timetable's pages: calendars by year, month, week and day for a class, a teacher,
a room and a school (R-SCH-1, R-SCH-4), and the deputy's weekly grid editor with the
dated changes and the hours compared with the plan (R-SCH-1, R-SCH-2)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from curriculum.models import SchoolClass, Subgroup, Subject
from curriculum.rules import LEADERSHIP
from portal.access import access, today
from portal.ids import parse_id
from records.models import Institution, Pupil, Staff

from . import actions
from .calendar import WEEKDAY_LABELS, WEEKDAY_SHORT, Mode, Target, months, span, week
from .calendar import shift as shift_day
from .conflicts import SlotTimes, joint_parts
from .forms import CalendarForm, CellForm, ChangeForm
from .hours import compare_hours
from .models import (
    Event,
    Lesson,
    Room,
    TimetableChange,
    TimetableEntry,
    Weeks,
    fortnight_week,
    week_of,
    with_co_teachers,
)

KINDS = ("class", "teacher", "room", "school")
# The journal's permission to read a lesson's page and its grid. The calendar links only
# the lessons the user may open there; journal's URLs are reversed by name, so the
# timetable stays below the journal (records ← curriculum ← schedule ← journal).
VIEW_JOURNAL = "journal.view_journal"


def lesson_schools(user):
    """Schools whose lessons the user reads as staff or as the department."""
    return Institution.objects.visible_to(user, "schedule.view_lesson")


def family_class_ids(user):
    """Classes of the user's own pupil record and of their children: pupils and parents
    read their class's calendar, and no other."""
    context = access(user)
    pupils = context.own_pupil_ids | context.child_pupil_ids
    if not pupils:
        return set()
    return set(Pupil.objects.visible_to(user).filter(pk__in=pupils, school_class__isnull=False)
               .values_list("school_class_id", flat=True))


def resolve(user, kind, pk):
    """(Target, lessons, events) the user may read, or 404: a page never confirms that
    another school's class or teacher exists."""
    if kind == "school":
        school = get_object_or_404(lesson_schools(user), pk=pk)
        return Target(kind, school, school), Lesson.objects.visible_to(user), \
            Event.objects.visible_to(user)
    if kind == "class":
        row = get_object_or_404(SchoolClass.objects.select_related("institution"), pk=pk)
        if lesson_schools(user).filter(pk=row.institution_id).exists():
            return Target(kind, row, row.institution), Lesson.objects.visible_to(user), \
                Event.objects.visible_to(user)
        if row.pk in family_class_ids(user):
            # The family's own class: its lessons and events, whoever they are taught by.
            return Target(kind, row, row.institution), Lesson.objects.all(), Event.objects.all()
        raise Http404
    model = {"teacher": Staff, "room": Room}[kind]
    row = get_object_or_404(model.objects.filter(institution__in=lesson_schools(user))
                            .select_related("institution"), pk=pk)
    return Target(kind, row, row.institution), Lesson.objects.visible_to(user), \
        Event.objects.visible_to(user)


def choices(user, target):
    """What the selector offers: the classes, teachers and rooms of the target's school
    (and the schools) for staff; their own classes for pupils and parents."""
    school = target.institution
    if not lesson_schools(user).filter(pk=school.pk).exists():
        return {"classes": SchoolClass.objects.filter(pk__in=family_class_ids(user))}
    entries = TimetableEntry.objects.filter(institution=school)
    co_teaching = TimetableEntry.co_teachers.through.objects.filter(
        timetableentry__institution=school)
    teachers = (Staff.objects.filter(institution=school)
                .filter(Q(pk__in=entries.values("teacher"))
                        | Q(pk__in=co_teaching.values("staff_id")))
                .select_related("person").order_by("person__search_name"))
    return {
        "schools": lesson_schools(user).order_by("short_name"),
        "classes": SchoolClass.objects.filter(institution=school).current(),
        "teachers": teachers,
        "rooms": Room.objects.filter(institution=school),
    }


def calendar_url(kind, pk, mode=None, day=None):
    query = {k: v for k, v in (("mode", mode), ("date", day and day.isoformat())) if v}
    url = reverse("schedule:calendar", args=[kind, pk])
    return f"{url}?{urlencode(query)}" if query else url


def own_calendars(user):
    """The user's own calendars, most useful first, as (kind, row): the class teacher's
    class, the leadership's school, a teacher's own week, the classes of a pupil and of
    a parent's children, then the schools the user reads as staff or department."""
    context = access(user)
    schools = lesson_schools(user)
    found = []
    led = (SchoolClass.objects.filter(pk__in=context.led_class_ids, institution__in=schools)
           .current().order_by("grade", "letter"))
    found += [("class", row) for row in led]
    leads = set().union(*(context.institutions_with(role) for role in LEADERSHIP))
    found += [("school", row) for row in schools.filter(pk__in=leads).order_by("short_name")]
    if context.person_id is not None:
        teacher = (Staff.objects.current().filter(person_id=context.person_id,
                                                  institution__in=schools)
                   .filter(Q(timetable_entries__isnull=False)
                           | Q(co_taught_entries__isnull=False))
                   .select_related("person").order_by("pk").first())
        if teacher is not None:
            found.append(("teacher", teacher))
    found += [("class", row) for row in SchoolClass.objects.filter(pk__in=family_class_ids(user))
              .order_by("grade", "letter")]
    found += [("school", row) for row in schools.order_by("short_name")[:1]]
    unique = []
    for kind, row in found:
        if (kind, row.pk) not in {(k, r.pk) for k, r in unique}:
            unique.append((kind, row))
    return unique


@login_required
def index(request):
    """The selector's target ("class:12"), or the user's own calendar that is most
    useful to them (``own_calendars``): the others are one click away on its page."""
    user = request.user
    form = CalendarForm(request.GET)
    mode, day = form.mode_and_day()
    # Only what was asked for goes on: the calendar's own defaults stay unspelled.
    mode = mode if "mode" in request.GET else None
    day = day if request.GET.get("date") else None
    kind, _sep, pk = request.GET.get("target", "").partition(":")
    pk = parse_id(pk)
    if kind in KINDS and pk is not None:
        return redirect(calendar_url(kind, pk, mode, day))
    own = own_calendars(user)
    if not own:
        raise PermissionDenied
    kind, row = own[0]
    return redirect(calendar_url(kind, row.pk, mode, day))


def family_pupils(user, target):
    """The user's own pupil record and children in the class of ``target``: a family
    gets a link to each one's diary day instead of the journal."""
    context = access(user)
    pupils = context.own_pupil_ids | context.child_pupil_ids
    if target.kind != "class" or not pupils:
        return []
    return list(Pupil.objects.visible_to(user).filter(pk__in=pupils, school_class=target.row)
                .select_related("person").order_by("person__search_name"))


def link_lessons(user, week):
    """Gives each lesson of the week that the user may open in the journal the links to
    its lesson page and its journal grid, in one query."""
    lessons = [part for _n, _t, cells in week.rows for day in cells for lesson in day
               for part in lesson.parts]
    if not lessons:
        return
    readable = set(Lesson.objects.visible_to(user, VIEW_JOURNAL)
                   .filter(pk__in=[lesson.pk for lesson in lessons])
                   .values_list("pk", flat=True))
    for lesson in lessons:
        if lesson.pk in readable:
            lesson.journal_url = reverse("journal:lesson", args=[lesson.pk])
            grid = reverse("journal:grid", args=[lesson.school_class_id, lesson.subject_id])
            lesson.grid_url = (f"{grid}?{urlencode({'group': lesson.subgroup_id})}"
                               if lesson.subgroup_id else grid)


def week_days(week, kind, pk, pupils, now):
    """The days of a week or a day view, each with its links, its events and the slots
    that have lessons (the phone shows one card per day)."""
    days = []
    for index, day in enumerate(week.days):
        days.append({
            "date": day, "url": calendar_url(kind, pk, Mode.DAY, day), "today": day == now,
            "events": week.events.get(day, []),
            "diary": [(pupil, reverse("journal:diary", args=[pupil.pk])
                       + f"?{urlencode({'date': day.isoformat()})}") for pupil in pupils],
            "slots": [(number, times, cells[index]) for number, times, cells in week.rows
                      if cells[index]],
        })
    return days


@login_required
def calendar_view(request, kind, pk):
    if kind not in KINDS:
        raise Http404
    user = request.user
    target, lessons, events = resolve(user, kind, pk)
    form = CalendarForm(request.GET)
    mode, day = form.mode_and_day()
    first_day, last_day = span(mode, day)
    lessons = target.lessons(lessons)
    events = target.events(events)
    now = today()
    staff = lesson_schools(user).filter(pk=target.institution.pk).exists()
    page = {
        "target": target, "mode": mode, "day": day, "first_day": first_day,
        "last_day": last_day, "modes": Mode.CHOICES, "weekday_labels": WEEKDAY_SHORT,
        "today": now,
        "previous_url": calendar_url(kind, pk, mode, shift_day(mode, day, -1)),
        "next_url": calendar_url(kind, pk, mode, shift_day(mode, day, 1)),
        "today_url": calendar_url(kind, pk, mode, now),
        "mode_urls": [(m, label, calendar_url(kind, pk, m, day)) for m, label in Mode.CHOICES],
        "choices": choices(user, target),
        "own": [(k, row, calendar_url(k, row.pk, mode, day)) for k, row in own_calendars(user)
                if (k, row.pk) != (kind, target.row.pk)],
        "may_edit": kind == "class" and user.has_perm(
            "schedule.change_timetableentry", TimetableEntry(
                institution_id=target.institution.pk, school_class_id=target.row.pk)),
    }
    if mode in (Mode.WEEK, Mode.DAY):
        page["week"] = week(target, lessons.between(first_day, last_day), events, first_day,
                            last_day)
        if staff:
            link_lessons(user, page["week"])
        pupils = [] if staff else family_pupils(user, target)
        page["days"] = week_days(page["week"], kind, pk, pupils, now)
        page["today_column"] = next((n for n, d in enumerate(page["days"]) if d["today"]),
                                    None)
        if mode == Mode.DAY:
            page["day_lessons"] = [lesson for _n, _t, cells in page["week"].rows
                                   for lesson in cells[0]]
            page["day_events"] = page["week"].events.get(day, [])
    else:
        page["months"] = months(lessons, events, first_day, last_day)
        for month in page["months"]:
            month.weeks = [[(*cell, cell[0] and calendar_url(kind, pk, Mode.DAY, cell[0]))
                            for cell in row] for row in month.weeks]
    return render(request, "schedule/calendar.html", page)


# The deputy's grid editor ---------------------------------------------------------------


def editable_class(user, pk):
    """The class, if the user may change its timetable; 404 otherwise."""
    return get_object_or_404(
        SchoolClass.objects.visible_to(user, "schedule.change_timetableentry")
        .select_related("institution", "academic_year"), pk=pk)


def grid_week(request, school_class):
    """The Monday of the week being edited: the asked-for week, else this week, kept
    within the class's year."""
    year = school_class.academic_year
    form = CalendarForm(request.GET if request.method == "GET" else request.POST)
    _mode, day = form.mode_and_day()
    day = min(max(day, year.starts_on), year.ends_on)
    return week_of(day)[0]


def week_entries(school_class, monday):
    """The class's weekly lessons that take place in the week of ``monday``."""
    return (TimetableEntry.objects.filter(school_class=school_class)
            .overlapping(monday, monday + datetime.timedelta(days=5))
            .select_related("subject", "teacher__person", "room", "subgroup")
            .order_by("weekday", "lesson_number", "subgroup__name"))


def grid_page(request, school_class, monday, change_form=None, status=200):
    saturday = monday + datetime.timedelta(days=5)
    year = school_class.academic_year
    entries = list(with_co_teachers(week_entries(school_class, monday)))
    parts = joint_parts(entries, monday, saturday)
    for entry in entries:
        entry.joint_with = parts.get(entry.pk, [])
        entry.co_teacher_pks = {t.pk for t in entry.co_teacher_list()}
    institution = school_class.institution
    times = SlotTimes(institution.pk)
    schedule = times.by_schedule.get(school_class.bell_schedule_id or times.default, {})
    numbers = sorted(set(schedule) | {e.lesson_number for e in entries}) or list(range(1, 8))
    subgroups = list(Subgroup.objects.filter(school_class=school_class).select_related(
        "subject"))
    cells = {}
    for entry in entries:
        cells.setdefault((entry.weekday, entry.lesson_number), []).append(entry)
    rows = []
    for number in numbers:
        row = []
        for weekday in range(1, 7):
            found = cells.get((weekday, number), [])
            # A blank form in an empty cell, in a cell of subgroups for one more group,
            # and in a cell of week A only (or B only) for the other week.
            blank = not found or (subgroups and all(e.subgroup_id for e in found)) or (
                {e.weeks for e in found} in ({Weeks.A}, {Weeks.B}))
            row.append((weekday, found + ([None] if blank else [])))
        rows.append((number, schedule.get(number), row))
    if change_form is None:
        change_form = ChangeForm(school_class, week_entries(school_class, monday))
    previous_week, next_week = monday - datetime.timedelta(weeks=1), \
        monday + datetime.timedelta(weeks=1)
    page = {
        "school_class": school_class, "monday": monday, "saturday": saturday,
        "starts": max(monday, year.starts_on), "rows": rows,
        "weekdays": [(n, WEEKDAY_LABELS[n - 1], monday + datetime.timedelta(days=n - 1))
                     for n in range(1, 7)],
        "subjects": Subject.objects.filter(institution=institution),
        "teachers": Staff.objects.current().filter(institution=institution)
        .select_related("person").order_by("person__search_name"),
        "rooms": Room.objects.filter(institution=institution),
        "subgroups": subgroups,
        "weeks": Weeks.choices,
        # Which week of a fortnightly timetable this is, when the class has one.
        "fortnight": Weeks(fortnight_week(year.starts_on, monday)).label
        if any(e.weeks for e in entries) else None,
        "hours": compare_hours(school_class, monday, saturday),
        "change_form": change_form,
        "changes": TimetableChange.objects.filter(entry__school_class=school_class,
                                                  date__gte=monday, date__lte=saturday)
        .select_related("entry__subject", "replacement_teacher__person", "new_room"),
        "previous_week": previous_week if previous_week + datetime.timedelta(days=5)
        >= year.starts_on else None,
        "next_week": next_week if next_week <= year.ends_on else None,
        "week_url": calendar_url("class", school_class.pk, Mode.WEEK, monday),
    }
    return render(request, "schedule/grid.html", page, status=status)


@login_required
def grid(request, pk):
    school_class = editable_class(request.user, pk)
    return grid_page(request, school_class, grid_week(request, school_class))


def report_json(report):
    return {
        "created": report.created, "updated": report.updated, "deleted": report.deleted,
        "kept": [{"date": lesson.date.isoformat(), "lesson_number": lesson.lesson_number,
                  "subject": str(lesson.subject)} for lesson in report.kept],
    }


def kept_message(report):
    if not report.kept:
        return ""
    return ngettext("%(n)s lesson with marks or attendance was kept: %(list)s",
                    "%(n)s lessons with marks or attendance were kept: %(list)s",
                    len(report.kept)) % {
        "n": len(report.kept),
        "list": ", ".join(f"{lesson.date:%d.%m.%Y} ({lesson.lesson_number})"
                          for lesson in report.kept[:10])}


def errors_json(errors, status=400, stored=None):
    return JsonResponse({"ok": False, "errors": errors, "stored": stored}, status=status)


def stored_cell(school_class, pk):
    """What the cell holds in the database, as the grid's fields take it: a refused save
    puts these back (an empty cell has none), so a cell never shows what was not saved."""
    entry = TimetableEntry.objects.filter(school_class=school_class, pk=pk).first() \
        if pk is not None else None
    if entry is None:
        return None
    return {
        "entry": entry.pk, "subject": entry.subject_id, "teacher": entry.teacher_id,
        "room": entry.room_id or "", "subgroup": entry.subgroup_id or "",
        "weeks": entry.weeks, "joint": entry.joint,
        "co_teachers": sorted(t.pk for t in entry.co_teacher_list()),
    }


def form_errors(form):
    return [str(m) for errors in form.errors.values() for m in errors]


@login_required
@require_POST
def save_cell(request, pk):
    """Saves one cell of the grid (JSON): a new weekly lesson or a changed one, from the
    week being edited to the end of its dates; a clash is refused with its message and
    the cell's stored values."""
    school_class = editable_class(request.user, pk)
    monday = grid_week(request, school_class)
    form = CellForm(school_class, monday, request.POST)
    if not form.is_valid():
        return errors_json(form_errors(form), stored=stored_cell(
            school_class, parse_id(request.POST.get("entry", ""))))
    try:
        entry, report = actions.save_cell(school_class, monday, form.cleaned_data,
                                          request.user)
    except ValidationError as error:
        posted = form.cleaned_data["entry"]
        return errors_json(error.messages, stored=stored_cell(
            school_class, posted.pk if posted else None))
    return JsonResponse({
        "ok": True, "entry": entry.pk, "message": _("Saved."),
        "kept_message": kept_message(report), "lessons": report_json(report),
    })


@login_required
@require_POST
def delete_cell(request, pk):
    """Deletes one cell's weekly lesson from the week being edited on; only when asked
    twice (``confirmed``: the grid's second click on «Delete»)."""
    school_class = editable_class(request.user, pk)
    monday = grid_week(request, school_class)
    form = CellForm(school_class, monday, request.POST, deleting=True)
    if not form.is_valid() or form.cleaned_data["entry"] is None:
        return errors_json(form_errors(form) or [_("Choose a lesson to delete.")])
    if request.POST.get("confirmed") != "1":
        return errors_json([_("Press «Delete» once more to confirm.")])
    report = actions.delete_cell(school_class, monday, form.cleaned_data["entry"],
                                 request.user)
    return JsonResponse({"ok": True, "message": _("Deleted."),
                         "kept_message": kept_message(report), "lessons": report_json(report)})


@login_required
@require_POST
def add_change(request, pk):
    """A dated change of one lesson (replacement, move, cancellation, another room)."""
    school_class = editable_class(request.user, pk)
    monday = grid_week(request, school_class)
    form = ChangeForm(school_class, week_entries(school_class, monday), request.POST)
    if not form.is_valid():
        return grid_page(request, school_class, monday, change_form=form, status=400)
    report = actions.save_change(school_class, form, request.user)
    messages.success(request, _("The change is saved and the lessons are updated."))
    if report.kept:
        messages.warning(request, kept_message(report))
    return redirect(grid_url(school_class, monday))


@login_required
@require_POST
def delete_change(request, pk, change_pk):
    school_class = editable_class(request.user, pk)
    change = get_object_or_404(TimetableChange.objects.filter(entry__school_class=school_class),
                               pk=change_pk)
    monday = week_of(change.date)[0]
    try:
        actions.delete_change(school_class, change, request.user)
    except ValidationError as error:  # a change in a closed period stays
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The change is removed and the lessons are updated."))
    return redirect(grid_url(school_class, monday))


def grid_url(school_class, monday):
    return f"{reverse('schedule:grid', args=[school_class.pk])}?date={monday.isoformat()}"
