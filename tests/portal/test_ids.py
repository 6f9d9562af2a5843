"""Ids typed by users (issue 10, item 12): one path converter and one form-field rule.

The walks below find what to try from the URL patterns, the admin viewsets and their
filtersets, so a new view or filter is tried without anyone adding it here:

- every integer parameter of the project's URL patterns uses the ``id`` converter;
- every pattern with parameters, asked for with huge, negative and zero ids by a
  signed-in superuser and a school administrator, answers 404 (or 400), never 500;
- every field of every POST endpoint of the journal and the timetable gets huge,
  negative and garbage numbers: never a 500 (the endpoints' valid data is written out
  below, and the walk fails when an endpoint or a form field is not in it);
- every filter of every admin listing gets the same: never a 500.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.forms import BaseForm
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from curriculum.models import ClassMembership, MarkType, SchoolClass, Subgroup, SubgroupMembership
from journal import cells
from journal.models import FinalMark, Task
from portal.ids import MAX_ID, IdConverter, parse_id
from records.models import Institution, Pupil, Staff
from schedule.models import Lesson, TimetableChange, TimetableEntry
from tests.dates import YEAR_START

pytestmark = pytest.mark.django_db

OVER_64_BITS = str(MAX_ID + 1)  # 9223372036854775808
BAD_IDS = [OVER_64_BITS, "99999999999999999999", "-1", "0"]
# What a user can type into a field that wants a number.
BAD_NUMBERS = [OVER_64_BITS, "99999999999999999999", "-1", "1.5", "x", "²"]


def project_apps():
    """The project's own apps (not Django's, Wagtail's or allauth's)."""
    return {config.name for config in apps.get_app_configs()
            if "site-packages" not in Path(config.path).parts
            and Path(config.path).resolve().is_relative_to(settings.BASE_DIR.resolve())}


def registered_viewsets():
    assert get_resolver().url_patterns  # loading the admin's URLconf registers the viewsets
    return viewsets.viewsets


def project_viewset_namespaces():
    ours = project_apps()
    return {viewset.url_namespace for viewset in registered_viewsets()
            if type(viewset).__module__.split(".")[0] in ours}


def view_module(callback):
    view_class = getattr(callback, "view_class", None)
    return (view_class or callback).__module__


def walk(resolver=None, prefix=(), namespaces=()):
    """(list of the patterns from the root, namespaces, URLPattern) of every URL."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, (*prefix, pattern.pattern),
                            (*namespaces, pattern.namespace) if pattern.namespace
                            else namespaces)
        else:
            yield (*prefix, pattern.pattern), namespaces, pattern


def is_ours(namespaces, pattern):
    return (view_module(pattern.callback).split(".")[0] in project_apps()
            or bool(set(namespaces) & project_viewset_namespaces()))


def route_of(parts):
    return "".join(str(part) for part in parts)


# (a) The converter is used everywhere ---------------------------------------------------


def test_every_integer_parameter_of_the_project_uses_the_id_converter():
    offenders, checked = [], 0
    for parts, namespaces, pattern in walk():
        if not is_ours(namespaces, pattern):
            continue
        checked += 1
        for part in parts:
            if isinstance(part, RoutePattern):
                offenders += [f"{route_of(parts)}: <int:{name}>"
                              for name, converter in part.converters.items()
                              if isinstance(converter, IntConverter)]
            elif isinstance(part, RegexPattern) and re.compile(part._regex).groupindex:
                # A regex cannot use the converter: parameters go in path() routes.
                offenders.append(f"{route_of(parts)}: parameters in re_path()")
    assert checked > 300  # the portal's pages, its admin pages and every viewset
    assert not offenders, "use <id:…> for ids (portal/ids.py):\n" + "\n".join(offenders)


def test_the_converter_matches_ids_only():
    converter = IdConverter()
    assert converter.to_python("1") == 1
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    for value in ("0", OVER_64_BITS, "99999999999999999999", "00000000000000000000001x"):
        with pytest.raises(ValueError):
            converter.to_python(value)
    assert [parse_id(v) for v in ("7", " 7 ", "007", "-7", "7.0", "²", "", None)] == \
        [7, 7, 7, None, None, None, None, None]


