import pytest

from announcements.models import AnnouncementIndexPage, AnnouncementPage
from curriculum.models import SchoolClass
from records.models import Parent, User
from sgo_pages.models import SchoolPage


@pytest.fixture
def school1_page(db):
    return SchoolPage.objects.get(institution__short_name="СОШ № 1")


@pytest.fixture
def school2_page(db):
    return SchoolPage.objects.get(institution__short_name="СОШ № 2")


@pytest.fixture
def news1(school1_page):
    return AnnouncementIndexPage.objects.child_of(school1_page).get()


@pytest.fixture
def class_5a(school1_page):
    return SchoolClass.objects.current().get(institution=school1_page.institution_id, grade=5,
                                             letter="А")


@pytest.fixture
def other_class_parent(class_5a):
    """A login for a parent of school 1 none of whose children is in 5А."""
    parent = (Parent.objects.filter(institution=class_5a.institution_id,
                                    person__user__isnull=True)
              .exclude(guardianships__pupil__school_class=class_5a)
              .filter(guardianships__pupil__left_on__isnull=True)
              .select_related("person").order_by("pk").first())
    user = User.objects.create(username="school1.otherparent")
    parent.person.user = user
    parent.person.save(update_fields=["user"])
    return user


@pytest.fixture
def publish(news1):
    """Publishes an announcement under ``index`` (school 1's news by default)."""

    def make(title="Объявление", index=None, **fields):
        page = (index or news1).add_child(instance=AnnouncementPage(
            title=title, body=fields.pop("body", "<p>Текст</p>"), live=False, **fields))
        page.save_revision().publish()
        return AnnouncementPage.objects.get(pk=page.pk)

    return make
