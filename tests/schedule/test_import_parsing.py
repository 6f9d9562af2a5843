"""R-SCH-3: the aSc Timetables XML and CSV readers, name matching within the school, the
mapping, clashes and lesson numbers checked in the file, and the all-or-nothing apply."""

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from curriculum.factories import AcademicYearFactory, SchoolClassFactory, SubjectFactory
from curriculum.models import Subgroup
from records.factories import InstitutionFactory, PersonFactory, StaffFactory
from schedule import imports
from schedule.factories import BellScheduleFactory, LessonTimeFactory, RoomFactory
from schedule.lessons import generate_lessons
from schedule.models import Lesson, Room, TimetableEntry

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def fixture(name):
    return (FIXTURES / name).read_bytes()


def read(name):
    return imports.read_file(fixture(name), name)


# Reading ------------------------------------------------------------------------------


def test_asc_xml_cards_give_slots_with_double_lessons_groups_and_rooms():
    parsed = read("asc_sample.xml")  # windows-1251, as aSc writes it
    assert parsed.errors == []
    slots = [(r.school_class, r.weekday, r.lesson_number, r.subject, r.teacher, r.room,
              r.subgroup) for r in parsed.rows]
    assert slots == [
        ("5А", 1, 1, "Математика", "Иванова Мария Петровна", "201", ""),
        ("5А", 1, 2, "Математика", "Иванова Мария Петровна", "201", ""),  # double lesson
        ("5А", 1, 3, "Английский язык", "Петров И. С.", "305", "1 группа"),
        ("5А", 1, 3, "Английский язык", "Сидорова Анна Викторовна", "306", "2 группа"),
        ("5 Б", 2, 3, "Русский язык", "Сидорова Анна Викторовна", "201", ""),
        ("5А", 2, 1, "Русский язык", "Иванова Мария Петровна", "", ""),
    ]
    # The lesson of two teachers keeps both (it once took the first with a warning).
    assert parsed.warnings == []
    assert [r.co_teachers for r in parsed.rows] == [(), (), (), (), ("Петров И. С.",), ()]


def test_csv_reads_days_by_number_or_name_with_an_optional_header():
    parsed = read("timetable.csv")
    assert parsed.errors == []
    assert [(r.where, r.school_class, r.weekday, r.lesson_number) for r in parsed.rows] == [
        ("line 2", "5А", 1, 1), ("line 3", "5a", 1, 2), ("line 4", "5 А", 1, 3),
        ("line 5", "5А", 1, 3), ("line 6", "5Б", 2, 3)]
    assert parsed.rows[2].subgroup == "группа 1" and parsed.rows[4].room == ""
    # Windows-1251, separated by commas, without a header
    text = "5А,чт,4,Математика,Иванова М. П.,201,\n5Б,6,1,Музыка,Петров И. С.,,\n"
    parsed = imports.read_file(text.encode("cp1251"), "timetable.csv")
    assert [(r.school_class, r.weekday, r.lesson_number, r.subject) for r in parsed.rows] == [
        ("5А", 4, 4, "Математика"), ("5Б", 6, 1, "Музыка")]


