"""Done-when of the admin's Russian: no English in the Russian UI. Every registered page
(the portal's and the admin's, one address per URL pattern) is rendered in Russian for
a few demo accounts; its visible text and the texts of its attributes a reader meets
(placeholder, title, aria-label, alt, button values, the sidebar's labels) must hold no
English message: nothing that is a msgid of our catalogue, Django's, Wagtail's,
allauth's, django-filter's or django-tables2's whose Russian differs, nor Python's
True/False/None. Logins, e-mails, file names and codes (Latin next to digits, dots, @,
slashes or underscores) are allowed."""

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from wagtail.admin.viewsets import viewsets

from portal.viewsets import ScopedModelViewSet
from records.models import User

from .test_no_leaks import every_url

pytestmark = pytest.mark.django_db

SITE_PACKAGES = Path(__import__("django").__file__).parents[1]
CATALOGUES = [
    Path(settings.BASE_DIR) / "locale",
    *(SITE_PACKAGES / package for package in (
        "django", "wagtail", "allauth", "django_filters", "django_tables2")),
]


def po_messages(path):
    """{msgid: Russian (or empty)} of a .po file; a plural's msgid_plural too."""
    messages, entry, key = {}, {}, None

    def flush():
        msgstr = entry.get("msgstr[0]", entry.get("msgstr", ""))
        for name in ("msgid", "msgid_plural"):
            if entry.get(name):
                messages[entry[name]] = msgstr
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key = match.group(1)
            if key in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
                flush()
            entry[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    flush()
    return messages


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}|\{\w*\}|<[^>]+>")
# A stretch of Latin words; Latin touching digits, @, slashes, underscores or a dot
# inside a word (school1.secretary, plan_2026.xlsx, journal.add_mark) is a code.
LATIN_RUN = re.compile(r"(?<![\w.@/\\%-])[A-Za-z][A-Za-z']*(?:[ ,:;!?()-]+[A-Za-z][A-Za-z']*)*"
                       r"(?![\w@/\\-]|\.\w)")


def english_messages():
    """The English texts that must not show in the Russian UI: every msgid (or each
    Latin stretch of it between placeholders) whose Russian translation is missing or
    differs."""
    russian, english = {}, set()
    for root in CATALOGUES:
        for path in root.rglob("LC_MESSAGES/*.po"):
            language = path.parts[-3]
            if language == "ru":
                russian.update(po_messages(path))
            if language in ("ru", "en"):
                english.update(po_messages(path))
    found = set()
    for msgid in english:
        translation = russian.get(msgid, "")
        if translation == msgid:
            continue  # the same in Russian: a code, a format, a product name
        for part in PLACEHOLDER.split(msgid):
            for run in LATIN_RUN.findall(part):
                run = run.strip(" ,:;!?()-")
                # Two letters or fewer say nothing ("a", "ID"); what the translation
                # keeps is a name («aSc Timetables XML»).
                if len(run) > 2 and run not in translation:
                    found.add(run)
    # Python's values, and the name of another product («Wagtail v8.0.1»).
    return found | {"True", "False", "None", "Wagtail"}


