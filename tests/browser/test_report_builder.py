"""The report builder (R-REP-3), tried as a new user would on a phone: the medic makes a
report of pupils with their health group, previews it, shares it with the school and
saves it; a teacher of the school opens it and sees the pupils without the health group,
told that a column is left out."""

import re

import pytest
from playwright.sync_api import Page, expect

from records.models import PupilHealth
from tests.browser.test_flows import open_login_page, submit_login
from tests.browser.test_screenshots import settled
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page: Page, username):
    open_login_page(page)
    submit_login(page, username, DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/$"))


def test_the_medic_shares_a_report_and_a_teacher_reads_it_without_the_health_group(
        page: Page):
    groups = set(PupilHealth.objects.filter(
        pupil__institution__staff__person__user__username="school1.medic",
        health_group__isnull=False).values_list("health_group__name", flat=True))
    assert groups
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "school1.medic")
    page.goto("/reports/")
    page.get_by_role("link", name="Конструктор отчётов").click()
    page.locator("[data-builder-sources]").get_by_role("link", name="Ученики").click()
    form = page.locator("[data-builder-form]")
    form.get_by_label("Дата рождения").uncheck()
    form.get_by_label("Группа здоровья").check()
    form.locator("select[name='order']").select_option(label="Класс, по возрастанию")
    form.get_by_role("button", name="Предпросмотр").click()
    preview = page.locator("[data-builder-preview]")
    expect(preview.locator("thead")).to_contain_text("Группа здоровья")
    form = page.locator("[data-builder-form]")
    form.get_by_label("Название").fill("Ученики и группы здоровья")
    form.locator("select[name='audience']").select_option(label="сотрудникам школы")
    form.get_by_role("button", name="Сохранить отчёт").click()
    expect(page.locator("h1")).to_have_text("Ученики и группы здоровья")
    expect(page.locator("table[data-report] thead")).to_contain_text("Группа здоровья")
    url = page.url
    # No sideways scrolling on a phone: the rows are cards, once tables.js has labelled
    # the cells (measured before it, the page is still settling).
    expect(page.locator("table[data-report].stack-ready")).to_be_visible()
    assert settled(page).evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    log_in(page, "school1.teacher")
    page.goto("/reports/builder/")
    page.locator("[data-shared-reports]").get_by_role(
        "link", name="Ученики и группы здоровья").click()
    assert page.url == url
    expect(page.locator("[data-hidden-columns]")).to_contain_text("Группа здоровья")
    table = page.locator("table[data-report]")
    expect(table.locator("thead")).not_to_contain_text("Группа здоровья")
    body = table.inner_text()
    assert not any(group in body for group in groups)
