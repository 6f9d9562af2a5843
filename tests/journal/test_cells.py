"""R-JRN-2…5: saving one cell — marks on the school's scale, debts, attendance, the
class teacher's whole day and excuses, finals and closed periods, topic and homework;
who may write; conflicts instead of lost updates; each change in the cell's history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from curriculum.models import ClassMembership, MarkType, Period
from journal import cells
from journal.models import Attendance, AttendanceKind, FinalKind, FinalMark, Homework, Mark
from records.models import User
from schedule.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_week(school_week):
    """Held lessons on several days of the open quarter (tests/journal/conftest.py)."""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def user(name):
    return User.objects.get(username=name)


def teachers_lesson(username="school1.teacher", grade_above=1):
    """A held lesson (today's too) of the demo teacher's, of a whole class above grade 1."""
    teacher = user(username)
    return (Lesson.objects.filter(teacher__person__user=teacher, is_cancelled=False,
                                  subgroup__isnull=True, school_class__grade__gt=grade_above,
                                  date__lte=timezone.localdate())
            .select_related("school_class").order_by("-date").first())


def member(lesson):
    return ClassMembership.objects.filter(school_class=lesson.school_class).on(
        lesson.date).first().pupil_id


def mark_type():
    return MarkType.objects.department_wide().get(name="контрольная работа")


def test_the_teacher_sets_replaces_and_clears_a_mark_each_change_in_the_history():
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    pupil = member(lesson)
    task = cells.new_task(teacher, lesson, mark_type())
    first = cells.save_mark(teacher, task, pupil, value="4", version=0)
    assert first.value == "4" and first.version > 0
    mark = cells.save_mark(teacher, task, pupil, value="5", version=first.version,
                           comment="молодец")
    assert (mark.value, mark.comment) == ("5", "молодец") and mark.version > first.version
    assert Mark.objects.get(pk=mark.pk).version == mark.version
    assert cells.save_mark(teacher, task, pupil, value="", version=mark.version) is None
    assert not Mark.objects.filter(task=task).exists()
    history = [(e.data["old"], e.data["new"], e.user_id)
               for e in cells.cell_history(task, pupil)]
    assert history == [("5", "", teacher.pk), ("4", "5", teacher.pk), ("", "4", teacher.pk)]


def test_a_stale_version_is_a_conflict_with_the_stored_value():
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    pupil = member(lesson)
    task = cells.new_task(teacher, lesson, mark_type())
    stored = cells.save_mark(teacher, task, pupil, value="3", version=0)
    with pytest.raises(cells.Conflict) as conflict:
        cells.save_mark(user("school1.deputy"), task, pupil, value="5", version=0)
    assert (conflict.value.current.value, conflict.value.current.version) == (
        "3", stored.version)
    assert Mark.objects.get(task=task, pupil_id=pupil).value == "3"


def test_a_debt_is_entered_and_replaced_by_the_mark():
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    pupil = member(lesson)
    task = cells.new_task(teacher, lesson, mark_type())
    debt = cells.save_mark(teacher, task, pupil, value="", is_debt=True, version=0)
    assert debt.is_debt and debt.value == ""
    mark = cells.save_mark(teacher, task, pupil, value="4", is_debt=True,
                           version=debt.version)
    assert (mark.value, mark.is_debt) == ("4", False)


def test_bad_input_changes_nothing_and_says_why():
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    pupil = member(lesson)
    task = cells.new_task(teacher, lesson, mark_type())
    with pytest.raises(ValidationError, match="not a mark of the school's scale"):
        cells.save_mark(teacher, task, pupil, value="6", version=0)
    outsider = ClassMembership.objects.exclude(school_class=lesson.school_class).filter(
        institution=lesson.institution).first().pupil_id
    with pytest.raises(ValidationError, match="not in this class"):
        cells.save_mark(teacher, task, outsider, value="5", version=0)
    with pytest.raises(ValidationError, match="minutes late"):
        cells.save_attendance(teacher, lesson, pupil, kind="late", late_minutes="x",
                              version=0)
    assert not Mark.objects.filter(task=task).exists()


def test_only_the_lessons_teacher_and_the_correctors_write():
    lesson = teachers_lesson()
    pupil = member(lesson)
    task = cells.new_task(user("school1.teacher"), lesson, mark_type())
    for name in ("school1.classteacher", "school1.medic", "school2.teacher", "school2.admin",
                 "dept"):
        with pytest.raises(PermissionDenied):
            cells.save_mark(user(name), task, pupil, value="5", version=0)
    # The deputy corrects; the correction is kept with its author.
    cells.save_mark(user("school1.deputy"), task, pupil, value="5", version=0)
    assert cells.cell_history(task, pupil).first().user == user("school1.deputy")


def test_no_marks_in_grade_one_where_the_school_says_so():
    lesson = Lesson.objects.filter(school_class__grade=1, date__lte=timezone.localdate(),
                                   school_class__institution__short_name="СОШ № 1").order_by(
        "-date").first()
    with pytest.raises(ValidationError, match="no marks in grade 1"):
        cells.new_task(user("school1.deputy"), lesson, mark_type())


def test_attendance_and_the_whole_day_and_the_excuse():
    class_teacher = user("school1.classteacher")
    lesson = (Lesson.objects.filter(school_class__class_teacher__person__user=class_teacher,
                                    subgroup__isnull=True, is_cancelled=False,
                                    date__lte=timezone.localdate())
              .select_related("school_class").order_by("-date").first())
    school_class, pupil = lesson.school_class, member(lesson)
    row = cells.save_attendance(user("school1.deputy"), lesson, pupil, kind="late",
                                late_minutes="10", version=0)
    assert (row.kind, row.late_minutes) == ("late", 10)
    count = cells.record_day_absence(class_teacher, school_class, pupil, lesson.date, "absent")
    day = list(cells.pupil_lessons_on(school_class, pupil, lesson.date))
    assert count == len(day) > 1
    assert set(Attendance.objects.filter(pupil_id=pupil, lesson__in=day).values_list(
        "kind", flat=True)) == {AttendanceKind.ABSENT}
    excused = cells.excuse_absences(class_teacher, school_class, [pupil], lesson.date,
                                    lesson.date)
    assert excused == len(day)
    assert set(Attendance.objects.filter(pupil_id=pupil, lesson__in=day).values_list(
        "kind", flat=True)) == {AttendanceKind.VALID}
    with pytest.raises(PermissionDenied):
        cells.record_day_absence(user("school1.teacher"), school_class, pupil, lesson.date,
                                 "absent")


def test_finals_are_read_only_in_a_closed_period_and_open_again_when_reopened():
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    pupil = member(lesson)
    period = Period.objects.for_class(lesson.school_class).containing(lesson.date).get()
    final = cells.save_final(teacher, lesson.school_class, lesson.subject, pupil,
                             kind=FinalKind.PERIOD, period=period, value="4", version=0)
    assert final.value == "4"
    Period.objects.filter(pk=period.pk).update(closed_at=timezone.now())
    period.refresh_from_db()
    with pytest.raises(ValidationError, match="read-only"):
        cells.save_final(teacher, lesson.school_class, lesson.subject, pupil,
                         kind=FinalKind.PERIOD, period=period, value="5",
                         version=final.version)
    with pytest.raises(ValidationError, match="closed"):
        cells.save_attendance(teacher, lesson, pupil, kind="absent", version=0)
    Period.objects.filter(pk=period.pk).update(closed_at=None)
    period.refresh_from_db()
    final = cells.save_final(teacher, lesson.school_class, lesson.subject, pupil,
                             kind=FinalKind.PERIOD, period=period, value="5",
                             version=final.version)
    assert FinalMark.objects.get(pk=final.pk).value == "5"
    assert [e.data["new"] for e in cells.cell_history(final, pupil)] == ["5", "4"]


def test_topic_and_homework_conflicts():
    teacher, lesson = user("school1.teacher"), teachers_lesson()
    cells.save_topic(teacher, lesson, topic="Дроби", expected=lesson.topic)
    with pytest.raises(cells.Conflict) as conflict:
        cells.save_topic(user("school1.deputy"), lesson, topic="Другое",
                         expected="устаревшая тема")
    assert conflict.value.current.value == "Дроби"
    stored = Homework.objects.filter(lesson=lesson).first()
    version = stored.version if stored else 0
    homework = cells.save_homework(teacher, lesson, text="№ 12", links="https://example.ru",
                                   due_on=lesson.date + datetime.timedelta(days=2),
                                   version=version)
    assert homework.link_list() == ["https://example.ru"]
    with pytest.raises(cells.Conflict):
        cells.save_homework(teacher, lesson, text="№ 13", links="", due_on=None,
                            version=version)
    with pytest.raises(ValidationError, match="http"):
        cells.save_homework(teacher, lesson, text="№ 13", links="javascript:alert(1)",
                            due_on=None, version=homework.version)


# What a cell takes from the keyboard (the grid's script checks against the same tables).


def test_the_english_keys_are_those_of_the_russian_layout():
    assert cells.on_english_layout("йцукен") == "qwerty"
    assert cells.on_english_layout("фывапролджэ") == "asdfghjkl;'"
    assert cells.on_english_layout("ячсмитьбю") == "zxcvbnm,."
    assert cells.on_english_layout("ОП") == "JG"


@pytest.mark.parametrize(("typed", "read"), [
    ("", ("", None)), ("  ", ("", None)),
    # The paper journal's letters, in either case, and the letters the grid shows.
    ("н", ("absent", None)), ("Н", ("absent", None)), ("у", ("valid", None)),
    ("УП", ("valid", None)), ("б", ("ill", None)), ("о10", ("late", "10")),
    ("ОП 5", ("late", "5")),
    # The same keys on the English layout: «н» types «y», «б» a comma, «о» «j».
    ("y", ("absent", None)), ("Y", ("absent", None)), ("e", ("valid", None)),
    ("eg", ("valid", None)), (",", ("ill", None)), ("<", ("ill", None)),
    ("j10", ("late", "10")), ("jg15", ("late", "15")),
    # Latin letters that look like the Cyrillic ones, where no key means another thing.
    ("o10", ("late", "10")), ("on10", ("late", "10")), ("h", ("absent", None)),
    # Late without its minutes: the save says that the minutes are missing.
    ("о", ("late", None)),
])
def test_attendance_is_read_as_typed_on_either_layout(typed, read):
    with translation.override("ru"):
        assert cells.read_attendance(typed) == read


def test_a_look_alike_never_overrides_a_key():
    """«y» looks like «у» (valid reason) but is the «н» key (absent)."""
    with translation.override("ru"):
        assert cells.read_attendance("y") == ("absent", None)
        assert "yn" not in cells.attendance_inputs()


@pytest.mark.parametrize("typed", ["x", "a", "нн", "l5", "5"])
def test_unknown_attendance_is_refused_naming_the_keys(typed):
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        cells.read_attendance(typed)
    assert f"«{typed}»" in refused.value.messages[0]
    assert "«y», «e», «,», «j10»" in refused.value.messages[0]


def test_in_english_the_grid_s_own_letters_are_accepted_too():
    assert cells.read_attendance("a") == ("absent", None)
    assert cells.read_attendance("L5") == ("late", "5")
    assert cells.read_attendance("y") == ("absent", None)


@pytest.mark.parametrize(("typed", "read"), [
    ("5", ("5", False)), (" 4 ", ("4", False)), ("", ("", False)),
    ("д", ("", True)), ("Долг", ("", True)), ("debt", ("", True)),
    # «д» and «долг» typed with the English layout on.
    ("l", ("", True)), ("ljku", ("", True)),
    # Not a mark: passed on for the save to refuse with the scale.
    ("7", ("7", False)), ("Нн", ("Нн", False)),
])
def test_marks_are_read_as_typed_on_either_layout(typed, read):
    with translation.override("ru"):
        assert cells.read_mark(typed, ["5", "4", "3", "2", "1"]) == read


def test_a_scale_of_words_is_read_on_the_english_layout():
    assert cells.read_mark("px", ["зч", "нз"]) == ("зч", False)
    assert cells.read_mark("YP", ["зч", "нз"]) == ("нз", False)
