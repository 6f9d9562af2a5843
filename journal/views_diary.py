"""The diary pages (R-DRY-1): a pupil's own, a parent's for each child. Staff read marks
through the journal; for anybody else every diary address answers 404, so a page never
confirms that a pupil exists."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from courses import in_diary
from portal.access import access, today
from portal.ids import parse_id
from schedule.models import week_of

from . import diary


def diary_pupils(user):
    return list(diary.diary_pupils(user))


def find_pupil(pupils, pk):
    """The pupil ``pk`` among the user's own diaries, or 404."""
    for pupil in pupils:
        if pupil.pk == pk:
            return pupil
    raise Http404


def week_url(pupil_pk, day=None):
    url = reverse("journal:diary", args=[pupil_pk])
    return f"{url}?{urlencode({'date': day.isoformat()})}" if day else url


@login_required
def diary_index(request):
    """The user's own diary, or the first child's; with ``class`` (a notification's
    link) the child's in that class, with ``date`` on that week."""
    pupils = diary_pupils(request.user)
    if not pupils:
        raise Http404
    own = access(request.user).own_pupil_ids
    in_class = parse_id(request.GET.get("class"))
    pupil = next((p for p in pupils if in_class and p.school_class_id == in_class),
                 None) or next((p for p in pupils if p.pk in own), pupils[0])
    day = diary.parse_day(request.GET.get("date"))
    return redirect(week_url(pupil.pk, day))


@login_required
def week_view(request, pupil_pk):
    pupils = diary_pupils(request.user)
    pupil = find_pupil(pupils, pupil_pk)
    # A date that is not one shows the current week rather than an error.
    day = diary.parse_day(request.GET.get("date")) or today()
    monday, saturday = week_of(day)
    week = datetime.timedelta(weeks=1)
    days = diary.week(pupil, day)
    # The week's homework at a glance, by the day it is due.
    glance = [(d, tasks) for d in days if (tasks := d.homework_due())]
    return render(request, "journal/diary/week.html", {
        "pupil": pupil, "pupils": pupils, "tab": "week",
        "monday": monday, "saturday": saturday, "days": days, "glance": glance,
        "previous_url": week_url(pupil.pk, monday - week),
        "next_url": week_url(pupil.pk, monday + week),
        "today_url": week_url(pupil.pk),
        "today": today(), "is_current_week": monday <= today() <= saturday,
    })


@login_required
def period_view(request, pupil_pk):
    pupils = diary_pupils(request.user)
    pupil = find_pupil(pupils, pupil_pk)
    periods = diary.class_periods(pupil.school_class)
    # An unknown or malformed period shows the current one rather than an error.
    period = diary.chosen_period(periods, request.GET.get("period", ""))
    courses = diary.courses(pupil)
    lines = []
    if period is not None:
        subjects = {course.subject.pk: course.subject for course in courses}
        lines = diary.period_lines(pupil, period, subjects.values())
    # Beside each subject, its course's materials (R-MAT-1): one query.
    links = diary.course_links(pupil)
    for row in [*courses, *lines]:
        row.course_link = in_diary.render_course_link(links.get(row.subject.pk, []))
    return render(request, "journal/diary/period.html", {
        "pupil": pupil, "pupils": pupils, "tab": "period",
        "periods": periods, "period": period, "lines": lines, "courses": courses,
        "absences": sum(line.absences for line in lines),
        "lates": sum(line.lates for line in lines),
        "has_year": any(line.year_final for line in lines),
        "has_exam": any(line.exam_final for line in lines),
    })
