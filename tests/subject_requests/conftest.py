import pytest

from records.models import Institution, User
from subject_requests.models import SubjectRequest


@pytest.fixture
def school1(db):
    return Institution.objects.get(short_name="СОШ № 1")


@pytest.fixture
def user(db):
    return lambda username: User.objects.select_related("person").get(username=username)


@pytest.fixture
def overdue(db):
    """The demo's overdue request (school 1, the demo parent's child's access)."""
    return SubjectRequest.objects.overdue().get()


@pytest.fixture
def child_of(db):
    def child(username, school):
        parent = User.objects.get(username=username).person.parent_records.get(
            institution=school)
        return parent.children.select_related("person").order_by("pk").first()
    return child
