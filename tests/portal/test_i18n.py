"""Russian first, English switchable; the Russian catalogue has no gaps."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path):
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""\n"Project' not in block:
            yield "FUZZY", block
        ids = re.findall(r'^msgid "(.*)"', block, re.M)
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"(?:\n"(.*)")*', block, re.M)
        if ids and ids[0]:
            yield ids[0], strs


def test_the_russian_catalogue_is_complete():
    gaps = [msgid for msgid, strs in po_entries(LOCALE / "ru/LC_MESSAGES/django.po")
            if msgid == "FUZZY" or not strs or not all(any(part for part in s) for s in strs)]
    assert not gaps


def test_catalogues_are_compiled():
    for language in ("ru", "en"):
        po = LOCALE / language / "LC_MESSAGES/django.po"
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run make messages"


def test_russian_translations_are_used():
    with translation.override("ru"):
        assert translation.gettext("Access matrix") == "Матрица доступа"


@pytest.mark.django_db
def test_russian_is_the_default_and_english_is_switchable(client):
    page = client.get(reverse("account_login"))
    assert 'lang="ru"' in page.content.decode()
    assert "Войти" in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("account_login"))
    assert 'lang="en"' in page.content.decode()
    assert "Log in" in page.content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_russian_until_the_user_switches(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Войти" in page.content.decode()


ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "records", "curriculum", "schedule", "journal", "sgo_pages", "forum",
        "announcements", "portfolio"]
GETTEXT = {"_": 0, "gettext": 0, "gettext_lazy": 0, "ngettext": 0, "ngettext_lazy": 0,
           "pgettext": 1, "pgettext_lazy": 1}


def translated_literals():
    """(file, line, msgid) of every literal string the code passes to gettext."""
    import ast

    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in GETTEXT):
                    index = GETTEXT[node.func.id]
                    if len(node.args) > index and isinstance(node.args[index], ast.Constant):
                        context = node.args[0].value if index else None
                        yield path.relative_to(ROOT), node.lineno, context, node.args[index].value


def test_every_string_the_code_translates_is_in_the_compiled_russian_catalogue():
    """A string makemessages cannot see (e.g. a gettext call inside an f-string, which
    xgettext does not read) drops out of the catalogue at the next `make messages`, and
    Russian users get English: every literal given to gettext has a Russian entry."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("ru")._catalog
    missing = []
    for path, line, context, msgid in translated_literals():
        key = f"{context}\x04{msgid}" if context else msgid
        if key not in catalog and (key, 0) not in catalog:
            missing.append(f"{path}:{line} {msgid!r}")
    assert not missing
