"""Requests are counted per key (django-ratelimit, in the shared cache): past
``API_RATE_LIMIT`` the key gets 429 with a Russian message and Retry-After, whatever the
address; another key of the same user, and another user, are counted apart."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_key_past_its_limit_gets_429_in_russian(key_for, api_client, settings):
    settings.API_RATE_LIMIT = "5/m"
    first, second = key_for("school1.parent"), key_for("school1.parent")
    other = key_for("school2.parent")
    client = api_client(first)
    for _ in range(5):
        assert client.get("/api/v1/me").status_code == 200
    refused = client.get("/api/v1/me")
    assert refused.status_code == 429
    assert "Слишком много запросов" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Every endpoint of the key is refused; from another address too.
    assert client.get("/api/v1/pupils", REMOTE_ADDR="10.1.2.3").status_code == 429
    assert client.get("/api/v1/announcements").status_code == 429
    # Counted per key: the user's other key and another user's are not limited.
    assert api_client(second).get("/api/v1/me").status_code == 200
    assert api_client(other).get("/api/v1/me").status_code == 200


def test_requests_without_a_valid_key_are_not_counted_against_a_key(key_for, api_client,
                                                                     settings):
    settings.API_RATE_LIMIT = "3/m"
    key = key_for("school1.parent")
    for _ in range(10):
        assert api_client("wagtail_nothing").get("/api/v1/me").status_code == 401
    for _ in range(3):
        assert api_client(key).get("/api/v1/me").status_code == 200
    assert api_client(key).get("/api/v1/me").status_code == 429
