"""The regulation of order No. 01-10/967 of 31 October 2011 as data (R-DEP-5): the
yearly tasks of its Appendix 3 and the stages of the introduction of its Appendix 4,
each with who does it at the school and who answers for it at the department, and its
date in the school year. The titles are the order's own words.

Where the order gives no date («по мере необходимости», «ежедневно», «по мере
накопления материала») an item still needs one for the monitor to say when it is
late: the date chosen is noted beside it. The check (reports/monitor.py ``CHECKS``)
says how the records show that a school has done it; an item without one is listed,
not followed.

The installation's rows are loaded by the migration
``reports/migrations/0002_regulation_items.py``, which holds its own copy of this
list (a migration must not import code that may change); ``load_items`` loads this
one again, e.g. after the order's text is corrected here.
"""

from portal.access import Role

from .models import RegulationItem

YEARLY = RegulationItem.Appendix.YEARLY
INTRODUCTION = RegulationItem.Appendix.INTRODUCTION

# (appendix, number, title, at the school, at the department, day, month, check)
ITEMS = [
    (YEARLY, 1, "Определение прав и ролей пользователей",
     Role.ADMIN, Role.DEPT_ADMIN, 1, 10, "roles"),
    (YEARLY, 2, "Закрытие учебного года",
     Role.ADMIN, Role.DEPT_ADMIN, 29, 9, "year_closed"),
    (YEARLY, 3, "Создание нового учебного года",
     Role.ADMIN, Role.DEPT_ADMIN, 5, 10, "new_year"),
    (YEARLY, 4, "Настройки школы",
     Role.ADMIN, Role.DEPT_ADMIN, 29, 9, "school_settings"),
    (YEARLY, 5, "Карточка образовательного учреждения",
     Role.ADMIN, Role.DEPT_ADMIN, 4, 10, "school_card"),
    # The statistical forms are computed when they are printed; no record says that a
    # school has filled them in.
    (YEARLY, 6, "Заполнение формы ОШ-1, 5, 9",
     Role.DEPUTY_ACADEMIC, Role.CHIEF_SPECIALIST, 7, 11, ""),
    (YEARLY, 7, "Учебный план",
     Role.DEPUTY_ACADEMIC, Role.CHIEF_SPECIALIST, 10, 10, "curriculum"),
    # The order: as needed. The staff list is part of the first stage (Appendix 4,
    # stage 1, 1 October).
    (YEARLY, 8, "Сотрудники",
     Role.DEPUTY_ACADEMIC, Role.DEPT_ADMIN, 1, 10, "staff"),
    # The order: as needed; the department's deputy head and the chief accountant. The
    # load is approved on the year's plan (item 7, 10 October).
    (YEARLY, 9, "Создание тарификации",
     Role.DIRECTOR, Role.DEPUTY_HEAD, 10, 10, "tariffication"),
    # The item's date and executor are those of its first line, the list of pupils.
    (YEARLY, 10, "Обучающиеся: список обучающихся",
     Role.SECRETARY, Role.CHIEF_SPECIALIST, 8, 10, "pupils"),
    (YEARLY, 11, "Создание классов и подгрупп",
     Role.DEPUTY_ACADEMIC, Role.DEPT_ADMIN, 4, 10, "classes"),
    (YEARLY, 12, "Составление расписания",
     Role.DEPUTY_ACADEMIC, Role.DEPT_ADMIN, 7, 11, "timetable"),
    (YEARLY, 13, "Планирование уроков: календарно-тематическое планирование",
     Role.SUBJECT_TEACHER, Role.CHIEF_SPECIALIST, 15, 11, "thematic_plans"),
    # The order gives no date: that of the class events (item 15).
    (YEARLY, 14, "Создание школьных мероприятий",
     Role.DEPUTY_EDUCATIONAL, Role.CHIEF_SPECIALIST, 15, 11, "school_events"),
    (YEARLY, 15, "Создание классных мероприятий",
     Role.CLASS_TEACHER, Role.CHIEF_SPECIALIST, 15, 11, "class_events"),
    # The order: daily. The monitor checks the last period that has ended, first due
    # with the first quarter's finals (Appendix 4, stage 4, 7 November).
    (YEARLY, 16, "Ведение классного журнала",
     Role.SUBJECT_TEACHER, Role.DEPT_ADMIN, 7, 11, "journal"),
    (YEARLY, 17, "Движение обучающихся",
     Role.SECRETARY, Role.DEPT_ADMIN, 15, 10, "pupils_in_book"),
    # The order: February to June: the end of that time.
    (YEARLY, 18, "Формирование данных по итоговой аттестации выпускников",
     Role.DEPUTY_ACADEMIC, Role.DEPT_ADMIN, 30, 6, "exams"),
    # The order: as the material accumulates: by the end of the school year.
    (YEARLY, 19, "Создание личного портфолио",
     Role.DEPUTY_ACADEMIC, Role.CHIEF_SPECIALIST, 31, 5, "portfolios"),
    (YEARLY, 20, "Портфолио проектов/тем",
     Role.DEPUTY_ACADEMIC, Role.CHIEF_SPECIALIST, 31, 5, "projects"),
    # Appendix 4 names one column of those responsible, at the school.
    (INTRODUCTION, 1, "Ввод основных данных (создание структуры школы) в «Мастере ввода "
     "данных»", Role.COORDINATOR, "", 1, 10, "basic_data"),
    (INTRODUCTION, 2, "Ввод списка обучающихся по классам. Информация об обучающихся и "
     "родителях", Role.CLASS_TEACHER, "", 15, 10, "pupils_minimum"),
    (INTRODUCTION, 3, "Ввод приказов о зачислении обучающихся, введенных на 2 этапе",
     Role.COORDINATOR, "", 15, 10, "pupils_in_book"),
    (INTRODUCTION, 4, "Выставление итоговых оценок за четверть (семестр). Получение "
     "отчётов", Role.SUBJECT_TEACHER, "", 7, 11, "quarter_finals"),
    (INTRODUCTION, 5, "Ввод и ведение расписания",
     Role.COORDINATOR, "", 15, 11, "timetable"),
    # The order: as the orders on electronic journals say; as item 16 of Appendix 3.
    (INTRODUCTION, 6, "Ведение электронных классных журналов (оценки, посещаемость). "
     "Получение отчётов", Role.SUBJECT_TEACHER, "", 7, 11, "journal"),
]


def load_items(items=ITEMS):
    """Writes ``items`` into the regulation: each row found by its appendix and number,
    so loading again changes nothing but what the list changed."""
    for appendix, number, title, school_role, department_role, day, month, check in items:
        RegulationItem.objects.update_or_create(
            appendix=appendix, number=number,
            defaults={"title": title, "school_role": school_role,
                      "department_role": department_role, "due_day": day,
                      "due_month": month, "computed_by": check})
