"""The portal's main flows in a real browser: log in as a demo account, land on the
start page of the role, and meet the walls the access matrix puts up."""

import re

import pytest
from playwright.sync_api import Page, expect

from records.models import Pupil
from tests.conftest import DEMO_PASSWORD

# Transactional (the live server runs in another thread), restoring the data of the
# migrations before each test; tests/browser/conftest.py rebuilds the demo city.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RATE_LIMITED = "Слишком много неудачных попыток входа в систему. Повторите попытку позже."
HOME_TITLE = "Школьный портал"


def open_login_page(page: Page) -> None:
    """Comes in the way a visitor does: the home page, then its login button. The home
    page comes from the migrations, so this also proves it outlives earlier tests."""
    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page.locator("main h1")).to_have_text(HOME_TITLE)
    page.locator("main a.button[href='/accounts/login/']").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def submit_login(page: Page, login: str, password: str) -> None:
    """Fills allauth's login form and waits until the answer page has loaded."""
    form = page.locator("main form[action='/accounts/login/']")
    form.locator("input[name='login']").fill(login)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def log_in(page: Page, username: str, lands_on: str) -> None:
    """Logs in through the login page and checks the start page of the role."""
    open_login_page(page)
    submit_login(page, username, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(lands_on)}$"))


def children_of(username: str) -> list[Pupil]:
    return list(
        Pupil.objects.filter(guardianships__parent__person__user__username=username)
        .select_related("person")
        .distinct()
    )


@pytest.mark.browser
def test_a_parent_sees_only_their_own_children(page: Page):
    children = children_of("school1.parent")
    assert len(children) == 2
    names = sorted(child.person.full_name for child in children)
    classmate = (
        Pupil.objects.filter(school_class__in={c.school_class_id for c in children})
        .exclude(pk__in={c.pk for c in children})
        .select_related("person")
        .first()
    )
    other_school = children_of("school2.parent")[0]
    strangers = [pupil for pupil in (classmate, other_school) if pupil is not None]
    assert len(strangers) == 2

    log_in(page, "school1.parent", "/family/")
    cards = page.locator("main .child-card h2")
    expect(cards).to_have_count(2)
    assert sorted(cards.all_inner_texts()) == names
    page.screenshot(path="/tmp/family.png", full_page=True)

    # Their own child's page opens...
    response = page.goto(f"/pupils/{children[0].pk}/")
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text(children[0].person.full_name)

    # ...another family's child does not exist as far as this parent can tell.
    for stranger in strangers:
        response = page.goto(f"/pupils/{stranger.pk}/")
        assert response is not None and response.status == 404
        expect(page.locator("body")).not_to_contain_text(stranger.person.full_name)


@pytest.mark.browser
def test_a_teacher_goes_from_the_dashboard_to_the_admin(page: Page):
    log_in(page, "school1.teacher", "/dashboard/")
    expect(page.locator("main h1")).to_be_visible()

    page.locator("main a[href='/admin/']").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    # Wagtail's admin, with its JavaScript running (it marks the body "ready").
    expect(page.locator("body#wagtail")).to_have_class(re.compile(r"\bready\b"))

    response = page.goto("/admin/records/pupil/")
    assert response is not None and response.status == 200
    expect(page.locator("body#wagtail")).to_have_class(re.compile(r"\bready\b"))
    expect(page.locator("main table tbody tr").first).to_be_visible()


@pytest.mark.browser
def test_wrong_passwords_show_an_error_and_the_sixth_attempt_is_throttled(page: Page):
    open_login_page(page)
    errors = page.locator("main .errors[role='alert']")
    for _ in range(5):
        submit_login(page, "school1.teacher", "not-the-password")
        expect(page).to_have_url(re.compile(r"/accounts/login/$"))
        expect(errors).to_be_visible()
        expect(errors).not_to_contain_text(RATE_LIMITED)
        expect(page.locator("input[name='login']")).to_have_value("school1.teacher")

    submit_login(page, "school1.teacher", "not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(errors).to_contain_text(RATE_LIMITED)

    # While the limit holds, even the right password does not let anyone in.
    submit_login(page, "school1.teacher", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(errors).to_contain_text(RATE_LIMITED)
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/$"))


@pytest.mark.browser
def test_a_pupil_gets_403_in_the_admin(page: Page):
    own = Pupil.objects.get(person__user__username="school1.pupil")
    log_in(page, "school1.pupil", f"/pupils/{own.pk}/")
    for url in ("/admin/", "/admin/records/pupil/"):
        response = page.goto(url)
        assert response is not None and response.status == 403
        expect(page).to_have_url(re.compile(rf"{re.escape(url)}$"))
        expect(page.locator("h1")).to_contain_text("Доступ запрещён")
