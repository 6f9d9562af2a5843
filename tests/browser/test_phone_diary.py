"""The diary and the family's start page as parents read them, on a phone every
evening (390 × 844) and on a desktop: today's lessons with the child's marks and
absences, the homework due tomorrow, all without sideways scrolling; the header's menu
folds behind its button on the phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from curriculum.models import MarkType
from journal import cells
from journal.models import Homework
from portal.access import today
from records.models import Pupil, User
from schedule.models import Lesson
from tests.browser.test_screenshots import SHOTS, SIDEWAYS, log_in, settled

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# What sticks out sideways, for the failure message.
WIDE_ELEMENTS = """() => [...document.querySelectorAll("main *")]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                || (el.clientWidth && el.scrollWidth > el.clientWidth
                    && getComputedStyle(el).overflowX !== "visible"))
  .slice(0, 5).map(el => `${el.tagName}.${el.className} ${Math.round(
      el.getBoundingClientRect().right)} ${el.scrollWidth}/${el.clientWidth}`)"""


def shot(page: Page, label: str):
    """Kept beside the screenshots of the key pages, of a child with marks."""
    path = SHOTS / label / f"{page.viewport_size['width']}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def assert_no_sideways_scrolling(page: Page):
    widths = settled(page).evaluate("() => [document.documentElement.scrollWidth,"
                                    " document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], page.evaluate(WIDE_ELEMENTS)
    assert page.evaluate(SIDEWAYS) == 0, page.evaluate(WIDE_ELEMENTS)


@pytest.fixture
def evening():
    """school1.pupil (5А, a child of school1.parent) got a 5 in today's first lesson, and
    has a homework due at the next school day."""
    pupil = Pupil.objects.select_related("school_class").get(
        person__user__username="school1.pupil")
    writer = User.objects.get(username="school1.deputy")
    lessons = Lesson.objects.filter(school_class=pupil.school_class, subgroup__isnull=True)
    next_day = lessons.filter(date__gt=today()).order_by("date").first().date
    # A subject of today that meets again at the next school day.
    lesson, tomorrow = next(
        (lesson, again) for lesson in lessons.filter(date=today()).order_by("lesson_number")
        if (again := lessons.filter(date=next_day, subject=lesson.subject,
                                    is_cancelled=False).first()))
    task = cells.new_task(writer, lesson, MarkType.objects.department_wide().get(
        name="контрольная работа"))
    mark = cells.save_mark(writer, task, pupil.pk, value="5", version=0)
    stored = Homework.objects.filter(lesson=lesson).first()
    homework = cells.save_homework(writer, lesson, text="Упражнение 17 на завтра",
                                   links="", due_on=tomorrow.date,
                                   version=stored.version if stored else 0)
    return {"pupil": pupil, "lesson": lesson, "mark": mark, "tomorrow": tomorrow,
            "homework": homework,
            "today": list(lessons.filter(date=today()).select_related("subject"))}


@pytest.mark.browser
def test_a_parent_reads_today_and_tomorrows_homework_on_a_phone(page: Page, evening):
    page.set_viewport_size(PHONE)
    log_in(page, "school1.parent")
    pupil = evening["pupil"]

    # The start page: the child's card has today's lessons, the mark, tomorrow's homework.
    page.goto("/family/")
    card = page.locator(f"main [data-child='{pupil.pk}']")
    expect(card.locator(f"[data-mark='{evening['mark'].pk}']").first).to_be_visible()
    expect(card.locator(f"[data-homework='{evening['homework'].pk}']")).to_contain_text(
        "Упражнение 17 на завтра")
    for lesson in evening["today"]:
        expect(card.locator(f"[data-lesson='{lesson.pk}']")).to_contain_text(
            lesson.subject.name)
    assert_no_sideways_scrolling(page)

    # The menu folds behind its button.
    nav = page.locator(".site-nav")
    expect(nav).to_be_hidden()
    page.locator(".menu-toggle").click()
    expect(nav.locator("a[href='/diary/']")).to_be_visible()
    page.locator(".menu-toggle").click()
    expect(nav).to_be_hidden()

    # The diary opens at today's card: its lessons, the coloured mark.
    page.goto(f"/diary/{pupil.pk}/")
    today_card = page.locator("#today")
    expect(today_card).to_be_in_viewport()
    for lesson in evening["today"]:
        expect(today_card.locator(f"[data-lesson='{lesson.pk}']")).to_contain_text(
            lesson.subject.name)
    mark = today_card.locator(f"[data-mark='{evening['mark'].pk}']")
    expect(mark).to_be_visible()
    expect(mark).to_have_class(re.compile(r"\bmark-5\b"))
    expect(mark).to_have_attribute("title", re.compile("контрольная работа"))

    # Tomorrow's homework stands on tomorrow's lesson, noting where it was set.
    due = page.locator(f"[data-lesson='{evening['tomorrow'].pk}'] "
                       f"[data-homework='{evening['homework'].pk}']")
    due.scroll_into_view_if_needed()
    expect(due).to_be_visible()
    expect(due).to_contain_text("Упражнение 17 на завтра")
    expect(due).to_contain_text(f"{evening['lesson'].date:%d.%m}")
    # ...and in the week's homework at a glance.
    expect(page.locator("[data-glance]")).to_contain_text("Упражнение 17 на завтра")
    assert_no_sideways_scrolling(page)
    shot(page, "phone-diary-week")

    # The period: chips, no sideways scrolling either.
    page.goto(f"/diary/{pupil.pk}/period/")
    expect(page.locator(f"[data-mark='{evening['mark'].pk}']")).to_be_visible()
    assert_no_sideways_scrolling(page)
    shot(page, "phone-diary-period")

    # The account's own pages (allauth's) in the same design.
    page.goto("/accounts/password/change/")
    expect(page.locator("main input[type='password']").first).to_be_visible()
    assert_no_sideways_scrolling(page)
    shot(page, "phone-password-change")


@pytest.mark.browser
def test_the_diary_on_a_desktop(page: Page, evening):
    page.set_viewport_size(DESKTOP)
    log_in(page, "school1.parent")
    pupil = evening["pupil"]
    page.goto(f"/diary/{pupil.pk}/")
    # The navigation is open, with no menu button.
    expect(page.locator(".site-nav a[href='/diary/']")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator(".site-nav a[aria-current='page']")).to_have_attribute(
        "href", "/diary/")
    expect(page.locator("#today")).to_be_visible()
    expect(page.locator(f"#today [data-mark='{evening['mark'].pk}']")).to_be_visible()
    expect(page.locator(f"[data-lesson='{evening['tomorrow'].pk}'] "
                        f"[data-homework='{evening['homework'].pk}']")).to_be_visible()
    assert_no_sideways_scrolling(page)
    shot(page, "phone-diary-week")
    page.goto(f"/diary/{pupil.pk}/period/")
    expect(page.locator(f"[data-mark='{evening['mark'].pk}']")).to_be_visible()
    assert_no_sideways_scrolling(page)
    shot(page, "phone-diary-period")
