"""The link catalog (R-RES-1; issue 13, item 4).

Visitors see the public links, signed-in users all of them, grouped by category in the
categories' order. A school's editor keeps the school's links, the department's editor
the city-wide ones; a parent gets 403 in the admin, another school's editor 404 on a
link not theirs. Only http and https addresses are accepted.
"""

import pytest
from django.urls import reverse

from links.factories import LinkCategoryFactory, LinkFactory
from links.models import Audience, Link
from portal.access import Role
from records.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from records.models import Institution
from tests.forms import form_data
from tests.portal.test_admin_menu import menu_labels

pytestmark = pytest.mark.django_db


@pytest.fixture
def school1():
    return Institution.objects.get(short_name="СОШ № 1")


def editor(institution):
    person = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=person, role=Role.EDITOR, institution=institution)
    return person.user


def test_visitors_see_public_links_and_signed_in_users_all(client, client_for):
    html = client.get(reverse("links:catalog")).content.decode()
    assert "Российская электронная школа" in html and "ФИПИ" in html
    assert "Электронная библиотека школы" not in html
    html = client_for("school2.parent").get(reverse("links:catalog")).content.decode()
    assert "Электронная библиотека школы" in html


def test_the_catalog_is_grouped_by_category_in_order(client):
    first = LinkCategoryFactory(name="Аааа первая", order=0)
    last = LinkCategoryFactory(name="Яяяя последняя", order=999)
    LinkFactory(category=last, title="Ссылка последней")
    LinkFactory(category=first, title="Ссылка первой")
    html = client.get(reverse("links:catalog")).content.decode()
    assert html.index("Аааа первая") < html.index("Ссылка первой") < html.index(
        "Электронные образовательные ресурсы") < html.index("Яяяя последняя")


def test_the_catalog_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.get(reverse("links:catalog"))
    category = LinkCategoryFactory()
    for _ in range(20):
        LinkFactory(category=category)
    with django_assert_max_num_queries(3):
        client.get(reverse("links:catalog"))


def test_titles_and_descriptions_render_inert(client):
    LinkFactory(title="<script>alert(1)</script>", description="<img src=x onerror=alert(1)>")
    html = client.get(reverse("links:catalog")).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>", "ftp://x.ru/",
                                 "file:///etc/passwd", "http://"])
def test_only_http_and_https_addresses_are_accepted(client, school1, url):
    user = editor(school1)
    client.force_login(user)
    form = client.get(reverse("links_link:add")).context["form"]
    category = Link.objects.first().category
    data = form_data(form, title="Плохая ссылка", url=url, category=str(category.pk),
                     audience="public", institution=str(school1.pk), order="0")
    response = client.post(reverse("links_link:add"), data)
    assert response.status_code == 200
    assert not Link.objects.filter(title="Плохая ссылка").exists()


def test_a_school_editor_adds_a_link_of_their_school_only(client, school1):
    user = editor(school1)
    client.force_login(user)
    listing = client.get(reverse("links_link:index"))
    assert "Добавить ссылку" in listing.content.decode()
    response = client.get(reverse("links_link:add"))
    form = response.context["form"]
    assert list(form.fields["institution"].queryset) == [school1]
    category = Link.objects.first().category
    data = form_data(form, title="Наша ссылка", url="https://school.example.ru/",
                     category=str(category.pk), audience="signed_in",
                     institution=str(school1.pk), order="0")
    assert client.post(reverse("links_link:add"), data).status_code == 302
    assert Link.objects.get(title="Наша ссылка").institution == school1
    # A city-wide link (no school) is the department's.
    data.update(title="Городская ссылка", institution="")
    assert client.post(reverse("links_link:add"), data).status_code == 200
    assert not Link.objects.filter(title="Городская ссылка").exists()
    # The city-wide links are not theirs to edit.
    city_link = Link.objects.filter(institution__isnull=True).first()
    assert client.get(reverse("links_link:edit", args=[city_link.pk])).status_code in (302, 403)


def test_another_schools_editor_gets_404_on_the_schools_link(client, school1):
    link = Link.objects.get(institution=school1)
    client.force_login(editor(Institution.objects.get(short_name="СОШ № 2")))
    # The link is one they may read (signed-in users'), not change: Wagtail's refusal.
    for view in ("links_link:edit", "links_link:delete"):
        assert client.get(reverse(view, args=[link.pk])).status_code in (302, 403)
    client.post(reverse("links_link:edit", args=[link.pk]), {"title": "Взлом"})
    assert Link.objects.get(pk=link.pk).title != "Взлом"


def test_the_department_editor_keeps_the_city_wide_links_and_categories(client):
    client.force_login(editor(None))
    city_link = Link.objects.filter(institution__isnull=True).first()
    assert client.get(reverse("links_link:edit", args=[city_link.pk])).status_code == 200
    assert client.get(reverse("links_linkcategory:add")).status_code == 200


@pytest.mark.parametrize("username", ["school1.parent", "school1.pupil"])
def test_pupils_and_parents_get_403_for_the_catalog_admin(client_for, username):
    client = client_for(username)
    assert client.get(reverse("links_link:index")).status_code == 403
    assert client.get(reverse("links_linkcategory:index")).status_code == 403


def test_a_teacher_cannot_add_links(client_for):
    assert client_for("school1.teacher").get(reverse("links_link:add")).status_code in (302, 403)


def test_the_broken_link_report_lists_only_broken_links(client):
    client.force_login(editor(None))
    response = client.get(reverse("links_link:index"), {"is_broken": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Методические материалы для классных руководителей" in html
    assert "ФИПИ" not in html
    labels = menu_labels(response.wsgi_request.user)
    assert "Каталог ссылок / Неработающие ссылки" in labels


def test_the_demo_catalog_has_real_resources_and_one_broken_link():
    assert Link.objects.filter(url="https://resh.edu.ru/").exists()
    assert Link.objects.filter(url="https://fipi.ru/").exists()
    assert Link.objects.broken().count() == 1
    assert Link.objects.filter(audience=Audience.SIGNED_IN).exists()


def test_the_admin_listing_is_searched_with_its_filters(client):
    client.force_login(editor(None))
    for query in ({"q": "фипи"}, {"q": "ФИПИ"},
                  {"q": "фипи", "is_broken": "false", "audience": "public"}):
        response = client.get(reverse("links_link:index"), query)
        assert response.status_code == 200
        assert "https://fipi.ru/" in response.content.decode(), query
