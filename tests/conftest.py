import pytest
from django.core.management import call_command

from records.models import User
from tests.dates import DEMO, TEST_CITY, TODAY, clock_at

DEMO_PASSWORD = "sgo-demo-2026"


def pytest_configure(config):
    """The whole session runs on TODAY (tests/dates.py), from 10:00 on, the clock
    ticking (rate limits, sessions and caches see time pass as usual)."""
    config._sgo_clock = clock_at(TODAY)
    config._sgo_clock.start()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ is a ``browser`` test, marked or not: `make
    test-sqlite` and `make test-postgres` leave them to `make test-browser`, which sets
    up Chromium and the live server's environment (this hook runs before ``-m``
    deselects).

    A ``slow_once`` test runs on one database only: `make test` runs the suite on
    SQLite and on PostgreSQL, and a slow check that answers the same on both is paid
    for once. ``slow_once(database="postgresql")`` keeps one on the production
    database where a query could fail on it alone."""
    from django.db import connection

    vendor = connection.vendor
    for item in items:
        if "browser" in item.path.relative_to(config.rootpath).parts[:2]:
            item.add_marker(pytest.mark.browser)
        marker = item.get_closest_marker("slow_once")
        if marker is None:
            continue
        wanted = marker.kwargs.get("database", marker.args[0] if marker.args else "sqlite")
        if wanted != vendor:
            item.add_marker(pytest.mark.skip(
                reason=f"slow and database-independent: runs on {wanted} only"))


def pytest_unconfigure(config):
    if clock := getattr(config, "_sgo_clock", None):
        clock.stop()


def kept_city_is_of_today():
    """A city kept by ``--reuse-db`` serves when it was built as on TODAY: its year is
    TODAY's and its journal's registers end on the last school day up to TODAY."""
    from django.db.models import Max

    from curriculum.models import AcademicYear
    from schedule.models import Lesson

    if not AcademicYear.objects.filter(name=DEMO.name, is_current=True).exists():
        return False
    taken = Lesson.objects.filter(attendance_taken=True).aggregate(day=Max("date"))["day"]
    held = Lesson.objects.filter(is_cancelled=False, date__lte=TODAY).aggregate(
        day=Max("date"))["day"]
    return taken == held


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test runs inside the small demo city, built once per session (kept with
    ``--reuse-db``: a city already there is used as it is)."""
    with django_db_blocker.unblock():
        if kept_city_is_of_today():
            return
        # A kept city of another day (or none): built anew.
        call_command("seed_demo", *TEST_CITY, "--reset", verbosity=0,
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
