import factory

from curriculum.factories import MarkTypeFactory, SchoolClassFactory, SubjectFactory
from records.factories import PDF

from .models import (
    Attendance,
    AttendanceKind,
    FinalKind,
    FinalMark,
    Homework,
    HomeworkFile,
    Mark,
    Task,
)

# The journal ---------------------------------------------------------------------------


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    lesson = factory.SubFactory("schedule.factories.LessonFactory")
    institution = factory.SelfAttribute("lesson.institution")
    mark_type = factory.SubFactory(MarkTypeFactory)


class MarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mark

    task = factory.SubFactory(TaskFactory)
    lesson = factory.SelfAttribute("task.lesson")
    institution = factory.SelfAttribute("lesson.institution")
    pupil = factory.SubFactory("records.factories.PupilFactory",
                               institution=factory.SelfAttribute("..institution"),
                               school_class=factory.SelfAttribute("..lesson.school_class"))
    value = "5"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    lesson = factory.SubFactory("schedule.factories.LessonFactory")
    institution = factory.SelfAttribute("lesson.institution")
    pupil = factory.SubFactory("records.factories.PupilFactory",
                               institution=factory.SelfAttribute("..institution"),
                               school_class=factory.SelfAttribute("..lesson.school_class"))
    kind = AttendanceKind.ABSENT


class HomeworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Homework

    lesson = factory.SubFactory("schedule.factories.LessonFactory")
    institution = factory.SelfAttribute("lesson.institution")
    text = "Упражнение 12"


class HomeworkFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeworkFile

    homework = factory.SubFactory(HomeworkFactory)
    title = "Задание"
    file = factory.django.FileField(filename="task.pdf", data=PDF)


class FinalMarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinalMark

    school_class = factory.SubFactory(SchoolClassFactory)
    institution = factory.SelfAttribute("school_class.institution")
    academic_year = factory.SelfAttribute("school_class.academic_year")
    subject = factory.SubFactory(SubjectFactory, institution=factory.SelfAttribute(
        "..institution"))
    pupil = factory.SubFactory("records.factories.PupilFactory",
                               institution=factory.SelfAttribute("..institution"),
                               school_class=factory.SelfAttribute("..school_class"))
    kind = FinalKind.YEAR
    value = "5"
