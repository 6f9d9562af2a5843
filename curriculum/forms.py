"""Admin forms of the curriculum app and the steps of the setup wizard (R-WIZ-1).

Each wizard step is a form (or formset) built for one wizard, with ``save()`` that the
view runs inside one transaction: a step is saved whole or not at all.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.history import record_change
from portal.viewsets import ScopedAdminForm
from records.models import Person, Staff
from records.positions import position_for

from .models import (
    AcademicYear,
    Component,
    CurriculumLine,
    CurriculumProfile,
    GradePeriodType,
    GradingScale,
    InstitutionSettings,
    LoadLimit,
    Period,
    PeriodType,
    SchoolClass,
    Subject,
    WeekDays,
    default_period_bounds,
    period_set_errors,
)

GRADES = range(1, 12)


def date_field(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           **kwargs)


class InstitutionSettingsForm(ScopedAdminForm):
    """A school chooses among the department's rows and its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institution_id = self.instance.institution_id if self.instance.pk else None
        for name in ("grading_scale", "default_period_type"):
            field = self.fields.get(name)
            if field is None:
                continue
            if institution_id:
                field.queryset = field.queryset.filter(
                    Q(institution__isnull=True) | Q(institution_id=institution_id))
            else:
                # Before the school is chosen, offer what every school may choose.
                field.queryset = field.queryset.filter(institution__isnull=True)


# Setup wizard steps -------------------------------------------------------------------


def school_settings(institution):
    """The school's settings, made with the department's defaults on first use."""
    existing = InstitutionSettings.objects.filter(institution=institution).first()
    if existing:
        return existing
    scale = GradingScale.objects.department_wide().order_by("pk").first()
    period_type = PeriodType.objects.department_wide().order_by("-periods_count", "pk").first()
    if scale is None or period_type is None:
        raise ValidationError(_("The department has not entered its grading scales and "
                                "period types yet; ask the department administrator."))
    return InstitutionSettings.objects.create(
        institution=institution, grading_scale=scale, default_period_type=period_type)


class StepForm(forms.Form):
    def __init__(self, wizard, user, *args, **kwargs):
        self.wizard, self.user = wizard, user
        self.institution = wizard.institution
        self.year = wizard.academic_year
        super().__init__(*args, **kwargs)


class YearStep(StepForm):
    name = forms.CharField(label=_("title"), max_length=20,
                           help_text=_("For example 2026/2027."))
    starts_on = date_field(label=_("first day of the year"))
    ends_on = date_field(label=_("last day of the year"))
    week_days = forms.TypedChoiceField(label=_("school week"), choices=WeekDays.choices,
                                       coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        settings = InstitutionSettings.objects.filter(institution=self.institution).first()
        if self.year:
            self.initial.update(name=self.year.name, starts_on=self.year.starts_on,
                                ends_on=self.year.ends_on)
        self.initial["week_days"] = settings.week_days if settings else WeekDays.FIVE

    def clean(self):
        data = super().clean()
        starts_on, ends_on, name = data.get("starts_on"), data.get("ends_on"), data.get("name")
        if starts_on and ends_on:
            if ends_on <= starts_on:
                self.add_error("ends_on", _("The year must end after it starts."))
            elif (ends_on - starts_on).days > 366:
                self.add_error("ends_on", _("An academic year cannot be longer than a year."))
        if name:
            taken = AcademicYear.objects.filter(institution=self.institution, name=name)
            if self.year:
                taken = taken.exclude(pk=self.year.pk)
            if taken.exists():
                self.add_error("name", _("This school already has a year with this title."))
        return data

    def save(self):
        data = self.cleaned_data
        year = self.year or AcademicYear(institution=self.institution)
        year.name, year.starts_on, year.ends_on = data["name"], data["starts_on"], data["ends_on"]
        year.is_current = True
        year.save()
        # The wizard's year is the school's current one.
        AcademicYear.objects.filter(institution=self.institution, is_current=True).exclude(
            pk=year.pk).update(is_current=False)
        settings = school_settings(self.institution)
        settings.week_days = data["week_days"]
        settings.save(update_fields=["week_days"])
        self.wizard.academic_year = year
        self.wizard.save(update_fields=["academic_year"])


class RowsStep(forms.BaseFormSet):
    """A step that adds rows: existing rows are listed, new ones typed in blank lines."""

    def __init__(self, wizard, user, *args, **kwargs):
        self.wizard, self.user = wizard, user
        self.institution = wizard.institution
        self.year = wizard.academic_year
        kwargs.setdefault("prefix", "rows")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "institution": self.institution}

    def filled(self):
        return [f.cleaned_data for f in self.forms if f.cleaned_data]

    def existing(self):
        return []

    def new_names(self, message):
        """The names typed in, refusing one already there or typed twice; ``message``
        names it."""
        taken = {name.lower() for name in self.existing().values_list("name", flat=True)}
        for row in self.filled():
            key = row["name"].strip().lower()
            if key in taken:
                raise ValidationError(message % {"name": row["name"]})
            taken.add(key)
        return taken


