"""R-MAIL-1, R-PD-5: reading, replying, forwarding and archiving, each within the
rights. A thread, a message and an attachment are read by the sender and the
recipients of that message only: anyone else gets 404 (no confirmation that it
exists); a reply goes to those the replier may still address; a forward carries its
attachments; archiving is each user's own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from messaging import actions, queries
from messaging.models import Attachment, Mailbox, Message, Recipient
from notifications.models import Notification
from notifications.service import Kind
from records.factories import PDF


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


@pytest.fixture
def letter(world):
    """The parent writes to the mathematics teacher of a1, with a PDF."""
    return actions.send(world.parent, [world.maths_a1.user.pk], "Задача № 5", "Как решать?",
                        [SimpleUploadedFile("решение.pdf", PDF)])


def test_the_recipient_reads_it_and_it_is_read_once_opened(client, world, letter):
    client.force_login(world.maths_a1.user)
    assert queries.unread_count(world.maths_a1.user) == 1
    inbox = client.get(reverse("messaging:inbox"))
    assert "Задача № 5" in inbox.content.decode()
    response = client.get(reverse("messaging:thread", args=[letter.thread_id]))
    assert response.status_code == 200
    assert "Как решать?" in response.content.decode()
    assert queries.unread_count(world.maths_a1.user) == 0
    # The sender sees that it was read.
    client.force_login(world.parent)
    html = client.get(reverse("messaging:thread", args=[letter.thread_id])).content.decode()
    assert "прочитано" in html


@pytest.mark.parametrize("outsider", ["teacher_a2", "other_parent", "director_a",
                                      "department"])
def test_nobody_else_opens_the_thread_the_message_or_the_attachment(client, world, letter,
                                                                    outsider):
    user = getattr(world, outsider)
    client.force_login(getattr(user, "user", user))
    attachment = letter.attachments.get()
    for url in (reverse("messaging:thread", args=[letter.thread_id]),
                reverse("messaging:reply", args=[letter.pk]),
                reverse("messaging:forward", args=[letter.pk]),
                attachment.file.url):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("messaging:archive_thread", args=[letter.thread_id])
                       ).status_code == 404
    assert client.post(reverse("messaging:reply", args=[letter.pk]),
                       {"body": "Вмешаюсь"}).status_code == 404
    assert not Message.objects.filter(thread=letter.thread, body="Вмешаюсь").exists()


def test_the_participants_open_the_attachment(client, world, letter):
    attachment = letter.attachments.get()
    for user in (world.parent, world.maths_a1.user):
        client.force_login(user)
        response = client.get(attachment.file.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF


def test_the_menu_shows_the_unread_count_until_the_thread_is_opened(client, world, letter):
    client.force_login(world.maths_a1.user)
    html = client.get(reverse("messaging:sent")).content.decode()
    assert 'class="nav-count"><span class="visually-hidden">непрочитанных: </span>1<' in html
    html = client.get(reverse("messaging:thread", args=[letter.thread_id])).content.decode()
    assert 'class="nav-count"' not in html


@pytest.mark.parametrize("name", ["thread", "reply", "forward", "archive_thread"])
@pytest.mark.parametrize("pk", ["9223372036854775807", "9223372036854775808",
                                "99999999999999999999999", "0"])
def test_huge_ids_are_404(client, world, name, pk):
    client.force_login(world.parent)
    url = f"/mail/{'threads' if name in ('thread', 'archive_thread') else 'messages'}/{pk}/"
    if name != "thread":
        url += {"reply": "reply/", "forward": "forward/", "archive_thread": "archive/"}[name]
    # (Archiving is a POST: a GET of a valid address is 405.)
    assert client.get(url).status_code in ((404, 405) if name == "archive_thread" else (404,))
    assert client.post(url, {"body": "x"}).status_code == 404


def test_the_teacher_answers_and_the_parent_sees_the_answer(client, world, letter):
    client.force_login(world.maths_a1.user)
    response = client.post(reverse("messaging:reply", args=[letter.pk]),
                           {"body": "Начните с чертежа."})
    assert response.status_code == 302
    answer = Message.objects.latest("pk")
    assert answer.thread_id == letter.thread_id and answer.reply_to_id == letter.pk
    assert [r.user for r in answer.recipients.all()] == [world.parent]
    assert Notification.objects.filter(user=world.parent, kind=Kind.MAIL).exists()
    client.force_login(world.parent)
    assert queries.unread_count(world.parent) == 1
    html = client.get(reverse("messaging:thread", args=[letter.thread_id])).content.decode()
    assert "Начните с чертежа." in html


def test_reply_all_goes_only_to_those_the_replier_may_still_address(world):
    # The director writes to two parents of the school; one of them answers all: the
    # other parent is another family, outside a parent's address book.
    letter = actions.send(world.director_a.user, [world.parent.pk, world.other_parent.pk],
                          "Пропуска", "С понедельника")
    to, left_out = actions.reply_recipients(world.parent, letter, to_all=True)
    assert to == {world.director_a.user.pk} and left_out == {world.other_parent.pk}
    answer = actions.reply(world.parent, letter, "Спасибо", to_all=True)
    assert {r.user_id for r in answer.recipients.all()} == {world.director_a.user.pk}
    # The other parent never reads the answer in the thread.
    assert answer not in queries.messages(world.other_parent, letter.thread)
    assert letter in queries.messages(world.other_parent, letter.thread)


def test_a_reply_to_someone_no_longer_addressable_is_refused(world, letter):
    from django.core.exceptions import ValidationError

    world.maths_a1.left_on = world.maths_a1.hired_on or letter.sent_at.date()
    world.maths_a1.save(update_fields=["left_on"])
    before = Message.objects.count()
    with pytest.raises(ValidationError):
        actions.reply(world.parent, letter, "Ещё вопрос")
    assert Message.objects.count() == before


def test_a_forward_goes_within_the_rights_with_its_attachments(world, letter):
    from django.core.exceptions import ValidationError

    teacher = world.maths_a1.user
    forwarded = actions.forward(teacher, letter, [world.class_teacher_a1.user.pk], "К сведению")
    assert forwarded.thread_id != letter.thread_id
    assert forwarded.thread.subject.endswith("Задача № 5")
    assert "Как решать?" in forwarded.quoted
    copy = forwarded.attachments.get()
    assert copy.file.name == letter.attachments.get().file.name
    # Outside the teacher's rights: another school's teacher.
    before = Message.objects.count()
    with pytest.raises(ValidationError):
        actions.forward(teacher, letter, [world.teacher_b1.user.pk])
    assert Message.objects.count() == before


def test_a_forwarded_attachment_is_read_by_the_new_recipient_only_through_the_forward(
        client, world, letter):
    forwarded = actions.forward(world.maths_a1.user, letter, [world.class_teacher_a1.user.pk])
    client.force_login(world.class_teacher_a1.user)
    assert client.get(forwarded.attachments.get().file.url).status_code == 200
    assert client.get(reverse("messaging:thread", args=[letter.thread_id])).status_code == 404


def test_forwarding_through_the_form_refuses_a_forged_recipient(client, world, letter):
    client.force_login(world.maths_a1.user)
    before = Message.objects.count()
    response = client.post(reverse("messaging:forward", args=[letter.pk]),
                           {"to": [world.teacher_b1.user.pk]})
    assert response.status_code == 200
    assert "не можете писать" in response.content.decode()
    assert Message.objects.count() == before
    response = client.post(reverse("messaging:forward", args=[letter.pk]),
                           {"to": [world.class_teacher_a1.user.pk], "body": "Посмотрите"})
    assert response.status_code == 302


def test_archive_is_per_user_and_undone(client, world, letter):
    client.force_login(world.maths_a1.user)
    url = reverse("messaging:archive_thread", args=[letter.thread_id])
    assert client.post(url).status_code == 302
    mine = Mailbox.objects.get(user=world.maths_a1.user, thread=letter.thread)
    assert mine.archived_at is not None
    assert Mailbox.objects.get(user=world.parent, thread=letter.thread).archived_at is None
    assert letter.thread_id not in {m.thread_id for m in queries.folder(world.maths_a1.user,
                                                                         queries.INBOX)}
    assert letter.thread_id in {m.thread_id for m in queries.folder(world.maths_a1.user,
                                                                     queries.ARCHIVE)}
    # A new message in the thread brings it back.
    actions.reply(world.parent, letter, "Ещё вопрос")
    mine.refresh_from_db()
    assert mine.archived_at is None
    client.post(url)
    client.post(url, {"undo": "1"})
    mine.refresh_from_db()
    assert mine.archived_at is None
    assert client.get(url).status_code == 405


def test_mark_read_touches_only_the_users_own_rows(world, letter):
    actions.mark_read(world.parent, letter.thread)
    assert Recipient.objects.get(message=letter).read_at is None


def test_a_notification_reaches_the_recipients_only(world):
    before = set(Notification.objects.filter(kind=Kind.MAIL).values_list("pk", flat=True))
    message = actions.send(world.maths_a1.user, [world.parent.pk, world.classmate_parent.pk],
                           "Экскурсия", "В субботу")
    new = Notification.objects.filter(kind=Kind.MAIL).exclude(pk__in=before)
    assert {n.user_id for n in new} == {world.parent.pk, world.classmate_parent.pk}
    assert all(n.url == reverse("messaging:thread", args=[message.thread_id]) for n in new)


def test_the_inbox_query_budget_does_not_grow_with_the_threads(
        client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.parent)
    url = reverse("messaging:inbox")
    actions.send(world.maths_a1.user, [world.parent.pk], "Первое", "Текст")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(12):
        sender = [world.maths_a1, world.class_teacher_a1, world.director_a][n % 3].user
        message = actions.send(sender, [world.parent.pk], f"Письмо {n}", "Текст",
                               [SimpleUploadedFile("a.pdf", PDF)] if n % 4 == 0 else ())
        actions.reply(world.parent, message, "Ответ")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    with django_assert_max_num_queries(12):
        client.get(url)
    with django_assert_max_num_queries(12):
        client.get(reverse("messaging:sent"))


def test_the_thread_query_budget_does_not_grow_with_its_messages(
        client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    letter = actions.send(world.parent, [world.maths_a1.user.pk], "Тема", "Текст")
    url = reverse("messaging:thread", args=[letter.thread_id])
    client.force_login(world.parent)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    last = letter
    for _ in range(6):
        last = actions.reply(world.maths_a1.user, last, "Ответ",
                             [SimpleUploadedFile("a.pdf", PDF)])
        last = actions.reply(world.parent, last, "Ещё")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert Attachment.objects.filter(message__thread=letter.thread).count() == 6


def test_a_reply_to_some_participants_is_not_shown_to_the_others_in_their_folders(
        client, world):
    letter = actions.send(world.director_a.user, [world.parent.pk, world.other_parent.pk],
                          "Пропуска", "С понедельника")
    actions.reply(world.parent, letter, "Секретный ответ директору")
    rows = list(queries.folder(world.other_parent, queries.INBOX))
    assert [r.last_message_id for r in rows if r.thread_id == letter.thread_id] == [letter.pk]
    client.force_login(world.other_parent)
    for url in (reverse("messaging:inbox"),
                reverse("messaging:thread", args=[letter.thread_id])):
        assert "Секретный ответ" not in client.get(url).content.decode()


def test_a_teacher_whose_role_ended_is_not_offered(world):
    from messaging.addressbook import address_book
    from records.models import RoleAssignment

    RoleAssignment.objects.filter(person=world.maths_a1.person).update(
        valid_to="2026-10-01")
    assert world.maths_a1.user.pk not in address_book(world.parent)
