"""People and institutions: the tenancy core every other app stands on.

A ``Person`` is a human being; a ``User`` is a login. A person has at most one login
and may exist without one. What a person *is* in a school lives in school-owned
records: ``Staff``, ``Pupil`` and ``Parent`` each belong to exactly one institution,
so one person can teach in one school and be a parent in another (R-TEN-1, R-TEN-2).
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.access import DEPARTMENT_ROLES, DERIVED_ROLES, SCHOOL_ROLES, Role, ScopedQuerySet, today


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


class Institution(models.Model):
    """A school (МОУ). The full card of R-INST-1 grows on this model."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="institutions",
        verbose_name=_("department"),
    )
    name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=150)
    address = models.CharField(_("postal address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)

    objects = InstitutionQuerySet.as_manager()
    access_paths = {"institution": "pk"}

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name


class PersonQuerySet(ScopedQuerySet):
    def search(self, text):
        return self.filter(search_name__contains=normalize_name(text))

    def visible_to(self, user, perm=None):
        """People are not school-owned: a person is visible through a staff, pupil or
        parent record the user may see."""
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
    access_paths = {"person": "pk"}

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


class SchoolRecordQuerySet(ScopedQuerySet):
    def of_institution(self, institution):
        return self.filter(institution=institution)

    def search(self, text):
        return self.filter(person__search_name__contains=normalize_name(text))


class StaffQuerySet(SchoolRecordQuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Staff(models.Model):
    """A person's employment in one institution (R-PPL-1 grows on this model)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="staff_records", verbose_name=_("person")
    )
    position = models.CharField(_("main position"), max_length=200)
    personnel_number = models.CharField(_("personnel number"), max_length=50, blank=True)
    hired_on = models.DateField(_("hire date"), null=True, blank=True)
    left_on = models.DateField(_("dismissal date"), null=True, blank=True)

    objects = StaffQuerySet.as_manager()
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
        return f"{self.person.full_name} ({self.position})"


class PupilQuerySet(SchoolRecordQuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)

    def of_class(self, school_class):
        return self.filter(school_class=school_class)


class Pupil(models.Model):
    """A pupil's record in one institution (R-PPL-2 grows on this model)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="pupils",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="pupil_records", verbose_name=_("person")
    )
    school_class = models.ForeignKey(
        "journal.SchoolClass", on_delete=models.PROTECT, null=True, blank=True,
        related_name="pupils", verbose_name=_("class"),
    )
    personal_file_number = models.CharField(_("personal file number"), max_length=50, blank=True)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    left_on = models.DateField(_("left school on"), null=True, blank=True)

    objects = PupilQuerySet.as_manager()
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


class ParentQuerySet(SchoolRecordQuerySet):
    pass


class Parent(models.Model):
    """A parent or legal representative as one school knows them (R-PPL-3 grows here)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="parents",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="parent_records", verbose_name=_("person")
    )
    mobile_phone = models.CharField(_("mobile phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    children = models.ManyToManyField(
        Pupil, through="Guardianship", related_name="parents", verbose_name=_("children")
    )

    objects = ParentQuerySet.as_manager()
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


class RoleAssignmentQuerySet(ScopedQuerySet):
    def active(self, on=None):
        on = on or today()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class RoleAssignment(models.Model):
    """A role or right held by a person in an institution, or department-wide."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="role_assignments",
        verbose_name=_("person"),
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
