"""Issue «The journal», the grid as a teacher uses it: a new work column, a column of
marks typed from the keyboard (type, Enter, type, Enter…), two absences typed as on
paper, a refused mark shown as an error, the topic and homework of the lesson, and
everything still there after a reload. And what testers found: the grid opens at
today's lesson, a click on a filled cell selects it so typing replaces the value, a
refused value keeps the focus with the reason next to the cell and never stays looking
like data, the history and the comment open next to the cell (no prompt())."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from curriculum.models import ClassMembership, MarkType
from journal import cells
from journal.models import Attendance, Homework, Mark, Task
from records.models import User
from schedule.models import Lesson
from tests.browser.test_flows import log_in
from tests.dates import OPEN_FROM

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FROM = OPEN_FROM


def teachers_lesson():
    """The latest held lesson of school1.teacher in 5А of school 1, in the open quarter."""
    return (Lesson.objects.filter(
        teacher__person__user__username="school1.teacher", is_cancelled=False,
        subgroup__isnull=True, school_class__grade=5, school_class__letter="А",
        school_class__institution__short_name="СОШ № 1",
        date__gt=FROM, date__lt=timezone.localdate())
        .select_related("school_class").order_by("-date", "lesson_number").first())


def pupils_on(lesson):
    return list(ClassMembership.objects.filter(school_class=lesson.school_class)
                .on(lesson.date).order_by("pupil__person__search_name", "pupil_id")
                .values_list("pupil_id", flat=True))


@pytest.mark.browser
def test_the_teacher_types_marks_absences_topic_and_homework(page: Page, live_server,
                                                             csp_violations):
    log_in(page, "school1.teacher", "/dashboard/")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": live_server.url}])
    lesson = teachers_lesson()
    pupils = pupils_on(lesson)
    grid_url = reverse("journal:grid", args=[lesson.school_class_id, lesson.subject_id])
    page.goto(grid_url)
    expect(page.locator("[data-journal-grid]")).to_be_visible()

    # A new work column from the "+" of the lesson.
    before = set(Task.objects.filter(lesson=lesson).values_list("pk", flat=True))
    head = page.locator(f"[data-lesson-head='{lesson.pk}']")
    head.locator("summary").click()
    kind = MarkType.objects.department_wide().get(name="самостоятельная работа")
    head.locator("select[name=mark_type]").select_option(str(kind.pk))
    with page.expect_navigation():
        head.get_by_role("button", name="Add").click()
    expect(page.locator("[data-journal-grid]")).to_be_visible()
    task = Task.objects.filter(lesson=lesson).exclude(pk__in=before).get()
    column = page.locator(f"input[data-task='{task.pk}']")
    expect(column).to_have_count(len(pupils))

    # A column of marks: type, Enter, type, Enter…
    column.first.focus()
    for value in ("5", "4", "3"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    for index in range(3):
        expect(column.nth(index).locator("xpath=..")).to_have_class(re.compile("jg-saved"))
    expect(column.nth(3)).to_be_focused()
    # ArrowUp goes back to the previous pupil.
    page.keyboard.press("ArrowUp")
    expect(column.nth(2)).to_be_focused()
    page.keyboard.press("ArrowDown")
    # A mark outside the scale is refused and shown as an error.
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(column.nth(3).locator("xpath=..")).to_have_class(re.compile("jg-error"))
    expect(page.locator("[data-grid-status]")).to_contain_text("Not a mark of the school")
    # Escape restores the saved (empty) value.
    column.nth(3).focus()
    page.keyboard.press("Escape")
    expect(column.nth(3)).to_have_value("")
    marks = dict(Mark.objects.filter(task=task).values_list("pupil_id", "value"))
    assert marks == {pupils[0]: "5", pupils[1]: "4", pupils[2]: "3"}

    # Two absences typed as on paper, in the lesson's attendance column, for pupils
    # with no entry yet.
    entered = set(Attendance.objects.filter(lesson=lesson).values_list("pupil_id", flat=True))
    free = [index for index, pupil in enumerate(pupils) if pupil not in entered][:2]
    attendance = page.locator(f"input[data-kind='attendance'][data-lesson='{lesson.pk}']")
    for index in free:
        attendance.nth(index).focus()
        page.keyboard.type("н")
        page.keyboard.press("Enter")
    for index in free:
        expect(attendance.nth(index).locator("xpath=..")).to_have_class(re.compile("jg-saved"))
        expect(attendance.nth(index)).to_have_value("A")
    assert Attendance.objects.filter(lesson=lesson, kind="absent", pupil_id__in=[
        pupils[index] for index in free]).count() == 2

    # The topic and the homework of the lesson.
    page.goto(reverse("journal:lesson", args=[lesson.pk]))
    page.locator("[name=topic]").fill("Десятичные дроби")
    page.locator("[name=text]").fill("№ 101, 102")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-journal-grid]")).to_be_visible()
    row = page.locator(f"[data-lessons] tr[data-lesson='{lesson.pk}']")
    expect(row).to_contain_text("Десятичные дроби")
    expect(row).to_contain_text("№ 101, 102")
    assert Homework.objects.get(lesson=lesson).text == "№ 101, 102"

    # After a reload everything is stored.
    page.goto(grid_url)
    column = page.locator(f"input[data-task='{task.pk}']")
    for index, value in enumerate(("5", "4", "3", "")):
        expect(column.nth(index)).to_have_value(value)
    attendance = page.locator(f"input[data-kind='attendance'][data-lesson='{lesson.pk}']")
    for index in free:
        expect(attendance.nth(index)).to_have_value("A")
    # All of it under the Content Security Policy, with nothing refused.
    assert csp_violations == []


def near(box_of, cell):
    """The pop-up starts within a row's height of the cell, over it or under it."""
    box, at = box_of.bounding_box(), cell.bounding_box()
    assert box is not None and at is not None
    gap = max(box["y"] - (at["y"] + at["height"]), at["y"] - (box["y"] + box["height"]), 0)
    assert gap < 40, (box, at)
    assert box["x"] < at["x"] + at["width"] + 300 and box["x"] + box["width"] > at["x"] - 300


