"""The one upload path (portal/uploads.py): what each kind of file must be to be
accepted, how stored names are made, and two walks that fail when a new model or
field skips the mechanism: every file field of a project app is a
``PrivateFileField``, and every private file field's files are served with the safe
headers. Wagtail's own documents and images are checked by their serving."""

import importlib
import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import factory
import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP
from wagtail.documents.models import Document
from wagtail.images.fields import WagtailImageField

from journal.models import HomeworkFile
from portal.uploads import (
    ALL_KINDS,
    KINDS,
    PrivateFileField,
    detect,
    download_name,
    private_file_fields,
    stored_name,
)
from portal.urls import media_urlpatterns
from records.factories import JPEG, PDF, PNG, InstitutionDocumentFactory
from tests.journal.test_grid_saves import teachers_lessons

pytestmark = pytest.mark.django_db

OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def ooxml(main_part, content_type):
    """The smallest Office Open XML package: a manifest naming its main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>'))
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def odf(mimetype, stored=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype,
                         compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", "<office:document-content/>",
                         compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def xlsx():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


SAMPLES = {
    "pdf": PDF,
    "jpeg": JPEG,
    "png": PNG,
    "docx": ooxml("word/document.xml", OOXML + "wordprocessingml.document.main+xml"),
    "xlsx": xlsx(),
    "pptx": ooxml("ppt/presentation.xml",
                  OOXML + "presentationml.presentation.main+xml"),
    "odt": odf(ODF + "text"),
    "ods": odf(ODF + "spreadsheet"),
    "odp": odf(ODF + "presentation"),
}
EVERY_KIND = [kind.name for kind in ALL_KINDS]


def upload(content, name="file"):
    return SimpleUploadedFile(name, content)


# What each kind must be -------------------------------------------------------------


def test_there_is_a_sample_of_every_kind():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("name", EVERY_KIND)
def test_each_kind_is_recognised_by_its_content_whatever_its_name(name):
    assert detect(upload(SAMPLES[name], "poly.html"), EVERY_KIND) == KINDS[name]


@pytest.mark.parametrize("content", [
    pytest.param(b"%PDF-1.4\n" + SCRIPT + b"\n%%EOF\n", id="pdf-header-before-a-page"),
    pytest.param(PDF[:len(PDF) // 2], id="pdf-cut-in-half"),
    pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
                 id="svg"),
    pytest.param(SCRIPT, id="html"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + SCRIPT, id="png-header-before-a-page"),
    pytest.param(PNG[:40], id="png-cut-short"),
    pytest.param(b"\xff\xd8\xff\xe0" + SCRIPT, id="jpeg-header-before-a-page"),
    pytest.param(ooxml("word/document.xml",
                       "application/vnd.ms-word.document.macroEnabled.main+xml"),
                 id="docm-with-macros"),
    pytest.param(ooxml("word/other.xml", OOXML + "wordprocessingml.document.main+xml")
                 .replace(b"word/other.xml", b"word/gone.xml", 1), id="docx-without-main-part"),
    pytest.param(odf(ODF + "text", stored=False), id="odt-with-compressed-mimetype"),
    pytest.param(odf("text/html"), id="odf-claiming-html"),
    pytest.param(b"PK\x03\x04" + SCRIPT, id="broken-zip"),
    pytest.param(b"", id="empty"),
])
def test_anything_else_is_refused(content):
    assert detect(upload(content), EVERY_KIND) is None


@translation.override("en")
def test_a_field_takes_only_its_own_kinds_and_its_size():
    scans = PrivateFileField(kinds=("pdf",), max_size=len(PDF))
    assert scans.accept(upload(PDF)) == KINDS["pdf"]
    with pytest.raises(ValidationError, match="Only PDF files"):
        scans.accept(upload(PNG))
    with pytest.raises(ValidationError, match="too large"):
        scans.accept(upload(PDF + b" "))


def test_a_field_refuses_unknown_kinds_and_a_storage_of_its_own():
    with pytest.raises(ValueError):
        PrivateFileField(kinds=("html",))
    with pytest.raises(TypeError):
        PrivateFileField(storage="default")


@pytest.mark.parametrize("original, kind, expected", [
    ("poly.html", "pdf", "poly.pdf"),
    ("photo.svg", "png", "photo.png"),
    ("Отчёт за 2026 г.final.docx", "docx", "Отчёт_за_2026_г_final.docx"),
    ("../../.htaccess", "png", "htaccess.png"),
    ("C:\\Users\\Мария\\скан.JPG", "jpeg", "скан.jpg"),
    ("<script>.html", "pdf", "script.pdf"),
    ("...", "pdf", "file.pdf"),
])
def test_the_stored_name_is_random_and_ends_in_the_kind(original, kind, expected):
    name = stored_name(original, KINDS[kind])
    folder, base = name.split("/")
    assert len(folder) == 16 and base == expected
    assert stored_name(original, KINDS[kind]) != name


# Walk 1: every file field of the project is a private file field ----------------------


def project_models():
    for config in apps.get_app_configs():
        if Path(config.path).parent == Path(settings.BASE_DIR):
            yield from config.get_models()


def test_every_file_field_of_the_project_is_a_private_file_field():
    seen, unsafe = [], []
    for model in project_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                seen.append(f"{model._meta.label}.{field.name}")
                if not isinstance(field, PrivateFileField):
                    unsafe.append(f"{model._meta.label}.{field.name}")
    assert not unsafe, f"File fields outside portal/uploads.py: {unsafe}"
    # The walk sees the fields it is about (a walk over nothing proves nothing).
    assert {"records.PupilFile.file", "records.Consent.scan", "records.Institution.charter",
            "journal.HomeworkFile.file", "courses.CourseMaterial.file"} <= set(seen)


# Walk 2: every private file is served with the safe headers ---------------------------


def factory_for(model):
    """The project's factory of ``model`` (tests and the seeder share them)."""
    for config in apps.get_app_configs():
        if Path(config.path).parent != Path(settings.BASE_DIR):
            continue
        try:
            module = importlib.import_module(f"{config.name}.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory)
                    and value._meta.model is model):
                return value
    return None


