"""Issue 13's "Done when", end to end with the delivery: school1.editor writes an
announcement for the parents of 5А and submits it, school1.admin publishes it, and
school1.parent finds it in the search and gets it in the portal, by e-mail and by web
push (a recorded push service); school2.parent and a parent of another class of
school 1 get no notification, no e-mail, no push, and no hit or count in the search."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import TaskState

from notifications.models import Notification, Preference, PushSubscription
from notifications.service import Kind
from records.models import User
from tests.announcements.test_flow import TITLE, submitted_by_editor
from tests.notifications.conftest import pushed  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

OUTSIDERS = ("school2.parent", "school1.otherparent")


QUERY = "собрание родителей в четверг"


def found(client, query=QUERY):
    """(the titles of the hits, the total count) of the search box for ``query``."""
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    return [hit.title for kind in results.kinds for hit in kind.hits], results.total


def test_the_announcement_reaches_its_parents_on_every_channel_and_nobody_else(
        client_for, news1, class_5a, other_class_parent, pushed,  # noqa: F811
        django_capture_on_commit_callbacks):
    parent = User.objects.get(username="school1.parent")
    Preference.objects.update_or_create(user=parent, kind=Kind.ANNOUNCEMENT, defaults={
        "portal": True, "email": True, "push": True})
    PushSubscription.objects.create(user=parent, endpoint="https://push.example/parent",
                                    p256dh="BExample", auth="secret")
    for username in OUTSIDERS:
        outsider = User.objects.get(username=username)
        Preference.objects.update_or_create(user=outsider, kind=Kind.ANNOUNCEMENT, defaults={
            "portal": True, "email": True, "push": True})
        PushSubscription.objects.create(user=outsider, p256dh="BExample", auth="secret",
                                        endpoint=f"https://push.example/{username}")

    counted_before = {username: found(client_for(username))[1] for username in OUTSIDERS}
    page = submitted_by_editor(client_for, news1, class_5a)
    task = TaskState.objects.get(workflow_state__object_id=str(page.pk),
                                 status=TaskState.STATUS_IN_PROGRESS)
    approve = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("school1.admin").post(approve, {"comment": ""})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live

    # In the portal, by e-mail and by push: the parent once on each channel.
    notification = Notification.objects.get(user=parent, kind=Kind.ANNOUNCEMENT,
                                            title__contains=TITLE)
    assert notification.url.endswith(page.url)
    to_parent = [message for message in mail.outbox if parent.email in message.to]
    assert len(to_parent) == 1 and TITLE in to_parent[0].subject + to_parent[0].body
    assert [endpoint for endpoint, _payload in pushed] == ["https://push.example/parent"]

    parent_client = client_for("school1.parent")
    assert TITLE in parent_client.get(reverse("notifications:list")).content.decode()
    assert TITLE in found(parent_client, "собрание")[0]

    # Nobody else: no row, no mail, no push, no hit and no count.
    for username in OUTSIDERS:
        outsider = User.objects.get(username=username)
        assert not Notification.objects.filter(user=outsider, title__contains=TITLE).exists()
        assert not [message for message in mail.outbox if outsider.email in message.to]
        client = client_for(username)
        assert client.get(page.url).status_code == 404
        titles, total = found(client)
        assert TITLE not in titles and total == counted_before[username], username
        assert TITLE not in client.get(reverse("search"), {"q": "четверг"}).content.decode()
