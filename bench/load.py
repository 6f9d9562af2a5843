"""A quarter-end load on a seeded city: gunicorn with the production settings (2 workers)
against PostgreSQL and Redis on loopback; teachers saving marks through the grid's save
endpoint, several sessions at the same cells at once, while parents read diary weeks.
Run by hand, not in CI (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_medium \\
        .venv/bin/python bench/load.py --duration 30
    DATABASE_URL=... .venv/bin/python bench/load.py --mode diary --duration 30

It never seeds: it works on the city in DATABASE_URL as it is. It gives logins (named
``bench.t<staff pk>`` / ``bench.p<parent pk>``, no password) to the teachers and parents
it plays and opens their sessions directly in the database; it reopens, for the run, the
periods that hold today (a city seeded for the whole year has them closed) and closes
them again afterwards. It prints requests/s and p50/p95/p99 per kind and the errors by
kind, then checks in the database that every accepted save is stored (the last accepted
value of each cell is its value) and that every refused one was answered 409 with the
cell's real current version: no mark lost or silently overwritten. It exits with 1 if
one was.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import secrets
import statistics
import string
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The same settings and secret as the gunicorn it starts (it inherits this environment):
# the sessions made here carry a hash signed with SECRET_KEY.
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # plain HTTP on loopback
os.environ.setdefault("TRUSTED_PROXY_COUNT", "0")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
if "DATABASE_URL" not in os.environ:
    sys.exit("Set DATABASE_URL to a seeded PostgreSQL database.")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.urls import reverse  # noqa: E402

from curriculum.models import ClassMembership, Period  # noqa: E402
from journal.models import Mark, Task  # noqa: E402
from portal.access import today  # noqa: E402
from records.models import Guardianship, Parent, Staff, User  # noqa: E402
from schedule.models import Lesson  # noqa: E402

MARKS = ["2", "3", "4", "5"]
CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


# Who plays -----------------------------------------------------------------------------


def login_of(person, name):
    """The person's login (made, without a password, if they have none)."""
    if person.user_id is None:
        person.user = User.objects.create(username=name, password="!bench")
        person.save(update_fields=["user"])
    return person.user


def session_cookie(user):
    """A logged-in session as django.contrib.auth.login leaves it, in the database."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that reads the user back (not rules', which only answers permissions).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if path.endswith(".ModelBackend"))
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return (f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={CSRF}")


@dataclass
class Screen:
    """One teacher's browser tab: the versions of the cells it shows."""

    cookie: str
    own: list  # cells only this tab writes
    hot: list  # cells every tab of the teacher writes
    versions: dict = field(default_factory=dict)


def teacher_screens(rnd, teachers, tabs, hot, cells_per_tab, day):
    """Screens of teachers with marks to save in open periods, and the stored cells at
    the start: {(task, pupil): (version, value)}."""
    # Only lessons of the periods open today: the saves of a closed one are refused.
    since = Period.objects.filter(starts_on__lte=day, ends_on__gte=day).aggregate(
        since=Max("starts_on"))["since"] or day
    lessons = (Lesson.objects.filter(date__gte=since, date__lte=day, is_cancelled=False,
                                     subgroup__isnull=True, school_class__grade__gt=1,
                                     tasks__isnull=False)
               .filter(school_class__academic_year__starts_on__lte=day,
                       school_class__academic_year__ends_on__gte=day))
    candidates = sorted(set(lessons.filter(date__gte=day - datetime.timedelta(
        days=30)).values_list("teacher_id", flat=True)))
    chosen = rnd.sample(candidates, min(teachers, len(candidates)))
    screens, start = [], {}
    for staff in Staff.objects.filter(pk__in=chosen).select_related("person").order_by("pk"):
        user = login_of(staff.person, f"bench.t{staff.pk}")
        tasks = list(Task.objects.filter(lesson__in=lessons.filter(teacher=staff))
                     .order_by("-lesson__date", "pk").values_list(
                         "pk", "lesson__school_class_id", "lesson__date")[:40])
        cells = []
        for task, school_class, date in tasks:
            pupils = ClassMembership.objects.filter(school_class_id=school_class).on(
                date).order_by("pupil_id").values_list("pupil_id", flat=True)
            cells += [(task, pupil) for pupil in pupils]
        need = hot + tabs * cells_per_tab
        if len(cells) < need:
            continue
        cells = rnd.sample(cells, need)
        for row in Mark.objects.filter(task_id__in={t for t, _ in cells}).values_list(
                "task_id", "pupil_id", "version", "value"):
            if (row[0], row[1]) in cells:
                start[(row[0], row[1])] = (row[2], row[3])
        for tab in range(tabs):
            own = cells[hot + tab * cells_per_tab:hot + (tab + 1) * cells_per_tab]
            screens.append(Screen(session_cookie(user), own, cells[:hot]))
    for screen in screens:
        screen.versions = {cell: start.get(cell, (0, ""))[0]
                           for cell in screen.own + screen.hot}
    return screens, start


