import pytest
from django.core.management import call_command

from records.models import User

DEMO_PASSWORD = "sgo-demo-2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test runs inside the small demo city, built once per session."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--size", "small", "--seed", "1", verbosity=0,
                     stdout=open("/dev/null", "w"))


@pytest.fixture
def demo_user(db):
    def get(username):
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(client, demo_user):
    """A test client logged in as one of the demo accounts."""

    def login(username):
        client.force_login(demo_user(username))
        return client

    return login


@pytest.fixture
def clear_rate_limits(db):
    """No rate-limit counters (they live in the cache) before or after the test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
