"""A property test of the whole API: schemathesis generates requests from the API's
own OpenAPI schema (every operation, every parameter and body: missing, malformed,
huge, negative, odd strings) and sends them in-process to the portal's WSGI
application, with the demo city's documented keys; no answer may be a server error.

Half of the generated ids are swapped for ids of rows the key's user does reach (their
children, their lessons and works), so that the checks behind the 404 are driven with
fuzzed dates, periods, values and versions too. Bounded: a few dozen examples per
operation, well under a minute in all."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.demo import demo_key
from api.scopes import JOURNAL_READ, JOURNAL_WRITE
from curriculum.models import MarkType
from journal.models import Task
from portal.access import today
from records.models import Pupil
from schedule.models import Lesson
from tests.api.test_schema import served_schema
from tests.dates import TEST_CITY

pytestmark = pytest.mark.django_db

SEED = int(TEST_CITY[TEST_CITY.index("--seed") + 1])
TEACHER_SCOPES = {JOURNAL_READ, JOURNAL_WRITE}


# The schema the API serves at /api/v1/openapi.json (tests/api/test_schema.py checks
# they are the same), answered by the portal's WSGI application as gunicorn runs it.
schema = schemathesis.openapi.from_dict(served_schema())
schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def in_the_tests_transaction():
    """The requests run inside the test's transaction: as Django's own test client
    does, the request signals do not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def reachable(settings, clear_rate_limits):
    """The demo keys, and ids their users reach. The rate limit is set out of the way
    (its own test is test_rate_limit.py)."""
    settings.API_RATE_LIMIT = "1000000/m"
    child = Pupil.objects.filter(
        guardianships__parent__person__user__username="school1.parent").order_by("pk").first()
    lesson = (Lesson.objects.filter(teacher__person__user__username="school1.teacher",
                                    date=today(), is_cancelled=False).order_by("pk").first())
    task = Task.objects.filter(lesson__teacher__person__user__username="school1.teacher",
                               lesson__date__lte=today()).order_by("-pk").first()
    pupil = lesson.school_class.pupils.order_by("pk").first() if lesson else child
    return {
        "parent": demo_key(SEED, "school1.parent"),
        "teacher": demo_key(SEED, "school1.teacher"),
        "pupil_id": child.pk, "lesson_id": lesson.pk, "lesson": lesson.pk,
        "work": task.pk, "pupil": pupil.pk,
        "work_type": MarkType.objects.for_institution(lesson.institution_id).first().pk,
    }


def user_of(operation):
    """The teacher for the journal and a teacher's own timetable, the parent for the
    rest."""
    scope = operation.definition.raw.get("x-scope")
    teachers = scope in TEACHER_SCOPES or operation.path.endswith("/v1/timetable/week")
    return "teacher" if teachers else "parent"


def swap_ids(case, reachable):
    """Every second generated id (by its value) becomes one the user reaches."""
    for part in (case.path_parameters, case.query, case.body):
        if not isinstance(part, dict):
            continue
        for name, value in list(part.items()):
            if name in reachable and isinstance(value, int) and value % 2 == 0:
                part[name] = reachable[name]


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case, reachable):
    key = reachable[user_of(case.operation)]
    swap_ids(case, reachable)
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"},
                           checks=[not_a_server_error])
