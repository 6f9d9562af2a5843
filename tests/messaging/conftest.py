"""A small world for the mail's rules (R-MAIL-1, R-PD-5), beside the demo city: two
schools A and B; a parent with a child in each (class a1 of A, b1 of B); the teachers
of those children and of other classes; class teachers, directors, a teacher who left,
a teacher whose login is inactive; another family in A; the department."""

import datetime
from types import SimpleNamespace

import pytest

from curriculum.factories import (
    AcademicYearFactory,
    SchoolClassFactory,
    SubgroupFactory,
    SubgroupMembershipFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
)
from portal.access import Role
from records.factories import (
    GuardianshipFactory,
    InstitutionFactory,
    ParentFactory,
    PersonFactory,
    PupilFactory,
    RoleAssignmentFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _no_rate_limits(clear_rate_limits):
    """Every test starts with no counts of sends (they live in the cache)."""


def login(person, **kwargs):
    user = UserFactory(**kwargs)
    person.user = user
    person.save(update_fields=["user"])
    return user


def staff(school, *roles, **kwargs):
    person = PersonFactory()
    record = StaffFactory(institution=school, person=person, **kwargs)
    for role in roles:
        RoleAssignmentFactory(person=person, institution=school, role=role)
    record.user = login(person)
    return record


def teaches(teacher, school_class, subject=None, **kwargs):
    return TeachingAssignmentFactory(
        institution=school_class.institution, teacher=teacher, school_class=school_class,
        subject=subject or SubjectFactory(institution=school_class.institution), **kwargs)


def pupil_in(school_class, with_login=False):
    pupil = PupilFactory(institution=school_class.institution, school_class=school_class)
    if with_login:
        pupil.user = login(pupil.person)
    return pupil


@pytest.fixture
def world(db):
    a, b = InstitutionFactory(), InstitutionFactory()
    year_a, year_b = AcademicYearFactory(institution=a), AcademicYearFactory(institution=b)
    a1, a2 = (SchoolClassFactory(institution=a, academic_year=year_a, letter=letter)
              for letter in "АБ")
    b1, b2 = (SchoolClassFactory(institution=b, academic_year=year_b, letter=letter)
              for letter in "АБ")
    w = SimpleNamespace(a=a, b=b, a1=a1, a2=a2, b1=b1, b2=b2)

    w.maths_a1 = staff(a, Role.SUBJECT_TEACHER)
    teaches(w.maths_a1, a1, SubjectFactory(institution=a, name="Математика"))
    w.teacher_a2 = staff(a, Role.SUBJECT_TEACHER)
    teaches(w.teacher_a2, a2)
    w.class_teacher_a1 = staff(a, Role.CLASS_TEACHER)
    a1.class_teacher = w.class_teacher_a1
    a1.save(update_fields=["class_teacher"])
    w.director_a = staff(a, Role.DIRECTOR)
    w.secretary_a = staff(a, Role.SECRETARY)
    w.left_a1 = staff(a, Role.SUBJECT_TEACHER, left_on=datetime.date(2026, 10, 1))
    teaches(w.left_a1, a1)
    w.inactive_a1 = staff(a, Role.SUBJECT_TEACHER)
    teaches(w.inactive_a1, a1)
    w.inactive_a1.user.is_active = False
    w.inactive_a1.user.save(update_fields=["is_active"])
    # English in two groups of a1: the child is in group 1 only.
    english = SubjectFactory(institution=a, name="Английский язык")
    w.group1_teacher = staff(a, Role.SUBJECT_TEACHER)
    w.group2_teacher = staff(a, Role.SUBJECT_TEACHER)
    group1 = SubgroupFactory(school_class=a1, subject=english, teacher=w.group1_teacher)
    group2 = SubgroupFactory(school_class=a1, subject=english, teacher=w.group2_teacher)
    teaches(w.group2_teacher, a1, english, subgroup=group2)

    w.teacher_b1 = staff(b, Role.SUBJECT_TEACHER)
    teaches(w.teacher_b1, b1)
    w.teacher_b2 = staff(b, Role.SUBJECT_TEACHER)
    teaches(w.teacher_b2, b2)
    w.director_b = staff(b, Role.DIRECTOR)

    # The family with a child in each school.
    w.child_a = pupil_in(a1, with_login=True)
    w.child_b = pupil_in(b1)
    SubgroupMembershipFactory(subgroup=group1, pupil=w.child_a)
    person = PersonFactory()
    w.parent = login(person)
    GuardianshipFactory(parent=ParentFactory(institution=a, person=person), pupil=w.child_a)
    GuardianshipFactory(parent=ParentFactory(institution=b, person=person), pupil=w.child_b)
    # Another family, in a2.
    w.other_child = pupil_in(a2, with_login=True)
    other = PersonFactory()
    w.other_parent = login(other)
    GuardianshipFactory(parent=ParentFactory(institution=a, person=other), pupil=w.other_child)
    # A classmate in a1 and their parent.
    w.classmate = pupil_in(a1, with_login=True)
    classmate_parent = PersonFactory()
    w.classmate_parent = login(classmate_parent)
    GuardianshipFactory(parent=ParentFactory(institution=a, person=classmate_parent),
                        pupil=w.classmate)

    department = PersonFactory()
    RoleAssignmentFactory(person=department, institution=None, role=Role.CHIEF_SPECIALIST)
    w.department = login(department)
    return w
