"""The public pages: the city's home page (its news, the schools, the department), a
school page (contacts from the school's card, news, coming events) and the department
page, for a visitor and on a phone's width (no table, nothing wider than the screen)."""

import pytest

from sgo_pages.models import DepartmentPage, SchoolPage

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_schools_and_the_news(client):
    page = client.get("/").content.decode()
    for school in SchoolPage.objects.all():
        assert school.url in page
    assert DepartmentPage.objects.get().url in page
    assert "data-news" in page


def test_a_school_page_shows_its_contacts_news_and_events(client_for):
    school = SchoolPage.objects.select_related("institution").get(
        institution__short_name="СОШ № 1")
    page = client_for("school1.parent").get(school.url).content.decode()
    assert school.institution.phone in page and school.institution.address in page
    assert "Школьный субботник" in page  # the whole school's news, an event
    assert "Родительское собрание 5А" in page
    assert "Педагогический совет" not in page  # the staff's


def test_the_staff_read_the_staffs_news(client_for):
    school = SchoolPage.objects.get(institution__short_name="СОШ № 1")
    assert "Педагогический совет" in client_for("school1.teacher").get(school.url
                                                                      ).content.decode()


def test_the_department_page(client, client_for):
    page = DepartmentPage.objects.get()
    assert client.get(page.url).status_code == 200
    assert "Совещание руководителей" not in client.get(page.url).content.decode()
    assert "Совещание руководителей" in client_for("dept").get(page.url).content.decode()
