"""Times the journal and the diary on a demo city of a given size. Run by hand, not in CI
(see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/journal.py --size large --journal-until 2027-05-31

It migrates the database, rebuilds the city (unless --keep), then measures as the demo
users: the journal grid of a whole class for a quarter, saving one mark through the
grid's endpoint, the parent's diary week and period, the teacher's journals and the
deputy's overview. It prints the median server time and the number of queries.
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

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import add_arguments  # noqa: E402
from bench.common import prepare as prepare_city  # noqa: E402
from curriculum.models import ClassMembership, MarkType, Period, SchoolClass  # noqa: E402
from journal import cells  # noqa: E402
from journal.models import Attendance, Mark  # noqa: E402
from portal.access import today  # noqa: E402
from records.models import Guardianship, Pupil, User  # noqa: E402
from schedule.models import Lesson  # noqa: E402

WEEK = "2026-11-16"


def biggest_journal(teacher):
    """The teacher's whole-class journal with the most pupils, in the current period."""
    lessons = (Lesson.objects.filter(teacher__person__user=teacher, subgroup__isnull=True,
                                     school_class__grade__gt=1, date__lt=today(),
                                     is_cancelled=False)
               .values("school_class", "subject").annotate(n=Count("pk")).order_by("-n"))
    best = None
    for row in lessons[:10]:
        pupils = ClassMembership.objects.filter(school_class_id=row["school_class"]).on(
            today()).count()
        if best is None or pupils > best[2]:
            best = (row["school_class"], row["subject"], pupils)
    return best


def timed(client, method, url, data=None, repeat=15, prepare=None):
    """Median wall-clock and CPU time of the request, and its number of queries. The
    CPU time (this process's: the view, the ORM, the templates, without the waits
    for the database) is steadier than the wall clock on a machine others load."""
    times, cpu = [], []
    for _ in range(repeat):
        payload = prepare() if prepare else data
        started, started_cpu = time.perf_counter(), time.process_time()
        response = getattr(client, method)(url, payload) if payload else getattr(
            client, method)(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code,
                                             response.content[:300])
    payload = prepare() if prepare else data
    with CaptureQueriesContext(connection) as queries:
        getattr(client, method)(url, payload) if payload else getattr(client, method)(url)
    return statistics.median(times), len(queries), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser, size="small")
    parser.add_argument("--journal-until", help="passed to seed_demo (default: today)")
    args = parser.parse_args()
    prepare_city(args, seed_options=["--journal-until", args.journal_until]
                 if args.journal_until else [])
    print(f"{connection.vendor}: {Pupil.objects.count()} pupils, "
          f"{Lesson.objects.count()} lessons, {Mark.objects.count()} marks, "
          f"{Attendance.objects.count()} attendance rows")

    teacher = User.objects.get(username="school1.teacher")
    class_pk, subject_pk, pupils = biggest_journal(teacher)
    lesson_class = SchoolClass.objects.get(pk=class_pk)
    period = Period.objects.for_class(lesson_class).containing(today()).first()
    grid = reverse("journal:grid", args=[class_pk, subject_pk])
    lesson = (Lesson.objects.filter(school_class_id=class_pk, subject_id=subject_pk,
                                    subgroup__isnull=True, teacher__person__user=teacher,
                                    date__lt=today(), is_cancelled=False)
              .select_related("school_class").order_by("-date").first())
    # With --journal-until at the end of the year every period before the last is closed
    # (as the deputy would have done by then): open the lesson's period for the save.
    lesson_period = cells.period_of(lesson)
    closed_at = lesson_period.closed_at
    Period.objects.filter(pk=lesson_period.pk).update(closed_at=None)
    task = cells.new_task(teacher, lesson, MarkType.objects.department_wide().order_by(
        "weight").first())
    pupil = ClassMembership.objects.filter(school_class_id=class_pk).on(
        lesson.date).first().pupil_id
    state = {"n": 0}

    def next_mark():
        # Each save replaces the previous mark: the version the screen would show (read
        # before the clock starts; versions come from the journal's counter).
        state["n"] += 1
        version = Mark.objects.filter(task=task, pupil_id=pupil).values_list(
            "version", flat=True).first()
        return {"task": task.pk, "pupil": pupil, "value": "54"[state["n"] % 2],
                "version": version or 0}

    parent = User.objects.get(username="school1.parent")
    child = Guardianship.objects.filter(parent__person__user=parent).order_by(
        "pupil__person__search_name").first().pupil

    rows = [
        ("journal grid", "school1.teacher", "get", f"{grid}", None),
        ("mark save", "school1.teacher", "post", reverse("journal:save_mark"), next_mark),
        ("diary week", "school1.parent", "get",
         reverse("journal:diary", args=[child.pk]) + f"?date={WEEK}", None),
        ("diary period", "school1.parent", "get",
         reverse("journal:diary_period", args=[child.pk]), None),
        ("teacher's journals", "school1.teacher", "get", reverse("journal:index"), None),
        ("deputy's overview", "school1.deputy", "get",
         reverse("journal:school_overview", args=[lesson.institution_id]), None),
    ]
    print(f"journal grid: {pupils} pupils, "
          f"{Lesson.objects.filter(school_class_id=class_pk, subject_id=subject_pk).count()} "
          f"lessons in the year, period {period}")
    print(f"{'measure':<22} {'user':<18} {'median ms':>10} {'queries':>8} {'cpu ms':>8}")
    try:
        for label, username, method, url, prepare in rows:
            client = Client()
            client.force_login(User.objects.get(username=username))
            if method == "get":
                client.get(url)  # warm up
            median, queries, cpu = timed(client, method, url, repeat=args.repeat,
                                         prepare=prepare)
            print(f"{label:<22} {username:<18} {median:>10.1f} {queries:>8} {cpu:>8.1f}")
    finally:
        task.delete()
        Period.objects.filter(pk=lesson_period.pk).update(closed_at=closed_at)


if __name__ == "__main__":
    main()
