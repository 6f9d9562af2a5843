"""Issue «Curriculum and timetable», tried as a new user would: the deputy director
imports an aSc Timetables XML export, maps the two teachers the file names as vacancies,
applies it and sees the week of 5А; a second lesson for the same teacher at the same time
is refused with a message naming the clash. The checks look at data and markers, not at
the wording, which the translators will change."""

import pytest
from playwright.sync_api import Page, expect

from schedule.models import Room, TimetableEntry
from tests.browser.test_flows import log_in
from tests.schedule.asc import class_5a, demo_export, school, year_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.browser
def test_deputy_imports_maps_two_teachers_applies_and_a_clash_is_refused(page: Page,
                                                                          tmp_path):
    content, story = demo_export()
    path = tmp_path / "asc-export.xml"
    path.write_bytes(content)
    log_in(page, "school1.deputy", "/dashboard/")

    page.goto("/admin/schedule/import/")
    page.locator("input[name='file']").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type='submit']").click()
    mapping = page.locator("[data-import-mapping]")
    expect(mapping).to_contain_text("Вакансия 1")
    expect(mapping).to_contain_text("Вакансия 2")
    expect(page.locator("[data-import-preview]")).to_have_count(0)

    first, second = story["vacancies"]
    page.locator("select[aria-label$='Вакансия 1']").select_option(str(first))
    page.locator("select[aria-label$='Вакансия 2']").select_option(str(second))
    with page.expect_navigation():
        page.locator("button[name='map']").click()
    preview = page.locator("[data-import-preview]")
    expect(preview).to_contain_text("Актовый зал")
    expect(page.locator("[data-import-errors]")).to_have_count(0)
    with page.expect_navigation():
        page.locator("button[name='apply']").click()
    expect(page.locator("[data-import-report]")).to_contain_text("Актовый зал")
    institution = school()
    assert Room.objects.filter(institution=institution, name="Актовый зал").exists()
    assert not TimetableEntry.objects.filter(pk=story["dropped"].pk).exists()

    # The week of 5А: only its lessons, the moved one in the assembly hall.
    five_a = class_5a(institution)
    page.goto(f"/admin/schedule/timetableentry/?school_class={five_a.pk}")
    rows = page.locator("table.listing tbody tr")
    expect(rows.first).to_contain_text("5А")
    assert rows.count() >= 20 and rows.filter(has_text="5Б").count() == 0
    hall = rows.filter(has_text="Актовый зал")
    expect(hall).to_have_count(1)
    expect(hall).to_contain_text(story["moved"].subject.name)

    # The same teacher in 5Б at the same time is refused, naming the clash.
    moved = story["moved"]
    five_b = five_a.academic_year.classes.get(grade=5, letter="Б")
    year = year_of(institution)
    before = TimetableEntry.objects.count()
    page.goto("/admin/schedule/timetableentry/new/")
    page.locator("#id_institution").select_option(str(institution.pk))
    page.locator("#id_academic_year").select_option(str(year.pk))
    page.locator("#id_school_class").select_option(str(five_b.pk))
    page.locator("#id_weekday").select_option(str(moved.weekday))
    page.locator("#id_lesson_number").fill(str(moved.lesson_number))
    page.locator("#id_subject").select_option(str(moved.subject_id))
    page.locator("#id_teacher").select_option(str(moved.teacher_id))
    page.locator("#id_valid_from").fill(year.starts_on.isoformat())
    page.locator("#id_valid_to").fill(year.ends_on.isoformat())
    with page.expect_navigation():
        page.locator("#w-editor-form footer button[type='submit']").first.click()
    body = page.locator("main")
    expect(body).to_contain_text(moved.teacher.person.short_name)
    expect(body).to_contain_text(f"5А, {moved.subject.name}")
    assert TimetableEntry.objects.count() == before
