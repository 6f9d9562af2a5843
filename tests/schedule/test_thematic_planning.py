"""R-KTP-1: a subject teacher writes and reads only their own thematic plans, for what
they teach; topics import from CSV or XLSX all or nothing; saved topics flow into the
lessons; the gap between plan and lessons per class and subject."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from curriculum.factories import SchoolClassFactory, SubjectFactory, TeachingAssignmentFactory
from curriculum.models import TeachingAssignment
from records.factories import StaffFactory
from records.models import Staff
from schedule.factories import PlannedTopicFactory, ThematicPlanFactory
from schedule.models import Lesson, ThematicPlan
from schedule.thematic import gap_rows
from tests.forms import add_inline, form_data

pytestmark = pytest.mark.django_db
ADD = reverse("schedule_thematicplan:add")
GAPS = reverse("schedule_gaps:index")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def teaching_of(username):
    """One of the user's classes and subjects, without the plan the demo gave it, so a
    test starts from no plan."""
    a = (TeachingAssignment.objects.filter(teacher__person__user__username=username,
                                           subgroup__isnull=True)
         .select_related("school_class__academic_year", "subject", "teacher")
         .order_by("school_class__grade", "school_class__letter").first())
    ThematicPlan.objects.filter(school_class=a.school_class, subject=a.subject).delete()
    return a


def own_plan(username, **kwargs):
    a = teaching_of(username)
    plan = ThematicPlanFactory(academic_year=a.school_class.academic_year, subject=a.subject,
                               school_class=a.school_class, author=a.teacher, **kwargs)
    return a, plan


def add_form(client):
    return client.get(ADD).context["form"]


def test_a_teacher_creates_a_plan_for_their_class_and_its_topics_reach_the_lessons(
        client_for):
    a = teaching_of("school1.teacher")
    client = client_for("school1.teacher")
    form = add_form(client)
    assert set(form.fields["school_class"].queryset.values_list("pk", flat=True)) == set(
        TeachingAssignment.objects.filter(teacher=a.teacher).values_list("school_class",
                                                                         flat=True))
    assert list(form.fields["author"].queryset) == [a.teacher]
    data = form_data(form, institution=a.institution_id,
                     academic_year=a.school_class.academic_year_id, subject=a.subject_id,
                     school_class=a.school_class_id, author=a.teacher_id)
    add_inline(data, form, "topics", {"title": "Natural numbers", "hours": "2"})
    add_inline(data, form, "topics", {"title": "Fractions", "hours": "3"})
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["form"].errors
    plan = ThematicPlan.objects.get(school_class=a.school_class, subject=a.subject)
    lessons = list(Lesson.objects.filter(school_class=a.school_class, subject=a.subject,
                                         subgroup__isnull=True, is_cancelled=False)
                   .order_by("date", "lesson_number")[:6])
    assert [lesson.topic for lesson in lessons][:5] == ["Natural numbers"] * 2 + [
        "Fractions"] * 3
    assert lessons[0].planned_topic.plan == plan


def test_a_teacher_cannot_plan_for_a_class_or_subject_they_do_not_teach(client_for,
                                                                        english):
    a = teaching_of("school1.teacher")
    other = SchoolClassFactory(institution=a.institution,
                               academic_year=a.school_class.academic_year, grade=9, letter="Щ")
    client = client_for("school1.teacher")
    form = add_form(client)
    assert other not in form.fields["school_class"].queryset
    colleague = Staff.objects.filter(institution=a.institution).exclude(pk=a.teacher_id).first()
    data = form_data(form, institution=a.institution_id,
                     academic_year=a.school_class.academic_year_id, subject=a.subject_id,
                     school_class="", grade=str(a.school_class.grade), author=a.teacher_id)
    response = client.post(ADD, data)
    assert response.status_code == 200
    # A grade's plan would fill the lessons of classes other teachers teach.
    assert "a plan for a whole grade is written by the deputy" in str(
        response.context["form"].errors)
    data.update(school_class=a.school_class_id, author=colleague.pk)
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert not ThematicPlan.objects.filter(author__in=[a.teacher, colleague],
                                           school_class=a.school_class).exists()
    # Their own class, signed as themselves: saved.
    data.update(author=a.teacher_id)
    assert client.post(ADD, data).status_code == 302


def test_a_teacher_sees_and_edits_only_their_own_plans(client_for):
    a, mine = own_plan("school1.teacher")
    theirs = ThematicPlanFactory(academic_year=a.school_class.academic_year, subject=a.subject,
                                 school_class=a.school_class,
                                 author=StaffFactory(institution=a.institution))
    client = client_for("school1.teacher")
    listing = client.get(reverse("schedule_thematicplan:index"))
    shown = {row.pk for row in listing.context["object_list"]}
    assert mine.pk in shown and theirs.pk not in shown
    assert client.get(reverse("schedule_thematicplan:edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("schedule_thematicplan:edit",
                              args=[theirs.pk])).status_code == 404
    # The deputy edits any plan of the school.
    deputy = client_for("school1.deputy")
    assert deputy.get(reverse("schedule_thematicplan:edit", args=[theirs.pk])).status_code == 200


def test_saving_a_plan_refills_the_lessons(client_for):
    a, plan = own_plan("school1.teacher")
    topic = PlannedTopicFactory(plan=plan, title="Old", hours=40)
    client = client_for("school1.teacher")
    url = reverse("schedule_thematicplan:edit", args=[plan.pk])
    form = client.get(url).context["form"]
    data = form_data(form)
    data["topics-0-title"] = "Renamed"
    assert client.post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Renamed"
    first = Lesson.objects.filter(school_class=a.school_class, subject=a.subject,
                                  subgroup__isnull=True, is_cancelled=False).order_by(
        "date", "lesson_number").first()
    assert first.topic == "Renamed"


def csv_file(text, name="plan.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")


def test_topics_import_from_csv_in_their_order(client_for):
    a, plan = own_plan("school1.teacher")
    PlannedTopicFactory(plan=plan, title="To be replaced")
    url = reverse("schedule_thematicplan_import", args=[plan.pk])
    response = client_for("school1.teacher").post(url, {"file": csv_file(
        "order;topic;hours\n2;Fractions;3\n1;Natural numbers;2\n")})
    assert response.status_code == 302
    assert [(t.title, t.hours) for t in plan.topics.order_by("sort_order")] == [
        ("Natural numbers", 2), ("Fractions", 3)]
    first = Lesson.objects.filter(school_class=a.school_class, subject=a.subject,
                                  subgroup__isnull=True, is_cancelled=False).order_by(
        "date", "lesson_number").first()
    assert first.topic == "Natural numbers"


def test_topics_import_from_xlsx(client_for):
    _a, plan = own_plan("school1.teacher")
    data = tablib.Dataset(headers=["order", "topic", "hours"])
    data.append([1, "Geometry", 4])
    upload = SimpleUploadedFile("plan.xlsx", data.export("xlsx"))
    response = client_for("school1.teacher").post(
        reverse("schedule_thematicplan_import", args=[plan.pk]), {"file": upload})
    assert response.status_code == 302
    assert [(t.title, t.hours) for t in plan.topics.all()] == [("Geometry", 4)]


def test_a_bad_file_changes_nothing_and_says_which_lines(client_for, english):
    _a, plan = own_plan("school1.teacher")
    PlannedTopicFactory(plan=plan, title="Kept")
    response = client_for("school1.teacher").post(
        reverse("schedule_thematicplan_import", args=[plan.pk]), {"file": csv_file(
            "order;topic;hours\n1;Fine;2\nx;;0\n1;Again;2\n")})
    assert response.status_code == 400
    errors = dict(response.context["errors"])
    assert set(errors) == {3, 4}
    assert "the topic is missing" in errors[3] and "hours" in errors[3]
    assert "already used in line 2" in errors[4]
    assert [t.title for t in plan.topics.all()] == ["Kept"]
    response = client_for("school1.teacher").post(
        reverse("schedule_thematicplan_import", args=[plan.pk]),
        {"file": csv_file("x", name="plan.pdf")})
    assert response.status_code == 400
    assert [t.title for t in plan.topics.all()] == ["Kept"]


def test_the_import_is_refused_to_others(client_for):
    _a, plan = own_plan("school1.teacher")
    url = reverse("schedule_thematicplan_import", args=[plan.pk])
    assert client_for("school2.admin").get(url).status_code == 404
    assert client_for("school1.director").get(url).status_code == 403
    assert client_for("school1.parent").get(url).status_code == 403
    assert client_for("school1.pupil").get(url).status_code == 403
    response = client_for("school1.director").post(url, {"file": csv_file(
        "order;topic;hours\n1;Nope;1\n")})
    assert response.status_code == 403
    assert not plan.topics.exists()


def test_gap_rows_count_planned_held_and_untitled_lessons():
    a, plan = own_plan("school1.teacher")
    PlannedTopicFactory(plan=plan, title="One", hours=3)
    lessons = Lesson.objects.filter(school_class=a.school_class, subject=a.subject,
                                    subgroup__isnull=True)
    on = lessons.filter(is_cancelled=False).order_by("date")[4].date
    cancelled = lessons.filter(date__lte=on).order_by("date").first()
    cancelled.is_cancelled = True
    cancelled.save(update_fields=["is_cancelled"])
    row = next(r for r in gap_rows(a.school_class.academic_year, [a], on=on)
               if r.assignment == a)
    scheduled = lessons.filter(date__lte=on).count()
    assert row.plan_hours == 3
    assert row.scheduled_to_date == scheduled
    assert row.held == scheduled - 1
    assert row.planned_to_date == min(3, scheduled)
    assert row.year_lessons == lessons.filter(is_cancelled=False).count()
    assert row.plan_vs_year == 3 - row.year_lessons
    assert row.without_topic == lessons.filter(date__lte=on, is_cancelled=False,
                                               topic="").count()


def test_the_teacher_sees_their_own_classes_and_the_deputy_the_school(
        client_for, django_assert_max_num_queries):
    teacher = client_for("school1.teacher")
    # The admin's own frame (menu, session, user) takes most of these.
    with django_assert_max_num_queries(20):
        response = teacher.get(GAPS)
    assert response.status_code == 200
    mine = {r.assignment.pk for r in response.context["rows"]}
    year = response.context["year"]
    assert mine == set(TeachingAssignment.objects.filter(
        teacher__person__user__username="school1.teacher",
        school_class__academic_year=year).values_list("pk", flat=True))
    deputy = client_for("school1.deputy").get(GAPS)
    assert {r.assignment.pk for r in deputy.context["rows"]} == set(
        TeachingAssignment.objects.filter(school_class__academic_year=year)
        .values_list("pk", flat=True))


def test_the_gap_report_costs_the_same_with_more_rows(client_for, django_assert_num_queries):
    a = teaching_of("school1.teacher")
    client = client_for("school1.deputy")
    with CaptureQueriesContext(connection) as before:
        client.get(GAPS)
    year = a.school_class.academic_year
    for _n in range(3):
        TeachingAssignmentFactory(institution=a.institution, school_class=a.school_class,
                                  subject=SubjectFactory(institution=a.institution),
                                  teacher=StaffFactory(institution=a.institution))
    ThematicPlanFactory(academic_year=year, subject=a.subject, school_class=a.school_class)
    with django_assert_num_queries(len(before)):
        client.get(GAPS)


def test_the_gap_report_is_refused_to_others(client_for):
    other_year = TeachingAssignment.objects.exclude(
        teacher__person__user__username="school1.teacher").filter(
        institution__short_name__endswith="2").first().school_class.academic_year_id
    assert client_for("school1.teacher").get(GAPS, {"year": other_year}).status_code == 404
    assert client_for("school1.teacher").get(GAPS, {"year": "1 or 1"}).status_code == 404
    assert client_for("school1.parent").get(GAPS).status_code == 403
    assert client_for("school1.pupil").get(GAPS).status_code == 403
    assert client_for("school1.medic").get(GAPS).status_code == 403

