from django.core.management.base import BaseCommand

from links.checks import TIMEOUT, check_links
from links.models import Link
from links.tasks import check_links_task


class Command(BaseCommand):
    help = "Checks every link of the catalog and records which are broken."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=TIMEOUT,
                            help="Seconds to wait for each answer.")
        parser.add_argument("--enqueue", action="store_true",
                            help="Hand the check to the task worker instead.")

    def handle(self, *args, timeout, enqueue, **options):
        if enqueue:
            result = check_links_task.enqueue()
            self.stdout.write(f"Enqueued: {result.id}")
            return
        checked, broken = check_links(Link.objects.order_by("pk").iterator(),
                                      timeout=timeout)
        self.stdout.write(f"Checked {checked} links, {broken} broken.")
