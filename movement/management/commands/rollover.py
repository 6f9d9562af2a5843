"""Roll a school over into the next academic year (R-MOV-4) from the command line, as
the preview would with no edits: the flagged pupils get the decision given here.
Prints its progress; used for a city's schools at once and to time the largest."""

import datetime
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from curriculum.models import AcademicYear
from movement import rollover
from records.models import Institution, User


class Command(BaseCommand):
    help = "Roll a school over into the next academic year."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True,
                            help="the school's id or short name")
        parser.add_argument("--user", required=True, help="who signs (a username)")
        parser.add_argument("--order", required=True, help="the promotion order's number")
        parser.add_argument("--graduation-order", default="",
                            help="the graduation order's number")
        parser.add_argument("--date", required=True, type=datetime.date.fromisoformat,
                            help="the orders' date, YYYY-MM-DD")
        parser.add_argument("--flagged", choices=[rollover.CONDITIONAL, rollover.REPEAT],
                            default=rollover.CONDITIONAL,
                            help="the decision for pupils with a failing year final")

    def handle(self, *args, **options):
        school = options["school"]
        institution = Institution.objects.filter(
            **({"pk": int(school)} if school.isdigit() else {"short_name": school})).first()
        if institution is None:
            raise CommandError(f"No school {school!r}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        year = AcademicYear.objects.filter(institution=institution, is_current=True).first()
        if year is None:
            raise CommandError("The school has no current academic year.")
        started = time.monotonic()
        plan = rollover.preview(year)
        rollover.decide_flagged(plan, options["flagged"])
        self.stdout.write(f"{institution.short_name}: {len(plan.pupils())} pupils in "
                          f"{len(plan.classes)} classes, preview in "
                          f"{time.monotonic() - started:.1f} s")

        def say(message):
            self.stdout.write(f"  {time.monotonic() - started:6.1f} s  {message}")

        try:
            new = rollover.apply(plan, user, (options["order"], options["date"]),
                                 (options["graduation_order"], options["date"]), progress=say)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{institution.short_name} is in {new.name} "
                          f"({time.monotonic() - started:.1f} s).")
