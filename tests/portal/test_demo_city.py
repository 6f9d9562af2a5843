"""What a deputy head checks in the demo city (the small one of tests/conftest.py): no
lesson on a public holiday, the timetable and the load as the curriculum plan gives
them, the load approved by the director before the year, the lessons' topics from the
subjects' programmes, homework as each subject sets it, patronymics formed by the
Russian rules and pupils enrolled when they came to the school."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from curriculum.actions import APPROVED
from curriculum.days_off import public_days_off
from curriculum.models import AcademicYear, SchoolClass, Tariffication
from curriculum.planning import compare_with_plan, year_assignments
from journal.demo_homework import PRACTICAL
from journal.models import Homework, Mark
from portal.demo.names import MALE_NAMES, patronymic
from records.models import Person, Pupil, Sex, Staff
from schedule.demo_topics import TOPICS, YEAR_END
from schedule.hours import compare_hours
from schedule.lessons import holidays_of
from schedule.models import Event, Lesson
from tests.dates import FIRST_MONDAY, TODAY, YEAR_START

pytestmark = pytest.mark.django_db
D = datetime.date

# Every father's name the generator uses, with the patronymics of a son and a daughter.
PATRONYMICS = {
    "Александр": ("Александрович", "Александровна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Антон": ("Антонович", "Антоновна"),
    "Артём": ("Артёмович", "Артёмовна"),
    "Борис": ("Борисович", "Борисовна"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Валерий": ("Валерьевич", "Валерьевна"),
    "Василий": ("Васильевич", "Васильевна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Виталий": ("Витальевич", "Витальевна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Владислав": ("Владиславович", "Владиславовна"),
    "Вячеслав": ("Вячеславович", "Вячеславовна"),
    "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Георгий": ("Георгиевич", "Георгиевна"),
    "Глеб": ("Глебович", "Глебовна"),
    "Григорий": ("Григорьевич", "Григорьевна"),
    "Даниил": ("Даниилович", "Данииловна"),
    "Денис": ("Денисович", "Денисовна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Егор": ("Егорович", "Егоровна"),
    "Иван": ("Иванович", "Ивановна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Илья": ("Ильич", "Ильинична"),
    "Кирилл": ("Кириллович", "Кирилловна"),
    "Константин": ("Константинович", "Константиновна"),
    "Лев": ("Львович", "Львовна"),
    "Леонид": ("Леонидович", "Леонидовна"),
    "Максим": ("Максимович", "Максимовна"),
    "Матвей": ("Матвеевич", "Матвеевна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Никита": ("Никитич", "Никитична"),
    "Николай": ("Николаевич", "Николаевна"),
    "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"),
    "Роман": ("Романович", "Романовна"),
    "Семён": ("Семёнович", "Семёновна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Степан": ("Степанович", "Степановна"),
    "Тимофей": ("Тимофеевич", "Тимофеевна"),
    "Фёдор": ("Фёдорович", "Фёдоровна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
    "Ярослав": ("Ярославович", "Ярославовна"),
    "Айсен": ("Айсенович", "Айсеновна"),
    "Айтал": ("Айталович", "Айталовна"),
    "Эрхан": ("Эрханович", "Эрхановна"),
    "Тимир": ("Тимирович", "Тимировна"),
    "Мичил": ("Мичилович", "Мичиловна"),
}


def years():
    return list(AcademicYear.objects.filter(is_current=True).select_related("institution"))


def test_no_lesson_falls_on_a_public_holiday_or_a_moved_day_off():
    for year in years():
        days_off = public_days_off(year.starts_on, year.ends_on)
        lessons = Lesson.objects.filter(academic_year=year)
        assert not lessons.filter(date__in=list(days_off)).exists()
        # The days, and the school days around them still have lessons.
        for day in (D(2027, 2, 23), D(2027, 3, 8), D(2026, 11, 4)):
            assert day.replace(year=day.year + YEAR_START.year - 2026) in days_off
        for day in (D(2027, 2, 24), D(2027, 3, 9)):
            assert lessons.filter(date=day.replace(year=day.year + YEAR_START.year - 2026)
                                  ).exists()
        # Nor does a class's own event (a class hour, a parents' meeting).
        no_school = holidays_of(year.institution_id, year.starts_on, year.ends_on)
        events = Event.objects.filter(institution=year.institution, school_class__isnull=False)
        assert events.exists()
        assert not {e.starts_on for e in events} & no_school
        assert all(e.starts_on.weekday() < 5 for e in events)


def test_the_load_page_finds_no_difference_from_the_plan_and_shows_the_approval(client_for):
    client = client_for("school1.director")
    response = client.get(reverse("journal_load:index"))
    assert response.status_code == 200
    assert response.context["comparison"]
    assert response.context["mismatches"] == 0
    assert response.context["locked"] and not response.context["may_approve"]
    assert response.context["approved_by"]
    assert "data-mismatches" not in response.content.decode()
    for year in years():
        rows = compare_with_plan(year, year_assignments(year))
        assert rows and all(row.status == "ok" for row in rows)


def test_every_schools_load_was_approved_by_its_director_before_the_year_and_logged():
    for year in years():
        version = Tariffication.latest_for(year.pk)
        assert version.version == 1 and version.approved_at is not None
        approved_on = timezone.localtime(version.approved_at).date()
        assert approved_on == year.starts_on - datetime.timedelta(days=4) <= TODAY
        director = Staff.objects.get(person__user=version.approved_by,
                                     institution=year.institution)
        assert director.position.name == "Директор"
        assert len(version.snapshot) == year_assignments(year).count()
        entry = ModelLogEntry.objects.get(action=APPROVED, object_id=str(version.pk))
        assert entry.user == version.approved_by and entry.timestamp == version.approved_at
    assert Tariffication.objects.get(
        academic_year__institution__short_name="СОШ № 1").approved_by.username \
        == "school1.director"


def test_the_timetable_gives_every_class_the_plans_hours_and_the_teachers_the_load():
    week = (FIRST_MONDAY + datetime.timedelta(days=14), FIRST_MONDAY + datetime.timedelta(
        days=20))
    for school_class in SchoolClass.objects.filter(academic_year__is_current=True):
        rows = compare_hours(school_class, *week)
        assert rows
        for row in rows:
            assert row.plan and not row.plan_differs, (school_class, row.subject)
            assert not row.tariff_differs, (school_class, row.subject)
    # Music and art are an hour a week, as the plan has them.
    music = compare_hours(SchoolClass.objects.filter(academic_year__is_current=True,
                                                     grade=5).first(), *week)
    assert {r.subject.name: r.class_hours for r in music}["Музыка"] == 1


def test_lesson_topics_are_the_sections_of_the_subjects_programme():
    held = Lesson.objects.filter(is_cancelled=False, date__lte=TODAY)
    topics = set(held.values_list("topic", flat=True))
    assert not {t for t in topics if "класс)" in t or "рабочей программы" in t}
    known = {title for grades in TOPICS.values() for titles in grades.values()
             for title in titles} | {YEAR_END, ""}
    assert topics <= known
    maths_5a = held.filter(school_class__grade=5, school_class__letter="А",
                           subject__name="Математика", institution__short_name="СОШ № 1")
    assert maths_5a.order_by("date", "lesson_number").first().topic \
        == "Натуральные числа и шкалы"
    # Each grade has its own programme: the first lesson of the year differs.
    first = {grade: held.filter(school_class__grade=grade, subject__name="Русский язык")
             .order_by("date", "lesson_number").first().topic for grade in (2, 5, 9)}
    assert len(set(first.values())) == 3


def test_practical_subjects_set_no_written_homework_and_others_believable_texts():
    practical = Homework.objects.filter(lesson__subject__name__in=PRACTICAL)
    lessons = Lesson.objects.filter(subject__name__in=PRACTICAL, is_cancelled=False,
                                    date__lte=TODAY, school_class__grade__gt=1)
    assert practical.count() < lessons.count() * 0.3
    for subject, text in practical.values_list("lesson__subject__name", "text"):
        assert text in PRACTICAL[subject]
    assert not Mark.objects.filter(lesson__subject__name__in=PRACTICAL,
                                   task__mark_type__name="домашняя работа").exists()
    texts = Counter()
    for subject, text in Homework.objects.exclude(lesson__subject__name__in=PRACTICAL) \
            .values_list("lesson__subject__name", "text"):
        texts[subject, text.split(" ")[0]] += 1
    assert texts["Математика", "№"] and texts["История", "§"]
    assert texts["Литература", "Учить"] and texts["Русский язык", "Упр."]
    # The numbers move on through the year: the latest paragraph is not the first.
    history = Homework.objects.filter(lesson__subject__name="История",
                                      text__startswith="§").order_by("-lesson__date")
    assert history.first().text.split(",")[0] != "§ 1"


def test_patronymics_follow_the_russian_rules_for_every_fathers_name():
    assert set(PATRONYMICS) == set(MALE_NAMES)
    for name, (son, daughter) in PATRONYMICS.items():
        assert (patronymic(name, False), patronymic(name, True)) == (son, daughter)
    allowed = {form for pair in PATRONYMICS.values() for form in pair}
    seen = Counter((sex, p) for sex, p in Person.objects.values_list("sex", "patronymic"))
    assert {p for _sex, p in seen} <= allowed
    assert not {p for sex, p in seen if sex == Sex.FEMALE and not p.endswith("на")}
    assert not {p for sex, p in seen if sex == Sex.MALE and not p.endswith("ич")}


def test_pupils_are_enrolled_when_they_came_to_the_school():
    from movement.models import Arrival

    start = YEAR_START.year
    # The pupil who moved from school 1 to school 2 this year is enrolled there on the
    # day school 2 accepted them (movement/demo.py); last year's graduates are in
    # tests/movement/test_demo_rollover.py.
    pupils = list(Pupil.objects.exclude(pk__in=Arrival.objects.filter(
        pupil__isnull=False).values("pupil_id")).filter(
        school_class__academic_year__is_current=True).select_related("school_class"))
    by_grade = {}
    for pupil in pupils:
        grade = pupil.school_class.grade
        first_grade = D(start - (grade - 1), 9, 1)
        assert first_grade <= pupil.enrolled_on <= YEAR_START, pupil.pk
        assert pupil.enrolled_on.weekday() < 5 or pupil.enrolled_on == first_grade
        by_grade.setdefault(grade, Counter())[pupil.enrolled_on == first_grade] += 1
    for grade, counts in by_grade.items():
        # Most came in the first grade, some later (a family that moved), none in the
        # first grade itself.
        assert counts[True] > 0.75 * (counts[True] + counts[False]), grade
        if grade == 1:
            assert not counts[False]
    assert by_grade[5][False] > 0
    fifth = {p.enrolled_on for p in pupils if p.school_class.grade == 5}
    assert D(start - 4, 9, 1) in fifth and YEAR_START not in fifth
