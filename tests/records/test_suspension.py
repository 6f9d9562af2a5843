"""R-PD-6: the administrator suspends a login with a reason and restores it."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_suspended_parent_is_logged_out_everywhere_and_restored(client, demo_user):
    cache.clear()
    parent = demo_user("school1.parent")
    client.force_login(parent)
    assert client.get("/family/").status_code == 200
    admin = Client()
    admin.force_login(demo_user("school1.admin"))
    url = reverse("records_access", args=[parent.person.pk])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"reason": ""})
    assert response.context["error"]
    assert demo_user("school1.parent").is_active
    admin.post(url, {"reason": "Оскорбления на форуме"})
    parent.refresh_from_db()
    assert not parent.is_active and parent.suspension_reason == "Оскорбления на форуме"
    # The open session ends at its next request, and a new login is refused.
    response = client.get("/family/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.post(reverse("account_login"), {"login": "school1.parent", "password": DEMO_PASSWORD})
    response = client.get("/family/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    entry = ModelLogEntry.objects.get(action="records.access_suspended",
                                      object_id=str(parent.pk))
    assert entry.user == demo_user("school1.admin")
    assert entry.data["reason"] == "Оскорбления на форуме"
    admin.post(url)
    parent.refresh_from_db()
    assert parent.is_active and parent.suspension_reason == ""
    assert ModelLogEntry.objects.filter(action="records.access_restored",
                                        object_id=str(parent.pk)).exists()


@pytest.mark.parametrize("username, status", [
    ("school1.secretary", (302, 403)), ("school1.teacher", (302, 403)),
    ("school2.admin", (404,)), ("school1.parent", (403,)),
])
def test_only_the_schools_administrator_suspends(client_for, demo_user, username, status):
    target = demo_user("school1.pupil")
    url = reverse("records_access", args=[target.person.pk])
    client = client_for(username)
    assert client.get(url).status_code in status
    client.post(url, {"reason": "x"})
    target.refresh_from_db()
    assert target.is_active
