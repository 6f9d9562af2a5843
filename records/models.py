"""People and institutions: the tenancy core every other app stands on.

A ``Person`` is a human being; a ``User`` is a login. A person has at most one login
and may exist without one. What a person *is* in a school lives in school-owned
records: ``Staff``, ``Pupil`` and ``Parent`` each belong to exactly one institution,
so one person can teach in one school and be a parent in another (R-TEN-1, R-TEN-2).
"""

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, RevisionMixin

from portal.access import DEPARTMENT_ROLES, DERIVED_ROLES, SCHOOL_ROLES, Role, ScopedQuerySet, today
from portal.uploads import PrivateFileField

# A licence or accreditation ending within this many days is highlighted on the card.
EXPIRY_WARNING_DAYS = 90


def normalize_name(*parts):
    """Lower-case, ё folded to е: a key that sorts and searches Russian names the same
    way on SQLite (whose LIKE folds only Latin letters) and PostgreSQL."""
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return text.lower().replace("ё", "е")


class User(AbstractUser):
    must_change_password = models.BooleanField(
        _("must change password at next login"),
        default=False,
        help_text=_(
            "Set for logins issued by the school: the first login asks for a new password."
        ),
    )

    suspended_at = models.DateTimeField(_("access suspended at"), null=True, blank=True,
                                        editable=False)
    suspension_reason = models.TextField(_("reason for suspending access"), blank=True,
                                         editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def person_or_none(self):
        try:
            return self.person
        except Person.DoesNotExist:
            return None


class Department(models.Model):
    """The education department (Управление образования) the installation serves."""

    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("education department")
        verbose_name_plural = _("education departments")

    def __str__(self):
        return self.short_name or self.name


class InstitutionQuerySet(ScopedQuerySet):
    pass


class InstitutionType(models.TextChoices):
    GENERAL = "general", _("general education organisation")
    PRESCHOOL = "preschool", _("preschool education organisation")
    ADDITIONAL = "additional", _("organisation of additional education")


class InstitutionKind(models.TextChoices):
    PRIMARY = "primary", _("primary general school")
    BASIC = "basic", _("basic general school")
    SECONDARY = "secondary", _("secondary general school")
    ADVANCED = "advanced", _("secondary school with advanced study of subjects")
    GYMNASIUM = "gymnasium", _("gymnasium")
    LYCEUM = "lyceum", _("lyceum")
    EVENING = "evening", _("evening (shift) school")
    BOARDING = "boarding", _("boarding school")


class LegalForm(models.TextChoices):
    BUDGETARY = "budgetary", _("municipal budgetary institution")
    AUTONOMOUS = "autonomous", _("municipal autonomous institution")
    STATE_FUNDED = "state_funded", _("municipal state-funded (treasury) institution")


def digits(count, message):
    return RegexValidator(rf"^\d{{{count}}}$", message)


class Institution(RevisionMixin, ClusterableModel):
    """A school (МОУ) with the card of R-INST-1. Its licences, accreditation and
    attestation are ``InstitutionDocument`` rows edited on the same card, so one
    revision holds the whole card."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="institutions",
        verbose_name=_("department"),
    )
    name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=150)
    institution_type = models.CharField(_("type"), max_length=20,
                                        choices=InstitutionType.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices,
                            blank=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices,
                                  blank=True)
    address = models.CharField(_("postal address"), max_length=500, blank=True)
    director_name = models.CharField(_("director"), max_length=300, blank=True)
    deputy_academic_name = models.CharField(_("deputy director for academic work"),
                                            max_length=300, blank=True)
    deputy_administrative_name = models.CharField(
        _("deputy director for administration"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    inn = models.CharField(_("INN"), max_length=10, blank=True,
                           validators=[digits(10, _("The INN of an organisation is 10 digits."))])
    okpo = models.CharField(_("OKPO code"), max_length=8, blank=True,
                            validators=[digits(8, _("The OKPO code is 8 digits."))])
    okato = models.CharField(_("OKATO code"), max_length=11, blank=True,
                             validators=[digits(11, _("The OKATO code is 11 digits."))])
    okogu = models.CharField(_("OKOGU code"), max_length=7, blank=True,
                             validators=[digits(7, _("The OKOGU code is 7 digits."))])
    specialisation = models.TextField(_("specialisation"), blank=True)
    charter = PrivateFileField(_("charter"), upload_to="institutions/charters/", blank=True)
    development_programme = PrivateFileField(_("development programme"),
                                             upload_to="institutions/programmes/", blank=True)
    work_plan = PrivateFileField(_("work plan"), upload_to="institutions/plans/", blank=True)

    objects = InstitutionQuerySet.as_manager()
    access_paths = {"institution": "pk"}

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name


class InstitutionDocumentKind(models.TextChoices):
    LICENCE = "licence", _("licence for educational activity")
    ACCREDITATION = "accreditation", _("state accreditation certificate")
    ATTESTATION = "attestation", _("attestation")


class InstitutionDocumentQuerySet(ScopedQuerySet):
    def expiring(self, within_days=EXPIRY_WARNING_DAYS, on=None):
        on = on or today()
        return self.filter(valid_until__isnull=False,
                           valid_until__lte=on + datetime.timedelta(days=within_days))


class InstitutionDocument(Orderable):
    """A licence, accreditation certificate or attestation of a school, with its
    validity: the card highlights one that ends within ``EXPIRY_WARNING_DAYS``."""

    institution = ParentalKey(Institution, on_delete=models.CASCADE, related_name="documents",
                              verbose_name=_("institution"))
    kind = models.CharField(_("document"), max_length=20,
                            choices=InstitutionDocumentKind.choices)
    number = models.CharField(_("number"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.CharField(_("issued by"), max_length=300, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("Empty for a document without a time limit."))
    scan = PrivateFileField(_("scan"), upload_to="institutions/documents/", blank=True)

    objects = InstitutionDocumentQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta(Orderable.Meta):
        verbose_name = _("licence, accreditation or attestation")
        verbose_name_plural = _("licences, accreditation and attestation")

    def __str__(self):
        return f"{self.get_kind_display()} № {self.number}"

    def clean(self):
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError({"valid_until": _("The document ends before it was issued.")})

    @property
    def status(self):
        """'expired', 'expiring' or '' for the card's highlight."""
        if self.valid_until is None:
            return ""
        if self.valid_until < today():
            return "expired"
        if self.valid_until <= today() + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return "expiring"
        return ""


class PersonQuerySet(ScopedQuerySet):
    def search(self, text):
        return self.filter(search_name__contains=normalize_name(text))

    def visible_to(self, user, perm=None):
        """People are not school-owned: a person is visible through a staff, pupil or
        parent record the user may see. Other permissions on people are in the matrix."""
        if perm is not None:
            return super().visible_to(user, perm)
        if user.is_authenticated and user.is_superuser:
            return self
        return self.filter(
            Q(pk__in=Staff.objects.visible_to(user).values("person_id"))
            | Q(pk__in=Pupil.objects.visible_to(user).values("person_id"))
            | Q(pk__in=Parent.objects.visible_to(user).values("person_id"))
        )


class Sex(models.TextChoices):
    MALE = "m", _("male")
    FEMALE = "f", _("female")


class Person(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="person",
        verbose_name=_("login"),
    )
    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    # Filled on save (and by the seeder's bulk inserts) with normalize_name().
    search_name = models.CharField(max_length=310, editable=False, db_index=True)

    objects = PersonQuerySet.as_manager()
    # A person is read through their staff, pupil and parent records (see visible_to):
    # a user who reads those limited reads only the name (R-TEN-3).
    read_through = ("records.view_staff", "records.view_pupil", "records.view_parent")
    limited_fields = ["surname", "name", "patronymic", "search_name", "full_name",
                      "short_name"]
    access_paths = {
        "person": "pk",
        # A person belongs to every school where they have a record.
        "institution": ("staff_records__institution_id", "pupil_records__institution_id",
                        "parent_records__institution_id"),
    }

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["search_name", "pk"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(self.surname, self.name, self.patronymic)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"surname", "name", "patronymic"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)

    @property
    def short_name(self):
        initials = "".join(f"{p[0]}." for p in (self.name, self.patronymic) if p)
        return f"{self.surname} {initials}".strip()


class DirectoryKind(models.TextChoices):
    CITIZENSHIP = "citizenship", _("citizenship")
    HEALTH_GROUP = "health_group", _("health group")
    PE_GROUP = "pe_group", _("PE group")
    SOCIAL_STATUS = "social_status", _("social status")
    POSITION = "position", _("position")
    STAFF_CATEGORY = "staff_category", _("staff category")
    EDUCATION_LEVEL = "education_level", _("education level")
    ABSENCE_REASON = "absence_reason", _("absence reason")
    FOREIGN_LANGUAGE = "foreign_language", _("foreign language")
    EXAM_DOCUMENT = "exam_document", _("exam document type")


class DirectoryEntryQuerySet(ScopedQuerySet):
    pass


class DirectoryEntry(models.Model):
    """One value of a reference directory (R-INST-4): department-wide when it has no
    institution, a school's own addition otherwise."""

    kind = models.CharField(_("directory"), max_length=30, choices=DirectoryKind.choices)
    name = models.CharField(_("value"), max_length=200)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True,
        related_name="directory_entries", verbose_name=_("institution"),
        help_text=_("Empty for department-wide values."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = DirectoryEntryQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("directory value")
        verbose_name_plural = _("directories")
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            # Two constraints, because a unique index treats every NULL as distinct.
            models.UniqueConstraint(
                fields=["kind", "name"], condition=Q(institution__isnull=True),
                name="directory_unique_department_value",
            ),
            models.UniqueConstraint(
                fields=["kind", "name", "institution"], condition=Q(institution__isnull=False),
                name="directory_unique_school_value",
            ),
        ]

    def __str__(self):
        return self.name


def directory(kind, verbose_name, **kwargs):
    """A foreign key to the values of one directory."""
    return models.ForeignKey(
        DirectoryEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        limit_choices_to={"kind": kind}, verbose_name=verbose_name, **kwargs,
    )


def has_consent(person_id, institution_id):
    return bool(person_id and institution_id) and Consent.objects.active().filter(
        person_id=person_id, institution_id=institution_id
    ).exists()


class PersonalData(RevisionMixin, ClusterableModel):
    """Fields §4.1 of the statute asks of staff, pupils and parents alike. They live on
    each school's record, not on the person: each school is the operator of what it
    collected, with its own consent.

    Without consent on record (R-PD-1) a record holds only its ``minimum_fields``
    (R-PPL-6); ``clean()`` refuses anything more, whichever way the data arrives.

    Every change is a Wagtail revision (R-PD-2). The name, birth date and sex live on
    the person, so each revision carries a copy of them: a diff and a restore then
    cover the whole card the school edits.
    """

    minimum_fields = ()

    passport_series = models.CharField(_("passport series"), max_length=10, blank=True)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    passport_issued_by = models.CharField(_("passport issued by"), max_length=300, blank=True)
    passport_issued_on = models.DateField(_("passport issued on"), null=True, blank=True)
    residence_address = models.CharField(_("place of residence"), max_length=500, blank=True)
    registration_address = models.CharField(_("place of registration"), max_length=500,
                                            blank=True)
    home_phone = models.CharField(_("home phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True

    def serializable_data(self):
        data = super().serializable_data()
        if self.person_id:
            data["person_snapshot"] = {
                name: getattr(self.person, name) for name in PERSON_SNAPSHOT_FIELDS
            }
            if data["person_snapshot"]["birth_date"]:
                data["person_snapshot"]["birth_date"] = self.person.birth_date.isoformat()
        return data

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        snapshot = content.get("person_snapshot")
        if snapshot and self.person_id:
            person = Person.objects.get(pk=self.person_id)
            for name, value in snapshot.items():
                if name in PERSON_SNAPSHOT_FIELDS:  # a key of an older layout is skipped
                    setattr(person, name, Person._meta.get_field(name).to_python(value))
            obj.person = person
        return obj

    def personal_fields(self):
        """Fields beyond the minimum, with their names and current values."""
        skip = {"id", "institution", "person", "latest_revision", *self.minimum_fields}
        return [f for f in self._meta.concrete_fields if f.name not in skip]

    def filled_personal_fields(self):
        return [f for f in self.personal_fields()
                if f.value_from_object(self) not in (None, "", False)]

    def clear_personal_fields(self):
        for f in self.personal_fields():
            setattr(self, f.attname, f.get_default())
        return [f.attname for f in self.personal_fields()]

    def clean(self):
        super().clean()
        filled = self.filled_personal_fields()
        if filled and not has_consent(self.person_id, self.institution_id):
            names = ", ".join(str(f.verbose_name) for f in filled)
            raise ValidationError(
                _("No consent to personal data processing is on record for this person in "
                  "this school, so only the minimum fields can be kept. Remove: %(fields)s.")
                % {"fields": names}
            )


PERSON_SNAPSHOT_FIELDS = ("surname", "name", "patronymic", "birth_date", "sex")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("single")
    MARRIED = "married", _("married")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


class SchoolRecordQuerySet(ScopedQuerySet):
    def of_institution(self, institution):
        return self.filter(institution=institution)

    def search(self, text):
        return self.filter(person__search_name__contains=normalize_name(text))


class StaffQuerySet(SchoolRecordQuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Staff(PersonalData):
    """A person's employment in one institution, with the fields of R-PPL-1."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="staff_records",
        verbose_name=_("surname and name")
    )
    # R-INST-4: a value of the positions directory, the department's or the school's own.
    position = models.ForeignKey(
        DirectoryEntry, on_delete=models.PROTECT, null=True, blank=False, related_name="+",
        limit_choices_to={"kind": DirectoryKind.POSITION}, verbose_name=_("main position"),
    )
    personnel_number = models.CharField(_("personnel number"), max_length=50, blank=True)
    hired_on = models.DateField(_("hire date"), null=True, blank=True)
    hire_order = models.CharField(_("hire order number"), max_length=50, blank=True)
    left_on = models.DateField(_("dismissal date"), null=True, blank=True)
    citizenship = directory(DirectoryKind.CITIZENSHIP, _("citizenship"))
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    snils = models.CharField(_("pension insurance number (SNILS)"), max_length=14, blank=True)
    subjects = ParentalManyToManyField(
        "curriculum.Subject", blank=True, related_name="+", verbose_name=_("subjects taught")
    )
    teaches = models.BooleanField(_("teaching activity"), default=False)
    extra_position_attestation = models.CharField(
        _("attestation request for an extra position"), max_length=300, blank=True
    )
    total_experience_years = models.PositiveSmallIntegerField(
        _("length of service, years"), null=True, blank=True
    )
    teaching_experience_years = models.PositiveSmallIntegerField(
        _("teaching service, years"), null=True, blank=True
    )
    marital_status = models.CharField(_("marital status"), max_length=10,
                                      choices=MaritalStatus.choices, blank=True)
    family = models.TextField(_("family"), blank=True)
    rank_and_degree = models.CharField(_("rank, academic degree"), max_length=300, blank=True)
    awards = models.TextField(_("awards"), blank=True)
    education = directory(DirectoryKind.EDUCATION_LEVEL, _("education"))
    graduated_from = models.CharField(_("institution graduated"), max_length=300, blank=True)
    diploma_number = models.CharField(_("diploma number"), max_length=50, blank=True)
    diploma_issued_on = models.DateField(_("diploma issued on"), null=True, blank=True)
    diploma_speciality = models.CharField(_("diploma speciality"), max_length=300, blank=True)
    professional_courses = models.TextField(_("professional development courses"), blank=True)
    distance_courses = models.TextField(_("distance courses"), blank=True)
    category = directory(DirectoryKind.STAFF_CATEGORY, _("staff category"))
    unit = models.CharField(_("department (unit)"), max_length=200, blank=True)
    pc_at_home = models.BooleanField(_("PC at home"), default=False)
    on_maternity_leave = models.BooleanField(_("on maternity leave"), default=False)
    retirement_date = models.DateField(_("retirement date"), null=True, blank=True)

    objects = StaffQuerySet.as_manager()
    log_reads = True  # R-PD-3
    # What department users may read (R-TEN-3).
    limited_fields = ["person", "institution", "position"]
    # What an employer keeps without consent: the employment itself.
    minimum_fields = ("position", "personnel_number", "hired_on", "hire_order", "left_on",
                      "teaches", "category", "unit")
    access_paths = {"institution": "institution_id", "person": "person_id"}

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["person__search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "person"], name="staff_one_record_per_school"
            )
        ]

    def __str__(self):
        if self.position_id:
            return f"{self.person.full_name} ({self.position})"
        return self.person.full_name

    def clean(self):
        position = self.position if self.position_id else None
        if position is not None and (
                position.kind != DirectoryKind.POSITION
                or position.institution_id not in (None, self.institution_id)):
            raise ValidationError({"position": _(
                "Choose a position of the department's list or of this school's own.")})
        super().clean()


class StaffAttestation(Orderable):
    """An attestation of a staff member (Appendix 3 item 8): for a category or for
    fitness for the position, with the order that confirmed it."""

    staff = ParentalKey(Staff, on_delete=models.CASCADE, related_name="attestations",
                        verbose_name=_("staff member"))
    attested_on = models.DateField(_("date"))
    position = models.CharField(_("position"), max_length=200, blank=True)
    category = directory(DirectoryKind.STAFF_CATEGORY, _("staff category"))
    result = models.CharField(_("result"), max_length=300, blank=True)
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")

    def __str__(self):
        return f"{self.attested_on:%d.%m.%Y} {self.result}".strip()


class MethodicalWork(Orderable):
    """Methodical activity of a staff member (Appendix 3 item 8): open lessons,
    reports, publications, the methodical theme of a year."""

    staff = ParentalKey(Staff, on_delete=models.CASCADE, related_name="methodical_work",
                        verbose_name=_("staff member"))
    done_on = models.DateField(_("date"), null=True, blank=True)
    form = models.CharField(_("form"), max_length=200,
                            help_text=_("For example: open lesson, report, publication."))
    topic = models.CharField(_("topic"), max_length=500)
    result = models.TextField(_("result"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("methodical activity")
        verbose_name_plural = _("methodical activity")

    def __str__(self):
        return self.topic


class AttachedFileQuerySet(ScopedQuerySet):
    pass


class AttachedFile(Orderable):
    """A file attached to a card (§4.1 "прикреплённые файлы"): kept in private storage,
    served only to those who may read it, and only with consent on record."""

    title = models.CharField(_("title"), max_length=200)
    file = PrivateFileField(_("file"), upload_to="records/files/%Y/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AttachedFileQuerySet.as_manager()

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")

    def __str__(self):
        return self.title

    def clean(self):
        record = getattr(self, "record", None)
        if record is not None and not has_consent(record.person_id, record.institution_id):
            raise ValidationError(
                _("No consent to personal data processing is on record for this person in "
                  "this school, so no files can be attached."))


class StaffFile(AttachedFile):
    record = ParentalKey(Staff, on_delete=models.CASCADE, related_name="files",
                         verbose_name=_("staff member"))
    access_paths = {"institution": "record__institution_id", "person": "record__person_id"}


class PupilQuerySet(SchoolRecordQuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)

    def of_class(self, school_class):
        return self.filter(school_class=school_class)


class Pupil(PersonalData):
    """A pupil's record in one institution, with the fields of R-PPL-2. The medical and
    the psychological-pedagogical groups are separate models with their own readers."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="pupils",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="pupil_records",
        verbose_name=_("surname and name")
    )
    school_class = models.ForeignKey(
        "curriculum.SchoolClass", on_delete=models.PROTECT, null=True, blank=True,
        related_name="pupils", verbose_name=_("class"),
    )
    personal_file_number = models.CharField(_("personal file number"), max_length=50, blank=True)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    left_on = models.DateField(_("left school on"), null=True, blank=True)
    citizenship = directory(DirectoryKind.CITIZENSHIP, _("citizenship"))
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    foreign_language = directory(DirectoryKind.FOREIGN_LANGUAGE, _("foreign language"))
    birth_certificate_series = models.CharField(_("birth certificate series"), max_length=10,
                                                blank=True)
    birth_certificate_number = models.CharField(_("birth certificate number"), max_length=20,
                                                blank=True)
    birth_certificate_issued_on = models.DateField(_("birth certificate issued on"),
                                                   null=True, blank=True)
    extra_contacts = models.TextField(_("additional contact information"), blank=True)
    pc_at_home = models.BooleanField(_("PC at home"), default=False)
    family = models.TextField(_("family"), blank=True)
    additional_education = models.TextField(_("additional education"), blank=True)
    exam_subjects = ParentalManyToManyField(
        "curriculum.Subject", blank=True, related_name="+", verbose_name=_("exam (ЕГЭ) subjects")
    )
    exam_document = directory(DirectoryKind.EXAM_DOCUMENT, _("exam document type"))

    objects = PupilQuerySet.as_manager()
    log_reads = True  # R-PD-3
    # What department users may read (R-TEN-3).
    limited_fields = ["person", "institution", "school_class"]
    # R-PPL-6: name, login, birth date, sex (on the person), address and phone.
    minimum_fields = ("school_class", "personal_file_number", "enrolled_on", "left_on",
                      "residence_address", "home_phone")
    access_paths = {
        "institution": "institution_id",
        "class": "school_class_id",
        "pupil": "pk",
        "person": "person_id",
    }

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["person__search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "person"], name="pupil_one_record_per_school"
            )
        ]

    def __str__(self):
        return self.person.full_name

    def clean(self):
        if self.school_class_id and self.school_class.institution_id != self.institution_id:
            raise ValidationError({"school_class": _("The class belongs to another school.")})
        super().clean()


class ParentQuerySet(SchoolRecordQuerySet):
    pass


class Parent(PersonalData):
    """A parent or legal representative as one school knows them, with the fields of
    R-PPL-3."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="parents",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="parent_records",
        verbose_name=_("surname and name")
    )
    mobile_phone = models.CharField(_("mobile phone"), max_length=50, blank=True)
    education = directory(DirectoryKind.EDUCATION_LEVEL, _("education"))
    workplace = models.CharField(_("workplace"), max_length=300, blank=True)
    job_position = models.CharField(_("position"), max_length=200, blank=True)
    work_phone = models.CharField(_("work phone"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    help_to_school = models.TextField(_("help to the school"), blank=True)
    help_requested_on = models.DateField(_("date of a request for help"), null=True,
                                         blank=True)
    help_request_result = models.TextField(_("result of the request for help"), blank=True)
    children = models.ManyToManyField(
        Pupil, through="Guardianship", related_name="parents", verbose_name=_("children")
    )

    objects = ParentQuerySet.as_manager()
    log_reads = True  # R-PD-3
    # What department users may read (R-TEN-3).
    limited_fields = ["person", "institution"]
    # R-PPL-6: name, login and sex (on the person); a phone to reach them.
    minimum_fields = ("mobile_phone",)
    access_paths = {
        "institution": "institution_id",
        "class": "children__school_class_id",
        "pupil": "children__pk",
        "person": "person_id",
    }

    class Meta:
        verbose_name = _("parent")
        verbose_name_plural = _("parents")
        ordering = ["person__search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "person"], name="parent_one_record_per_school"
            )
        ]

    def __str__(self):
        return self.person.full_name


class PupilFile(AttachedFile):
    record = ParentalKey(Pupil, on_delete=models.CASCADE, related_name="files",
                         verbose_name=_("pupil"))
    access_paths = {"institution": "record__institution_id",
                    "class": "record__school_class_id", "pupil": "record_id",
                    "person": "record__person_id"}


class ParentFile(AttachedFile):
    record = ParentalKey(Parent, on_delete=models.CASCADE, related_name="files",
                         verbose_name=_("parent"))
    access_paths = {"institution": "record__institution_id",
                    "class": "record__children__school_class_id",
                    "pupil": "record__children__pk", "person": "record__person_id"}


class Relation(models.TextChoices):
    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    GRANDMOTHER = "grandmother", _("grandmother")
    GRANDFATHER = "grandfather", _("grandfather")
    GUARDIAN = "guardian", _("guardian")
    OTHER = "other", _("other legal representative")


class Guardianship(models.Model):
    parent = models.ForeignKey(
        Parent, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("parent")
    )
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("pupil")
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)

    class Meta:
        verbose_name = _("parent of a pupil")
        verbose_name_plural = _("parents of pupils")
        constraints = [
            models.UniqueConstraint(fields=["parent", "pupil"], name="guardianship_unique")
        ]

    def __str__(self):
        return f"{self.parent} — {self.pupil} ({self.get_relation_display()})"

    def clean(self):
        if (
            self.parent_id
            and self.pupil_id
            and self.parent.institution_id != self.pupil.institution_id
        ):
            raise ValidationError(_("The parent and the pupil belong to different schools."))


class PupilGroupQuerySet(ScopedQuerySet):
    def search(self, text):
        return self.filter(pupil__person__search_name__contains=normalize_name(text))


class PupilGroup(RevisionMixin, models.Model):
    """A group of a pupil's fields kept apart because it has its own readers and editors
    (R-PPL-4), and kept only with consent (R-PD-1)."""

    objects = PupilGroupQuerySet.as_manager()
    access_paths = {"institution": "pupil__institution_id", "class": "pupil__school_class_id",
                    "pupil": "pupil_id"}
    log_reads = True  # R-PD-3

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.pupil)

    def clean(self):
        if self.pupil_id and not has_consent(self.pupil.person_id, self.pupil.institution_id):
            raise ValidationError(
                _("No consent to personal data processing is on record for this pupil: "
                  "these details cannot be kept.")
            )


class PupilHealth(PupilGroup):
    """The medical details of a pupil (R-PPL-4): kept by the medical worker, read by
    nobody else but the administrator."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="health",
                                 verbose_name=_("pupil"))
    health_group = directory(DirectoryKind.HEALTH_GROUP, _("health group"))
    pe_group = directory(DirectoryKind.PE_GROUP, _("PE group"))
    insurance_policy = models.CharField(_("medical insurance policy"), max_length=50,
                                        blank=True)
    insurance_issuer = models.CharField(_("issuer of the medical insurance policy"),
                                        max_length=300, blank=True)
    notes = models.TextField(_("medical notes"), blank=True)

    class Meta(PupilGroup.Meta):
        verbose_name = _("medical details")
        verbose_name_plural = _("medical details")
        ordering = ["pupil__person__search_name"]


class PupilCharacteristic(PupilGroup):
    """The psychological and pedagogical characteristic of a pupil (R-PPL-4): kept and
    read by the psychologist and the social pedagogue only."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE,
                                 related_name="characteristic", verbose_name=_("pupil"))
    social_status = directory(DirectoryKind.SOCIAL_STATUS, _("social status"))
    deviant_behaviour = models.TextField(_("deviant behaviour"), blank=True)
    characteristic = models.TextField(_("psychological and pedagogical characteristic"),
                                      blank=True)

    class Meta(PupilGroup.Meta):
        verbose_name = _("psychological and pedagogical characteristic")
        verbose_name_plural = _("psychological and pedagogical characteristics")
        ordering = ["pupil__person__search_name"]


class ConsentQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)

    def search(self, text):
        return self.filter(person__search_name__contains=normalize_name(text))


class Consent(RevisionMixin, models.Model):
    """Written consent to personal data processing (R-PD-1), given to one school."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="consents",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents",
                               verbose_name=_("surname and name"))
    given_by = models.CharField(
        _("given by"), max_length=300, blank=True,
        help_text=_("For a minor: the parent or legal representative who signed."),
    )
    given_on = models.DateField(_("date"))
    scope = models.TextField(
        _("scope"),
        default=_("Processing of the personal data listed in §4.1 of the statute of the "
                  "SGO system for the purposes of education."),
    )
    scan = PrivateFileField(_("scan"), upload_to="consents/%Y/", blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)

    objects = ConsentQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "person": "person_id"}

    class Meta:
        verbose_name = _("consent to personal data processing")
        verbose_name_plural = _("consents to personal data processing")
        ordering = ["-given_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "person"], condition=Q(withdrawn_on__isnull=True),
                name="consent_one_active_per_school",
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.given_on:%d.%m.%Y}"

    def clean(self):
        if self.person_id and self.institution_id and not self.pk and has_consent(
            self.person_id, self.institution_id
        ):
            raise ValidationError(_("This person already has consent on record in this school."))


