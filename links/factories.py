import factory

from .models import Audience, Link, LinkCategory


class LinkCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkCategory

    name = factory.Sequence(lambda n: f"Категория {n + 1}")


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    category = factory.SubFactory(LinkCategoryFactory)
    title = factory.Sequence(lambda n: f"Ресурс {n + 1}")
    url = factory.Sequence(lambda n: f"https://resource{n + 1}.example.ru/")
    audience = Audience.PUBLIC
