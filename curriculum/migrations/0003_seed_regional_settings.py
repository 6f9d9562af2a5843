"""The department-wide regional settings every school starts with (R-INST-3).
Carried from the old journal/0004.

The load limits are the maximum weekly hours of the sanitary rules (СанПиН 1.2.3685-21)
for a five-day and a six-day week; grade 1 studies five days a week only.
"""

from decimal import Decimal

from django.db import migrations

PERIOD_TYPES = [("четверти", 4), ("триместры", 3), ("полугодия", 2)]
GRADING_SCALES = [("пятибалльная", "5,4,3,2,1", "3"), ("зачёт/незачёт", "зачёт,незачёт", "зачёт")]
MARK_TYPES = [
    ("ответ на уроке", "О", "1"),
    ("работа на уроке", "Р", "2"),
    ("самостоятельная работа", "С", "3"),
    ("контрольная работа", "К", "5"),
    ("диктант", "Д", "5"),
    ("домашняя работа", "ДЗ", "1"),
]
FIVE_DAY = {1: 21, 2: 23, 3: 23, 4: 23, 5: 29, 6: 30, 7: 32, 8: 33, 9: 33, 10: 34, 11: 34}
SIX_DAY = {2: 26, 3: 26, 4: 26, 5: 32, 6: 33, 7: 35, 8: 36, 9: 36, 10: 37, 11: 37}


def seed(apps, schema_editor):
    PeriodType = apps.get_model("curriculum", "PeriodType")
    GradingScale = apps.get_model("curriculum", "GradingScale")
    MarkType = apps.get_model("curriculum", "MarkType")
    LoadLimit = apps.get_model("curriculum", "LoadLimit")
    for name, count in PERIOD_TYPES:
        PeriodType.objects.get_or_create(institution=None, name=name,
                                         defaults={"periods_count": count})
    for name, marks, lowest in GRADING_SCALES:
        GradingScale.objects.get_or_create(
            institution=None, name=name, defaults={"marks": marks, "lowest_passing_mark": lowest})
    for name, short_name, weight in MARK_TYPES:
        MarkType.objects.get_or_create(
            institution=None, name=name,
            defaults={"short_name": short_name, "weight": Decimal(weight)})
    for week_days, limits in ((5, FIVE_DAY), (6, SIX_DAY)):
        for grade, hours in limits.items():
            LoadLimit.objects.get_or_create(institution=None, grade=grade, week_days=week_days,
                                            defaults={"max_hours": hours})


def unseed(apps, schema_editor):
    for model, field, values in [
        ("PeriodType", "name", [n for n, _ in PERIOD_TYPES]),
        ("GradingScale", "name", [n for n, *_ in GRADING_SCALES]),
        ("MarkType", "name", [n for n, *_ in MARK_TYPES]),
    ]:
        apps.get_model("curriculum", model).objects.filter(
            institution=None, **{f"{field}__in": values}).delete()
    apps.get_model("curriculum", "LoadLimit").objects.filter(institution=None).delete()


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
