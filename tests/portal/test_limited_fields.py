"""R-TEN-3: department users read only the limited fields of staff, pupils and parents
(names, class, position, school), on every page, filter, sort, search and export.

A pupil, a parent of theirs and their class teacher in school 1 get a sentinel, a
value found nowhere else, in every field outside ``limited_fields``; signed in as
``dept`` (a department chief specialist) the tests open every page of the portal and
every registered admin view, export, search, sort and filter, and look for them.
"""

import datetime
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import formats, translation
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import RevisionMixin

from curriculum.models import SchoolClass, Subgroup
from portal.access import Role
from records.factories import PDF
from records.models import (
    Institution,
    Parent,
    ParentFile,
    Person,
    Pupil,
    PupilFile,
    RoleAssignment,
    Sex,
    Staff,
    StaffFile,
)
from reports import builder
from reports.models import SavedReport
from schedule.models import Lesson, Room, ThematicPlan, TimetableChange

from .test_ids import project_apps
from .test_no_leaks import every_url

pytestmark = pytest.mark.django_db

LIMITED_MODELS = (Staff, Pupil, Parent)
# The project's own apps, whose admin pages the crawl opens.
# The project's own apps, read from the disk: a new app's hooks are crawled too.
PROJECT_APPS = project_apps()
# What every reader sees of a row: its id and its name.
ALWAYS = {"pk", "id", "__str__"}
# What the department reads of a person, whoever's record leads to them: the name.
PERSON_NAME = {"surname", "name", "patronymic", "search_name", "full_name", "short_name"}
# A date of leaving would take the rows out of the class and staff lists the crawl reads.
SKIPPED_FIELDS = {"id", "latest_revision", "search_name", "left_on"}


# The sentinels -------------------------------------------------------------------


class Sentinels:
    """Sentinel values put into rows, with the texts they render as."""

    def __init__(self):
        self.texts = {}  # rendered text -> (what, allowed URL prefix or None)
        self.by_field = {}  # (model, field name) -> value put in

    def add(self, what, value, rendered, allowed=None):
        for text in rendered:
            self.texts[text] = (what, allowed)

    def found_in(self, url, body):
        # A page may repeat its own address (a 404 does): that is no leak.
        return sorted(f"{what} ({text!r})" for text, (what, allowed) in self.texts.items()
                      if text in body and text not in unquote(url)
                      and not (allowed and url.startswith(allowed)))


def date_texts(value):
    """The ways a date may be rendered on a page or in an export."""
    texts = {value.isoformat(), value.strftime("%d.%m.%Y")}
    for language in ("ru", "en"):
        with translation.override(language):
            for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
                texts.add(formats.date_format(value, name))
    return texts


def fill(row, tag, sentinels, year):
    """A sentinel in every text and date field of ``row`` outside its limited fields."""
    limited = set(type(row).limited_fields)
    day = 0
    for field in type(row)._meta.concrete_fields:
        if (field.name in limited or field.name in SKIPPED_FIELDS or field.is_relation
                or field.choices):
            continue
        what = f"{type(row).__name__}.{field.name}"
        if isinstance(field, models.DateField):
            day += 1
            value = datetime.date(year, 1 + day % 12, 1 + day)
            sentinels.add(what, value, date_texts(value))
        elif isinstance(field, models.EmailField):
            value = f"zq{tag}{len(sentinels.by_field):03d}x@example.org"
            sentinels.add(what, value, [value])
        elif isinstance(field, (models.CharField, models.TextField)):
            value = f"zq{tag}{len(sentinels.by_field):03d}x"[:field.max_length or 100]
            sentinels.add(what, value, [value])
        else:
            continue  # numbers and yes/no are not unique as text
        setattr(row, field.attname, value)
        sentinels.by_field[type(row), field.name] = value
    row.save()


def attach(file_model, record, tag, sentinels):
    title = f"zq{tag}file"
    upload = file_model(record=record, title=title)
    upload.file.save(f"zq{tag}scan.pdf", ContentFile(PDF), save=False)
    upload.save()
    sentinels.add(f"{file_model.__name__}.title", title, [title])
    sentinels.add(f"{file_model.__name__}.file", upload.file.name, [f"zq{tag}scan"])
    return upload


