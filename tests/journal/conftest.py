import pytest
from django.conf import settings
from django.utils import translation

from tests.dates import SETTLED_DAY, TODAY, clock_at


@pytest.fixture
def english(client):
    """Messages are compared by their English source text, which stays the same when
    the Russian catalogue changes."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def school_week():
    """For tests that need held lessons on more than one day of the open quarter and
    make their own works: on a quarter's first days, or in the summer (when the demo
    city is the coming year's), the clock moves to the quarter's ninth day. Its lessons
    are held then, with no journal data past the day the city was built."""
    if SETTLED_DAY == TODAY:
        yield
        return
    with clock_at(SETTLED_DAY):
        yield
