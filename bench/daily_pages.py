"""Times the daily pages on a demo city of a given size. Run by hand, not in CI:

    createdb -h 127.0.0.1 -U postgres sgo_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/daily_pages.py --size large --repeat 15

It migrates the database, rebuilds the city (unless --keep), then requests each page as
its demo user and prints the median time and the number of queries per page.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import add_arguments, prepare, time_pages  # noqa: E402
from curriculum.models import SchoolClass  # noqa: E402
from records.models import Pupil, Staff  # noqa: E402


def pages():
    class_5a = SchoolClass.objects.get(institution__short_name="СОШ № 1", grade=5, letter="А",
                                       academic_year__is_current=True)
    pupil = Pupil.objects.get(person__user__username="school1.pupil")
    teacher = Staff.objects.get(person__user__username="school1.teacher",
                                institution=class_5a.institution)
    week = "?mode=week&date=2026-11-16"
    return [
        ("school1.classteacher", "class page", reverse("journal:class", args=[class_5a.pk])),
        ("school1.classteacher", "dashboard", reverse("dashboard")),
        ("dept", "department dashboard", reverse("dashboard")),
        ("school1.parent", "family", reverse("records:family")),
        ("school1.parent", "child card", reverse("records:pupil", args=[pupil.pk])),
        ("school1.secretary", "admin: pupils", reverse("records_pupil:index")),
        ("school1.secretary", "admin: pupils, search",
         reverse("records_pupil:index") + "?q=иванов"),
        ("dept", "admin: pupils (city)", reverse("records_pupil:index")),
        ("school1.teacher", "teacher's week", reverse(
            "schedule:calendar", args=["teacher", teacher.pk]) + week),
        ("school1.classteacher", "class week", reverse(
            "schedule:calendar", args=["class", class_5a.pk]) + week),
        ("school1.parent", "class week (parent)", reverse(
            "schedule:calendar", args=["class", class_5a.pk]) + week),
    ]


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args()
    prepare(args)
    print(f"{Pupil.objects.count()} pupils on {connection.vendor}")
    time_pages(pages(), args.repeat)


if __name__ == "__main__":
    main()