class RowForm(forms.Form):
    def __init__(self, *args, institution=None, **kwargs):
        self.institution = institution
        super().__init__(*args, **kwargs)


class StaffRow(RowForm):
    surname = forms.CharField(label=_("surname"), max_length=100)
    name = forms.CharField(label=_("first name"), max_length=100)
    patronymic = forms.CharField(label=_("patronymic"), max_length=100, required=False)
    position = forms.CharField(label=_("main position"), max_length=200)


class BaseStaffStep(RowsStep):
    def existing(self):
        return (Staff.objects.of_institution(self.institution).current()
                .select_related("person", "position"))

    def may_add(self):
        # Staff records are kept by those the records matrix allows; the wizard does not
        # widen that.
        return self.user.has_perm("records.add_staff", Staff(institution=self.institution))

    def clean(self):
        if any(self.errors):
            return
        rows = self.filled()
        if rows and not self.may_add():
            raise ValidationError(_("You may not add staff records; ask the school "
                                    "administrator or the secretary to enter them."))
        seen = set()
        for row in rows:
            key = (row["surname"].strip().lower(), row["name"].strip().lower(),
                   row["patronymic"].strip().lower())
            if key in seen:
                raise ValidationError(_("%(name)s is listed twice.") % {
                    "name": " ".join(p for p in (row["surname"], row["name"]) if p)})
            seen.add(key)
        if not rows and not self.existing().exists():
            raise ValidationError(_("Enter at least one member of staff."))

    def save(self):
        for row in self.filled():
            person = Person.objects.create(surname=row["surname"].strip(),
                                           name=row["name"].strip(),
                                           patronymic=row["patronymic"].strip())
            # R-INST-4: the typed position is the directory's value of that name (a new
            # one becomes the school's own value).
            staff = Staff.objects.create(institution=self.institution, person=person,
                                         position=position_for(self.institution,
                                                               row["position"]))
            record_change(staff, self.user, "wagtail.create")


StaffStep = forms.formset_factory(StaffRow, formset=BaseStaffStep, extra=10)


class SubjectRow(RowForm):
    name = forms.CharField(label=_("title"), max_length=200)
    short_name = forms.CharField(label=_("short name"), max_length=50, required=False)


class BaseSubjectsStep(RowsStep):
    def existing(self):
        return Subject.objects.filter(institution=self.institution).order_by("name")

    def clean(self):
        if any(self.errors):
            return
        if not self.new_names(_("The subject %(name)s is already in the list.")):
            raise ValidationError(_("Enter at least one subject."))

    def save(self):
        Subject.objects.bulk_create([
            Subject(institution=self.institution, name=row["name"].strip(),
                    short_name=row["short_name"].strip())
            for row in self.filled()
        ])


SubjectsStep = forms.formset_factory(SubjectRow, formset=BaseSubjectsStep, extra=10)


class ProfileRow(RowForm):
    name = forms.CharField(label=_("title"), max_length=100)


class BaseProfilesStep(RowsStep):
    """Profiles are optional: a school without senior grades may add none."""

    def existing(self):
        return CurriculumProfile.objects.filter(institution=self.institution).order_by("name")

    def clean(self):
        if any(self.errors):
            return
        self.new_names(_("The profile %(name)s is already in the list."))

    def save(self):
        CurriculumProfile.objects.bulk_create([
            CurriculumProfile(institution=self.institution, name=row["name"].strip())
            for row in self.filled()
        ])


ProfilesStep = forms.formset_factory(ProfileRow, formset=BaseProfilesStep, extra=3)


