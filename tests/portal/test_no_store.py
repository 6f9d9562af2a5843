"""Issue 10, item 3 (R-PD-5): no browser or proxy keeps a copy of a personal page.
Every response to a signed-in user says ``Cache-Control: private, no-store`` — pages,
errors, redirects and file downloads alike — unless its view set Cache-Control itself
(portal.middleware.PrivateResponseMiddleware). The walk below requests every URL
pattern the project registers (the portal's, allauth's, Wagtail's admin and pages), so
a new URL that answers without the header fails here."""

import itertools
import uuid

import pytest
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize
from wagtail.models import Page

from curriculum.models import SchoolClass, Subject
from records.models import Institution, Pupil, User
from tests.portal.test_no_leaks import every_url

pytestmark = pytest.mark.django_db


def url_patterns(patterns=None, prefix=""):
    """(full regex, pattern) for every URL pattern, nested includes followed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, regex)
        else:
            yield regex, pattern


def real_ids():
    """Ids of the demo city for the parameters whose name says what they are; any
    other parameter gets a generic value (most such URLs answer 404, which must carry
    the header too)."""
    school = Institution.objects.get(short_name="СОШ № 1")
    school_class = SchoolClass.objects.filter(institution=school).first()
    home = Page.objects.get(depth=2)
    return {
        "pupil_pk": Pupil.objects.filter(school_class=school_class).first().pk,
        "class_pk": school_class.pk,
        "subject_pk": Subject.objects.filter(institution=school).first().pk,
        "institution_pk": school.pk,
        "page_id": home.pk,
        "page_pk": home.pk,
        "parent_page_id": home.pk,
    }


# Tried in turn until the path resolves; "" for Wagtail's page paths (the home page).
GENERIC = ["1", "x", "class", "a-b", "x.pdf", str(uuid.UUID(int=1)), ""]


def path_for(regex, pattern, ids):
    """A path that the resolver sends to this pattern, or None if no value fits."""
    found = None
    for template, params in normalize(regex):
        choices = [([str(ids[name])] if name in ids else []) + GENERIC for name in params]
        for values in itertools.product(*choices):
            path = "/" + template % dict(zip(params, values, strict=True))
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.func is pattern.callback:
                return path
            found = found or path  # shadowed by an earlier pattern: still a URL
    return found


def every_pattern_path():
    ids = real_ids()
    paths, unbuildable = [], []
    for regex, pattern in url_patterns():
        path = path_for(regex, pattern, ids)
        if path is None:
            unbuildable.append(regex)
        else:
            paths.append(path)
    assert not unbuildable, f"add a value for these patterns to GENERIC: {unbuildable}"
    return sorted(set(paths))


def missing_no_store(client, user, paths):
    client.force_login(user)
    failures = []
    for path in paths:
        response = client.get(path)
        cache_control = response.get("Cache-Control", "")
        if "no-store" not in cache_control or "private" not in cache_control:
            failures.append(f"{user.username} {path} {response.status_code}: {cache_control!r}")
        elif "Cookie" not in response.get("Vary", ""):
            failures.append(f"{user.username} {path}: no Vary: Cookie")
        if "_auth_user_id" not in client.session:  # a URL that signs out (none so far)
            client.force_login(user)
    return failures


# Headers do not depend on the database: the crawls run on SQLite only.
@pytest.mark.slow_once
def test_every_url_pattern_answers_a_signed_in_user_with_no_store():
    paths = every_pattern_path()
    assert len(paths) > 500  # the walk reaches Wagtail's admin too
    # Errors are answered as a user would get them, and must carry the header too.
    client = Client(raise_request_exception=False)
    failures = []
    for username in ("admin", "school1.parent"):
        failures += missing_no_store(client, User.objects.get(username=username), paths)
    assert not failures, "\n".join(failures)


@pytest.mark.slow_once
@pytest.mark.parametrize("username", ["school1.admin", "school1.parent"])
def test_every_page_of_the_crawl_is_private_and_not_stored(username):
    """The crawl of test_no_leaks with the real ids of the demo city: the pages as they
    show personal data, not only their 404s."""
    failures = missing_no_store(Client(), User.objects.get(username=username), every_url())
    assert not failures, "\n".join(failures)


def test_a_visitor_without_a_session_gets_the_public_page_without_no_store(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Cookie" in response["Vary"]


@override_settings(ROOT_URLCONF="tests.portal.own_headers_urls")
def test_a_view_that_sets_its_own_cache_control_keeps_it(client_for):
    client = client_for("school1.parent")
    assert client.get("/cached/")["Cache-Control"] == "max-age=60, private"
    assert client.get("/sandboxed/")["Cache-Control"] == "private, no-store"


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_are_not_touched(demo_user):
    client = Client()  # made after the override: its WhiteNoise finds the static files
    client.force_login(demo_user("school1.parent"))
    response = client.get("/static/portal/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
