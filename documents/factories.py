import datetime

import factory

from records.factories import PDF, InstitutionFactory

from .models import AccessLevel, Document, DocumentKind


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    institution = factory.SubFactory(InstitutionFactory)
    kind = DocumentKind.ORDER
    number = factory.Sequence(lambda n: f"{n + 1}-о")
    date = datetime.date(2026, 9, 1)
    title = factory.Sequence(lambda n: f"О зачислении обучающихся (приказ {n + 1})")
    access_level = AccessLevel.STAFF
    file = factory.django.FileField(filename="prikaz.pdf", data=PDF)
