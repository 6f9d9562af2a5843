"""The forum of the demo city (R-FRM-1), written through forum/actions.py so that it
holds what real use leaves: posts rendered and cleaned, subscriptions, read marks,
notifications and the moderation log.

- The city: a section for everyone signed in (its rules pinned) and the department's.
- Each of the two first schools: the whole school's section, the staff room, the
  parents' club, and a class's section (5А in school 1, with its class teacher as a
  named moderator).
- Moderation: in school 1's parents' club a post is hidden by ``school1.admin`` and
  its author banned for a week; in school 2's parents' club a topic is closed.

Besides the demo logins, two more parents of school 1 write (their logins cannot sign
in, as the directors' of ``approve_loads``). Posts are dated over the last days.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from records.models import Parent, User

from . import actions
from .models import Audience, Post, Section, Topic

# The demo's own logins (reset deletes them).
EXTRA_PARENTS = ["forum.parent1", "forum.parent2"]

RULES = ("Правила форума", """Добро пожаловать на форум школ города!

- Пишите по теме раздела и уважайте собеседников.
- **Не публикуйте** личные данные детей: фамилии, оценки, диагнозы.
- О нарушении сообщайте кнопкой «Пожаловаться» — модераторы посмотрят.

Оформление: **жирный**, *курсив*, [ссылка](https://edu.example.ru), списки и цитаты.""")


def _user(username):
    return User.objects.filter(username=username).select_related("person").first()


def _parents_without_login(city, school, count):
    """Parents of ``school`` (other families than the demo parent's) to write as."""
    taken = set(User.objects.exclude(person=None).values_list("person__pk", flat=True))
    found = []
    for parent in (Parent.objects.filter(institution=school["institution"],
                                         guardianships__pupil__left_on__isnull=True)
                   .exclude(person_id__in=taken).select_related("person")
                   .order_by("pk").distinct()):
        if parent.person_id not in {p.pk for p in found}:
            found.append(parent.person)
        if len(found) == count:
            break
    return found


class Writer:
    """Writes the demo's posts through the actions, dating them over the past days."""

    def __init__(self):
        self.now = timezone.now()

    def when(self, days, minutes):
        return (self.now - datetime.timedelta(days=days, hours=2)
                + datetime.timedelta(minutes=minutes))

    def topic(self, section, user, title, text, days, minutes=0, files=()):
        topic = actions.start_topic(section, user, title=title, text=text, files=files)
        self.date(topic.last_post, days, minutes)
        Topic.objects.filter(pk=topic.pk).update(created_at=self.when(days, minutes))
        return topic

    def reply(self, topic, user, text, days, minutes=0, reply_to=None):
        post = actions.add_post(topic, user, text=text, reply_to=reply_to)
        self.date(post, days, minutes)
        return post

    def date(self, post, days, minutes):
        Post.objects.filter(pk=post.pk).update(created_at=self.when(days, minutes))


def build(city):
    from portfolio.demo import tiny_pdf

    if len(city.schools) < 2:
        return
    school1, school2 = city.schools[0], city.schools[1]
    users = {name: _user(name) for name in (
        "dept", "dept.admin", "school1.admin", "school1.teacher", "school1.classteacher",
        "school1.deputy", "school1.parent", "school1.pupil", "school2.admin",
        "school2.teacher", "school2.parent", "school2.pupil")}
    if any(user is None for user in users.values()):
        return
    extra = [city.login(name, person, usable=False) for name, person in zip(
        EXTRA_PARENTS, _parents_without_login(city, school1, len(EXTRA_PARENTS)),
        strict=False)]
    if len(extra) < 2:
        return
    other_parent, rude_parent = extra
    write = Writer()
    dept_admin, admin1, admin2 = users["dept.admin"], users["school1.admin"], users["school2.admin"]

    def section(by, title, audience, institution=None, school_class=None, description="",
                position=0):
        return actions.save_section(Section(
            title=title, audience=audience, institution=institution, school_class=school_class,
            description=description, position=position), by)

    # The city ----------------------------------------------------------------------------
    city_section = section(dept_admin, "Городской форум", Audience.CITY,
                           description="Для всех пользователей портала: школы, семьи, "
                                       "управление образования.")
    rules = write.topic(city_section, dept_admin, *RULES, days=30)
    actions.set_pinned(rules, dept_admin, True)
    camp = write.topic(city_section, users["school2.parent"], "Летний лагерь: кто уже записался?",
                       "Подскажите, где смотреть смены городского лагеря на лето? "
                       "Запись уже открыта?", days=4)
    write.reply(camp, users["school1.parent"],
                "Смены публикуют на сайте управления образования: "
                "https://edu.example.ru/camp — запись с 1 марта.", days=4, minutes=40)
    write.reply(camp, users["school1.teacher"], "Спасибо, *очень* полезно!", days=3)
    department = section(dept_admin, "Управление образования: рабочие вопросы",
                         Audience.DEPARTMENT)
    stat = write.topic(department, users["dept"], "Сроки сдачи формы ОО-1",
                       "Коллеги, напоминаю: форма ОО-1 сдаётся **до 20 сентября**.", days=6)
    write.reply(stat, dept_admin, "Принято, проверю школы без отметки.", days=5)

    # School 1 ----------------------------------------------------------------------------
    institution1 = school1["institution"]
    class_5a = next(c for c in school1["classes"] if (c.grade, c.letter) == (5, "А"))
    whole1 = section(admin1, "Школьный форум", Audience.SCHOOL, institution1,
                     description="Общие вопросы школы: для учителей, учеников и родителей.")
    fair = write.topic(whole1, admin1, "Новогодняя ярмарка",
                       "Ярмарка пройдёт **20 декабря** в актовом зале. Классы готовят "
                       "поделки и угощения.", days=5)
    write.reply(fair, users["school1.pupil"], "А можно продавать открытки своими руками?",
                days=5, minutes=30)
    write.reply(fair, admin1, "Конечно! Приносите к 9:00.", days=4)
    staff1 = section(admin1, "Учительская", Audience.STAFF, institution1,
                     description="Только для сотрудников школы.")
    olympiad = write.topic(staff1, users["school1.teacher"], "Олимпиада по математике: подготовка",
                           "Предлагаю занятия по вторникам после 6-го урока:\n\n"
                           "1. разбор заданий прошлых лет;\n2. пробный тур.", days=7)
    write.reply(olympiad, users["school1.deputy"], "Поддерживаю. Кабинет 21 свободен.", days=6)
    write.reply(olympiad, users["school1.classteacher"], "Из 5А придут четверо.", days=6,
                minutes=50)
    parents1 = section(admin1, "Родительский клуб", Audience.PARENTS, institution1,
                       description="Для родителей обучающихся школы.")
    lunch = write.topic(parents1, users["school1.parent"], "Питание в столовой",
                        "Как вам новое меню? Дети жалуются, что каша остывшая.", days=3,
                        files=[ContentFile(tiny_pdf(), name="Меню на неделю.pdf")])
    write.reply(lunch, other_parent, "> Дети жалуются, что каша остывшая\n\n"
                "У нас то же самое. Давайте спросим администрацию.", days=3, minutes=20)
    hidden = write.reply(lunch, rude_parent, "А вот у Петровой из 5А вообще двойки по "
                         "математике, может ей каша и не нужна.", days=2)
    write.reply(lunch, admin1, "Спасибо, передали в столовую: с понедельника раздачу "
                "сдвигают на 10 минут ближе к перемене.", days=2, minutes=30)
    actions.hide_post(hidden, admin1, "Личные данные другого ребёнка")
    actions.ban(parents1, admin1, rude_parent, days=7,
                reason="Личные данные другого ребёнка в открытом разделе", post=hidden)
    class1 = section(admin1, "5А: родители и ученики", Audience.CLASS, institution1,
                     class_5a)
    actions.add_moderator(class1, admin1, users["school1.classteacher"])
    museum = write.topic(class1, users["school1.classteacher"], "Экскурсия в музей",
                         "В пятницу идём в краеведческий музей. Сбор у школы в 9:30.", days=2)
    write.reply(museum, users["school1.parent"], "Нужно ли что-то взять с собой?", days=1)
    write.reply(museum, users["school1.classteacher"], "Сменную обувь и перекус.", days=1,
                minutes=15)

    # School 2 ----------------------------------------------------------------------------
    institution2 = school2["institution"]
    whole2 = section(admin2, "Школьный форум", Audience.SCHOOL, institution2)
    sports = write.topic(whole2, admin2, "День здоровья",
                         "В субботу — лыжная эстафета. Приглашаем семьи!", days=6)
    write.reply(sports, users["school2.pupil"], "Наш класс участвует!", days=5)
    staff2 = section(admin2, "Учительская", Audience.STAFF, institution2)
    write.topic(staff2, users["school2.teacher"], "Обмен контрольными по алгебре",
                "Выложу варианты контрольных для 8-х классов, кому нужно.", days=8)
    parents2 = section(admin2, "Родительский клуб", Audience.PARENTS, institution2)
    gifts = write.topic(parents2, users["school2.parent"], "Сбор на подарки к Новому году",
                        "Предлагаю не собирать деньги на подарки учителям, а сделать "
                        "открытки с детьми.", days=9)
    write.reply(gifts, admin2, "Хорошая идея. Тема закрыта: решение принято на собрании.",
                days=8)
    actions.set_closed(gifts, admin2, True)
    write.topic(parents2, users["school2.parent"], "Кружки после уроков",
                "Какие кружки посещают ваши дети? Ищем робототехнику.", days=1)


def reset():
    """Deletes the forum (with its stored files) and the demo's own logins."""
    from .models import Attachment

    for row in Attachment.objects.all():
        row.file.delete(save=False)
    Section.objects.all().delete()
    User.objects.filter(username__in=EXTRA_PARENTS).delete()
