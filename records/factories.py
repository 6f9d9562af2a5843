"""Factories for tests (factory-boy is a development dependency; the demo seeder
writes rows in bulk instead)."""

import datetime
import io

import factory
from PIL import Image
from pypdf import PdfWriter

from portal.access import Role

from .models import (
    Consent,
    Department,
    DirectoryEntry,
    DirectoryKind,
    Guardianship,
    Institution,
    InstitutionDocument,
    InstitutionDocumentKind,
    Parent,
    ParentFile,
    Person,
    Pupil,
    PupilCharacteristic,
    PupilFile,
    PupilHealth,
    Relation,
    RoleAssignment,
    Sex,
    Staff,
    StaffFile,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.ru")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = "Управление образования"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    department = factory.SubFactory(DepartmentFactory)
    short_name = factory.Sequence(lambda n: f"Школа № {n + 100}")
    name = factory.LazyAttribute(lambda i: f"МОБУ «{i.short_name}»")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    surname = factory.Iterator(["Иванов", "Петров", "Сидоров", "Ёлкин", "Абрамов"])
    name = factory.Iterator(["Иван", "Пётр", "Сергей"])
    patronymic = "Иванович"
    sex = Sex.MALE
    birth_date = datetime.date(1985, 3, 14)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    institution = factory.SubFactory(InstitutionFactory)
    person = factory.SubFactory(PersonFactory)
    # The department's «Учитель» of the positions directory (records/0003).
    position = factory.LazyFunction(lambda: DirectoryEntry.objects.get_or_create(
        kind=DirectoryKind.POSITION, name="Учитель", institution=None)[0])


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    person = factory.SubFactory(PersonFactory, birth_date=datetime.date(2015, 5, 1))
    school_class = None

    @factory.post_generation
    def enrolment(obj, create, extracted, **kwargs):
        """Every pupil's first movement is their enrolment (R-MOV-2): a pupil made here
        is enrolled in the book on ``enrolled_on``, or on the first day of their class's
        year. ``PupilFactory(enrolment=False)`` makes a record with no book."""
        if not create or extracted is False:
            return
        from movement.models import Movement, MovementKind, Order, OrderKind

        if obj.enrolled_on is None:
            obj.enrolled_on = (obj.school_class.academic_year.starts_on
                               if obj.school_class_id else datetime.date(2020, 9, 1))
            Pupil.objects.filter(pk=obj.pk).update(enrolled_on=obj.enrolled_on)
        on = obj.enrolled_on
        order = Order.objects.filter(institution_id=obj.institution_id, year=on.year,
                                     number="1-у").first()
        if order is None:
            order = Order(institution_id=obj.institution_id, number="1-у", date=on,
                          kind=OrderKind.ENROLMENT)
            order.save()
        Movement(institution_id=obj.institution_id, pupil=obj, kind=MovementKind.ENROLMENT,
                 date=on, order=order, to_class=obj.school_class).save()


class ParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parent

    institution = factory.SubFactory(InstitutionFactory)
    person = factory.SubFactory(PersonFactory)


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    parent = factory.SubFactory(ParentFactory)
    pupil = factory.SubFactory(PupilFactory)
    relation = Relation.MOTHER


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    person = factory.SubFactory(PersonFactory)
    role = Role.SUBJECT_TEACHER
    institution = factory.SubFactory(InstitutionFactory)
    valid_from = datetime.date(2020, 1, 1)


class PupilHealthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilHealth

    pupil = factory.SubFactory(PupilFactory)
    notes = "Аллергия на пыльцу"


class PupilCharacteristicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilCharacteristic

    pupil = factory.SubFactory(PupilFactory)
    characteristic = "Спокоен, старателен."


class DirectoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectoryEntry

    kind = DirectoryKind.CITIZENSHIP
    name = factory.Sequence(lambda n: f"Значение {n}")
    institution = None


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    institution = factory.SubFactory(InstitutionFactory)
    person = factory.SubFactory(PersonFactory)
    given_on = datetime.date(2026, 9, 1)
    given_by = "Иванова Мария Петровна"


def sample_pdf():
    """A real one-page PDF: private file fields take only what pypdf opens."""
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def sample_image(image_format="PNG"):
    """A real 8 × 8 image that Pillow decodes."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, image_format)
    return buffer.getvalue()


PDF = sample_pdf()
PNG = sample_image("PNG")
JPEG = sample_image("JPEG")


class InstitutionDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstitutionDocument

    institution = factory.SubFactory(InstitutionFactory)
    kind = InstitutionDocumentKind.LICENCE
    number = factory.Sequence(lambda n: f"{n:04d}-Л")
    issued_on = datetime.date(2020, 1, 15)
    scan = factory.django.FileField(filename="licence.pdf", data=PDF)


class AttachedFileFactory(factory.django.DjangoModelFactory):
    title = "Справка"
    file = factory.django.FileField(filename="document.pdf", data=PDF)


class StaffFileFactory(AttachedFileFactory):
    class Meta:
        model = StaffFile

    record = factory.SubFactory(StaffFactory)


class PupilFileFactory(AttachedFileFactory):
    class Meta:
        model = PupilFile

    record = factory.SubFactory(PupilFactory)


class ParentFileFactory(AttachedFileFactory):
    class Meta:
        model = ParentFile

    record = factory.SubFactory(ParentFactory)