def date_of_birth(person, year, sentinels):
    person.birth_date = datetime.date(year, 7, 29)
    person.save()
    sentinels.add(f"birth date of {person}", person.birth_date, date_texts(person.birth_date))


@pytest.fixture
def rows(db):
    """A pupil of school 1 with a parent and a class teacher, all holding sentinels."""
    school = Institution.objects.get(short_name="СОШ № 1")
    pupil = (Pupil.objects.filter(institution=school, left_on__isnull=True,
                                  school_class__class_teacher__isnull=False,
                                  guardianships__isnull=False)
             .select_related("person", "school_class").order_by("pk").first())
    parent = pupil.parents.select_related("person").order_by("pk").first()
    staff = Staff.objects.select_related("person").get(
        pk=pupil.school_class.class_teacher_id)
    sentinels = Sentinels()
    fill(pupil, "p", sentinels, 1911)
    fill(parent, "r", sentinels, 1912)
    fill(staff, "s", sentinels, 1913)
    date_of_birth(pupil.person, 1914, sentinels)
    date_of_birth(parent.person, 1915, sentinels)
    date_of_birth(staff.person, 1916, sentinels)
    # A parent's name is a limited field of the parent's own card, not of the child's.
    parent.person.surname = "Zqparentsurname"
    parent.person.save()
    sentinels.add("the parent's surname", "", ["Zqparentsurname"],
                  allowed=reverse("records_parent:index"))
    files = [attach(PupilFile, pupil, "p", sentinels), attach(ParentFile, parent, "r", sentinels),
             attach(StaffFile, staff, "s", sentinels)]
    for row in (pupil, parent, staff):
        row.refresh_from_db()
        row.save_revision(clean=False)
    return {"school": school, "pupil": pupil, "parent": parent, "staff": staff,
            "class": pupil.school_class, "files": files, "sentinels": sentinels}


# Reading what came back ----------------------------------------------------------


def body_of(response):
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # an XLSX workbook is a zip: read its cells
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in workbook for row in sheet.iter_rows(
            values_only=True) for cell in row if cell is not None)
    return content.decode("utf-8", errors="replace")


def assert_no_sentinel(client, urls, sentinels):
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
            continue
        if found := sentinels.found_in(url, body_of(response)):
            failures.append(f"{url} ({response.status_code}): {', '.join(found)}")
    assert not failures, "\n".join(failures)


def listing(client, url, sentinels=None, **params):
    """(number of rows, ids of the first page's rows in order) of an admin listing,
    which shows none of the ``sentinels``."""
    response = client.get(url, params)
    assert response.status_code == 200, url
    if sentinels is not None:
        full_url = f"{url}?{urlencode(params)}"
        assert not sentinels.found_in(full_url, body_of(response)), full_url
    return response.context["items_count"], [row.pk for row in response.context["object_list"]]


# Walking the URLs ----------------------------------------------------------------


def kwarg_names(pattern):
    return list(pattern.pattern.regex.groupindex)


def model_viewsets():
    reverse("wagtailadmin_home")  # loading the admin's URLs registers its viewsets
    return [v for v in admin_viewsets.viewsets if isinstance(v, ModelViewSet)]


def page_viewsets():
    return [v for v in admin_viewsets.viewsets if not isinstance(v, ModelViewSet)
            and isinstance(v, ViewSet)]


def related_row(model, rows):
    """The row of ``model`` the crawl opens: a sentinel row, else one pointing at them."""
    for row in (rows["pupil"], rows["parent"], rows["staff"]):
        if isinstance(row, model):
            return row
    targets = {Pupil: rows["pupil"], Parent: rows["parent"], Staff: rows["staff"],
               Person: rows["pupil"].person, SchoolClass: rows["class"],
               Institution: rows["school"]}
    if model in targets:
        return targets[model]
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model in targets:
            row = model._default_manager.filter(
                **{field.name: targets[field.related_model]}).first()
            if row is not None:
                return row
    return model._default_manager.order_by("pk").first()


