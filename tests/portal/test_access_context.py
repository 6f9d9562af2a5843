"""What the access core knows about a user (portal/access.py), answered by the apps
through the user-facts registry: a fixed, small number of queries, and the same answers
as asking each fact on its own."""

import datetime

import pytest

from curriculum.models import SchoolClass, TeachingAssignment
from portal.access import USER_FACTS, AccessContext, Role, today
from records.factories import (
    GuardianshipFactory,
    ParentFactory,
    PersonFactory,
    PupilFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from records.models import Guardianship, Person, Pupil, RoleAssignment

pytestmark = pytest.mark.django_db

DEMO = ["admin", "school1.admin", "school1.classteacher", "school1.teacher",
        "school1.deputy", "school1.parent", "school1.pupil", "school1.secretary", "dept"]


def expected(user):
    """Each fact asked on its own, as the core did before the registry."""
    person = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    assignments = set(RoleAssignment.objects.active().filter(person_id=person)
                      .values_list("role", "institution_id"))
    own = set(Pupil.objects.current().filter(person_id=person)
              .values_list("pk", "institution_id", "school_class_id"))
    children = set(Guardianship.objects.filter(parent__person_id=person,
                                               pupil__left_on__isnull=True)
                   .values_list("pupil_id", "pupil__institution_id", "pupil__school_class_id"))
    return person, assignments, own, children


def test_every_fact_is_answered_by_an_app():
    assert {"person", "classes"} <= set(USER_FACTS)


@pytest.mark.parametrize("username", DEMO)
def test_the_context_costs_one_query_and_one_more_for_classes(
        username, demo_user, django_assert_max_num_queries):
    user = demo_user(username)
    context = AccessContext(user)
    with django_assert_max_num_queries(1):
        read = (context.school_roles, context.department_roles, context.all_roles,
                context.own_pupil_ids, context.child_pupil_ids, context.children_class_ids)
    with django_assert_max_num_queries(1):
        read += (context.led_class_ids, context.taught_class_ids)
    assert context.all_roles or username == "admin", "the demo accounts hold roles"
    person, assignments, own, children = expected(user)
    assert context.person_id == person
    assert set(context._assignments) == assignments
    assert set(context._own_pupils) == own and set(context._children) == children


def test_the_combined_queries_answer_as_the_separate_ones(django_assert_max_num_queries):
    """Expired and future roles are left out, a person without roles is still found,
    a child who left is no longer a child, and the classes are those of the schools
    where the role is held."""
    user = UserFactory()
    person = PersonFactory(user=user)
    pupil = PupilFactory(person=PersonFactory())
    left = PupilFactory(person=PersonFactory(), institution=pupil.institution,
                        left_on=today() - datetime.timedelta(days=1))
    parent = ParentFactory(person=person, institution=pupil.institution)
    GuardianshipFactory(parent=parent, pupil=pupil)
    GuardianshipFactory(parent=parent, pupil=left)
    context = AccessContext(user)
    with django_assert_max_num_queries(1):
        assert context.person_id == person.pk
        assert context.school_roles == {pupil.institution_id: {Role.PARENT}}
    assert context.child_pupil_ids == {pupil.pk} and not context.own_pupil_ids

    school = SchoolClass.objects.get(academic_year__is_current=True,
                                     institution__short_name="СОШ № 1", grade=5, letter="А")
    RoleAssignmentFactory(person=person, role=Role.SUBJECT_TEACHER,
                          institution=school.institution,
                          valid_to=today() - datetime.timedelta(days=1))
    RoleAssignmentFactory(person=person, role=Role.CLASS_TEACHER,
                          institution=school.institution,
                          valid_from=today() + datetime.timedelta(days=1))
    RoleAssignmentFactory(person=person, role=Role.DIRECTOR, institution=None)
    context = AccessContext(user)
    assert context.department_roles == {Role.DIRECTOR}
    assert not context.holds(Role.SUBJECT_TEACHER) and not context.holds(Role.CLASS_TEACHER)
    person_id, assignments, own, children = expected(user)
    assert set(context._assignments) == assignments and set(context._children) == children


def test_classes_led_and_taught_come_from_the_curriculum(demo_user):
    user = demo_user("school1.classteacher")
    context = AccessContext(user)
    schools = context.institutions_with(Role.CLASS_TEACHER)
    assert schools, "the demo class teacher holds the role"
    led = set(SchoolClass.objects.filter(class_teacher__person_id=context.person_id,
                                         institution_id__in=schools,
                                         academic_year__is_current=True)
              .values_list("pk", flat=True))
    # Last year's class, which graduated, is led by nobody any more.
    assert SchoolClass.objects.filter(class_teacher__person_id=context.person_id,
                                      academic_year__is_current=False).exists()
    taught = set(TeachingAssignment.objects.filter(
        teacher__person_id=context.person_id,
        institution_id__in=context.institutions_with(Role.SUBJECT_TEACHER))
        .values_list("school_class_id", flat=True))
    assert led and context.led_class_ids == led
    assert context.taught_class_ids == taught
