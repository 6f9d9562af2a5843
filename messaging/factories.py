"""Factories for tests. A message made here is not checked against the address book:
tests that are about the rules go through messaging.actions."""

import factory

from records.factories import PDF, UserFactory

from .models import Attachment, Mailbox, Message, Recipient, Thread


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    subject = factory.Sequence(lambda n: f"Письмо № {n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    sender = factory.SubFactory(UserFactory)
    body = "Добрый день!"


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    message = factory.SubFactory(MessageFactory)
    user = factory.SubFactory(UserFactory)


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    thread = factory.SubFactory(ThreadFactory)
    user = factory.SubFactory(UserFactory)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    message = factory.SubFactory(MessageFactory)
    file = factory.django.FileField(filename="справка.pdf", data=PDF)
