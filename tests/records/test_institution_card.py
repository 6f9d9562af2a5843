"""R-INST-1: the institution card with its codes, management, licence, accreditation
and attestation records (with validity), and its charter, programme and work plan."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Revision

from portal.access import today
from records.factories import PDF, InstitutionDocumentFactory
from records.models import Institution, InstitutionDocumentKind
from tests.forms import add_inline, form_data

pytestmark = pytest.mark.django_db


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def edit_form(client, institution):
    response = client.get(reverse("records_institution:edit", args=[institution.pk]))
    assert response.status_code == 200
    return response.context["form"]


def test_the_school_admin_fills_the_card_with_a_licence_and_the_charter(client_for):
    client = client_for("school1.admin")
    institution = school(1)
    form = edit_form(client, institution)
    data = form_data(form, director_name="Сидорова Анна Петровна", inn="1435012345",
                     okpo="12345678", okato="98401000000", okogu="4210007",
                     kind="gymnasium", legal_form="budgetary", fax="+7 4112 00-00-01",
                     charter=SimpleUploadedFile("устав.pdf", PDF, "application/pdf"))
    add_inline(data, form, "documents", {
        "kind": InstitutionDocumentKind.LICENCE, "number": "1234", "issued_on": "2016-03-01",
        "valid_until": "", "issued_by": "Минобрнауки РС(Я)",
        "scan": SimpleUploadedFile("licence.pdf", PDF, "application/pdf"),
    })
    response = client.post(reverse("records_institution:edit", args=[institution.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    institution.refresh_from_db()
    assert institution.inn == "1435012345"
    assert institution.get_kind_display() == "гимназия"
    assert institution.charter.read() == PDF
    assert institution.documents.get(number="1234").issued_by == "Минобрнауки РС(Я)"
    # The whole card, licences included, is one revision with a diff.
    assert "documents" in Revision.objects.for_instance(institution).last().content


@pytest.mark.parametrize("field, value", [("inn", "12"), ("okpo", "1234567A"),
                                          ("okato", "123"), ("okogu", "")])
def test_codes_are_checked_and_a_bad_one_changes_nothing(client_for, field, value):
    client = client_for("school1.admin")
    institution = school(1)
    form = edit_form(client, institution)
    data = form_data(form, director_name="Новый Директор", **{field: value})
    response = client.post(reverse("records_institution:edit", args=[institution.pk]), data)
    if value == "":  # empty is allowed: not every school has every code yet
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert "цифр" in str(response.context["form"].errors[field])
    institution.refresh_from_db()
    assert institution.director_name != "Новый Директор"


def test_a_scan_that_is_not_a_document_is_refused(client_for):
    client = client_for("school1.admin")
    institution = school(1)
    form = edit_form(client, institution)
    data = form_data(form, work_plan=SimpleUploadedFile("plan.pdf", b"MZ\x90\x00exe"))
    response = client.post(reverse("records_institution:edit", args=[institution.pk]), data)
    assert response.status_code == 200
    assert "work_plan" in response.context["form"].errors


def test_expiring_and_expired_documents_are_highlighted(client_for):
    institution = school(1)
    InstitutionDocumentFactory(institution=institution,
                               kind=InstitutionDocumentKind.ACCREDITATION,
                               valid_until=today() + datetime.timedelta(days=30))
    InstitutionDocumentFactory(institution=institution, kind=InstitutionDocumentKind.LICENCE,
                               valid_until=today() - datetime.timedelta(days=1))
    InstitutionDocumentFactory(institution=school(2),
                               valid_until=today() + datetime.timedelta(days=400))
    html = client_for("dept").get(reverse("records_institution:index")).content.decode()
    assert "w-status--primary" in html  # ends within 90 days
    assert "истёк" in html
    assert institution.documents.expiring().count() == 2


def test_the_card_is_edited_only_by_its_own_administrator(client_for):
    institution = school(1)
    url = reverse("records_institution:edit", args=[institution.pk])
    assert client_for("school2.admin").get(url).status_code == 404
    assert client_for("school1.teacher").get(url).status_code in (302, 403)
    assert client_for("school1.parent").get(url).status_code == 403


def test_the_charter_is_served_only_to_those_who_see_the_card(client_for, client):
    institution = school(1)
    institution.charter.save("устав.pdf", SimpleUploadedFile("устав.pdf", PDF))
    url = institution.charter.url
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for username in ("school1.teacher", "dept"):
        response = client_for(username).get(url)
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == PDF
    for username in ("school2.admin", "school1.parent", "school1.pupil"):
        assert client_for(username).get(url).status_code == 404, username
    assert client_for("school1.teacher").get(url + "x").status_code == 404