def viewset_urls(viewset, rows):
    """Every URL of a model viewset, filled with the row the crawl opens."""
    row = related_row(viewset.model, rows)
    revision = row.latest_revision if isinstance(row, RevisionMixin) and row else None
    values = {"pk": row.pk if row else 1, "revision_id": revision.pk if revision else 1,
              "revision_id_a": "earliest", "revision_id_b": "latest"}
    urls = []
    for pattern in viewset.get_urlpatterns():
        names = kwarg_names(pattern)
        if "_results" in (pattern.name or "") or pattern.name in ("add", "copy", "reorder"):
            continue  # the results fragment repeats the index; forms of new rows hold none
        missing = set(names) - set(values)
        assert not missing, f"{viewset.url_namespace}:{pattern.name}: fill {missing} in the crawl"
        urls.append(reverse(f"{viewset.url_namespace}:{pattern.name}",
                            kwargs={n: values[n] for n in names}))
    index = reverse(f"{viewset.url_namespace}:index")
    urls += [f"{index}?export=csv", f"{index}?export=xlsx"]
    # Each filter with the value the row would match it by.
    for parameter, field_name in original_filters(viewset).items():
        value = value_at(row, field_name) if row else None
        urls.append(f"{index}?{urlencode({parameter: 'true' if value is None else value})}")
    return urls


def hook_urls(rows):
    """The admin pages registered with ``register_admin_urls``, filled with rows of the
    sentinels' school."""
    from curriculum.models import WizardStep

    values = {"class_pk": rows["class"].pk, "person_pk": rows["pupil"].person_id,
              "institution_pk": rows["school"].pk, "step": WizardStep.YEAR.value,
              "pk": getattr(ThematicPlan.objects.filter(institution=rows["school"]).first(),
                            "pk", 1)}
    urls = []
    for fn in hooks.get_hooks("register_admin_urls"):
        if fn.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for pattern in fn():
            names = kwarg_names(pattern)
            missing = set(names) - set(values)
            assert not missing, f"{pattern.name}: fill {missing} in the crawl"
            urls.append(reverse(pattern.name, kwargs={n: values[n] for n in names}))
    return urls + [v.menu_url for v in page_viewsets() if getattr(v, "menu_url", None)]


def portal_patterns():
    """(URL name, pattern) of the portal's own pages: the top-level ones and those of
    the apps' URL namespaces."""
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern) and entry.name in ("start", "dashboard"):
            found.append((entry.name, entry))
        elif isinstance(entry, URLResolver) and entry.namespace in PORTAL_NAMESPACES:
            # Not the open API nested in "api" (api:v1): it takes a bearer key only, so
            # a session reads nothing there (tests/api/ checks what a key reads).
            found += [(f"{entry.namespace}:{p.name}", p) for p in entry.url_patterns
                      if isinstance(p, URLPattern)]
    return found


# Every app's own pages: a new app's pages are crawled when its namespace is added here
# (test_every_namespace_of_the_portal_is_crawled fails until it is).
PORTAL_NAMESPACES = ("records", "journal", "schedule", "movement", "subject_requests",
                     "documents", "attestation", "portfolio", "courses", "notifications",
                     "announcements", "links", "reports",
                     "stateforms", "messaging", "api", "forum")


def test_every_namespace_of_the_portal_is_crawled():
    ours = {entry.namespace for entry in get_resolver().url_patterns
            if isinstance(entry, URLResolver) and entry.namespace
            and entry.urlconf_module.__name__.split(".")[0] in PROJECT_APPS}
    assert ours <= set(PORTAL_NAMESPACES), ours - set(PORTAL_NAMESPACES)


def first_pk(model, **lookup):
    """The first row's pk, or an id of none (the page answers 404: still crawled)."""
    return model.objects.filter(**lookup).order_by("pk").values_list("pk", flat=True).first() \
        or 2 ** 31


