"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against
pytest-django's live server, each test in a freshly restored demo city.

Why the database needs care here: the live server answers from another thread, so
these tests use a *transactional* database, and Django empties every table after each
transactional test. ``serialized_rollback=True`` (see ``pytestmark`` in the test
modules) restores what the migrations made (Wagtail's page tree with the portal's home
page, the default site, content types) before each test, and ``demo_city`` below
puts the seeded city back on top of it (on SQLite from a copy of the city the first test
found, which ``tests/conftest.py`` built for the session).

One trap on the way (see ``playwright`` below): Playwright's sync API marks its asyncio
loop as running in the main thread between calls, and Django keeps database connections
in an ``asgiref.local.Local(thread_critical=True)``, which then switches from thread-local
to context-variable storage. Left alone, the tests would get a second connection wrapper
in the main thread, one without the contents Django serialized for
``serialized_rollback``: nothing would be restored, and the second test would find no
home page (404 on "/").
"""

import io
import sqlite3
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from wagtail.models import Collection, Page

from tests.dates import TEST_CITY

CHROMIUM = "/usr/bin/chromium"


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time.

    On SQLite the test database lives in memory, and Django hands the live server's
    threads the test's own connection object: two requests at once (the grid saves each
    cell as it is typed) would share one connection and its transaction state, and one
    of them fails inside ``atomic`` ("pop from empty list"). Production has a connection
    per thread; here the requests queue. Connections stay threaded, so the browser's
    keep-alive connections never block each other."""

    lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.lock:
                response = application(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()
            return [body]

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeServer


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
def _django_connections(django_db_setup):
    """The main thread's database connections, taken before Playwright starts."""
    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(_django_connections, playwright):
    """Playwright, started after the database. While its loop counts as running, the
    main thread keeps the same connection objects (the ones the live server thread
    shares, too), and Django is told that its ORM may be called from this "async" context
    (`make test-browser` sets DJANGO_ALLOW_ASYNC_UNSAFE=true as well)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in _django_connections.items():
            connections[alias] = connection
        yield playwright


@pytest.fixture(scope="session")
def base_url(live_server):
    # Relative URLs in page.goto() go to the live server.
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The browser asks for Russian as the city's users do (the portal shows Russian
    # unless the user switches, whatever the browser asks for).
    return {**browser_context_args, "locale": "ru-RU"}


# Every page reports what its Content Security Policy refused (the browser fires
# `securitypolicyviolation` on the document for each refused script, style, image,
# frame, eval or form target) to the test, across navigations.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    page: document.location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: `${event.sourceFile}:${event.lineNumber}`,
    sample: event.sample,
  });
});
"""


@pytest.fixture
def csp_violations():
    """What the policy refused while the test ran (events and console errors)."""
    return []


@pytest.fixture
def context(context, live_server, csp_violations):
    """The browser reaches the live server and nothing else: Wagtail's admin would load
    avatars from gravatar.com, and a slow DNS answer would then hold up every "load".
    Every test here runs under the portal's Content Security Policy and fails if
    anything was refused by it, so a page that needs an inline script or style is
    found by the browser suite, not by a user."""
    context.route(lambda url: not url.startswith(live_server.url),
                  lambda route: route.abort("blockedbyclient"))
    context.expose_binding("reportCspViolation",
                           lambda source, violation: csp_violations.append(violation))
    context.add_init_script(REPORT_VIOLATIONS)

    def note_refusal(message):
        # Chromium also logs each refusal as an error, with the hash it would accept.
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append({"console": message.text,
                                   "page": message.location.get("url")})

    context.on("console", note_refusal)
    yield context
    assert csp_violations == [], "refused by the Content Security Policy"


@pytest.fixture(autouse=True)
def cookies_outlive_the_pinned_clock(settings):
    """The server runs on the suite's pinned day (tests/conftest.py), Chromium on the
    real one: a cookie the server dates "two weeks from now" may already have expired
    for the browser. Here they last long enough for any pinned day."""
    settings.SESSION_COOKIE_AGE = settings.CSRF_COOKIE_AGE = 20 * 365 * 24 * 3600


# The seeded city as the first browser test found it, copied page by page with SQLite's
# backup API: restoring it takes a fraction of a second where building it again after
# each test's flush took about 20 (35 tests: ten minutes of the suite). On another
# database the city is built again.
SNAPSHOT = {}


def restore_the_city():
    connection = connections["default"]
    if connection.vendor == "sqlite" and "city" in SNAPSHOT:
        SNAPSHOT["city"].backup(connection.connection)
        return
    call_command("seed_demo", *TEST_CITY, "--if-empty", verbosity=0, stdout=io.StringIO())
    # The first test finds the session's city under what serialized rollback loaded
    # back on top of it: the rows the migrations made, the home page and the root
    # collection with them, as they were then, with no children counted (treebeard's
    # ``numchild``). Their children are found by that count, so without this the city's
    # pages would all be 404 under a working home page (and on SQLite in every copy).
    Page.fix_tree()
    Collection.fix_tree()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        SNAPSHOT["city"] = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(SNAPSHOT["city"])


@pytest.fixture(autouse=True)
def demo_city(transactional_db, django_db_serialized_rollback, live_server):
    """Every browser test starts with the small demo city and no rate-limit counters.
    (Requesting the two database fixtures makes every test here transactional with
    serialized rollback, even one that forgets the ``django_db`` marker.)"""
    restore_the_city()
    cache.clear()
    yield
    cache.clear()
