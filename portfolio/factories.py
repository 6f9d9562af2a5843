"""Factories for tests (the demo city writes its rows in bulk instead)."""

import datetime

import factory

from records.factories import PDF, PNG, PupilFactory, StaffFactory

from .models import (
    Achievement,
    AchievementFile,
    Level,
    Material,
    Portfolio,
    Project,
    ProjectAchievement,
    ProjectMaterial,
    ProjectParticipant,
)


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    pupil = factory.SubFactory(PupilFactory)
    person = factory.LazyAttribute(lambda p: p.pupil.person)
    institution = factory.LazyAttribute(lambda p: p.pupil.institution)
    portrait = factory.django.FileField(filename="portrait.png", data=PNG)


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    portfolio = factory.SubFactory(PortfolioFactory)
    title = factory.Sequence(lambda n: f"Олимпиада № {n}")
    level = Level.MUNICIPAL
    result = "призёр"
    date = datetime.date(2026, 10, 20)


class AchievementFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AchievementFile

    achievement = factory.SubFactory(AchievementFactory)
    file = factory.django.FileField(filename="diploma.pdf", data=PDF)


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    portfolio = factory.SubFactory(PortfolioFactory)
    title = "Доклад"
    file = factory.django.FileField(filename="report.pdf", data=PDF)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    leader = factory.SubFactory(StaffFactory)
    institution = factory.LazyAttribute(lambda p: p.leader.institution)
    title = factory.Sequence(lambda n: f"Проект № {n}")


class ProjectParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectParticipant

    project = factory.SubFactory(ProjectFactory)
    pupil = factory.SubFactory(PupilFactory,
                               institution=factory.SelfAttribute("..project.institution"))
    person = factory.LazyAttribute(lambda p: p.pupil.person)


class ProjectMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMaterial

    project = factory.SubFactory(ProjectFactory)
    title = "Задачи"
    file = factory.django.FileField(filename="tasks.pdf", data=PDF)


class ProjectAchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectAchievement

    project = factory.SubFactory(ProjectFactory)
    title = "Муниципальный этап"
    date = datetime.date(2026, 11, 1)