def portal_urls(rows):
    school_class, pupil, staff = rows["class"], rows["pupil"], rows["staff"]
    lesson = Lesson.objects.filter(school_class=school_class).order_by("pk").first()
    subgroup = Subgroup.objects.filter(school_class=school_class).first() or \
        Subgroup.objects.filter(institution=rows["school"]).first()
    room = Room.objects.filter(institution=rows["school"]).first()
    change = TimetableChange.objects.filter(institution=rows["school"]).first()
    by_name = {
        "records:pupil": [{"pk": pupil.pk}],
        "records:private_file": [{"name": f.file.name} for f in rows["files"]],
        "journal:class": [{"pk": school_class.pk}],
        "journal:transfer": [{"pk": school_class.pk}],
        "journal:class_attendance": [{"pk": school_class.pk}],
        "journal:subgroup": [{"pk": subgroup.pk}],
        "journal:diary": [{"pupil_pk": pupil.pk}],
        "journal:diary_period": [{"pupil_pk": pupil.pk}],
        "journal:grid": [{"class_pk": lesson.school_class_id, "subject_pk": lesson.subject_id}],
        "journal:lesson": [{"pk": lesson.pk}],
        "journal:take_attendance": [{"pk": lesson.pk}],
        "journal:new_task": [{"pk": lesson.pk}],
        "journal:school_overview": [{"pk": rows["school"].pk}],
        "schedule:calendar": [{"kind": "class", "pk": school_class.pk},
                              {"kind": "teacher", "pk": staff.pk},
                              {"kind": "room", "pk": room.pk},
                              {"kind": "school", "pk": rows["school"].pk}],
        "schedule:grid": [{"pk": school_class.pk}],
        "schedule:save_cell": [{"pk": school_class.pk}],
        "schedule:delete_cell": [{"pk": school_class.pk}],
        "schedule:add_change": [{"pk": school_class.pk}],
        "schedule:delete_change": [{"pk": change.entry.school_class_id if change else 1,
                                    "change_pk": change.pk if change else 1}],
    }
    by_name.update(other_apps_kwargs(rows))
    urls = []
    for name, pattern in portal_patterns():
        names = kwarg_names(pattern)
        if not names:
            urls.append(reverse(name))
            continue
        assert name in by_name, f"{name}: add it to the crawl of the limited fields"
        urls += [reverse(name, kwargs=kwargs) for kwargs in by_name[name]]
    for mode in ("year", "month", "week", "day"):
        urls.append(reverse("schedule:calendar", args=["class", school_class.pk])
                    + f"?mode={mode}")
    # The reports in every grouping (the pupils' one is refused to a limited reader)
    # and download.
    for name in ("reports:progress", "reports:current"):
        for group in ("school", "class", "subject", "pupil"):
            for export in ("", "csv", "xlsx"):
                urls.append(f"{reverse(name)}?group={group}&school_class={school_class.pk}"
                            f"&export={export}")
    return urls


