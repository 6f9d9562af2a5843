"""Requests of data subjects (R-PD-4): a pupil, a parent or a staff member asks the school
about their own data — or a parent about their child's — for access, a copy, a
correction or an erasure. Each request has its deadline in working days of the
production calendar (``deadlines.py``), its state, the answer and who gave it. Every
change goes through ``actions.py`` and is a revision with a log entry (R-PD-2)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import RevisionMixin

from portal.access import ScopedQuerySet, today
from records.models import Institution, Person

from .deadlines import add_working_days


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to personal data")
    COPY = "copy", _("Copy of personal data")
    CORRECTION = "correction", _("Correction of personal data")
    ERASURE = "erasure", _("Erasure of personal data")


# Working days the school has to answer each kind (152-ФЗ art. 14 part 3 for access
# and a copy; the 3 working days for a correction; art. 21 part 3 for an
# erasure of data kept without a lawful ground).
DEADLINE_WORKING_DAYS = {
    RequestKind.ACCESS: 10,
    RequestKind.COPY: 10,
    RequestKind.CORRECTION: 3,
    RequestKind.ERASURE: 10,
}
# The kinds whose answer comes with the copy of the subject's data (R-PD-5).
WITH_COPY = frozenset({RequestKind.ACCESS, RequestKind.COPY})


class RequestState(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("being handled")
    ANSWERED = "answered", _("answered")
    REFUSED = "refused", _("refused")


OPEN_STATES = (RequestState.RECEIVED, RequestState.IN_PROGRESS)


def deadline_for(kind, received_on):
    return add_working_days(received_on, DEADLINE_WORKING_DAYS[RequestKind(kind)])


class SubjectRequestQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, on=None):
        """Not answered, and the deadline has passed."""
        return self.open().filter(deadline__lt=on or today())


class SubjectRequest(RevisionMixin, models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT,
                                    related_name="subject_requests",
                                    verbose_name=_("institution"))
    subject = models.ForeignKey(Person, on_delete=models.PROTECT,
                                related_name="subject_requests",
                                verbose_name=_("whose data"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="filed_subject_requests",
                                 verbose_name=_("filed by"))
    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    text = models.TextField(_("request"))
    received_on = models.DateField(_("received on"), default=today)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices,
                             default=RequestState.RECEIVED)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("taken by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # When the correction asked for was made (the person is notified then).
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    objects = SubjectRequestQuerySet.as_manager()

    access_paths = {
        "institution": "institution_id",
        # The person whose data it is and the person who filed it.
        "person": ("subject_id", "filed_by__person"),
    }
    # What the department reads (R-TEN-3): the register's dates and states, neither
    # whose data it is nor what the request says.
    limited_fields = ["institution", "kind", "received_on", "deadline", "state",
                      "answered_at", "is_overdue"]

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["institution", "state", "deadline"])]

    def __str__(self):
        return _("Request № %(number)s of %(date)s") % {
            "number": self.pk, "date": self.received_on.strftime("%d.%m.%Y")}

    def save(self, *args, **kwargs):
        if not self.deadline and self.kind and self.received_on:
            self.deadline = deadline_for(self.kind, self.received_on)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("subject_requests:request", args=[self.pk])

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_overdue(self):
        return self.is_open and self.deadline < today()

    @property
    def has_copy(self):
        return self.kind in WITH_COPY