class VisibleText(HTMLParser):
    """The text a reader sees on a page and in the attributes they meet. Hidden
    elements, scripts, styles and key names (<kbd>Ctrl + Alt</kbd>) are not read."""

    ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
    UNREAD = {"script", "style", "kbd"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.texts, self.stack, self.json = [], [], False

    def unread(self):
        return any(unread for _tag, unread in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.json = tag == "script" and attrs.get("type") == "application/json"
        if tag not in self.VOID:
            self.stack.append((tag, tag in self.UNREAD or "hidden" in attrs))
        if self.unread() or "hidden" in attrs:
            return
        for name in self.ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _unread in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass
        self.json = False

    def handle_data(self, data):
        if self.json:
            # The sidebar's menu comes as JSON: its labels are shown.
            self.texts += labels_in(json.loads(data)) if data.strip() else []
        elif not self.unread():
            self.texts.append(data)


def labels_in(value):
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "label" and isinstance(v, str)] + [
            label for v in value.values() for label in labels_in(v)]
    if isinstance(value, list):
        return [label for v in value for label in labels_in(v)]
    return []


# A language's own name in the language chooser is right in any language.
NATIVE_NAMES = {"English"}


def english_on(html, english):
    parser = VisibleText()
    parser.feed(html)
    leaks = set()
    for text in parser.texts:
        for run in LATIN_RUN.findall(" ".join(text.split())):
            words = run.strip(" ,:;!?()-")
            if words in english:
                leaks.add(words)
            # A longer stretch that holds a message: "Sign in to Wagtail" in "… - Wagtail".
            for size in range(len(words.split()), 1, -1):
                parts = words.split()
                for start in range(len(parts) - size + 1):
                    piece = " ".join(parts[start:start + size]).strip(" ,:;!?()-")
                    if piece in english and len(piece.split()) > 1:
                        leaks.add(piece)
    return leaks - NATIVE_NAMES


def routes(patterns=None, prefix=""):
    """The paths of every registered URL pattern that takes no arguments."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + (prefix + route).lstrip("^").rstrip("$").replace("^", "")


# Addresses that do something rather than show a page, or that are not HTML; and two
# screens of Wagtail's for superusers that the portal does not use (its access is its
# own matrix): groups, whose permissions Django names in English in the database, and
# workflows, whose form labels its page field by its Python name ("Page"); and two of
# Wagtail's page reports: site history (superusers only), which words a scheduled
# publication in English, and aging pages, which shows "None" for pages the demo
# published without a user.
SKIPPED = re.compile(r"logout|/i18n/|setlang|\.xlsx|\.csv|jsi18n|javascript|sprite|"
                     r"favicon|/documents/|/api/|export=|robots|sitemap|/login/$|preview|"
                     r"/media/|/static/|failwhale|/admin/groups/|/admin/workflows/|"
                     r"/admin/reports/site-history/|/admin/reports/aging-pages/")


def sample_urls():
    """One address per URL pattern: the demo pages of tests/portal/test_no_leaks.py, one
    row of every admin viewset, and every pattern that takes no arguments."""
    urls = list(every_url())
    reverse("wagtailadmin_home")
    for viewset in viewsets.viewsets:
        if not isinstance(viewset, ScopedModelViewSet):
            continue
        urls.append(reverse(viewset.get_url_name("index")))
        urls.append(reverse(viewset.get_url_name("add")))
        row = viewset.model._default_manager.order_by("pk").first()
        if row is not None:
            for name in ("edit", "inspect", "history", "delete"):
                urls.append(reverse(viewset.get_url_name(name), args=[row.pk]))
    urls += list(routes())
    seen, sampled = set(), []
    for url in urls:
        if SKIPPED.search(url):
            continue
        try:
            match = resolve(url.split("?")[0])
        except Resolver404:
            continue
        key = (match.route, url.partition("?")[2].split("=")[0])
        if key not in seen:
            seen.add(key)
            sampled.append(url)
    return sampled


@pytest.mark.slow_once
def test_no_english_in_the_russian_ui(client):
    english = english_messages()
    urls = sample_urls()
    assert len(urls) > 100
    leaks = []
    client.raise_request_exception = False  # a failing page is test_no_leaks.py's concern
    for username in ("admin", "school1.secretary", "school1.teacher", "school1.parent"):
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
            if response.status_code != 200 or "text/html" not in response.get(
                    "Content-Type", "") or getattr(response, "streaming", False):
                continue
            found = english_on(response.content.decode(), english)
            if found:
                leaks.append(f"{username} {url}: {sorted(found)}")
    assert not leaks, "\n".join(leaks)


def test_the_check_finds_english_and_lets_codes_pass():
    english = english_messages()
    assert english_on("<p>- Select an option -</p>", english) == {"Select an option"}
    assert english_on('<td title="True"></td><td>False</td>', english) == {"True", "False"}
    assert english_on('<input placeholder="Search">', english) == {"Search"}
    assert english_on('<input type="submit" value="Save">', english) == {"Save"}
    assert english_on("<title>Ученики - Wagtail</title><h1>Sign in to Wagtail</h1>",
                      english) >= {"Sign in to Wagtail"}
    allowed = ("<p>school1.secretary, ivanov@example.ru, plan_2026.xlsx, "
               "journal.add_mark, sgo-demo-2026, Сохранить</p>")
    assert english_on(allowed, english) == set()
