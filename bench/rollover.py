"""Times the year rollover (R-MOV-4) of the city's biggest school. Run by hand, not in
CI (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/rollover.py --size large

It migrates the database, rebuilds the city (unless --keep), then, --repeat times, in a
transaction it rolls back, previews and applies the rollover of the school with the
most pupils, as the deputy's page would with no edits (the flagged pupils promoted on
condition). It prints the first run's progress with the seconds since its start, then
the median preview and apply times.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from bench.common import add_arguments, prepare  # noqa: E402
from curriculum.models import AcademicYear  # noqa: E402
from journal.models import FinalMark, Mark  # noqa: E402
from movement import rollover  # noqa: E402
from records.models import Pupil, User  # noqa: E402


class RolledBack(Exception):
    pass


def biggest_school_year():
    row = (Pupil.objects.current().values("institution").annotate(n=Count("pk"))
           .order_by("-n", "institution").first())
    return AcademicYear.objects.select_related("institution").get(
        institution_id=row["institution"], is_current=True), row["n"]


def one_run(year, user, say=None):
    """(preview seconds, apply seconds) of one rollover, rolled back."""
    started = time.perf_counter()
    plan = rollover.preview(year)
    rollover.decide_flagged(plan, rollover.CONDITIONAL)
    previewed = time.perf_counter()
    progress = None
    if say:
        def progress(message):
            say(f"  {time.perf_counter() - previewed:6.1f} s  {message}")
    day = year.ends_on - datetime.timedelta(days=3)
    try:
        with transaction.atomic():
            rollover.apply(plan, user, ("1-п", day), ("1-в", day), progress=progress)
            applied = time.perf_counter()
            raise RolledBack
    except RolledBack:
        pass
    return previewed - started, applied - previewed, len(plan.pupils())


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser, size="large", repeat=3)
    args = parser.parse_args()
    prepare(args)
    year, pupils = biggest_school_year()
    print(f"{connection.vendor}: {Pupil.objects.count()} pupils in the city, "
          f"{Mark.objects.count()} marks, {FinalMark.objects.count()} finals; "
          f"{year.institution.short_name} {year.name}: {pupils} pupils")
    user = User.objects.get(username="admin")
    previews, applies = [], []
    for number in range(args.repeat):
        seconds, applied, moving = one_run(year, user, say=print if number == 0 else None)
        previews.append(seconds)
        applies.append(applied)
        print(f"run {number + 1}: preview {seconds:.2f} s, apply {applied:.2f} s "
              f"({moving} pupils)")
    print(f"median of {args.repeat}: preview {statistics.median(previews):.2f} s, "
          f"apply {statistics.median(applies):.2f} s")


if __name__ == "__main__":
    main()
