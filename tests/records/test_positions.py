"""Positions of staff from the directory (R-INST-4): the department's list plus each
school's own values, picked on the staff card, counted for reports."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from records.factories import DirectoryEntryFactory, InstitutionFactory, StaffFactory
from records.models import DirectoryEntry, DirectoryKind, Institution, Staff
from records.positions import count_by_position, position_for, positions_of

pytestmark = pytest.mark.django_db

POSITION = DirectoryKind.POSITION


def department(name):
    return DirectoryEntry.objects.get(kind=POSITION, name=name, institution=None)


def test_the_demo_staff_hold_positions_of_the_directory():
    school = Institution.objects.get(short_name="СОШ № 1")
    staff = Staff.objects.filter(institution=school).select_related("position")
    assert staff.exists() and not staff.filter(position__isnull=True).exists()
    for row in staff:
        assert row.position.kind == POSITION
        assert row.position.institution_id in (None, school.pk)
    # The demo's «Администратор СГО» is a school's own value.
    own = staff.get(position__name="Администратор СГО").position
    assert own.institution_id == school.pk


def test_position_for_finds_the_departments_value_then_the_schools_then_adds_one():
    school = InstitutionFactory()
    assert position_for(school, "  учитель ") == department("Учитель")
    own = DirectoryEntryFactory(kind=POSITION, name="Тьютор", institution=school)
    assert position_for(school, "тьютор") == own
    new = position_for(school, "Учитель-логопед")
    assert (new.kind, new.institution, new.name) == (POSITION, school, "Учитель-логопед")
    assert position_for(school, "учитель-логопед") == new
    assert position_for(InstitutionFactory(), "Учитель-логопед") != new
    assert position_for(school, "   ") is None


def test_a_school_chooses_from_the_departments_list_and_its_own():
    school, other = InstitutionFactory(), InstitutionFactory()
    own = DirectoryEntryFactory(kind=POSITION, name="Тьютор", institution=school)
    foreign = DirectoryEntryFactory(kind=POSITION, name="Вожатый", institution=other)
    retired = DirectoryEntryFactory(kind=POSITION, name="Пионервожатый", is_active=False)
    choices = list(positions_of(school))
    assert own in choices and department("Директор") in choices
    assert foreign not in choices and retired not in choices
    assert all(entry.kind == POSITION for entry in choices)


def test_a_staff_card_refuses_another_schools_position_or_another_directory():
    staff = StaffFactory()
    staff.position = DirectoryEntryFactory(kind=POSITION, name="Вожатый",
                                           institution=InstitutionFactory())
    with pytest.raises(ValidationError) as error:
        staff.clean()
    assert "position" in error.value.message_dict
    staff.position = DirectoryEntryFactory(kind=DirectoryKind.CITIZENSHIP, name="Чужое")
    with pytest.raises(ValidationError):
        staff.clean()
    staff.position = DirectoryEntryFactory(kind=POSITION, name="Тьютор",
                                           institution=staff.institution)
    staff.clean()


def test_count_by_position_counts_current_staff_of_a_school():
    school = InstitutionFactory()
    tutor = DirectoryEntryFactory(kind=POSITION, name="Тьютор", institution=school)
    StaffFactory.create_batch(3, institution=school)
    StaffFactory(institution=school, position=tutor)
    StaffFactory(institution=school, position=tutor, left_on="2025-06-30")
    StaffFactory(institution=school, position=department("Директор"))
    StaffFactory(institution=InstitutionFactory())
    assert count_by_position(institution=school) == [
        ("Учитель", 3), ("Директор", 1), ("Тьютор", 1)]
    assert count_by_position(Staff.objects.filter(institution=school, position=tutor)) == [
        ("Тьютор", 1)]


def test_the_staff_admin_form_offers_the_departments_and_the_schools_positions(client_for):
    client = client_for("school1.admin")
    school = Institution.objects.get(short_name="СОШ № 1")
    other = Institution.objects.get(short_name="СОШ № 2")
    own = DirectoryEntry.objects.get(kind=POSITION, name="Администратор СГО",
                                     institution=school)
    foreign = DirectoryEntry.objects.get(kind=POSITION, name="Администратор СГО",
                                         institution=other)
    retired = DirectoryEntryFactory(kind=POSITION, name="Пионервожатый", is_active=False)
    staff = Staff.objects.filter(institution=school).first()
    response = client.get(reverse("records_staff:edit", args=[staff.pk]))
    assert response.status_code == 200
    field = response.context["form"].fields["position"]
    choices = set(field.queryset)
    assert own in choices and department("Учитель") in choices
    assert foreign not in choices and retired not in choices
    assert staff.position in choices
    assert not [entry for entry in choices if entry.kind != POSITION]
