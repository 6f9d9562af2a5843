from django.core.management.base import BaseCommand

from subject_requests.overdue import notify_overdue
from subject_requests.tasks import notify_overdue_task


class Command(BaseCommand):
    help = ("Tells each school's keepers and the department about the personal data "
            "requests past their deadline (run once a day).")

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true",
                            help="Hand the work to the task worker instead.")

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = notify_overdue_task.enqueue()
            self.stdout.write(f"Enqueued: {result.id}")
            return
        schools, sent = notify_overdue()
        self.stdout.write(f"Schools with overdue requests: {schools}; notifications sent: {sent}.")
