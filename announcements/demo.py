"""The demo city's pages (issue 13): the city's news and the department page, each
school's page with its news and events, and the demo editors.

School 1 and school 2 get the full set — news for the whole school, two for the
parents of 5А, one for the staff, one for the pupils of grade 9, one public, one
scheduled for next week, one expired yesterday — the other schools two news each.
Pages are written through Wagtail's API (add_child, save_revision().publish()): a few
dozen pages, a second or two.
"""

import datetime
import random

from django.utils import timezone

from curriculum.models import SchoolClass
from journal.demo_journal import local_time
from portal.access import Role
from records.models import RoleAssignment, User
from sgo_pages import actions
from sgo_pages.models import DepartmentPage, EditorialGroup, HomePage, SchoolPage

from .audience import Audience
from .models import AnnouncementIndexPage, AnnouncementPage

CITY_NEWS = [
    (Audience.PUBLIC, "Приём заявлений в первый класс",
     "<p>Заявления о зачислении в <b>первый класс</b> принимаются через портал "
     "госуслуг и в школах города.</p><ul><li>с 1 апреля — для детей, проживающих на "
     "закреплённой территории;</li><li>с 6 июля — для всех остальных.</li></ul>"),
    (Audience.CITY, "Новые возможности портала",
     "<p>В портале появились объявления школ, ленты RSS и Atom и страницы школ. "
     "Объявления для вашего класса видны на стартовой странице.</p>"),
]
DEPARTMENT_NEWS = [
    (Audience.DEPARTMENT, "Совещание руководителей образовательных организаций",
     "<p>Совещание руководителей пройдёт в управлении образования, зал заседаний.</p>"),
]


def school_news(builder, class_5a):
    """(audience, title, body, extra fields) of one school's announcements."""
    today = builder.today
    return [
        (Audience.SCHOOL, "Школьный субботник",
         "<p>В субботу проводится <b>субботник</b> по уборке пришкольной территории. "
         "Начало в 10:00.</p>",
         {"event_starts_at": local_time(today + datetime.timedelta(days=5),
                                        datetime.time(10)),
          "event_place": "Пришкольная территория"}),
        (Audience.SCHOOL, "Изменение расписания звонков",
         "<p>С понедельника уроки второй смены начинаются на 10 минут позже.</p>", {}),
        (Audience.CLASS_PARENTS, "Родительское собрание 5А",
         "<h2>Повестка</h2><ol><li>Итоги четверти.</li><li>Питание.</li>"
         "<li>Экскурсия.</li></ol>",
         {"school_class": class_5a,
          "event_starts_at": local_time(today + datetime.timedelta(days=3),
                                        datetime.time(18, 30)),
          "event_place": "Кабинет 21"}),
        (Audience.CLASS_PARENTS, "Экскурсия 5А в краеведческий музей",
         "<p>Просим до пятницы сдать согласие на участие в экскурсии.</p>",
         {"school_class": class_5a}),
        (Audience.STAFF, "Педагогический совет",
         "<p>Педсовет по итогам четверти — в актовом зале после шестого урока.</p>",
         {"event_starts_at": local_time(today + datetime.timedelta(days=2),
                                        datetime.time(15)),
          "event_place": "Актовый зал"}),
        (Audience.GRADE, "Консультации к ОГЭ для 9 классов",
         "<p>Консультации по математике и русскому языку — по вторникам и четвергам.</p>",
         {"grade": 9}),
        (Audience.PUBLIC, "День открытых дверей",
         "<p>Приглашаем будущих первоклассников и их родителей познакомиться со "
         "школой.</p>",
         {"event_starts_at": local_time(today + datetime.timedelta(days=10),
                                        datetime.time(11)),
          "event_place": "Главный корпус"}),
        (Audience.SCHOOL, "Олимпиада по математике: итоги",
         "<p>Итоги школьного этапа олимпиады будут опубликованы на следующей неделе.</p>",
         {"go_live_at": timezone.now() + datetime.timedelta(days=7)}),
        (Audience.SCHOOL, "Приём документов в летний лагерь",
         "<p>Приём документов в пришкольный лагерь закончен.</p>",
         {"expired": True}),
    ]


