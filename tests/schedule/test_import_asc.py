"""R-SCH-3, issue 10: a real school's aSc Timetables export must import. Each case the
real export (aSc 2021) showed has a fixture of its own in ``fixtures/asc2021_*.xml``:
double lessons written card by card, joint lessons of several classes or groups, rooms
of one name told apart by their short names, weeks A and B, a lesson of two teachers;
and ``asc2021_school.xml`` has them all at once, as the real file did. Plus the file
that would explode into millions of rows (item 11), refused before it is built."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from curriculum.factories import (
    AcademicYearFactory,
    GradePeriodTypeFactory,
    PeriodFactory,
    SchoolClassFactory,
    SubjectFactory,
)
from journal.rules import FILL_JOURNAL
from portal.access import Role
from records.factories import (
    InstitutionFactory,
    PersonFactory,
    RoleAssignmentFactory,
    StaffFactory,
    UserFactory,
)
from records.imports import ImportFileError
from schedule import actions, imports
from schedule.calendar import Target, week
from schedule.factories import RoomFactory
from schedule.models import (
    Event,
    Lesson,
    Room,
    TimetableEntry,
    Weeks,
    fortnight_week,
)
from schedule.views_admin import SESSION_KEY
from tests.schedule.asc import asc_export
from tests.schedule.asc import entries_of as demo_entries
from tests.schedule.asc import school as demo_school
from tests.schedule.asc import year_of as demo_year

FIXTURES = Path(__file__).parent / "fixtures"
TEACHERS = [("Иванова", "Мария", "Петровна"), ("Петров", "Иван", "Сергеевич"),
            ("Смирнова", "Ольга", "Ивановна"), ("Кузнецов", "Андрей", "Викторович"),
            ("Соколова", "Елена", "Андреевна"), ("Попов", "Дмитрий", "Олегович"),
            ("Волков", "Сергей", "Николаевич"), ("Лебедева", "Анна", "Павловна")]
SUBJECTS = [("Математика", "Мат"), ("Физика", "Физ"), ("Химия", "Хим"),
            ("Технология", "Техн"), ("Физическая культура", "Физ-ра"),
            ("Информатика", "Инф")]
WEEK_A = datetime.date(2026, 9, 14)  # the year starts on Tuesday 1 September: week A
WEEK_B = datetime.date(2026, 9, 21)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def school(db):
    """A school with the names of the fixtures: classes 7А and 7Б, the subjects, eight
    teachers, and room 214 (the computer room's number in the files)."""
    institution = InstitutionFactory()
    year = AcademicYearFactory(institution=institution)
    classes = {letter: SchoolClassFactory(institution=institution, academic_year=year,
                                          grade=7, letter=letter) for letter in "АБ"}
    for name, short in SUBJECTS:
        SubjectFactory(institution=institution, name=name, short_name=short)
    teachers = {surname: StaffFactory(institution=institution, person=PersonFactory(
        surname=surname, name=name, patronymic=patronymic))
        for surname, name, patronymic in TEACHERS}
    room = RoomFactory(institution=institution, name="214")
    return {"institution": institution, "year": year, "classes": classes,
            "teachers": teachers, "room": room}


def read(name):
    return imports.read_file((FIXTURES / name).read_bytes(), name)


def plan_for(school, parsed, mapping=None):
    year = school["year"]
    return imports.build_plan(parsed, school["institution"], year, year.starts_on,
                              year.ends_on, mapping or {})


def apply(school, parsed, mapping=None):
    year = school["year"]
    return imports.apply_import(parsed, school["institution"], year, year.starts_on,
                                year.ends_on, mapping or {})


def slots(parsed):
    return [(r.school_class, r.weekday, r.lesson_number, r.subject) for r in parsed.rows]


def entries(school, **filters):
    return TimetableEntry.objects.filter(institution=school["institution"], **filters)


# Double lessons -------------------------------------------------------------------------


def test_double_lessons_of_asc_2021_take_the_periods_aSc_placed(school):
    """aSc 2021 writes each period of a double lesson as a card: stretching each card
    over two periods again made every double overlap the next lesson."""
    parsed = read("asc2021_double_lessons.xml")
    assert parsed.errors == []
    assert slots(parsed) == [
        ("7А", 1, 1, "Математика"), ("7А", 1, 2, "Математика"),
        ("7А", 3, 3, "Математика"), ("7А", 3, 4, "Математика"),
        ("7А", 2, 5, "Физика"), ("7А", 2, 6, "Физика"),
        # One period a week by periodsperweek: not stretched either.
        ("7А", 5, 3, "Технология")]
    assert all(row.double for row in parsed.rows)
    plan = plan_for(school, parsed)
    assert plan.errors == [] and plan.ready
    apply(school, parsed)
    assert sorted(entries(school).values_list("weekday", "lesson_number")) == [
        (1, 1), (1, 2), (2, 5), (2, 6), (3, 3), (3, 4), (5, 3)]


@pytest.mark.parametrize("doubles", ["cards", "pairs"])
def test_a_school_with_double_lessons_exported_either_way_imports_unchanged(doubles):
    """The demo city's СОШ № 1, exported as aSc 2021 does (a card per period of a
    double lesson) and as older versions do (a card per double lesson): either reads
    back as the timetable it is, without a clash."""
    institution = demo_school()
    timetable = demo_entries(institution)
    parsed = imports.read_file(asc_export(timetable, doubles=doubles), "export.xml")
    year = demo_year(institution)
    plan = imports.build_plan(parsed, institution, year, year.starts_on, year.ends_on, {})
    assert parsed.errors == [] and plan.errors == [] and plan.ready
    assert len(plan.unchanged) == len(timetable)
    assert not (plan.created or plan.changed or plan.removed)
    # The demo's timetable has double lessons in it (about 16 in СОШ № 1), enough to try
    # both encodings on.
    assert sum(row.double for row in parsed.rows) >= 10


def test_double_lessons_of_older_asc_take_two_lesson_numbers_per_card(school):
    parsed = read("asc2012_double_lessons.xml")  # windows-1251, one card per double
    assert parsed.errors == []
    assert slots(parsed) == [
        ("7А", 1, 1, "Математика"), ("7А", 1, 2, "Математика"),
        ("7А", 3, 3, "Математика"), ("7А", 3, 4, "Математика"),
        ("7А", 2, 5, "Физика"), ("7А", 2, 6, "Физика")]
    assert plan_for(school, parsed).ready


# Joint lessons --------------------------------------------------------------------------


def test_a_joint_lesson_of_two_classes_is_one_lesson_with_one_teacher(school):
    """Technology for the girls of 7А and 7Б together read as «the teacher is already
    teaching»: now each class has its part, marked joint, and nothing clashes."""
    parsed = read("asc2021_joint_lessons.xml")
    plan = plan_for(school, parsed)
    assert plan.errors == [] and plan.ready
    assert [(r.school_class, r.subgroup, r.teacher.split()[0], r.joint)
            for r in parsed.rows] == [
        ("7А", "Девочки", "Смирнова", "7А Девочки, 7Б Девочки"),
        ("7Б", "Девочки", "Смирнова", "7А Девочки, 7Б Девочки"),
        ("7А", "Мальчики", "Кузнецов", "7А Мальчики, 7Б Мальчики"),
        ("7Б", "Мальчики", "Кузнецов", "7А Мальчики, 7Б Мальчики"),
        ("7А", "", "Волков", "7А, 7Б"), ("7Б", "", "Волков", "7А, 7Б")]
    report = apply(school, parsed)
    assert len(report.subgroups) == 4
    assert entries(school).count() == entries(school, joint=True).count() == 6

    # Each class's journal stands on its own lessons; the teacher has one lesson.
    smirnova = school["teachers"]["Смирнова"]
    for school_class in school["classes"].values():
        assert Lesson.objects.filter(school_class=school_class, teacher=smirnova,
                                     subgroup__name="Девочки").exists()
    target = Target("teacher", smirnova, school["institution"])
    saturday = WEEK_A + datetime.timedelta(days=5)
    shown = week(target, target.lessons(Lesson.objects.all()).between(WEEK_A, saturday),
                 Event.objects.none(), WEEK_A, saturday)
    thursday = [cells[3] for number, _times, cells in shown.rows if number == 3][0]
    assert len(thursday) == 1
    assert {part.school_class.letter for part in thursday[0].parts} == {"А", "Б"}


def test_joint_parts_clash_with_no_one_else_and_change_together_in_the_grid(school):
    apply(school, read("asc2021_joint_lessons.xml"))
    year, smirnova = school["year"], school["teachers"]["Смирнова"]
    seven_v = SchoolClassFactory(institution=school["institution"], academic_year=year,
                                 grade=7, letter="В")
    girls_a = entries(school, teacher=smirnova, school_class=school["classes"]["А"]).get()
    # Another lesson of the teacher at that time is a clash, joint or not, in another room.
    for joint, room in ((False, girls_a.room), (True, RoomFactory(
            institution=school["institution"]))):
        other = TimetableEntry(
            institution=school["institution"], academic_year=year, school_class=seven_v,
            subject=girls_a.subject, teacher=smirnova, room=room, weekday=4,
            lesson_number=3, joint=joint, valid_from=year.starts_on, valid_to=year.ends_on)
        with pytest.raises(ValidationError, match="Смирнова О.И. already teaches"):
            other.full_clean()

    # In the grid, the room of 7А's part changes, and 7Б's part goes with it.
    new_room = RoomFactory(institution=school["institution"], name="Кабинет 107")
    data = {name: getattr(girls_a, name) for name in actions.CELL_FIELDS}
    data.update(entry=girls_a, room=new_room, co_teachers=[])
    _entry, report = actions.save_cell(school["classes"]["А"], WEEK_A, data, UserFactory())
    parts = entries(school, teacher=smirnova, valid_from__gte=WEEK_A)
    assert {(e.school_class.letter, e.room) for e in parts} == {("А", new_room),
                                                                ("Б", new_room)}
    assert report.created and Lesson.objects.filter(
        school_class=school["classes"]["Б"], teacher=smirnova, room=new_room).exists()


# Rooms by short name --------------------------------------------------------------------


def test_rooms_of_one_name_are_told_apart_by_their_short_names(school):
    """Two gyms named «Спортзал» with the short names СЗ-1 and СЗ-2 became one room,
    and the two PE lessons in them a clash."""
    parsed = read("asc2021_rooms.xml")
    plan = plan_for(school, parsed)
    assert plan.errors == [] and plan.ready
    # The computer room matches the school's room 214 by its short name.
    assert [(i.kind, i.key, i.name, i.value) for i in plan.unmatched] == [
        ("room", "СЗ-1", "Спортзал (СЗ-1)", "new"), ("room", "СЗ-2", "Спортзал (СЗ-2)", "new")]
    report = apply(school, parsed)
    assert sorted(report.rooms) == ["Спортзал (СЗ-1)", "Спортзал (СЗ-2)"]
    gyms = Room.objects.filter(institution=school["institution"], name="Спортзал")
    assert sorted(gyms.values_list("short_name", flat=True)) == ["СЗ-1", "СЗ-2"]
    assert entries(school, subject__name="Информатика").get().room == school["room"]
    assert entries(school, room__in=gyms).values("room").distinct().count() == 2
    # The next upload of the file finds its rooms by their short names.
    again = plan_for(school, read("asc2021_rooms.xml"))
    assert again.unmatched == [] and len(again.unchanged) == 3


def test_the_mapping_screen_maps_a_room_by_its_short_name(school):
    gym = RoomFactory(institution=school["institution"], name="Большой спортзал")
    plan = plan_for(school, read("asc2021_rooms.xml"), {"room": {"СЗ-1": str(gym.pk)}})
    assert [room.short_name for room in plan.new_rooms] == ["СЗ-2"]
    assert [e.room for e in plan.entries if e.subject.name == "Физическая культура"][0] == gym
    assert "Большой спортзал" in {label for item in plan.unmatched
                                  for _pk, label in item.choices}


# Weeks A and B --------------------------------------------------------------------------


def test_weeks_a_and_b_run_in_their_own_weeks_without_a_clash(school):
    """Both weeks' lessons landed every week, so Петров taught two lessons at once."""
    parsed = read("asc2021_fortnightly.xml")
    plan = plan_for(school, parsed)
    assert plan.errors == [] and plan.ready
    assert [(r.subject, r.weeks) for r in parsed.rows] == [
        ("Математика", ""), ("Физика", "A"), ("Химия", "B")]  # chemistry by its weeksdef
    apply(school, parsed)
    year = school["year"]
    assert fortnight_week(year.starts_on, datetime.date(2026, 9, 5)) == Weeks.A
    assert fortnight_week(year.starts_on, datetime.date(2026, 9, 7)) == Weeks.B
    for subject, weeks in (("Физика", {Weeks.A}), ("Химия", {Weeks.B}),
                           ("Математика", {Weeks.A, Weeks.B})):
        dates = Lesson.objects.filter(subject__name=subject,
                                      school_class=school["classes"]["А"]).values_list(
            "date", flat=True)
        assert {fortnight_week(year.starts_on, day) for day in dates} == weeks, subject
    assert Lesson.objects.filter(subject__name="Физика").count() < Lesson.objects.filter(
        subject__name="Математика").count() * 0.6
    # The calendar says which week it is and marks the fortnightly lessons.
    target = Target("class", school["classes"]["А"], school["institution"])
    saturday = WEEK_B + datetime.timedelta(days=5)
    shown = week(target, target.lessons(Lesson.objects.all()).between(WEEK_B, saturday),
                 Event.objects.none(), WEEK_B, saturday)
    assert shown.fortnight == "week B"
    assert [lesson.notes for _n, _t, cells in shown.rows for lesson in cells[0]] == [
        [], ["week B"]]
    # A lesson of every week in that slot clashes with both.
    physics = entries(school, subject__name="Физика").get()
    physics.weeks = Weeks.EVERY
    with pytest.raises(ValidationError, match="already teaches"):
        physics.full_clean()


def test_a_cycle_of_more_than_two_weeks_is_refused_by_card():
    content = (FIXTURES / "asc2021_fortnightly.xml").read_bytes().replace(
        b'weeks="10"', b'weeks="1000"')
    parsed = imports.read_file(content, "export.xml")
    assert [where for where, _message in parsed.errors] == ["card 2 (lesson *61)"]
    assert "«1000»" in parsed.errors[0][1]


# Several teachers -----------------------------------------------------------------------


def test_a_lesson_of_two_teachers_is_each_teachers_lesson(school, client):
    """The first teacher was taken with a warning; now the lesson has both: each sees
    it, opens and fills its journal, and is checked for clashes."""
    parsed = read("asc2021_two_teachers.xml")
    assert parsed.warnings == []
    assert [(r.teacher, r.co_teachers) for r in parsed.rows] == [
        ("Соколова Елена Андреевна", ("Попов Дмитрий Олегович",))]
    apply(school, parsed)
    sokolova, popov = school["teachers"]["Соколова"], school["teachers"]["Попов"]
    entry = entries(school).get()
    assert (entry.teacher, list(entry.co_teachers.all())) == (sokolova, [popov])
    lessons = Lesson.objects.filter(entry=entry)
    assert lessons.count() > 30
    assert not lessons.exclude(co_teachers=popov).exists()

    popov.person.user = UserFactory()
    popov.person.save()
    RoleAssignmentFactory(person=popov.person, role=Role.SUBJECT_TEACHER,
                          institution=school["institution"])
    user = popov.person.user
    lesson = lessons.order_by("date").first()
    assert user.has_perm("journal.fill_journal", lesson)
    assert set(Lesson.objects.visible_to(user, FILL_JOURNAL)) == set(lessons)
    target = Target("teacher", popov, school["institution"])
    assert set(target.lessons(Lesson.objects.all())) == set(lessons)

    # Popov in 7Б at the same time is a clash.
    other = TimetableEntry(
        institution=school["institution"], academic_year=school["year"],
        school_class=school["classes"]["Б"], subject=entry.subject, teacher=popov,
        weekday=entry.weekday, lesson_number=entry.lesson_number,
        valid_from=entry.valid_from, valid_to=entry.valid_to)
    with pytest.raises(ValidationError, match="Попов Д.О. already teaches"):
        other.full_clean()

    period = PeriodFactory(institution=school["institution"], academic_year=school["year"])
    GradePeriodTypeFactory(institution=school["institution"], academic_year=school["year"],
                           grade=7, period_type=period.period_type)
    client.force_login(user)
    response = client.get(f"/journal/{entry.school_class_id}/{entry.subject_id}/")
    assert response.status_code == 200
    assert "Попов Д.О." in response.content.decode()


# A whole school at once, and the preview in Russian -------------------------------------


def test_the_whole_school_applies_with_no_clashes_and_again_unchanged(school):
    parsed = read("asc2021_school.xml")
    plan = plan_for(school, parsed)
    assert plan.errors == [] and plan.ready
    assert dict(plan.features) == {
        "joint lessons of several classes or groups": 4, "lessons of week A or B": 2,
        "periods of double lessons": 6, "lessons with several teachers": 1}
    report = apply(school, parsed)
    assert report.entries == len(parsed.rows) == 17
    again = plan_for(school, read("asc2021_school.xml"))
    assert len(again.unchanged) == 17 and not again.created and not again.changed


def test_the_preview_and_the_report_say_what_is_joint_fortnightly_double_and_shared(
        school, client):
    deputy = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=deputy, role=Role.DEPUTY_ACADEMIC,
                          institution=school["institution"])
    client.force_login(deputy.user)
    content = (FIXTURES / "asc2021_school.xml").read_bytes()
    with translation.override("ru"):
        response = client.post("/admin/schedule/import/", {
            "institution": school["institution"].pk, "academic_year": school["year"].pk,
            "file": SimpleUploadedFile("asc.xml", content)}, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 302, response.context["form"].errors
        page = client.get("/admin/schedule/import/review/").content.decode()
        assert "совместный урок: 7А Девочки, 7Б Девочки" in page
        assert "неделя А" in page and "неделя Б" in page
        assert "сдвоенный урок" in page
        assert "Соколова Е.А., Попов Д.О." in page
        assert "совместных уроков нескольких классов или групп: 4" in page
        stored_hash = client.session[SESSION_KEY]["hash"]
        response = client.post("/admin/schedule/import/review/",
                               {"apply": "1", "hash": stored_hash})
        report = response.content.decode()
    assert response.status_code == 200
    assert "уроков с несколькими учителями: 1" in report
    assert "уроков недели А или Б: 2" in report


# Item 11: a file that would explode ----------------------------------------------------


def exploding_export(cards, classes):
    """One lesson of ``classes`` classes, four periods a card, on six days, placed by
    ``cards`` cards: each card would give classes × 6 × 4 lessons."""
    class_rows = "".join(f'<class id="C{n}" name="{n}А" short="{n}А"/>'
                         for n in range(classes))
    class_ids = ",".join(f"C{n}" for n in range(classes))
    card_rows = "".join('<card lessonid="L1" period="1" days="111111" weeks="1" '
                        'classroomids=""/>' for _n in range(cards))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><timetable ascttversion="2021.6.2">'
        '<subjects><subject id="S1" name="Математика" short="Мат"/></subjects>'
        '<teachers><teacher id="T1" firstname="Мария" lastname="Иванова"/></teachers>'
        f"<classes>{class_rows}</classes>"
        f'<lessons><lesson id="L1" classids="{class_ids}" subjectid="S1" '
        'periodspercard="4" periodsperweek="24.0" teacherids="T1" groupids=""/></lessons>'
        f"<cards>{card_rows}</cards></timetable>").encode()