class LimitsStep(StepForm):
    """The department's limits for the school's week, and the school's own lower ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.week_days = school_settings(self.institution).week_days
        rows = LoadLimit.objects.for_institution(self.institution).filter(week_days=self.week_days)
        self.department, own = {}, {}
        for row in rows:
            (own if row.institution_id else self.department)[row.grade] = row.max_hours
        for grade in GRADES:
            self.fields[f"grade_{grade}"] = forms.IntegerField(
                label=_("Grade %(grade)s") % {"grade": grade}, required=False, min_value=1,
                max_value=60, initial=own.get(grade))

    def rows(self):
        return [(grade, self.department.get(grade), self[f"grade_{grade}"]) for grade in GRADES]

    def clean(self):
        data = super().clean()
        for grade in GRADES:
            hours, limit = data.get(f"grade_{grade}"), self.department.get(grade)
            if hours is not None and limit is not None and hours > limit:
                self.add_error(f"grade_{grade}", _(
                    "The department's limit is %(limit)s hours; a school may only lower it.")
                    % {"limit": limit})
        return data

    def save(self):
        for grade in GRADES:
            hours = self.cleaned_data.get(f"grade_{grade}")
            own = LoadLimit.objects.filter(institution=self.institution, grade=grade,
                                           week_days=self.week_days)
            if hours is None:
                own.delete()
            else:
                own.update_or_create(institution=self.institution, grade=grade,
                                     week_days=self.week_days, defaults={"max_hours": hours})


class CurriculumStep(StepForm):
    """Hours a week of each subject in each grade: the part common to every class of
    the grade (profile lines are added in the curriculum plan)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(Subject.objects.filter(institution=self.institution).order_by("name"))
        lines = CurriculumLine.objects.of_year(self.year).filter(profile__isnull=True)
        hours = {(line.subject_id, line.grade): line.hours_per_week for line in lines}
        components = {line.subject_id: line.component for line in lines}
        for subject in self.subjects:
            self.fields[f"component_{subject.pk}"] = forms.ChoiceField(
                label=_("component"), choices=Component.choices,
                initial=components.get(subject.pk, Component.FEDERAL))
            for grade in GRADES:
                self.fields[f"hours_{subject.pk}_{grade}"] = forms.DecimalField(
                    label=_("%(subject)s, grade %(grade)s") % {"subject": subject.name,
                                                                "grade": grade},
                    required=False, min_value=0, max_value=20, decimal_places=1, max_digits=4,
                    initial=hours.get((subject.pk, grade)),
                    widget=forms.NumberInput(attrs={"step": "0.5", "style": "width: 4em"}))
        self.limits = LoadLimit.objects.effective(
            self.institution, school_settings(self.institution).week_days)

    def grid(self):
        return [(subject, self[f"component_{subject.pk}"],
                 [self[f"hours_{subject.pk}_{grade}"] for grade in GRADES])
                for subject in self.subjects]

    def grades(self):
        return [(grade, self.limits.get(grade)) for grade in GRADES]

    def lines(self):
        data = self.cleaned_data
        return [
            CurriculumLine(institution=self.institution, academic_year=self.year, grade=grade,
                           subject=subject, component=data[f"component_{subject.pk}"],
                           hours_per_week=data[f"hours_{subject.pk}_{grade}"])
            for subject in self.subjects for grade in GRADES
            if data.get(f"hours_{subject.pk}_{grade}")
        ]

    def clean(self):
        super().clean()
        if self.errors:
            return self.cleaned_data
        lines = self.lines()
        if not lines:
            raise ValidationError(_("Enter the hours of at least one subject."))
        totals = {}
        for line in lines:
            totals[line.grade] = totals.get(line.grade, 0) + line.hours_per_week
        for grade, total in sorted(totals.items()):
            limit = self.limits.get(grade)
            if limit is not None and total > limit:
                self.add_error(None, _(
                    "Grade %(grade)s: %(hours)s hours a week, more than the limit of "
                    "%(limit)s.") % {"grade": grade, "hours": total, "limit": limit})
        return self.cleaned_data

    def save(self):
        CurriculumLine.objects.of_year(self.year).filter(profile__isnull=True).delete()
        CurriculumLine.objects.bulk_create(self.lines())


