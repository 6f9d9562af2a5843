"""Named changes to records that also write the audit log."""

from django.db import transaction
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
