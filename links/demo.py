"""The demo city's link catalog: real Russian educational resources in categories, one
school's own links, and one link whose last check found it broken."""

import datetime

from django.utils import timezone

from .models import Audience, Link, LinkCategory

PUBLIC, SIGNED_IN = Audience.PUBLIC, Audience.SIGNED_IN

CATALOG = [
    ("Электронные образовательные ресурсы", [
        ("Российская электронная школа", "https://resh.edu.ru/",
         "Интерактивные уроки по всему школьному курсу с 1 по 11 класс.", PUBLIC),
        ("Учи.ру", "https://uchi.ru/",
         "Интерактивные курсы и олимпиады по основным предметам для школьников.", PUBLIC),
        ("Московская электронная школа: библиотека", "https://uchebnik.mos.ru/",
         "Сценарии уроков, тесты и электронные учебники.", SIGNED_IN),
        ("Яндекс Учебник", "https://education.yandex.ru/",
         "Задания по математике и русскому языку для начальной школы.", PUBLIC),
    ]),
    ("Подготовка к ОГЭ и ЕГЭ", [
        ("ФИПИ", "https://fipi.ru/",
         "Демоверсии, спецификации и открытый банк заданий ОГЭ и ЕГЭ.", PUBLIC),
        ("Решу ОГЭ", "https://oge.sdamgia.ru/",
         "Тренировочные варианты ОГЭ с решениями.", PUBLIC),
        ("Решу ЕГЭ", "https://ege.sdamgia.ru/",
         "Тренировочные варианты ЕГЭ с решениями.", PUBLIC),
    ]),
    ("Олимпиады", [
        ("Всероссийская олимпиада школьников", "https://vserosolimp.edsoo.ru/",
         "Положение, расписание и задания прошлых лет всероссийской олимпиады.", PUBLIC),
        ("Олимпиады «Сириус»", "https://siriusolymp.ru/",
         "Школьный этап олимпиады на платформе «Сириус.Курсы».", PUBLIC),
    ]),
    ("Для родителей", [
        ("Госуслуги: запись в школу", "https://www.gosuslugi.ru/",
         "Заявление о зачислении ребёнка в первый класс.", PUBLIC),
        ("Министерство просвещения", "https://edu.gov.ru/",
         "Новости и документы о школьном образовании.", PUBLIC),
        ("Управление образования города", "https://edu.example.ru/",
         "Сайт управления образования: приказы, контакты, приём в школы.", PUBLIC),
        ("Методические материалы для классных руководителей",
         "https://edu.example.ru/metodika/classroom-teachers-old/",
         "Материалы прошлого года; страница перенесена.", SIGNED_IN),
    ]),
]


def build(builder):
    rows = []
    categories = LinkCategory.objects.bulk_create([
        LinkCategory(name=name, order=(number + 1) * 10)
        for number, (name, _links) in enumerate(CATALOG)])
    for category, (_name, links) in zip(categories, CATALOG, strict=True):
        for order, (title, url, description, audience) in enumerate(links):
            rows.append(Link(category=category, title=title, url=url,
                             description=description, audience=audience, order=order))
    school = builder.schools[0]["institution"]
    rows.append(Link(category=categories[0], title="Электронная библиотека школы",
                     url="https://school1.edu.example.ru/library/",
                     description="Учебники и книги школьной библиотеки для учеников.",
                     audience=SIGNED_IN, institution=school, order=99))
    # The last check found the moved page gone (links.checks).
    checked = timezone.make_aware(datetime.datetime.combine(builder.today, datetime.time(3)))
    for link in rows:
        link.checked_at = checked
        link.check_status = 200
        if "old" in link.url:
            link.check_status, link.is_broken = 404, True
    Link.objects.bulk_create(rows)
    builder.say(f"Link catalog: {len(rows)} links in {len(categories)} categories")


def reset():
    Link.objects.all().delete()
    LinkCategory.objects.all().delete()
