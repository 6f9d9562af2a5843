"""Generated documents (R-DOC-1, issue 14 item 7): a certificate of study, the personal
file sheet, a class list and a transcript of finals, as PDFs with Cyrillic, numbered in
the school's register of issued documents without gaps, each issue logged, the school's
details from its card. Who issues: the secretary, the director and the deputies of the
pupil's school; a class teacher the list of their own class; nobody of another school
and nobody of the department."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from curriculum.models import SchoolClass
from documents import actions
from documents.models import IssuedDocument, IssuedKind
from journal.models import FinalMark
from portal.ids import MAX_ID
from records.models import Institution, Pupil

pytestmark = pytest.mark.django_db

CERTIFICATE, PERSONAL_FILE, CLASS_LIST, TRANSCRIPT = (
    IssuedKind.CERTIFICATE, IssuedKind.PERSONAL_FILE, IssuedKind.CLASS_LIST,
    IssuedKind.TRANSCRIPT)


@pytest.fixture
def school1():
    return Institution.objects.get(short_name="СОШ № 1")


@pytest.fixture
def pupil(school1, demo_user):
    return Pupil.objects.select_related("person", "school_class").get(
        person__user=demo_user("school1.pupil"), institution=school1)


@pytest.fixture
def other_pupil(demo_user):
    return Pupil.objects.get(person__user=demo_user("school2.pupil"))


def text_of(document):
    with document.file.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_demo_registers_hold_generated_documents(school1):
    kinds = set(IssuedDocument.objects.filter(institution=school1)
                .values_list("kind", flat=True))
    assert kinds == {CERTIFICATE, PERSONAL_FILE, CLASS_LIST, TRANSCRIPT}
    assert IssuedDocument.objects.exclude(institution=school1).exists()
    numbers = sorted(IssuedDocument.objects.filter(institution=school1)
                     .values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_certificate_of_study_names_the_pupil_the_class_and_the_school(
        demo_user, pupil, school1):
    secretary = demo_user("school1.secretary")
    before = IssuedDocument.objects.filter(institution=school1, year=2026).count()
    document = actions.issue(secretary, CERTIFICATE, pupil=pupil,
                             destination="военный комиссариат")
    assert (document.number, document.year) == (before + 1, document.issued_on.year)
    assert (document.pupil, document.school_class) == (pupil, pupil.school_class)
    assert document.subject == pupil.person.full_name
    assert document.issued_by == secretary
    text = text_of(document)
    for expected in ("СПРАВКА", pupil.person.full_name, school1.name, school1.director_name,
                     f"{pupil.school_class.grade} «{pupil.school_class.letter}»",
                     "военный комиссариат", f"№ {document.full_number}"):
        assert " ".join(expected.split()) in text, expected
    entry = ModelLogEntry.objects.get(object_id=str(document.pk), action=actions.ISSUED)
    assert entry.user == secretary
    assert pupil.person.surname not in entry.label + str(entry.data)


def test_the_personal_file_sheet_holds_the_cards_data(demo_user, pupil):
    document = actions.issue(demo_user("school1.director"), PERSONAL_FILE, pupil=pupil)
    text = text_of(document)
    assert "ЛИЧНОЕ ДЕЛО" in text
    assert pupil.person.birth_date.strftime("%d.%m.%Y") in text
    assert pupil.person.surname in text
    parent = pupil.guardianships.select_related("parent__person").first()
    if parent:
        assert parent.parent.person.surname in text


def test_a_class_list_lists_the_pupils_with_their_birth_dates(demo_user, pupil):
    document = actions.issue(demo_user("school1.classteacher"), CLASS_LIST,
                             school_class=pupil.school_class)
    assert document.pupil is None and document.school_class == pupil.school_class
    text = text_of(document)
    for member in Pupil.objects.of_class(pupil.school_class).current().select_related(
            "person"):
        assert member.person.surname in text
        assert member.person.birth_date.strftime("%d.%m.%Y") in text


def test_a_transcript_holds_the_journals_finals(demo_user, school1):
    final = (FinalMark.objects.filter(institution=school1).exclude(value="")
             .select_related("pupil__person", "subject").order_by("pk").first())
    assert final is not None, "the demo journal has finals"
    document = actions.issue(demo_user("school1.deputy"), TRANSCRIPT, pupil=final.pupil)
    text = text_of(document)
    assert "ВЕДОМОСТЬ" in text and final.subject.name in text
    count = FinalMark.objects.filter(pupil=final.pupil).exclude(value="").count()
    assert count and final.academic_year.name in text


def test_numbers_run_per_school_and_year_without_gaps(demo_user, pupil, other_pupil):
    secretary = demo_user("school1.secretary")
    first = actions.issue(secretary, CERTIFICATE, pupil=pupil)
    second = actions.issue(secretary, PERSONAL_FILE, pupil=pupil)
    assert second.number == first.number + 1
    next_year = actions.issue(secretary, CERTIFICATE, pupil=pupil,
                              on=first.issued_on.replace(year=first.year + 1, month=1, day=9))
    assert (next_year.year, next_year.number) == (first.year + 1, 1)
    director2 = IssuedDocument.objects.filter(institution=other_pupil.institution).first()
    other = actions.issue(director2.issued_by, CERTIFICATE, pupil=other_pupil)
    assert other.number == IssuedDocument.objects.filter(
        institution=other_pupil.institution, year=other.year).count()


def test_a_race_for_a_number_is_retried_with_the_next_one(demo_user, pupil, monkeypatch):
    """Two issuers read the same next number (SQLite has no row locks): the unique
    constraint refuses the second, which is tried again and takes the next number."""
    secretary = demo_user("school1.secretary")
    first = actions.issue(secretary, CERTIFICATE, pupil=pupil)
    real = actions.next_number
    calls = []

    def stale(institution_id, year):
        calls.append(year)
        return first.number if len(calls) == 1 else real(institution_id, year)

    monkeypatch.setattr(actions, "next_number", stale)
    second = actions.issue(secretary, CERTIFICATE, pupil=pupil)
    assert len(calls) == 2 and second.number == first.number + 1
    monkeypatch.setattr(actions, "next_number", lambda institution_id, year: first.number)
    with pytest.raises(IntegrityError):
        actions.issue(secretary, CERTIFICATE, pupil=pupil)


def test_a_failed_rendering_leaves_no_row_and_no_gap(demo_user, pupil, monkeypatch):
    secretary = demo_user("school1.secretary")
    first = actions.issue(secretary, CERTIFICATE, pupil=pupil)

    def broken(template, context):
        raise RuntimeError("PDF rendering failed")

    monkeypatch.setattr(actions, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        actions.issue(secretary, CERTIFICATE, pupil=pupil)
    monkeypatch.undo()
    assert actions.issue(secretary, CERTIFICATE, pupil=pupil).number == first.number + 1


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.admin", "school1.medic", "school2.admin",
                                      "dept", "school1.parent"])
def test_others_may_not_issue_about_a_pupil(demo_user, pupil, username):
    with pytest.raises(PermissionDenied):
        actions.issue(demo_user(username), CERTIFICATE, pupil=pupil)


def test_a_class_teacher_issues_only_their_own_class_list(demo_user, pupil, school1):
    teacher = demo_user("school1.classteacher")
    other = SchoolClass.objects.filter(institution=school1).exclude(
        pk=pupil.school_class_id).first()
    with pytest.raises(PermissionDenied):
        actions.issue(teacher, CLASS_LIST, school_class=other)
    with pytest.raises(PermissionDenied):
        actions.issue(demo_user("dept"), CLASS_LIST, school_class=other)


def test_a_certificate_needs_a_pupil_who_studies_here(demo_user, pupil):
    pupil.left_on = pupil.enrolled_on or pupil.person.birth_date
    with pytest.raises(ValidationError):
        actions.issue(demo_user("school1.secretary"), CERTIFICATE, pupil=pupil)
    with pytest.raises(ValidationError):
        actions.issue(demo_user("school1.secretary"), CLASS_LIST, pupil=pupil)


# The pages -------------------------------------------------------------------------------


def test_the_secretary_issues_from_the_pupils_card(client_for, pupil, school1):
    client = client_for("school1.secretary")
    card = client.get(reverse("records:pupil", args=[pupil.pk]))
    url = reverse("documents:issue", args=[pupil.pk])
    assert url in card.content.decode()
    assert client.get(url).status_code == 200
    before = IssuedDocument.objects.count()
    response = client.post(url, {"kind": "nonsense"})
    assert response.status_code == 200 and IssuedDocument.objects.count() == before
    assert "Выберите корректный вариант" in response.content.decode()
    response = client.post(url, {"kind": CERTIFICATE, "destination": "бассейн «Дельфин»"})
    document = IssuedDocument.objects.latest("pk")
    assert response.status_code == 302 and document.destination == "бассейн «Дельфин»"
    register = client.get(response["Location"])
    assert document.full_number in register.content.decode()
    assert "Выдан документ" in register.content.decode()


def test_the_class_page_issues_the_class_list_for_its_class_teacher(client_for, pupil):
    client = client_for("school1.classteacher")
    page = client.get(reverse("journal:class", args=[pupil.school_class_id]))
    url = reverse("documents:issue_class_list", args=[pupil.school_class_id])
    assert url in page.content.decode()
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    document = IssuedDocument.objects.latest("pk")
    assert (document.kind, document.school_class_id) == (CLASS_LIST, pupil.school_class_id)


def test_no_button_for_those_who_may_not_issue(client_for, pupil):
    client = client_for("school1.teacher")
    card = client.get(reverse("records:pupil", args=[pupil.pk]))
    if card.status_code == 200:
        assert reverse("documents:issue", args=[pupil.pk]) not in card.content.decode()
    page = client.get(reverse("journal:class", args=[pupil.school_class_id]))
    if page.status_code == 200:
        assert reverse("documents:issue_class_list",
                       args=[pupil.school_class_id]) not in page.content.decode()


@pytest.mark.parametrize("username, status", [
    ("school1.teacher", 403),   # sees the pupil, may not issue
    ("school2.admin", 404),     # another school's pupil
    ("dept", 403),              # reads the pupil (limited), issues nothing
    ("school2.parent", 404),
])
def test_the_issue_page_refuses_others(client_for, pupil, username, status):
    client = client_for(username)
    before = IssuedDocument.objects.count()
    url = reverse("documents:issue", args=[pupil.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"kind": CERTIFICATE}).status_code == status
    assert IssuedDocument.objects.count() == before


def test_huge_and_unknown_ids_are_not_found(client_for):
    client = client_for("school1.secretary")
    for name in ("issue", "issue_class_list", "issued_file"):
        for pk in (MAX_ID, MAX_ID + 1, 0):
            url = f"/issued/{pk}/file/" if name == "issued_file" else (
                f"/issued/new/pupil/{pk}/" if name == "issue" else
                f"/issued/new/class-list/{pk}/")
            assert client.post(url).status_code == 404, url


def test_the_register_lists_the_schools_own_documents_only(
        client_for, school1, django_assert_max_num_queries):
    client = client_for("school1.secretary")
    with django_assert_max_num_queries(15):
        response = client.get(reverse("documents:issued"))
    assert response.status_code == 200
    shown = {row.record.pk for row in response.context["table"].page.object_list}
    own = set(IssuedDocument.objects.filter(institution=school1).values_list("pk", flat=True))
    assert shown == own
    response = client.get(reverse("documents:issued"), {"kind": CLASS_LIST})
    kinds = {row.record.kind for row in response.context["table"].page.object_list}
    assert kinds == {CLASS_LIST}
    response = client.get(reverse("documents:issued"), {"year": "abc", "kind": "x"})
    assert response.status_code == 200


def test_the_registers_queries_do_not_grow_with_its_rows(
        client_for, demo_user, pupil, django_assert_max_num_queries):
    client = client_for("school1.secretary")
    client.get(reverse("documents:issued"))
    secretary = demo_user("school1.secretary")
    for _ in range(6):
        actions.issue(secretary, CERTIFICATE, pupil=pupil)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("documents:issued")).status_code == 200


@pytest.mark.parametrize("username, status", [
    ("school2.admin", 403), ("dept", 403), ("school1.teacher", 403), ("school1.parent", 403),
])
def test_the_register_is_closed_to_others(client_for, username, status):
    assert client_for(username).get(reverse("documents:issued")).status_code == status


def test_the_pdf_downloads_as_an_attachment_with_nosniff(client_for, school1):
    document = IssuedDocument.objects.filter(institution=school1).first()
    response = client_for("school1.secretary").get(
        reverse("documents:issued_file", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for username in ("school2.admin", "dept", "school1.teacher", "school1.parent"):
        other = client_for(username).get(
            reverse("documents:issued_file", args=[document.pk]))
        assert other.status_code == 404, username


def test_the_matrix_gives_the_department_and_families_nothing_of_it():
    from portal.access import DEPARTMENT_ROLES, REGISTRY, Role

    for name in ("documents.issue_document", "documents.issue_class_list",
                 "documents.view_issueddocument"):
        roles = set(REGISTRY[name].cells)
        assert not roles & DEPARTMENT_ROLES, name
        assert not roles & {Role.PARENT, Role.PUPIL, Role.SUBJECT_TEACHER}, name
    assert Role.CLASS_TEACHER not in REGISTRY["documents.issue_document"].cells