def other_apps_kwargs(rows):
    """The parameters of the pages of the apps after the records, the journal and the
    timetable, about the rows holding sentinels where a page is about a pupil."""
    from allauth.usersessions.models import UserSession
    from wagtail.models import APIToken

    from attestation.models import CertificateMark, ExamResult
    from courses.models import Course
    from documents.models import Document, IssuedDocument
    from forum.models import Attachment, Ban, Post, Report, Section, Topic
    from messaging.models import Message, Thread
    from movement.models import Arrival, Movement
    from notifications.models import Notification
    from portfolio.models import (
        Achievement,
        AchievementFile,
        Material,
        Portfolio,
        Project,
        ProjectParticipant,
    )
    from stateforms.models import StatFigure, StatReport
    from subject_requests.models import SubjectRequest

    school, pupil, school_class = rows["school"], rows["pupil"], rows["class"]
    portfolio = first_pk(Portfolio, pupil=pupil)
    achievement = first_pk(Achievement, portfolio__institution=school)
    material = first_pk(Material, portfolio__institution=school)
    project = first_pk(Project, institution=school)
    participant = ProjectParticipant.objects.filter(project__institution=school).first()
    exam = first_pk(ExamResult, institution=school)
    request_pk = first_pk(SubjectRequest, institution=school, subject=pupil.person) \
        if SubjectRequest.objects.filter(subject=pupil.person).exists() \
        else first_pk(SubjectRequest, institution=school)
    school_kwargs = [{"institution_id": school.pk}]
    section = first_pk(Section, institution=school)
    topic = first_pk(Topic, section__institution=school)
    post = first_pk(Post, topic__section__institution=school)
    author = Post.objects.filter(pk=post).values_list("author_id", flat=True).first() or 2 ** 31
    return {
        **{f"forum:{name}": [{"pk": section}] for name in (
            "section", "section_edit", "topic_new", "moderation", "moderator_add", "feed")},
        "forum:moderator_remove": [{"pk": section, "user_pk": author}],
        "forum:personal_feed": [{"token": "zq", "pk": section}],
        **{f"forum:{name}": [{"pk": topic}] for name in (
            "topic", "unread", "reply", "subscribe", "topic_moderate", "topic_move")},
        **{f"forum:{name}": [{"pk": post}] for name in (
            "post", "post_edit", "post_hide", "post_show", "post_ban", "post_report")},
        "forum:ban_lift": [{"pk": first_pk(Ban, section__institution=school)}],
        "forum:report_dismiss": [{"pk": first_pk(Report)}],
        "forum:attachment": [{"pk": first_pk(Attachment)}],
        "forum:profile": [{"pk": author}],
        "announcements:personal_rss": [{"token": "zq"}],
        "announcements:personal_atom": [{"token": "zq"}],
        "notifications:open": [{"pk": first_pk(Notification)}],
        "notifications:read": [{"pk": first_pk(Notification)}],
        "courses:pupil": [{"pupil_pk": pupil.pk}],
        "courses:course": [{"pk": first_pk(Course, institution=school)}],
        "portfolio:pupil": [{"pupil_pk": pupil.pk}],
        "portfolio:class": [{"class_pk": school_class.pk}],
        **{f"portfolio:{name}": [{"pk": portfolio}] for name in (
            "detail", "public", "edit", "achievement_add", "material_add")},
        **{f"portfolio:{name}": [{"pk": achievement}] for name in (
            "achievement", "achievement_edit", "achievement_delete", "achievement_approve")},
        **{f"portfolio:{name}": [{"pk": material}] for name in (
            "material_edit", "material_delete", "material_approve")},
        "portfolio:proof_delete": [{"pk": first_pk(AchievementFile)}],
        "portfolio:project": [{"pk": project}],
        "portfolio:project_edit": [{"pk": project}],
        "portfolio:project_part_add": [{"pk": project, "part": "participant"}],
        "portfolio:project_part_delete": [{"pk": project, "part": "participant",
                                           "part_pk": participant.pk if participant
                                           else 2 ** 31}],
        "portfolio:participant_name": [{"pk": participant.pk if participant else 2 ** 31}],
        "portfolio:school_achievements": [{"institution_pk": school.pk}],
        "portfolio:file": [{"name": "zq/none.pdf"}],
        "documents:register": school_kwargs,
        "reports:school": [{"pk": school.pk}],
        "reports:builder_new": [{"source": source} for source in builder.SOURCES],
        **{f"reports:{name}": [{"pk": first_pk(SavedReport, audience="city")}] for name in (
            "builder_report", "builder_edit", "builder_delete")},
        "documents:document": [{"pk": first_pk(Document)}],
        "documents:file": [{"pk": first_pk(Document)}],
        "documents:issued_file": [{"pk": first_pk(IssuedDocument, institution=school)}],
        "documents:issue": [{"pupil_id": pupil.pk}],
        "documents:issue_class_list": [{"class_id": school_class.pk}],
        **{f"attestation:{name}": [{"pk": school_class.pk}] for name in (
            "class", "compute", "add_exam")},
        "attestation:edit_exam": [{"pk": exam}],
        "attestation:delete_exam": [{"pk": exam}],
        "attestation:mark": [{"pk": first_pk(CertificateMark, institution=school)}],
        "movement:cancel": [{"pk": first_pk(Movement, pupil=pupil)}],
        **{f"movement:{name}": school_kwargs for name in (
            "book", "enrol", "leave", "lists", "rollover", "rollover_progress", "arrivals")},
        "movement:arrival": [{"pk": first_pk(Arrival)}],
        **{f"subject_requests:{name}": [{"pk": request_pk}] for name in (
            "request", "take", "answer", "copy_pdf", "copy_json")},
        **{f"stateforms:{name}": [{"pk": first_pk(StatReport, institution=school)}]
           for name in ("report", "calculate", "send", "accept", "return", "report_pdf",
                        "report_xlsx")},
        "stateforms:figure": [{"pk": first_pk(StatFigure, institution=school)}],
        # The mail: the department's own threads only (a school's thread is 404).
        **{f"messaging:{name}": [{"pk": first_pk(Thread)}] for name in (
            "thread", "archive_thread")},
        **{f"messaging:{name}": [{"pk": first_pk(Message)}] for name in (
            "reply", "forward")},
        # Personal settings: the user's own keys and sessions (another's are 404).
        "api:token_revoke": [{"pk": first_pk(APIToken)}],
        "api:session_end": [{"pk": first_pk(UserSession)}],
    }


