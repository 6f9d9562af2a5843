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
