"""Times the public face of issue 13 on a demo city of a given size. Run by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/public_pages.py --size large --repeat 15 [--keep]

It migrates the database, rebuilds the city (unless --keep), then requests the city's
home page, a school's page, its news index, the feed and the search as a visitor and
as the demo parent, and prints the median server time and the number of queries.
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

from announcements.models import AnnouncementIndexPage, AnnouncementPage  # noqa: E402
from records.models import Pupil, User  # noqa: E402
from sgo_pages.models import SchoolPage  # noqa: E402


def pages():
    school = SchoolPage.objects.get(institution__short_name="СОШ № 1")
    news = AnnouncementIndexPage.objects.child_of(school).first()
    search = reverse("search")
    rows = []
    for username in (None, "school1.parent"):
        rows += [
            (username, "home page", "/"),
            (username, "school page", school.url),
            (username, "news index", news.url),
            (username, "feed (RSS)", reverse("announcements:feed")),
            (username, "search «собрание»", search + "?q=собрание"),
            (username, "search «олимпиада»", search + "?q=олимпиада"),
        ]
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the city already there")
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not args.keep:
        started = time.monotonic()
        call_command("seed_demo", "--size", args.size, "--reset", stdout=open(os.devnull, "w"))
        print(f"seed_demo --size {args.size}: {time.monotonic() - started:.1f} s")
    print(f"{Pupil.objects.count()} pupils, {AnnouncementPage.objects.count()} announcements "
          f"on {connection.vendor}")
    print(f"{'page':<22} {'user':<16} {'median ms':>10} {'queries':>8}")
    for username, label, url in pages():
        client = Client()
        if username:
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
        print(f"{label:<22} {username or 'visitor':<16} {statistics.median(times):>10.1f} "
              f"{len(queries):>8}")


if __name__ == "__main__":
    main()
