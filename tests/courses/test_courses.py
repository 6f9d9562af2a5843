"""R-MAT-1: courses and materials — who reads and edits them, the course pages, and the
material of the day's lesson in the diary."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course, CourseMaterial, CourseSection, MaterialKind
from portal.access import today
from records.factories import PDF
from records.models import Pupil, User
from schedule.models import Lesson, week_of

pytestmark = pytest.mark.django_db

# What Wagtail's rich text editor posts for an empty text.
EMPTY_TEXT = ('{"blocks":[{"key":"a","text":"","type":"unstyled","depth":0,'
              '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}')


def pupil_of(username):
    return Pupil.objects.select_related("school_class").get(person__user__username=username)


def course(school=1, subject="Математика", grade=5):
    return Course.objects.select_related("author__person").get(
        institution__short_name=f"СОШ № {school}", subject__name=subject, grade=grade)


def a_file(of_course):
    """A file material of the course, its file stored anew (a kept test database keeps
    the rows, not the files of the session that built it)."""
    material = CourseMaterial.objects.filter(section__course=of_course,
                                             kind=MaterialKind.FILE).exclude(file="").first()
    material.file.save("Памятка.pdf", ContentFile(PDF))
    return material


def week_url(pupil, day=None):
    url = reverse("journal:diary", args=[pupil.pk])
    return f"{url}?date={(day or today()).isoformat()}"


# Visibility ---------------------------------------------------------------------------


def test_the_demo_has_courses_in_both_schools_with_every_kind_of_material():
    for school in (1, 2):
        maths = course(school)
        kinds = set(CourseMaterial.objects.filter(section__course=maths)
                    .values_list("kind", flat=True))
        assert {MaterialKind.FILE, MaterialKind.LINK, MaterialKind.VIDEO} <= kinds
        assert CourseSection.topics.through.objects.filter(
            coursesection__course=maths).exists()
    assert course(1).author.person.user.username == "school1.teacher"


def test_a_pupil_of_5a_sees_the_5th_grade_maths_course_and_its_file(client_for):
    maths = course()
    client = client_for("school1.pupil")
    page = client.get(reverse("courses:course", args=[maths.pk]))
    assert page.status_code == 200
    assert maths.title in page.content.decode()
    material = a_file(maths)
    assert client.get(material.file.url).status_code == 200
    listing = client.get(reverse("courses:pupil", args=[pupil_of("school1.pupil").pk]))
    assert f'data-course="{maths.pk}"' in listing.content.decode()
    assert f'data-course="{course(subject="История", grade=6).pk}"' not in \
        listing.content.decode()


def test_a_parent_sees_each_childs_courses(client_for):
    parent = User.objects.get(username="school1.parent")
    children = list(Pupil.objects.filter(guardianships__parent__person__user=parent)
                    .select_related("school_class"))
    assert len(children) == 2
    visible = Course.objects.visible_to(parent)
    grades = {child.school_class.grade for child in children}
    assert {c.grade for c in visible} <= grades
    assert course() in visible


@pytest.mark.parametrize("username", ["school2.parent", "school2.pupil", "school2.teacher"])
def test_another_school_gets_404_for_the_course_and_its_file(client_for, username):
    maths = course()
    client = client_for(username)
    assert client.get(reverse("courses:course", args=[maths.pk])).status_code == 404
    assert client.get(a_file(maths).file.url).status_code == 404


def test_a_pupil_of_the_6th_grade_gets_404_for_the_5th_grade_course(client_for, demo_user):
    maths = course()
    pupil = Pupil.objects.filter(institution=maths.institution, school_class__grade=6,
                                 person__user__isnull=True).select_related("person").first()
    user = User.objects.create(username="sixth.grader")
    pupil.person.user = user
    pupil.person.save(update_fields=["user"])
    client = client_for("sixth.grader")
    assert client.get(reverse("courses:course", args=[maths.pk])).status_code == 404
    assert client.get(a_file(maths).file.url).status_code == 404
    history = course(subject="История", grade=6)
    assert client.get(reverse("courses:course", args=[history.pk])).status_code == 200


def test_a_teacher_of_another_subject_does_not_see_a_non_shared_course(client_for):
    maths, russian = course(), course(subject="Русский язык")
    assert not maths.shared and russian.shared
    other = User.objects.filter(
        person__staff_records__institution=maths.institution,
        person__role_assignments__role="subject_teacher").exclude(
        person__staff_records__teaching_assignments__subject__name__in=[
            "Математика", "Русский язык"]).exclude(username="school1.teacher").first()
    if other is None:  # a teacher without a login: give one
        pytest.skip("no such demo login")
    visible = Course.objects.visible_to(other)
    assert maths not in visible
    assert russian in visible  # shared with every teacher of the school


def test_the_department_reads_titles_and_counts_only(client_for):
    maths = course()
    client = client_for("dept")
    page = client.get(reverse("courses:course", args=[maths.pk])).content.decode()
    assert maths.title in page
    assert "data-section=" not in page and "data-material=" not in page
    assert client.get(a_file(maths).file.url).status_code == 404


# Editing ------------------------------------------------------------------------------


def test_the_author_edits_and_a_pupil_or_another_teacher_may_not(demo_user):
    maths = course()
    assert demo_user("school1.teacher").has_perm("courses.change_course", maths)
    assert demo_user("school1.deputy").has_perm("courses.change_course", maths)
    assert not demo_user("school1.pupil").has_perm("courses.change_course", maths)
    assert not demo_user("school1.classteacher").has_perm("courses.change_course", maths) \
        or maths.author.person.user.username == "school1.classteacher"
    assert not demo_user("school2.admin").has_perm("courses.change_course", maths)


def test_a_teacher_adds_a_course_in_the_admin_as_its_author(client_for):
    client = client_for("school1.teacher")
    maths = course()
    response = client.get(reverse("courses_course:add"))
    assert response.status_code == 200
    assert client.get(reverse("courses_course:index")).status_code == 200
    form = response.context["form"]
    author = form.fields["author"].initial
    response = client.post(reverse("courses_course:add"), {
        "institution": maths.institution_id, "subject": maths.subject_id, "grade": 5,
        "title": "Новый курс", "description": "", "author": author.pk,
        "sections-TOTAL_FORMS": 1, "sections-INITIAL_FORMS": 0,
        "sections-MIN_NUM_FORMS": 0, "sections-MAX_NUM_FORMS": 1000,
        "sections-0-title": "Первый раздел",
        "sections-0-ORDER": 1, "sections-0-id": "", "sections-0-DELETE": "",
    })
    assert response.status_code == 302, response.context["form"].errors
    created = Course.objects.get(title="Новый курс")
    assert created.author.person.user.username == "school1.teacher"
    assert created.sections.count() == 1


def test_bad_input_in_the_forms_changes_nothing(client_for):
    client = client_for("school1.teacher")
    maths = course()
    other_school = course(2)
    before = Course.objects.count()
    # Another school's subject, another person as the author, a grade of 13.
    response = client.post(reverse("courses_course:add"), {
        "institution": other_school.institution_id, "subject": other_school.subject_id,
        "grade": 13, "title": "x", "author": other_school.author_id,
        "sections-TOTAL_FORMS": 0, "sections-INITIAL_FORMS": 0,
        "sections-MIN_NUM_FORMS": 0, "sections-MAX_NUM_FORMS": 1000,
    })
    assert response.status_code == 200 and Course.objects.count() == before
    # A material with a script link, a video from an unknown host, an HTML "file".
    section = maths.sections.first()
    count = CourseMaterial.objects.count()
    for data in [
        {"kind": "link", "url": "javascript:alert(1)"},
        {"kind": "video", "url": "https://evil.example.com/v"},
        {"kind": "file", "file": SimpleUploadedFile("a.html", b"<script>1</script>")},
        {"kind": "text", "text": EMPTY_TEXT},
    ]:
        response = client.post(reverse("courses_coursematerial:add"), {
            "section": section.pk, "title": "Плохое", "sort_order": 0, "url": "",
            "description": "", **data})
        assert response.status_code == 200, data
    assert CourseMaterial.objects.count() == count
    # Another school's section cannot be chosen.
    response = client.post(reverse("courses_coursematerial:add"), {
        "section": other_school.sections.first().pk, "kind": "link", "title": "x",
        "url": "https://resh.edu.ru/", "sort_order": 0})
    assert response.status_code == 200 and CourseMaterial.objects.count() == count
    # A pupil does not reach the admin at all; another school's admin gets 404.
    assert client_for("school1.pupil").get(
        reverse("courses_course:edit", args=[maths.pk])).status_code in (302, 403)
    assert client_for("school2.admin").get(
        reverse("courses_course:edit", args=[maths.pk])).status_code == 404


def test_a_teacher_attaches_a_material_with_a_file(client_for):
    client = client_for("school1.teacher")
    section = course().sections.first()
    response = client.post(reverse("courses_coursematerial:add"), {
        "section": section.pk, "kind": "file", "title": "Контрольная", "sort_order": 5,
        "url": "", "description": "",
        "file": SimpleUploadedFile("Контрольная.pdf", PDF)})
    assert response.status_code == 302
    material = CourseMaterial.objects.get(title="Контрольная")
    assert material.file.name.endswith(".pdf")
    assert client_for("school1.pupil").get(material.file.url).status_code == 200


# The diary ----------------------------------------------------------------------------


def todays_lesson_with_material(pupil):
    sections = CourseSection.topics.through.objects.values("plannedtopic_id")
    return (Lesson.objects.filter(school_class=pupil.school_class, subgroup__isnull=True,
                                  planned_topic_id__in=sections, date__gte=today())
            .order_by("date", "lesson_number").first())


def test_the_diary_shows_the_material_of_the_days_lesson(client_for):
    pupil = pupil_of("school1.pupil")
    lesson = todays_lesson_with_material(pupil)
    assert lesson is not None and week_of(lesson.date) == week_of(today()) or lesson
    html = client_for("school1.pupil").get(week_url(pupil, lesson.date)).content.decode()
    card = html[html.index(f'data-lesson="{lesson.pk}"'):]
    card = card[:card.index("</article>")]
    section = CourseSection.objects.filter(topics=lesson.planned_topic_id,
                                           course__grade=5).first()
    assert f'data-section="{section.pk}"' in card
    assert "data-course-link" in card
    material = CourseMaterial.objects.filter(section=section, kind=MaterialKind.FILE).first()
    assert material.file.url in card


def test_the_period_page_links_the_course_beside_the_subject(client_for):
    pupil = pupil_of("school1.pupil")
    html = client_for("school1.parent").get(
        reverse("journal:diary_period", args=[pupil.pk])).content.decode()
    assert reverse("courses:course", args=[course().pk]) in html


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_diary_week_adds_a_constant_number_of_queries(client_for,
                                                          django_assert_max_num_queries):
    pupil = pupil_of("school1.pupil")
    client = client_for("school1.parent")
    url = week_url(pupil)
    before = count(client, url)
    # More courses, sections on every topic of the week, more materials.
    lessons = Lesson.objects.filter(school_class=pupil.school_class,
                                    date__range=week_of(today()))
    for subject_id in set(lessons.values_list("subject_id", flat=True)):
        extra = Course.objects.create(institution=pupil.institution, subject_id=subject_id,
                                      grade=5, title="Ещё курс")
        for topic_id in set(lessons.filter(subject_id=subject_id)
                            .exclude(planned_topic=None)
                            .values_list("planned_topic_id", flat=True)):
            section = CourseSection.objects.create(course=extra, title="Ещё раздел")
            CourseSection.topics.through.objects.create(coursesection=section,
                                                        plannedtopic_id=topic_id)
            for n in range(3):
                CourseMaterial.objects.create(section=section, kind=MaterialKind.LINK,
                                              title=f"Ссылка {n}", url="https://resh.edu.ru/")
    assert count(client, url) == before
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_course_page_reads_a_fixed_number_of_queries(client_for,
                                                         django_assert_max_num_queries):
    client = client_for("school1.pupil")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("courses:course", args=[course().pk])).status_code == 200


def test_rich_text_and_titles_with_scripts_render_inert(client_for):
    maths = course()
    section = maths.sections.first()
    CourseSection.objects.filter(pk=section.pk).update(
        title="<script>alert(1)</script>",
        text='<p onclick="x()">ok</p><script>alert(2)</script><a href="javascript:x">l</a>')
    CourseMaterial.objects.filter(section=section, kind=MaterialKind.LINK).update(
        url="javascript:alert(3)")
    html = client_for("school1.pupil").get(
        reverse("courses:course", args=[maths.pk])).content.decode()
    assert "<script>alert" not in html
    assert "onclick" not in html and "javascript:" not in html


def test_courses_are_searchable_within_visible_to(demo_user):
    pupil = demo_user("school1.pupil")
    found = Course.objects.visible_to(pupil)
    assert course() in found and course(2) not in found
    assert course().search_snippet
    assert datetime.date.today  # the suite runs on a pinned day
