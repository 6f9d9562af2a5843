"""Courses in the portal's search (portal/search.py): registered, indexed, and searched
only within what the user may see."""

import pytest
from wagtail.search.backends import get_search_backend

from courses.models import Course
from portal import search

pytestmark = pytest.mark.django_db


def test_courses_are_registered_for_the_search_box():
    assert search.SOURCES["courses"].model is Course


@pytest.mark.parametrize("username, sees_school1", [
    ("school1.pupil", True), ("school1.teacher", True), ("school2.parent", False),
])
def test_a_search_finds_only_visible_courses(demo_user, username, sees_school1):
    school1 = Course.objects.get(institution__short_name="СОШ № 1", grade=5,
                                 subject__name="Математика")
    backend = get_search_backend()
    backend.add(school1)
    found = list(backend.search("Математика", Course.objects.visible_to(demo_user(username))))
    assert (school1 in found) == sees_school1
    assert all(course in Course.objects.visible_to(demo_user(username)) for course in found)
