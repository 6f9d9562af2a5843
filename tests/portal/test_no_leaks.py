"""Done-when of the foundation: no data across schools or families, and no 500 for any
demo account or an anonymous visitor on any page of the portal or the admin."""

import pytest
from django.urls import reverse

from curriculum.models import AcademicYear, SchoolClass, Subject, TeachingAssignment
from documents.models import IssuedDocument
from portal.demo.city import DEMO_ACCOUNTS
from records.models import (
    Consent,
    DirectoryEntry,
    Institution,
    Parent,
    Pupil,
    PupilCharacteristic,
    PupilHealth,
    RoleAssignment,
    Staff,
)
from schedule.models import Lesson

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [Institution, Staff, Pupil, Parent, PupilHealth, PupilCharacteristic,
                Consent, RoleAssignment, DirectoryEntry, AcademicYear, SchoolClass, Subject,
                TeachingAssignment]


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def admin_urls(model, row):
    prefix = f"{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{prefix}:index"), reverse(f"{prefix}:add"),
            reverse(f"{prefix}:index") + "?export=csv", reverse(f"{prefix}:index") + "?q=ива"]
    for name in ("edit", "inspect", "history", "delete", "usage"):
        urls.append(reverse(f"{prefix}:{name}", args=[row.pk]))
    return urls


def every_url():
    urls = ["/", "/start/", "/dashboard/", "/family/", "/me/", "/admin/",
            reverse("access_matrix"), reverse("account_change_password"),
            reverse("api:settings"),
            reverse("account_login"), reverse("account_reset_password")]
    for n in (1, 2):
        institution = school(n)
        urls.append(reverse("records:pupil", args=[Pupil.objects.filter(
            institution=institution).first().pk]))
        urls.append(reverse("journal:class", args=[SchoolClass.objects.filter(
            institution=institution).first().pk]))
        school_class = SchoolClass.objects.filter(institution=institution).first()
        urls += [reverse("schedule:index"), reverse("schedule:grid", args=[school_class.pk]),
                 reverse("schedule:calendar", args=["school", institution.pk])]
        for mode in ("year", "month", "week", "day"):
            urls.append(reverse("schedule:calendar", args=["class", school_class.pk])
                        + f"?mode={mode}")
        # The journal, its overview and the diary (R-JRN-1…6, R-DRY-1).
        lesson = Lesson.objects.filter(institution=institution, subgroup__isnull=True).first()
        pupil = Pupil.objects.filter(institution=institution).first()
        urls += [reverse("journal:index"), reverse("journal:diary_index"),
                 reverse("journal:grid", args=[lesson.school_class_id, lesson.subject_id]),
                 reverse("journal:lesson", args=[lesson.pk]),
                 reverse("journal:school_overview", args=[institution.pk]),
                 reverse("journal:class_attendance", args=[lesson.school_class_id]),
                 reverse("journal:diary", args=[pupil.pk]),
                 reverse("journal:diary_period", args=[pupil.pk]),
                 reverse("journal_periods:index")]
        # Generated documents (R-DOC-1): the register, the issue page, a PDF.
        urls += [reverse("documents:issued"), reverse("documents:issue", args=[pupil.pk])]
        issued = IssuedDocument.objects.filter(institution=institution).first()
        if issued:
            urls.append(reverse("documents:issued_file", args=[issued.pk]))
        # The forum (R-FRM-1): the list, a section of the school, a topic, its moderation.
        from forum.models import Topic

        topic = Topic.objects.filter(section__institution=institution).order_by("pk").first()
        urls += [reverse("forum:index"), reverse("forum:reports"),
                 reverse("forum:section", args=[topic.section_id]),
                 reverse("forum:moderation", args=[topic.section_id]),
                 reverse("forum:topic", args=[topic.pk]),
                 reverse("forum:reply", args=[topic.pk]),
                 reverse("forum:post_hide", args=[topic.last_post_id])]
        for model in ADMIN_MODELS:
            row = model.objects.filter(**{model.access_paths["institution"]: institution.pk})
            urls += admin_urls(model, row.first() or DirectoryEntry.objects.first())
    return urls


# ~17 accounts × ~120 pages, the slowest check of the suite: each account's crawl runs
# on one of the two databases, in turn, so that both see every kind of page — PostgreSQL
# (where production binds the parameters on the server, portal/settings/base.py) the
# superuser's and the school administrators' — and neither run pays for all of them.
CRAWLERS = [None] + [u for u, _ in DEMO_ACCOUNTS]


@pytest.mark.parametrize("username", [
    pytest.param(username, marks=pytest.mark.slow_once(
        database="postgresql" if number % 2 else "sqlite"), id=username or "anonymous")
    for number, username in enumerate(CRAWLERS)])
