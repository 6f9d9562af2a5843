"""R-MOV-1, R-MOV-2: the movement book — every pupil enrolled first, nothing edited or
deleted, every movement atomic, the class transfer a movement with its order, the
leaver to another school of the city offered there and accepted without a leak."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from curriculum.models import ClassMembership, SchoolClass
from journal.models import FinalMark
from movement import actions
from movement.models import (
    Arrival,
    ArrivalState,
    BookIsImmutable,
    DestinationKind,
    Movement,
    MovementKind,
    Order,
    OrderKind,
)
from portal.access import today
from records.factories import PupilFactory
from records.models import Institution, Pupil, User

pytestmark = pytest.mark.django_db


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def user(name):
    return User.objects.get(username=name)


def a_day():
    """A school day of the demo year on or before today, after every demo movement's."""
    return today()


def pupil_of(grade, n=1, letter="А"):
    school_class = SchoolClass.objects.get(academic_year__is_current=True,
                                           institution=school(n), grade=grade, letter=letter)
    return Pupil.objects.of_class(school_class).current().filter(
        person__user__isnull=True).order_by("pk").first()


def order(kind, number, n=1, on=None):
    return actions.order_for(school(n), number, on or a_day(), kind,
                             user(f"school{n}.secretary"))


def test_every_demo_pupil_is_enrolled_first():
    pupils = Pupil.objects.count()
    first = {}
    for row in Movement.objects.order_by("date", "pk").values("pupil_id", "kind"):
        first.setdefault(row["pupil_id"], row["kind"])
    assert len(first) == pupils
    assert set(first.values()) == {MovementKind.ENROLMENT}
    assert Movement.objects.filter(kind=MovementKind.TRANSFER).exists()
    assert Movement.objects.filter(kind=MovementKind.LEAVING).count() >= 3
    arrival = Arrival.objects.get(state=ArrivalState.ACCEPTED)
    assert arrival.from_institution == school(1) and arrival.institution == school(2)
    assert Pupil.objects.filter(person=arrival.person).count() == 2


def test_the_book_cannot_be_edited_or_deleted():
    movement = Movement.objects.filter(kind=MovementKind.ENROLMENT).first()
    movement.reason = "исправлено"
    with pytest.raises(BookIsImmutable):
        movement.save()
    with pytest.raises(BookIsImmutable):
        movement.delete()
    with pytest.raises(BookIsImmutable):
        Movement.objects.filter(pk=movement.pk).update(reason="x")
    with pytest.raises(BookIsImmutable):
        Movement.objects.filter(pk=movement.pk).delete()
    with pytest.raises(BookIsImmutable):
        movement.order.save()
    with pytest.raises(BookIsImmutable):
        movement.order.delete()
    assert Movement.objects.get(pk=movement.pk).reason == ""


def test_no_movement_before_the_enrolment_on_any_path(english):
    pupil = PupilFactory(institution=school(1), enrolment=False)
    target = SchoolClass.objects.filter(institution=school(1)).first()
    transfers = order(OrderKind.MOVEMENT, "900-д")
    # The action.
    with pytest.raises(ValidationError, match="no enrolment order"):
        actions.transfer(pupil, target, a_day(), transfers, user("school1.secretary"))
    # A row written directly (the admin, a script, an import) is checked by the model.
    with pytest.raises(ValidationError, match="no enrolment order"):
        Movement(institution=school(1), pupil=pupil, kind=MovementKind.LEAVING, date=a_day(),
                 order=order(OrderKind.LEAVING, "900-в"),
                 destination_kind=DestinationKind.OTHER, destination="x").save()
    assert not Movement.objects.filter(pupil=pupil).exists()
    # Enrolled now, a movement dated before the enrolment is refused too.
    enrolled = pupil_of(5)
    first = Movement.objects.filter(pupil=enrolled).order_by("date").first()
    with pytest.raises(ValidationError, match="no enrolment order"):
        Movement(institution=school(1), pupil=enrolled, kind=MovementKind.LEAVING,
                 date=first.date - datetime.timedelta(days=1),
                 order=order(OrderKind.LEAVING, "901-в"),
                 destination_kind=DestinationKind.OTHER, destination="x").save()
    # And a second enrolment while the pupil is in the school.
    with pytest.raises(ValidationError, match="already enrolled"):
        actions.enrol(enrolled, target, a_day(), order(OrderKind.ENROLMENT, "902-у"),
                      user("school1.secretary"))


