"""Times the public face of issue 13 on a demo city of a given size. Run by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/public_pages.py --size large --repeat 15 [--keep]

It migrates the database, rebuilds the city (unless --keep), then requests the city's
home page, a school's page, its news index, the feed and the search as a visitor and
as the demo parent, and prints the median server time and the number of queries.
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

from announcements.models import AnnouncementIndexPage, AnnouncementPage  # noqa: E402
from bench.common import add_arguments, prepare, time_pages  # noqa: E402
from records.models import Pupil  # noqa: E402
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
    add_arguments(parser)
    args = parser.parse_args()
    prepare(args, ("testserver", "localhost", "127.0.0.1"))
    print(f"{Pupil.objects.count()} pupils, {AnnouncementPage.objects.count()} announcements "
          f"on {connection.vendor}")
    time_pages(pages(), args.repeat, label_width=22, user_width=16)


if __name__ == "__main__":
    main()
