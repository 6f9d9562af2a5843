"""Personal settings on a phone (390 × 844): a parent opens «Настройки» from the header's
menu, creates an API key for the diary (giving the password again), sees it once, uses
it, and revokes it; the page never scrolls sideways, under the portal's Content Security
Policy. The API's docs page loads under the same policy, from the portal alone."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from records.models import Pupil
from tests.browser.test_phone_diary import WIDE_ELEMENTS, shot
from tests.browser.test_screenshots import log_in, overflow
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def assert_no_sideways_scrolling(page: Page):
    assert overflow(page) == 0, page.evaluate(WIDE_ELEMENTS)


def test_a_parent_creates_and_revokes_a_key_on_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    log_in(page, "school1.parent")
    page.get_by_role("button", name="Меню").click()
    page.get_by_role("link", name="Настройки").click()
    expect(page.get_by_role("heading", name="Личные настройки")).to_be_visible()
    shot(page, "personal-settings")
    assert_no_sideways_scrolling(page)

    form = page.locator("form[data-new-token]")
    form.get_by_label("Название ключа").fill("Скрипт дневника")
    form.get_by_label(re.compile("дневник: уроки")).check()
    with page.expect_navigation():
        form.get_by_role("button", name="Создать ключ").click()
    # The password once more (allauth's reauthentication); then the form goes through.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name='password']").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()

    shown = page.locator("[data-new-key]")
    expect(shown).to_contain_text("Ключ «Скрипт дневника» создан")
    key = page.locator("[data-key-value]").inner_text().strip()
    assert re.fullmatch(r"wagtail_\w{33}", key)
    shot(page, "personal-settings-new-key")
    assert_no_sideways_scrolling(page)
    child = Pupil.objects.filter(
        guardianships__parent__person__user__username="school1.parent").first()
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get(f"/api/v1/pupils/{child.pk}/diary/week").status_code == 200

    # Shown once: the page opened again lists the key by its prefix only.
    page.goto("/settings/#api-keys")
    expect(page.locator("[data-new-key]")).to_have_count(0)
    row = page.locator("[data-token]", has_text="Скрипт дневника")
    expect(row).to_contain_text(key[:12])
    assert key not in page.content()
    with page.expect_navigation():
        row.get_by_role("button", name="Отозвать").click()
    expect(page.locator(".messages")).to_contain_text("отозван")
    expect(page.locator("[data-token]", has_text="Скрипт дневника")).to_contain_text("отозван")
    assert api.get(f"/api/v1/pupils/{child.pk}/diary/week").status_code == 401
    assert_no_sideways_scrolling(page)


def test_the_api_docs_page_loads_from_the_portal_alone(page: Page):
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.get_by_text("/api/v1/pupils/{pupil_id}/diary/week")).to_be_visible()
