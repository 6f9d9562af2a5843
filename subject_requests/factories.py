import datetime

import factory

from records.factories import InstitutionFactory, PersonFactory

from .models import RequestKind, SubjectRequest


class SubjectRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubjectRequest

    institution = factory.SubFactory(InstitutionFactory)
    subject = factory.SubFactory(PersonFactory)
    kind = RequestKind.ACCESS
    text = "Прошу сообщить, какие мои персональные данные обрабатывает школа."
    received_on = datetime.date(2026, 11, 2)
