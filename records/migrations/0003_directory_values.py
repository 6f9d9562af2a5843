"""The reference directories' starting values (old records/0003; mark types are the
curriculum's MarkType with their weights, so they are not among them, as the old
records/0007 left it)."""

from django.db import migrations

VALUES = {
    "citizenship": ["Российская Федерация", "Республика Казахстан", "Киргизская Республика",
                    "Республика Узбекистан", "Республика Таджикистан", "Республика Армения",
                    "Азербайджанская Республика", "Республика Беларусь",
                    "Лицо без гражданства"],
    "health_group": ["I группа", "II группа", "III группа", "IV группа", "V группа"],
    "pe_group": ["Основная", "Подготовительная", "Специальная «А»", "Специальная «Б»",
                 "Освобождён от занятий"],
    "social_status": ["Полная семья", "Неполная семья", "Многодетная семья",
                      "Малообеспеченная семья", "Опекаемый", "Ребёнок-инвалид",
                      "Ребёнок-сирота", "Семья в социально опасном положении"],
    "position": ["Директор", "Заместитель директора по УВР", "Заместитель директора по ВР",
                 "Учитель", "Учитель начальных классов", "Педагог-психолог",
                 "Социальный педагог", "Педагог-организатор",
                 "Педагог дополнительного образования", "Педагог-библиотекарь", "Секретарь",
                 "Медицинская сестра", "Лаборант"],
    "staff_category": ["Административно-управленческий персонал", "Педагогический персонал",
                       "Учебно-вспомогательный персонал", "Обслуживающий персонал"],
    "education_level": ["Высшее — магистратура", "Высшее — специалитет",
                        "Высшее — бакалавриат", "Среднее профессиональное", "Среднее общее",
                        "Основное общее"],
    "absence_reason": ["По болезни", "По уважительной причине", "Без уважительной причины",
                       "Опоздание"],
    "foreign_language": ["Английский язык", "Немецкий язык", "Французский язык",
                         "Китайский язык"],
    "exam_document": ["Паспорт гражданина Российской Федерации", "Свидетельство о рождении",
                      "Паспорт иностранного гражданина", "Вид на жительство"],
}


def add_values(apps, schema_editor):
    DirectoryEntry = apps.get_model("records", "DirectoryEntry")
    DirectoryEntry.objects.bulk_create([
        DirectoryEntry(kind=kind, name=name, sort_order=order)
        for kind, names in VALUES.items()
        for order, name in enumerate(names)
    ], ignore_conflicts=True)


def remove_values(apps, schema_editor):
    DirectoryEntry = apps.get_model("records", "DirectoryEntry")
    DirectoryEntry.objects.filter(institution__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0002_revisions_and_classes")]

    operations = [migrations.RunPython(add_values, remove_values)]
