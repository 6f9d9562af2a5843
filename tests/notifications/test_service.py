"""The notification service (R-SET-1): one row per recipient and event, the channels
each user chose, e-mail in Russian with the portal's name and a link, web push, and a
bounded number of queries for a whole school."""

import pytest
from django.core import mail

from notifications.models import Channel, Notification, Preference, PushSubscription
from notifications.service import Kind, notify
from records.models import User

pytestmark = pytest.mark.django_db


def users(*names):
    return list(User.objects.filter(username__in=names).order_by("username"))


def test_one_row_per_recipient_and_the_same_event_never_twice(
        django_capture_on_commit_callbacks):
    parent, pupil = users("school1.parent", "school1.pupil")
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(Kind.MARK, [parent, pupil], title="Новая оценка 5: Математика",
                       body="тело", url="/diary/", source="journal.mark:1:v7")
        again = notify(Kind.MARK, User.objects.filter(pk__in=[parent.pk, pupil.pk]),
                       title="Новая оценка 5: Математика", source="journal.mark:1:v7")
    assert len(first) == 2 and again == []
    rows = Notification.objects.filter(source_key="journal.mark:1:v7")
    assert sorted(rows.values_list("user__username", flat=True)) == [
        "school1.parent", "school1.pupil"]
    # A mark is in the portal only, by default: no e-mail.
    assert mail.outbox == []
    # Another event about the same thing (a changed mark) is a new one.
    assert len(notify(Kind.MARK, [parent], title="x", source="journal.mark:1:v8")) == 1


def test_a_row_as_source_and_only_the_recipients(django_capture_on_commit_callbacks):
    parent, = users("school1.parent")
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(Kind.ANNOUNCEMENT, [parent], title="Собрание", source=parent)
    assert rows[0].source == parent and rows[0].source_key == f"records.user:{parent.pk}"
    assert Notification.objects.filter(source_key=rows[0].source_key).count() == 1
    assert [message.to for message in mail.outbox] == [[parent.email]]


def test_inactive_users_get_nothing():
    parent, = users("school1.parent")
    User.objects.filter(pk=parent.pk).update(is_active=False)
    assert notify(Kind.ANNOUNCEMENT, User.objects.filter(pk=parent.pk), title="x") == []


def test_announcements_go_by_email_in_russian_with_the_portal_name_and_a_link(
        django_capture_on_commit_callbacks, settings):
    settings.PORTAL_NAME = "Школы Энска"
    parent, = users("school1.parent")
    with django_capture_on_commit_callbacks(execute=True):
        row, = notify(Kind.ANNOUNCEMENT, [parent], title="Родительское собрание 5А",
                      body="В четверг в 18:00, кабинет 12.", url="/news/1/")
    message, = mail.outbox
    assert message.subject == "Родительское собрание 5А · Школы Энска"
    assert message.to == [parent.email]
    assert "Здравствуйте" in message.body and "В четверг в 18:00" in message.body
    assert f"/notifications/{row.pk}/" in message.body
    assert "Школы Энска" in message.body and "Новое объявление для меня" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f"/notifications/{row.pk}/" in html
    assert "Открыть в портале" in html


def test_channels_follow_the_users_choice(django_capture_on_commit_callbacks, pushed):
    parent, pupil = users("school1.parent", "school1.pupil")
    Preference.objects.create(user=parent, kind=Kind.MARK, portal=False, email=True,
                              push=True)
    PushSubscription.objects.create(user=parent, endpoint="https://push.example.org/a",
                                    p256dh="k" * 87, auth="a" * 22)
    PushSubscription.objects.create(user=pupil, endpoint="https://push.example.org/b",
                                    p256dh="k" * 87, auth="a" * 22)
    with django_capture_on_commit_callbacks(execute=True):
        notify(Kind.MARK, [parent, pupil], title="Новая оценка 4: Физика", body="тело",
               url="/diary/", source="m:1")
    # The parent: e-mail and push, not in the portal; the pupil: the portal only.
    assert [message.to for message in mail.outbox] == [[parent.email]]
    assert [endpoint for endpoint, _ in pushed] == ["https://push.example.org/a"]
    assert pushed[0][1]["title"] == "Новая оценка 4: Физика"
    assert "/notifications/" in pushed[0][1]["url"]
    assert not Notification.objects.of(parent).listed().filter(source_key="m:1").exists()
    assert Notification.objects.of(pupil).listed().filter(source_key="m:1").count() == 1
    assert PushSubscription.objects.get(user=parent).last_success is not None


def test_a_device_gone_from_its_push_service_is_forgotten(
        django_capture_on_commit_callbacks, pushed):
    parent, = users("school1.parent")
    Preference.objects.create(user=parent, kind=Kind.HOMEWORK, portal=True, push=True)
    gone = PushSubscription.objects.create(user=parent, endpoint="https://push.example.org/g",
                                           p256dh="k" * 87, auth="a" * 22)
    kept = PushSubscription.objects.create(user=parent, endpoint="https://push.example.org/k",
                                           p256dh="k" * 87, auth="a" * 22)
    pushed.status[gone.endpoint] = 410
    pushed.status[kept.endpoint] = 500
    with django_capture_on_commit_callbacks(execute=True):
        notify(Kind.HOMEWORK, [parent], title="Домашнее задание: Физика")
    assert list(PushSubscription.objects.filter(user=parent)) == [kept]


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    parent, = users("school1.parent")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(Kind.ANNOUNCEMENT, [parent], title="x", source="rollback")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == [] and not Notification.objects.filter(source_key="rollback")


def test_defaults():
    from notifications.models import DEFAULTS

    assert all(DEFAULTS[kind][Channel.PORTAL] for kind in Kind)
    emailed = [kind for kind in Kind if DEFAULTS[kind][Channel.EMAIL]]
    assert emailed == [Kind.ANNOUNCEMENT, Kind.MAIL]
    assert not any(DEFAULTS[kind][Channel.PUSH] for kind in Kind)


def test_a_whole_school_in_a_bounded_number_of_queries(
        django_capture_on_commit_callbacks, django_assert_max_num_queries):
    """An announcement for a whole school reaches ~1,500 users: the rows go in bulk,
    and e-mail in a few tasks of 250, not one per user."""
    User.objects.bulk_create([User(username=f"bulk{n}", email=f"bulk{n}@example.ru")
                              for n in range(1500)])
    school = User.objects.filter(username__startswith="bulk")
    Preference.objects.create(user=school.first(), kind=Kind.ANNOUNCEMENT, email=False)
    with django_assert_max_num_queries(12):
        rows = notify(Kind.ANNOUNCEMENT, school, title="Каникулы", source="news:1")
    assert len(rows) == 1500 and all(row.pk for row in rows)
    from notifications import service

    queued = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(Kind.ANNOUNCEMENT, school, title="Каникулы", source="news:2")
    original = service._enqueue
    try:
        service._enqueue = lambda email, push: queued.append((len(email), len(push)))
        for callback in callbacks:
            callback()
    finally:
        service._enqueue = original
    assert queued == [(1499, 0)]