def test_an_export_that_would_give_too_many_lessons_is_refused_before_any_is_built(
        monkeypatch):
    built = []
    source_row = imports.SourceRow

    def counting(*args, **kwargs):
        built.append(1)
        return source_row(*args, **kwargs)

    monkeypatch.setattr(imports, "SourceRow", counting)
    # 300 cards of 10 classes: 72,000 lessons from a file of 25 KB.
    content = exploding_export(cards=300, classes=10)
    with translation.override("ru"), pytest.raises(ImportFileError,
                                                   match="более 5000 уроков"):
        imports.read_file(content, "export.xml")
    assert built == []
    # The file: 8,000 cards, 11.5 million lessons, under the size limit.
    content = exploding_export(cards=8000, classes=60)
    assert len(content) < imports.MAX_SIZE
    with pytest.raises(ImportFileError, match="more than 5000 lessons"):
        imports.read_file(content, "export.xml")
    assert built == []


# CSV ------------------------------------------------------------------------------------


def test_csv_lines_say_the_week_and_several_teachers(school):
    parsed = imports.read_file("\n".join([
        "7А;пн;2;Физика;Петров И. С.;301;;А",
        "7А;пн;2;Химия;Петров И. С.;301;;неделя Б",
        "7А;вт;4;Информатика;Соколова Е. А. / Попов Д. О.;214;;",
    ]).encode(), "timetable.csv")
    plan = plan_for(school, parsed)
    assert parsed.errors == [] and plan.errors == [] and plan.ready
    assert [(r.weeks, r.co_teachers) for r in parsed.rows] == [
        ("A", ()), ("B", ()), ("", ("Попов Д. О.",))]
    assert [t.person.surname for t in plan.entries[2].teacher_list()] == ["Соколова", "Попов"]
    parsed = imports.read_file("7А;пн;2;Физика;Петров И. С.;301;;В".encode(), "t.csv")
    assert "«В»" in parsed.errors[0][1]
