"""Demo portfolios and projects (issue 13, item 10): one phase of the demo city.

school1.pupil has achievements of every state: one public with the consent of
school1.parent, one private, one proposed and waiting for a parent; a portrait and a
working material. A few pupils of both schools have achievements (some public, the
consent given on paper at school), school1.teacher has a teacher's portfolio, and two
projects run: olympiad preparation in mathematics (school 1, public) and a grant
(school 2). Files are made here: a small PNG portrait, a one-page PDF.
"""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from portal.uploads import KINDS, private_storage, stored_name
from records.models import Institution, Pupil, Staff, User

from .models import (
    Achievement,
    AchievementFile,
    Level,
    Material,
    Portfolio,
    Project,
    ProjectAchievement,
    ProjectKind,
    ProjectMaterial,
    ProjectParticipant,
)

# (title, level, result, event)
PUPIL_ACHIEVEMENTS = [
    ("Олимпиада по математике, школьный этап", Level.SCHOOL, "1 место", "ВсОШ"),
    ("Олимпиада по математике, муниципальный этап", Level.MUNICIPAL, "призёр",
     "Управление образования"),
    ("Конкурс чтецов «Живое слово»", Level.SCHOOL, "участник", "Школьная библиотека"),
    ("Турнир по шахматам «Белая ладья»", Level.REGIONAL, "3 место",
     "Министерство образования РС(Я)"),
    ("Научно-практическая конференция «Шаг в будущее»", Level.MUNICIPAL, "лауреат",
     "Городской дворец детского творчества"),
    ("Конкурс рисунков «Мой город»", Level.SCHOOL, "2 место", "Совет школы"),
    ("Международный конкурс «Кенгуру»", Level.INTERNATIONAL, "участник",
     "Институт продуктивного обучения"),
    ("Соревнования по лыжным гонкам", Level.MUNICIPAL, "1 место",
     "Городской спорткомитет"),
    ("Всероссийский диктант по русскому языку", Level.NATIONAL, "участник",
     "Общество русской словесности"),
]


def portrait_png(seed):
    image = Image.new("RGB", (96, 96), (232, 240, 250))
    draw = ImageDraw.Draw(image)
    shade = 90 + seed % 80
    draw.ellipse((28, 14, 68, 54), fill=(31, shade, 168))
    draw.rectangle((18, 60, 78, 96), fill=(31, shade, 168))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def tiny_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=298, height=210)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def store(content, name, kind):
    """Writes a demo file to the private storage under the portal's own kind of name
    (the content is made here, so the field's check would only repeat itself)."""
    return private_storage().save(f"portfolio/demo/{stored_name(name, KINDS[kind])}",
                                  ContentFile(content))