# (b) No 500 for any parameter -------------------------------------------------------------


def urls_with(parts, value):
    """The address of the pattern with every parameter set to ``value``, or None for a
    pattern whose regex cannot be filled in."""
    url = ""
    for part in parts:
        if isinstance(part, RoutePattern):
            url += re.sub(r"<(?:\w+:)?\w+>", value, str(part))
        else:
            regex = part._regex
            if re.compile(regex).groupindex or re.search(r"[()\[\]*+?\\|]", regex.strip("^$")):
                return None
            url += regex.strip("^$")
    return "/" + url


# The crawls of ids run once each, split between the databases: on PostgreSQL an id past
# bigint is a DataError of the server, the case the id converter exists for (the school
# administrator's crawl and the admin listings' filters run there); on SQLite it is an
# OverflowError of the driver (the superuser's crawl and the journal's fields).
@pytest.mark.parametrize("username", [
    pytest.param("admin", marks=pytest.mark.slow_once(database="sqlite")),
    pytest.param("school1.admin", marks=pytest.mark.slow_once(database="postgresql"))])
def test_no_address_answers_500_to_a_huge_negative_or_zero_id(demo_user, username):
    client = Client(raise_request_exception=False)
    client.force_login(demo_user(username))
    failures, tried = [], 0
    for parts, namespaces, pattern in walk():
        if not any(getattr(part, "converters", None) for part in parts):
            continue
        ours = is_ours(namespaces, pattern)
        for value in BAD_IDS:
            url = urls_with(parts, value)
            if url is None:
                continue
            tried += 1
            status = client.get(url).status_code
            # The project's pages answer "not found"; Wagtail's may also redirect or
            # refuse, but none fails.
            if status >= 500 or (ours and status not in (400, 404)):
                failures.append(f"{url}: {status}")
    assert tried > 1000
    assert not failures, "\n".join(failures)


def test_the_addresses_of_the_report(client_for):
    """The five 500s of the report, now 404."""
    client = client_for("admin")
    for url in ("/journal/9223372036854775808/11/", "/journal/7/99999999999999999999/",
                "/classes/9223372036854775808/", "/pupils/99999999999999999999/"):
        assert client.get(url).status_code == 404, url


# (c) Huge and garbage numbers in posted fields ------------------------------------------


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


