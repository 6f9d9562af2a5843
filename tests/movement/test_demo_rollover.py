"""The demo city's finished previous year, rolled over into this one (issue 14, item 9):
every pupil who was there then moved up by the promotion order (one on condition, one
repeating), the last grade graduated by the graduation order, the old year closed with
its finals, and the book's first-movement rule holds for all of it."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from curriculum.models import AcademicYear, ClassMembership, Period
from journal.models import FinalKind, FinalMark
from movement.models import Movement, MovementKind, OrderKind, check_first_movements
from movement.rollover import ROLLED_OVER
from records.models import Institution, Pupil

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n", [1, 2])
def test_every_pupil_of_the_previous_year_moved_up_or_graduated(n):
    school = Institution.objects.get(short_name=f"СОШ № {n}")
    current = AcademicYear.objects.get(institution=school, is_current=True)
    old = AcademicYear.objects.get(institution=school, is_current=False)
    assert old.ends_on < current.starts_on and old.name.split("/")[1] == str(
        current.starts_on.year)
    assert Period.objects.filter(academic_year=old).exists()
    assert not Period.objects.filter(academic_year=old, closed_at__isnull=True).exists()

    members = {m.pupil_id: m for m in ClassMembership.objects.filter(
        school_class__academic_year=old).select_related("school_class")}
    moves = {m.pupil_id: m for m in Movement.objects.filter(
        institution=school, kind__in=[MovementKind.PROMOTION, MovementKind.REPEAT,
                                      MovementKind.GRADUATION],
        order__kind__in=[OrderKind.PROMOTION, OrderKind.GRADUATION])
        .select_related("from_class", "to_class", "order")}
    assert set(members) == set(moves)
    # Everyone this year who came before it began was in the school last year.
    came_before = set(Pupil.objects.filter(institution=school, enrolled_on__lt=current.starts_on,
                                           left_on__isnull=True).values_list("pk", flat=True))
    assert came_before <= set(members)
    kinds = {kind: 0 for kind in MovementKind}
    for pupil_id, move in moves.items():
        kinds[move.kind] += 1
        then = members[pupil_id].school_class
        assert move.from_class == then and then.academic_year_id == old.pk
        if move.kind == MovementKind.GRADUATION:
            assert move.to_class is None and move.date == move.order.date
        else:
            assert move.to_class.academic_year_id == current.pk
            assert move.to_class.letter == then.letter
            assert move.to_class.grade == then.grade + (move.kind == MovementKind.PROMOTION)
            assert move.date == current.starts_on
    assert kinds[MovementKind.REPEAT] == 1 and kinds[MovementKind.GRADUATION] > 0
    graduates = Pupil.objects.filter(pk__in=[p for p, m in moves.items()
                                             if m.kind == MovementKind.GRADUATION])
    assert all(p.left_on for p in graduates)
    # The year finals: everyone's, failing only where the decision says so.
    failing = set(FinalMark.objects.filter(academic_year=old, kind=FinalKind.YEAR, value="2")
                  .values_list("pupil_id", flat=True))
    decided = {p for p, m in moves.items() if m.kind == MovementKind.REPEAT or m.reason}
    assert failing == decided and len(decided) == 2
    assert set(FinalMark.objects.filter(academic_year=old).values_list(
        "pupil_id", flat=True)) == set(members)
    assert ModelLogEntry.objects.filter(action=ROLLED_OVER, object_id=str(current.pk)).exists()


def test_the_book_starts_every_pupil_with_an_enrolment():
    check_first_movements(list(Movement.objects.all()))


def test_the_previous_years_graduates_are_listed(client_for):
    school = Institution.objects.get(short_name="СОШ № 1")
    old = AcademicYear.objects.get(institution=school, is_current=False)
    page = client_for("school1.secretary").get(
        reverse("movement:lists", args=[school.pk]), {"year": old.ends_on.year})
    assert page.status_code == 200
    graduate = Pupil.objects.filter(institution=school, movements__kind=MovementKind.GRADUATION
                                    ).select_related("person").first()
    assert graduate.person.full_name in page.content.decode()


def test_last_years_class_lists_who_was_in_it(client_for):
    """The old year stays readable: last year's 4А lists its pupils, now in 5А, and
    offers no transfer."""
    from curriculum.models import SchoolClass

    school = Institution.objects.get(short_name="СОШ № 1")
    old = AcademicYear.objects.get(institution=school, is_current=False)
    fourth = SchoolClass.objects.get(academic_year=old, grade=4, letter="А")
    pupils = set(ClassMembership.objects.filter(school_class=fourth).values_list(
        "pupil_id", flat=True))
    assert pupils
    page = client_for("school1.deputy").get(reverse("journal:class", args=[fourth.pk]))
    assert page.status_code == 200
    assert {row.record.pk for row in page.context["table"].rows} == pupils
    assert {p.school_class.grade for p in Pupil.objects.filter(pk__in=pupils)} == {5}
    assert "data-past-year" in page.content.decode()
    assert not page.context["may_transfer"]