def publish(index, audience, title, body, extra, author, publisher, published_on):
    extra = dict(extra)
    go_live_at = extra.pop("go_live_at", None)
    expired = extra.pop("expired", False)
    page = index.add_child(instance=AnnouncementPage(
        title=title, audience=audience, body=body, live=False, go_live_at=go_live_at,
        **extra))
    page.save_revision(user=author).publish(user=publisher)
    if go_live_at is None:
        when = local_time(published_on, datetime.time(9))
        fields = {"first_published_at": when, "last_published_at": when}
        if expired:
            fields["expire_at"] = timezone.now() - datetime.timedelta(days=1)
        AnnouncementPage.objects.filter(pk=page.pk).update(**fields)
    return page


def editor(builder, username, institution):
    # The editors' names come from a generator of their own: the builder's is where the
    # journal left it, and a city rebuilt without its journal must hold the same people.
    shared = builder.random
    builder.random = random.Random(f"{username}-{builder.random_seed}")
    try:
        person = builder.new_person()
    finally:
        builder.random = shared
    person.save()
    RoleAssignment.objects.create(person=person, role=Role.EDITOR, institution=institution,
                                  valid_from=builder.roles_from)
    return builder.login(username, person)


def build(builder):
    """The demo's pages and editors, after the demo accounts."""
    department_page, city_news = actions.create_city_site(builder.department)
    institutions = [school["institution"] for school in builder.schools]
    for institution in institutions:
        actions.create_school_site(institution)
    school1 = institutions[0]
    school1_editor = editor(builder, "school1.editor", school1)
    city_editor = editor(builder, "city.editor", None)
    for user in User.objects.filter(person__isnull=False, username__in=[
            name for name, _ in DEMO_ACCOUNTS_OF_PAGES] + ["school1.admin", "school2.admin"]):
        actions.sync_editorial_groups(user)
    admin = User.objects.get(username="admin")
    day = builder.today
    for n, (audience, title, body) in enumerate(CITY_NEWS, start=1):
        publish(city_news, audience, title, body, {}, city_editor, admin,
                day - datetime.timedelta(days=n * 3))
    department_news = AnnouncementIndexPage.objects.child_of(department_page).first()
    for audience, title, body in DEPARTMENT_NEWS:
        publish(department_news, audience, title, body, {}, city_editor, admin,
                day - datetime.timedelta(days=1))
    pages = {p.institution_id: p for p in SchoolPage.objects.filter(institution__in=institutions)}
    for number, institution in enumerate(institutions, start=1):
        index = AnnouncementIndexPage.objects.child_of(pages[institution.pk]).first()
        class_5a = SchoolClass.objects.current().filter(
            institution=institution, grade=5, letter="А").first()
        news = school_news(builder, class_5a)
        if number > 2:  # the larger cities' other schools: two news each
            news = news[:2]
        author = school1_editor if number == 1 else admin
        for k, (audience, title, body, extra) in enumerate(news):
            publish(index, audience, title, body, extra, author, admin,
                    day - datetime.timedelta(days=k))


DEMO_ACCOUNTS_OF_PAGES = [
    ("school1.editor", "school 1 portal editor (writes announcements, cannot publish)"),
    ("city.editor", "department-wide portal editor (city news, department page)"),
]


def reset():
    """Deletes the pages, groups, workflows and collections build() and the schools'
    sites made; the home page stays."""
    from wagtail.models import Collection, GroupApprovalTask, Revision, Workflow

    home = HomePage.objects.first()
    if home is not None:
        for page in home.get_children().specific():
            if isinstance(page, (SchoolPage, DepartmentPage, AnnouncementIndexPage)):
                page.delete()
    Revision.objects.filter(content_type__app_label__in=["announcements", "sgo_pages"]).exclude(
        content_type__model="homepage").delete()
    tasks = GroupApprovalTask.objects.filter(groups__editorial__isnull=False)
    Workflow.objects.filter(workflow_tasks__task__in=tasks).delete()
    tasks.delete()
    groups = EditorialGroup.objects.values_list("group", flat=True)
    from django.contrib.auth.models import Group

    Group.objects.filter(pk__in=list(groups)).delete()
    from records.models import Department, Institution

    names = [*Institution.objects.values_list("short_name", flat=True),
             *Department.objects.values_list("short_name", flat=True)]
    from wagtail.documents import get_document_model

    # Collections still holding documents stay (Wagtail's documents point at their
    # collection without a reverse name).
    Collection.objects.filter(depth=2, name__in=names).exclude(
        pk__in=get_document_model().objects.values("collection")).delete()
