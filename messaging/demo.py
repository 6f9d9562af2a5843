"""The mail of the demo city (issue 16): conversations between school1.parent and
their child's mathematics teacher (school1.teacher, when they teach the child of 5А
mathematics; otherwise whoever does, said in the build's output), one of them unread
by the parent; a message of school1.classteacher to the parents of 5А; one of the
director to the school's parents. Every recipient is checked against the sender's
address book (messaging/addressbook.py), so the demo never holds a message the rules
would refuse. Written in bulk with past times; the parent's unread message is
notified like any other."""

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from curriculum.models import TeachingAssignment
from notifications.service import Kind, notify
from portal.uploads import KINDS, private_storage, stored_name
from records.models import Pupil, User

from .addressbook import address_book
from .models import Attachment, Mailbox, Message, Recipient, Thread


def maths_teacher(parent):
    """(the login teaching mathematics to the parent's child in 5А, that child)."""
    child = (Pupil.objects.current().filter(guardianships__parent__person__user=parent,
                                            school_class__grade=5, school_class__letter="А")
             .select_related("school_class", "person").first())
    if child is None:
        return None, None
    staff = (TeachingAssignment.objects.filter(school_class_id=child.school_class_id,
                                               subject__name__startswith="Математика",
                                               teacher__person__user__isnull=False)
             .select_related("teacher__person__user").order_by("pk"))
    logins = [a.teacher.person.user for a in staff]
    preferred = next((u for u in logins if u.username == "school1.teacher"), None)
    return preferred or (logins[0] if logins else None), child


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class Writer:
    def __init__(self):
        self.books = {}

    def allowed(self, sender, users):
        book = self.books.get(sender.pk)
        if book is None:
            book = self.books[sender.pk] = address_book(sender)
        return [u for u in users if u.pk in book]

    def thread(self, subject, letters, files=()):
        """``letters``: [(sender, recipients, body, sent at, read at or None)], oldest
        first. Returns the thread, or None when the rules let nobody receive it."""
        thread = Thread.objects.create(subject=subject, created=letters[0][3])
        places = {}
        message = None
        for number, (sender, users, body, sent_at, read_at) in enumerate(letters):
            users = self.allowed(sender, users)
            if not users:
                continue
            message = Message.objects.create(thread=thread, sender=sender, body=body,
                                             sent_at=sent_at, reply_to=message)
            Recipient.objects.bulk_create([Recipient(message=message, user=u, read_at=read_at)
                                           for u in users])
            for pk, role in [(sender.pk, "sent"), *((u.pk, "received") for u in users)]:
                place = places.setdefault(pk, Mailbox(thread=thread, user_id=pk))
                setattr(place, role, True)
                place.last_message, place.last_message_at = message, sent_at
            if number == 0:
                for name, content in files:
                    Attachment.objects.create(message=message, file=private_storage().save(
                        f"mail/demo/{stored_name(name, KINDS['pdf'])}", ContentFile(content)))
        if message is None:
            thread.delete()
            return None
        Mailbox.objects.bulk_create(places.values())
        thread.latest = message
        return thread


def build(city):
    from portfolio.demo import tiny_pdf

    users = {u.username: u for u in User.objects.filter(username__in=[
        "school1.parent", "school1.teacher", "school1.classteacher", "school1.director"])}
    parent = users.get("school1.parent")
    if parent is None:
        return
    teacher, child = maths_teacher(parent)
    if teacher is None:
        city.say("Mail: nobody teaches mathematics to school1.parent's child in 5А")
        return
    if teacher.username != "school1.teacher":
        city.say(f"Mail: the mathematics teacher of 5А is {teacher.username}, "
                 "not school1.teacher")
    day = city.today
    ago = lambda days: day - datetime.timedelta(days=days)  # noqa: E731
    writer = Writer()
    name = child.person.name
    was_ill = "болела" if child.person.sex == "f" else "болел"
    writer.thread("Домашнее задание по математике", [
        (parent, [teacher], f"Здравствуйте! {name} {was_ill} в понедельник. Подскажите, "
         "пожалуйста, какие задачи нужно решить к пятнице?", _at(ago(9), 18, 40),
         _at(ago(9), 20, 5)),
        (teacher, [parent], "Добрый вечер! Номера 214, 215 и 218 из учебника. Лист с "
         "разбором прикладываю к следующему письму, если понадобится — спрашивайте.",
         _at(ago(9), 20, 15), _at(ago(9), 21, 0)),
        (parent, [teacher], "Спасибо большое!", _at(ago(9), 21, 5), _at(ago(8), 8, 10)),
    ])
    writer.thread("Олимпиада по математике", [
        (teacher, [parent], f"Здравствуйте! Предлагаю {name} участвовать в школьном "
         "этапе олимпиады по математике. Задания прошлого года — во вложении.",
         _at(ago(6), 15, 30), _at(ago(6), 19, 0)),
        (parent, [teacher], "Добрый день! Мы согласны, спасибо за приглашение.",
         _at(ago(6), 19, 10), _at(ago(5), 7, 50)),
    ], files=[("Олимпиада прошлого года.pdf", tiny_pdf())])
    unread = writer.thread("Контрольная работа в четверг", [
        (teacher, [parent], "Уважаемые родители! В четверг контрольная работа по теме "
         "«Натуральные числа». Пожалуйста, проверьте, что у ребёнка есть линейка и "
         "циркуль.", _at(ago(1), 16, 20), None),
    ])
    if users.get("school1.classteacher"):
        class_teacher = users["school1.classteacher"]
        book = address_book(class_teacher)
        group = book.by_key.get(f"parents-{child.school_class_id}")
        parents = list(User.objects.filter(pk__in=group.user_ids)) if group else []
        writer.thread("Родительское собрание 5А", [
            (class_teacher, parents, "Уважаемые родители! Родительское собрание состоится "
             "в пятницу в 18:00 в кабинете 12. Повестка: итоги первой четверти, экскурсия.",
             _at(ago(4), 12, 0), _at(ago(4), 18, 30)),
        ])
    if users.get("school1.director"):
        director = users["school1.director"]
        book = address_book(director)
        parents = set().union(*(g.user_ids for g in book.groups if g.key.startswith("parents-")))
        writer.thread("Пропускной режим", [
            (director, list(User.objects.filter(pk__in=parents)), "Уважаемые родители! С "
             "понедельника вход в школу — по электронным пропускам. Пропуск выдаёт "
             "секретарь в кабинете 3 с 8:00 до 16:00.", _at(ago(3), 9, 0),
             _at(ago(3), 19, 45)),
        ])
    if unread is not None:
        message = unread.latest
        notify(Kind.MAIL, [parent], title=f"{teacher.person.full_name}: {unread.subject}",
               url=reverse("messaging:thread", args=[unread.pk]), source=message)
