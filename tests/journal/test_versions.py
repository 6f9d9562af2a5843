"""R-JRN-5 (issue 10, item 13): a cell never has the same version twice. A clear deletes
a mark or an attendance row; counted per row, the entry after it came back at version 1,
and a screen still holding the version 1 from before the clear overwrote it silently.
For every kind of cell: clear, enter again, then save from the stale screen: a conflict.
"""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from curriculum.models import ClassMembership, MarkType, Period
from journal import cells
from journal.models import Attendance, FinalKind, FinalMark, Homework, Mark, Versioned
from records.models import User
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


def teacher():
    return User.objects.get(username="school1.teacher")


def open_lesson():
    """A past lesson of the teacher's in a period that is open."""
    lesson = (Lesson.objects.filter(teacher__person__user=teacher(), is_cancelled=False,
                                    subgroup__isnull=True, school_class__grade__gt=1,
                                    date__lt=timezone.localdate())
              .select_related("school_class", "subject").order_by("-date").first())
    Period.objects.for_class(lesson.school_class).containing(lesson.date).update(
        closed_at=None)
    return lesson


def pupil_of(lesson):
    return ClassMembership.objects.filter(school_class=lesson.school_class).on(
        lesson.date).first().pupil_id


def mark_cell(lesson, pupil):
    task = cells.new_task(teacher(), lesson, MarkType.objects.department_wide().get(
        name="контрольная работа"))
    return lambda value, version: cells.save_mark(teacher(), task, pupil, value=value,
                                                  version=version)


def attendance_cell(lesson, pupil):
    Attendance.objects.filter(lesson=lesson, pupil_id=pupil).delete()
    return lambda value, version: cells.save_attendance(teacher(), lesson, pupil, kind=value,
                                                        version=version)


def final_cell(lesson, pupil):
    period = Period.objects.for_class(lesson.school_class).containing(lesson.date).get()
    FinalMark.objects.filter(pupil_id=pupil, subject=lesson.subject, period=period).delete()
    return lambda value, version: cells.save_final(
        teacher(), lesson.school_class, lesson.subject, pupil, kind=FinalKind.PERIOD,
        period=period, value=value, version=version)


def homework_cell(lesson, pupil):
    Homework.objects.filter(lesson=lesson).delete()
    return lambda value, version: cells.save_homework(
        teacher(), lesson, text=value, links="", version=version,
        due_on=lesson.date + datetime.timedelta(days=1))


CELLS = {Mark: (mark_cell, "4", "5"), Attendance: (attendance_cell, "absent", "ill"),
         FinalMark: (final_cell, "4", "5"), Homework: (homework_cell, "№ 1", "№ 2")}


def test_every_kind_of_versioned_cell_is_tested_here():
    assert {m for m in apps.get_models() if issubclass(m, Versioned)} == set(CELLS)


@pytest.mark.parametrize("model", list(CELLS), ids=lambda m: m.__name__)
def test_a_stale_screen_from_before_a_clear_gets_a_conflict(model):
    make, first_value, second_value = CELLS[model]
    lesson = open_lesson()
    save = make(lesson, pupil_of(lesson))
    first = save(first_value, 0)
    stale = first.version  # what another screen shows from now on
    cleared = save("", first.version)  # marks and attendance: the row is gone
    again = save(second_value, cleared.version if cleared else 0)
    assert again.version != stale
    with pytest.raises(cells.Conflict) as conflict:
        save(first_value, stale)
    assert conflict.value.current.version == again.version
    assert model.objects.get(pk=again.pk).version == again.version


def test_versions_never_repeat_across_cells_and_saves():
    lesson = open_lesson()
    save = mark_cell(lesson, pupil_of(lesson))
    seen = []
    version = 0
    for value in ("5", "4", "", "3", "", "2"):
        row = save(value, version)
        version = row.version if row else 0
        if row:
            seen.append(row.version)
    assert len(seen) == len(set(seen)) == 4 and seen == sorted(seen)
