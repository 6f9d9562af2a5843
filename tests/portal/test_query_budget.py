"""R-NF-2: daily pages run a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curriculum.models import SchoolClass
from records.factories import GuardianshipFactory, ParentFactory, PupilFactory
from records.models import Pupil, User

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def class_5a():
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution__short_name="СОШ № 1", grade=5, letter="А")


def add_pupils(school_class, n):
    for _ in range(n):
        pupil = PupilFactory(institution=school_class.institution, school_class=school_class)
        GuardianshipFactory(parent=ParentFactory(institution=school_class.institution),
                            pupil=pupil)


PAGES = [
    ("school1.classteacher", lambda: reverse("journal:class", args=[class_5a().pk])),
    ("school1.classteacher", lambda: reverse("dashboard")),
    ("dept", lambda: reverse("dashboard")),
    ("school1.parent", lambda: reverse("records:family")),
    ("school1.parent", lambda: reverse("records:pupil", args=[
        Pupil.objects.get(school_class=class_5a(), person__user__username="school1.pupil").pk])),
    ("school1.secretary", lambda: reverse("records_pupil:index")),
    ("school1.secretary", lambda: reverse("records_parent:index")),
    ("school1.secretary", lambda: reverse("records_staff:index")),
    ("school1.deputy", lambda: reverse("curriculum_schoolclass:index")),
    ("school1.deputy", lambda: reverse("curriculum_teachingassignment:index")),
]


@pytest.mark.parametrize("username, url", PAGES, ids=[f"{u}-{i}" for i, (u, _) in
                                                       enumerate(PAGES)])
def test_query_count_does_not_grow_with_rows(
    client_for, username, url, django_assert_max_num_queries
):
    client = client_for(username)
    before = count_queries(client, url())
    add_pupils(class_5a(), 30)
    after = count_queries(client, url())
    assert after == before
    with django_assert_max_num_queries(40):
        client.get(url())


def test_class_page_budget(client_for, django_assert_max_num_queries):
    client = client_for("school1.classteacher")
    url = reverse("journal:class", args=[class_5a().pk])
    with django_assert_max_num_queries(15):
        client.get(url)


def test_family_page_budget(client_for, django_assert_max_num_queries):
    client = client_for("school1.parent")
    with django_assert_max_num_queries(12):
        client.get(reverse("records:family"))


def test_the_admin_listing_of_a_thousand_pupils_keeps_its_budget(
    client_for, django_assert_max_num_queries
):
    """Issue «Records»: the pupil listing with 1,000 pupils in the school."""
    from records.models import Person

    school_class = class_5a()
    people = Person.objects.bulk_create([
        Person(surname=f"Тестов{n}", name="Пётр", search_name=f"тестов{n} петр")
        for n in range(1000)
    ])
    Pupil.objects.bulk_create([
        Pupil(institution=school_class.institution, person=p, school_class=school_class)
        for p in people
    ])
    assert Pupil.objects.filter(institution=school_class.institution).count() >= 1000
    client = client_for("school1.secretary")
    for url in [reverse("records_pupil:index"),
                reverse("records_pupil:index") + f"?school_class={school_class.pk}",
                reverse("records_pupil:index") + "?q=тестов"]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_the_institution_listing_does_not_grow_with_schools_and_their_documents(client_for):
    from records.factories import InstitutionDocumentFactory, InstitutionFactory
    from records.models import Department

    client = client_for("dept")
    url = reverse("records_institution:index")
    before = count_queries(client, url)
    department = Department.objects.get()
    for _ in range(5):
        institution = InstitutionFactory(department=department)
        InstitutionDocumentFactory.create_batch(2, institution=institution)
    assert count_queries(client, url) == before


def test_a_login_without_django_permissions_reads_none(client_for):
    """The navigation asks for the admin; the rules say no to a parent, and the login,
    read with the request's user, holds no Django permission: nothing more is read."""
    client = client_for("school1.parent")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("records:family"))
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]
    # The header's name came with the user.
    assert not [q for q in queries.captured_queries
                if 'FROM "records_person" WHERE "records_person"."user_id"' in q["sql"]
                and '"records_person"."surname"' in q["sql"]]
    assert User.objects.get(username="school1.parent").person.full_name in (
        response.content.decode())


def test_a_login_in_a_wagtail_group_keeps_what_the_group_grants(client_for):
    from django.contrib.auth.models import Group, Permission

    parent = User.objects.get(username="school1.parent")
    group = Group.objects.create(name="Admin access (test)")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    parent.groups.add(group)
    client = client_for("school1.parent")
    nav = [item["url"] for item in client.get(reverse("records:family")).context["nav_items"]]
    assert reverse("wagtailadmin_home") in nav
    parent.groups.clear()
    nav = [item["url"] for item in client.get(reverse("records:family")).context["nav_items"]]
    assert reverse("wagtailadmin_home") not in nav