def assert_safe_headers(response, kind, name):
    assert response.status_code == 200
    assert response["Content-Type"] == kind.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    disposition = "inline" if kind.inline else "attachment"
    assert response["Content-Disposition"] == f"{disposition}; filename*=utf-8''{quote(name)}"


@pytest.mark.parametrize("model, field", [
    pytest.param(model, field, id=f"{model._meta.label}.{field.name}")
    for model, field in private_file_fields()
])
def test_every_private_file_is_served_with_the_safe_headers(client_for, model, field):
    make = factory_for(model)
    assert make is not None, f"{model._meta.label} has no factory: add one for this test"
    row = make()
    client = client_for("admin")
    for name in field.kinds:
        getattr(row, field.name).save(f"Файл {name}.html", ContentFile(SAMPLES[name]))
        stored = getattr(row, field.name)
        assert stored.name.endswith(f".{KINDS[name].extension}")
        response = client.get(stored.url)
        assert_safe_headers(response, KINDS[name], download_name(stored.name))
        assert b"".join(response.streaming_content) == SAMPLES[name]


def test_the_site_wide_csp_leaves_the_sandbox_of_a_file(client_for):
    url = InstitutionDocumentFactory().scan.url
    middleware = [*settings.MIDDLEWARE, "django.middleware.csp.ContentSecurityPolicyMiddleware"]
    with override_settings(MIDDLEWARE=middleware,
                           SECURE_CSP={"default-src": [CSP.SELF],
                                       "script-src": [CSP.SELF, CSP.NONCE]}):
        response = client_for("admin").get(url)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_stored_name_the_field_does_not_allow_is_a_download(client_for):
    """A file whose stored name does not end in a kind of its field (an old row, a
    file put in place by hand) is served as bytes to download, nothing else."""
    document = InstitutionDocumentFactory()
    storage = document.scan.storage
    name = storage.save("institutions/documents/old/poly.html", ContentFile(SCRIPT))
    type(document).objects.filter(pk=document.pk).update(scan=name)
    document.refresh_from_db()
    response = client_for("admin").get(document.scan.url)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="poly.html"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_office_document_is_homework_and_downloads_with_its_russian_name(client_for):
    lesson = teachers_lessons().filter(homework__isnull=True).first()
    client = client_for("school1.teacher")
    response = client.post(reverse("journal:lesson", args=[lesson.pk]), {
        "topic": lesson.topic, "expected_topic": lesson.topic, "text": "Лабораторная",
        "links": "", "version": 0,
        "files": SimpleUploadedFile("Лабораторная работа.docx", SAMPLES["docx"])})
    assert response.status_code == 302
    stored = HomeworkFile.objects.get(homework__lesson=lesson).file
    assert stored.name.endswith("/Лабораторная_работа.docx")
    response = client_for("school1.parent").get(stored.url)
    assert_safe_headers(response, KINDS["docx"], "Лабораторная_работа.docx")


def test_the_admin_form_says_what_it_takes(client_for):
    form = client_for("school1.secretary").get(reverse("records_consent:add")).context["form"]
    field = form.fields["scan"]
    assert field.widget.attrs["accept"] == ".pdf,application/pdf,.jpg,image/jpeg,.png,image/png"
    with translation.override("en"):
        assert str(field.help_text) == "PDF, JPEG, PNG, at most 10 MB."


# Wagtail's own documents and images ---------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("name, content, content_type, disposition", [
    ("заметки.txt", SCRIPT, "text/plain", "attachment"),
    ("таблица.csv", b"=1+1," + SCRIPT, "text/csv", "attachment"),
    ("приказ.pdf", SCRIPT, "application/pdf", "inline"),
])
def test_wagtail_documents_are_served_only_by_their_view_and_sandboxed(
        client, media, name, content, content_type, disposition):
    document = Document.objects.create(title="Документ", file=ContentFile(content, name=name))
    assert document.url == f"/documents/{document.pk}/{quote(document.filename)}"
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_wagtail_document_of_another_extension_is_refused(media):
    document = Document(title="Страница", file=ContentFile(SCRIPT, name="page.html"))
    with pytest.raises(ValidationError):
        document.full_clean()


def test_the_development_server_serves_only_images_from_media():
    with override_settings(DEBUG=True):
        patterns = media_urlpatterns()

    def served(path):
        return any(pattern.resolve(path) for pattern in patterns)

    assert served("media/images/photo.max-165x165.png")
    assert served("media/original_images/photo.png")
    assert not served("media/documents/page.html")
    assert not served("media/../private/records/files/a.pdf")


@pytest.mark.parametrize("name, content", [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
    ("logo.png", JPEG),
])
def test_a_wagtail_image_must_be_a_raster_image_of_its_extension(name, content):
    with pytest.raises(ValidationError):
        WagtailImageField().clean(SimpleUploadedFile(name, content))
