"""Attached files of staff, pupil and parent cards; attestation and methodical activity
of staff (R-PPL-1…3, Appendix 3 item 8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Revision

from records.actions import withdraw_consent
from records.factories import PDF, ParentFileFactory, StaffFileFactory
from records.models import Consent, Parent, Pupil, PupilFile, Staff
from tests.forms import add_inline, form_data

pytestmark = pytest.mark.django_db


def consenting_pupil(demo_user):
    teacher = demo_user("school1.classteacher")
    return Pupil.objects.filter(school_class__class_teacher__person__user=teacher,
                                person__consents__withdrawn_on__isnull=True).first()


def attach(client, pupil, content=PDF, name="справка.pdf"):
    url = reverse("records_pupil:edit", args=[pupil.pk])
    form = client.get(url).context["form"]
    data = add_inline(form_data(form), form, "files", {
        "title": "Справка о месте жительства",
        "file": SimpleUploadedFile(name, content, "application/pdf"),
    })
    return client.post(url, data)


def test_a_file_is_attached_and_served_only_to_those_who_edit_the_card(client_for,
                                                                       demo_user):
    pupil = consenting_pupil(demo_user)
    response = attach(client_for("school1.secretary"), pupil)
    assert response.status_code == 302, response.context["form"].errors
    attached = PupilFile.objects.get(record=pupil)
    url = attached.file.url
    for username in ("school1.secretary", "school1.classteacher"):
        response = client_for(username).get(url)
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == PDF
    for username in ("school1.teacher", "school1.medic", "school2.admin", "dept",
                     "school1.parent", "school1.pupil"):
        assert client_for(username).get(url).status_code == 404, username


def test_only_documents_are_accepted_by_their_content(client_for, demo_user):
    pupil = consenting_pupil(demo_user)
    response = attach(client_for("school1.secretary"), pupil, content=b"<script>", name="a.pdf")
    assert response.status_code == 200
    assert not PupilFile.objects.filter(record=pupil).exists()


def test_no_files_without_consent_and_withdrawal_removes_them(
        client_for, demo_user, django_capture_on_commit_callbacks):
    pupil = consenting_pupil(demo_user)
    client = client_for("school1.secretary")
    assert attach(client, pupil).status_code == 302
    attached = PupilFile.objects.get(record=pupil)
    storage, name = attached.file.storage, attached.file.name
    consent = Consent.objects.active().get(person=pupil.person, institution=pupil.institution)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(consent, demo_user("school1.secretary"))
    assert not PupilFile.objects.filter(record=pupil).exists()
    assert not storage.exists(name)
    for revision in Revision.objects.for_instance(pupil):
        assert revision.content.get("files", []) == []
    response = attach(client, pupil)
    assert response.status_code == 200
    assert not PupilFile.objects.filter(record=pupil).exists()


def test_staff_attestation_and_methodical_work_are_kept_on_the_card(client_for):
    client = client_for("school1.secretary")
    staff = Staff.objects.filter(institution__short_name="СОШ № 1", teaches=True).first()
    url = reverse("records_staff:edit", args=[staff.pk])
    form = client.get(url).context["form"]
    data = form_data(form)
    add_inline(data, form, "attestations", {
        "attested_on": "2025-12-20", "result": "Соответствует высшей категории",
        "order_number": "№ 01-12/345", "valid_until": "2030-12-20",
    })
    add_inline(data, form, "methodical_work", {
        "done_on": "2026-10-15", "form": "Открытый урок",
        "topic": "Дроби в 5 классе",
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert staff.attestations.filter(order_number="№ 01-12/345").exists()
    assert staff.methodical_work.filter(topic="Дроби в 5 классе").exists()
    content = Revision.objects.for_instance(staff).last().content
    assert "Соответствует высшей категории" in [a["result"] for a in content["attestations"]]


@pytest.mark.parametrize("factory, record, allowed, refused", [
    ("staff", lambda: Staff.objects.filter(institution__short_name="СОШ № 1").first(),
     ["school1.secretary", "school1.director", "school1.admin"],
     ["school1.teacher", "school1.classteacher", "school1.deputy", "dept", "school2.admin",
      "school1.parent"]),
    ("parent", lambda: Parent.objects.filter(institution__short_name="СОШ № 1").first(),
     ["school1.secretary", "school1.admin"],
     ["school1.classteacher", "school1.teacher", "school1.medic", "dept", "school2.admin",
      "school1.pupil"]),
])
def test_files_of_staff_and_parents_are_served_to_their_card_keepers(
        client_for, factory, record, allowed, refused):
    make = {"staff": StaffFileFactory, "parent": ParentFileFactory}[factory]
    url = make(record=record()).file.url
    for username in allowed:
        assert client_for(username).get(url).status_code == 200, username
    for username in refused:
        assert client_for(username).get(url).status_code == 404, username


def test_a_licence_scan_is_served_with_the_card_and_a_lost_file_is_404(client_for):
    from records.factories import InstitutionDocumentFactory
    from records.models import Institution

    document = InstitutionDocumentFactory(
        institution=Institution.objects.get(short_name="СОШ № 1"))
    url = document.scan.url
    assert client_for("school1.teacher").get(url).status_code == 200
    assert client_for("school2.teacher").get(url).status_code == 404
    document.scan.storage.delete(document.scan.name)
    assert client_for("school1.teacher").get(url).status_code == 404
