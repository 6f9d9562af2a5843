import datetime
from decimal import Decimal

import factory

from records.factories import InstitutionFactory, StaffFactory

from .models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    CurriculumProfile,
    GradePeriodType,
    GradingScale,
    Holiday,
    InstitutionSettings,
    LoadLimit,
    MarkType,
    Period,
    PeriodType,
    SchoolClass,
    SetupWizard,
    Subgroup,
    SubgroupMembership,
    Subject,
    Tariffication,
    TeachingAssignment,
)


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


class PeriodTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodType

    institution = None
    name = factory.Sequence(lambda n: f"модули {n}")
    periods_count = 4


class GradingScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GradingScale

    institution = None
    name = factory.Sequence(lambda n: f"шкала {n}")
    marks = "5,4,3,2,1"
    lowest_passing_mark = "3"


class MarkTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarkType

    institution = None
    name = factory.Sequence(lambda n: f"вид работы {n}")
    weight = Decimal("1")


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    institution = None
    name = "Осенние каникулы"
    first_day = datetime.date(2026, 10, 26)
    last_day = datetime.date(2026, 11, 4)


class LoadLimitFactory(factory.django.DjangoModelFactory):
    """A school's own limit by default (the department's are seeded by a migration)."""

    class Meta:
        model = LoadLimit

    institution = factory.SubFactory(InstitutionFactory)
    grade = 5
    week_days = 5
    max_hours = 28


class InstitutionSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstitutionSettings

    institution = factory.SubFactory(InstitutionFactory)
    grading_scale = factory.LazyFunction(
        lambda: GradingScale.objects.department_wide().get(name="пятибалльная"))
    default_period_type = factory.LazyFunction(
        lambda: PeriodType.objects.department_wide().get(name="четверти"))


class CurriculumProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CurriculumProfile

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"профиль {n}")


class PeriodFactory(factory.django.DjangoModelFactory):
    """The first quarter of the factory's year by default."""

    class Meta:
        model = Period

    institution = factory.SubFactory(InstitutionFactory)
    academic_year = factory.SubFactory(
        AcademicYearFactory, institution=factory.SelfAttribute("..institution"))
    period_type = factory.LazyFunction(
        lambda: PeriodType.objects.department_wide().get(name="четверти"))
    number = 1
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2026, 11, 4)


class GradePeriodTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GradePeriodType

    institution = factory.SubFactory(InstitutionFactory)
    academic_year = factory.SubFactory(
        AcademicYearFactory, institution=factory.SelfAttribute("..institution"))
    grade = 5
    period_type = factory.LazyFunction(
        lambda: PeriodType.objects.department_wide().get(name="четверти"))


class CurriculumLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CurriculumLine

    institution = factory.SubFactory(InstitutionFactory)
    academic_year = factory.SubFactory(
        AcademicYearFactory, institution=factory.SelfAttribute("..institution"))
    grade = 5
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute("..institution"))
    hours_per_week = Decimal("2")


class SetupWizardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SetupWizard

    institution = factory.SubFactory(InstitutionFactory)


class SubgroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subgroup

    school_class = factory.SubFactory(SchoolClassFactory)
    institution = factory.SelfAttribute("school_class.institution")
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute(
        "..institution"))
    name = factory.Sequence(lambda n: f"группа {n}")


class ClassMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassMembership

    school_class = factory.SubFactory(SchoolClassFactory)
    institution = factory.SelfAttribute("school_class.institution")
    pupil = factory.SubFactory("records.factories.PupilFactory",
                               institution=factory.SelfAttribute("..institution"),
                               school_class=factory.SelfAttribute("..school_class"))
    starts_on = datetime.date(2026, 9, 1)


class SubgroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubgroupMembership

    subgroup = factory.SubFactory(SubgroupFactory)
    institution = factory.SelfAttribute("subgroup.institution")
    pupil = factory.SubFactory("records.factories.PupilFactory",
                               institution=factory.SelfAttribute("..institution"),
                               school_class=factory.SelfAttribute("..subgroup.school_class"))
    starts_on = datetime.date(2026, 9, 1)


class TarifficationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariffication

    academic_year = factory.SubFactory(AcademicYearFactory)
    institution = factory.SelfAttribute("academic_year.institution")
