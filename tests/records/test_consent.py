"""R-PD-1: without consent only the minimum fields; withdrawing consent clears the rest."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from records.factories import PDF
from records.models import Consent, Pupil, PupilCharacteristic, PupilHealth, has_consent
from tests.forms import no_inline_rows

pytestmark = pytest.mark.django_db



def pupil_without_consent():
    pupil = Pupil.objects.filter(institution__short_name="СОШ № 1").exclude(
        person__in=Consent.objects.active().values("person")).select_related("person").first()
    assert pupil is not None, "the demo city has pupils without consent"
    return pupil


def pupil_with_consent():
    return Pupil.objects.filter(
        institution__short_name="СОШ № 1", person__consents__withdrawn_on__isnull=True,
        health__isnull=False,
    ).exclude(passport_number="").select_related("person").first()


def test_without_consent_the_form_locks_personal_fields_and_says_why(client_for):
    client = client_for("school1.secretary")
    pupil = pupil_without_consent()
    form = client.get(reverse("records_pupil:edit", args=[pupil.pk])).context["form"]
    assert form.fields["passport_number"].disabled
    assert "согласи" in str(form.fields["passport_number"].help_text)
    assert not form.fields["home_phone"].disabled  # minimum field (R-PPL-6)
    # The class and the dates are the movement book's: no form edits them (R-MOV-1).
    assert "school_class" not in form.fields


def test_a_locked_field_keeps_nothing_even_if_posted(client_for):
    client = client_for("school1.secretary")
    pupil = pupil_without_consent()
    data = {
        "institution": pupil.institution_id, "surname": pupil.person.surname,
        "name": pupil.person.name, "patronymic": pupil.person.patronymic,
        "birth_date": pupil.person.birth_date.isoformat(), "sex": pupil.person.sex,
        "school_class": pupil.school_class_id, "personal_file_number": "П-1",
        "passport_number": "123456", "home_phone": "+7 4112 00-00-00",
        **no_inline_rows("files"),
    }
    response = client.post(reverse("records_pupil:edit", args=[pupil.pk]), data)
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.passport_number == ""
    assert pupil.home_phone == "+7 4112 00-00-00"


def test_the_model_refuses_personal_data_without_consent():
    """Imports and scripts go through full_clean too, not only the admin form."""
    pupil = pupil_without_consent()
    pupil.inn = "140000000000"
    with pytest.raises(ValidationError, match="ИНН|INN"):
        pupil.full_clean()


def test_medical_details_need_consent():
    pupil = pupil_without_consent()
    with pytest.raises(ValidationError):
        PupilHealth(pupil=pupil, notes="—").full_clean()


def test_recording_consent_unlocks_the_fields(client_for):
    client = client_for("school1.secretary")
    pupil = pupil_without_consent()
    response = client.post(reverse("records_consent:add"), {
        "institution": pupil.institution_id, "person": pupil.person_id,
        "given_by": "Мать", "given_on": "2026-10-01", "scope": "§4.1",
        "scan": SimpleUploadedFile("consent.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 302, response.context["form"].errors
    assert has_consent(pupil.person_id, pupil.institution_id)
    form = client.get(reverse("records_pupil:edit", args=[pupil.pk])).context["form"]
    assert not form.fields["passport_number"].disabled


def test_a_scan_is_checked_by_its_content_not_its_name(client_for):
    client = client_for("school1.secretary")
    pupil = pupil_without_consent()
    response = client.post(reverse("records_consent:add"), {
        "institution": pupil.institution_id, "person": pupil.person_id,
        "given_on": "2026-10-01", "scope": "§4.1",
        "scan": SimpleUploadedFile("consent.pdf", b"MZ\x90\x00 not a pdf",
                                   content_type="application/pdf"),
    })
    assert response.status_code == 200
    assert "scan" in response.context["form"].errors
    assert not has_consent(pupil.person_id, pupil.institution_id)


def test_the_scan_is_served_only_to_those_who_see_the_consent(client_for):
    secretary = client_for("school1.secretary")
    pupil = pupil_without_consent()
    secretary.post(reverse("records_consent:add"), {
        "institution": pupil.institution_id, "person": pupil.person_id,
        "given_on": "2026-10-01", "scope": "§4.1",
        "scan": SimpleUploadedFile("consent.pdf", PDF, content_type="application/pdf"),
    })
    consent = Consent.objects.get(person=pupil.person, withdrawn_on__isnull=True)
    url = consent.scan.url
    assert url.startswith("/files/")
    response = secretary.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert client_for("school2.admin").get(url).status_code == 404
    assert client_for("school1.teacher").get(url).status_code in (403, 404)
    assert client_for("school1.parent").get(url).status_code == 404


def test_withdrawing_consent_clears_everything_beyond_the_minimum(client_for, demo_user):
    client = client_for("school1.secretary")
    pupil = pupil_with_consent()
    consent = Consent.objects.get(person=pupil.person, institution=pupil.institution,
                                  withdrawn_on__isnull=True)
    url = reverse("records_consent:withdraw", args=[consent.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "номер паспорта" in page.content.decode().lower()
    response = client.post(url)
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.filled_personal_fields() == []
    assert pupil.residence_address  # minimum fields stay
    assert not PupilHealth.objects.filter(pupil=pupil).exists()
    assert not PupilCharacteristic.objects.filter(pupil=pupil).exists()
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    entry = ModelLogEntry.objects.get(action="records.consent_withdrawn",
                                      content_type__model="pupil", object_id=str(pupil.pk))
    assert entry.user == demo_user("school1.secretary")
    assert "passport_number" in entry.data["cleared"]


def test_only_list_keepers_withdraw_consent(client_for):
    pupil = pupil_with_consent()
    consent = Consent.objects.get(person=pupil.person, institution=pupil.institution,
                                  withdrawn_on__isnull=True)
    url = reverse("records_consent:withdraw", args=[consent.pk])
    assert client_for("school1.teacher").post(url).status_code in (403, 404)
    assert client_for("school2.admin").post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_the_consent_listing_offers_withdrawal_to_list_keepers(client_for):
    response = client_for("school1.secretary").get(reverse("records_consent:index"))
    assert response.status_code == 200
    assert reverse("records_consent:withdraw", args=[
        response.context["object_list"][0].pk]) in response.content.decode()
