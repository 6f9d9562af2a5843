"""Visit statistics (R-DEP-4): page views and logins counted by school, role group and
day in the process and written by a flush; what is not a page view; no query added to
a page; who reads the report and what; bad input; the report's query budget."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from records.factories import (
    GuardianshipFactory,
    InstitutionFactory,
    ParentFactory,
    PupilFactory,
)
from records.models import Institution, Parent
from reports import visits
from reports.models import VisitCount
from reports.visits import DEPARTMENT, GROUPS, LEADERS, OTHER_STAFF, TEACHERS
from tests.conftest import DEMO_PASSWORD
from tests.dates import TODAY

pytestmark = pytest.mark.django_db

VISITS = reverse("reports:visits")
PARENTS = "parent"
MIDDLEWARE = "reports.middleware.VisitCountMiddleware"


@pytest.fixture(autouse=True)
def nothing_pending():
    """The counts of the other tests' requests stay out of these."""
    visits.take()
    yield
    visits.take()


def school(number):
    return Institution.objects.get(short_name=f"СОШ № {number}")


def counted(institution, group, day=TODAY):
    """(logins, views) written for a school (None: the department), group and day."""
    row = VisitCount.objects.filter(day=day, institution=institution, role=group).first()
    return (row.logins, row.views) if row else (0, 0)


def russian(text):
    """A label as the page shows it (the interface speaks Russian)."""
    with translation.override("ru"):
        return str(text)


def rows_of(response):
    return [row.record for row in response.context["table"].rows]


def test_a_teachers_and_a_parents_page_views_count_under_their_school_after_a_flush(
        client_for):
    school1, school2 = school(1), school(2)
    before = list(VisitCount.objects.values_list("pk", "logins", "views"))
    assert client_for("school1.teacher").get(reverse("dashboard")).status_code == 200
    assert client_for("school1.parent").get(reverse("records:family")).status_code == 200
    assert client_for("school1.parent").get(reverse("records:family")).status_code == 200
    # Nothing is written before the flush.
    assert list(VisitCount.objects.values_list("pk", "logins", "views")) == before
    assert visits.flush() == 2
    assert counted(school1, TEACHERS) == (0, 1)
    assert counted(school1, PARENTS) == (0, 2)
    assert counted(school2, TEACHERS) == (0, 0)
    assert counted(school2, PARENTS) == (0, 0)


def test_the_department_counts_without_a_school(client_for):
    assert client_for("dept").get(reverse("dashboard")).status_code == 200
    visits.flush()
    assert counted(None, DEPARTMENT) == (0, 1)


@pytest.mark.usefixtures("clear_rate_limits")
@pytest.mark.parametrize("username, group", [("school1.teacher", TEACHERS),
                                             ("school1.parent", PARENTS),
                                             ("school1.director", LEADERS)])
