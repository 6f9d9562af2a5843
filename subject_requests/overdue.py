"""Overdue requests flagged to the school and the department (R-PD-4): once a day (the
command ``notify_overdue_requests``, or its task for a worker), each school's keepers
get one notification of their overdue requests, and every department user one of the
city's. The text names counts and schools only — no person, no request text — so it is
what each recipient may read. A day's notice reaches a user once (its source key)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.service import Kind, notify
from portal.access import DEPARTMENT_ROLES, today
from records.models import RoleAssignment, User

from .models import SubjectRequest
from .rules import KEEPERS


def _users(assignments):
    return User.objects.filter(is_active=True, person__role_assignments__in=assignments)


def notify_overdue(day=None):
    """Sends the day's notices; returns (schools with overdue requests, notifications)."""
    day = day or today()
    url = reverse("subject_requests:register") + "?overdue=on"
    by_school = list(SubjectRequest.objects.overdue(day).values(
        "institution", "institution__short_name").annotate(n=Count("pk")).order_by(
        "institution__short_name"))
    sent = 0
    active = RoleAssignment.objects.active(day)
    for row in by_school:
        n = row["n"]
        title = ngettext("%(count)d personal data request is overdue",
                         "%(count)d personal data requests are overdue", n) % {"count": n}
        keepers = _users(active.filter(role__in=KEEPERS, institution_id=row["institution"]))
        sent += len(notify(Kind.DATA_REQUEST, keepers, title=title, url=url,
                           source=f"subject_requests.overdue:{row['institution']}:{day}"))
    if by_school:
        total = sum(row["n"] for row in by_school)
        title = ngettext("%(count)d personal data request is overdue in the schools",
                         "%(count)d personal data requests are overdue in the schools",
                         total) % {"count": total}
        body = "\n".join(_("%(school)s: %(count)d") % {
            "school": row["institution__short_name"], "count": row["n"]} for row in by_school)
        department = _users(active.filter(role__in=DEPARTMENT_ROLES,
                                          institution__isnull=True))
        sent += len(notify(Kind.DATA_REQUEST, department, title=title, body=body, url=url,
                           source=f"subject_requests.overdue:city:{day}"))
    return len(by_school), sent
