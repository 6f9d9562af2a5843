"""Named changes to records that also write the audit log."""

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from portal.access import today

from .models import Consent, Parent, Pupil, PupilCharacteristic, PupilHealth, Staff


@transaction.atomic
def withdraw_consent(consent: Consent, user):
    """R-PD-1: once consent is withdrawn, the school keeps only the minimum fields of
    the person's records, and no medical or psychological details at all."""
    consent.withdrawn_on = today()
    consent.save(update_fields=["withdrawn_on"])
    scope = {"person_id": consent.person_id, "institution_id": consent.institution_id}
    for model in (Staff, Pupil, Parent):
        for record in model.objects.filter(**scope):
            cleared = [f.name for f in record.filled_personal_fields()]
            record.save(update_fields=record.clear_personal_fields())
            if isinstance(record, Pupil):
                record.exam_subjects.clear()
            log(record, "records.consent_withdrawn", user=user, data={"cleared": cleared})
    for model in (PupilHealth, PupilCharacteristic):
        for row in model.objects.filter(pupil__person_id=consent.person_id,
                                        pupil__institution_id=consent.institution_id):
            log(row, "wagtail.delete", user=user)
            row.delete()
    log(consent, "records.consent_withdrawn", user=user)


@transaction.atomic
def suspend_access(person, user, reason):
    """R-PD-6: the login stops working at once; every open session of it ends at its
    next request, because inactive users are not authenticated."""
    login = person.user
    login.is_active = False
    login.suspended_at = timezone.now()
    login.suspension_reason = reason
    login.save(update_fields=["is_active", "suspended_at", "suspension_reason"])
    log(login, "records.access_suspended", user=user, data={"reason": reason})


@transaction.atomic
def restore_access(person, user):
    login = person.user
    reason = login.suspension_reason
    login.is_active = True
    login.suspended_at = None
    login.suspension_reason = ""
    login.save(update_fields=["is_active", "suspended_at", "suspension_reason"])
    log(login, "records.access_restored", user=user, data={"reason": reason})
