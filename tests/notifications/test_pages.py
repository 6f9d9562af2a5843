"""The notification pages: the list (the owner's only), marking read, the settings
table (R-SET-1), the push endpoints, the manifest and the service worker; the bell."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification, Preference, PushSubscription
from notifications.service import Kind, notify
from records.models import User

pytestmark = pytest.mark.django_db

KEYS = {"p256dh": "B" + "k" * 86, "auth": "a" * 22}


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def parents_note():
    row, = notify(Kind.MARK, [user("school1.parent")], title="Новая отметка 5: Химия",
                  body="<script>alert(1)</script>", url="/diary/", source="pages:1")
    return row


def test_the_list_shows_the_owners_own_with_the_bell_count(client_for, parents_note):
    notify(Kind.MARK, [user("school2.parent")], title="Чужая отметка", source="pages:2")
    response = client_for("school1.parent").get(reverse("notifications:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Новая отметка 5: Химия" in page and "Чужая отметка" not in page
    assert "<script>alert(1)</script>" not in page  # escaped
    assert 'class="bell-count"' in page
    assert "no-store" in response["Cache-Control"]


def test_another_users_notification_is_404(client_for, parents_note):
    client = client_for("school2.parent")
    assert client.get(reverse("notifications:open", args=[parents_note.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[parents_note.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    parents_note.refresh_from_db()
    assert parents_note.read_at is None


def test_anonymous_visitors_are_sent_to_the_login(parents_note):
    client = Client()
    for url in (reverse("notifications:list"), reverse("notifications:settings"),
                reverse("notifications:open", args=[parents_note.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("notifications:subscribe"), {}).status_code == 302


def test_opening_marks_read_and_goes_to_the_thing(client_for, parents_note):
    client = client_for("school1.parent")
    response = client.get(reverse("notifications:open", args=[parents_note.pk]))
    assert response.status_code == 302 and response["Location"] == "/diary/"
    parents_note.refresh_from_db()
    assert parents_note.read_at is not None


def test_only_local_addresses_are_followed(client_for):
    row, = notify(Kind.MARK, [user("school1.parent")], title="x", url="https://evil.example/")
    response = client_for("school1.parent").get(reverse("notifications:open", args=[row.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_one_and_all_read(client_for, parents_note):
    other, = notify(Kind.HOMEWORK, [user("school1.parent")], title="ДЗ", source="pages:3")
    client = client_for("school1.parent")
    assert client.post(reverse("notifications:read", args=[parents_note.pk])).status_code == 302
    assert Notification.objects.of(user("school1.parent")).unread().get(
        source_key__startswith="pages:") == other
    assert client.get(reverse("notifications:read_all")).status_code == 405
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.of(user("school1.parent")).unread().exists()
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'class="bell-count"' not in page


def test_the_settings_table_saves_the_choices(client_for):
    client = client_for("school1.parent")
    response = client.get(reverse("notifications:settings"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert 'name="announcement__email"' in page and 'name="mark__push"' in page
    data = {"announcement__portal": "1", "mark__portal": "1", "mark__email": "1",
            "homework__push": "1"}
    assert client.post(reverse("notifications:settings"), data).status_code == 302
    chosen = {row.kind: row.channels() for row in
              Preference.objects.filter(user=user("school1.parent"))}
    assert chosen[Kind.MARK] == {"portal": True, "email": True, "push": False}
    assert chosen[Kind.ANNOUNCEMENT] == {"portal": True, "email": False, "push": False}
    assert chosen[Kind.HOMEWORK] == {"portal": False, "email": False, "push": True}


def test_bad_input_changes_nothing(client_for):
    client = client_for("school1.parent")
    Preference.objects.create(user=user("school1.parent"), kind=Kind.MARK, email=True)
    response = client.post(reverse("notifications:settings"),
                           {"mark__portal": "maybe", "mark__email": "1"})
    assert response.status_code == 200
    row, = Preference.objects.filter(user=user("school1.parent"))
    assert (row.kind, row.portal, row.email, row.push) == (Kind.MARK, True, True, False)


def subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc"):
    return json.dumps({"endpoint": endpoint, "keys": KEYS})


def test_subscribe_and_unsubscribe_this_browser(client_for):
    client = client_for("school1.parent")
    url = reverse("notifications:subscribe")
    response = client.post(url, subscription(), content_type="application/json",
                           headers={"user-agent": "Chromium on a phone"})
    assert response.status_code == 200
    device = PushSubscription.objects.get(user=user("school1.parent"))
    assert device.user_agent == "Chromium on a phone" and device.p256dh == KEYS["p256dh"]
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Chromium on a phone" in page
    response = client.post(reverse("notifications:unsubscribe"),
                           json.dumps({"endpoint": device.endpoint}),
                           content_type="application/json")
    assert response.json()["deleted"] == 1
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("endpoint", [
    "http://push.example.org/x", "https://127.0.0.1:8000/admin/", "https://localhost/x",
    "https://10.0.0.5/push", "javascript:alert(1)", "",
])
def test_no_subscription_to_what_is_not_a_push_service(client_for, endpoint):
    response = client_for("school1.parent").post(
        reverse("notifications:subscribe"), subscription(endpoint),
        content_type="application/json")
    assert response.status_code == 400 and not PushSubscription.objects.exists()


def test_subscribing_needs_csrf_and_post(demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user("school1.parent"))
    url = reverse("notifications:subscribe")
    assert client.post(url, subscription(), content_type="application/json").status_code == 403
    assert client.get(url).status_code == 405
    assert not PushSubscription.objects.exists()


def test_another_users_device_cannot_be_removed(client_for):
    device = PushSubscription.objects.create(
        user=user("school2.parent"), endpoint="https://push.example.org/p2", **KEYS)
    client = client_for("school1.parent")
    response = client.post(reverse("notifications:unsubscribe"), {"device": device.pk})
    assert response.status_code == 404
    client.post(reverse("notifications:unsubscribe"),
                json.dumps({"endpoint": device.endpoint}), content_type="application/json")
    assert PushSubscription.objects.filter(pk=device.pk).exists()


def test_the_manifest_names_the_portal_and_its_icons_exist(client, settings):
    from django.contrib.staticfiles import finders

    settings.PORTAL_NAME = "Школы Энска"
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Школы Энска" and data["display"] == "standalone"
    assert data["start_url"] == "/start/" and data["scope"] == "/"
    from PIL import Image

    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert Image.open(path).size == tuple(int(n) for n in icon["sizes"].split("x"))


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert b"showNotification" in b"".join(response.streaming_content)


def test_every_page_links_the_manifest_and_the_worker_script(client_for):
    page = client_for("school1.pupil").get(reverse("notifications:list")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert "portal/pwa.js" in page


def test_the_list_and_the_bell_cost_the_same_whatever_the_number(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("school1.parent")
    url = reverse("notifications:list")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(40):
        notify(Kind.MARK, [user("school1.parent")], title=f"Отметка {n}", source=f"many:{n}")
    assert queries() == before <= 12
