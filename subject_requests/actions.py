"""The named changes of a personal data request (R-PD-4): each in one transaction, each
a revision of the request with a log entry (R-PD-2), each telling those it concerns
through the one notification service.

    file(user, subject, institution, kind, text)   → received
    take(request, user)                            → in progress
    answer(request, user, text)                    → answered
    refuse(request, user, text)                    → refused
    correct(request, user, text)                   → answered; the person is told
                                                     their data was corrected
    erase(request, user, text)                     → answered; what the school keeps
                                                     only by consent is erased
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.service import Kind, notify
from portal.access import today
from portal.history import record_change

from .models import OPEN_STATES, RequestKind, RequestState, SubjectRequest
from .rules import ANSWER

FILED = "subject_requests.filed"
TAKEN = "subject_requests.taken"
ANSWERED = "subject_requests.answered"
REFUSED = "subject_requests.refused"
CORRECTED = "subject_requests.corrected"
ERASED = "subject_requests.erased"


def _keepers_may(request, user):
    if not user.has_perm(ANSWER.name, request):
        raise PermissionDenied


def _still_open(request):
    if request.state not in OPEN_STATES:
        raise ValidationError(_("This request has already been answered."))


def _locked(request):
    """The request's row, locked for this transaction (two secretaries answering at
    once: the second sees the first's answer)."""
    return SubjectRequest.objects.select_for_update().get(pk=request.pk)


def _tell_the_filer_and_the_subject(request, title, body=""):
    """The filer and the person whose data it is (if they have a login): what the
    request is about is theirs, nobody else's."""
    users = {request.filed_by_id} | {request.subject.user_id}
    notify(Kind.DATA_REQUEST, [pk for pk in users if pk], title=title, body=body,
           url=request.get_absolute_url(), source=f"{request._meta.label_lower}:"
           f"{request.pk}:{request.state}")


@transaction.atomic
def file(user, subject, institution, kind, text, received_on=None):
    """A request filed through the portal: it is received today, and its deadline
    counts from today."""
    request = SubjectRequest(institution=institution, subject=subject, filed_by=user,
                             kind=kind, text=text, received_on=received_on or today())
    request.full_clean(exclude=["deadline"])
    request.save()
    record_change(request, user, FILED)
    return request


@transaction.atomic
def take(request, user):
    _keepers_may(request, user)
    request = _locked(request)
    if request.state != RequestState.RECEIVED:
        raise ValidationError(_("This request is not waiting to be taken."))
    request.state = RequestState.IN_PROGRESS
    request.taken_by = user
    request.save(update_fields=["state", "taken_by"])
    record_change(request, user, TAKEN)
    return request


def _close(request, user, text, state, action):
    _keepers_may(request, user)
    request = _locked(request)
    _still_open(request)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the answer."))
    request.state = state
    request.answer = text
    request.answered_by = user
    request.answered_at = timezone.now()
    fields = ["state", "answer", "answered_by", "answered_at"]
    if action == CORRECTED:
        request.corrected_at = request.answered_at
        fields.append("corrected_at")
    request.save(update_fields=fields)
    record_change(request, user, action)
    return request


@transaction.atomic
def answer(request, user, text):
    request = _close(request, user, text, RequestState.ANSWERED, ANSWERED)
    _tell_the_filer_and_the_subject(
        request, _("Your personal data request has been answered"), request.answer)
    return request


@transaction.atomic
def refuse(request, user, text):
    request = _close(request, user, text, RequestState.REFUSED, REFUSED)
    _tell_the_filer_and_the_subject(
        request, _("Your personal data request has been refused"), request.answer)
    return request


@transaction.atomic
def correct(request, user, text):
    """A correction request done: the answer says what was corrected, and the person
    (and who filed for them) is told at once (152-ФЗ art. 21 part 2)."""
    if request.kind != RequestKind.CORRECTION:
        raise ValidationError(_("Only a correction request is answered by a correction."))
    request = _close(request, user, text, RequestState.ANSWERED, CORRECTED)
    _tell_the_filer_and_the_subject(
        request, _("Your personal data has been corrected"), request.answer)
    return request


@transaction.atomic
def erase(request, user, text):
    """An erasure request done where the law allows (152-ФЗ art. 21 part 5): the school
    keeps what the education law obliges it to keep (the minimum of each card, the
    journal, the movement book, the finals) and erases all it kept by the person's
    consent, as a withdrawal of the consent does (``records.actions.withdraw_consent``:
    the cards' other fields, their older versions, files, health and psychological
    records). The answer says what stays and why; the person is told at once."""
    from records.actions import withdraw_consent
    from records.models import Consent

    if request.kind != RequestKind.ERASURE:
        raise ValidationError(_("Only an erasure request is answered by an erasure."))
    request = _close(request, user, text, RequestState.ANSWERED, ERASED)
    for consent in Consent.objects.active().filter(person_id=request.subject_id,
                                                   institution_id=request.institution_id):
        withdraw_consent(consent, user)
    _tell_the_filer_and_the_subject(
        request, _("Your personal data has been erased where the law allows"),
        request.answer)
    return request
