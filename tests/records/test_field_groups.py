"""R-PPL-4 and R-TEN-3: who reads the medical and psychological groups, and what the
department reads of a pupil."""

import pytest
from django.urls import reverse

from curriculum.models import TeachingAssignment
from records.models import Pupil, PupilCharacteristic, PupilHealth
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def school1_pupil():
    return Pupil.objects.filter(institution__short_name="СОШ № 1").select_related(
        "health", "characteristic").first()


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.secretary", "school1.director", "dept"])
def test_others_cannot_read_medical_or_psychological_details(client_for, username):
    client = client_for(username)
    pupil = school1_pupil()
    for prefix, row in [("records_pupilhealth", pupil.health),
                        ("records_pupilcharacteristic", pupil.characteristic)]:
        index = client.get(reverse(f"{prefix}:index"))
        assert index.status_code in (302, 403)
        export = client.get(reverse(f"{prefix}:index"), {"export": "csv"})
        assert export.status_code in (302, 403)
        search = client.get(reverse(f"{prefix}:index"), {"q": pupil.person.surname})
        assert search.status_code in (302, 403)
        inspect = client.get(reverse(f"{prefix}:inspect", args=[row.pk]))
        assert inspect.status_code in (302, 403, 404)
        history = client.get(reverse(f"{prefix}:history", args=[row.pk]))
        assert history.status_code in (302, 403, 404)
    card = client.get(reverse("records_pupil:inspect", args=[pupil.pk]))
    html = card.content.decode() if card.status_code == 200 else ""
    assert pupil.health.insurance_policy not in html
    assert pupil.characteristic.characteristic not in html


def test_the_medical_worker_reads_and_edits_medical_details(client_for):
    client = client_for("school1.medic")
    pupil = school1_pupil()
    listing = client.get(reverse("records_pupilhealth:index"), {"q": pupil.person.surname})
    assert pupil.health in list(listing.context["object_list"])
    inspect = client.get(reverse("records_pupilhealth:inspect", args=[pupil.health.pk]))
    assert pupil.health.insurance_policy in inspect.content.decode()
    export = client.get(reverse("records_pupilhealth:index"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode()
    assert pupil.person.full_name in body
    assert not PupilHealth.objects.visible_to(_user("school1.medic")).filter(
        pupil__institution__short_name="СОШ № 2").exists()
    assert client.get(reverse("records_pupilcharacteristic:index")).status_code in (302, 403)


def _user(username):
    from records.models import User

    return User.objects.get(username=username)


def test_the_psychologist_reads_the_characteristic_and_not_medical_details(client_for):
    client = client_for("school1.psychologist")
    pupil = school1_pupil()
    inspect = client.get(reverse("records_pupilcharacteristic:inspect",
                                 args=[pupil.characteristic.pk]))
    assert pupil.characteristic.characteristic in inspect.content.decode()
    assert client.get(reverse("records_pupilhealth:index")).status_code in (302, 403)
    assert not PupilCharacteristic.objects.visible_to(_user("school1.psychologist")).filter(
        pupil__institution__short_name="СОШ № 2").exists()


def test_the_department_reads_only_names_class_and_school(client_for):
    client = client_for("dept")
    pupil = school1_pupil()
    pupil.passport_number = "777111"
    pupil.save()
    card = client.get(reverse("records_pupil:inspect", args=[pupil.pk]))
    assert card.status_code == 200
    html = card.content.decode()
    assert pupil.person.full_name in html
    assert "777111" not in html
    assert pupil.residence_address not in html


def test_the_secretary_reads_the_whole_card(client_for):
    client = client_for("school1.secretary")
    pupil = school1_pupil()
    pupil.passport_number = "777111"
    pupil.save()
    card = client.get(reverse("records_pupil:inspect", args=[pupil.pk]))
    assert "777111" in card.content.decode()


def led_pupil(demo_user, username="school1.classteacher"):
    teacher = demo_user(username)
    return Pupil.objects.filter(school_class__class_teacher__person__user=teacher,
                                person__consents__withdrawn_on__isnull=True
                                ).select_related("person").first()


def test_the_class_teacher_edits_pupil_details_but_not_the_pupil_list(client_for, demo_user):
    """R-PPL-4: pupil details by the class teacher of the pupil's class; the pupil list
    (class, personal file, names) by the secretary."""
    client = client_for("school1.classteacher")
    pupil = led_pupil(demo_user)
    url = reverse("records_pupil:edit", args=[pupil.pk])
    form = client.get(url).context["form"]
    for name in ("personal_file_number", "surname"):
        assert form.fields[name].disabled, name
    assert "секретар" in str(form.fields["personal_file_number"].help_text)
    # The class and the dates are the movement book's, written by its orders only.
    assert not {"school_class", "enrolled_on", "left_on"} & set(form.fields)
    assert not form.fields["extra_contacts"].disabled
    data = form_data(form, extra_contacts="Бабушка: +7 914 000-00-00",
                     school_class="", personal_file_number="ПОДМЕНА", surname="Подменный")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    pupil.refresh_from_db()
    pupil.person.refresh_from_db()
    assert pupil.extra_contacts == "Бабушка: +7 914 000-00-00"
    assert pupil.school_class_id is not None
    assert pupil.personal_file_number != "ПОДМЕНА"
    assert pupil.person.surname != "Подменный"


def test_the_secretary_edits_the_pupil_list(client_for, demo_user):
    client = client_for("school1.secretary")
    pupil = led_pupil(demo_user)
    url = reverse("records_pupil:edit", args=[pupil.pk])
    form = client.get(url).context["form"]
    assert not form.fields["personal_file_number"].disabled
    assert "school_class" not in form.fields
    before = pupil.school_class_id
    response = client.post(url, form_data(form, personal_file_number="Л-77",
                                          school_class=""))
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.personal_file_number == "Л-77"
    assert pupil.school_class_id == before


def test_a_class_teacher_edits_only_their_own_class(client_for, demo_user):
    client = client_for("school1.classteacher")
    own = led_pupil(demo_user)
    # A pupil of a class they neither lead nor teach (those they teach they may read).
    taught = TeachingAssignment.objects.filter(
        teacher__person__user__username="school1.classteacher").values("school_class")
    other = Pupil.objects.filter(institution=own.institution).exclude(
        school_class=own.school_class).exclude(school_class__in=taught).first()
    assert client.get(reverse("records_pupil:edit", args=[other.pk])).status_code == 404
    subject_teacher = client_for("school1.teacher")
    response = subject_teacher.get(reverse("records_pupil:edit", args=[own.pk]))
    assert response.status_code in (302, 403, 404)
