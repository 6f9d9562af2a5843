"""Issue 10, item 2 (R-NF-3): a Content Security Policy on every page. Scripts run only
from the portal's static files, or inline with the request's nonce; no template may
hold an inline script without it, an inline event handler (``onclick=``…), a
``javascript:`` URL or a style attribute, since the policy refuses all of them. The
browser side (nothing refused while the grids, the admin and the page editor are
used) is tests/browser/test_csp.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils.csp import CSP

from records.models import User
from tests.portal.test_no_leaks import every_url

pytestmark = pytest.mark.django_db

# A start tag of <script> and its attributes, and the attributes of any start tag.
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
DATA_BLOCK = re.compile(r"""\stype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)


def refused_markup(html, nonce_pattern):
    """What in this markup the policy would refuse. ``nonce_pattern`` is what an
    inline script's nonce attribute must be: the response's nonce in a rendered page,
    the ``{% csp_nonce_attr %}`` tag in a template."""
    found = []
    for match in SCRIPT.finditer(html):
        attributes = match.group(1)
        if re.search(r"\ssrc\s*=", attributes) or DATA_BLOCK.search(attributes):
            continue
        if not re.search(nonce_pattern, attributes):
            found.append(f"inline script without the nonce: {match.group(0)}")
    for tag in TAG.findall(html):
        for name, rule in (("event handler", EVENT_HANDLER), ("javascript: URL", JAVASCRIPT_URL),
                           ("style attribute", STYLE_ATTRIBUTE)):
            if rule.search(tag):
                found.append(f"{name}: {tag[:120]}")
    return found


def project_templates():
    """Every template file of the project: templates/ and any app's templates/."""
    root = Path(settings.BASE_DIR)
    folders = [root / "templates", *root.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*.html")
                  if ".venv" not in path.parts)


def test_the_checks_catch_what_the_policy_refuses():
    # So that the walk below cannot pass by matching nothing.
    tag = "{% csp_nonce_attr %}"
    assert refused_markup('<button onclick="go()">', tag)
    assert refused_markup("<a href='javascript:go()'>", tag)
    assert refused_markup('<div style="color:red">', tag)
    assert refused_markup("<script>go()</script>", tag)
    assert not refused_markup(f"<script {tag}>go()</script>", tag)
    assert not refused_markup('<script src="/static/a.js"></script><p class="on">', tag)
    assert not refused_markup('<script type="application/json" id="d">{}</script>', tag)


def test_no_template_holds_markup_that_the_policy_refuses():
    templates = project_templates()
    assert len(templates) > 40
    found = [f"{path.relative_to(settings.BASE_DIR)}: {problem}" for path in templates
             for problem in refused_markup(path.read_text(), r"\{%\s*csp_nonce_attr\s*%\}")]
    assert not found, "\n".join(found)


def policy_of(response):
    return dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in response[CSP.HEADER_ENFORCE].split("; ")
    )


def test_the_policy_is_strict():
    policy = settings.SECURE_CSP
    assert policy["default-src"] == [CSP.SELF]
    assert policy["object-src"] == [CSP.NONE]
    assert policy["base-uri"] == [CSP.SELF]
    assert policy["form-action"] == [CSP.SELF]
    # frame-ancestors says what X-Frame-Options says.
    assert settings.X_FRAME_OPTIONS == "DENY" and policy["frame-ancestors"] == [CSP.NONE]
    for config in (settings.SECURE_CSP, settings.ADMIN_CSP):
        assert set(config["script-src"]) == {CSP.SELF, CSP.NONCE, CSP.REPORT_SAMPLE}
        assert CSP.UNSAFE_INLINE not in config["style-src"]
    # The admin's one allowance: <style> elements (Draftail's), not style attributes.
    assert {**settings.ADMIN_CSP, "style-src-elem": None} == {
        **settings.SECURE_CSP, "style-src-elem": None}


# Headers do not depend on the database: the crawl runs on SQLite only.
@pytest.mark.slow_once
@pytest.mark.parametrize("username", [None, "admin", "school1.teacher", "school1.parent"])
def test_every_page_of_the_crawl_carries_the_policy(username):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    failures = []
    for url in every_url():
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if CSP.HEADER_ENFORCE not in response:
            failures.append(f"{url}: no policy")
            continue
        policy = policy_of(response)
        scripts = policy["script-src"].split()
        if "'self'" not in scripts or {"'unsafe-inline'", "'unsafe-eval'"} & set(scripts):
            failures.append(f"{url}: script-src {policy['script-src']}")
        nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
        nonce_attribute = rf'\snonce="{re.escape(nonce.group(1))}"' if nonce else r"(?!)"
        html = response.content.decode()
        failures += [f"{url}: {problem}" for problem in refused_markup(html, nonce_attribute)]
    assert not failures, "\n".join(failures)


def test_the_admin_allows_style_elements_and_the_portal_does_not(client_for):
    client = client_for("school1.admin")
    assert "style-src-elem 'self' 'unsafe-inline'" in client.get("/admin/")[CSP.HEADER_ENFORCE]
    assert "style-src-elem" not in client.get("/dashboard/")[CSP.HEADER_ENFORCE]


@override_settings(ROOT_URLCONF="tests.portal.own_headers_urls")
def test_a_view_keeps_the_policy_it_set_on_purpose(client_for):
    client = client_for("school1.teacher")
    # A private file's sandbox, and a policy of Django's csp_override, stay as they are.
    assert client.get("/sandboxed/")[CSP.HEADER_ENFORCE] == "sandbox"
    assert client.get("/overridden/")[CSP.HEADER_ENFORCE] == "default-src 'none'"
    # A view that allows framing by the portal itself gets frame-ancestors 'self'.
    framed = client.get("/framed/")
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert policy_of(framed)["frame-ancestors"] == "'self'"
    assert policy_of(client.get("/cached/"))["frame-ancestors"] == "'none'"
