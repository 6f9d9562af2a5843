"""The mail through the API (R-MAIL-1): the token's user's folders and threads, read
through the functions the mail's pages read with; another's thread is a 404, a key
without the mail's scope a 403, and reading changes no unread count."""

import pytest

from messaging.factories import MailboxFactory, MessageFactory, RecipientFactory
from messaging.models import Mailbox, Recipient, Thread

pytestmark = pytest.mark.django_db


def test_the_parent_reads_the_inbox_and_a_thread_without_marking_it_read(
        key_for, api_client, demo_user):
    parent = demo_user("school1.parent")
    client = api_client(key_for("school1.parent", ["mail:read"]))
    unread_before = Recipient.objects.filter(user=parent, read_at__isnull=True).count()
    assert unread_before

    inbox = client.get("/api/v1/mail/inbox").json()
    own = set(Mailbox.objects.filter(user=parent, received=True, archived_at__isnull=True)
              .values_list("thread_id", flat=True))
    assert inbox["count"] == len(own)
    assert {row["id"] for row in inbox["items"]} <= own
    assert sum(row["unread"] for row in inbox["items"]) == unread_before

    thread_id = next(row["id"] for row in inbox["items"] if row["unread"])
    thread = client.get(f"/api/v1/mail/threads/{thread_id}").json()
    assert thread["subject"] == Thread.objects.get(pk=thread_id).subject
    assert thread["messages"]
    for message in thread["messages"]:
        # Who read a message is the sender's to know.
        if message["sender"] != parent.person.full_name:
            assert all(r["read"] is None for r in message["recipients"])
    assert Recipient.objects.filter(user=parent, read_at__isnull=True).count() == unread_before

    sent = client.get("/api/v1/mail/sent").json()
    assert {row["id"] for row in sent["items"]} <= set(
        Mailbox.objects.filter(user=parent, sent=True).values_list("thread_id", flat=True))


def test_another_users_thread_is_a_404_and_a_key_without_the_scope_a_403(
        key_for, api_client, demo_user):
    teacher = demo_user("school1.teacher")
    # The teacher's letter to a colleague: not the parent's, though the parent writes to
    # the same teacher.
    letter = MessageFactory(sender=teacher, body="Коллега, заменишь в пятницу?")
    RecipientFactory(message=letter, user=demo_user("school1.classteacher"))
    MailboxFactory(thread=letter.thread, user=teacher, sent=True, last_message=letter)
    foreign = letter.thread
    client = api_client(key_for("school1.parent", ["mail:read"]))
    assert client.get(f"/api/v1/mail/threads/{foreign.pk}").status_code == 404
    assert client.get("/api/v1/mail/threads/99999999999999999999").status_code == 404
    assert client.get("/api/v1/mail/inbox?limit=100000").status_code == 422

    without = api_client(key_for("school1.parent", ["diary:read"]))
    response = without.get("/api/v1/mail/inbox")
    assert response.status_code == 403
    assert "mail:read" in response.json()["detail"]


def test_the_inbox_answers_in_a_fixed_number_of_queries(key_for, api_client, demo_user,
                                                        django_assert_max_num_queries):
    client = api_client(key_for("school1.parent", ["mail:read"]))
    # The key (1) and its first use (1), the key's rate-limit counter (4 in the
    # database cache of the tests, 1 on Redis), the folder's count and page (2), and
    # the access context.
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/mail/inbox?limit=100").status_code == 200