def test_no_page_answers_500_to_any_demo_account_or_a_visitor(client, username):
    urls = every_url()
    if username:
        client.force_login(__import__("records.models").models.User.objects.get(
            username=username))
    failures = []
    for url in urls:
        status = client.get(url).status_code
        if status >= 500:
            failures.append(f"{username or 'anonymous'} {url}: {status}")
    assert not failures, "\n".join(failures)


def test_a_parent_gets_404_for_another_familys_child(client_for):
    client = client_for("school1.parent")
    own = client.get("/family/")
    own_ids = {p.pk for p, _glance in own.context["children"]}
    assert len(own_ids) == 2
    others = Pupil.objects.exclude(pk__in=own_ids)
    for pupil in [others.filter(institution=school(1)).first(),
                  others.filter(institution=school(2)).first()]:
        response = client.get(reverse("records:pupil", args=[pupil.pk]))
        assert response.status_code == 404
        assert pupil.person.surname not in response.content.decode()
        assert "Страница не найдена" in response.content.decode()
    for pk in own_ids:
        assert client.get(reverse("records:pupil", args=[pk])).status_code == 200


def test_a_parents_child_page_names_no_other_parent_or_pupil(client_for):
    client = client_for("school1.parent")
    child, _glance = client.get("/family/").context["children"][0]
    response = client.get(reverse("records:pupil", args=[child.pk]))
    assert list(response.context["parents"]) == []


def test_a_school1_teacher_gets_404_for_school2_records(client_for):
    client = client_for("school1.teacher")
    pupil = Pupil.objects.filter(institution=school(2)).first()
    assert client.get(reverse("records:pupil", args=[pupil.pk])).status_code == 404
    school_class = SchoolClass.objects.filter(institution=school(2)).first()
    assert client.get(reverse("journal:class", args=[school_class.pk])).status_code == 404
    for model in (Pupil, Staff, Parent):
        row = model.objects.filter(institution=school(2)).first()
        prefix = f"records_{model._meta.model_name}"
        response = client.get(reverse(f"{prefix}:inspect", args=[row.pk]))
        assert response.status_code == 404
        listing = client.get(reverse(f"{prefix}:index")).content.decode()
        assert row.person.full_name not in listing


def test_a_school1_admin_gets_404_editing_a_school2_pupil(client_for):
    client = client_for("school1.admin")
    pupil = Pupil.objects.filter(institution=school(2)).first()
    assert client.get(reverse("records_pupil:edit", args=[pupil.pk])).status_code == 404
    response = client.post(reverse("records_pupil:edit", args=[pupil.pk]), {"surname": "X"})
    assert response.status_code == 404
    pupil.person.refresh_from_db()
    assert pupil.person.surname != "X"


@pytest.mark.parametrize("username", ["school1.pupil", "school1.parent", "school2.pupil"])
def test_pupils_and_parents_get_403_for_the_admin(client_for, username):
    client = client_for(username)
    for url in ["/admin/", reverse("records_pupil:index"), reverse("access_matrix")]:
        response = client.get(url)
        assert response.status_code == 403
        assert "Доступ запрещён" in response.content.decode()


def test_a_pupil_sees_only_their_own_card(client_for, demo_user):
    client = client_for("school1.pupil")
    response = client.get("/me/", follow=True)
    assert response.status_code == 200
    assert response.context["pupil"].person.user == demo_user("school1.pupil")
    classmate = Pupil.objects.filter(school_class=response.context["pupil"].school_class).exclude(
        pk=response.context["pupil"].pk).first()
    assert client.get(reverse("records:pupil", args=[classmate.pk])).status_code == 404
    assert client.get(reverse("journal:class", args=[classmate.school_class_id])).status_code == 404


def test_the_class_page_lists_only_pupils_the_user_may_see(client_for):
    client = client_for("school1.classteacher")
    response = client.get("/dashboard/")
    led = list(response.context["led_classes"])
    assert [str(c) for c in led] == ["5А"]
    page = client.get(reverse("journal:class", args=[led[0].pk]))
    assert len(page.context["table"].rows) == Pupil.objects.filter(school_class=led[0]).count()
    other = SchoolClass.objects.filter(institution=led[0].institution).exclude(pk=led[0].pk).first()
    page = client.get(reverse("journal:class", args=[other.pk]))
    assert page.status_code == 200
    assert len(page.context["table"].rows) == 0


def test_anonymous_visitors_see_only_public_pages(client):
    assert client.get("/").status_code == 200
    for url in ["/dashboard/", "/family/", "/start/",
                reverse("records:pupil", args=[Pupil.objects.first().pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
