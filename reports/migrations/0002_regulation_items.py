"""The items of Appendix 3 and the stages of Appendix 4 of order No. 01-10/967 (R-DEP-5),
for every installation. A frozen copy of reports/regulation.py's ITEMS as it was
written: a migration must not import code that may change."""

from django.db import migrations

# (appendix, number, title, at the school, at the department, day, month, check)
ITEMS = [
    (3, 1, "Определение прав и ролей пользователей", "admin", "dept_admin", 1, 10, "roles"),
    (3, 2, "Закрытие учебного года", "admin", "dept_admin", 29, 9, "year_closed"),
    (3, 3, "Создание нового учебного года", "admin", "dept_admin", 5, 10, "new_year"),
    (3, 4, "Настройки школы", "admin", "dept_admin", 29, 9, "school_settings"),
    (3, 5, "Карточка образовательного учреждения", "admin", "dept_admin", 4, 10,
     "school_card"),
    (3, 6, "Заполнение формы ОШ-1, 5, 9", "deputy_academic", "chief_specialist", 7, 11, ""),
    (3, 7, "Учебный план", "deputy_academic", "chief_specialist", 10, 10, "curriculum"),
    (3, 8, "Сотрудники", "deputy_academic", "dept_admin", 1, 10, "staff"),
    (3, 9, "Создание тарификации", "director", "deputy_head", 10, 10, "tariffication"),
    (3, 10, "Обучающиеся: список обучающихся", "secretary", "chief_specialist", 8, 10,
     "pupils"),
    (3, 11, "Создание классов и подгрупп", "deputy_academic", "dept_admin", 4, 10, "classes"),
    (3, 12, "Составление расписания", "deputy_academic", "dept_admin", 7, 11, "timetable"),
    (3, 13, "Планирование уроков: календарно-тематическое планирование", "subject_teacher",
     "chief_specialist", 15, 11, "thematic_plans"),
    (3, 14, "Создание школьных мероприятий", "deputy_educational", "chief_specialist", 15, 11,
     "school_events"),
    (3, 15, "Создание классных мероприятий", "class_teacher", "chief_specialist", 15, 11,
     "class_events"),
    (3, 16, "Ведение классного журнала", "subject_teacher", "dept_admin", 7, 11, "journal"),
    (3, 17, "Движение обучающихся", "secretary", "dept_admin", 15, 10, "pupils_in_book"),
    (3, 18, "Формирование данных по итоговой аттестации выпускников", "deputy_academic",
     "dept_admin", 30, 6, "exams"),
    (3, 19, "Создание личного портфолио", "deputy_academic", "chief_specialist", 31, 5,
     "portfolios"),
    (3, 20, "Портфолио проектов/тем", "deputy_academic", "chief_specialist", 31, 5,
     "projects"),
    (4, 1, "Ввод основных данных (создание структуры школы) в «Мастере ввода данных»",
     "coordinator", "", 1, 10, "basic_data"),
    (4, 2, "Ввод списка обучающихся по классам. Информация об обучающихся и родителях",
     "class_teacher", "", 15, 10, "pupils_minimum"),
    (4, 3, "Ввод приказов о зачислении обучающихся, введенных на 2 этапе", "coordinator", "",
     15, 10, "pupils_in_book"),
    (4, 4, "Выставление итоговых оценок за четверть (семестр). Получение отчётов",
     "subject_teacher", "", 7, 11, "quarter_finals"),
    (4, 5, "Ввод и ведение расписания", "coordinator", "", 15, 11, "timetable"),
    (4, 6, "Ведение электронных классных журналов (оценки, посещаемость). Получение отчётов",
     "subject_teacher", "", 7, 11, "journal"),
]


def load_items(apps, schema_editor):
    RegulationItem = apps.get_model("reports", "RegulationItem")
    for appendix, number, title, school_role, department_role, day, month, check in ITEMS:
        RegulationItem.objects.update_or_create(
            appendix=appendix, number=number,
            defaults={"title": title, "school_role": school_role,
                      "department_role": department_role, "due_day": day,
                      "due_month": month, "computed_by": check})


def remove_items(apps, schema_editor):
    RegulationItem = apps.get_model("reports", "RegulationItem")
    for appendix, number, *_rest in ITEMS:
        RegulationItem.objects.filter(appendix=appendix, number=number).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_items, remove_items),
    ]
