import argparse
import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from portal.demo.city import DEMO_ACCOUNTS, DEMO_PASSWORD, SIZES, CityBuilder, reset
from records.models import Department


def day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text}") from None


class Command(BaseCommand):
    help = ("Builds a demo city: the department, its schools with staff, classes, pupils "
            "and parents; each school's curriculum plan, the teaching load and timetable "
            "that follow it (the load approved by the director before the year), the "
            "year's lessons (none on school holidays, public holidays or moved days off) "
            "and the journal up to today.")

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reset", action="store_true",
                            help="Delete the existing demo city first.")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (and succeed) when a city already exists.")
        parser.add_argument("--journal-until", type=day, default=None, metavar="YYYY-MM-DD",
                            help="Fill the journal up to this day (default: today), e.g. "
                                 "the year's last day for a benchmark.")
        parser.add_argument("--today", type=day, default=None, metavar="YYYY-MM-DD",
                            help="Build the city as on this day (default: the real date): "
                                 "its school year is the one holding the day, from 1 June "
                                 "the coming one.")

    def handle(self, *args, size, seed, if_empty, journal_until=None, today=None,
               **options):
        started = time.monotonic()
        if Department.objects.exists():
            if if_empty:
                self.stdout.write("A city already exists; nothing to do.")
                self.print_accounts()
                return
            if not options["reset"]:
                raise CommandError("A city already exists. Run with --reset to rebuild it.")
            self.stdout.write("Deleting the existing city…")
            reset()
            if options["verbosity"] >= 1:
                self.stdout.write(f"[reset: {time.monotonic() - started:.1f} s]")
        CityBuilder(size=size, seed=seed, stdout=self.stdout, journal_until=journal_until,
                    today=today, verbosity=options["verbosity"]).build()
        self.stdout.write(self.style.SUCCESS(
            f"Demo city ({size}, seed {seed}) built in {time.monotonic() - started:.1f} s."
        ))
        self.print_accounts()

    def print_accounts(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<22} {description}")
