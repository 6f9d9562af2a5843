import factory

from curriculum.factories import SubjectFactory
from records.factories import InstitutionFactory, StaffFactory

from .models import Course, CourseMaterial, CourseSection, MaterialKind


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    institution = factory.SubFactory(InstitutionFactory)
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute("..institution"))
    grade = 5
    title = factory.Sequence(lambda n: f"Курс {n}")
    author = factory.SubFactory(StaffFactory, institution=factory.SelfAttribute("..institution"))


class CourseSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSection

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Раздел {n}")


class CourseMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseMaterial

    section = factory.SubFactory(CourseSectionFactory)
    kind = MaterialKind.LINK
    title = factory.Sequence(lambda n: f"Материал {n}")
    url = "https://resh.edu.ru/"
