"""The demo city's notifications (issue 13): school1.pupil's latest marks and a
homework, in the portal for the pupil and their parents (school1.parent), the newest
unread; everybody's preferences stay the defaults. Written in bulk, no e-mail sent."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from journal.models import Homework, Mark
from journal.notices import MARK_RELATED, mark_message
from notifications.recipients import family_of
from portal.access import today

from .models import Notification
from .service import Kind


def write_notifications(builder):
    from records.models import Pupil

    pupil = Pupil.objects.filter(person__user__username="school1.pupil").first()
    if pupil is None:
        return
    users = list(family_of([pupil.pk]).values_list("pk", flat=True))
    day = today()
    marks = list(Mark.objects.filter(pupil=pupil, lesson__date__lte=day)
                 .exclude(value="").select_related(*MARK_RELATED)
                 .order_by("-lesson__date", "-pk")[:4])
    rows = []
    for number, mark in enumerate(marks):
        title, body, url, source = mark_message(mark)
        created = timezone.make_aware(datetime.datetime.combine(
            mark.lesson.date, datetime.time(15, builder.random.randrange(60))))
        for user_pk in users:
            rows.append(Notification(
                user_id=user_pk, kind=Kind.MARK, title=title, body=body, url=url,
                source_key=source, created=created,
                # The two newest unread, the older ones read the same evening.
                read_at=None if number < 2 else created + datetime.timedelta(hours=3)))
    homework = (Homework.objects.filter(lesson__school_class_id=pupil.school_class_id,
                                        lesson__date__lte=day)
                .exclude(text="").select_related("lesson__subject")
                .order_by("-lesson__date").first())
    if homework is not None:
        from django.urls import reverse
        from django.utils.http import urlencode

        with translation.override(settings.LANGUAGE_CODE):
            title = _("Homework: %(subject)s") % {"subject": homework.lesson.subject.name}
        created = timezone.make_aware(datetime.datetime.combine(
            homework.lesson.date, datetime.time(14, builder.random.randrange(60))))
        url = reverse("journal:diary_index") + "?" + urlencode(
            {"date": homework.lesson.date.isoformat(), "class": pupil.school_class_id})
        for user_pk in users:
            rows.append(Notification(
                user_id=user_pk, kind=Kind.HOMEWORK,
                title=title,
                body=homework.text[:300], url=url,
                source_key=f"journal.homework:{homework.pk}", created=created))
    Notification.objects.bulk_create(rows)
