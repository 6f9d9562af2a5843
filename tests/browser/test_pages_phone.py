"""The portal's public pages on a phone (390 × 844): the city's home page, a school
page, its news and an announcement, as school1.parent reads them — nothing scrolls
sideways."""

import pytest
from playwright.sync_api import Page, expect

from announcements.models import AnnouncementPage
from sgo_pages.models import SchoolPage
from tests.browser.test_phone_diary import PHONE, assert_no_sideways_scrolling
from tests.browser.test_screenshots import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.browser
def test_the_pages_fit_a_phone(page: Page, live_server):
    page.set_viewport_size(PHONE)
    log_in(page, "school1.parent")
    school = SchoolPage.objects.get(institution__short_name="СОШ № 1")
    meeting = AnnouncementPage.objects.get(title="Родительское собрание 5А",
                                           institution=school.institution_id)
    for path in ("/", school.url, school.get_children().first().url, meeting.url,
                 "/family/"):
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        assert_no_sideways_scrolling(page)
    page.goto(meeting.url)
    expect(page.locator("main")).to_contain_text("Кабинет 21")
