"""Named changes to the final attestation; each writes the audit log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.log_actions import log

from curriculum.models import ClassMembership
from portal.history import ensure_baseline, record_change

from . import certificate
from .models import GRADUATING_GRADES, CertificateMark, ExamForm

EXAM_SAVED = "attestation.exam_saved"
EXAM_DELETED = "attestation.exam_deleted"
COMPUTED = "attestation.certificate_computed"
MARK_CHANGED = "attestation.certificate_mark_changed"


def graduates(school_class):
    """The pupils in the class on the last day of its year, or today if that is
    earlier: a pupil who left the class during the year gets no certificate here."""
    from portal.access import today

    day = min(today(), school_class.academic_year.ends_on)
    return list(ClassMembership.objects.on(day).filter(school_class=school_class)
                .values_list("pupil_id", flat=True))


@transaction.atomic
def save_exam(exam, user):
    """Registers or updates a graduate's exam (validated by the model)."""
    created = exam.pk is None
    exam.full_clean()
    exam.save()
    _on_the_card(exam, user)
    log(exam, EXAM_SAVED, user=user, data={
        "created": created, "form": exam.form, "subject": exam.subject_id,
        "mark": exam.mark, "test_score": exam.test_score})
    return exam


def _on_the_card(exam, user):
    """The pupil's card lists the ЕГЭ subjects (a field of the order's card, «предметы
    для ЕГЭ»): an ЕГЭ registered here is put on the card, so the two never differ."""
    if exam.form != ExamForm.EGE:
        return
    pupil = exam.pupil
    if pupil.exam_subjects.filter(pk=exam.subject_id).exists():
        return
    ensure_baseline(pupil)
    pupil.exam_subjects.add(exam.subject)
    pupil.save()
    record_change(pupil, user)


@transaction.atomic
def delete_exam(exam, user):
    log(exam, EXAM_DELETED, user=user, data={"form": exam.form, "subject": exam.subject_id})
    exam.delete()


@transaction.atomic
def compute_certificate(school_class, user):
    """Computes the certificate marks of the class's graduates, all or nothing. A mark
    changed by hand keeps its value; what the rule gives now is kept beside it.
    Returns (created, updated)."""
    if school_class.grade not in GRADUATING_GRADES:
        raise ValidationError(_("Only grades 9 and 11 end with a certificate."))
    year = school_class.academic_year
    pupils = graduates(school_class)
    computed = certificate.compute(pupils, year, school_class.grade)
    existing = {(m.pupil_id, m.subject_id): m for m in CertificateMark.objects
                .select_for_update().filter(pupil_id__in=pupils, academic_year=year)}
    created, changed = [], []
    for (pupil_id, subject_id), result in computed.items():
        mark = existing.get((pupil_id, subject_id))
        if mark is None:
            created.append(CertificateMark(
                institution_id=school_class.institution_id, academic_year=year,
                pupil_id=pupil_id, subject_id=subject_id, value=result.value,
                computed=result.value, sources=result.sources))
            continue
        if (mark.computed, mark.sources) == (result.value, result.sources) and (
                mark.by_hand or mark.value == result.value):
            continue
        mark.computed, mark.sources = result.value, result.sources
        if not mark.by_hand:
            mark.value = result.value
        changed.append(mark)
    CertificateMark.objects.bulk_create(created)
    CertificateMark.objects.bulk_update(changed, ["value", "computed", "sources"])
    log(school_class, COMPUTED, user=user, data={
        "created": len(created), "updated": len(changed), "pupils": len(pupils)})
    return len(created), len(changed)


def computed_message(created, updated):
    if not created and not updated:
        return _("The certificate marks are up to date.")
    return " ".join([
        ngettext("%(count)d mark added.", "%(count)d marks added.", created)
        % {"count": created},
        ngettext("%(count)d mark updated.", "%(count)d marks updated.", updated)
        % {"count": updated},
    ])


@transaction.atomic
def change_mark(mark, value, reason, user):
    """The deputy's correction of a certificate mark: a reason is required, the old
    value stays in the mark's history. Setting the computed value back ends the
    correction."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the mark differs from the rule.")})
    ensure_baseline(mark)
    old = mark.value
    mark.value, mark.reason = value, reason.strip()
    mark.by_hand = value != mark.computed
    mark.save(update_fields=["value", "reason", "by_hand"])
    record_change(mark, user, action=MARK_CHANGED, data={"from": old, "to": value})
    return mark
