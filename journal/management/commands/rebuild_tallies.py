"""Count the journal's tallies again from the marks and attendance (journal/tallies.py):
after a bulk load, a restore, or to check that they agree (``--check``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from curriculum.models import AcademicYear
from journal import tallies


class Command(BaseCommand):
    help = "Rebuild (or check) the journal's tallies of the current years, or of all years."

    def add_arguments(self, parser):
        parser.add_argument("--school", type=int, action="append", default=[],
                            help="An institution's id (repeatable); default: every school.")
        parser.add_argument("--all-years", action="store_true",
                            help="Every academic year, not only the current ones.")
        parser.add_argument("--check", action="store_true",
                            help="Change nothing: compare the tallies with a count from "
                                 "the raw rows and fail on any difference.")

    def handle(self, *args, school, all_years, check, **options):
        years = AcademicYear.objects.order_by("institution_id", "starts_on")
        if not all_years:
            years = years.filter(is_current=True)
        if school:
            years = years.filter(institution_id__in=school)
        years = list(years)
        if not years:
            raise CommandError("No academic year matches.")
        started, differences = time.monotonic(), 0
        for number, year in enumerate(years, start=1):
            if check:
                expected, found = tallies.recomputed(year), tallies.stored(year)
                wrong = {key for key in expected.keys() | found.keys()
                         if expected.get(key) != found.get(key)}
                differences += len(wrong)
                self.stdout.write(f"{number}/{len(years)} {year.institution} {year}: "
                                  f"{len(expected)} tallies, {len(wrong)} differ")
            else:
                written = tallies.rebuild(year)
                self.stdout.write(f"{number}/{len(years)} {year.institution} {year}: "
                                  f"{written} tallies ({time.monotonic() - started:.1f} s)")
        if differences:
            raise CommandError(f"{differences} tallies differ from the marks and attendance.")