def test_a_login_counts_under_the_school_and_group(client, username, group):
    response = client.post(reverse("account_login"),
                           {"login": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    # The login's redirect is not a page view.
    visits.flush()
    assert counted(school(1), group) == (1, 0)


def test_a_parent_with_children_in_two_schools_counts_in_both(client_for, demo_user):
    user = demo_user("school1.parent")
    school2 = school(2)
    parent = ParentFactory(institution=school2, person=user.person)
    GuardianshipFactory(parent=parent, pupil=PupilFactory(institution=school2))
    assert client_for("school1.parent").get(reverse("records:family")).status_code == 200
    visits.flush()
    assert counted(school(1), PARENTS) == (0, 1)
    assert counted(school2, PARENTS) == (0, 1)
    assert Parent.objects.filter(person=user.person).count() == 2


def test_a_user_with_two_roles_in_a_school_counts_once_in_each_group(client_for):
    # The class teacher also teaches: both are teachers, counted once.
    assert client_for("school1.classteacher").get(reverse("dashboard")).status_code == 200
    assert list(visits.take().values()) == [[0, 1]]


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_json_fetches_downloads_errors_static_files_and_visitors_are_not_counted(
        demo_user, client):
    client.get("/")  # a visitor
    signed_in = Client()  # made after the override: its WhiteNoise finds the static files
    signed_in.force_login(demo_user("dept"))
    assert signed_in.get("/static/portal/portal.css").status_code == 200
    for url in ("/manifest.webmanifest", "/sw.js"):
        assert signed_in.get(url).status_code == 200
    for fmt in ("csv", "xlsx"):
        assert signed_in.get(VISITS, {"export": fmt}).status_code == 200
    page = reverse("dashboard")
    assert signed_in.get(page, HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 200
    assert signed_in.get(page, HTTP_SEC_FETCH_MODE="cors",
                         HTTP_SEC_FETCH_DEST="empty").status_code == 200
    assert signed_in.get(page, HTTP_SEC_FETCH_MODE="navigate",
                         HTTP_SEC_FETCH_DEST="iframe").status_code == 200
    assert signed_in.head(page).status_code == 200
    assert signed_in.post(page).status_code in (200, 302, 403, 405)
    assert signed_in.get("/no-such-page/").status_code == 404
    assert signed_in.get(reverse("account_login")).status_code == 302  # a redirect
    assert visits.take() == {}
    # A page the browser navigated to is one.
    assert signed_in.get(page, HTTP_SEC_FETCH_MODE="navigate",
                         HTTP_SEC_FETCH_DEST="document").status_code == 200
    assert visits.take() == {(TODAY, None, DEPARTMENT): [0, 1]}


PAGES = [
    ("school1.teacher", lambda: reverse("dashboard")),
    ("school1.parent", lambda: reverse("records:family")),
    ("dept", lambda: reverse("dashboard")),
    ("school1.secretary", lambda: reverse("records_pupil:index")),
]


@pytest.mark.parametrize("username, url", PAGES, ids=[u for u, _ in PAGES])
def test_counting_adds_no_query_to_a_page(demo_user, username, url):
    address = url()

    def queries():
        client = Client()  # made here: its handler loads the middleware of the moment
        client.force_login(demo_user(username))
        client.get(address)  # warm: the first request of a client may read more
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return captured

    without = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    with override_settings(MIDDLEWARE=without):
        plain = queries()
    assert visits.take() == {}
    counting = queries()
    assert len(counting) == len(plain)
    assert not any("reports_visitcount" in query["sql"] for query in counting.captured_queries)
    assert sum(views for _logins, views in visits.take().values()) >= 1


@override_settings(VISITS_FLUSH_SECONDS=0)
def test_the_middleware_flushes_when_the_time_has_come(client_for):
    assert client_for("school1.teacher").get(reverse("dashboard")).status_code == 200
    assert counted(school(1), TEACHERS) == (0, 1)
    assert visits.take() == {}


def test_a_flush_is_idempotent_and_flushes_add_up(client_for):
    client = client_for("school1.teacher")
    client.get(reverse("dashboard"))
    client.get(reverse("dashboard"))
    assert visits.flush() == 1  # today's row made
    assert counted(school(1), TEACHERS) == (0, 2)
    assert visits.flush() == 0  # nothing more to write: nothing changes
    assert counted(school(1), TEACHERS) == (0, 2)
    client.get(reverse("dashboard"))
    assert visits.flush() == 1  # added to the row
    assert counted(school(1), TEACHERS) == (0, 3)
    # Counts of another process written in between are added to, not overwritten.
    VisitCount.objects.filter(day=TODAY, institution=school(1), role=TEACHERS).update(
        views=10)
    client.get(reverse("dashboard"))
    visits.flush()
    assert counted(school(1), TEACHERS) == (0, 11)
    # The demo's rows of yesterday are added to as well.
    yesterday = TODAY - datetime.timedelta(days=1)
    logins, views = counted(school(1), TEACHERS, yesterday)
    department = counted(None, DEPARTMENT, yesterday)
    visits.write({(yesterday, school(1).pk, TEACHERS): [2, 5],
                  (yesterday, None, DEPARTMENT): [1, 3]})
    assert counted(school(1), TEACHERS, yesterday) == (logins + 2, views + 5)
    assert counted(None, DEPARTMENT, yesterday) == (department[0] + 1, department[1] + 3)
    assert VisitCount.objects.filter(day=yesterday, institution=None).count() == 1


def test_a_failed_flush_keeps_its_counts(client_for, monkeypatch):
    client_for("school1.teacher").get(reverse("dashboard"))

    def broken(pending):
        raise RuntimeError("the database is away")

    monkeypatch.setattr(visits, "write", broken)
    with pytest.raises(RuntimeError):
        visits.flush()
    monkeypatch.undo()
    assert visits.flush() == 1
    assert counted(school(1), TEACHERS) == (0, 1)


def test_the_department_sees_every_school_and_its_own_use(client_for):
    response = client_for("dept").get(VISITS)
    assert response.status_code == 200
    rows = rows_of(response)
    schools = {row["school"] for row in rows}
    assert schools == {*Institution.objects.values_list("short_name", flat=True),
                       russian(GROUPS[DEPARTMENT])}
    # Every school's every group, zeros included, and the department's own row.
    assert len(rows) == Institution.objects.count() * 5 + 1
    # The demo's last weeks: the teachers of school 1 came on many days.
    [teachers] = [row for row in rows
                  if row["school"] == "СОШ № 1" and row["role"] == russian(GROUPS[TEACHERS])]
    assert teachers["views"] > 0 and teachers["days"] > 10
    assert b"<svg" in response.content
    assert response.context["glance"]
    # Sorted by page views.
    response = client_for("dept").get(VISITS, {"sort": "-views"})
    views = [row["views"] for row in rows_of(response)]
    assert views == sorted(views, reverse=True)
    # One school, one group.
    response = client_for("dept").get(VISITS, {"school": school(2).pk, "role": PARENTS})
    rows = rows_of(response)
    assert len(rows) == 1 and rows[0]["school"] == "СОШ № 2"


def test_the_table_adds_up_the_days_of_the_range(client_for):
    start, end = TODAY - datetime.timedelta(days=20), TODAY - datetime.timedelta(days=1)
    response = client_for("dept").get(VISITS, {"starts_on": start, "ends_on": end,
                                               "school": school(1).pk,
                                               "role": TEACHERS})
    [row] = rows_of(response)
    days = VisitCount.objects.filter(institution=school(1), role=TEACHERS,
                                     day__range=(start, end))
    assert row["views"] == sum(days.values_list("views", flat=True))
    assert row["logins"] == sum(days.values_list("logins", flat=True))
    assert row["days"] == days.filter(views__gt=0).count()
    assert row["last"] == max(days.values_list("day", flat=True))


def test_a_school_administrator_sees_only_their_school(client_for):
    client = client_for("school1.admin")
    for query in ({}, {"school": school(2).pk}, {"role": DEPARTMENT}):
        response = client.get(VISITS, query)
        assert response.status_code == 200
        rows = rows_of(response) if response.context["table"] else []
        assert {row["school"] for row in rows} <= {"СОШ № 1"}
        assert "СОШ № 2".encode() not in response.content
    rows = rows_of(client.get(VISITS))
    assert {row["school"] for row in rows} == {"СОШ № 1"}
    exported = client.get(VISITS, {"school": school(2).pk, "export": "csv"})
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines) > 1 and {line[0] for line in lines[1:]} == {"СОШ № 1"}


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.parent", "school1.pupil",
                                      "school1.secretary"])
