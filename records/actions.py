"""Named changes to records that also write the audit log."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from portal.access import today
from portal.history import ensure_baseline, record_change, scrub_revisions

from .logins import can_manage_login
from .models import Consent, Parent, Pupil, PupilCharacteristic, PupilHealth, Staff


@transaction.atomic
def withdraw_consent(consent: Consent, user):
    """R-PD-1: once consent is withdrawn, the school keeps only the minimum fields of
    the person's records, and no medical or psychological details at all."""
    ensure_baseline(consent)
    consent.withdrawn_on = today()
    consent.save(update_fields=["withdrawn_on"])
    scope = {"person_id": consent.person_id, "institution_id": consent.institution_id}
    for model in (Staff, Pupil, Parent):
        for record in model.objects.filter(**scope):
            cleared = [f.name for f in record.filled_personal_fields()]
            update_fields = record.clear_personal_fields()
            if isinstance(record, Pupil):
                record.exam_subjects.clear()
                update_fields.append("exam_subjects")
            record.save(update_fields=update_fields)
            attached = list(record.files.all())
            for row in attached:
                row.delete()
                # Only once the withdrawal is committed: a rollback keeps rows and files.
                transaction.on_commit(partial(row.file.storage.delete, row.file.name))
            # Titles of files can be personal data themselves: the log keeps a count.
            record_change(record, user, "records.consent_withdrawn",
                          data={"cleared": cleared, "files_removed": len(attached)})
            # Older versions of the card must not keep what the card may not.
            scrub_revisions(record, record.personal_fields() + [
                f for f in record._meta.many_to_many if f.name == "exam_subjects"],
                child_relations=["files"])
    for model in (PupilHealth, PupilCharacteristic):
        for row in model.objects.filter(pupil__person_id=consent.person_id,
                                        pupil__institution_id=consent.institution_id):
            log(row, "wagtail.delete", user=user)
            row.delete()
    record_change(consent, user, "records.consent_withdrawn")


SUSPEND_ACCESS = "records.suspend_access"


@transaction.atomic
def suspend_access(person, user, reason):
    """R-PD-6: the login stops working at once; every open session of it ends at its
    next request, because inactive users are not authenticated. Only ``user`` who may
    manage the login (``records.logins``) suspends it."""
    if not can_manage_login(user, person, SUSPEND_ACCESS):
        raise PermissionDenied
    login = person.user
    login.is_active = False
    login.suspended_at = timezone.now()
    login.suspension_reason = reason
    login.save(update_fields=["is_active", "suspended_at", "suspension_reason"])
    log(login, "records.access_suspended", user=user, data={"reason": reason})


@transaction.atomic
def restore_access(person, user):
    if not can_manage_login(user, person, SUSPEND_ACCESS):
        raise PermissionDenied
    login = person.user
    reason = login.suspension_reason
    login.is_active = True
    login.suspended_at = None
    login.suspension_reason = ""
    login.save(update_fields=["is_active", "suspended_at", "suspension_reason"])
    log(login, "records.access_restored", user=user, data={"reason": reason})
