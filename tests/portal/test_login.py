"""Login, logout, password change and reset, throttling, forced password change."""

import os

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.demo.city import DEMO_ACCOUNTS
from records.models import User
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def login(client, login_name, password=DEMO_PASSWORD):
    return client.post(reverse("account_login"), {"login": login_name, "password": password})


@pytest.mark.parametrize("username, start", [
    ("school1.teacher", "/dashboard/"),
    ("dept", "/dashboard/"),
    ("admin", "/dashboard/"),
    ("school1.parent", "/family/"),
    ("school1.pupil", "/me/"),
])
def test_each_role_lands_on_its_start_page(client, username, start):
    response = login(client, username)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == start


def test_login_by_email(client):
    response = login(client, "school1.teacher@demo.example.ru")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_wrong_password_shows_an_error_and_logs_nobody_in(client):
    response = login(client, "school1.teacher", "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_the_sixth_rapid_attempt_is_throttled(client):
    for _ in range(5):
        response = login(client, "school1.teacher", "wrong")
        assert response.status_code == 200
        assert "Слишком много" not in response.content.decode()
    # The sixth attempt is refused even with the right password while the limit holds.
    response = login(client, "school1.teacher")
    assert "_auth_user_id" not in client.session
    assert "Слишком много неудачных попыток" in response.content.decode()


def test_throttling_is_counted_in_the_shared_cache(settings):
    """A per-process cache would let each worker count its own attempts."""
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:
        assert backend == "django.core.cache.backends.db.DatabaseCache"


def test_nobody_signs_up_by_themselves(client):
    response = client.post(reverse("account_signup"), {
        "username": "newcomer", "password1": "A-long-pass-2026", "password2": "A-long-pass-2026",
    })
    assert not User.objects.filter(username="newcomer").exists()
    assert response.status_code in (200, 403)


def test_logout(client):
    login(client, "school1.teacher")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(client):
    response = client.post(reverse("account_reset_password"),
                           {"email": "school1.parent@demo.example.ru"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "school1.parent" in mail.outbox[0].body or mail.outbox[0].to == [
        "school1.parent@demo.example.ru"]


def test_an_issued_login_must_change_its_password_first(client, demo_user):
    user = demo_user("school1.parent")
    user.must_change_password = True
    user.save()
    login(client, "school1.parent")
    response = client.get("/family/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")
    response = client.post(reverse("account_change_password"), {
        "oldpassword": DEMO_PASSWORD,
        "password1": "Новый-пароль-2026",
        "password2": "Новый-пароль-2026",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/family/").status_code == 200


def test_admin_login_uses_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("username", [u for u, _ in DEMO_ACCOUNTS])
def test_every_demo_account_logs_in_and_reaches_its_start_page(client, username):
    response = login(client, username)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, "the start page always redirects by role"
    assert response.redirect_chain[-1][0] in ("/dashboard/", "/family/") or \
        response.redirect_chain[-1][0].startswith("/pupils/")
