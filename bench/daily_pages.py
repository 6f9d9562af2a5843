"""Times the daily pages on a demo city of a given size. Run by hand, not in CI:

    createdb -h 127.0.0.1 -U postgres sgo_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/daily_pages.py --size large --repeat 15

It migrates the database, rebuilds the city (unless --keep), then requests each page as
its demo user and prints the median time and the number of queries per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from curriculum.models import SchoolClass  # noqa: E402
from records.models import Pupil, Staff, User  # noqa: E402


def pages():
    class_5a = SchoolClass.objects.get(institution__short_name="СОШ № 1", grade=5, letter="А")
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
    parser.add_argument("--size", default="medium")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the city already there")
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not args.keep:
        started = time.monotonic()
        call_command("seed_demo", "--size", args.size, "--reset", stdout=open(os.devnull, "w"))
        print(f"seed_demo --size {args.size}: {time.monotonic() - started:.1f} s")
    print(f"{Pupil.objects.count()} pupils on {connection.vendor}")
    print(f"{'page':<28} {'user':<22} {'median ms':>10} {'queries':>8}")
    for username, label, url in pages():
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm up
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{label:<28} {username:<22} {statistics.median(times):>10.1f} "
              f"{len(queries):>8}")


if __name__ == "__main__":
    main()
