"""Personal settings (R-SET-1): the page, the sessions with "log out everywhere else",
the push devices, and API keys shown once and revoked. Another user's session, device
or key is 404."""

import re

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from wagtail.models import APIToken, ModelLogEntry

from api.actions import TOKEN_CREATED, TOKEN_REVOKED
from notifications.models import PushSubscription
from records.models import Pupil
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

SETTINGS = "/settings/"
CHROME = ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0 Mobile Safari/537.36")
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def signed_in(username, agent=CHROME):
    """A browser that logged in through allauth's form (as a person does)."""
    client = Client(headers={"User-Agent": agent})
    response = client.post(reverse("account_login"),
                           {"login": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def test_the_page_links_every_setting_for_every_kind_of_user(client_for):
    for username in ("school1.parent", "school1.pupil", "school1.teacher", "dept", "admin"):
        response = client_for(username).get(SETTINGS)
        assert response.status_code == 200, username
        html = response.content.decode()
        for url in (reverse("account_change_password"), reverse("account_email"),
                    reverse("notifications:settings"), reverse("set_language"),
                    reverse("api:v1:openapi-view")):
            assert f'"{url}' in html, (username, url)
        assert "Личные настройки" in html and "Выйти на всех других устройствах" in html


def test_the_user_menu_links_the_settings(client_for):
    client = client_for("school1.parent")
    html = client.get("/family/").content.decode()
    assert f'href="{SETTINGS}"' in html and "Настройки" in html
    # allauth's own page of sessions is this one's section.
    assert client.get(reverse("usersessions_list"))["Location"] == SETTINGS + "#sessions"


def test_sessions_are_listed_and_log_out_everywhere_else_ends_the_others(
        clear_rate_limits):
    phone, laptop = signed_in("school1.parent"), signed_in("school1.parent", FIREFOX)
    other_user = signed_in("school1.teacher")
    page = phone.get(SETTINGS).content.decode()
    assert page.count("data-session=") == 2
    assert "Chrome, Android" in page and "Firefox, Windows" in page
    assert "этот сеанс" in page
    assert UserSession.objects.filter(user__username="school1.parent").count() == 2

    response = phone.post(reverse("api:sessions_end_others"))
    assert response.status_code == 302
    # The laptop's session is gone; the phone's and the other user's stay.
    assert laptop.get(SETTINGS).status_code == 302
    assert phone.get(SETTINGS).status_code == 200
    assert other_user.get(SETTINGS).status_code == 200
    assert phone.get(SETTINGS).content.decode().count("data-session=") == 1


def test_one_session_is_ended_and_another_users_is_404(clear_rate_limits):
    phone, laptop = signed_in("school1.parent"), signed_in("school1.parent", FIREFOX)
    teacher = signed_in("school1.teacher")
    laptop_session = UserSession.objects.get(user__username="school1.parent",
                                             user_agent=FIREFOX)
    teachers = UserSession.objects.get(user__username="school1.teacher")
    assert phone.post(reverse("api:session_end", args=[teachers.pk])).status_code == 404
    assert teacher.get(SETTINGS).status_code == 200
    assert phone.post(reverse("api:session_end", args=[laptop_session.pk])).status_code == 302
    assert laptop.get(SETTINGS).status_code == 302
    assert phone.get(SETTINGS).status_code == 200
    # Ending this one logs out here.
    own = UserSession.objects.get(user__username="school1.parent")
    response = phone.post(reverse("api:session_end", args=[own.pk]))
    assert response["Location"] == reverse("account_login")
    assert phone.get(SETTINGS).status_code == 302


def reauthenticated(client):
    """The password given again (allauth's reauthentication): key creation goes through
    for the next few minutes."""
    response = client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def created_key(response):
    assert response.status_code == 200, response.content[:300]
    found = re.search(r"data-key-value>(wagtail_\w+)<", response.content.decode())
    assert found, "the new key is on the page"
    return found.group(1)


def test_a_key_is_shown_once_works_and_stops_when_revoked(clear_rate_limits):
    browser = reauthenticated(signed_in("school1.parent"))
    response = browser.post(reverse("api:token_create"), {
        "name": "Скрипт дневника", "scopes": ["diary:read", "homework:read"]})
    key = created_key(response)
    token = APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(key))
    assert (token.user.username, token.name) == ("school1.parent", "Скрипт дневника")
    assert token.portal_scopes.scopes == ["diary:read", "homework:read"]
    assert key not in token.key_hash and token.prefix == key[:12]
    entry = ModelLogEntry.objects.get(action=TOKEN_CREATED, object_id=str(token.pk))
    assert entry.user.username == "school1.parent" and key not in str(entry.data)
    # Listed from now on with its prefix, never with the key.
    page = browser.get(SETTINGS).content.decode()
    assert token.prefix in page and "Скрипт дневника" in page and key not in page

    api = Client(headers={"Authorization": f"Bearer {key}"})
    pupil = Pupil.objects.filter(
        guardianships__parent__person__user__username="school1.parent").first()
    assert api.get(f"/api/v1/pupils/{pupil.pk}/diary/week").status_code == 200
    assert api.get(f"/api/v1/pupils/{pupil.pk}/timetable/week").status_code == 403
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "последнее использование" in browser.get(SETTINGS).content.decode()

    response = browser.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api.get(f"/api/v1/pupils/{pupil.pk}/diary/week").status_code == 401
    assert ModelLogEntry.objects.filter(action=TOKEN_REVOKED, object_id=str(token.pk)).exists()
    assert "отозван" in browser.get(SETTINGS).content.decode()


def test_another_users_key_cannot_be_revoked(clear_rate_limits, key_for, api_client):
    key = key_for("school2.parent")
    token = APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(key))
    browser = signed_in("school1.parent")
    assert browser.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert browser.post(reverse("api:token_revoke", args=[2 ** 62])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_client(key).get("/api/v1/me").status_code == 200


def test_a_key_is_offered_only_the_scopes_the_account_can_use(clear_rate_limits):
    parent, teacher = reauthenticated(signed_in("school1.parent")), signed_in("school1.teacher")
    parent_page = parent.get(SETTINGS).content.decode()
    assert 'value="diary:read"' in parent_page and 'value="journal:write"' not in parent_page
    teacher_page = teacher.get(SETTINGS).content.decode()
    assert 'value="journal:write"' in teacher_page and 'value="diary:read"' not in teacher_page
    # A forged form asking for more makes no key.
    response = parent.post(reverse("api:token_create"), {
        "name": "Подделка", "scopes": ["diary:read", "journal:write"]})
    assert response.status_code == 400
    response = parent.post(reverse("api:token_create"), {"name": "Пусто", "scopes": []})
    assert response.status_code == 400
    assert not APIToken.objects.filter(user__username="school1.parent",
                                       name__in=["Подделка", "Пусто"]).exists()


@pytest.mark.parametrize("how", ["login form", "session"])
def test_creating_a_key_asks_for_the_password_again(client_for, clear_rate_limits, how):
    """Without the password given again in the last few minutes, creating a key goes
    through allauth's reauthentication, and the form's request is resumed after it."""
    client = signed_in("school1.parent") if how == "login form" else client_for(
        "school1.parent")
    response = client.post(reverse("api:token_create"),
                           {"name": "Позже", "scopes": ["diary:read"]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not APIToken.objects.filter(name="Позже").exists()
    resumed = client.post(response["Location"], {"password": DEMO_PASSWORD})
    key = created_key(resumed)
    assert APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(key)).name == \
        "Позже"
    # For the next few minutes a key is created at once.
    key = created_key(client.post(reverse("api:token_create"),
                                  {"name": "Ещё", "scopes": ["diary:read"]}))
    assert APIToken.objects.filter(name="Ещё").exists()


def test_push_devices_are_listed_and_removed_from_the_settings(client_for, demo_user):
    own = PushSubscription.objects.create(
        user=demo_user("school1.parent"), endpoint="https://push.example.ru/own",
        p256dh="k", auth="a", user_agent="Телефон родителя")
    other = PushSubscription.objects.create(
        user=demo_user("school2.parent"), endpoint="https://push.example.ru/other",
        p256dh="k", auth="a", user_agent="Чужой телефон")
    client = client_for("school1.parent")
    page = client.get(SETTINGS).content.decode()
    assert "Телефон родителя" in page and "Чужой телефон" not in page
    response = client.post(reverse("notifications:unsubscribe"),
                           {"device": other.pk, "next": SETTINGS})
    assert response.status_code == 404
    response = client.post(reverse("notifications:unsubscribe"),
                           {"device": own.pk, "next": SETTINGS + "#notifications"})
    assert response["Location"] == SETTINGS + "#notifications"
    assert not PushSubscription.objects.filter(pk=own.pk).exists()
    assert PushSubscription.objects.filter(pk=other.pk).exists()
    # Another site as «next» is not followed.
    again = PushSubscription.objects.create(
        user=demo_user("school1.parent"), endpoint="https://push.example.ru/again",
        p256dh="k", auth="a")
    response = client.post(reverse("notifications:unsubscribe"),
                           {"device": again.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:settings")


def test_the_language_is_chosen_on_the_page(client_for):
    client = client_for("school1.parent")
    response = client.post(reverse("set_language"), {"language": "en", "next": SETTINGS})
    assert response["Location"] == SETTINGS
    assert "Personal settings" in client.get(SETTINGS).content.decode()
