"""R-SCH-1, R-SCH-2: the deputy's grid editor — cells saved as JSON, clashes refused with
their message, the class's lessons regenerated (keeping those with journal data),
dated changes, and the weekly hours against the plan and the tariffication."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from curriculum.models import CurriculumLine, SchoolClass, Subject, TeachingAssignment
from records.models import Institution, Staff
from schedule.factories import TimetableEntryFactory
from schedule.models import ChangeKind, Lesson, Room, TimetableChange, TimetableEntry
from tests.dates import FIRST_MONDAY

pytestmark = pytest.mark.django_db

MONDAY = FIRST_MONDAY
SATURDAY = 6


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def class_of(n, grade, letter):
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution=school(n), grade=grade, letter=letter)


def free_teacher(institution, weekday=SATURDAY, number=1):
    busy = TimetableEntry.objects.filter(weekday=weekday, lesson_number=number).values(
        "teacher")
    return Staff.objects.current().filter(institution=institution).exclude(pk__in=busy).first()


def cell(school_class, **values):
    data = {"date": MONDAY.isoformat(), "weekday": SATURDAY, "lesson_number": 1,
            "subject": Subject.objects.filter(institution=school_class.institution).first().pk,
            "teacher": free_teacher(school_class.institution), "room": "", "subgroup": "",
            "entry": ""}
    data.update(values)
    if isinstance(data["teacher"], Staff):
        data["teacher"] = data["teacher"].pk
    return data


def save(client, school_class, data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(reverse("schedule:save_cell", args=[school_class.pk]), data)


def test_the_deputy_opens_the_grid_of_a_class_with_its_lessons(client_for):
    school_class = class_of(1, 5, "А")
    response = client_for("school1.deputy").get(
        reverse("schedule:grid", args=[school_class.pk]), {"date": MONDAY.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("data-cell-form") >= TimetableEntry.objects.filter(
        school_class=school_class).count()
    assert "timetable_grid.js" in page
    # Every select offers the class's school only.
    for name in ("teachers", "rooms", "subjects"):
        assert {row.institution_id for row in response.context[name]} == {school(1).pk}


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.parent", "school1.pupil", "school2.admin",
                                      "dept"])
def test_who_may_not_change_the_timetable_gets_404_everywhere(client_for, username):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class).first()
    client = client_for(username)
    assert client.get(reverse("schedule:grid", args=[school_class.pk])).status_code == 404
    count = TimetableEntry.objects.count()
    assert save(client, school_class, cell(school_class)).status_code == 404
    assert client.post(reverse("schedule:delete_cell", args=[school_class.pk]),
                       {"entry": entry.pk, "date": MONDAY.isoformat(),
                        "confirmed": "1"}).status_code == 404
    assert client.post(reverse("schedule:add_change", args=[school_class.pk]), {
        "entry": entry.pk, "date": MONDAY.isoformat(), "kind": "cancelled"}).status_code == 404
    assert TimetableEntry.objects.count() == count
    assert not TimetableChange.objects.filter(entry=entry).exists()


def test_a_saved_cell_becomes_a_weekly_lesson_with_its_dated_lessons(client_for):
    school_class = class_of(1, 5, "А")
    data = cell(school_class)
    response = save(client_for("school1.deputy"), school_class, data)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["ok"] and answer["message"] == "Saved."
    entry = TimetableEntry.objects.get(pk=answer["entry"])
    assert (entry.weekday, entry.lesson_number, entry.teacher_id) == (SATURDAY, 1,
                                                                       data["teacher"])
    assert entry.valid_from == MONDAY and entry.valid_to == school_class.academic_year.ends_on
    lessons = Lesson.objects.filter(entry=entry)
    assert lessons.count() == answer["lessons"]["created"] > 20
    assert not lessons.filter(date__lt=MONDAY).exists()
    assert lessons.first().starts_at == datetime.time(8, 0)


def test_a_teacher_in_two_classes_at_once_is_refused_with_the_clash_named(client_for):
    client = client_for("school1.deputy")
    first, second = class_of(1, 5, "А"), class_of(1, 5, "Б")
    data = cell(first)
    assert save(client, first, data).json()["ok"]
    teacher = Staff.objects.get(pk=data["teacher"])
    count = TimetableEntry.objects.count()
    response = save(client, second, cell(second, teacher=teacher))
    assert response.status_code == 400
    message = " ".join(response.json()["errors"])
    assert teacher.person.short_name in message and "5А" in message
    assert "Saturday, lesson 1" in message
    assert TimetableEntry.objects.count() == count


def test_editing_a_lesson_keeps_the_weeks_before_as_they_were(client_for):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, subgroup__isnull=True,
                                          weekday=2).first()
    old_teacher = entry.teacher
    new_teacher = free_teacher(school_class.institution, 2, entry.lesson_number)
    later = MONDAY + datetime.timedelta(weeks=4)
    response = save(client_for("school1.deputy"), school_class, cell(
        school_class, date=later.isoformat(), entry=entry.pk, weekday=2,
        lesson_number=entry.lesson_number, subject=entry.subject_id, teacher=new_teacher,
        room=entry.room_id or ""))
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.valid_to == later - datetime.timedelta(days=1)
    new = TimetableEntry.objects.get(pk=response.json()["entry"])
    assert new.valid_from == later and new.teacher == new_teacher
    lessons = Lesson.objects.filter(school_class=school_class, lesson_number=entry.lesson_number,
                                     date__week_day=3, subgroup__isnull=True)
    assert set(lessons.filter(date__lt=later).values_list("teacher", flat=True)) == {
        old_teacher.pk}
    assert set(lessons.filter(date__gte=later).values_list("teacher", flat=True)) == {
        new_teacher.pk}


def test_a_clash_while_editing_changes_nothing(client_for):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, subgroup__isnull=True,
                                          weekday=2).first()
    busy = TimetableEntry.objects.filter(
        institution=school_class.institution, weekday=2, lesson_number=entry.lesson_number
    ).exclude(school_class=school_class).first()
    lessons = sorted(Lesson.objects.filter(entry=entry).values_list("pk", "teacher_id"))
    later = MONDAY + datetime.timedelta(weeks=4)
    response = save(client_for("school1.deputy"), school_class, cell(
        school_class, date=later.isoformat(), entry=entry.pk, weekday=2,
        lesson_number=entry.lesson_number, subject=entry.subject_id, teacher=busy.teacher,
        room=entry.room_id or ""))
    assert response.status_code == 400
    assert busy.teacher.person.short_name in " ".join(response.json()["errors"])
    old_to = entry.valid_to
    entry.refresh_from_db()
    assert entry.valid_to == old_to
    assert sorted(Lesson.objects.filter(entry=entry).values_list("pk", "teacher_id")) == lessons


def test_a_refused_clash_answers_with_the_cells_stored_values(client_for):
    """The grid puts back what is stored when a save is refused, never the refused
    values: the answer carries them (none for a cell that was empty)."""
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, subgroup__isnull=True,
                                          weekday=2).first()
    busy = TimetableEntry.objects.filter(
        institution=school_class.institution, weekday=2, lesson_number=entry.lesson_number
    ).exclude(school_class=school_class).exclude(teacher=entry.teacher).first()
    client = client_for("school1.deputy")
    response = save(client, school_class, cell(
        school_class, entry=entry.pk, weekday=2, lesson_number=entry.lesson_number,
        subject=entry.subject_id, teacher=busy.teacher, room=entry.room_id or ""))
    assert response.status_code == 400
    stored = response.json()["stored"]
    assert stored["entry"] == entry.pk
    assert stored["teacher"] == entry.teacher_id != busy.teacher_id
    assert (stored["subject"], stored["room"]) == (entry.subject_id, entry.room_id or "")
    # A new lesson in an empty cell that clashes: the cell was empty and stays so.
    second = class_of(1, 5, "Б")
    assert save(client, school_class, cell(school_class)).json()["ok"]
    teacher = TimetableEntry.objects.get(school_class=school_class, weekday=SATURDAY,
                                         lesson_number=1).teacher
    response = save(client, second, cell(second, teacher=teacher))
    assert response.status_code == 400 and response.json()["stored"] is None


def test_deleting_asks_for_a_second_click(client_for):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, weekday=3).first()
    client = client_for("school1.deputy")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = reverse("schedule:delete_cell", args=[school_class.pk])
    response = client.post(path, {"entry": entry.pk, "date": MONDAY.isoformat()})
    assert response.status_code == 400
    assert "once more to confirm" in " ".join(response.json()["errors"])
    assert TimetableEntry.objects.filter(pk=entry.pk, valid_to=entry.valid_to).exists()
    page = client.get(reverse("schedule:grid", args=[school_class.pk]),
                      {"date": MONDAY.isoformat()}).content.decode()
    assert 'data-confirm-text="Really delete?"' in page
    response = client.post(path, {"entry": entry.pk, "date": MONDAY.isoformat(),
                                  "confirmed": "1"})
    assert response.status_code == 200 and response.json()["ok"]


def test_each_cell_shows_its_lesson_as_text_with_an_edit_control(client_for):
    school_class = class_of(1, 5, "А")
    entry = (TimetableEntry.objects.filter(school_class=school_class, room__isnull=False)
             .select_related("subject", "teacher__person", "room").first())
    Room.objects.filter(pk=entry.room_id).update(name="Кабинет технологии", short_name="")
    response = client_for("school1.deputy").get(
        reverse("schedule:grid", args=[school_class.pk]), {"date": MONDAY.isoformat()})
    page = response.content.decode()
    assert f'data-entry="{entry.pk}"' in page
    assert page.count("data-edit>") >= TimetableEntry.objects.filter(
        school_class=school_class).overlapping(MONDAY, MONDAY + datetime.timedelta(days=5)
                                               ).count()
    assert '<span class="cell-line muted" data-show="room">Кабинет технологии</span>' in page
    assert "room Кабинет технологии" not in page


def test_deleting_a_cell_keeps_and_reports_lessons_with_journal_data(client_for):
    client = client_for("school1.deputy")
    school_class = class_of(1, 5, "А")
    entry_pk = save(client, school_class, cell(school_class)).json()["entry"]
    marked = Lesson.objects.filter(entry_id=entry_pk).order_by("date")[1]
    Lesson.objects.filter(pk=marked.pk).update(topic="Дроби", topic_edited=True)
    response = client.post(reverse("schedule:delete_cell", args=[school_class.pk]),
                           {"entry": entry_pk, "date": MONDAY.isoformat(), "confirmed": "1"})
    answer = response.json()
    assert answer["ok"] and not TimetableEntry.objects.filter(pk=entry_pk).exists()
    assert [k["date"] for k in answer["lessons"]["kept"]] == [marked.date.isoformat()]
    assert marked.date.strftime("%d.%m.%Y") in answer["kept_message"]
    assert list(Lesson.objects.filter(school_class=school_class, date__week_day=7,
                                      lesson_number=1)) == [marked]


def test_deleting_from_a_later_week_ends_the_lesson_there(client_for):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, weekday=3).first()
    later = MONDAY + datetime.timedelta(weeks=2)
    response = client_for("school1.deputy").post(
        reverse("schedule:delete_cell", args=[school_class.pk]),
        {"entry": entry.pk, "date": later.isoformat(), "confirmed": "1"})
    assert response.json()["ok"]
    entry.refresh_from_db()
    assert entry.valid_to == later - datetime.timedelta(days=1)
    assert not Lesson.objects.filter(entry=entry, date__gte=later).exists()
    assert Lesson.objects.filter(entry=entry, date__lt=later).exists()


@pytest.mark.parametrize("field", ["teacher", "room", "subject", "subgroup", "entry"])
def test_choices_of_another_school_or_class_are_refused(client_for, field):
    school_class = class_of(1, 5, "А")
    foreign = {
        "teacher": Staff.objects.filter(institution=school(2)).first().pk,
        "room": Room.objects.filter(institution=school(2)).first().pk,
        "subject": Subject.objects.filter(institution=school(2)).first().pk,
        "subgroup": class_of(1, 5, "Б").subgroups.first().pk,
        "entry": TimetableEntry.objects.filter(school_class=class_of(1, 5, "Б")).first().pk,
    }[field]
    count = TimetableEntry.objects.count()
    response = save(client_for("school1.deputy"), school_class,
                    cell(school_class, **{field: foreign}))
    assert response.status_code == 400 and response.json()["errors"]
    assert TimetableEntry.objects.count() == count


@pytest.mark.parametrize("data", [{"weekday": "9"}, {"lesson_number": "-1"},
                                  {"teacher": "x"}, {"entry": "999999999"}, {"date": "x"}])
def test_bad_input_is_an_error_message_not_a_failure(client_for, data):
    school_class = class_of(1, 5, "А")
    response = save(client_for("school1.deputy"), school_class, cell(school_class, **data))
    assert response.status_code in (200, 400)
    if data != {"date": "x"}:
        assert response.status_code == 400 and response.json()["errors"]


def test_a_dated_replacement_is_saved_and_the_lesson_follows(client_for):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, weekday=1,
                                          subgroup__isnull=True).first()
    substitute = free_teacher(school_class.institution, 1, entry.lesson_number)
    response = client_for("school1.deputy").post(
        reverse("schedule:add_change", args=[school_class.pk]),
        {"entry": entry.pk, "date": MONDAY.isoformat(), "kind": ChangeKind.REPLACEMENT,
         "replacement_teacher": substitute.pk})
    assert response.status_code == 302
    lesson = Lesson.objects.get(entry=entry, scheduled_on=MONDAY)
    assert lesson.teacher == substitute and lesson.replaced_teacher == entry.teacher
    change = TimetableChange.objects.get(entry=entry, date=MONDAY)
    client_for("school1.deputy").post(reverse("schedule:delete_change",
                                              args=[school_class.pk, change.pk]))
    lesson.refresh_from_db()
    assert lesson.teacher == entry.teacher and lesson.replaced_teacher is None


def test_a_replacement_that_clashes_is_refused_naming_it(client_for):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, weekday=1,
                                          subgroup__isnull=True).first()
    busy = TimetableEntry.objects.filter(
        institution=school_class.institution, weekday=1, lesson_number=entry.lesson_number
    ).exclude(school_class=school_class).select_related("teacher__person").first()
    response = client_for("school1.deputy").post(
        reverse("schedule:add_change", args=[school_class.pk]),
        {"entry": entry.pk, "date": MONDAY.isoformat(), "kind": ChangeKind.REPLACEMENT,
         "replacement_teacher": busy.teacher_id})
    assert response.status_code == 400
    assert busy.teacher.person.short_name in response.content.decode()
    assert not TimetableChange.objects.filter(entry=entry).exists()


def test_a_cancelled_lesson_on_a_wrong_date_is_refused(client_for):
    school_class = class_of(1, 5, "А")
    entry = TimetableEntry.objects.filter(school_class=school_class, weekday=1).first()
    response = client_for("school1.deputy").post(
        reverse("schedule:add_change", args=[school_class.pk]),
        {"entry": entry.pk, "date": (MONDAY + datetime.timedelta(days=1)).isoformat(),
         "kind": ChangeKind.CANCELLED})
    assert response.status_code == 400
    assert not TimetableChange.objects.filter(entry=entry).exists()


def test_hours_are_compared_with_the_plan_and_the_tariffication(client_for):
    school_class = class_of(1, 5, "А")
    client = client_for("school1.deputy")
    query = {"date": MONDAY.isoformat()}
    grid = reverse("schedule:grid", args=[school_class.pk])
    rows = {row.subject.pk: row for row in client.get(grid, query).context["hours"]}
    entries = TimetableEntry.objects.filter(school_class=school_class)
    english = entries.filter(subgroup__isnull=False).first()
    # Two groups at once: one hour of the class, two teacher-hours.
    slots = entries.filter(subject=english.subject).values("weekday", "lesson_number")
    assert rows[english.subject_id].class_hours == len({tuple(s.values()) for s in slots})
    assert rows[english.subject_id].teacher_hours == slots.count()
    tariff = sum(a.hours_per_week for a in TeachingAssignment.objects.filter(
        school_class=school_class, subject=english.subject))
    assert rows[english.subject_id].tariff == tariff
    line = CurriculumLine.objects.filter(academic_year=school_class.academic_year,
                                         grade=5, profile__isnull=True).first()
    assert rows[line.subject_id].plan == line.hours_per_week
    # One more lesson of a subject: it now differs from the plan and the tariffication.
    save(client, school_class, cell(school_class, subject=line.subject_id))
    response = client.get(grid, query)
    row = {r.subject.pk: r for r in response.context["hours"]}[line.subject_id]
    assert row.class_hours == rows[line.subject_id].class_hours + 1
    assert row.plan_differs and 'class="mismatch"' in response.content.decode()


HUGE = "9" * 25


@pytest.mark.parametrize("field", ["entry", "teacher", "room", "subject", "subgroup",
                                   "lesson_number", "weekday"])
def test_huge_numbers_are_an_error_message_not_a_failure(client_for, field):
    school_class = class_of(1, 5, "А")
    response = save(client_for("school1.deputy"), school_class,
                    cell(school_class, **{field: HUGE}))
    assert response.status_code == 400 and response.json()["errors"]


def test_huge_numbers_in_the_address_and_the_change_form_answer_404_or_a_message(client_for):
    client = client_for("school1.deputy")
    school_class = class_of(1, 5, "А")
    assert client.get(f"/timetable/class/{HUGE}/edit/").status_code == 404
    assert client.post(f"/timetable/class/{school_class.pk}/edit/change/{HUGE}/delete/"
                       ).status_code == 404
    response = client.post(reverse("schedule:add_change", args=[school_class.pk]), {
        "entry": HUGE, "date": MONDAY.isoformat(), "kind": "replacement",
        "replacement_teacher": HUGE, "new_room": HUGE, "new_lesson_number": HUGE})
    assert response.status_code == 400
    response = client.post(reverse("schedule:delete_cell", args=[school_class.pk]),
                           {"entry": HUGE, "date": MONDAY.isoformat()})
    assert response.status_code == 400


def test_the_grid_runs_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    school_class = class_of(1, 5, "А")
    client = client_for("school1.deputy")
    path, query = reverse("schedule:grid", args=[school_class.pk]), {"date": MONDAY.isoformat()}

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, query).status_code == 200
        return len(queries)

    before = count()
    for number in (1, 2, 3):
        TimetableEntryFactory(school_class=school_class, weekday=SATURDAY, lesson_number=number,
                              valid_from=MONDAY)
    TimetableChange.objects.create(
        institution=school_class.institution, date=MONDAY, kind=ChangeKind.CANCELLED,
        entry=TimetableEntry.objects.filter(school_class=school_class, weekday=1).first())
    assert count() == before
    with django_assert_max_num_queries(30):
        client.get(path, query)


def test_a_cell_says_its_weeks_co_teachers_and_joint_lesson(client_for):
    """R-SCH-3's aSc cases in the grid: a lesson of week A with a second teacher, and a
    joint lesson of 5А and 5Б, whose parts share the teacher and the room."""
    client = client_for("school1.deputy")
    first, second = class_of(1, 5, "А"), class_of(1, 5, "Б")
    teacher = free_teacher(first.institution)
    co_teacher = Staff.objects.current().filter(institution=first.institution).exclude(
        pk=teacher.pk).exclude(pk__in=TimetableEntry.objects.filter(
            weekday=SATURDAY, lesson_number=1).values("teacher")).first()
    answer = save(client, first, cell(first, teacher=teacher, weeks="A",
                                      co_teachers=[co_teacher.pk])).json()
    assert answer["ok"], answer
    entry = TimetableEntry.objects.get(pk=answer["entry"])
    assert entry.weeks == "A" and list(entry.co_teachers.all()) == [co_teacher]
    lessons = Lesson.objects.filter(entry=entry)
    assert lessons.count() in (16, 17)  # every other Saturday to the end of the year
    assert set(lessons.values_list("co_teachers", flat=True)) == {co_teacher.pk}
    # The co-teacher cannot be in 5Б at the same time, but week B is free.
    response = save(client, second, cell(second, teacher=co_teacher))
    assert f"{co_teacher.person.short_name} already teaches" in " ".join(
        response.json()["errors"])
    assert save(client, second, cell(second, teacher=co_teacher, weeks="B")).json()["ok"]
    page = client.get(reverse("schedule:grid", args=[first.pk]),
                      {"date": MONDAY.isoformat()}).content.decode()
    assert "This is week B of the fortnightly timetable." in page
    assert f'<option value="{co_teacher.pk}" selected>' in page

    # A joint lesson of both classes in one room, changed in one class, changes in both.
    room, other_room = Room.objects.filter(institution=first.institution)[:2]
    TimetableEntry.objects.filter(school_class__in=[first, second], weekday=SATURDAY).delete()
    joint = cell(first, teacher=teacher, room=room.pk, joint="1", lesson_number=2)
    assert save(client, first, joint).json()["ok"]
    answer = save(client, second, cell(second, teacher=teacher, room=room.pk, joint="1",
                                       lesson_number=2)).json()
    assert answer["ok"], answer
    page = client.get(reverse("schedule:grid", args=[first.pk]),
                      {"date": MONDAY.isoformat()}).content.decode()
    assert "data-joint-with" in page and "5Б" in page.split("data-joint-with")[1][:200]
    part = TimetableEntry.objects.get(school_class=first, weekday=SATURDAY)
    answer = save(client, first, {**joint, "entry": part.pk, "room": other_room.pk}).json()
    assert answer["ok"], answer
    assert set(TimetableEntry.objects.filter(weekday=SATURDAY, lesson_number=2).values_list(
        "school_class", "room")) == {(first.pk, other_room.pk), (second.pk, other_room.pk)}
