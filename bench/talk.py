"""Times issue 16's mail and API on a demo city: the mail's inbox and a thread, and the
API's diary week, period and inbox (the forum's pages: ``bench/forum.py``). Run by
hand, on a city already built (``--keep``, e.g. the large one `journal.py` left):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/talk.py --keep --repeat 15

The demo city holds a handful of letters and posts; what grows in a year of a real
school is the volume, so before timing the script adds it, in bulk and inside a
transaction it rolls back at the end: ``--threads`` threads (2,000) in school1.parent's
and school1.teacher's mailboxes, each of three letters. The pages must answer as fast
with it as without: their queries are counted in the tests, the times here.
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from api import actions as api_actions  # noqa: E402
from api.scopes import offered  # noqa: E402
from bench.common import add_arguments, prepare, time_pages  # noqa: E402
from messaging.models import Mailbox, Message, Recipient, Thread  # noqa: E402
from records.models import Pupil, User  # noqa: E402


class Rollback(Exception):
    pass


def add_mail(parent, teacher, threads):
    """``threads`` threads of three letters between the parent and the teacher, the
    newest unread."""
    now = timezone.now()
    rows = Thread.objects.bulk_create([
        Thread(subject=f"Вопрос № {n}", created=now - datetime.timedelta(hours=n))
        for n in range(threads)])
    letters = []
    for thread in rows:
        for step, sender in enumerate([parent, teacher, parent]):
            letters.append(Message(thread=thread, sender=sender, body="Добрый день! " * 20,
                                   sent_at=thread.created + datetime.timedelta(minutes=step)))
    Message.objects.bulk_create(letters)
    Recipient.objects.bulk_create([
        Recipient(message=m, user=teacher if m.sender_id == parent.pk else parent,
                  read_at=None if n < 10 else m.sent_at)
        for n, m in enumerate(letters)])
    boxes = []
    for n, thread in enumerate(rows):
        last = letters[n * 3 + 2]
        for user in (parent, teacher):
            boxes.append(Mailbox(thread=thread, user=user, received=True, sent=True,
                                 last_message=last, last_message_at=last.sent_at))
    Mailbox.objects.bulk_create(boxes)
    return rows[0]


def time_api(calls, repeat):
    print(f"{'API call':<28} {'median ms':>10} {'queries':>8}")
    for key, label, url in calls:
        client = Client(headers={"Authorization": f"Bearer {key}"})
        client.get(url)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{label:<28} {statistics.median(times):>10.1f} {len(queries):>8}")


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser, size="medium", repeat=15)
    parser.add_argument("--threads", type=int, default=2000)
    args = parser.parse_args()
    prepare(args)
    parent = User.objects.get(username="school1.parent")
    teacher = User.objects.get(username="school1.teacher")
    child = Pupil.objects.filter(guardianships__parent__person__user=parent).order_by("pk")[0]
    try:
        with transaction.atomic():
            started = time.monotonic()
            thread = add_mail(parent, teacher, args.threads)
            print(f"volume: {args.threads} threads in {time.monotonic() - started:.1f} s")
            time_pages([
                ("school1.parent", "mail inbox", reverse("messaging:inbox")),
                ("school1.teacher", "mail inbox (teacher)", reverse("messaging:inbox")),
                ("school1.parent", "mail thread", reverse("messaging:thread",
                                                          args=[thread.pk])),
            ], args.repeat)
            _token, key = api_actions.create_token(
                parent, "bench", [scope.name for scope in offered(parent)])
            time_api([
                (key, "diary week", f"/api/v1/pupils/{child.pk}/diary/week"),
                (key, "diary period", f"/api/v1/pupils/{child.pk}/diary/period"),
                (key, "mail inbox", "/api/v1/mail/inbox"),
            ], args.repeat)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
