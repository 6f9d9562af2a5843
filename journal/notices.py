"""The journal's notifications (issue 13, R-SET-1): a new or changed mark to the pupil
and their parents, new homework to the pupils of the lesson and their parents.

``cells`` queues these as background tasks once the save commits
(``transaction.on_commit``): the grid's save adds one insert after its commit (none
before its answer is decided), the worker finds the recipients, and a refused save
sends nothing.
Only live saves of the current period send: the demo city's bulk inserts and marks
entered into a finished period (a late correction of last term) do not. The texts
name only the pupil's own mark, subject and lesson: what the pupil and their parents
see in the diary."""

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from curriculum.models import ClassMembership, Period, SubgroupMembership
from notifications.recipients import family_of
from notifications.service import Kind, notify
from portal.access import today

from .models import Homework, Mark


def diary_url(pupil_pk, day):
    from .views_diary import week_url

    return week_url(pupil_pk, day)


def in_current_period(lesson):
    """Whether the lesson lies in its class's current period: the latest that has
    begun by today (in a holiday, the one just ended)."""
    day = today()
    periods = Period.objects.for_class(lesson.school_class)
    own = periods.containing(lesson.date).first()
    if own is None or own.starts_on > day:
        return False
    return not periods.filter(starts_on__gt=own.ends_on, starts_on__lte=day).exists()


def mark_message(mark, old=""):
    """(title, body, url, source) of the notification of a mark, in Russian; the mark
    read with its lesson's class and subject, its work's type and the pupil's person."""
    lesson = mark.lesson
    with translation.override(settings.LANGUAGE_CODE):
        values = {"value": mark.value, "old": old, "subject": lesson.subject.name}
        title = (_("Mark changed to %(value)s (was %(old)s): %(subject)s") % values if old
                 else _("New mark %(value)s: %(subject)s") % values)
        body = _("%(pupil)s, %(work)s, the lesson of %(date)s") % {
            "pupil": mark.pupil.person.short_name, "work": mark.task,
            "date": date_format(lesson.date, "j E")}
    return (title, body, diary_url(mark.pupil_id, lesson.date),
            f"journal.mark:{mark.pk}:v{mark.version}")


MARK_RELATED = ("lesson__school_class", "lesson__subject", "task__mark_type",
                "pupil__person")


@task()
def mark_saved(mark_pk, old):
    """After a mark was set or changed (``old``: the mark the cell held before). A
    second save before this runs is told once, with the mark as it is now."""
    mark = Mark.objects.filter(pk=mark_pk).select_related(*MARK_RELATED).first()
    if mark is None or not mark.value or mark.value == old:
        return None  # cleared since, a debt, or only the comment changed
    if not in_current_period(mark.lesson):
        return None
    title, body, url, source = mark_message(mark, old)
    return len(notify(Kind.MARK, family_of([mark.pupil_id]), title=title, body=body,
                      url=url, source=source))


@task()
def homework_saved(homework_pk):
    """After a lesson's homework was first given (its text was empty before)."""
    homework = (Homework.objects.filter(pk=homework_pk)
                .select_related("lesson__school_class", "lesson__subject").first())
    if homework is None or not homework.text:
        return None
    lesson = homework.lesson
    if not in_current_period(lesson):
        return None
    if lesson.subgroup_id:
        members = SubgroupMembership.objects.filter(subgroup_id=lesson.subgroup_id)
    else:
        members = ClassMembership.objects.filter(school_class_id=lesson.school_class_id)
    pupil_ids = list(members.on(lesson.date).values_list("pupil_id", flat=True))
    if not pupil_ids:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Homework: %(subject)s") % {"subject": lesson.subject.name}
        text = homework.text if len(homework.text) <= 300 else homework.text[:299] + "…"
        due = (_("Due on %(date)s.") % {"date": date_format(homework.due_on, "j E")}
               if homework.due_on else "")
        body = "\n".join(part for part in (text, due) if part)
        # One link for everyone, with no pupil's id in it: the diary opens the
        # viewer's own, or their child's in this class, on the lesson's week.
        url = reverse("journal:diary_index") + "?" + urlencode(
            {"date": lesson.date.isoformat(), "class": lesson.school_class_id})
        return len(notify(Kind.HOMEWORK, family_of(pupil_ids), title=title, body=body,
                          url=url, source=f"journal.homework:{homework.pk}"))
