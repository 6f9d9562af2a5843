"""R-MAIL-1, R-NF-3: writing through the form. The form offers the address book only,
and the server refuses anything else — forged ids, huge ids, garbage, ids of another
school, a group that is not the sender's — with a Russian message and nothing saved.
A send notifies its recipients only, with the sender's name and the subject."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from messaging import actions
from messaging.models import Mailbox, Message, Recipient, Thread
from notifications.models import Notification
from notifications.service import Kind
from portal.ids import MAX_ID

REFUSED = "Среди выбранных адресатов есть те, кому вы не можете писать. Письмо не отправлено."


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


def counts():
    return (Thread.objects.count(), Message.objects.count(), Recipient.objects.count(),
            Mailbox.objects.count(), Notification.objects.filter(kind=Kind.MAIL).count())


def post(client, data, url=None):
    return client.post(url or reverse("messaging:compose"), data, HTTP_ACCEPT_LANGUAGE="ru")


def test_the_form_offers_the_address_book_only(client_for, demo_user):
    response = client_for("school1.parent").get(reverse("messaging:compose"))
    assert response.status_code == 200
    offered = {int(v) for v in response.context["book"].user_ids}
    assert demo_user("school1.teacher").pk in offered
    assert demo_user("school2.teacher").pk not in offered
    html = response.content.decode()
    assert f'name="to" value="{demo_user("school1.teacher").pk}"' in html
    assert f'value="{demo_user("school2.teacher").pk}"' not in html


def test_a_parent_writes_to_the_childs_mathematics_teacher(
        client_for, demo_user, django_capture_on_commit_callbacks):
    teacher = demo_user("school1.teacher")
    client = client_for("school1.parent")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {"to": [teacher.pk], "subject": "Вопрос <b>по</b> задаче",
                                 "body": "Добрый день!\n<script>alert(1)</script>"})
    assert response.status_code == 302
    message = Message.objects.latest("pk")
    assert message.sender == demo_user("school1.parent")
    assert {r.user for r in message.recipients.all()} == {teacher}
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Вопрос &lt;b&gt;по&lt;/b&gt; задаче" in html
    # Logged, without the subject or the text.
    entry = ModelLogEntry.objects.filter(action=actions.SENT).latest("pk")
    assert entry.object_id == str(message.pk) and "задаче" not in entry.label
    # The teacher, only, is told: the sender and the subject.
    notices = Notification.objects.filter(kind=Kind.MAIL, source_key=f"messaging.message:"
                                          f"{message.pk}")
    assert [n.user for n in notices] == [teacher]
    assert notices[0].title.endswith(": Вопрос <b>по</b> задаче")
    assert "Добрый" not in notices[0].title + notices[0].body
    # By e-mail too, by default (R-MAIL-1), with nothing of the letter's text.
    letters = [m for m in mail.outbox if teacher.email in m.to]
    assert len(letters) == 1 and "Вопрос" in letters[0].subject
    assert "Добрый" not in letters[0].body
    assert not [m for m in mail.outbox if demo_user("school1.parent").email in m.to]


@pytest.mark.parametrize("forged", [
    "school2.teacher",   # another school's teacher
    "school2.parent",    # another school's family
    "school1.secretary",  # a colleague of the teacher, not a parent's addressee
    "admin",             # a superuser
])
def test_a_forged_recipient_is_refused_and_nothing_is_saved(client_for, demo_user, forged):
    client = client_for("school1.parent")
    before = counts()
    response = post(client, {"to": [demo_user("school1.teacher").pk, demo_user(forged).pk],
                             "subject": "Тема", "body": "Текст"})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("value", [str(MAX_ID), str(MAX_ID + 1), "99999999999999999999999",
                                   "-1", "0", "1e3", "abc", "", " "])
def test_a_huge_or_garbage_id_is_refused_with_a_message(client_for, value):
    client = client_for("school1.parent")
    before = counts()
    response = post(client, {"to": [value], "subject": "Тема", "body": "Текст"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before


def test_a_group_not_in_the_address_book_is_refused(client_for):
    client = client_for("school1.parent")
    before = counts()
    for key in ("parents-5", "colleagues-1", "department", "x" * 5000):
        response = post(client, {"groups": [key], "subject": "Тема", "body": "Текст"})
        assert REFUSED in response.content.decode()
    assert counts() == before


def test_a_teacher_writes_to_a_whole_class_of_parents_by_its_group(client_for, demo_user):
    from messaging.addressbook import address_book

    teacher = demo_user("school1.classteacher")
    group = next(g for g in address_book(teacher).groups if g.key.startswith("parents-"))
    response = post(client_for("school1.classteacher"),
                    {"groups": [group.key], "subject": "Собрание", "body": "В пятницу"})
    assert response.status_code == 302
    message = Message.objects.latest("pk")
    assert {r.user_id for r in message.recipients.all()} == group.user_ids


@pytest.mark.parametrize("data, field", [
    ({"subject": "", "body": "Текст"}, "subject"),
    ({"subject": "Т" * 201, "body": "Текст"}, "subject"),
    ({"subject": "Тема", "body": "   "}, "body"),
    ({"subject": "Тема", "body": "x" * 10_001}, "body"),
])
def test_bad_input_gets_a_russian_message_and_nothing_changes(client_for, demo_user, data,
                                                              field):
    client = client_for("school1.parent")
    before = counts()
    response = post(client, {"to": [demo_user("school1.teacher").pk], **data})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors and all(any("а" <= ch <= "я" for ch in e.lower()) for e in errors)
    assert counts() == before


def test_no_recipient_is_refused(client_for):
    response = post(client_for("school1.parent"), {"subject": "Тема", "body": "Текст"})
    assert "Выберите хотя бы одного адресата." in response.content.decode()


def test_an_attachment_that_is_not_a_document_is_refused(client_for, demo_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = counts()
    response = post(client_for("school1.parent"), {
        "to": [demo_user("school1.teacher").pk], "subject": "Тема", "body": "Текст",
        "files": [SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script>")]})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert counts() == before


def test_sending_is_rate_limited_per_user(client_for, demo_user, monkeypatch):
    from messaging import views

    monkeypatch.setattr(views, "SEND_RATE", "2/h")
    client = client_for("school1.parent")
    teacher = demo_user("school1.teacher").pk
    for _ in range(2):
        assert post(client, {"to": [teacher], "subject": "Тема", "body": "Текст"}
                    ).status_code == 302
    before = counts()
    response = post(client, {"to": [teacher], "subject": "Тема", "body": "Текст"})
    assert response.status_code == 200
    assert "Вы отправляете слишком много писем" in response.content.decode()
    assert counts() == before


def test_a_user_without_mail_gets_404(client_for):
    for url in (reverse("messaging:inbox"), reverse("messaging:compose")):
        assert client_for("admin").get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_links_mail_with_the_unread_count(client_for):
    html = client_for("school1.parent").get(reverse("records:family")).content.decode()
    assert reverse("messaging:inbox") in html
    assert "Почта" in html