def active_assignment(on, prefix=""):
    """The condition on role assignments valid on ``on``; ``prefix`` names the relation
    when asked from another model (``"role_assignments__"`` from a person)."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on}))


class RoleAssignmentQuerySet(ScopedQuerySet):
    def active(self, on=None):
        return self.filter(active_assignment(on or today()))


class RoleAssignment(RevisionMixin, models.Model):
    """A role or right held by a person in an institution, or department-wide."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="role_assignments",
        verbose_name=_("surname and name"),
    )
    role = models.CharField(
        _("role"), max_length=30,
        choices=[(r.value, r.label) for r in Role if r not in DERIVED_ROLES],
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("institution"),
        help_text=_("Empty for department-wide roles."),
    )
    valid_from = models.DateField(_("valid from"), default=today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "person": "person_id"}

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["institution__short_name", "person__search_name", "role"]
        indexes = [models.Index(fields=["person", "role"])]

    def __str__(self):
        where = self.institution or _("department")
        return f"{self.person} — {self.get_role_display()} ({where})"

    def clean(self):
        errors = {}
        if self.role in SCHOOL_ROLES and self.institution_id is None:
            errors["institution"] = _("A school role needs an institution.")
        if self.role in DEPARTMENT_ROLES and self.institution_id is not None:
            errors["institution"] = _("A department role is held department-wide: leave it empty.")
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)
