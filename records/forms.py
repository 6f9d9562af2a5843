from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.access import DEPARTMENT_ROLES, Role, permission
from portal.tabular import TableFileField
from portal.viewsets import ScopedAdminForm

from .models import Institution, Person, Pupil, Sex, has_consent
from .positions import positions_of

PERSON_FIELDS = ["surname", "name", "patronymic", "birth_date", "sex"]


class PersonRecordForm(ScopedAdminForm):
    """Edits a school record (staff, pupil, parent) together with its person's name,
    birth date and sex, so the secretary fills one form, not two."""

    surname = forms.CharField(label=capfirst(_("surname")), max_length=100)
    name = forms.CharField(label=capfirst(_("first name")), max_length=100)
    patronymic = forms.CharField(label=capfirst(_("patronymic")), max_length=100, required=False)
    birth_date = forms.DateField(label=capfirst(_("birth date")), required=False)
    sex = forms.ChoiceField(label=capfirst(_("sex")), choices=[("", "---------"), *Sex.choices],
                            required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.person_id:
            for field in PERSON_FIELDS:
                self.initial.setdefault(field, getattr(self.instance.person, field))
        self.limit_positions()
        self.lock_fields_without_consent()
        self.lock_fields()
        self.keep_locked_values()

    def limit_positions(self):
        """R-INST-4: a staff card's position is one of the department's values or the
        school's own in use (and the card's present value, if it was retired)."""
        field = self.fields.get("position")
        if field is None or not getattr(self.instance, "institution_id", None):
            return
        allowed = positions_of(self.instance.institution_id).values("pk")
        field.queryset = field.queryset.filter(
            Q(pk__in=allowed) | Q(pk=self.instance.position_id or 0))

    def lock_fields(self):
        """Disable the fields this user may not change (subclasses)."""

    def keep_locked_values(self):
        """A locked field keeps the live row's value, also when the form shows an older
        version to restore: a restore must not change what the user may not change."""
        live = getattr(self.instance, "_live", None)
        if live is None:
            return
        for name, field in self.fields.items():
            if not field.disabled:
                continue
            if name in PERSON_FIELDS:
                self.initial[name] = getattr(live.person, name)
            else:
                model_field = self.instance._meta.get_field(name)
                value = model_field.value_from_object(live)
                if model_field.many_to_many:
                    value = [obj.pk for obj in value]
                self.initial[name] = value

    def lock_fields_without_consent(self):
        """R-PD-1: without consent on record only the minimum fields can be filled; the
        others are shown locked, with the reason."""
        if has_consent(self.instance.person_id, self.instance.institution_id):
            return
        personal = {f.name for f in self.instance.personal_fields()}
        personal |= {f.name for f in self.instance._meta.many_to_many} - {"children"}
        personal -= {"subjects"}  # the subjects a teacher teaches belong to employment
        for name, field in self.fields.items():
            if name in personal:
                field.disabled = True
                field.help_text = _(
                    "Locked: no consent to personal data processing is on record for this "
                    "person in this school. Record the consent first (Records → Consents)."
                )

    def clean(self):
        cleaned_data = super().clean()
        # R-PD-1: files are personal data beyond the minimum too. The inline rows are
        # not yet tied to the card when they validate, so the card's form checks them.
        files = self.formsets.get("files") if hasattr(self, "formsets") else None
        if files is not None and not has_consent(self.instance.person_id,
                                                 self.instance.institution_id):
            if any(form.has_changed() for form in files.forms
                   if not form.data.get(form.add_prefix("DELETE"))):
                self.add_error(None, _(
                    "No consent to personal data processing is on record for this person "
                    "in this school, so no files can be attached."))
        return cleaned_data

    def save(self, commit=True):
        instance = super().save(commit=False)
        person = instance.person if instance.person_id else Person()
        for field in PERSON_FIELDS:
            setattr(person, field, self.cleaned_data[field])
        person.save()
        instance.person = person
        if commit:
            instance.save()
            self.save_m2m()
        return instance


class PupilForm(PersonRecordForm):
    """R-PPL-4: who changes the card as a whole also keeps the pupil list; a class teacher
    edits the pupil details of their class and sees the list fields locked."""

    list_fields = ["institution", *PERSON_FIELDS, "personal_file_number"]

    def lock_fields(self):
        if self.for_user is not None and self.instance.pk and not self.may_change_list():
            for name in self.list_fields:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Kept by the secretary: the pupil list is changed by those who "
                        "keep the lists of pupils.")

    def may_change_list(self):
        # Asked of the live row: in a restore, the instance is an older version.
        live = getattr(self.instance, "_live", self.instance)
        return self.for_user.has_perm("records.change_pupil", live)

    def save_allowed(self):
        if self.instance.pk and not self.may_change_list():
            return self.for_user.has_perm("records.change_pupil_details", self.instance)
        return super().save_allowed()


def importable_institutions(user):
    """Schools where the user may add pupils."""
    add_pupil = permission("records.add_pupil")
    return [i for i in Institution.objects.visible_to(user)
            if add_pupil.allows(user, Pupil(institution=i))]


class ImportForm(forms.Form):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(),
                                         label=_("School"))
    file = TableFileField(label=_("File (.xlsx or .csv)"))
    # The pupils the file enrols enter the movement book by this order (R-MOV-2).
    order_number = forms.CharField(label=_("enrolment order number"), max_length=30)
    order_date = forms.DateField(label=_("enrolment order date"),
                                 widget=forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = importable_institutions(user)
        self.fields["institution"].queryset = Institution.objects.filter(
            pk__in=[i.pk for i in allowed])
        if len(allowed) == 1:
            self.fields["institution"].initial = allowed[0]


def department_role_choices():
    return [(role.value, role.label) for role in Role if role in DEPARTMENT_ROLES]


class DepartmentRolesForm(forms.Form):
    """The department-wide roles of a member of the department (R-DEP-3)."""

    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _(
                                          "Choose at least one of the department's roles.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = department_role_choices()


class DepartmentMemberForm(DepartmentRolesForm):
    surname = forms.CharField(label=_("surname"), max_length=100)
    name = forms.CharField(label=_("first name"), max_length=100)
    patronymic = forms.CharField(label=_("patronymic"), max_length=100, required=False)
    email = forms.EmailField(label=_("email"), required=False,
                             help_text=_("For the password reset link; may be left empty."))

    field_order = ["surname", "name", "patronymic", "email", "roles"]