def test_the_factory_enrols_its_pupils_unless_told_not_to():
    assert Movement.objects.filter(pupil=PupilFactory(), kind=MovementKind.ENROLMENT).exists()
    assert not Movement.objects.filter(pupil=PupilFactory(enrolment=False)).exists()


def test_an_order_number_is_unique_in_the_school_and_year(english):
    first = order(OrderKind.MOVEMENT, "55-д")
    assert order(OrderKind.MOVEMENT, "55-д") == first  # one order, several movements
    with pytest.raises(ValidationError, match="already has an order No. 55-д"):
        order(OrderKind.LEAVING, "55-д")
    # Another school may use the same number.
    assert order(OrderKind.MOVEMENT, "55-д", n=2).institution == school(2)


def test_a_transfer_is_atomic_under_a_failure_in_the_middle():
    pupil = pupil_of(5)
    target = SchoolClass.objects.get(academic_year__is_current=True,
                                     institution=school(1), grade=5, letter="Б")
    transfers = order(OrderKind.MOVEMENT, "910-д")
    before = (Movement.objects.count(), list(ClassMembership.objects.filter(pupil=pupil)
                                              .values_list("pk", "ends_on")))
    with mock.patch("movement.actions._card", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        actions.transfer(pupil, target, a_day(), transfers, user("school1.secretary"))
    assert (Movement.objects.count(), list(ClassMembership.objects.filter(pupil=pupil)
                                           .values_list("pk", "ends_on"))) == before
    pupil.refresh_from_db()
    assert pupil.school_class.letter == "А"


def test_a_leaving_is_atomic_under_a_failure_in_the_middle():
    pupil = pupil_of(7)
    leaving = order(OrderKind.LEAVING, "911-в")
    with mock.patch("movement.actions.transcript_of", side_effect=RuntimeError("boom")), \
            pytest.raises(RuntimeError):
        actions.leave(pupil, a_day(), leaving, user("school1.secretary"),
                      DestinationKind.CITY_SCHOOL, destination_institution=school(2))
    pupil.refresh_from_db()
    assert pupil.left_on is None
    assert not Movement.objects.filter(pupil=pupil, kind=MovementKind.LEAVING).exists()
    assert not ClassMembership.objects.filter(pupil=pupil, ends_on__isnull=False,
                                              school_class__academic_year__is_current=True
                                              ).exists()
    assert not Arrival.objects.filter(person=pupil.person).exists()


def test_a_transfer_writes_the_book_and_a_cancelling_order_undoes_it():
    pupil = pupil_of(5)
    source = pupil.school_class
    target = SchoolClass.objects.get(academic_year__is_current=True,
                                     institution=school(1), grade=5, letter="Б")
    secretary = user("school1.secretary")
    book = list(Movement.objects.filter(pupil=pupil).effective().values_list("kind", flat=True))
    movement = actions.transfer(pupil, target, a_day(), order(OrderKind.MOVEMENT, "920-д"),
                                secretary, reason="по заявлению родителей")
    pupil.refresh_from_db()
    assert pupil.school_class == target
    assert ModelLogEntry.objects.filter(action=actions.TRANSFERRED,
                                        object_id=str(pupil.pk)).exists()
    cancelling = actions.cancel(movement, order(OrderKind.CANCELLATION, "921-о"), secretary)
    pupil.refresh_from_db()
    assert pupil.school_class == source
    current = ClassMembership.objects.filter(pupil=pupil).on(a_day()).get()
    assert current.school_class == source and current.ends_on is None
    assert cancelling.cancels == movement
    assert list(Movement.objects.filter(pupil=pupil).effective().values_list(
        "kind", flat=True)) == book
    with pytest.raises(ValidationError):
        actions.cancel(movement, order(OrderKind.CANCELLATION, "921-о"), secretary)


def test_a_leaver_to_school_2_is_offered_and_accepted_without_a_leak():
    pupil = pupil_of(7)
    finals = FinalMark.objects.filter(pupil=pupil).exclude(value="").count()
    movement = actions.leave(pupil, a_day(), order(OrderKind.LEAVING, "930-в"),
                             user("school1.secretary"), DestinationKind.CITY_SCHOOL,
                             destination_institution=school(2), reason="переезд")
    pupil.refresh_from_db()
    assert pupil.left_on == a_day()
    arrival = Arrival.objects.get(leaving=movement)
    assert arrival.state == ArrivalState.OFFERED and arrival.grade == 7
    assert len(arrival.transcript["finals"]) == finals
    # School 2 sees the arrival, school 1 does not; nobody outside school 2's office.
    assert Arrival.objects.visible_to(user("school2.secretary")).filter(pk=arrival.pk).exists()
    for name in ("school1.secretary", "school1.director", "school2.teacher", "dept"):
        assert not Arrival.objects.visible_to(user(name)).filter(pk=arrival.pk).exists()
    school2_class = SchoolClass.objects.filter(academic_year__is_current=True,
                                               institution=school(2), grade=7).first()
    new = actions.accept_arrival(arrival, school2_class, a_day(),
                                 order(OrderKind.ENROLMENT, "931-у", n=2),
                                 user("school2.secretary"))
    assert new.institution == school(2) and new.person_id == pupil.person_id
    assert new.pk != pupil.pk and new.school_class == school2_class
    assert Movement.objects.get(pupil=new).kind == MovementKind.ENROLMENT
    # Each school reads its own record only, and school 2 never the journal of school 1.
    secretary1, secretary2 = user("school1.secretary"), user("school2.secretary")
    assert not Pupil.objects.visible_to(secretary1).filter(pk=new.pk).exists()
    assert not Pupil.objects.visible_to(secretary2).filter(pk=pupil.pk).exists()
    assert not Movement.objects.visible_to(secretary1).filter(pupil=new).exists()
    assert not Movement.objects.visible_to(secretary2).filter(pupil=pupil).exists()
    assert not FinalMark.objects.visible_to(secretary2).filter(pupil=pupil).exists()
    assert not FinalMark.objects.visible_to(user("school2.admin")).filter(
        pupil=pupil).exists()
    # A decided arrival cannot be decided again; the leaving cannot be cancelled now.
    with pytest.raises(ValidationError):
        actions.decline_arrival(arrival, secretary2)
    with pytest.raises(ValidationError):
        actions.cancel(movement, order(OrderKind.CANCELLATION, "932-о"), secretary1)


def test_cancelling_a_leaving_withdraws_the_offer():
    pupil = pupil_of(8)
    movement = actions.leave(pupil, a_day(), order(OrderKind.LEAVING, "940-в"),
                             user("school1.secretary"), DestinationKind.CITY_SCHOOL,
                             destination_institution=school(2))
    actions.cancel(movement, order(OrderKind.CANCELLATION, "941-о"), user("school1.secretary"))
    pupil.refresh_from_db()
    assert pupil.left_on is None
    assert Arrival.objects.get(leaving=movement).state == ArrivalState.WITHDRAWN
    assert ClassMembership.objects.filter(pupil=pupil, ends_on__isnull=True).exists()


@pytest.mark.parametrize("name,may_read,may_write", [
    ("school1.secretary", True, True), ("school1.director", True, True),
    ("school1.deputy", True, True), ("school1.teacher", False, False),
    ("school1.classteacher", False, False), ("school1.parent", False, False),
    ("school1.pupil", False, False), ("dept", False, False),
    ("school2.secretary", False, False),
])
def test_who_reads_the_book_and_writes_orders(name, may_read, may_write):
    probe_movement = Movement.objects.filter(institution=school(1)).first()
    who = user(name)
    assert who.has_perm("movement.view_book", probe_movement) is may_read
    assert who.has_perm("movement.write_order", Order(institution=school(1))) is may_write


def test_the_department_reads_counts_only():
    from portal.access import readable_fields

    dept = user("dept")
    assert Movement.objects.visible_to(dept).count() == Movement.objects.count()
    assert readable_fields(dept, Movement) == {"pk", "id", "__str__", "institution", "kind",
                                               "date"}