class World:
    """Rows of school 1 that the endpoints act on, with valid data for each."""

    def __init__(self):
        self.lesson = (Lesson.objects.filter(
            institution=school(1), is_cancelled=False, subgroup__isnull=True,
            date__lt=timezone.localdate(), date__gt=YEAR_START + datetime.timedelta(days=9))
            .select_related("school_class").order_by("-date", "lesson_number").first())
        self.school_class = self.lesson.school_class
        self.pupil = ClassMembership.objects.filter(school_class=self.school_class).on(
            self.lesson.date).first().pupil
        self.period = cells.period_of(self.lesson)
        self.mark_type = MarkType.objects.department_wide().first()
        self.task = Task.objects.create(lesson=self.lesson, mark_type=self.mark_type,
                                        institution_id=self.lesson.institution_id)
        self.subgroup = Subgroup.objects.filter(school_class__institution=school(1)).first()
        self.membership = SubgroupMembership.objects.filter(subgroup=self.subgroup,
                                                            ends_on__isnull=True).first()
        self.entry = TimetableEntry.objects.filter(school_class=self.school_class).first()
        self.change = TimetableChange.objects.create(
            institution_id=self.entry.institution_id, entry=self.entry,
            # The entry's weekday on or after the lesson: in a period still open.
            date=self.lesson.date + datetime.timedelta(
                days=(self.entry.weekday - 1 - self.lesson.date.weekday()) % 7),
            kind="cancelled")
        self.other_class = SchoolClass.objects.filter(
            institution=school(1), academic_year=self.school_class.academic_year).exclude(
            pk=self.school_class.pk).first()
        self.teacher = Staff.objects.filter(institution=school(1), teaches=True).first()
        self.final = FinalMark.objects.filter(institution=school(1)).first()
        self.own_pupil = Pupil.objects.get(person__user__username="school1.pupil")

    def day(self):
        return self.lesson.date.isoformat()

    def endpoints(self):
        """{url name: (args, valid POST data or None for a page that is only read, valid
        GET parameters)}."""
        lesson, pupil, cls = self.lesson, self.pupil, self.school_class
        entry = self.entry
        cell = {"date": self.day(), "entry": entry.pk, "weekday": entry.weekday,
                "lesson_number": entry.lesson_number, "subject": entry.subject_id,
                "teacher": entry.teacher_id, "room": entry.room_id or "",
                "subgroup": entry.subgroup_id or ""}
        return {
            "journal:class": ([cls.pk], None, {}),
            "journal:transfer": ([cls.pk], {"pupil": pupil.pk, "to_class": self.other_class.pk,
                                            "on": self.day(), "order_number": "1-д",
                                            "order_date": self.day(), "reason": ""}, {}),
            "journal:class_attendance": ([cls.pk], {
                "day_absence": "1", "pupil": pupil.pk, "day": self.day(), "kind": "absent",
                "excuse": "1", "pupils": pupil.pk, "first_day": self.day(),
                "last_day": self.day()}, {}),
            "journal:subgroup": ([self.subgroup.pk], {
                "action": "add", "pupil": pupil.pk, "starts_on": self.day(),
                "membership": self.membership.pk if self.membership else "",
                "ends_on": self.day()}, {}),
            # The diary is the family's: read as school1.pupil.
            "journal:diary_index": ([], None, {}),
            "journal:diary": ([self.own_pupil.pk], None, {"date": self.day()}),
            "journal:diary_period": ([self.own_pupil.pk], None, {"period": self.period.pk}),
            "journal:grid": ([cls.pk, lesson.subject_id], None,
                             {"period": self.period.pk, "group": ""}),
            "journal:save_mark": ([], {"task": self.task.pk, "pupil": pupil.pk, "value": "5",
                                       "version": 0, "debt": "", "comment": ""}, {}),
            "journal:save_attendance": ([], {"lesson": lesson.pk, "pupil": pupil.pk,
                                             "kind": "late", "late_minutes": 5,
                                             "version": 0}, {}),
            "journal:save_final": ([], {"class": cls.pk, "subject": lesson.subject_id,
                                        "pupil": pupil.pk, "kind": "period",
                                        "period": self.period.pk, "value": "5",
                                        "version": 0}, {}),
            "journal:lesson": ([lesson.pk], {
                "topic": "Тема", "expected_topic": lesson.topic, "text": "", "links": "",
                "due_on": "", "version": 0, "delete_files": "", "files": ""}, {}),
            "journal:take_attendance": ([lesson.pk], {}, {}),
            "journal:new_task": ([lesson.pk], {"mark_type": self.mark_type.pk,
                                               "title": "Работа"}, {}),
            "journal:cell_history": ([], None, {"task": self.task.pk, "pupil": pupil.pk,
                                                "lesson": lesson.pk,
                                                "final": self.final.pk if self.final else ""}),
            "journal:index": ([], None, {}),
            "journal:school_overview": ([school(1).pk], None, {
                "school_class": cls.pk, "teacher": self.teacher.pk, "sort": "class"}),
            "schedule:index": ([], None, {"target": f"class:{cls.pk}", "date": self.day(),
                                          "mode": "week"}),
            "schedule:calendar": (["class", cls.pk], None, {"date": self.day(),
                                                            "mode": "week"}),
            "schedule:grid": ([cls.pk], None, {"date": self.day()}),
            "schedule:save_cell": ([cls.pk], cell, {}),
            "schedule:delete_cell": ([cls.pk], {"date": self.day(), "entry": entry.pk}, {}),
            "schedule:add_change": ([cls.pk], {
                "date": self.day(), "entry": entry.pk, "kind": "replaced",
                "replacement_teacher": self.teacher.pk, "new_date": "",
                "new_lesson_number": "", "new_room": "", "note": ""}, {}),
            "schedule:delete_change": ([cls.pk, self.change.pk], {}, {}),
        }


