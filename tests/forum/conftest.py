"""The forum's personas and rows: the demo city's sections (forum/demo.py), the demo
logins, and a login that is nobody in the city."""

import pytest
from django.core.cache import cache

from curriculum.models import SchoolClass
from forum import audience
from forum.models import Post, Section, Topic
from records.models import Institution, User


@pytest.fixture(autouse=True)
def fresh_forum_state(db):
    """No rate-limit counters, and the menu's memory of sections read anew: a test's
    rolled-back sections must not linger in it."""
    audience.forget_sections()
    cache.clear()
    yield
    audience.forget_sections()
    cache.clear()


@pytest.fixture
def user(db):
    return lambda username: User.objects.get(username=username)


def school(number):
    return Institution.objects.get(short_name=f"СОШ № {number}")


def demo_section(title, number=None):
    """A section of the demo: of school ``number``, or of the city (None)."""
    if number is None:
        return Section.objects.get(institution__isnull=True, title=title)
    return Section.objects.get(institution__short_name=f"СОШ № {number}", title=title)


@pytest.fixture
def sections(db):
    """The demo's sections by a short name."""
    return {
        "city": demo_section("Городской форум"),
        "department": demo_section("Управление образования: рабочие вопросы"),
        "school1": demo_section("Школьный форум", 1),
        "staff1": demo_section("Учительская", 1),
        "parents1": demo_section("Родительский клуб", 1),
        "class5a": demo_section("5А: родители и ученики", 1),
        "school2": demo_section("Школьный форум", 2),
        "staff2": demo_section("Учительская", 2),
        "parents2": demo_section("Родительский клуб", 2),
    }


@pytest.fixture
def lunch(sections):
    """School 1's parents' topic with a hidden post and a banned author."""
    return Topic.objects.get(section=sections["parents1"], title="Питание в столовой")


@pytest.fixture
def class_5a(db):
    return SchoolClass.objects.current().get(institution=school(1), grade=5, letter="А")


@pytest.fixture
def nobody(db):
    """A login that is nobody in the city: no role, no pupil, no child."""
    return User.objects.create(username="nobody.at.all")


def first_post(topic):
    return Post.objects.filter(topic=topic).order_by("pk").first()