def build(builder):
    rnd = builder.random
    today = builder.today
    now = timezone.now()
    pdf = tiny_pdf()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "school1.pupil", "school1.parent", "school1.teacher", "school1.classteacher",
        "school2.pupil", "school2.teacher"]).select_related("person")}
    schools = list(Institution.objects.order_by("pk")[:2])
    own_pupil = Pupil.objects.get(person=users["school1.pupil"].person,
                                  institution=schools[0])

    def day(back):
        return today - datetime.timedelta(days=back)

    # Portfolios: school1.pupil's, six more pupils per school, school1.teacher's.
    pupils = [own_pupil]
    for school in schools:
        candidates = list(Pupil.objects.filter(institution=school, left_on__isnull=True)
                          .exclude(pk=own_pupil.pk).order_by("pk").values_list("pk", flat=True))
        pupils += list(Pupil.objects.filter(pk__in=rnd.sample(candidates, 6))
                       .select_related("person").order_by("pk"))
    teacher = Staff.objects.get(person=users["school1.teacher"].person, institution=schools[0])
    portfolios = [Portfolio(person_id=p.person_id, institution_id=p.institution_id, pupil=p)
                  for p in pupils]
    portfolios.append(Portfolio(person_id=teacher.person_id, institution_id=schools[0].pk,
                                staff=teacher))
    own, teachers = portfolios[0], portfolios[-1]
    own.about = "Люблю математику и шахматы, занимаюсь лыжными гонками."
    own.portrait = store(portrait_png(own_pupil.pk), "портрет.png", "png")
    teachers.about = "Учитель математики. Готовлю ребят к олимпиадам."
    teachers.portrait = store(portrait_png(teacher.pk), "портрет.png", "png")
    Portfolio.objects.bulk_create(portfolios)

    parent = users["school1.parent"]
    achievements = [
        # school1.pupil: public with the parent's consent, private, waiting.
        Achievement(portfolio=own, title=PUPIL_ACHIEVEMENTS[1][0], level=Level.MUNICIPAL,
                    result="призёр", event="Управление образования", date=day(40),
                    public=True, public_requested_at=now, public_requested_by=users[
                        "school1.pupil"], public_approved_at=now, public_approved_by=parent),
        Achievement(portfolio=own, title=PUPIL_ACHIEVEMENTS[2][0], level=Level.SCHOOL,
                    result="участник", event="Школьная библиотека", date=day(75)),
        Achievement(portfolio=own, title=PUPIL_ACHIEVEMENTS[3][0], level=Level.REGIONAL,
                    result="3 место", event=PUPIL_ACHIEVEMENTS[3][3], date=day(12),
                    public_requested_at=now, public_requested_by=users["school1.pupil"]),
    ]
    for portfolio in portfolios[1:-1]:
        for title, level, result, event in rnd.sample(PUPIL_ACHIEVEMENTS, rnd.randint(1, 3)):
            public = rnd.random() < 0.6
            achievements.append(Achievement(
                portfolio=portfolio, title=title, level=level, result=result, event=event,
                date=day(rnd.randint(5, 330)), public=public,
                # The parents of these pupils consented on paper at school.
                public_requested_at=now if public else None,
                public_approved_at=now if public else None))
    achievements += [
        Achievement(portfolio=teachers, title="Конкурс «Учитель года»", level=Level.MUNICIPAL,
                    result="победитель", event="Управление образования", date=day(200),
                    public=True, public_requested_at=now),
        Achievement(portfolio=teachers, title="Курсы повышения квалификации «Олимпиадная "
                    "математика»", level=Level.REGIONAL, result="удостоверение",
                    event="Институт развития образования", date=day(120)),
    ]
    Achievement.objects.bulk_create(achievements)
    AchievementFile.objects.bulk_create([
        AchievementFile(achievement=achievements[0], file=store(pdf, "диплом.pdf", "pdf")),
        AchievementFile(achievement=achievements[1], file=store(pdf, "грамота.pdf", "pdf")),
    ])
    Material.objects.bulk_create([
        Material(portfolio=own, title="Исследование «Числа вокруг нас»",
                 description="Доклад на школьной конференции.",
                 link="https://example.org/chisla"),
        Material(portfolio=teachers, title="Методическая разработка урока «Дроби»",
                 description="Конспект и задания.", file=store(pdf, "урок.pdf", "pdf"),
                 public=True, public_requested_at=now),
        Material(portfolio=teachers, title="Подборка олимпиадных задач, 5–6 классы",
                 file=store(pdf, "задачи.pdf", "pdf")),
    ])

    # Projects.
    second_teacher = Staff.objects.get(person=users["school2.teacher"].person,
                                       institution=schools[1])
    olympiad = Project(institution=schools[0], leader=teacher, kind=ProjectKind.OLYMPIAD,
                       title="Подготовка к олимпиаде по математике", public=True,
                       description="Занятия по субботам: разбор задач прошлых лет, "
                                   "пробные туры.")
    grant = Project(institution=schools[1], leader=second_teacher, kind=ProjectKind.GRANT,
                    title="Грант «Школьная лаборатория робототехники»",
                    description="Оборудование лаборатории и кружок для 7–9 классов.")
    Project.objects.bulk_create([olympiad, grant])
    classmates = list(Pupil.objects.filter(school_class_id=own_pupil.school_class_id)
                      .exclude(pk=own_pupil.pk).order_by("pk")[:2])
    school2_pupil = Pupil.objects.get(person=users["school2.pupil"].person,
                                      institution=schools[1])
    others2 = [p for p in pupils if p.institution_id == schools[1].pk][:2]
    class_teacher = Staff.objects.get(person=users["school1.classteacher"].person,
                                      institution=schools[0])
    ProjectParticipant.objects.bulk_create([
        ProjectParticipant(project=olympiad, person_id=own_pupil.person_id, pupil=own_pupil,
                           role="участник", name_approved_at=now, name_approved_by=parent),
        *[ProjectParticipant(project=olympiad, person_id=p.person_id, pupil=p,
                             role="участник") for p in classmates],
        ProjectParticipant(project=olympiad, person_id=class_teacher.person_id,
                           staff=class_teacher, role="куратор"),
        ProjectParticipant(project=grant, person_id=school2_pupil.person_id,
                           pupil=school2_pupil, role="конструктор"),
        *[ProjectParticipant(project=grant, person_id=p.person_id, pupil=p,
                             role="программист")
          for p in others2 if p.pk != school2_pupil.pk],
    ])
    ProjectMaterial.objects.bulk_create([
        ProjectMaterial(project=olympiad, title="Задачи пробного тура",
                        file=store(pdf, "пробный тур.pdf", "pdf")),
        ProjectMaterial(project=olympiad, title="Архив олимпиадных задач",
                        link="https://example.org/olimpiada"),
        ProjectMaterial(project=grant, title="Заявка на грант",
                        file=store(pdf, "заявка.pdf", "pdf")),
    ])
    ProjectAchievement.objects.bulk_create([
        ProjectAchievement(project=olympiad, title="Муниципальный этап ВсОШ по математике",
                           level=Level.MUNICIPAL, result="2 призёра", date=day(40)),
        ProjectAchievement(project=grant, title="Грант фонда «Школьные инициативы»",
                           level=Level.REGIONAL, result="победитель", date=day(150)),
    ])
    index(achievements, [olympiad, grant])


def index(achievements, projects):
    """Bulk inserts skip the search index's signals: add the rows in one go."""
    from wagtail.search.backends import get_search_backends

    for backend in get_search_backends():
        backend.add_bulk(Achievement, achievements)
        backend.add_bulk(Project, projects)


def reset():
    """Deletes the demo's portfolios and projects with their stored files."""
    storage = private_storage()
    names = [*Portfolio.objects.exclude(portrait="").values_list("portrait", flat=True),
             *AchievementFile.objects.values_list("file", flat=True),
             *Material.objects.exclude(file="").values_list("file", flat=True),
             *ProjectMaterial.objects.exclude(file="").values_list("file", flat=True)]
    Project.objects.all().delete()
    Portfolio.objects.all().delete()
    for name in names:
        storage.delete(name)