def journal_and_timetable_urls():
    """Every URL name of the journal's and the timetable's URLconfs."""
    return {f"{namespaces[-1]}:{pattern.name}" for _parts, namespaces, pattern in walk()
            if namespaces and namespaces[-1] in ("journal", "schedule")}


def form_fields(response):
    """The names of the fields of every form the page renders."""
    names = set()
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm):
                names |= {value.add_prefix(name) for name in value.fields}
    return names


def test_every_endpoint_of_the_journal_and_the_timetable_is_tried():
    assert set(World().endpoints()) == journal_and_timetable_urls()


@pytest.mark.slow_once(database="sqlite")
def test_no_field_of_the_journal_and_the_timetable_answers_500(demo_user):
    world = World()
    client = Client(raise_request_exception=False)
    failures = []
    for name, (args, data, params) in world.endpoints().items():
        client.force_login(demo_user("school1.pupil" if "diary" in name else "admin"))
        url = reverse(name, args=args)
        page = client.get(url, params)
        if data is None:
            assert page.status_code in (200, 302), (url, page.status_code)
        else:
            missing = form_fields(page) - set(data)
            assert not missing, f"{name}: add {missing} to the valid data of the test"
        for values, send in ((params, client.get), (data or {}, client.post)):
            for field in values:
                for bad in [*BAD_NUMBERS, None]:
                    sent = {k: v for k, v in values.items() if k != field}
                    if bad is not None:
                        sent[field] = bad
                    response = send(url, sent, HTTP_ACCEPT="application/json")
                    if response.status_code >= 500:
                        failures.append(f"{send.__name__} {url} {field}={bad!r}: "
                                        f"{response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_posts_of_the_report(client_for):
    """POST /journal/cell/mark/ with a huge pupil, /journal/cell/final/ with a huge
    class: a 400 that names the field."""
    world = World()
    client = client_for("admin")
    response = client.post(reverse("journal:save_mark"), {
        "task": world.task.pk, "pupil": "99999999999999999999", "value": "5", "version": 0})
    assert response.status_code == 400 and "pupil" in response.json()["message"]
    response = client.post(reverse("journal:save_final"), {
        "class": "99999999999999999999", "subject": world.lesson.subject_id,
        "pupil": world.pupil.pk, "kind": "period", "period": world.period.pk, "value": "5",
        "version": 0})
    assert response.status_code == 400 and "class" in response.json()["message"]


# Admin listings' filters -----------------------------------------------------------------


def parameter_names(bound):
    """The query-string names of one filter (two for a range of dates)."""
    widget = bound.field.widget.get_context(bound.html_name, None, {})["widget"]
    return [sub["name"] for sub in widget.get("subwidgets", [])] or [widget["name"]]


def listing_filters(client):
    """(index URL, [parameter names]) of every registered admin listing with filters,
    read from the filter form the listing itself renders."""
    found = []
    for viewset in registered_viewsets():
        if not isinstance(viewset, ModelViewSet):
            continue
        url = reverse(viewset.get_url_name("index"))
        filters = client.get(url).context.get("filters")
        if filters:
            found.append((url, sorted({name for bound in filters.form
                                       for name in parameter_names(bound)})))
    return found


@pytest.mark.slow_once(database="postgresql")
def test_every_admin_filter_takes_huge_negative_and_garbage_numbers(demo_user):
    client = Client(raise_request_exception=False)
    client.force_login(demo_user("admin"))
    listings = listing_filters(client)
    assert len(listings) >= 25
    failures = []
    for url, names in listings:
        for name in [*names, "p"]:
            # One of each kind: past bigint, past int4, negative, zero, a decimal, and a
            # digit int() refuses (str.isdigit() takes it; plain garbage fails as it does).
            for bad in [OVER_64_BITS, "2147483648", "-1", "0", "1.5", "²"]:
                status = client.get(url, {name: bad}).status_code
                if status >= 500:
                    failures.append(f"{url}?{name}={bad}: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("year", ["-1", "0", "2147483648", "99999999999999999999", "2015.5"])
def test_the_birth_year_filter_of_the_report(client_for, year):
    response = client_for("admin").get(reverse("records_pupil:index"), {"birth_year": year})
    assert response.status_code == 200
