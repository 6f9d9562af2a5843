"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against
pytest-django's live server, each test in a freshly restored demo city.

Why the database needs care here: the live server answers from another thread, so
these tests use a *transactional* database, and Django empties every table after each
transactional test. ``serialized_rollback=True`` (see ``pytestmark`` in the test
modules) restores what the migrations made (Wagtail's page tree with the portal's home
page, the default site, content types) before each test, and ``demo_city`` below
rebuilds the seeded city on top of it (``--if-empty`` keeps the first test on the city
that ``tests/conftest.py`` built for the session).
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Only the system Chromium: Playwright must never download a browser.
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    # Relative URLs in page.goto() go to the live server.
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The browser asks for Russian, the portal's default language, as the city's users
    # do: LocaleMiddleware follows Accept-Language, and Chromium would send en-US.
    return {**browser_context_args, "locale": "ru-RU"}


@pytest.fixture(autouse=True)
def demo_city(transactional_db, live_server):
    """Every browser test starts with the small demo city and no rate-limit counters."""
    call_command("seed_demo", "--size", "small", "--seed", "1", "--if-empty",
                 verbosity=0, stdout=io.StringIO())
    cache.clear()
    yield
    cache.clear()
