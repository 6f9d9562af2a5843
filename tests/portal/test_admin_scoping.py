"""The Wagtail admin goes through the same matrix: listings, choices, saves."""

import pytest
from django.urls import reverse

from curriculum.models import SchoolClass
from portal.access import Role
from records.models import Institution, Person, Pupil, RoleAssignment
from tests.forms import no_inline_rows

pytestmark = pytest.mark.django_db


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def pupil_form(school_class, **overrides):
    data = {
        "institution": school_class.institution_id, "surname": "Ласточкина", "name": "Алиса",
        "patronymic": "Игоревна", "birth_date": "2015-04-12", "sex": "f",
        "school_class": school_class.pk, "personal_file_number": "Н-1",
        "enrolled_on": "2026-09-01", "left_on": "", **no_inline_rows("files"),
    }
    data.update(overrides)
    return data


def test_the_listing_shows_only_the_users_school(client_for):
    client = client_for("school1.secretary")
    response = client.get(reverse("records_pupil:index"))
    shown = {row.institution_id for row in response.context["object_list"]}
    assert shown == {school(1).pk}


def test_the_secretary_adds_a_pupil_with_the_person(client_for):
    client = client_for("school1.secretary")
    school_class = SchoolClass.objects.filter(institution=school(1)).first()
    response = client.post(reverse("records_pupil:add"), pupil_form(school_class))
    assert response.status_code == 302, response.context["form"].errors
    pupil = Pupil.objects.get(person__surname="Ласточкина")
    # The class is the movement book's: the record waits for its enrolment order.
    assert pupil.school_class is None
    assert pupil.person.search_name == "ласточкина алиса игоревна"


def test_a_pupil_cannot_be_saved_into_another_school(client_for):
    client = client_for("school1.secretary")
    other_class = SchoolClass.objects.filter(institution=school(2)).first()
    before = Pupil.objects.count()
    response = client.post(reverse("records_pupil:add"), pupil_form(other_class))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Pupil.objects.count() == before


def test_choices_offer_only_visible_rows(client_for):
    client = client_for("school1.secretary")
    form = client.get(reverse("records_pupil:add")).context["form"]
    assert set(form.fields["institution"].queryset) == {school(1)}
    assert "school_class" not in form.fields  # written by the movement book only


def test_a_school_admin_cannot_grant_a_department_role(client_for):
    client = client_for("school1.admin")
    person = Person.objects.filter(staff_records__institution=school(1)).first()
    response = client.post(reverse("records_roleassignment:add"), {
        "person": person.pk, "role": Role.CHIEF_SPECIALIST, "institution": "",
        "valid_from": "2026-09-01", "valid_to": "",
    })
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(person=person, role=Role.CHIEF_SPECIALIST).exists()


def test_a_school_admin_grants_a_right_and_it_works_at_the_next_request(client_for, demo_user):
    """R-TEN-6: 'edit pupils and parents of my own class' takes effect at once."""
    admin = client_for("school1.admin")
    teacher = demo_user("school1.classteacher")
    own_pupil = Pupil.objects.filter(school_class__class_teacher__person__user=teacher).first()
    assert not teacher.has_perm("records.change_pupil", own_pupil)
    response = admin.post(reverse("records_roleassignment:add"), {
        "person": teacher.person.pk, "role": Role.EDIT_OWN_CLASS,
        "institution": school(1).pk, "valid_from": "2026-01-01", "valid_to": "",
    })
    assert response.status_code == 302
    teacher = type(teacher).objects.get(pk=teacher.pk)  # the next request
    assert teacher.has_perm("records.change_pupil", own_pupil)
    other = Pupil.objects.filter(institution=school(1)).exclude(
        school_class=own_pupil.school_class).first()
    assert not teacher.has_perm("records.change_pupil", other)


def test_search_finds_cyrillic_names_in_any_case(client_for):
    client = client_for("school1.secretary")
    pupil = Pupil.objects.filter(institution=school(1)).select_related("person").first()
    query = pupil.person.surname.upper()
    response = client.get(reverse("records_pupil:index"), {"q": query})
    assert pupil in list(response.context["object_list"])
    response = client.get(reverse("records_pupil:index"), {"q": pupil.person.surname.lower()})
    assert pupil in list(response.context["object_list"])


def test_the_csv_export_holds_only_the_users_school(client_for):
    client = client_for("school1.secretary")
    response = client.get(reverse("records_pupil:index"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    # Not the pupil who moved from school 1 to school 2: school 1 keeps their record.
    other = (Pupil.objects.filter(institution=school(2))
             .exclude(person__pupil_records__institution=school(1)).select_related("person"))
    assert not any(p.person.full_name in body for p in other)
    own = Pupil.objects.filter(institution=school(1)).select_related("person").first()
    assert own.person.full_name in body


def test_the_access_matrix_page_lists_every_permission(client_for):
    from portal.access import REGISTRY

    response = client_for("school1.admin").get(reverse("access_matrix"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in REGISTRY:
        assert name in html
    assert "все школы" in html or "all schools" in html


def test_admin_changes_are_logged_with_their_author(client_for, demo_user):
    from wagtail.models import ModelLogEntry

    client = client_for("school1.secretary")
    school_class = SchoolClass.objects.filter(institution=school(1)).first()
    client.post(reverse("records_pupil:add"), pupil_form(school_class, surname="Лазурная"))
    pupil = Pupil.objects.get(person__surname="Лазурная")
    entry = ModelLogEntry.objects.get(object_id=str(pupil.pk), action="wagtail.create",
                                      content_type__model="pupil")
    assert entry.user == demo_user("school1.secretary")
    history = client.get(reverse("records_pupil:history", args=[pupil.pk]))
    assert history.status_code == 200