# The walking tests ---------------------------------------------------------------


# What a page prints does not depend on the database (the searches and filters, which
# do, are tried on both below): the crawl runs on SQLite only.
@pytest.mark.slow_once
def test_the_department_finds_no_sentinel_on_any_page(client_for, rows):
    """Every page of the portal and every view, export and extra page of the admin."""
    client = client_for("dept")
    urls = ["/", "/admin/", *portal_urls(rows), *hook_urls(rows), *every_url()]
    for viewset in model_viewsets():
        urls += viewset_urls(viewset, rows)
    assert_no_sentinel(client, list(dict.fromkeys(urls)), rows["sentinels"])


def hidden_probes(model, rows):
    """(field name, sentinel value) of every field of ``model`` outside its limited
    fields that holds a sentinel."""
    return [(name, value) for (m, name), value in rows["sentinels"].by_field.items()
            if m is model]


def row_of(model, rows):
    return {Pupil: rows["pupil"], Parent: rows["parent"], Staff: rows["staff"]}[model]


def value_at(row, lookup):
    """The value a filter on ``lookup`` would match ``row`` with."""
    value = row
    for part in lookup.split("__"):
        if isinstance(value, models.Manager):
            value = value.first()
        value = getattr(value, part, None)
        if value is None:
            break
    if isinstance(value, models.Manager):
        value = value.first()
    if isinstance(value, models.Model):
        value = value.pk
    return value


def original_filters(viewset):
    """{parameter: field name} of the viewset's filters as declared."""
    filterset_class = viewset.filterset_class
    if filterset_class is ViewSet.UNDEFINED or filterset_class is None:
        names = viewset.list_filter if viewset.list_filter is not ViewSet.UNDEFINED else []
        return {name: name for name in names}
    return {name: f.field_name for name, f in filterset_class.base_filters.items()}


@pytest.mark.parametrize("model", LIMITED_MODELS, ids=lambda m: m.__name__)
def test_no_hidden_value_searches_sorts_or_filters_the_departments_listing(
        client_for, rows, model):
    """Searching, sorting or filtering by a hidden field gives what not doing it gives:
    no row is found, ordered or left out by a value the department may not read."""
    client = client_for("dept")
    viewset = next(v for v in model_viewsets() if v.model is model)
    index = reverse(f"{viewset.url_namespace}:index")
    row, sentinels = row_of(model, rows), rows["sentinels"]
    plain = listing(client, index)
    nothing = listing(client, index, q="zqnomatchx")
    failures = []
    for name, value in hidden_probes(model, rows):
        if listing(client, index, sentinels, q=str(value)) != nothing:
            failures.append(f"?q= finds {model.__name__} by its {name}")
        for ordering in (name, f"-{name}"):
            if listing(client, index, sentinels, ordering=ordering) != plain:
                failures.append(f"?ordering={ordering} sorts by a hidden field")
    for parameter, field_name in original_filters(viewset).items():
        if limited_lookup(model, field_name):
            continue
        value = value_at(row, field_name)
        if value is None:
            value = "true"  # an "is empty" filter
        if listing(client, index, sentinels, **{parameter: value}) != plain:
            failures.append(f"?{parameter}={value} filters by a hidden field")
    assert not failures, "\n".join(failures)