@pytest.mark.browser
def test_the_grid_opens_at_today_and_a_cell_is_replaced_refused_and_explained(
        page: Page, live_server, csp_violations):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "school1.teacher", "/dashboard/")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": live_server.url}])
    prompts = []
    page.on("dialog", lambda dialog: (prompts.append(dialog.message), dialog.dismiss()))
    teacher = User.objects.get(username="school1.teacher")
    lesson = teachers_lesson()
    pupil = pupils_on(lesson)[0]
    task = cells.new_task(teacher, lesson,
                          MarkType.objects.department_wide().get(name="контрольная работа"))
    cells.save_mark(teacher, task, pupil, value="5", version=0)
    page.goto(reverse("journal:grid", args=[lesson.school_class_id, lesson.subject_id]))

    # Today's lesson is in view, right of the frozen names: the grid scrolled to it.
    today = Lesson.objects.get(pk=page.locator("[data-journal-grid]").get_attribute(
        "data-today"))
    assert today.date == timezone.localdate()
    head = page.locator(f"[data-lesson-head='{today.pk}']").bounding_box()
    names = page.locator("thead .jg-name").bounding_box()
    wrap = page.locator("[data-grid-wrap]").bounding_box()
    assert names["x"] + names["width"] - 1 <= head["x"]
    assert head["x"] + head["width"] <= min(wrap["x"] + wrap["width"], 1280) + 1
    assert page.evaluate("document.querySelector('[data-grid-wrap]').scrollLeft") > 0

    # A click on a filled cell selects its value: what is typed replaces it.
    cell = page.locator(f"input[data-task='{task.pk}'][data-pupil='{pupil}']")
    td = cell.locator("xpath=..")
    expect(cell).to_have_value("5")
    cell.click()
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(td).to_have_class(re.compile("jg-saved"))
    expect(cell).to_have_value("4")
    assert Mark.objects.get(task=task, pupil_id=pupil).value == "4"

    # A refused value keeps the focus, with the reason next to the cell; Escape
    # restores the stored value.
    cell.click()
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(cell).to_be_focused()
    expect(cell).to_have_value("7")
    expect(td).to_have_class(re.compile("jg-error"))
    note = td.locator("[data-cell-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Not a mark of the school")
    near(note, cell)
    page.keyboard.press("Escape")
    expect(cell).to_have_value("4")
    expect(note).to_have_count(0)
    # Refused and left with a click elsewhere: the stored value again, and the note.
    # (Escape left the restored value selected: typing replaces it.)
    page.keyboard.type("7")
    page.locator("h1").click()
    expect(cell).to_have_value("4")
    expect(note).to_contain_text("«7» is not saved.")
    assert Mark.objects.get(task=task, pupil_id=pupil).value == "4"

    # The history opens next to the cell and closes with Escape.
    cell.dblclick()
    history = page.locator("[data-history-dialog]")
    expect(history).to_be_visible()
    expect(history.locator("[data-entry]")).to_have_count(2)
    near(history, cell)
    page.keyboard.press("Escape")
    expect(history).to_be_hidden()
    expect(cell).to_be_focused()

    # A comment in a small form next to the cell, not a browser prompt().
    page.keyboard.press("Alt+c")
    form = page.locator("[data-comment-dialog]")
    expect(form).to_be_visible()
    near(form, cell)
    form.locator("textarea").fill("написал после урока")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    expect(td).to_have_class(re.compile("jg-saved"))
    expect(cell).to_have_attribute("title", re.compile("написал после урока"))
    mark = Mark.objects.get(task=task, pupil_id=pupil)
    assert (mark.value, mark.comment) == ("4", "написал после урока")
    # Escape cancels.
    page.keyboard.press("Alt+c")
    expect(form).to_be_visible()
    form.locator("textarea").fill("не то")
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    assert Mark.objects.get(task=task, pupil_id=pupil).comment == "написал после урока"
    assert prompts == []
    assert csp_violations == []
