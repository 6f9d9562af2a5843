"""Factories for tests (the demo city writes the forum through forum/actions.py)."""

import factory

from records.factories import PDF, InstitutionFactory, UserFactory

from .models import Attachment, Audience, Post, Section, Topic


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    title = factory.Sequence(lambda n: f"Раздел № {n}")
    audience = Audience.SCHOOL
    institution = factory.SubFactory(InstitutionFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Тема № {n}")
    author = factory.SubFactory(UserFactory)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    topic = factory.SubFactory(TopicFactory)
    author = factory.LazyAttribute(lambda post: post.topic.author)
    text = "Текст сообщения"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    post = factory.SubFactory(PostFactory)
    file = factory.django.FileField(filename="меню.pdf", data=PDF)
