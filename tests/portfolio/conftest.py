import pytest

from portfolio.models import Achievement, Portfolio, Project
from records.models import User


@pytest.fixture
def own(db):
    """school1.pupil's portfolio of the demo city: public (with the parent's consent),
    private and waiting achievements."""
    return Portfolio.objects.get(person__user__username="school1.pupil")


@pytest.fixture
def achievements(own):
    rows = Achievement.objects.filter(portfolio=own)
    return {
        "public": rows.get(public=True),
        "private": rows.get(public=False, public_requested_at__isnull=True),
        "waiting": rows.get(public=False, public_requested_at__isnull=False),
    }


@pytest.fixture
def olympiad(db):
    return Project.objects.get(kind="olympiad")


@pytest.fixture
def grant(db):
    return Project.objects.get(kind="grant")


@pytest.fixture
def user(db):
    return lambda username: User.objects.get(username=username)


@pytest.fixture(autouse=True)
def demo_files(db):
    """The demo city's files live in the private storage of the session that built it:
    a city kept by ``--reuse-db`` names files another session's storage held."""
    from django.core.files.base import ContentFile

    from portal.uploads import private_storage
    from portfolio.demo import portrait_png, tiny_pdf
    from portfolio.models import AchievementFile, Material, ProjectMaterial

    storage = private_storage()
    names = [(name, portrait_png(0)) for name in
             Portfolio.objects.exclude(portrait="").values_list("portrait", flat=True)]
    pdf = tiny_pdf()
    for model in (AchievementFile, Material, ProjectMaterial):
        names += [(name, pdf) for name in
                  model.objects.exclude(file="").values_list("file", flat=True)]
    for name, content in names:
        if not storage.exists(name):
            storage.save(name, ContentFile(content))
