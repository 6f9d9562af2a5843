import datetime

import factory

from records.factories import InstitutionFactory, StaffFactory

from .models import AcademicYear, SchoolClass, Subject, TeachingAssignment


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear

    institution = factory.SubFactory(InstitutionFactory)
    name = "2026/2027"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 5, 31)
    is_current = True


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    institution = factory.SubFactory(InstitutionFactory)
    academic_year = factory.SubFactory(
        AcademicYearFactory, institution=factory.SelfAttribute("..institution")
    )
    grade = 5
    letter = factory.Iterator(["А", "Б", "В", "Г", "Д"])


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Предмет {n}")


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    institution = factory.SubFactory(InstitutionFactory)
    teacher = factory.SubFactory(StaffFactory, institution=factory.SelfAttribute("..institution"))
    school_class = factory.SubFactory(
        SchoolClassFactory, institution=factory.SelfAttribute("..institution")
    )
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute("..institution"))
