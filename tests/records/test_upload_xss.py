"""Issue 10, item 1: stored XSS through uploads. A teacher or a secretary uploads
``poly.html`` that starts with ``%PDF-1.4``, or an SVG or HTML page named ``.png``;
the portal used to keep the name and serve it as ``text/html`` inline on its own
origin, so its script ran in every family's session. Now a file is what its content
is: refused, or stored under the extension of its real kind and served as that kind,
sandboxed, never as HTML. Paths: the admin form of a pupil's card (attached files),
the admin form of a consent (scan), the grid's lesson page (homework files), and the
journal's write action itself (no form)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal import cells
from journal.models import Homework, HomeworkFile
from records.factories import PDF, PNG
from records.models import Consent, PupilFile, User
from tests.journal.test_grid_saves import teachers_lessons
from tests.records.test_attached_files import attach, consenting_pupil
from tests.records.test_consent import pupil_without_consent

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><body><script>fetch('/family/').then(r => r.text())</script></body></html>"
# Only a PDF header in front of a page: what the outside test uploaded.
POLY_HEADER = b"%PDF-1.4\n" + SCRIPT + b"\n%%EOF\n"
# A real PDF with a page appended: a true polyglot, a valid PDF to pypdf.
POLY_PDF = PDF + SCRIPT
SVG_AS_PNG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)">'
              b"<script>alert(1)</script></svg>")
HTML_AS_PNG = b"\x89PNG\r\n\x1a\n" + SCRIPT


def assert_served_safely(response, content_type):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "html" not in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert response["Cache-Control"] == "private, no-store"


def test_a_pdf_header_before_a_page_is_refused_on_a_pupil_card(client_for, demo_user):
    pupil = consenting_pupil(demo_user)
    response = attach(client_for("school1.secretary"), pupil, content=POLY_HEADER,
                      name="poly.html")
    assert response.status_code == 200
    assert not PupilFile.objects.filter(record=pupil).exists()


def test_a_real_pdf_with_a_page_inside_is_kept_as_a_pdf_on_a_pupil_card(client_for,
                                                                         demo_user):
    pupil = consenting_pupil(demo_user)
    response = attach(client_for("school1.secretary"), pupil, content=POLY_PDF,
                      name="poly.html")
    assert response.status_code == 302
    stored = PupilFile.objects.get(record=pupil).file
    assert stored.name.endswith("/poly.pdf")
    response = client_for("school1.classteacher").get(stored.url)
    assert_served_safely(response, "application/pdf")


@pytest.mark.parametrize("content", [SVG_AS_PNG, HTML_AS_PNG], ids=["svg", "html"])
def test_a_page_named_png_is_refused_as_a_consent_scan(client_for, content):
    pupil = pupil_without_consent()
    response = client_for("school1.secretary").post(reverse("records_consent:add"), {
        "institution": pupil.institution_id, "person": pupil.person_id,
        "given_on": "2026-10-01", "scope": "§4.1",
        "scan": SimpleUploadedFile("photo.png", content, content_type="image/png"),
    })
    assert response.status_code == 200
    assert "scan" in response.context["form"].errors
    assert not Consent.objects.filter(person=pupil.person, scan__endswith=".png").exists()


def test_a_real_png_is_kept_and_shown_as_an_image(client_for):
    pupil = pupil_without_consent()
    client = client_for("school1.secretary")
    response = client.post(reverse("records_consent:add"), {
        "institution": pupil.institution_id, "person": pupil.person_id,
        "given_on": "2026-10-01", "scope": "§4.1",
        "scan": SimpleUploadedFile("скан согласия.html", PNG, content_type="text/html"),
    })
    assert response.status_code == 302, response.context["form"].errors
    scan = Consent.objects.get(person=pupil.person, withdrawn_on__isnull=True).scan
    assert scan.name.endswith("/скан_согласия.png")
    response = client.get(scan.url)
    assert_served_safely(response, "image/png")
    assert response["Content-Disposition"].startswith("inline;")


@pytest.fixture
def lesson():
    """A past lesson of school1.teacher in 5А without homework yet (which lesson the
    seeded journal gave homework depends on the day the city was built)."""
    return teachers_lessons().filter(homework__isnull=True).first()


def post_homework(client, lesson, upload):
    homework = Homework.objects.filter(lesson=lesson).first()
    return client.post(reverse("journal:lesson", args=[lesson.pk]), {
        "topic": lesson.topic, "expected_topic": lesson.topic, "text": "Задание",
        "links": "", "version": homework.version if homework else 0, "files": upload})


def test_a_pdf_header_before_a_page_is_refused_as_homework(client_for, lesson):
    response = post_homework(client_for("school1.teacher"), lesson,
                             SimpleUploadedFile("poly.html", POLY_HEADER, "text/html"))
    assert response.status_code == 200
    assert "poly.html" in response.content.decode()
    assert not HomeworkFile.objects.filter(homework__lesson=lesson).exists()


def test_a_real_pdf_with_a_page_inside_is_homework_as_a_pdf(client_for, lesson):
    response = post_homework(client_for("school1.teacher"), lesson,
                             SimpleUploadedFile("poly.html", POLY_PDF, "text/html"))
    assert response.status_code == 302
    row = HomeworkFile.objects.get(homework__lesson=lesson)
    assert row.file.name.endswith("/poly.pdf") and row.title == "poly"
    # A parent in 5А opens it from the diary: a PDF in a sandbox, never a page.
    assert str(lesson.school_class) == "5А"
    response = client_for("school1.parent").get(row.file.url)
    assert_served_safely(response, "application/pdf")


def test_the_journal_action_refuses_a_page_without_any_form(lesson):
    teacher = User.objects.get(username="school1.teacher")
    with pytest.raises(ValidationError):
        cells.save_homework(teacher, lesson, text="Задание", links="", due_on=None,
                            version=0, files=[SimpleUploadedFile("poly.html", POLY_HEADER)])
    assert not HomeworkFile.objects.filter(homework__lesson=lesson).exists()
