"""What the benchmarks share (imported after ``django.setup()``): their arguments, the
database and the city they time, and the timing of pages as their demo users."""

import os
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def add_arguments(parser, size="medium", repeat=15):
    parser.add_argument("--size", default=size)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--keep", action="store_true", help="reuse the city already there")


def prepare(args, hosts=("testserver",), seed_options=()):
    """Production-like settings, the database migrated, the city rebuilt unless
    ``--keep``."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = list(hosts)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not args.keep:
        started = time.monotonic()
        call_command("seed_demo", "--size", args.size, "--reset", *seed_options,
                     stdout=open(os.devnull, "w"))
        print(f"seed_demo --size {args.size} {' '.join(seed_options)}: "
              f"{time.monotonic() - started:.1f} s")


def time_pages(pages, repeat, label_width=28, user_width=22):
    """Prints the median time of ``repeat`` requests of each (username or None, label,
    url) and the number of queries of one, after a request that warms up."""
    from records.models import User

    print(f"{'page':<{label_width}} {'user':<{user_width}} {'median ms':>10} {'queries':>8}")
    for username, label, url in pages:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        client.get(url)  # warm up
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{label:<{label_width}} {username or 'visitor':<{user_width}} "
              f"{statistics.median(times):>10.1f} {len(queries):>8}")
