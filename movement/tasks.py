"""The year rollover of the page as a background task (Django's tasks framework): a big
school's takes longer than a request may wait (R-MOV-4), so the page checks the edited
preview, hands it to the task worker and shows how far the worker has come.

The progress of a school's run is kept in the shared cache (Redis in production, the
database cache of the demo), where the page reads it. The rollover itself is one
transaction: through Redis each step shows as it is done; through the database cache
the steps show when the transaction commits, with the time the run has taken so far
until then.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from curriculum.models import AcademicYear

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# A run not finished after this long is taken for lost (the worker was stopped): the
# school may start again. A live run of the largest school takes well under a minute.
STALE = datetime.timedelta(hours=1)
KEPT = 7 * 24 * 3600


def status_key(institution_id):
    return f"movement:rollover:{institution_id}"


def status_of(institution_id):
    """The school's last run: {"state", "started", "lines", "errors", "message",
    "year_id"}, or None."""
    return cache.get(status_key(institution_id))


def is_running(status):
    return bool(status) and status["state"] in (QUEUED, RUNNING) and (
        timezone.now() - status["started"] < STALE)


def _save(institution_id, status):
    cache.set(status_key(institution_id), status, timeout=KEPT)


def lock_key(institution_id):
    return f"movement:rollover:{institution_id}:lock"


def start(year, user, data, language):
    """Queues the rollover of ``year`` as edited in ``data`` (the preview form's POST);
    False when the school's rollover is queued or running already (two deputies
    pressing at once: the cache's atomic ``add`` lets one through). The caller has
    checked the form and the plan; the task checks them again on the data as it is
    when it runs."""
    if not cache.add(lock_key(year.institution_id), 1, timeout=int(STALE.total_seconds())):
        return False
    _save(year.institution_id, {"state": QUEUED, "started": timezone.now(), "lines": [],
                                "errors": [], "message": "", "year_id": year.pk})
    roll_over_task.enqueue(year.pk, user.pk, data, language)
    return True


def rollover_staff(institution):
    """Who may be a class teacher of the next year: the school's current staff."""
    from records.models import Staff

    return (Staff.objects.filter(institution=institution).current()
            .select_related("person").order_by("person__surname", "person__name"))


def done_message(new, counts):
    from . import rollover

    return _("The school is in %(name)s: %(promoted)s promoted, %(repeat)s repeat the "
             "year, %(graduates)s graduated.") % {
        "name": new.name,
        "promoted": counts[rollover.PROMOTE] + counts[rollover.CONDITIONAL],
        "repeat": counts[rollover.REPEAT] + counts[rollover.NOT_GRADUATED],
        "graduates": counts[rollover.GRADUATE]}


@task()
def roll_over_task(year_id, user_id, data, language):
    year = AcademicYear.objects.select_related("institution").get(pk=year_id)
    status = status_of(year.institution_id) or {"lines": [], "errors": []}
    status.update(state=RUNNING, started=status.get("started") or timezone.now(),
                  year_id=year.pk)
    _save(year.institution_id, status)

    def say(message):
        status["lines"].append(message)
        _save(year.institution_id, status)

    try:
        return _roll_over(year, user_id, data, language, status, say)
    finally:
        cache.delete(lock_key(year.institution_id))


def _roll_over(year, user_id, data, language, status, say):
    from . import rollover
    from .forms import RolloverForm

    with translation.override(language):
        try:
            if not year.is_current:
                raise ValidationError(_("This year has already been rolled over."))
            user = get_user_model().objects.get(pk=user_id)
            plan = rollover.preview(year)
            form = RolloverForm(data, plan=plan, staff=rollover_staff(year.institution))
            if not form.is_valid():
                raise ValidationError([message for errors in form.errors.values()
                                       for message in errors])
            plan = form.edited()
            new = rollover.apply(plan, user, *form.orders(), progress=say)
        except ValidationError as error:
            status.update(state=FAILED, errors=error.messages)
            _save(year.institution_id, status)
            return {"state": FAILED}
        except Exception:
            # The transaction is rolled back: nothing was changed.
            status.update(state=FAILED, errors=[_(
                "The rollover stopped on an error and changed nothing. Try again; if it "
                "stops again, tell the portal's administrator.")])
            _save(year.institution_id, status)
            raise
        status.update(state=DONE, message=done_message(new, plan.counts()),
                      new_year_id=new.pk)
        _save(year.institution_id, status)
    return {"state": DONE, "year": new.pk}
