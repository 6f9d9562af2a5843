"""Issue «Curriculum and timetable», the grid editor as the deputy uses it: a lesson typed
into an empty cell with the keyboard only is saved without reloading the page, and the
same teacher at the same time in another class is refused with the clash named."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from curriculum.models import SchoolClass, Subject
from records.models import Staff
from schedule.models import Lesson, TimetableEntry
from tests.browser.test_flows import log_in
from tests.dates import FIRST_MONDAY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MONDAY = FIRST_MONDAY


def class_of(letter):
    return SchoolClass.objects.get(institution__short_name="СОШ № 1", grade=5, letter=letter)


def open_grid(page: Page, school_class):
    page.goto(f"{reverse('schedule:grid', args=[school_class.pk])}?date={MONDAY.isoformat()}")
    expect(page.locator("[data-grid]")).to_be_visible()


def type_lesson(page: Page):
    """From a focused cell, keyboard only: Enter goes into the cell, an arrow key picks
    the first subject, Tab moves to the teacher, an arrow key picks the first teacher,
    Enter saves. (Playwright types Cyrillic letters without key events, so a select's
    type-to-find cannot be driven here; arrow keys are what the keyboard offers too.)"""
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("name", "subject")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("name", "teacher")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


@pytest.mark.browser
def test_the_deputy_types_a_lesson_and_a_clash_is_refused(page: Page, live_server,
                                                          csp_violations):
    log_in(page, "school1.deputy", "/dashboard/")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": live_server.url}])
    first, second = class_of("А"), class_of("Б")
    subject = Subject.objects.filter(institution=first.institution).first()
    teacher = Staff.objects.current().filter(institution=first.institution).order_by(
        "person__search_name").select_related("person").first()
    short_name = teacher.person.short_name

    open_grid(page, first)
    url = page.url
    # Arrow keys move between cells: from Friday's first lesson to Saturday's.
    page.locator("[data-cell][data-weekday='5'][data-number='1']").focus()
    page.keyboard.press("ArrowRight")
    saturday = page.locator("[data-cell][data-weekday='6'][data-number='1']")
    expect(saturday).to_be_focused()
    type_lesson(page)
    form = saturday.locator("[data-cell-form]").first
    expect(form.locator("[data-status]")).to_have_text("Saved.")
    expect(form).to_have_attribute("data-state", "saved")
    assert page.url == url  # no reload
    entry = TimetableEntry.objects.get(school_class=first, weekday=6, lesson_number=1)
    assert entry.subject == subject
    assert entry.teacher == teacher
    assert Lesson.objects.filter(entry=entry).exists()
    expect(form.locator("[data-delete]")).to_be_visible()

    open_grid(page, second)
    cell = page.locator("[data-cell][data-weekday='6'][data-number='1']")
    cell.focus()
    type_lesson(page)
    form = cell.locator("[data-cell-form]").first
    expect(form).to_have_attribute("data-state", "error")
    status = form.locator("[data-status]")
    expect(status).to_contain_text(f"{short_name} already teaches at that time")
    expect(status).to_contain_text(re.compile(r"5А"))
    assert not TimetableEntry.objects.filter(school_class=second, weekday=6).exists()

    # Back in 5А, the lesson is deleted from the keyboard as well.
    open_grid(page, first)
    saturday = page.locator("[data-cell][data-weekday='6'][data-number='1']")
    saturday.locator("[data-delete]").focus()
    page.keyboard.press("Enter")
    expect(saturday.locator("[data-status]").first).to_have_text("Deleted.")
    assert not TimetableEntry.objects.filter(school_class=first, weekday=6).exists()
    assert not Lesson.objects.filter(school_class=first, date__week_day=7).exists()
    # All of it under the Content Security Policy, with nothing refused.
    assert csp_violations == []
