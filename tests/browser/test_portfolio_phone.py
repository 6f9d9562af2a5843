"""Portfolios on a phone (390 × 844) and a desktop: a parent reads and approves on the
child's portfolio, the public achievements page of a school, a project; nothing
scrolls sideways."""

import pytest
from playwright.sync_api import Page, expect

from portfolio.models import Portfolio, Project
from tests.browser.test_phone_diary import DESKTOP, PHONE, assert_no_sideways_scrolling
from tests.browser.test_screenshots import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_parent_approves_on_a_phone(page: Page, live_server, demo_city, viewport):
    page.set_viewport_size(viewport)
    own = Portfolio.objects.get(person__user__username="school1.pupil")
    project = Project.objects.get(kind="olympiad")
    page.goto(f"/schools/{own.institution_id}/achievements/")
    assert_no_sideways_scrolling(page)
    page.goto(f"/portfolio/projects/{project.pk}/")
    assert_no_sideways_scrolling(page)
    log_in(page, "school1.parent")
    page.goto(f"/portfolio/pupils/{own.pupil_id}/")
    expect(page.locator("[data-awaits]")).to_have_count(1)
    assert_no_sideways_scrolling(page)
    page.locator("[data-achievements] form button[type=submit]").first.click()
    expect(page.locator("[data-awaits]")).to_have_count(0)
    expect(page.locator("[data-achievements] [data-public]")).to_have_count(2)
    page.goto(f"/portfolio/{own.pk}/achievements/add/")
    assert_no_sideways_scrolling(page)
