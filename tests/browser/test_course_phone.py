"""R-MAT-1, as the issue's «Done when» says it: a pupil finds the course material of the
day's lesson from the diary on a phone (390 × 844), opens it, and nothing scrolls
sideways — the diary's card, the course page and the material itself."""

import pytest
from playwright.sync_api import Page, expect

from courses.models import CourseSection, MaterialKind
from portal.access import today
from records.models import Pupil
from schedule.models import Lesson, week_of
from tests.browser.test_phone_diary import PHONE, assert_no_sideways_scrolling, shot
from tests.browser.test_screenshots import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def lesson_with_material(pupil):
    """Today's lesson of the pupil's class whose topic has a course section attached
    (the demo attaches one to every topic of its courses' plans), else this week's."""
    attached = CourseSection.topics.through.objects.values("plannedtopic_id")
    lessons = (Lesson.objects.filter(school_class=pupil.school_class, subgroup__isnull=True,
                                     is_cancelled=False, planned_topic_id__in=attached)
               .order_by("date", "lesson_number"))
    monday, saturday = week_of(today())
    return (lessons.filter(date=today()).first()
            or lessons.filter(date__range=(monday, saturday)).first())


@pytest.mark.browser
def test_a_pupil_opens_the_material_of_todays_lesson_on_a_phone(page: Page):
    pupil = Pupil.objects.select_related("school_class").get(
        person__user__username="school1.pupil")
    lesson = lesson_with_material(pupil)
    assert lesson is not None, "the demo's courses reach this week's lessons of 5А"
    section = CourseSection.objects.filter(
        topics=lesson.planned_topic_id, course__grade=pupil.school_class.grade,
        course__institution=pupil.institution).first()
    material = section.materials.filter(kind=MaterialKind.FILE).first()

    page.set_viewport_size(PHONE)
    log_in(page, "school1.pupil")
    page.goto("/diary/")
    card = page.locator(f"[data-lesson='{lesson.pk}']")
    card.scroll_into_view_if_needed()
    expect(card.locator("[data-course-link]")).to_have_text("Материалы курса")
    materials = card.locator(f"[data-section='{section.pk}']")
    expect(materials).to_be_visible()
    expect(materials).to_contain_text(section.title)
    file_link = materials.locator(f"[data-material='{material.pk}']")
    expect(file_link).to_contain_text(material.title)
    assert_no_sideways_scrolling(page)
    shot(page, "phone-diary-course-material")

    # The material itself: the worksheet, served as a PDF behind the permission check.
    response = page.request.get(file_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    # The section on the course page, with its materials, fits the phone.
    materials.locator(f"a[href$='#section-{section.pk}']").click()
    expect(page).to_have_url(f"{page.url.split('#')[0].split('?')[0]}#section-{section.pk}")
    on_page = page.locator(f"#section-{section.pk}")
    expect(on_page).to_be_in_viewport()
    expect(on_page.locator(f"[data-material='{material.pk}'] a")).to_have_text(material.title)
    assert_no_sideways_scrolling(page)
    shot(page, "phone-course-page")

    # The courses of the class, from the diary's tab.
    page.goto("/diary/")
    page.locator("[data-courses-tab]").click()
    expect(page.locator(f"[data-course='{section.course_id}']")).to_be_visible()
    assert_no_sideways_scrolling(page)
