"""R-ANN-1: who reads an announcement. The audience holds through one queryset
(``AnnouncementPage.objects.visible_to``), and the recipients of its notifications are
exactly the users that queryset shows it to — checked over every demo account.

Personas: school1.parent (a child in 5А, another in another class of school 1),
school1.pupil (5А), school2.parent, a parent of school 1 with no child in 5А, the staff
of school 1, the department, an anonymous visitor."""

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from announcements.audience import Audience, recipients
from announcements.models import Announcement, AnnouncementIndexPage, AnnouncementPage
from portal.access import access
from portal.demo.city import DEMO_ACCOUNTS
from records.models import Pupil, User
from sgo_pages.models import DepartmentPage

pytestmark = pytest.mark.django_db


def demo_users(extra=()):
    return list(User.objects.filter(username__in=[u for u, _ in DEMO_ACCOUNTS] + list(extra)))


def readers(page, users):
    return {u.username for u in users
            if AnnouncementPage.objects.visible_to(User.objects.get(pk=u.pk))
            .filter(pk=page.pk).exists()}


def test_recipients_are_the_users_who_see_it(publish, class_5a, other_class_parent):
    department_news = AnnouncementIndexPage.objects.child_of(DepartmentPage.objects.get()).get()
    made = [
        publish("Для 5 параллели", audience=Audience.GRADE, grade=5),
        publish("Для отдела", index=department_news, audience=Audience.DEPARTMENT),
    ]
    users = demo_users(["school1.otherparent"])
    pages = made + list(
        AnnouncementPage.objects.current())
    assert {p.audience for p in pages} == set(Audience)
    names = {u.username for u in users}
    for page in pages:
        reached = set(recipients(page).filter(username__in=names).values_list(
            "username", flat=True))
        assert reached == readers(page, users), (page.title, page.audience)


def test_a_parent_reads_each_childs_class_and_no_other(publish, class_5a, other_class_parent):
    parent = User.objects.get(username="school1.parent")
    classes = access(parent).children_class_ids
    other = (Pupil.objects.filter(pk__in=access(parent).child_pupil_ids)
             .exclude(school_class=class_5a).first().school_class)
    assert {class_5a.pk, other.pk} <= classes
    stranger = (type(class_5a).objects.current().filter(institution=class_5a.institution_id)
                .exclude(pk__in=classes).first())
    mine = [publish("Для 5А", audience=Audience.CLASS_PARENTS, school_class=class_5a),
            publish("Для второго", audience=Audience.CLASS_PARENTS, school_class=other)]
    foreign = publish("Для чужого класса", audience=Audience.CLASS_PARENTS,
                      school_class=stranger)
    seen = set(AnnouncementPage.objects.visible_to(parent).values_list("pk", flat=True))
    assert {p.pk for p in mine} <= seen and foreign.pk not in seen
    # The pupils of 5А themselves are not the parents' audience.
    pupil = User.objects.get(username="school1.pupil")
    assert not AnnouncementPage.objects.visible_to(pupil).filter(pk=mine[0].pk).exists()
    assert not AnnouncementPage.objects.visible_to(other_class_parent).filter(
        pk=mine[0].pk).exists()


def test_a_grade_reaches_its_pupils_and_their_parents(publish, class_5a):
    page = publish("Для 5 параллели", audience=Audience.GRADE, grade=5)
    for name in ("school1.pupil", "school1.parent"):
        assert page.is_visible_to(User.objects.get(username=name)), name
    for name in ("school2.pupil", "school2.parent", "school1.teacher"):
        assert not page.is_visible_to(User.objects.get(username=name)), name


def test_anonymous_visitors_read_only_public_announcements(client):
    audiences = set(AnnouncementPage.objects.visible_to(AnonymousUser()).values_list(
        "audience", flat=True))
    assert audiences == {Audience.PUBLIC}
    hidden = AnnouncementPage.objects.current().exclude(audience=Audience.PUBLIC)
    for page in hidden:
        assert client.get(page.url).status_code == 404
    text = "".join(client.get(p.url).content.decode() for p in
                   AnnouncementIndexPage.objects.live())
    text += client.get("/").content.decode()
    for page in hidden:
        assert page.title not in text, page.title


def test_expired_and_scheduled_ones_are_nowhere_but_in_the_admin(client_for, publish):
    parent = client_for("school1.parent")
    expired = AnnouncementPage.objects.get(title="Приём документов в летний лагерь",
                                           institution__short_name="СОШ № 1")
    scheduled = AnnouncementPage.objects.get(title="Олимпиада по математике: итоги",
                                             institution__short_name="СОШ № 1")
    assert not scheduled.live and scheduled.go_live_at > timezone.now()
    assert parent.get(expired.url).status_code == 404
    for path in ("/", expired.get_parent().url, expired.get_parent().get_parent().url):
        page = parent.get(path).content.decode()
        assert expired.title not in page and scheduled.title not in page
    # Its editors still open it to check it.
    assert client_for("school1.editor").get(expired.url).status_code == 200


def test_a_scheduled_one_is_published_and_notified_when_its_time_comes(publish, monkeypatch):
    sent = []
    monkeypatch.setattr("announcements.signals.notify",
                        lambda kind, users, **kw: sent.append((kind, kw["source"].pk)))
    page = publish("Позже", audience=Audience.SCHOOL,
                   go_live_at=timezone.now() + timezone.timedelta(days=1))
    assert not page.live and not sent
    # The next day (the access context's "today" moves too: a fresh user is read).
    with time_machine.travel(timezone.now() + timezone.timedelta(days=1, minutes=1)):
        call_command("publish_scheduled", verbosity=0)
    assert AnnouncementPage.objects.get(pk=page.pk).live
    assert [pk for _kind, pk in sent] == [page.pk]


def test_a_draft_is_read_by_nobody(news1):
    page = news1.add_child(instance=Announcement(title="Черновик", body="<p>x</p>",
                                                 audience=Audience.PUBLIC, live=False))
    page.save_revision()
    assert not AnnouncementPage.objects.visible_to(AnonymousUser()).filter(pk=page.pk).exists()
