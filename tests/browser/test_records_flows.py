"""Issue «Records», tried as a new user would: the secretary imports a class list from
XLSX with one bad row and nothing changes, fixes the row and the class appears with its
parents; the administrator issues their logins and downloads the PDF sheet; a parent
logs in with a printed password and must change it."""

import io
import re

import pytest
import tablib
from django.utils import translation
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from records import imports
from records.models import Parent, Pupil
from tests.browser.test_flows import log_in, submit_login
from tests.dates import TODAY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def class_list(tmp_path, bad):
    with translation.override("ru"):
        data = tablib.Dataset(headers=imports.headers())
    data.append(["5Б", "Ласточкина", "Алиса", "Игоревна", "31.02.2015" if bad else "12.04.2015",
                 "ж", "г. Якутск, ул. Ленина, 1", "+7 914 000-00-01", "5-901",
                 "Ласточкина", "Ирина", "Сергеевна", "ж", "мать", "+7 914 100-00-01",
                 "", "", "", "", "", ""])
    data.append(["5Б", "Ласточкин", "Марк", "Игоревич", "01.09.2015", "м",
                 "г. Якутск, ул. Ленина, 1", "", "5-902",
                 "Ласточкина", "Ирина", "Сергеевна", "ж", "мать", "+7 914 100-00-01",
                 "", "", "", "", "", ""])
    path = tmp_path / ("bad.xlsx" if bad else "good.xlsx")
    path.write_bytes(data.export("xlsx"))
    return path


def upload(page: Page, path):
    page.goto("/admin/records/import/")
    page.locator("input[name='file']").set_input_files(str(path))
    # The imported pupils are enrolled by an order (R-MOV-2): its number and date.
    page.locator("input[name='order_number']").fill("12-у")
    page.locator("input[name='order_date']").fill(TODAY.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Проверить файл").click()


@pytest.mark.browser
def test_import_then_logins_then_first_login(page: Page, tmp_path):
    log_in(page, "school1.secretary", "/dashboard/")
    pupils_before = Pupil.objects.count()

    upload(page, class_list(tmp_path, bad=True))
    errors = page.locator("[data-import-errors]")
    expect(errors).to_contain_text("31.02.2015")
    expect(page.get_by_role("button", name="Загрузить")).to_have_count(0)
    assert Pupil.objects.count() == pupils_before

    upload(page, class_list(tmp_path, bad=False))
    expect(page.locator("[data-import-preview]")).to_contain_text("Ласточкина Алиса")
    with page.expect_navigation():
        page.get_by_role("button", name="Загрузить").click()
    expect(page.locator("body")).to_contain_text("Загружено: новых учеников — 2")
    assert Pupil.objects.count() == pupils_before + 2
    mother = Parent.objects.get(person__surname="Ласточкина", person__name="Ирина")
    assert mother.children.count() == 2

    # The administrator issues the logins of 5Б and gets the sheet.
    page.context.clear_cookies()
    log_in(page, "school1.admin", "/dashboard/")
    alisa = Pupil.objects.get(person__surname="Ласточкина", person__name="Алиса")
    page.goto(f"/admin/records/credentials/{alisa.school_class_id}/")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Выдать учётные записи")).click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Ласточкина Ирина Сергеевна" in text  # Cyrillic is real text, not boxes
    mother.person.refresh_from_db()
    username = mother.person.user.username
    card = text[text.index("Ласточкина Ирина Сергеевна"):]
    password = re.search(r"Пароль:\s*(\S+)", card).group(1)

    # The parent logs in with the printed password and must choose their own.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    submit_login(page, username, password)
    expect(page).to_have_url(re.compile(r"/accounts/password/change/$"))
    page.goto("/family/")
    expect(page).to_have_url(re.compile(r"/accounts/password/change/$"))


@pytest.mark.browser
def test_a_change_is_compared_and_the_older_version_restored(page: Page):
    """R-PD-2 as the secretary meets it: edit a card, see the diff, restore."""
    pupil = Pupil.objects.filter(
        institution__short_name="СОШ № 1", person__consents__withdrawn_on__isnull=True,
    ).exclude(home_phone="").first()
    old_phone = pupil.home_phone
    log_in(page, "school1.secretary", "/dashboard/")

    page.goto(f"/admin/records/pupil/edit/{pupil.pk}/")
    page.get_by_role("tab", name="Контакты").click()
    page.locator("#id_home_phone").fill("+7 4112 55-55-55")
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить").first.click()
    pupil.refresh_from_db()
    assert pupil.home_phone == "+7 4112 55-55-55"

    # The history lists each version's actions in its «Действия» menu.
    page.goto(f"/admin/records/pupil/history/{pupil.pk}/")
    page.get_by_role("button", name="Действия").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Сравнить с предыдущей версией").click()
    expect(page.locator(".deletion").first).to_contain_text(old_phone.split()[-1])
    expect(page.locator(".addition").first).to_contain_text("55-55-55")

    page.goto(f"/admin/records/pupil/history/{pupil.pk}/")
    page.locator("tr", has_text="Карточка до первого записанного изменения").get_by_role(
        "button", name="Действия").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Проверить эту версию").click()
    page.get_by_role("tab", name="Контакты").click()
    expect(page.locator("#id_home_phone")).to_have_value(old_phone)
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить").first.click()
    pupil.refresh_from_db()
    assert pupil.home_phone == old_phone
