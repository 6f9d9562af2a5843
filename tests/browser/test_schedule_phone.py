"""The timetable on a phone (390 px): the week is one card per day, today's card marked,
and nothing needs sideways scrolling; on a desktop the same week is the grid of days
and lessons, today's column marked. The lessons link to the journal for the teacher."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from records.models import Staff
from tests.browser.test_flows import log_in
from tests.browser.test_screenshots import overflow
from tests.dates import TODAY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.browser
def test_the_week_fits_a_phone_as_one_card_per_day(page: Page, csp_violations):
    log_in(page, "school1.teacher", "/dashboard/")
    teacher = Staff.objects.get(person__user__username="school1.teacher")
    week = (reverse("schedule:calendar", args=["teacher", teacher.pk])
            + f"?mode=week&date={TODAY.isoformat()}")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(week)
    cards = page.locator("[data-day-card]")
    expect(cards.first).to_be_visible()
    assert cards.count() == 6
    expect(page.locator("[data-week]")).to_be_hidden()
    today = page.locator(f"[data-day-card='{TODAY.isoformat()}']")
    expect(today).to_have_attribute("aria-current", "date")
    expect(today.locator(".today-badge")).to_be_visible()
    assert overflow(page) == 0
    # Each lesson of the teacher's opens its lesson page in the journal.
    link = today.locator("[data-lesson-link]").first
    expect(link).to_be_visible()
    assert "/journal/lesson/" in link.get_attribute("href")

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("[data-week]")).to_be_visible()
    expect(cards.first).to_be_hidden()
    expect(page.locator("[data-week] th.today")).to_have_count(1)
    assert csp_violations == []
