"""Visit statistics (R-DEP-4): logins and page views by school, role and day.

What is counted. A login is one through allauth's login (its ``user_logged_in``
signal: the login form, whichever page sent the user there). A page view is a signed-in
user's successful GET of an HTML page that the browser navigated to
(``reports.middleware.is_page_view``): not a redirect or an error, not a JSON or
fetched request of a page's script, not a download (CSV, XLSX, PDF, a file), not the
service worker, the manifest or static files. Each is counted once for every (school,
role group) the user belongs to on that day: a teacher who is also a parent at her
school counts under teachers and under parents, a parent of children in two schools in
both schools, a department user once without a school. So the rows of one school are
not to be added up into a number of people or views. Nothing else is kept: no user, no
page, no time of day (who read which card is the read log's, R-PD-3).

The role groups are stored in ``VisitCount.role`` as one value of ``Role`` each
(``GROUPS``): the school's leadership as ``director``, teachers (subject and class
teachers) as ``subject_teacher``, the other staff as ``secretary``, parents, pupils,
and department users as ``dept_admin``.

Why in memory. Writing a row on every page would add a query (and a row lock that
every teacher of a school waits for at 8:00) to every request; the pages' query budgets
(tests/portal/test_query_budget.py) hold without it. So each process adds its counts
to a dictionary under a lock, and ``flush()`` writes them in one transaction of three
set-based statements, however many rows: insert the missing rows with zeros (ignoring
those that exist), read and lock their ids, and add the counts with one UPDATE that
sets ``F() + n`` on each row, so processes flushing at once add up. The middleware
flushes once a response is ready, at most every ``VISITS_FLUSH_SECONDS`` (60 s by
default; None: only when called, as in the tests), and the process flushes at exit
(``atexit``, registered in ``ReportsConfig.ready``).

The trade-off: a worker that is killed (a crash, an out-of-memory kill, SIGKILL after a
timeout) loses its counts since its last flush: about a minute of its views when it is
busy (a quiet worker flushes at its next request after the minute); a graceful restart
loses none. A failed flush puts its counts back for the next one.

The page of the report (reports/views_visits.py) reads with ``totals`` and ``weekly``:
one grouped query each, whatever the number of schools and days.
"""

import datetime
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

from curriculum.rules import LEADERSHIP
from portal.access import DEPARTMENT_ROLES, Role, access, today

from .models import VisitCount

logger = logging.getLogger(__name__)

LEADERS = Role.DIRECTOR
TEACHERS = Role.SUBJECT_TEACHER
OTHER_STAFF = Role.SECRETARY
DEPARTMENT = Role.DEPT_ADMIN
# The role groups of the counts, in the order of the report: the Role value stored for
# the group, and its name.
GROUPS = {
    LEADERS: _("Leadership"),
    TEACHERS: _("Teachers"),
    OTHER_STAFF: _("Other staff"),
    Role.PARENT: _("Parents"),
    Role.PUPIL: _("Pupils"),
    DEPARTMENT: _("Department"),
}
SCHOOL_GROUPS = [group for group in GROUPS if group != DEPARTMENT]
# A school role → its group. The two rights (maintaining lists, editing one's class)
# come with a staff role and add no group of their own.
GROUP_OF = {
    **dict.fromkeys(LEADERSHIP, LEADERS),
    Role.CLASS_TEACHER: TEACHERS,
    Role.SUBJECT_TEACHER: TEACHERS,
    **dict.fromkeys([Role.SECRETARY, Role.COORDINATOR, Role.PSYCHOLOGIST,
                     Role.SOCIAL_PEDAGOGUE, Role.MEDIC, Role.EDITOR], OTHER_STAFF),
    Role.PARENT: Role.PARENT,
    Role.PUPIL: Role.PUPIL,
}
# Department-wide roles (a portal editor may be one) count without a school.
DEPARTMENT_WIDE = DEPARTMENT_ROLES | {Role.EDITOR}

LOGINS, VIEWS = 0, 1

_lock = threading.Lock()
# (day, institution id or None, group) → [logins, views] not written yet.
_pending = {}
_last_flush = time.monotonic()


def groups_of(user):
    """{(institution id or None, group)} under which ``user`` counts: no query when the
    request has already read the user's access context, as every page does."""
    context = access(user)
    if context is None:
        return set()
    keys = {(institution_id, GROUP_OF[role])
            for institution_id, roles in context.school_roles.items()
            for role in roles if role in GROUP_OF}
    if context.department_roles & DEPARTMENT_WIDE:
        keys.add((None, DEPARTMENT))
    return keys


def _add(user, index):
    keys = groups_of(user)
    if not keys:
        return  # e.g. a superuser who is nobody at any school
    day = today()
    with _lock:
        for institution_id, group in keys:
            _pending.setdefault((day, institution_id, group), [0, 0])[index] += 1