def limited_lookup(model, lookup):
    """Whether ``lookup`` reads only limited fields: on every model along it that
    declares ``limited_fields``, the next step is one of them. (Written apart from
    portal.access on purpose: this is what the mechanism must agree with.)"""
    for part in str(lookup).replace(".", "__").split("__"):
        if model is None:
            return True
        declared = PERSON_NAME if model is Person else getattr(model, "limited_fields", None)
        name = re.sub(r"^get_(.+)_display$", r"\1", part)
        if declared is not None and name not in {*declared, *ALWAYS}:
            return False
        try:
            field = model._meta.get_field(name)
        except Exception:
            field = None
        model = field.related_model if field is not None and field.is_relation else None
    return True


def column_lookups(column):
    if isinstance(column, str):
        return [column]
    accessor = getattr(column, "accessor", None) or column.name
    return [accessor if isinstance(accessor, str) else "<callable>",
            *([column.sort_key] if getattr(column, "sort_key", None) else [])]


def test_every_listing_the_department_opens_reads_only_limited_fields(client_for):
    """For every registered admin viewset: the columns, sort keys, filters, search
    fields and export columns the department gets read only limited fields."""
    client = client_for("dept")
    failures = []
    opened = set()
    for viewset in model_viewsets():
        response = client.get(reverse(f"{viewset.url_namespace}:index"))
        if response.status_code != 200:
            continue
        opened.add(viewset.model)
        view = response.context["view"]
        model = viewset.model
        used = {
            "column": [lookup for column in view.columns for lookup in column_lookups(column)],
            "sort key": [o.lstrip("-") for o in view.get_valid_orderings()],
            "filter": [f.field_name for f in view.filters.filters.values()]
            if view.filters else [],
            "search field": list(view.search_fields or []) if view.is_searchable else [],
            "export column": list(view.list_export),
        }
        for kind, lookups in used.items():
            failures += [f"{model.__name__}: {kind} {lookup}" for lookup in lookups
                         if not limited_lookup(model, lookup)]
    assert set(LIMITED_MODELS) <= opened
    assert not failures, "\n".join(failures)
    assert set(Person.limited_fields) <= PERSON_NAME


# The pages the issue names --------------------------------------------------------