def test_bad_lines_and_cards_are_each_named_with_what_is_wrong():
    parsed = read("timetable_bad.csv")
    errors = dict(parsed.errors)
    assert list(errors) == ["line 3", "line 4", "line 5", "line 6"]
    assert "воскресенье" in errors["line 3"] and "первый" in errors["line 4"]
    assert "class is missing" in errors["line 5"] and "teacher is missing" in errors["line 5"]
    assert "«8»" in errors["line 6"]
    parsed = read("asc_bad_cards.xml")
    errors = dict(parsed.errors)
    assert list(errors) == ["card 2 (lesson L1)", "card 3 (lesson L1)", "card 4 (lesson L7)",
                            "card 5 (lesson L2)"]
    assert "0000001" in errors["card 2 (lesson L1)"]
    assert "«x»" in errors["card 3 (lesson L1)"]
    assert "C9" in errors["card 5 (lesson L2)"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("asc_entities.xml", None, "DTD"),
    ("not_xml.xml", None, "not readable XML"),
    ("not_asc.xml", None, "not an aSc Timetables"),
    ("empty.csv", None, "empty"),
    ("timetable.csv", "5А;1;1;Математика;Иванова".encode("utf-16"), "not a text"),
    ("timetable.pdf", b"%PDF-1.4 ...", "Upload an aSc"),
    ("timetable.csv", b"5;1;1;x;y\n" * 300_000, "too large"),
    ("header.csv", "Класс;День;Урок;Предмет;Учитель\n".encode(), "no lessons"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(name, content, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.read_file(fixture(name) if content is None else content, name)


# Matching -----------------------------------------------------------------------------


@pytest.fixture
def school(db):
    """A school with the names of the sample files, and another school with a teacher of
    the same name, who must never be matched."""
    institution = InstitutionFactory()
    year = AcademicYearFactory(institution=institution)
    classes = {letter: SchoolClassFactory(institution=institution, academic_year=year,
                                          letter=letter) for letter in "АБ"}
    subjects = {name: SubjectFactory(institution=institution, name=name, short_name=short)
                for name, short in [("Математика", "Мат"), ("Английский язык", "Англ"),
                                    ("Русский язык", "Рус")]}
    teachers = {}
    for surname, name, patronymic in [("Иванова", "Мария", "Петровна"),
                                      ("Петров", "Иван", "Сергеевич")]:
        person = PersonFactory(surname=surname, name=name, patronymic=patronymic)
        teachers[surname] = StaffFactory(institution=institution, person=person)
    RoomFactory(institution=institution, name="201")
    other = InstitutionFactory()
    StaffFactory(institution=other, person=PersonFactory(
        surname="Сидорова", name="Анна", patronymic="Викторовна"))
    return {"institution": institution, "year": year, "classes": classes,
            "subjects": subjects, "teachers": teachers}


def plan_for(school, name_or_parsed, mapping=None, **dates):
    parsed = read(name_or_parsed) if isinstance(name_or_parsed, str) else name_or_parsed
    year = school["year"]
    return imports.build_plan(parsed, school["institution"], year,
                              dates.get("valid_from", year.starts_on),
                              dates.get("valid_to", year.ends_on), mapping or {})


def csv_rows(*lines):
    return imports.read_file("\n".join(lines).encode(), "timetable.csv")


def test_names_match_within_the_school_and_the_rest_goes_to_the_mapping(school):
    plan = plan_for(school, "timetable.csv")
    # 5a, 5 А, мат, full names and initials before or after the surname all match.
    missing = [(item.kind, item.name) for item in plan.missing]
    assert missing == [("teacher", "Сидорова А. В.")]  # only in another school
    item = plan.missing[0]
    assert {label for _pk, label in item.choices} == {
        "Иванова Мария Петровна (Учитель)", "Петров Иван Сергеевич (Учитель)"}
    assert not plan.ready
    # Rooms and subgroups that the school does not have are created unless mapped.
    creatable = {(item.kind, item.name): item.value for item in plan.unmatched
                 if item.creatable}
    assert creatable == {("room", "305"): "new", ("room", "306"): "new",
                         ("subgroup", "группа 1"): "new", ("subgroup", "группа 2"): "new"}

    mapping = {"teacher": {"Сидорова А. В.": str(school["teachers"]["Иванова"].pk)}}
    plan = plan_for(school, "timetable.csv", mapping)
    assert not plan.missing
    assert plan.errors == []
    assert sorted(room.name for room in plan.new_rooms) == ["305", "306"]
    assert sorted(group.name for group in plan.new_subgroups) == ["группа 1", "группа 2"]
    assert len(plan.created) == 5 and plan.ready


def test_a_mapping_to_another_schools_row_is_not_taken(school):
    stranger = StaffFactory(institution=InstitutionFactory())
    plan = plan_for(school, "timetable.csv", {"teacher": {"Сидорова А. В.": str(stranger.pk)},
                                              "room": {"305": str(RoomFactory().pk)}})
    assert [item.name for item in plan.missing] == ["Сидорова А. В."]
    assert "305" in [room.name for room in plan.new_rooms]  # created, not another's


def test_initials_shared_by_two_teachers_match_neither(school):
    StaffFactory(institution=school["institution"], person=PersonFactory(
        surname="Петров", name="Игорь", patronymic="Семёнович"))
    parsed = csv_rows("5А;1;1;Математика;Петров И. С.;201;",
                      "5Б;1;1;Математика;Петров Игорь Семенович;;")
    plan = plan_for(school, parsed)
    assert [item.name for item in plan.missing] == ["Петров И. С."]  # ё folded: matched


def test_two_lessons_at_once_are_errors_named_by_the_later_line(school):
    parsed = csv_rows("5А;1;1;Математика;Иванова М. П.;201;",
                      "5Б;1;1;Русский язык;Иванова М. П.;;",
                      "5Б;1;2;Русский язык;Петров И. С.;201;",
                      "5А;1;2;Математика;Иванова М. П.;201;",
                      "5А;1;3;Английский язык;Иванова М. П.;;группа 1",
                      "5А;1;3;Английский язык;Петров И. С.;;группа 2",
                      "5А;1;3;Математика;Петров И. С.;;")
    plan = plan_for(school, parsed)
    errors = plan.errors
    assert [where for where, _m in errors] == ["line 2", "line 4", "line 7", "line 7"]
    assert "Иванова М.П. already teaches at that time: 5А, Математика" in errors[0][1]
    assert "Room 201 is taken" in errors[1][1]
    # Two groups at once are fine; the whole class with them is not.
    assert "Class 5А already has a lesson at that time: 5А Английский язык" in errors[2][1]
    assert "Петров И.С. already teaches" in errors[3][1]
    assert not plan.ready


def test_a_lesson_number_outside_the_lesson_times_is_an_error(school):
    times = BellScheduleFactory(institution=school["institution"])
    for number in (1, 2):
        LessonTimeFactory(schedule=times, number=number,
                          starts_at=datetime.time(8 + number, 0),
                          ends_at=datetime.time(8 + number, 45))
    plan = plan_for(school, csv_rows("5А;1;2;Математика;Иванова М. П.;;",
                                     "5А;1;7;Математика;Иванова М. П.;;"))
    assert plan.errors == [("line 2", "class 5А has no lesson 7 in its lesson times")]


def test_reading_a_plan_costs_the_same_queries_for_more_lessons(school):
    def queries(lines):
        with CaptureQueriesContext(connection) as captured:
            plan = plan_for(school, csv_rows(*lines))
        assert plan.ready, plan.errors
        return len(captured)

    few = [f"5А;{day};1;Математика;Иванова М. П.;201;" for day in range(1, 3)]
    many = [f"5{letter};{day};{n};Математика;{teacher};{room};"
            for day in range(1, 7) for n in range(1, 5)
            for letter, teacher, room in (("А", "Иванова М. П.", "201"),
                                          ("Б", "Петров И. С.", f"3{n}{day}"))]
    assert queries(many) == queries(few)


# Applying -----------------------------------------------------------------------------


def entry(school, weekday, number, subject, teacher, **dates):
    year = school["year"]
    return TimetableEntry.objects.create(
        institution=school["institution"], academic_year=year,
        school_class=school["classes"]["А"], subject=school["subjects"][subject],
        teacher=school["teachers"][teacher], weekday=weekday, lesson_number=number,
        valid_from=dates.get("valid_from", year.starts_on),
        valid_to=dates.get("valid_to", year.ends_on))


def test_apply_replaces_the_timetable_in_the_dates_and_keeps_lessons_with_data(school):
    year = school["year"]
    kept_slot = entry(school, 1, 1, "Математика", "Петров")  # the file gives it Иванова
    changed = entry(school, 1, 2, "Русский язык", "Иванова")  # the file: mathematics
    gone = entry(school, 3, 5, "Русский язык", "Иванова")  # not in the file
    generate_lessons(year)
    with_data = Lesson.objects.filter(entry=gone).order_by("date").first()
    with_data.topic, with_data.topic_edited = "Диктант", True
    with_data.save()
    lessons_of_slot = set(Lesson.objects.filter(entry=kept_slot).values_list("pk", flat=True))
    mapping = {"teacher": {"Сидорова А. В.": str(school["teachers"]["Иванова"].pk)}}

    plan = plan_for(school, "timetable.csv", mapping)
    assert [old for old, _new in plan.updated] == [kept_slot]
    assert [old for old, _new in plan.replaced] == [changed]
    assert plan.removed == [gone]
    report = imports.apply_import(read("timetable.csv"), school["institution"], year,
                                  year.starts_on, year.ends_on, mapping)

    assert (report.entries, report.updated_entries, report.removed_entries) == (4, 1, 2)
    assert sorted(report.rooms) == ["305", "306"]
    assert len(report.subgroups) == 2 and Subgroup.objects.filter(
        school_class=school["classes"]["А"], name__startswith="группа").count() == 2
    assert report.lessons_kept == [with_data]
    kept_slot.refresh_from_db()
    assert kept_slot.teacher == school["teachers"]["Иванова"]
    # The slot kept its entry, so its lessons kept their rows with the new teacher.
    assert set(Lesson.objects.filter(entry=kept_slot).values_list("pk", flat=True)) \
        == lessons_of_slot
    assert not Lesson.objects.filter(entry=kept_slot).exclude(
        teacher=school["teachers"]["Иванова"]).exists()
    assert not TimetableEntry.objects.filter(pk__in=[changed.pk, gone.pk]).exists()
    assert Lesson.objects.filter(pk=with_data.pk).exists()
    assert TimetableEntry.objects.filter(academic_year=year).count() == 5
    assert report.lessons_created == Lesson.objects.filter(
        academic_year=year, entry__in=TimetableEntry.objects.exclude(pk=kept_slot.pk)).count()


def test_apply_between_two_dates_splits_the_entries_around_them(school):
    year = school["year"]
    whole_year = entry(school, 1, 1, "Математика", "Петров")
    first_day, last_day = datetime.date(2026, 11, 9), datetime.date(2026, 12, 27)
    imports.apply_import(csv_rows("5Б;2;1;Математика;Петров И. С.;;"), school["institution"],
                         year, first_day, last_day, {})
    rows = TimetableEntry.objects.filter(school_class=school["classes"]["А"]).order_by(
        "valid_from")
    assert [(r.valid_from, r.valid_to) for r in rows] == [
        (year.starts_on, datetime.date(2026, 11, 8)),
        (datetime.date(2026, 12, 28), year.ends_on)]
    assert rows[0].pk == whole_year.pk
    assert not Lesson.objects.filter(school_class=school["classes"]["А"],
                                     date__range=(first_day, last_day)).exists()
    assert Lesson.objects.filter(school_class=school["classes"]["А"],
                                 date__gt=last_day, entry=rows[1]).exists()


def test_apply_is_all_or_nothing(school, monkeypatch):
    year = school["year"]
    entry(school, 1, 1, "Математика", "Петров")
    before = (TimetableEntry.objects.count(), Room.objects.count(), Subgroup.objects.count())

    def broken(*args, **kwargs):
        raise RuntimeError("the lessons could not be generated")

    monkeypatch.setattr(imports, "generate_lessons", broken)
    mapping = {"teacher": {"Сидорова А. В.": str(school["teachers"]["Иванова"].pk)}}
    with pytest.raises(RuntimeError):
        imports.apply_import(read("timetable.csv"), school["institution"], year,
                             year.starts_on, year.ends_on, mapping)
    assert (TimetableEntry.objects.count(), Room.objects.count(),
            Subgroup.objects.count()) == before
    # A plan that does not apply (a teacher not mapped) writes nothing either.
    with pytest.raises(imports.PlanChanged):
        imports.apply_import(read("timetable.csv"), school["institution"], year,
                             year.starts_on, year.ends_on, {})
    assert Room.objects.count() == before[1]


def test_regenerating_after_an_import_costs_the_same_queries_for_more_lessons(school):
    """An import regenerates the whole year: comparing a lesson with its slot must not
    read its related rows one by one."""
    year = school["year"]

    def regenerate(entries):
        generate_lessons(year)
        TimetableEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
            teacher=school["teachers"]["Иванова"])
        with CaptureQueriesContext(connection) as captured:
            report = generate_lessons(year)
        assert report.updated == Lesson.objects.filter(entry__in=entries).count() > 0
        TimetableEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
        return len(captured)

    one = regenerate([entry(school, 1, 1, "Математика", "Петров")])
    many = regenerate([entry(school, day, 2, "Математика", "Петров") for day in range(1, 6)])
    assert many == one


def test_names_too_long_for_a_new_room_or_subgroup_are_errors(school):
    plan = plan_for(school, csv_rows(f"5А;1;1;Математика;Иванова М. П.;{'9' * 51};",
                                     f"5А;1;2;Английский язык;Петров И. С.;;{'г' * 101}"))
    assert [where for where, _m in plan.errors] == ["line 1", "line 2"]
    assert "room name is longer than 50" in plan.errors[0][1]
