import pytest
from django.core.management import CommandError, call_command

from curriculum.models import (
    GradingScale,
    Holiday,
    LoadLimit,
    MarkType,
    PeriodType,
    SchoolClass,
    SetupWizard,
    TeachingAssignment,
)
from portal.access import Role
from portal.demo.city import DEMO_ACCOUNTS
from records.models import Guardianship, Institution, Parent, Person, Pupil, Staff, User
from tests.dates import WITHOUT_JOURNAL

pytestmark = pytest.mark.django_db

# The journal's settings shared by the department's schools.
SHARED = [PeriodType, GradingScale, MarkType, Holiday, LoadLimit]


def snapshot():
    return list(Person.objects.order_by("pk").values_list("surname", "name", "patronymic",
                                                         "birth_date"))


def test_the_small_city_has_the_promised_shape():
    from movement.models import Arrival

    assert Institution.objects.count() == 2
    for institution in Institution.objects.all():
        this_year = SchoolClass.objects.filter(institution=institution,
                                               academic_year__is_current=True)
        assert this_year.count() == 10
        # 25 a class, and the pupil school 2 accepted from school 1 (movement/demo.py);
        # besides them, last year's 25 graduates (movement/demo_rollover.py).
        arrived = Arrival.objects.filter(institution=institution, pupil__isnull=False).count()
        assert Pupil.objects.filter(institution=institution,
                                    school_class__in=this_year).count() == 250 + arrived
        assert Pupil.objects.filter(institution=institution).exclude(
            school_class__in=this_year).count() == 25
        assert Staff.objects.filter(institution=institution).count() >= 20
    assert Parent.objects.count() > Pupil.objects.count()
    assert TeachingAssignment.objects.exists()


def test_every_demo_account_exists_and_is_what_it_says():
    users = {u.username: u for u in User.objects.filter(
        username__in=[name for name, _ in DEMO_ACCOUNTS])}
    assert set(users) == {name for name, _ in DEMO_ACCOUNTS}
    assert users["admin"].is_superuser
    parent = users["school1.parent"].person
    children = Pupil.objects.filter(guardianships__parent__person=parent)
    assert children.count() == 2
    assert {c.institution.short_name for c in children} == {"СОШ № 1"}
    assert "5А" in {str(c.school_class) for c in children}
    pupil = Pupil.objects.get(person__user=users["school1.pupil"])
    assert pupil in children and str(pupil.school_class) == "5А"
    led = SchoolClass.objects.get(class_teacher__person__user=users["school1.classteacher"],
                                  academic_year__is_current=True)
    assert str(led) == "5А"
    taught = TeachingAssignment.objects.filter(teacher__person__user=users["school1.teacher"])
    assert taught.values("school_class").distinct().count() >= 2
    assert users["dept"].person.role_assignments.get().role == Role.CHIEF_SPECIALIST


def test_a_second_run_without_reset_refuses_and_changes_nothing():
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", "--if-empty", stdout=open("/dev/null", "w"))
    assert snapshot() == before


# The builder draws the same numbers whatever the database: checked on SQLite only.
@pytest.mark.slow_once
def test_reset_rebuilds_the_same_city_for_the_same_seed():
    """Also: the reset keeps the department's settings (a migration seeds them) and
    rebuilds every school's, wizard done and no holiday left without its school. One
    rebuild checks both (a rebuild is the slow part of the suite)."""
    before = snapshot()
    links = Guardianship.objects.count()
    department = {model: model.objects.department_wide().count() for model in SHARED}
    # The people and families come before the journal: rebuilt without it (cheaper).
    call_command("seed_demo", *WITHOUT_JOURNAL, "--reset", stdout=open("/dev/null", "w"))
    assert snapshot() == before
    assert Guardianship.objects.count() == links
    assert {model: model.objects.department_wide().count() for model in SHARED} == department
    assert SetupWizard.objects.completed().count() == Institution.objects.count() == 2
    assert not Holiday.objects.exclude(institution__in=Institution.objects.all()).filter(
        institution__isnull=False).exists()
    call_command("seed_demo", *WITHOUT_JOURNAL, "--reset", "--seed", "2",
                 stdout=open("/dev/null", "w"))
    assert snapshot() != before
