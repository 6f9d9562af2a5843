"""The access matrix of courses and materials (R-MAT-1). Read docs/architecture.md first.

A course is read by its author and the school's teachers of its subject (a shared
course by every teacher of the school), the leadership and the editors of the school,
the pupils of the school's classes of its grade that study its subject and their
parents; the department reads titles and counts. It is edited by its author, the
school's editors and the leadership. Sections and materials are read and edited as
their course is (the department reads none of them, nor their files).
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from curriculum.models import TeachingAssignment
from curriculum.rules import LEADERSHIP
from portal.access import (
    CITY_LIMITED,
    DEPARTMENT_ROLES,
    INSTITUTION,
    SELF,
    Role,
    Scope,
    cells,
    grant,
)

from .models import Course, CourseMaterial, CourseSection


def _facts(context, key, compute):
    """A fact about the user for the course scopes, read once per request."""
    cache = context.__dict__.setdefault("_course_facts", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def taught_subjects(context, role):
    """{(institution, subject)} the user teaches in the schools where they hold ``role``."""
    schools = context.institutions_with(role)

    def compute():
        if context.person_id is None or not schools:
            return frozenset()
        return frozenset(TeachingAssignment.objects.filter(
            teacher__person_id=context.person_id, institution_id__in=schools)
            .values_list("institution_id", "subject_id").distinct())

    return _facts(context, ("taught", role), compute)


def family_subjects(context, role):
    """{(institution, grade, subject)} of the user's own class (a pupil) or their
    children's classes (a parent): the subjects taught in those classes."""
    classes = context.own_class_ids if role == Role.PUPIL else context.children_class_ids

    def compute():
        if not classes:
            return frozenset()
        return frozenset(TeachingAssignment.objects.filter(school_class_id__in=classes)
                         .values_list("school_class__institution_id", "school_class__grade",
                                      "subject_id").distinct())

    return _facts(context, ("family", role), compute)


@dataclass(frozen=True)
class CourseScope(Scope):
    """A scope on the row's course (``course_prefix``): ``match(context, role)`` gives
    (a Q over the course's fields with the prefix, a test of one course)."""

    match: object = None

    def q(self, model, context, role):
        condition, _test = self.match(context, role, model.course_prefix)
        return condition

    def test(self, obj, context, role):
        course = obj.access_course()
        if course is None:
            return False
        _condition, test = self.match(context, role, "")
        return test(course)


def _teacher_match(context, role, prefix):
    person, schools = context.person_id, context.institutions_with(role)
    taught = taught_subjects(context, role)
    parts = []
    if person is not None:
        parts.append(Q(**{f"{prefix}author__person_id": person}))
    if schools:
        parts.append(Q(**{f"{prefix}institution_id__in": schools, f"{prefix}shared": True}))
    for institution_id, subject_id in taught:
        parts.append(Q(**{f"{prefix}institution_id": institution_id,
                          f"{prefix}subject_id": subject_id}))

    def test(course):
        return bool(
            (person is not None and course.author_id is not None
             and course.author.person_id == person)
            or (course.shared and course.institution_id in schools)
            or (course.institution_id, course.subject_id) in taught)

    return (reduce(or_, parts) if parts else None), test


def _family_match(context, role, prefix):
    triples = family_subjects(context, role)
    parts = [Q(**{f"{prefix}institution_id": i, f"{prefix}grade": g, f"{prefix}subject_id": s})
             for i, g, s in sorted(triples)]

    def test(course):
        return (course.institution_id, course.grade, course.subject_id) in triples

    return (reduce(or_, parts) if parts else None), test


TEACHER_COURSES = CourseScope(
    "teacher_courses", _("own courses, own subjects', the school's shared ones"), None,
    None, match=_teacher_match)
FAMILY_COURSES = CourseScope(
    "family_courses", _("courses of own class, children's classes"), None, None,
    match=_family_match)
COURSE_SCOPES = (TEACHER_COURSES, FAMILY_COURSES)

TEACHERS = [Role.SUBJECT_TEACHER, Role.CLASS_TEACHER]
READERS = {
    **cells(LEADERSHIP, INSTITUTION),
    Role.EDITOR: INSTITUTION,
    **cells(TEACHERS, TEACHER_COURSES),
    Role.PUPIL: FAMILY_COURSES,
    Role.PARENT: FAMILY_COURSES,
}
WRITERS = {
    **cells(LEADERSHIP, INSTITUTION),
    Role.EDITOR: INSTITUTION,
    **cells(TEACHERS, SELF),
}

grant("courses.view_course", Course, {**READERS, **cells(DEPARTMENT_ROLES, CITY_LIMITED)})
for model in (CourseSection, CourseMaterial):
    grant(f"courses.view_{model._meta.model_name}", model, READERS)
for model in (Course, CourseSection, CourseMaterial):
    for action in ("add", "change", "delete"):
        grant(f"courses.{action}_{model._meta.model_name}", model, WRITERS)
