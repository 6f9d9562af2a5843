"""Screenshots of the key pages at a phone's width (390 px) and a desktop's (1280 px),
for every role, kept as test artifacts in ``build/screenshots/<page>/<width>.png`` (look
at them: the layout is checked by eye there and by the assertions of the flows' tests).
``build/screenshots/overflow.json`` records, per page and width, how many pixels a reader
must scroll sideways (the page, or its widest sideways-scrolling box); on a phone that
must be none for every portal page."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}

# Who, and which of their pages: a path, or a link to follow from the page before.
PAGES = {
    None: [("home", "/"), ("login", "/accounts/login/")],
    "school1.parent": [("parent-start", "/start/"), ("parent-diary", "/diary/"),
                       ("parent-diary-period", "link:a[href$='/period/']"),
                       ("parent-data-requests", "/data-requests/"),
                       ("parent-forum", "/forum/"),
                       ("parent-forum-topic", "link:[data-section] .forum-row-last a")],
    "school1.pupil": [("pupil-start", "/start/"), ("pupil-diary", "/diary/")],
    "school1.teacher": [("teacher-dashboard", "/start/"), ("teacher-journals", "/journal/"),
                        ("teacher-grid", "link:main a[href*='/journal/'][href$='/']"),
                        ("teacher-timetable", "/timetable/"),
                        ("teacher-timetable-day", "/timetable/?mode=day")],
    "school1.classteacher": [("classteacher-dashboard", "/start/"),
                             ("classteacher-journal", "/journal/"),
                             ("classteacher-timetable", "/timetable/"),
                             ("classteacher-timetable-month", "/timetable/?mode=month")],
    "school1.deputy": [("deputy-dashboard", "/start/"),
                       ("deputy-journal", "/journal/"),
                       ("deputy-timetable", "/timetable/"),
                       ("deputy-movement-book", "/movement/"),
                       ("deputy-rollover", "link:a[href$='/movement/rollover/']"),
                       ("deputy-journal-completeness", "/reports/completeness/"),
                       ("deputy-current-progress", "/reports/current/?group=pupil"),
                       ("deputy-report-builder", "/reports/builder/"),
                       ("deputy-saved-report", "link:[data-own-reports] a"),
                       ("deputy-builder-form", "/reports/builder/new/marks/")],
    "school1.director": [("director-dashboard", "/start/")],
    "school1.secretary": [("admin-home", "/admin/"),
                          ("admin-pupils", "/admin/records/pupil/"),
                          ("secretary-data-requests", "/data-requests/register/"),
                          ("secretary-issued-documents", "/issued/")],
    "dept": [("department-dashboard", "/start/"), ("department-reports", "/reports/"),
             ("department-final-progress", "/reports/progress/?group=school"),
             ("department-progress-by-class", "/reports/progress/?group=class"),
             ("department-contingent", "/reports/contingent/"),
             ("department-staff-list", "/reports/staff/"),
             ("department-schools", "/reports/schools/"),
             ("department-visits", "/reports/visits/"),
             ("department-monitor", "/reports/monitor/"),
             ("department-stat-forms", "/stat-forms/"),
             ("department-report-builder", "/reports/builder/")],
    "dept.admin": [("department-staff-admin", "/admin/records/department/")],
}


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form[action='/accounts/login/']")
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/$"))


# How many pixels of the page the reader must scroll sideways to see: the page itself, or
# the widest box inside it that scrolls sideways (a table in an overflow wrapper).
SIDEWAYS = """() => {
  let widest = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  for (const el of document.querySelectorAll("main *")) {
    if (el.clientWidth && el.scrollWidth - el.clientWidth > widest
        && getComputedStyle(el).overflowX !== "visible") {
      widest = el.scrollWidth - el.clientWidth;
    }
  }
  return widest;
}"""


def settled(page: Page) -> Page:
    """The page with its stylesheets in. Chromium never paints a page before the
    stylesheets of its head, but it answers a script's questions about sizes with the
    unstyled layout while they load (a test beside a busy server saw an unstyled link
    431 px wide on a 390 px phone): every measurement of a page waits for them."""
    page.wait_for_load_state("load")
    return page


def overflow(page: Page) -> int:
    return settled(page).evaluate(SIDEWAYS)


@pytest.mark.browser
@pytest.mark.parametrize("username", list(PAGES), ids=lambda u: u or "visitor")
def test_screenshots_of_the_key_pages(page: Page, username):
    if username:
        log_in(page, username)
    report_path = SHOTS / "overflow.json"
    for label, target in PAGES[username]:
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            if target.startswith("link:"):
                if width_name == "phone":
                    link = page.locator(target.removeprefix("link:")).first
                    href = link.get_attribute("href")
                response = page.goto(href)
            else:
                response = page.goto(target)
            assert response is not None and response.status == 200, (label, page.url)
            page.wait_for_load_state("networkidle")
            path = SHOTS / label / f"{width}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
            sideways = overflow(page)
            report = json.loads(report_path.read_text()) if report_path.exists() else {}
            report.setdefault(label, {})[str(width)] = sideways
            report_path.write_text(json.dumps(report, indent=1, sort_keys=True))
            if width_name == "phone" and not label.startswith("admin-"):
                # The portal's pages read on a phone without sideways scrolling, the
                # journal grid included (one lesson's column there). Wagtail's own
                # admin listings keep their sideways-scrolling tables.
                assert sideways == 0, f"{label} scrolls {sideways} px sideways at {width} px"