def parent_cookies(rnd, parents, day):
    """(cookie, diary url) of parents with a child in grade 2 or above."""
    rows = list(Guardianship.objects.filter(pupil__school_class__grade__gt=1)
                .order_by("pk").values_list("parent_id", "pupil_id"))
    picked = rnd.sample(rows, min(parents, len(rows)))
    weeks = [day - datetime.timedelta(weeks=n) for n in range(12)]
    result = []
    people = {p.pk: p for p in Parent.objects.filter(pk__in=[p for p, _ in picked])
              .select_related("person")}
    for parent, pupil in picked:
        user = login_of(people[parent].person, f"bench.p{parent}")
        url = reverse("journal:diary", args=[pupil])
        result.append((session_cookie(user), url, weeks))
    return result


def open_periods(day):
    """Reopens the closed periods that hold ``day``; returns {pk: closed_at} to restore."""
    closed = dict(Period.objects.filter(starts_on__lte=day, ends_on__gte=day,
                                        closed_at__isnull=False)
                  .values_list("pk", "closed_at"))
    Period.objects.filter(pk__in=closed).update(closed_at=None)
    return closed


def restore_periods(closed):
    for pk, closed_at in closed.items():
        Period.objects.filter(pk=pk).update(closed_at=closed_at)


# The server ----------------------------------------------------------------------------


