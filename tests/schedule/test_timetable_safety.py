"""What a second read of the timetable found: nothing that holds journal data is
rewritten or deleted by a change of the timetable, admin edits reach the lessons, an
approval cannot be edited, and junk in the change form is a message, not a failure."""


import pytest
import rules
from django.urls import NoReverseMatch, reverse

from curriculum.models import Subgroup
from portal.access import Role, permission
from records.models import Institution
from schedule.lessons import generate_lessons
from schedule.models import Lesson, TimetableEntry
from tests.dates import FIRST_MONDAY

pytestmark = pytest.mark.django_db
MONDAY = FIRST_MONDAY


def school1():
    return Institution.objects.get(short_name="СОШ № 1")


def test_a_lesson_holding_data_is_not_rewritten_when_its_slot_changes():
    entry = TimetableEntry.objects.filter(institution=school1(), subgroup__isnull=True).first()
    lesson = Lesson.objects.filter(entry=entry).order_by("date").first()
    lesson.topic, lesson.topic_edited = "Контрольная работа", True
    lesson.save()
    teacher = lesson.teacher_id
    other = (TimetableEntry.objects.filter(institution=school1())
             .exclude(teacher_id=entry.teacher_id).first().teacher)
    TimetableEntry.objects.filter(pk=entry.pk).update(teacher=other)
    report = generate_lessons(entry.academic_year)
    lesson.refresh_from_db()
    assert lesson.teacher_id == teacher  # the marks were given in that teacher's lesson
    assert lesson in report.kept


def test_a_subgroup_with_lessons_is_not_deleted_and_the_admin_says_why(client_for):
    subgroup = Subgroup.objects.filter(institution=school1(), lessons__isnull=False).first()
    lessons = Lesson.objects.filter(subgroup=subgroup).count()
    client = client_for("school1.deputy")
    response = client.post(reverse("curriculum_subgroup:delete", args=[subgroup.pk]))
    assert response.status_code == 302
    assert Subgroup.objects.filter(pk=subgroup.pk).exists()
    assert Lesson.objects.filter(subgroup=subgroup).count() == lessons


def test_a_cancellation_entered_in_the_admin_reaches_the_lessons(client_for):
    entry = TimetableEntry.objects.filter(institution=school1(), weekday=1,
                                          subgroup__isnull=True).first()
    response = client_for("school1.deputy").post(reverse("schedule_timetablechange:add"), {
        "institution": entry.institution_id, "entry": entry.pk, "date": MONDAY.isoformat(),
        "kind": "cancelled", "note": ""})
    assert response.status_code == 302, response.context["form"].errors
    assert Lesson.objects.get(entry=entry, scheduled_on=MONDAY).is_cancelled


def test_deleting_a_weekly_lesson_in_the_admin_removes_its_lessons(client_for):
    entry = TimetableEntry.objects.filter(institution=school1()).last()
    assert Lesson.objects.filter(entry=entry).exists()
    client = client_for("school1.deputy")
    response = client.post(reverse("schedule_timetableentry:delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not TimetableEntry.objects.filter(pk=entry.pk).exists()
    assert not Lesson.objects.filter(entry__isnull=True, school_class=entry.school_class,
                                     subject=entry.subject, date__week_day=entry.weekday + 1,
                                     lesson_number=entry.lesson_number).exists()


@pytest.mark.parametrize("data", [
    {"kind": "cancelled", "date": FIRST_MONDAY.isoformat()},
    {"kind": "cancelled", "date": FIRST_MONDAY.isoformat(), "entry": "999999"},
    {"kind": "moved", "date": FIRST_MONDAY.isoformat(), "new_date": "2030-01-01",
     "new_lesson_number": "1"},
])
def test_junk_in_the_change_form_is_a_message(client_for, data):
    school_class = TimetableEntry.objects.filter(institution=school1()).first().school_class
    response = client_for("school1.deputy").post(
        reverse("schedule:add_change", args=[school_class.pk]), data)
    assert response.status_code in (200, 302, 400)


def test_nobody_edits_a_tariffication_version():
    with pytest.raises(NoReverseMatch):
        reverse("curriculum_tariffication:edit", args=[1])
    assert not rules.perm_exists("curriculum.change_tariffication")
    assert set(permission("curriculum.approve_tariffication").cells) == {Role.DIRECTOR}