def test_the_pupil_page_shows_the_department_no_birth_date_and_no_parents(client_for, rows):
    pupil = rows["pupil"]
    response = client_for("dept").get(reverse("records:pupil", args=[pupil.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert pupil.person.full_name in html
    assert str(pupil.school_class) in html
    assert response.context["birth_date"] is None
    assert response.context["parents"] == []
    assert "Дата рождения" not in html
    assert "Zqparentsurname" not in html
    assert rows["parent"].mobile_phone not in html


def test_the_pupil_page_shows_the_secretary_the_birth_date_and_parents(client_for, rows):
    pupil, parent = rows["pupil"], rows["parent"]
    response = client_for("school1.secretary").get(reverse("records:pupil", args=[pupil.pk]))
    html = response.content.decode()
    assert response.context["birth_date"] == pupil.person.birth_date
    assert "Zqparentsurname" in html
    assert parent.mobile_phone in html


def test_the_class_page_shows_the_department_no_birth_dates_and_no_sex(client_for, rows):
    school_class = rows["class"]
    url = reverse("journal:class", args=[school_class.pk])
    client = client_for("dept")
    response = client.get(url)
    assert response.status_code == 200
    table = response.context["table"]
    assert [c.name for c in table.columns] == ["number", "name"]
    html = response.content.decode()
    assert rows["pupil"].person.full_name in html
    for text in date_texts(rows["pupil"].person.birth_date):
        assert text not in html
    for label in ("Дата рождения", Sex.MALE.label, Sex.FEMALE.label):
        assert str(label) not in html
    # Nor may the page be sorted by them.
    by_name = client.get(url).context["table"].rows
    for sort in ("birth_date", "-birth_date", "sex", "-sex"):
        rows_sorted = client.get(url, {"sort": sort}).context["table"].rows
        assert [r.record.pk for r in rows_sorted] == [r.record.pk for r in by_name]


def test_the_class_page_shows_the_class_teacher_birth_dates_and_sex(client_for, demo_user):
    client = client_for("school1.classteacher")
    led = client.get("/dashboard/").context["led_classes"][0]
    table = client.get(reverse("journal:class", args=[led.pk])).context["table"]
    assert [c.name for c in table.columns] == ["number", "name", "birth_date", "sex"]


def test_the_birth_year_and_sex_filters_do_not_apply_for_the_department(client_for, rows):
    person = rows["pupil"].person
    index = reverse("records_pupil:index")
    client = client_for("dept")
    everyone = listing(client, index)
    assert listing(client, index, birth_year=person.birth_date.year) == everyone
    assert listing(client, index, sex=Sex.FEMALE) == everyone
    filters = client.get(index).context["view"].filters
    assert set(filters.filters) == {"institution", "school_class"}


def test_the_birth_year_filter_still_works_for_the_school(client_for, rows):
    person = rows["pupil"].person
    count, pks = listing(client_for("school1.secretary"), reverse("records_pupil:index"),
                         birth_year=person.birth_date.year)
    assert (count, pks) == (1, [rows["pupil"].pk])


def test_the_department_exports_only_limited_columns(client_for, rows):
    client = client_for("dept")
    for model, columns in [(Staff, ["person", "position", "institution"]),
                           (Pupil, ["person", "school_class", "institution"]),
                           (Parent, ["person", "institution"])]:
        index = reverse(f"records_{model._meta.model_name}:index")
        assert client.get(index).context["view"].list_export == columns
        body = body_of(client.get(index, {"export": "csv"}))
        assert len(body.splitlines()[0].split(";")) == len(columns)
        assert not rows["sentinels"].found_in(index, body)
    listing_html = client.get(reverse("records_parent:index")).content.decode()
    assert rows["parent"].mobile_phone not in listing_html


def test_the_department_gets_no_history_usage_or_compare_of_a_card(client_for, rows):
    client = client_for("dept")
    pupil = rows["pupil"]
    for name, kwargs in [("history", {"pk": pupil.pk}), ("usage", {"pk": pupil.pk}),
                         ("revisions_compare", {"pk": pupil.pk, "revision_id_a": "earliest",
                                                "revision_id_b": "latest"})]:
        response = client.get(reverse(f"records_pupil:{name}", kwargs=kwargs))
        assert response.status_code in (302, 403), name


def test_a_school_admin_who_also_works_in_the_department_reads_other_schools_limited(
        client_for, demo_user, rows):
    """A person with a department role and a school role reads their school's pupils
    in full, and any other school's pupils limited."""
    admin = demo_user("school1.admin")
    RoleAssignment.objects.create(person=admin.person, role=Role.CHIEF_SPECIALIST,
                                  valid_from=datetime.date(2000, 1, 1))
    client = client_for("school1.admin")
    own, other = rows["pupil"], Pupil.objects.exclude(institution=rows["school"]).first()
    other.passport_number = "zqother"
    other.save()
    card = client.get(reverse("records_pupil:inspect", args=[own.pk])).content.decode()
    assert own.passport_number in card
    foreign = client.get(reverse("records_pupil:inspect", args=[other.pk]))
    assert foreign.status_code == 200
    assert other.person.full_name in foreign.content.decode()
    assert "zqother" not in foreign.content.decode()
    for name in ("history", "usage"):
        assert client.get(reverse(f"records_pupil:{name}", args=[own.pk])).status_code == 200
        response = client.get(reverse(f"records_pupil:{name}", args=[other.pk]))
        assert response.status_code in (302, 403), name
    # A listing serves both schools' rows: its columns are the limited ones.
    view = client.get(reverse("records_pupil:index")).context["view"]
    assert set(view.filters.filters) == {"institution", "school_class"}
