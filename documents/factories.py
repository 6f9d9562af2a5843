import datetime

import factory

from records.factories import PDF, InstitutionFactory

from .models import AccessLevel, Document, DocumentKind, IssuedDocument, IssuedKind


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


class IssuedDocumentFactory(factory.django.DjangoModelFactory):
    """A row of the register of issued documents (``documents.actions.issue`` makes the
    real ones, with their PDF)."""

    class Meta:
        model = IssuedDocument

    institution = factory.SubFactory(InstitutionFactory)
    kind = IssuedKind.CERTIFICATE
    year = 2026
    number = factory.Sequence(lambda n: n + 1)
    issued_on = datetime.date(2026, 9, 15)
    subject = "Иванов Иван Иванович"
    file = factory.django.FileField(filename="spravka.pdf", data=PDF)
