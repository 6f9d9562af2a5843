"""Internal mail (R-MAIL-1), tried as a new user would on a phone: school1.parent
writes to their child's mathematics teacher — school1.teacher, who teaches 5А
mathematics in the demo city (checked first) — through the address book, where
school2.teacher is not offered; the teacher answers from the inbox; the parent sees the
answer, unread until opened."""

import re

import pytest
from playwright.sync_api import Page, expect

from curriculum.models import TeachingAssignment
from records.models import Pupil, User
from tests.browser.test_flows import open_login_page, submit_login
from tests.browser.test_screenshots import settled
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page: Page, username):
    open_login_page(page)
    submit_login(page, username, DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/$"))


def no_sideways_scrolling(page: Page):
    assert settled(page).evaluate("document.documentElement.scrollWidth") <= 390


def test_a_parent_writes_to_the_mathematics_teacher_who_answers(page: Page):
    child = Pupil.objects.get(person__user__username="school1.pupil")
    assert child.guardianships.filter(parent__person__user__username="school1.parent").exists()
    assert TeachingAssignment.objects.filter(
        school_class_id=child.school_class_id, subject__name__startswith="Математика",
        teacher__person__user__username="school1.teacher").exists()
    teacher = User.objects.select_related("person").get(username="school1.teacher")
    outsider = User.objects.select_related("person").get(username="school2.teacher")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "school1.parent")
    page.goto("/mail/")
    page.get_by_role("link", name="Написать").click()
    expect(page.locator("h1")).to_have_text("Новое письмо")
    assert outsider.person.surname not in page.locator("[data-mail-book]").inner_text()
    page.get_by_placeholder("Поиск по имени").fill(teacher.person.surname)
    page.locator(f"[data-mail-book] input[name='to'][value='{teacher.pk}']").first.check()
    page.get_by_label("Тема", exact=True).fill("Задачи к пятнице")
    page.get_by_label("Письмо", exact=True).fill("Здравствуйте! Какие задачи решить к пятнице?")
    no_sideways_scrolling(page)
    page.get_by_role("button", name="Отправить").click()
    expect(page.locator(".messages")).to_contain_text("Письмо отправлено.")
    expect(page.locator("h1")).to_have_text("Задачи к пятнице")
    no_sideways_scrolling(page)

    page.context.clear_cookies()
    log_in(page, "school1.teacher")
    page.goto("/mail/")
    page.get_by_role("link", name="Задачи к пятнице").click()
    expect(page.locator(".mail-message")).to_contain_text("Какие задачи решить к пятнице?")
    page.get_by_label("Ваш ответ", exact=True).fill("Номера 214 и 215.")
    page.get_by_role("button", name="Отправить ответ").click()
    expect(page.locator(".messages")).to_contain_text("Ответ отправлен.")
    expect(page.locator(".mail-message").last).to_contain_text("Номера 214 и 215.")

    page.context.clear_cookies()
    log_in(page, "school1.parent")
    page.goto("/mail/")
    row = page.locator(".mail-row", has_text="Задачи к пятнице")
    expect(row).to_have_class(re.compile(r"mail-unread"))
    row.get_by_role("link", name="Задачи к пятнице").click()
    expect(page.locator(".mail-message").last).to_contain_text("Номера 214 и 215.")
    expect(page.locator(".mail-message").first).to_contain_text("прочитано")
    no_sideways_scrolling(page)