def start_gunicorn(port, workers):
    if not (ROOT / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi:application",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT)
    for _ in range(200):
        try:
            request(port, "GET", "/accounts/login/", "")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    sys.exit("gunicorn did not answer")


def request(port, method, path, cookie, body=None):
    """(status, body bytes, seconds); a new connection each time, as gunicorn's sync
    workers close it after every answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Accept": "application/json"}
    if body is not None:
        body = urllib.parse.urlencode(body)
        headers.update({"Content-Type": "application/x-www-form-urlencoded",
                        "X-CSRFToken": CSRF})
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    finally:
        connection.close()


# The run -------------------------------------------------------------------------------


@dataclass
class Save:
    cell: tuple
    sent: int
    value: str
    status: int | str
    version: int | None = None  # the stored version the answer gave


class Load:
    def __init__(self, port, deadline, rate, seed):
        self.port, self.deadline, self.rate = port, deadline, rate
        self.seed = seed
        self.times = defaultdict(list)  # kind: [seconds]
        self.errors = Counter()  # (kind, status)
        self.samples = {}  # (kind, status): the first answer's start
        self.saves = []
        self.lock = threading.Lock()

    def pace(self, rnd, clients):
        """Waits for the next request of a client at ``rate`` requests/s in all; 0 runs
        every client flat out."""
        if self.rate:
            time.sleep(rnd.expovariate(self.rate / clients))
        return time.monotonic() < self.deadline

    def record(self, kind, status, seconds, data=b""):
        with self.lock:
            self.times[kind].append(seconds)
            if status != 200 and not (kind == "mark save" and status == 409):
                self.errors[(kind, status)] += 1
                self.samples.setdefault((kind, status), data[:200])

    def teacher(self, number, screen, clients, hot_share):
        rnd = random.Random(self.seed * 1000 + number)
        url = reverse("journal:save_mark")
        while self.pace(rnd, clients):
            cell = rnd.choice(screen.hot if rnd.random() < hot_share else screen.own)
            sent, value = screen.versions[cell], rnd.choice(MARKS)
            body = {"task": cell[0], "pupil": cell[1], "value": value, "version": sent}
            try:
                status, data, seconds = request(self.port, "POST", url, screen.cookie, body)
            except OSError as error:
                status, seconds = type(error).__name__, 0.0
                data = b""
            save = Save(cell, sent, value, status)
            if status in (200, 409):
                answer = json.loads(data)
                save.version = answer["cell" if status == 200 else "current"]["version"]
                # What the screen shows next: the saved cell, or the value the conflict
                # message showed.
                screen.versions[cell] = save.version
            with self.lock:
                self.saves.append(save)
            self.record("mark save", status, seconds, data)

    def parent(self, number, cookie, url, weeks, clients):
        rnd = random.Random(self.seed * 1000 + 500 + number)
        while self.pace(rnd, clients):
            path = f"{url}?date={rnd.choice(weeks).isoformat()}"
            try:
                status, data, seconds = request(self.port, "GET", path, cookie)
            except OSError as error:
                status, seconds, data = type(error).__name__, 0.0, b""
            self.record("diary week", status, seconds, data)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(load, seconds):
    print(f"{'kind':<12} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7}")
    total = 0
    for kind, times in sorted(load.times.items()):
        total += len(times)
        print(f"{kind:<12} {len(times):>8} {len(times) / seconds:>7.1f} "
              f"{statistics.median(times) * 1000:>7.1f} {percentile(times, .95) * 1000:>7.1f} "
              f"{percentile(times, .99) * 1000:>7.1f}")
    print(f"{'all':<12} {total:>8} {total / seconds:>7.1f}")
    conflicts = sum(1 for save in load.saves if save.status == 409)
    if load.saves:
        print(f"mark saves: {sum(1 for s in load.saves if s.status == 200)} accepted, "
              f"{conflicts} refused as conflicts (409)")
    for (kind, status), count in sorted(load.errors.items(), key=str):
        print(f"error: {kind} {status}: {count}, e.g. "
              f"{load.samples[(kind, status)].decode(errors='replace')}")


def check(saves, start):
    """Every accepted save stored, no save accepted on a stale version, every refusal a
    real conflict. Returns the number of problems."""
    by_cell = defaultdict(list)
    for save in saves:
        by_cell[save.cell].append(save)
    stored = {}
    tasks = {task for task, _ in by_cell}
    for task, pupil, version, value in Mark.objects.filter(task_id__in=tasks).values_list(
            "task_id", "pupil_id", "version", "value"):
        if (task, pupil) in by_cell:
            stored[(task, pupil)] = (version, value)
    problems = Counter()
    for cell, rows in by_cell.items():
        if any(not isinstance(save.status, int) or save.status >= 500 for save in rows):
            problems["cells with an answer lost (outcome unknown)"] += 1
            continue
        initial = start.get(cell, (0, ""))[0]
        accepted = sorted((s for s in rows if s.status == 200), key=lambda s: s.version)
        # Each accepted save must rest on the version the previous one left.
        previous, seen = initial, {initial}
        for save in accepted:
            if save.sent != previous:
                problems["saves accepted on a stale version (silent overwrite)"] += 1
            previous = save.version
            seen.add(save.version)
        if accepted:
            last = accepted[-1]
            if stored.get(cell) != (last.version, last.value):
                problems["accepted saves not stored (lost)"] += 1
        elif stored.get(cell, (0, ""))[0] != initial:
            problems["cells changed with no save accepted"] += 1
        for save in rows:
            if save.status == 409 and (save.version == save.sent or save.version not in seen):
                problems["409s without a real conflict"] += 1
    print(f"checked {len(by_cell)} cells against the database: "
          + (", ".join(f"{name}: {count}" for name, count in problems.items())
             or "every accepted save stored, every refusal a real conflict, "
                "0 marks lost or silently overwritten"))
    return sum(problems.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["mix", "diary"], default="mix",
                        help="mix: marks and diaries; diary: diary weeks alone")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load")
    parser.add_argument("--rate", type=float, default=0,
                        help="requests/s in all, spread over the clients at random "
                             "(0: every client sends as fast as it is answered)")
    parser.add_argument("--teachers", type=int, default=20)
    parser.add_argument("--tabs", type=int, default=2, help="sessions per teacher")
    parser.add_argument("--hot", type=int, default=3,
                        help="cells every session of a teacher saves")
    parser.add_argument("--hot-share", type=float, default=0.5,
                        help="share of a session's saves that go to those cells")
    parser.add_argument("--parents", type=int, default=40, help="parent sessions")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rnd = random.Random(args.seed)
    day = today()
    closed = open_periods(day) if args.mode == "mix" else {}
    server = None
    try:
        screens, start = ([], {})
        if args.mode == "mix":
            screens, start = teacher_screens(rnd, args.teachers, args.tabs, args.hot, 20,
                                             day)
            if not screens:
                sys.exit("No teacher with works in an open period up to today.")
        parents = parent_cookies(rnd, args.parents, day)
        print(f"{len(screens)} teacher sessions, {len(parents)} parent sessions, "
              f"{args.workers} gunicorn workers, CONN_MAX_AGE="
              f"{settings.DATABASES['default'].get('CONN_MAX_AGE')}, "
              f"{args.duration:.0f} s, rate {args.rate or 'flat out'}")
        server = start_gunicorn(args.port, args.workers)
        for cookie, url, weeks in parents[:4]:  # warm both workers up
            request(args.port, "GET", f"{url}?date={weeks[0]}", cookie)
        started = time.monotonic()
        load = Load(args.port, started + args.duration, args.rate, args.seed)
        clients = len(screens) + len(parents)
        threads = [threading.Thread(target=load.teacher,
                                    args=(n, screen, clients, args.hot_share))
                   for n, screen in enumerate(screens)]
        threads += [threading.Thread(target=load.parent, args=(n, *row, clients))
                    for n, row in enumerate(parents)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        report(load, time.monotonic() - started)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        restore_periods(closed)
    if args.mode == "mix" and check(load.saves, start):
        sys.exit(1)


if __name__ == "__main__":
    main()
