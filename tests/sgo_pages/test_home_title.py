"""The home page carries the portal's own name, never another product's trademark: the
data migration renames a page still titled «Сетевой Город. Образование» (its draft title
and latest revision too) and leaves a title an editor chose."""

import importlib

import pytest
from django.apps import apps

from sgo_pages.models import HomePage

pytestmark = pytest.mark.django_db

migration = importlib.import_module("sgo_pages.migrations.0003_rename_homepage")
OLD, NEW = migration.OLD_TITLE, migration.NEW_TITLE


def test_the_migrated_home_page_has_the_portals_name(client):
    home = HomePage.objects.get()
    assert home.title == NEW
    page = client.get("/").content.decode()
    assert NEW in page and OLD not in page


def test_an_old_title_and_its_revision_are_renamed():
    home = HomePage.objects.get()
    home.title = home.draft_title = OLD
    home.save()
    revision = home.save_revision()
    migration.rename_homepage(apps, None)
    home.refresh_from_db()
    revision.refresh_from_db()
    assert (home.title, home.draft_title) == (NEW, NEW)
    assert revision.content["title"] == NEW
    assert revision.object_str == NEW


def test_a_title_an_editor_chose_stays():
    home = HomePage.objects.get()
    home.title = home.draft_title = "Портал школ Якутска"
    home.save()
    migration.rename_homepage(apps, None)
    home.refresh_from_db()
    assert home.title == "Портал школ Якутска"


def test_the_tab_names_the_portal_once(client):
    page = client.get("/").content.decode()
    assert f"<title>{NEW}</title>" in page
    home = HomePage.objects.get()
    home.title = "Новости школ"
    home.save()
    assert f"<title>Новости школ · {NEW}</title>" in client.get("/").content.decode()
