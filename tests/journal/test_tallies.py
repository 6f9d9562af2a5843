"""The journal's maintained aggregates (journal/tallies.py): after any sequence of saves
through the journal's own actions, the tallies equal a count from the raw marks and
attendance, on SQLite and PostgreSQL; the rebuild and its check agree; a mark type's new
weight is counted again."""

import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Sum
from django.test import TestCase
from django.utils import timezone

from curriculum.models import AcademicYear, ClassMembership, MarkType
from journal import cells, tallies
from journal.models import AttendanceKind, Mark, Tally
from records.models import User
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""


def school1_year():
    return AcademicYear.objects.filter(
        is_current=True, classes__class_teacher__person__user__username="school1.classteacher",
    ).distinct().get()


def assert_equal(year):
    expected, found = tallies.recomputed(year), tallies.stored(year)
    assert expected, "the year has marks"
    wrong = {key: (expected.get(key), found.get(key))
             for key in expected.keys() | found.keys() if expected.get(key) != found.get(key)}
    assert not wrong, list(wrong.items())[:3]


def test_the_demo_citys_tallies_equal_a_count_from_the_raw_rows():
    assert_equal(school1_year())


def test_random_edits_through_the_journal_leave_the_tallies_equal_to_the_raw_rows():
    rnd = random.Random(20261118)
    teacher = User.objects.get(username="school1.teacher")
    classteacher = User.objects.get(username="school1.classteacher")
    lessons = list(Lesson.objects.filter(teacher__person__user=teacher, is_cancelled=False,
                                         subgroup__isnull=True,
                                         date__lte=timezone.localdate(),
                                         academic_year__is_current=True)
                   .select_related("school_class").order_by("-date")[:12])
    assert lessons
    # Closed periods refuse saves (and leave the tallies alone): the open one's lessons.
    lessons = [lesson for lesson in lessons if not cells.period_of(lesson).is_closed]
    types = list(MarkType.objects.department_wide())
    year = lessons[0].academic_year
    tasks = {}
    for _step in range(60):
        lesson = rnd.choice(lessons)
        pupils = list(ClassMembership.objects.filter(school_class=lesson.school_class)
                      .on(lesson.date).values_list("pupil_id", flat=True))
        pupil = rnd.choice(pupils)
        action = rnd.choice(["mark", "mark", "debt", "clear", "attendance", "present"])
        if action in ("mark", "debt", "clear"):
            if lesson.pk not in tasks or rnd.random() < 0.2:
                tasks[lesson.pk] = cells.new_task(teacher, lesson, rnd.choice(types))
            task = tasks[lesson.pk]
            current = Mark.objects.filter(task=task, pupil_id=pupil).first()
            version = current.version if current else 0
            value = {"mark": rnd.choice(["5", "4", "3", "2"]), "debt": "", "clear": ""}[action]
            cells.save_mark(teacher, task, pupil, value=value, version=version,
                            is_debt=action == "debt")
        else:
            current = lesson.attendance.filter(pupil_id=pupil).first()
            kind = "" if action == "present" else rnd.choice(AttendanceKind.values)
            cells.save_attendance(teacher, lesson, pupil, kind=kind,
                                  version=current.version if current else 0,
                                  late_minutes=5 if kind == AttendanceKind.LATE else None)
    # The class teacher's whole day and the excuse of a week's absences.
    lesson = lessons[0]
    pupil = ClassMembership.objects.filter(school_class=lesson.school_class).on(
        lesson.date).first().pupil_id
    if classteacher.has_perm(cells.RECORD_ABSENCE, lesson.school_class):
        cells.record_day_absence(classteacher, lesson.school_class, pupil, lesson.date,
                                 AttendanceKind.ABSENT)
        cells.excuse_absences(classteacher, lesson.school_class, [pupil], lesson.date,
                              lesson.date, AttendanceKind.ILL)
    assert_equal(year)
    # What was saved last is what the tally of its cell counts.
    assert Tally.objects.filter(period__academic_year=year, pupil_id=pupil).exists()


def test_a_new_weight_counts_again_and_the_check_agrees():
    year = school1_year()
    mark_type = MarkType.objects.department_wide().get(name="контрольная работа")
    before = Tally.objects.filter(period__academic_year=year).aggregate(
        total=Sum("weights"))["total"]
    mark_type.weight = mark_type.weight + Decimal("1.00")
    with TestCase.captureOnCommitCallbacks(
            execute=True):
        mark_type.save()
    after = Tally.objects.filter(period__academic_year=year).aggregate(
        total=Sum("weights"))["total"]
    assert after > before
    assert_equal(year)
    call_command("rebuild_tallies", "--check", "--school", str(year.institution_id),
                 stdout=open("/dev/null", "w"))


def test_the_check_finds_a_wrong_tally_and_the_rebuild_mends_it():
    year = school1_year()
    Tally.objects.filter(pk=Tally.objects.filter(period__academic_year=year)
                         .order_by("pk").values("pk")[:1]).update(marks=F("marks") + 1)
    with pytest.raises(CommandError, match="1 tallies differ"):
        call_command("rebuild_tallies", "--check", "--school", str(year.institution_id),
                     stdout=open("/dev/null", "w"))
    call_command("rebuild_tallies", "--school", str(year.institution_id),
                 stdout=open("/dev/null", "w"))
    assert_equal(year)