def test_teachers_families_and_other_staff_get_403(client_for, username):
    assert client_for(username).get(VISITS).status_code == 403


def test_a_visitor_is_sent_to_the_login(client):
    response = client.get(VISITS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("query", [
    {"starts_on": "garbage"},
    {"starts_on": "2026-13-45"},
    {"starts_on": TODAY.isoformat(), "ends_on": "2026-01-01"},
    {"starts_on": "2010-01-01", "ends_on": "2026-01-01"},
    {"starts_on": "9999-12-25", "ends_on": "9999-12-31"},
    {"starts_on": "0001-01-01", "ends_on": "0001-01-02"},
    {"school": "abc"},
    {"school": "999999999"},
    {"school": "1" * 40},
    {"role": "nobody"},
    {"sort": "no_such_column"},
    {"export": "pdf"},
    {"export": "csv", "starts_on": "garbage"},
])
def test_bad_input_gives_no_500(client_for, query):
    response = client_for("dept").get(VISITS, query)
    assert response.status_code == 200


def test_the_export_holds_the_tables_rows(client_for):
    response = client_for("dept").get(VISITS, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines) == len(rows_of(client_for("dept").get(VISITS))) + 1
    response = client_for("dept").get(VISITS, {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("username", ["dept", "school1.admin"])
def test_the_pages_queries_do_not_grow_with_schools_and_days(
        client_for, username, django_assert_max_num_queries):
    client = client_for(username)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(VISITS).status_code == 200
        return len(captured)

    before = queries()
    more = [InstitutionFactory(department=school(1).department) for _ in range(3)]
    VisitCount.objects.bulk_create([
        VisitCount(day=TODAY - datetime.timedelta(days=n), institution=institution,
                   role=group, logins=1, views=5)
        for institution in more for n in range(40) for group in (OTHER_STAFF, PARENTS)])
    assert queries() == before
    with django_assert_max_num_queries(12):
        client.get(VISITS)


def test_the_demo_city_shows_school_weeks_weekends_and_holidays():
    from tests.dates import DEMO

    rows = {(row.day, row.role): row.views for row in VisitCount.objects.filter(
        institution=school(1), day__lt=TODAY)}
    days = sorted({day for day, _role in rows})
    assert days[-1] == TODAY - datetime.timedelta(days=1)
    holidays = [day for _name, first, last in DEMO.holidays for day in days
                if first <= day <= last]

    def average(group, chosen):
        return sum(rows.get((day, group), 0) for day in chosen) / max(len(chosen), 1)

    school_days = [day for day in days if day.weekday() < 5 and day not in holidays]
    sundays = [day for day in days if day.weekday() == 6]
    # Staff work on school days; parents read the diary at weekends too, less.
    for group, times in ((TEACHERS, 2), (LEADERS, 2), (PARENTS, 1)):
        assert average(group, school_days) > times * average(group, sundays)
        if holidays:
            assert average(group, school_days) > average(group, holidays)
    # Teachers come on every school day.
    assert all(rows.get((day, TEACHERS), 0) > 0 for day in school_days)