def record_view(request):
    """Counts a page view of ``request``'s user (the middleware decides what is one)."""
    _add(request.user, VIEWS)


def record_login(sender, request, user, **kwargs):
    """allauth's ``user_logged_in``: counts a login."""
    _add(user, LOGINS)


def take():
    """The counts kept so far, {(day, institution id, group): [logins, views]}, no
    longer kept here."""
    global _last_flush
    with _lock:
        pending = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    return pending


def _put_back(pending):
    with _lock:
        for key, (logins, views) in pending.items():
            counts = _pending.setdefault(key, [0, 0])
            counts[LOGINS] += logins
            counts[VIEWS] += views


def write(pending):
    """Adds ``pending`` to the VisitCount rows: three statements in one transaction.
    Two processes flushing at once insert and lock the rows in the same order (the
    keys', then the ids'), so neither waits for a row the other waits for."""
    keys = sorted(pending, key=lambda key: (key[0], key[1] or 0, key[2]))
    with transaction.atomic():
        # The rows missing for a key, with zeros; a row another process has just made
        # is left alone (ON CONFLICT DO NOTHING).
        VisitCount.objects.bulk_create(
            [VisitCount(day=day, institution_id=institution_id, role=group)
             for day, institution_id, group in keys], ignore_conflicts=True)
        institution_ids = {institution_id for _day, institution_id, _group in keys}
        rows = (VisitCount.objects.select_for_update().order_by("pk")
                .filter(day__in={day for day, _institution_id, _group in keys},
                        role__in={group for _day, _institution_id, group in keys})
                .filter(Q(institution_id__in=institution_ids - {None})
                        | Q(institution__isnull=True))
                .only("pk", "day", "institution_id", "role"))
        changed = []
        for row in rows:
            counts = pending.get((row.day, row.institution_id, row.role))
            if counts is None:
                continue  # a row of the same days and roles, not flushed now
            # Added by the database, not written over: a flush of another process
            # in between is kept.
            row.logins = F("logins") + counts[LOGINS]
            row.views = F("views") + counts[VIEWS]
            changed.append(row)
        VisitCount.objects.bulk_update(changed, ["logins", "views"])


def flush():
    """Writes this process's counts to the database; returns the number of rows
    touched. On a database error the counts are kept for the next flush."""
    pending = take()
    if not pending:
        return 0
    try:
        write(pending)
    except Exception:
        _put_back(pending)
        raise
    return len(pending)


def flush_if_due():
    """Flushes when ``VISITS_FLUSH_SECONDS`` have passed since the last flush. A failure
    is logged, never shown to the user whose request happened to flush."""
    global _last_flush
    seconds = settings.VISITS_FLUSH_SECONDS
    if seconds is None:
        return
    with _lock:
        if time.monotonic() - _last_flush < seconds:
            return
        # Claimed by this thread: the others go on without waiting for it.
        _last_flush = time.monotonic()
    try:
        flush()
    except DatabaseError:
        logger.exception("Visit counts not written; kept for the next flush")


def flush_at_exit():
    """The last counts of a process that stops gracefully."""
    try:
        flush()
    except Exception:  # the database may be gone already: nothing more to do
        logger.exception("Visit counts of this process lost at exit")


# The report's readers -------------------------------------------------------------------


def in_range(counts, starts_on, ends_on):
    return counts.filter(day__gte=starts_on, day__lte=ends_on)


def totals(counts):
    """{(institution id or None, group): {"logins", "views", "days", "last"}} of the
    rows ``counts`` (scoped and filtered): the sums, the days with page views and the
    last of them. One query."""
    rows = (counts.order_by().values("institution_id", "role")
            .annotate(total_logins=Sum("logins"), total_views=Sum("views"),
                      days=Count("pk", filter=Q(views__gt=0)),
                      last=Max("day", filter=Q(views__gt=0))))
    return {(row["institution_id"], row["role"]): {
        "logins": row["total_logins"], "views": row["total_views"], "days": row["days"],
        "last": row["last"]} for row in rows}


def weekly(counts):
    """{(Monday, group): page views} of ``counts``. One query."""
    rows = (counts.order_by().annotate(week=TruncWeek("day")).values("week", "role")
            .annotate(total=Sum("views")))
    return {(_as_date(row["week"]), row["role"]): row["total"] for row in rows}


def _as_date(value):
    # TruncWeek of a date column is a date on PostgreSQL and SQLite alike; a datetime
    # would come from a backend that truncates to a timestamp.
    return value.date() if isinstance(value, datetime.datetime) else value


def mondays(starts_on, ends_on):
    """The Mondays of the weeks from ``starts_on`` to ``ends_on``."""
    monday = starts_on - datetime.timedelta(days=starts_on.weekday())
    weeks = []
    while monday <= ends_on:
        weeks.append(monday)
        monday += datetime.timedelta(days=7)
    return weeks
