"""Issue «Curriculum and timetable», the grid editor as the deputy uses it: a lesson typed
into an empty cell with the keyboard only is saved without reloading the page, and the
same teacher at the same time in another class is refused with the clash named; a
refused save puts the cell's stored values back, and «Delete» asks once more."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from curriculum.models import SchoolClass, Subject
from records.models import Staff
from schedule.models import Lesson, TimetableEntry
from tests.browser.test_flows import log_in
from tests.browser.test_screenshots import SHOTS as ALL_SHOTS
from tests.dates import FIRST_MONDAY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MONDAY = FIRST_MONDAY
SHOTS = ALL_SHOTS / "deputy-timetable-grid"


def class_of(letter):
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution__short_name="СОШ № 1", grade=5, letter=letter)


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
    # The cell shows the lesson as text again, with its edit control.
    expect(form.locator("[data-show=subject]")).to_have_text(subject.name)
    expect(form.locator("[data-show=teacher]")).to_have_text(short_name)
    expect(form.locator("[data-edit]")).to_be_visible()
    expect(form.locator("[data-cell-fields]")).to_be_hidden()
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
    # The refused values do not stay in the cell: it was empty, and is empty again.
    expect(form.locator("[name=subject]")).to_have_value("")
    expect(form.locator("[data-cell-view]")).to_be_hidden()
    expect(form.locator("[data-add]")).to_be_visible()

    # Back in 5А, the lesson is deleted from the keyboard as well.
    open_grid(page, first)
    saturday = page.locator("[data-cell][data-weekday='6'][data-number='1']")
    delete = saturday.locator("[data-delete]")
    delete.focus()
    page.keyboard.press("Enter")
    # The first press only asks.
    expect(delete).to_have_text("Really delete?")
    assert TimetableEntry.objects.filter(school_class=first, weekday=6).exists()
    page.keyboard.press("Enter")
    expect(saturday.locator("[data-status]").first).to_have_text("Deleted.")
    assert not TimetableEntry.objects.filter(school_class=first, weekday=6).exists()
    assert not Lesson.objects.filter(school_class=first, date__week_day=7).exists()
    # All of it under the Content Security Policy, with nothing refused.
    assert csp_violations == []


@pytest.mark.browser
def test_a_refused_edit_restores_the_stored_lesson_and_delete_asks_first(page: Page,
                                                                        live_server,
                                                                        csp_violations):
    log_in(page, "school1.deputy", "/dashboard/")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": live_server.url}])
    school_class = class_of("А")
    entry = (TimetableEntry.objects.filter(school_class=school_class, subgroup__isnull=True,
                                           weekday=2, co_teachers__isnull=True)
             .select_related("teacher__person").first())
    busy = (TimetableEntry.objects.filter(institution=school_class.institution, weekday=2,
                                          lesson_number=entry.lesson_number)
            .exclude(school_class=school_class).exclude(teacher=entry.teacher).first())
    open_grid(page, school_class)
    # An id of the test's own, so the form is found after it no longer holds the entry.
    page.locator(f"[data-cell-form][data-entry='{entry.pk}']").evaluate(
        "form => { form.id = 'under-test'; }")
    form = page.locator("#under-test")
    expect(form.locator("[data-show=teacher]")).to_have_text(entry.teacher.person.short_name)
    form.locator("[data-edit]").click()
    # The editor as it looks, for the eye (see tests/browser/test_screenshots.py).
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "1280.png"), full_page=True)
    form.locator("[name=teacher]").select_option(str(busy.teacher_id))
    form.locator("button[type=submit]").click()
    expect(form).to_have_attribute("data-state", "error")
    expect(form.locator("[data-status]")).to_contain_text("already teaches at that time")
    # The cell shows (and would save) what is stored, not what was refused.
    expect(form.locator("[name=teacher]")).to_have_value(str(entry.teacher_id))
    expect(form.locator("[data-show=teacher]")).to_have_text(entry.teacher.person.short_name)
    expect(form.locator("[data-cell-fields]")).to_be_hidden()
    assert TimetableEntry.objects.get(pk=entry.pk).teacher_id == entry.teacher_id

    # «Delete» asks once more; leaving it takes the question back.
    delete = form.locator("[data-delete]")
    delete.click()
    expect(delete).to_have_text("Really delete?")
    form.locator("[data-edit]").focus()
    expect(delete).to_have_text("Delete")
    delete.click()
    delete.click()
    expect(form.locator("[data-status]")).to_contain_text("Deleted.")
    expect(form.locator("[data-add]")).to_be_visible()
    assert not TimetableEntry.objects.filter(pk=entry.pk, valid_to=entry.valid_to).exists()
    assert csp_violations == []
