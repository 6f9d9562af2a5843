"""Final attestation of the graduates (R-MOV-5): the state exams a pupil of grade 9
(ОГЭ, ГВЭ) or grade 11 (ЕГЭ, ГВЭ) takes, their results, and the final marks that go on
the certificate («аттестат»).

An ``ExamResult`` is first the pupil's choice of an exam (registered by 1 March), then
its result. A ``CertificateMark`` is computed from the finals and the exam by the rule
of the order (attestation/certificate.py); the deputy may change it by hand, with a
reason, and every change is a revision in its history.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import RevisionMixin

from curriculum.models import AcademicYear, Subject
from portal.access import ScopedQuerySet

# The grades that end with a state exam and a certificate: basic general education
# (9) and secondary general education (11).
GRADUATING_GRADES = (9, 11)
MARKS = (2, 3, 4, 5)


class ExamForm(models.TextChoices):
    OGE = "oge", _("OGE")
    EGE = "ege", _("EGE")
    GVE = "gve", _("GVE")


# Which forms a grade's pupils take: the ЕГЭ only ends grade 11, the ОГЭ grade 9; the
# ГВЭ (the written or oral state exam for pupils with special needs) both.
FORMS_OF_GRADE = {9: (ExamForm.OGE, ExamForm.GVE), 11: (ExamForm.EGE, ExamForm.GVE)}


class AttestationQuerySet(ScopedQuerySet):
    def of_year(self, academic_year):
        return self.filter(academic_year=academic_year)


def _mark_field(verbose_name, **options):
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(5)], **options)


class GraduateSubjectRow(models.Model):
    """A graduate's row for one subject of one year: an exam, a certificate mark."""

    institution = models.ForeignKey("records.Institution", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("institution"))
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE,
                                      related_name="%(class)s_rows",
                                      verbose_name=_("academic year"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE,
                              related_name="%(class)s_rows", verbose_name=_("pupil"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("subject"))

    objects = AttestationQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "pupil__school_class_id",
                    "pupil": "pupil_id", "person": "pupil__person_id"}

    class Meta:
        abstract = True
        ordering = ["pupil__person__search_name", "subject__name"]

    def clean(self):
        errors = {}
        if self.pupil_id and self.pupil.institution_id != self.institution_id:
            errors["pupil"] = _("The pupil belongs to another school.")
        if self.subject_id and self.subject.institution_id != self.institution_id:
            errors["subject"] = _("The subject belongs to another school.")
        if errors:
            raise ValidationError(errors)


class ExamResult(GraduateSubjectRow):
    """One state exam of one graduate: chosen first, its result entered later."""

    form = models.CharField(_("exam form"), max_length=3, choices=ExamForm.choices)
    taken_on = models.DateField(_("exam date"), null=True, blank=True)
    primary_score = models.PositiveSmallIntegerField(
        _("primary score"), null=True, blank=True, validators=[MaxValueValidator(100)])
    test_score = models.PositiveSmallIntegerField(
        _("test score"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("The ЕГЭ's score on the hundred-point scale."))
    mark = _mark_field(_("exam mark"),
                       help_text=_("The ОГЭ's or ГВЭ's mark on the five-point scale."))

    class Meta(GraduateSubjectRow.Meta):
        verbose_name = _("state exam")
        verbose_name_plural = _("state exams")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "academic_year", "subject"],
                                    name="exam_result_one_per_subject"),
        ]

    def __str__(self):
        return f"{self.get_form_display()}: {self.subject}"

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.error_dict)
        if self.form == ExamForm.EGE and self.mark is not None:
            errors["mark"] = _("The ЕГЭ is scored, not marked: enter its test score.")
        if self.form != ExamForm.EGE and self.test_score is not None:
            errors["test_score"] = _("Only the ЕГЭ has a test score.")
        if errors:
            raise ValidationError(errors)


class CertificateMark(RevisionMixin, GraduateSubjectRow):
    """The final mark of a subject on a graduate's certificate."""

    value = _mark_field(_("final mark"))
    # What the rule gave, and from which marks; kept beside a mark changed by hand, so
    # the difference shows.
    computed = _mark_field(_("computed mark"), editable=False)
    sources = models.JSONField(_("marks it was computed from"), default=dict, blank=True,
                               editable=False)
    by_hand = models.BooleanField(_("changed by hand"), default=False, editable=False)
    reason = models.TextField(_("reason for the change"), blank=True)

    class Meta(GraduateSubjectRow.Meta):
        verbose_name = _("certificate mark")
        verbose_name_plural = _("certificate marks")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "academic_year", "subject"],
                                    name="certificate_mark_one_per_subject"),
        ]

    def __str__(self):
        return f"{self.subject}: {self.value or '—'}"
