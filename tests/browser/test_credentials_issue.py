"""Issuing a class's logins as the secretary meets it: the page says it is working, the
PDF sheet downloads, and the page comes back counting nobody without a login (the
issue: «24 из 25 без учётной записи» after issuing, with no sign of progress)."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from curriculum.models import SchoolClass
from tests.browser.test_flows import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.browser
def test_issuing_downloads_the_sheet_and_the_page_counts_again(page: Page, csp_violations):
    school_class = SchoolClass.objects.get(academic_year__is_current=True,
                                           institution__short_name="СОШ № 1", grade=5,
                                           letter="Б")
    log_in(page, "school1.secretary", "/dashboard/")
    page.goto(f"/admin/records/credentials/{school_class.pk}/")
    counts = page.locator("[data-without-login]")
    expect(counts).to_contain_text("25 из 25 учеников без учётной записи")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Выдать учётные записи")).click()
        expect(page.locator("[data-issue-status]")).to_contain_text("Выдаём учётные записи")
    assert download.value.suggested_filename == f"logins-{school_class.pk}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        open(download.value.path(), "rb").read())).pages)
    assert "Пароль:" in text
    # The page reloads by itself with the new counts and the message.
    expect(counts).to_contain_text("0 из 25 учеников без учётной записи", timeout=10_000)
    expect(page.locator("body")).to_contain_text("раздайте лист")
    assert not csp_violations
