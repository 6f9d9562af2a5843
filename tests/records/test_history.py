"""R-PD-2: every change of a record is kept (who, when, old and new values), viewable
per record as a diff and restorable, whether made in the admin, by an import or by
withdrawing consent."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, Revision

from records.actions import withdraw_consent
from records.models import Consent, Pupil
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def consenting_pupil():
    return Pupil.objects.filter(
        institution__short_name="СОШ № 1", person__consents__withdrawn_on__isnull=True,
    ).exclude(passport_number="").exclude(home_phone="").select_related("person").first()


def edit(client, pupil, **changes):
    url = reverse("records_pupil:edit", args=[pupil.pk])
    form = client.get(url).context["form"]
    response = client.post(url, form_data(form, **changes))
    assert response.status_code == 302, response.context["form"].errors
    return response


def test_an_edit_keeps_old_and_new_values_with_who_and_when(client_for, demo_user):
    client = client_for("school1.secretary")
    pupil = consenting_pupil()
    old_phone, old_surname = pupil.home_phone, pupil.person.surname
    edit(client, pupil, home_phone="+7 4112 99-99-99", surname="Новосёлова")

    revisions = list(Revision.objects.for_instance(pupil).order_by("created_at", "pk"))
    assert len(revisions) == 2  # the state before the first edit, and the edit
    assert revisions[0].content["home_phone"] == old_phone
    assert revisions[0].content["person_snapshot"]["surname"] == old_surname
    assert revisions[1].content["home_phone"] == "+7 4112 99-99-99"
    entry = ModelLogEntry.objects.for_instance(pupil).get(action="wagtail.edit")
    assert entry.user == demo_user("school1.secretary")
    assert entry.revision == revisions[1]

    history = client.get(reverse("records_pupil:history", args=[pupil.pk]))
    compare_url = reverse("records_pupil:revisions_compare",
                          args=[pupil.pk, revisions[0].pk, revisions[1].pk])
    assert compare_url in history.content.decode()
    page = client.get(compare_url).content.decode()
    # The diff marks the changed words of each field.
    assert f'<span class="deletion">{old_phone.split()[-1]}</span>' in page
    assert '<span class="addition">99-99-99</span>' in page
    assert f'<span class="deletion">{old_surname}</span>' in page
    assert '<span class="addition">Новосёлова</span>' in page


def test_an_older_version_can_be_restored(client_for):
    client = client_for("school1.secretary")
    pupil = consenting_pupil()
    old_phone, old_surname = pupil.home_phone, pupil.person.surname
    edit(client, pupil, home_phone="+7 4112 11-11-11", surname="Иванова")
    first = Revision.objects.for_instance(pupil).order_by("created_at", "pk").first()

    url = reverse("records_pupil:revisions_revert", args=[pupil.pk, first.pk])
    form = client.get(url).context["form"]
    assert form["surname"].value() == old_surname
    response = client.post(url, form_data(form))
    assert response.status_code == 302, response.context["form"].errors
    pupil.refresh_from_db()
    pupil.person.refresh_from_db()
    assert (pupil.home_phone, pupil.person.surname) == (old_phone, old_surname)
    assert ModelLogEntry.objects.for_instance(pupil).filter(action="wagtail.revert").exists()


def test_versions_are_shown_only_to_those_who_may_change_the_card(client_for):
    pupil = consenting_pupil()
    edit(client_for("school1.secretary"), pupil, home_phone="+7 4112 22-22-22")
    a, b = Revision.objects.for_instance(pupil).order_by("created_at", "pk")[:2]
    compare = reverse("records_pupil:revisions_compare", args=[pupil.pk, a.pk, b.pk])
    revert = reverse("records_pupil:revisions_revert", args=[pupil.pk, a.pk])
    for username in ("school1.teacher", "school1.medic", "school2.admin", "dept"):
        client = client_for(username)
        for url in (compare, revert):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), (username, url)
            assert "22-22-22" not in response.content.decode()
        client.logout()
    for username in ("school1.pupil", "school1.parent"):
        assert client_for(username).get(compare).status_code == 403


def test_withdrawing_consent_clears_old_versions_too(client_for, demo_user):
    client = client_for("school1.secretary")
    pupil = consenting_pupil()
    passport = pupil.passport_number
    edit(client, pupil, home_phone="+7 4112 33-33-33")
    consent = Consent.objects.active().get(person=pupil.person, institution=pupil.institution)
    withdraw_consent(consent, demo_user("school1.secretary"))
    for revision in Revision.objects.for_instance(pupil):
        assert revision.content["passport_number"] == ""
        assert passport not in str(revision.content)
    assert ModelLogEntry.objects.for_instance(pupil).filter(
        action="records.consent_withdrawn", revision__isnull=False).exists()


def test_restoring_a_consent_does_not_undo_its_withdrawal(client_for, demo_user):
    pupil = consenting_pupil()
    consent = Consent.objects.active().get(person=pupil.person, institution=pupil.institution)
    withdraw_consent(consent, demo_user("school1.secretary"))
    first = Revision.objects.for_instance(consent).order_by("created_at", "pk").first()
    assert first.content["withdrawn_on"] is None
    client = client_for("school1.secretary")
    url = reverse("records_consent:revisions_revert", args=[consent.pk, first.pk])
    response = client.post(url, form_data(client.get(url).context["form"]))
    assert response.status_code in (200, 302)
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    assert not Consent.objects.active().filter(person=pupil.person,
                                               institution=pupil.institution).exists()


def test_a_class_teacher_cannot_restore_the_pupil_list(client_for, demo_user):
    teacher = demo_user("school1.classteacher")
    pupil = Pupil.objects.filter(school_class__class_teacher__person__user=teacher,
                                 person__consents__withdrawn_on__isnull=True).first()
    edit(client_for("school1.secretary"), pupil, personal_file_number="Л-100",
         surname="Переименованная")
    first = Revision.objects.for_instance(pupil).order_by("created_at", "pk").first()
    client = client_for("school1.classteacher")
    url = reverse("records_pupil:revisions_revert", args=[pupil.pk, first.pk])
    form = client.get(url).context["form"]
    assert form["personal_file_number"].value() == "Л-100"  # locked: the live value
    response = client.post(url, form_data(form, personal_file_number="X", surname="Y"))
    assert response.status_code == 302, response.context["form"].errors
    pupil.refresh_from_db()
    pupil.person.refresh_from_db()
    assert (pupil.personal_file_number, pupil.person.surname) == ("Л-100", "Переименованная")


def test_comparing_versions_is_logged_as_opening_the_card(client_for):
    pupil = consenting_pupil()
    client = client_for("school1.secretary")
    edit(client, pupil, home_phone="+7 4112 44-44-44")
    a, b = Revision.objects.for_instance(pupil).order_by("created_at", "pk")[:2]
    opened = ModelLogEntry.objects.for_instance(pupil).filter(action="portal.card_opened")
    before = opened.count()
    client.get(reverse("records_pupil:revisions_compare", args=[pupil.pk, a.pk, b.pk]))
    assert opened.count() == before + 1


def test_a_save_without_changes_keeps_no_extra_version(client_for):
    pupil = consenting_pupil()
    edit(client_for("school1.secretary"), pupil)
    assert not Revision.objects.for_instance(pupil).filter(
        pk__in=ModelLogEntry.objects.for_instance(pupil).filter(
            action="portal.version_kept").values("revision")).exists()


@pytest.mark.parametrize("url", [
    "/admin/records/pupil/history/abc/revisions/compare/earliest...latest/",
    "/admin/records/pupil/history/abc/revisions/1/revert/",
    "/admin/records/institution/history/abc/revisions/compare/earliest...latest/",
])
def test_a_malformed_address_is_404(client_for, url):
    assert client_for("school1.admin").get(url).status_code == 404
