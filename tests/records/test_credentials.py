"""R-PPL-5: the school issues logins for a class, prints them, and the first login asks
for a new password."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from curriculum.models import SchoolClass
from records.credentials import issue_logins, transliterate
from records.models import Parent, Pupil, User

pytestmark = pytest.mark.django_db


def class_5b():
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution__short_name="СОШ № 1", grade=5, letter="Б")


def test_transliteration_of_russian_names():
    assert transliterate("Щербаков") == "shcherbakov"
    assert transliterate("Ёлкина") == "elkina"


def test_the_secretary_issues_logins_and_gets_the_sheet(client_for):
    client = client_for("school1.secretary")
    url = reverse("records_issue_credentials", args=[class_5b().pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["pupils_without"] == 25
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"DejaVuSans" in response.content  # the Cyrillic font is embedded
    assert "no-store" in response["Cache-Control"]
    pupils = Pupil.objects.filter(school_class=class_5b())
    assert not pupils.filter(person__user__isnull=True).exists()
    parents = Parent.objects.filter(children__in=pupils).distinct()
    assert not parents.filter(person__user__isnull=True).exists()
    users = User.objects.filter(person__pupil_records__in=pupils)
    assert all(u.must_change_password for u in users)
    assert all(u.password.startswith("pbkdf2_sha256_issued$") for u in users)
    # Issuing again creates nothing new.
    before = User.objects.count()
    again = client.post(url)
    assert again.status_code == 302
    assert User.objects.count() == before


def test_an_issued_password_logs_in_and_must_be_changed(client, demo_user):
    cache.clear()
    sheet = issue_logins(class_5b(), demo_user("school1.secretary"))
    record, username, password = next(row for row in sheet if isinstance(row[0], Parent))
    response = client.post(reverse("account_login"), {"login": username, "password": password})
    assert response.status_code == 302
    assert client.get("/family/")["Location"] == reverse("account_change_password")
    user = User.objects.get(username=username)
    # The cheap first hash was upgraded to the preferred hasher at the first login.
    assert not user.password.startswith("pbkdf2_sha256_issued$")


def test_renewing_gives_new_passwords_to_existing_logins(demo_user):
    secretary = demo_user("school1.secretary")
    first = {u: p for _, u, p in issue_logins(class_5b(), secretary)}
    renewed = {u: p for _, u, p in issue_logins(class_5b(), secretary, renew=True)}
    assert set(first) == set(renewed)
    assert all(first[u] != renewed[u] for u in first)


@pytest.mark.parametrize("username, allowed", [
    ("school1.admin", (200,)), ("school1.teacher", (302, 403)),
    ("school1.classteacher", (302, 403)), ("school2.admin", (404,)),
    ("school1.parent", (403,)), ("dept", (302, 403)),
])
def test_only_the_schools_list_keepers_issue_logins(client_for, username, allowed):
    client = client_for(username)
    url = reverse("records_issue_credentials", args=[class_5b().pk])
    assert client.get(url).status_code in allowed
    if 200 not in allowed:
        client.post(url)
        assert Pupil.objects.filter(school_class=class_5b(), person__user__isnull=False) \
            .count() == 0
