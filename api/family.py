"""Whose data a token reads: the pupils the user reads as family, and the user's own
teacher records. Found through the access matrix exactly as the portal's pages find
them, so another family's child, or an id of nobody, is the same 404."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from journal import diary
from portal.access import access
from records.models import Staff

# In the schema's words (``api.declare.operation``'s ``permission``).
FAMILY_RULE = _("the user's own pupil record and their children, through "
                "`records.view_pupil` (`journal.diary.diary_pupils`); any other pupil is 404")


def family_pupils(user):
    """The user's own pupil record and their children, as the diary lists them."""
    return list(diary.diary_pupils(user))


def pupil_or_404(user, pk):
    for pupil in family_pupils(user):
        if pupil.pk == pk:
            return pupil
    raise Http404


def teacher_rows(user):
    """The user's current staff records that teach in the timetable (as the timetable's
    own calendars find a teacher's week), in the schools whose lessons they read."""
    from schedule.views import lesson_schools

    context = access(user)
    if context is None or context.person_id is None:
        return Staff.objects.none()
    return (Staff.objects.current()
            .filter(person_id=context.person_id, institution__in=lesson_schools(user))
            .filter(Q(timetable_entries__isnull=False) | Q(co_taught_entries__isnull=False))
            .distinct().select_related("person", "institution").order_by("pk"))