class PeriodsStep(StepForm):
    """Which period type each grade uses, and the boundaries of each type's periods,
    proposed as equal parts of the year for the school to edit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = list(PeriodType.objects.for_institution(self.institution)
                          .order_by("-periods_count", "name"))
        chosen = {row.grade: row.period_type_id
                  for row in GradePeriodType.objects.of_year(self.year)}
        default = school_settings(self.institution).default_period_type_id
        for grade in GRADES:
            self.fields[f"type_{grade}"] = forms.ModelChoiceField(
                label=_("Grade %(grade)s") % {"grade": grade},
                queryset=PeriodType.objects.for_institution(self.institution),
                initial=chosen.get(grade, default))
        stored = {}
        for period in Period.objects.of_year(self.year):
            stored.setdefault(period.period_type_id, {})[period.number] = period
        for kind in self.types:
            proposal = default_period_bounds(self.year, kind)
            for number, (start, end) in enumerate(proposal, start=1):
                period = stored.get(kind.pk, {}).get(number)
                self.fields[f"start_{kind.pk}_{number}"] = date_field(
                    label=_("%(type)s, period %(number)s: start") % {"type": kind,
                                                                    "number": number},
                    required=False, initial=period.starts_on if period else start)
                self.fields[f"end_{kind.pk}_{number}"] = date_field(
                    label=_("%(type)s, period %(number)s: end") % {"type": kind,
                                                                  "number": number},
                    required=False, initial=period.ends_on if period else end)

    def grade_fields(self):
        return [self[f"type_{grade}"] for grade in GRADES]

    def type_tables(self):
        return [(kind, [(number, self[f"start_{kind.pk}_{number}"],
                         self[f"end_{kind.pk}_{number}"])
                        for number in range(1, kind.periods_count + 1)])
                for kind in self.types]

    def used_types(self):
        chosen = {self.cleaned_data.get(f"type_{grade}") for grade in GRADES}
        return [kind for kind in self.types if kind in chosen]

    def bounds(self, kind):
        return [(self.cleaned_data.get(f"start_{kind.pk}_{n}"),
                 self.cleaned_data.get(f"end_{kind.pk}_{n}"))
                for n in range(1, kind.periods_count + 1)]

    def clean(self):
        super().clean()
        if self.errors:
            return self.cleaned_data
        for kind in self.used_types():
            bounds = self.bounds(kind)
            if any(start is None or end is None for start, end in bounds):
                self.add_error(None, _("%(type)s: enter the first and the last day of every "
                                       "period.") % {"type": kind})
                continue
            for message in period_set_errors(self.year, kind, bounds):
                self.add_error(None, message)
        return self.cleaned_data

    def save(self):
        used = self.used_types()
        for grade in GRADES:
            GradePeriodType.objects.update_or_create(
                academic_year=self.year, grade=grade,
                defaults={"institution": self.institution,
                          "period_type": self.cleaned_data[f"type_{grade}"]})
        Period.objects.of_year(self.year).exclude(period_type__in=used).delete()
        for kind in used:
            for number, (start, end) in enumerate(self.bounds(kind), start=1):
                Period.objects.update_or_create(
                    academic_year=self.year, period_type=kind, number=number,
                    defaults={"institution": self.institution, "starts_on": start,
                              "ends_on": end})


class ClassRow(RowForm):
    grade = forms.IntegerField(label=_("grade"), min_value=1, max_value=11)
    letter = forms.CharField(label=_("letter"), max_length=3)
    class_teacher = forms.ModelChoiceField(label=_("class teacher"), queryset=Staff.objects.none(),
                                           required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_teacher"].queryset = Staff.objects.of_institution(
            self.institution).current().select_related("person")
        self.fields["class_teacher"].label_from_instance = lambda s: s.person.full_name

    def clean_letter(self):
        return self.cleaned_data["letter"].strip().upper()


class BaseClassesStep(RowsStep):
    def existing(self):
        return SchoolClass.objects.filter(academic_year=self.year).select_related(
            "class_teacher__person").order_by("grade", "letter")

    def clean(self):
        if any(self.errors):
            return
        existing = list(self.existing())
        taken = {(c.grade, c.letter.upper()) for c in existing}
        leaders = {c.class_teacher_id: c for c in existing if c.class_teacher_id}
        rows = self.filled()
        for row in rows:
            name = f"{row['grade']}{row['letter']}"
            if (row["grade"], row["letter"]) in taken:
                raise ValidationError(_("Class %(name)s is listed twice.") % {"name": name})
            taken.add((row["grade"], row["letter"]))
            teacher = row["class_teacher"]
            if teacher is not None:
                if teacher.pk in leaders:
                    raise ValidationError(_(
                        "%(teacher)s already leads class %(other)s.") % {
                        "teacher": teacher.person.full_name, "other": leaders[teacher.pk]})
                leaders[teacher.pk] = name
        if not taken:
            raise ValidationError(_("Enter at least one class."))

    def save(self):
        SchoolClass.objects.bulk_create([
            SchoolClass(institution=self.institution, academic_year=self.year,
                        grade=row["grade"], letter=row["letter"],
                        class_teacher=row["class_teacher"])
            for row in self.filled()
        ])


ClassesStep = forms.formset_factory(ClassRow, formset=BaseClassesStep, extra=11)


STEP_FORMS = {
    "year": YearStep,
    "staff": StaffStep,
    "subjects": SubjectsStep,
    "profiles": ProfilesStep,
    "limits": LimitsStep,
    "curriculum": CurriculumStep,
    "periods": PeriodsStep,
    "classes": ClassesStep,
}


# The class page (R-CLS-1): the pupils of a subgroup (a transfer is the movement
# book's, movement/forms.py).


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.person.full_name


class SubgroupAddForm(forms.Form):
    pupil = PupilChoiceField(queryset=None, label=_("pupil"))
    starts_on = date_field(label=_("from"))

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.pupil.person.full_name} ({obj.starts_on:%d.%m.%Y})"


class SubgroupEndForm(forms.Form):
    membership = MembershipChoiceField(queryset=None, label=_("pupil"))
    ends_on = date_field(label=_("last day in the group"))

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
