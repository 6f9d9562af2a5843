"""Times the reports of issue 15 (the builder's saved reports too) on a demo city of a
given size. Run by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/reports.py --size large --repeat 7 [--keep]

It migrates the database, rebuilds the city (unless --keep; ``--journal-until`` fills
the journal further), then requests the reports as the department and as school 1's
deputy and prints the median server time and the number of queries; and, beside them,
the raw scans the tallies save: the first quarter's weighted averages and absences of
the whole city counted from the marks and attendance themselves, and the same for
school 1.
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
from django.urls import reverse  # noqa: E402

from bench.common import add_arguments, prepare, time_pages  # noqa: E402
from curriculum.models import Period  # noqa: E402
from journal import tallies  # noqa: E402
from journal.models import Mark, Tally  # noqa: E402
from records.models import Institution, Pupil  # noqa: E402
from reports.models import SavedReport  # noqa: E402


def pages():
    quarter = Period.objects.filter(academic_year__is_current=True, number=1,
                                    period_type__periods_count=4).first()
    period = f"period={quarter.period_type_id}:1"
    school = Institution.objects.get(short_name="СОШ № 1").pk
    progress, current = reverse("reports:progress"), reverse("reports:current")
    completeness = reverse("reports:completeness")
    return [
        ("dept", "city progress by school", f"{progress}?{period}&group=school"),
        ("dept", "city progress, grade 5", f"{progress}?{period}&group=school&grade=5"),
        ("dept", "city progress by class", f"{progress}?{period}&group=class"),
        ("dept", "city progress by subject", f"{progress}?{period}&group=subject"),
        ("dept", "city current by school", f"{current}?{period}&group=school"),
        ("dept", "school 1 progress", f"{progress}?{period}&group=class&school={school}"),
        ("school1.deputy", "school progress by class", f"{progress}?{period}&group=class"),
        ("school1.deputy", "school current by class", f"{current}?{period}&group=class"),
        ("school1.deputy", "journal completeness", completeness),
        # The builder's saved reports of the demo city (reports/demo.py).
        ("dept", "builder: city pupils by class", saved("Контингент: ученики по школам")),
        ("dept", "builder: city movement", saved("Движение учеников по школам")),
        ("school1.deputy", "builder: marks by subject", saved("Средняя отметка по предметам")),
        ("school1.deputy", "builder: debts by pupil", saved("Долги по классам")),
        ("school1.director", "builder: teachers' service", saved("Стаж педагогов")),
    ]


def saved(title):
    report = SavedReport.objects.get(title__startswith=title)
    return reverse("reports:builder_report", args=[report.pk])


def raw_scans(repeat):
    """The first quarter counted from the raw rows (what the tallies replace)."""
    print(f"{'raw count of the first quarter':<34} {'median ms':>10}")
    quarters = list(Period.objects.filter(academic_year__is_current=True, number=1,
                                          period_type__periods_count=4))
    school = Institution.objects.get(short_name="СОШ № 1")
    for label, periods in (("city", quarters),
                           ("school 1", [p for p in quarters
                                         if p.institution_id == school.pk])):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            for period in periods:
                marks, attendance = tallies._in_period(period, institution_id=period.institution_id)
                tallies.counts(marks, attendance)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{label + ' from marks and attendance':<34} {statistics.median(times):>10.0f}")


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser, size="large", repeat=7)
    parser.add_argument("--journal-until", default=None)
    args = parser.parse_args()
    prepare(args, seed_options=(["--journal-until", args.journal_until]
                                if args.journal_until else []))
    print(f"{Pupil.objects.count()} pupils, {Mark.objects.count()} marks, "
          f"{Tally.objects.count()} tallies on {connection.vendor}")
    time_pages(pages(), args.repeat, label_width=30, user_width=16)
    raw_scans(max(3, args.repeat // 2))


if __name__ == "__main__":
    main()
