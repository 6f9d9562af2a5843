"""The admin looks and speaks like the portal: its name, logo, colours and a way back,
no other product's name, Russian where Wagtail and Django left English."""

import re
import xml.dom.minidom
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from curriculum.models import Period, PeriodType
from portal.branding import portal_name

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "portal" / "static" / "portal"


def test_the_admin_carries_the_portals_name_logo_and_way_back(client_for):
    html = client_for("school1.secretary").get(reverse("wagtailadmin_home")).content.decode()
    assert f"- {portal_name()}</title>" in html
    assert "Wagtail</title>" not in html
    assert "portal/logo.svg" in html and "portal/favicon.svg" in html
    assert f'href="{reverse("start")}"' in html
    assert "На портал" in html
    # Neither the editor guide of wagtail.org, nor Wagtail's version under the settings
    # menu, nor a search of pages one cannot edit.
    assert "wagtail.org" not in html and "Wagtail v" not in html
    assert "Искать на всех страницах" not in html


def test_the_admins_colours_are_the_portals():
    css = (STATIC / "admin.css").read_text(encoding="utf-8")
    for prop in ("--w-color-primary-hue", "--w-color-secondary-hue",
                 "--w-color-secondary-lightness"):
        assert prop in css


def test_the_logo_is_well_formed_svg():
    for name in ("logo.svg", "favicon.svg"):
        document = xml.dom.minidom.parse(str(STATIC / name))
        assert document.documentElement.tagName == "svg"


def test_the_demo_runs_without_django_debug_pages():
    from portal.settings import demo

    assert demo.DEBUG is False
    assert "portal.settings.demo" in (Path(settings.BASE_DIR) / "Makefile").read_text()


def test_an_unknown_address_shows_the_portals_404(client_for):
    response = client_for("school1.teacher").get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_selects_offer_a_russian_empty_choice(client_for):
    html = client_for("school1.secretary").get(reverse("records_pupil:add")).content.decode()
    assert "— выберите —" in html
    assert "Select an option" not in html


def test_yes_no_fields_read_as_words_or_icons(client_for):
    client = client_for("admin")
    listing = client.get(reverse("records_directoryentry:index")).content.decode()
    assert not re.search(r">\s*(True|False)\s*<", listing)
    assert "icon-check" in listing
    assert re.search(r"w-sr-only\">\s*да\s*<", listing)


def test_the_access_matrix_names_permissions_not_codes(client_for):
    html = client_for("school1.admin").get(reverse("access_matrix")).content.decode()
    assert "Закрытие и открытие учебных периодов" in html
    assert "Просмотр: обучающийся" in html
    assert "<code>" not in html
    assert ">journal.close_period<" not in html


@pytest.mark.parametrize(("count", "number", "label"), [
    (4, 2, "2 четверть"), (2, 1, "1 полугодие"), (3, 3, "3 триместр"), (6, 5, "5 период"),
])
def test_a_period_reads_as_its_number_and_kind(count, number, label):
    kind = PeriodType(name="периоды", periods_count=count)
    with translation.override("ru"):
        assert kind.period_label(number) == label
        period = Period(period_type=kind, number=number, starts_on=date(2026, 11, 5),
                        ends_on=date(2027, 1, 10))
        assert str(period) == f"{label} (05.11–10.01)"


def test_a_period_type_may_name_its_period():
    kind = PeriodType(name="модули", periods_count=6, period_name="модуль")
    assert kind.period_label(2) == "2 модуль"
