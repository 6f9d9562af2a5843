"""Issue «The journal on a phone: one lesson's column for the whole class with fast
entry»: at 390 × 844 the teacher opens a journal and lands on today's lesson, adds a work,
types a column of marks (each mark goes to the next pupil by itself; a mark someone else
saved meanwhile is not overwritten), and after a reload finds them stored; the page
never scrolls sideways."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from curriculum.models import ClassMembership, MarkType
from journal import cells
from journal.models import Attendance, Mark, Task
from records.models import User
from schedule.models import Lesson
from tests.browser.test_flows import log_in
from tests.browser.test_screenshots import overflow
from tests.dates import TODAY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def todays_lesson():
    """school1.teacher's first lesson today in 5А of school 1."""
    return (Lesson.objects.filter(
        teacher__person__user__username="school1.teacher", is_cancelled=False,
        subgroup__isnull=True, school_class__grade=5, school_class__letter="А",
        school_class__institution__short_name="СОШ № 1", date=TODAY)
        .select_related("school_class").order_by("lesson_number").first())


def pupils_on(lesson):
    return list(ClassMembership.objects.filter(school_class=lesson.school_class)
                .on(lesson.date).order_by("pupil__person__search_name", "pupil_id")
                .values_list("pupil_id", flat=True))


@pytest.mark.browser
def test_a_teacher_enters_a_column_of_marks_on_the_phone(page: Page, csp_violations):
    page.set_viewport_size(PHONE)
    log_in(page, "school1.teacher", "/dashboard/")
    lesson = todays_lesson()
    assert lesson is not None, "the demo teacher teaches 5А today"
    pupils = pupils_on(lesson)
    grid_url = reverse("journal:grid", args=[lesson.school_class_id, lesson.subject_id])
    page.goto(grid_url)

    # One lesson's column: today's, the others hidden.
    grid = page.locator("[data-journal-grid]")
    expect(grid).to_have_class(re.compile("jg-one"))
    head = page.locator(f"[data-lesson-head='{lesson.pk}']")
    expect(head).to_be_visible()
    expect(page.locator("[data-lesson-head]:visible")).to_have_count(1)
    expect(page.locator("[data-pick-lesson] option:checked")).to_contain_text(
        f"{lesson.date:%d.%m}")
    assert overflow(page) == 0

    # A new work from the lesson's "+": the grid comes back showing its column.
    before = set(Task.objects.filter(lesson=lesson).values_list("pk", flat=True))
    head.locator("summary").click()
    kind = MarkType.objects.department_wide().get(name="самостоятельная работа")
    head.locator("select[name=mark_type]").select_option(str(kind.pk))
    assert overflow(page) == 0  # the open form fits too
    with page.expect_navigation():
        head.locator("button[type=submit]").click()
    task = Task.objects.filter(lesson=lesson).exclude(pk__in=before).get()
    column = page.locator(f"input[data-task='{task.pk}']")
    expect(column).to_have_count(len(pupils))
    expect(column.first).to_be_visible()
    expect(page.locator(".jg-input:visible")).to_have_count(len(pupils))
    assert overflow(page) == 0

    # Fast entry: a touch on the first pupil's cell, then each mark typed goes to the next pupil.
    column.first.click()
    for value in ("5", "4", "3", "5"):
        page.keyboard.type(value)
    expect(column.nth(4)).to_be_focused()
    for index in range(4):
        expect(column.nth(index).locator("xpath=..")).to_have_class(re.compile("jg-saved"))
    # A debt on the English layout: the «д» key types «l»; Enter moves on.
    page.keyboard.type("l")
    page.keyboard.press("Enter")
    expect(column.nth(4).locator("xpath=..")).to_have_class(re.compile("jg-saved"))
    expect(column.nth(4)).to_have_value("долг")
    stored = {pupil: (value, debt) for pupil, value, debt in
              Mark.objects.filter(task=task).values_list("pupil_id", "value", "is_debt")}
    assert stored == {pupils[0]: ("5", False), pupils[1]: ("4", False),
                      pupils[2]: ("3", False), pupils[3]: ("5", False),
                      pupils[4]: ("", True)}
    assert overflow(page) == 0
    # Someone else saves the next pupil's mark meanwhile: the phone's «4» is refused as a
    # conflict, the cell shows the stored «2», and nothing is overwritten.
    cells.save_mark(User.objects.get(username="school1.deputy"), task, pupils[5], value="2",
                    version=0)
    expect(column.nth(5)).to_be_focused()
    page.keyboard.type("4")
    expect(column.nth(5).locator("xpath=..")).to_have_class(re.compile("jg-conflict"))
    expect(column.nth(5)).to_have_value("2")
    expect(column.nth(5).locator("xpath=..").locator("[data-cell-note]")).to_contain_text(
        "«4» не сохранено.")
    assert Mark.objects.get(task=task, pupil_id=pupils[5]).value == "2"

    # After a reload: the same lesson and work, the marks stored.
    page.reload()
    column = page.locator(f"input[data-task='{task.pk}']")
    for index, value in enumerate(("5", "4", "3", "5", "долг", "2", "")):
        expect(column.nth(index)).to_have_value(value)
    expect(column.first).to_be_visible()
    assert overflow(page) == 0

    # Attendance in the same way: the lesson's first column. Late by 10 minutes typed
    # with the English layout on («о» is the «j» key) shows as «ОП10», and fits.
    page.locator("[data-pick-column]").select_option(index=0)
    attendance = page.locator(f"input[data-kind='attendance'][data-lesson='{lesson.pk}']")
    expect(attendance.first).to_be_focused()
    page.keyboard.type("j10")
    page.keyboard.press("Enter")
    expect(attendance.first).to_have_value("ОП10")
    expect(attendance.first.locator("xpath=..")).to_have_class(re.compile("jg-saved"))
    late = Attendance.objects.get(lesson=lesson, pupil_id=pupils[0])
    assert (late.kind, late.late_minutes) == ("late", 10)
    fits = "input => input.scrollWidth <= input.clientWidth"
    assert attendance.first.evaluate(fits)
    # The chosen column stays after a reload.
    page.reload()
    expect(attendance.first).to_be_visible()
    expect(attendance.first).to_have_value("ОП10")
    expect(page.locator(f"input[data-task='{task.pk}']").first).to_be_hidden()
    # The whole journal, on demand: the cell still fits «ОП10».
    page.locator("[data-view-toggle]").click()
    expect(page.locator("[data-journal-grid]")).not_to_have_class(re.compile("jg-one"))
    assert attendance.first.evaluate(fits)
    assert csp_violations == []
