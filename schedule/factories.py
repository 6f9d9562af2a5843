import datetime

import factory

from curriculum.factories import AcademicYearFactory, SchoolClassFactory, SubjectFactory
from records.factories import InstitutionFactory, StaffFactory

from .models import (
    BellSchedule,
    Event,
    Lesson,
    LessonTime,
    PlannedTopic,
    Room,
    ThematicPlan,
    TimetableChange,
    TimetableEntry,
)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"{100 + n}")
    capacity = 30


class BellScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BellSchedule

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Смена {n}")


class LessonTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonTime

    schedule = factory.SubFactory(BellScheduleFactory)
    number = 1
    starts_at = datetime.time(8, 0)
    ends_at = datetime.time(8, 45)


class TimetableEntryFactory(factory.django.DjangoModelFactory):
    """A Monday first lesson of a 5th class, for the whole year."""

    class Meta:
        model = TimetableEntry

    school_class = factory.SubFactory(SchoolClassFactory)
    institution = factory.SelfAttribute("school_class.institution")
    academic_year = factory.SelfAttribute("school_class.academic_year")
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute(
        "..institution"))
    teacher = factory.SubFactory(StaffFactory, institution=factory.SelfAttribute(
        "..institution"))
    weekday = 1
    lesson_number = 1
    valid_from = factory.SelfAttribute("academic_year.starts_on")
    valid_to = factory.SelfAttribute("academic_year.ends_on")


class TimetableChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimetableChange

    entry = factory.SubFactory(TimetableEntryFactory)
    institution = factory.SelfAttribute("entry.institution")
    date = datetime.date(2026, 9, 7)  # a Monday
    kind = "cancelled"


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    school_class = factory.SubFactory(SchoolClassFactory)
    institution = factory.SelfAttribute("school_class.institution")
    academic_year = factory.SelfAttribute("school_class.academic_year")
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute(
        "..institution"))
    teacher = factory.SubFactory(StaffFactory, institution=factory.SelfAttribute(
        "..institution"))
    date = datetime.date(2026, 9, 7)
    scheduled_on = factory.SelfAttribute("date")
    lesson_number = 1


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    institution = factory.SubFactory(InstitutionFactory)
    title = "Классный час"
    starts_on = datetime.date(2026, 9, 10)
    ends_on = datetime.date(2026, 9, 10)


class ThematicPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThematicPlan

    academic_year = factory.SubFactory(AcademicYearFactory)
    institution = factory.SelfAttribute("academic_year.institution")
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute(
        "..institution"))
    grade = 5


class PlannedTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedTopic

    plan = factory.SubFactory(ThematicPlanFactory)
    title = factory.Sequence(lambda n: f"Тема {n + 1}")
    hours = 1
    sort_order = factory.Sequence(lambda n: n)
