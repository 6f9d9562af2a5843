import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from curriculum.models import AcademicYear, SchoolClass, Subgroup, Subject
from portal.access import permission, today
from portal.ids import IdField
from portal.tabular import TableFileField
from portal.viewsets import ScopedAdminForm
from records.models import Institution, Staff

from .calendar import Mode
from .models import Room, TimetableChange, TimetableEntry, Weekday, Weeks
from .thematic import own_teaching, plans_anywhere


class LessonForm(ScopedAdminForm):
    """A topic a teacher types stays: the thematic plan no longer overwrites it."""

    def save(self, commit=True):
        if "topic" in self.changed_data:
            self.instance.topic_edited = True
        return super().save(commit)


class ThematicPlanForm(ScopedAdminForm):
    """R-KTP-1: a subject teacher writes plans only for what they teach — a class of
    theirs, or the grade of one — and signs them as themselves; the deputy and the
    school administrator write any plan of their school."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.teaching = None
        if self.for_user is None or plans_anywhere(self.for_user):
            return
        teaching = own_teaching(self.for_user)
        self.teaching = {(a.school_class_id, a.school_class.grade, a.subject_id)
                         for a in teaching.select_related("school_class")}
        limits = {
            "institution": Institution.objects.filter(pk__in=teaching.values("institution_id")),
            "academic_year": AcademicYear.objects.filter(
                pk__in=teaching.values("school_class__academic_year_id")),
            "subject": Subject.objects.filter(pk__in=teaching.values("subject_id")),
            "school_class": SchoolClass.objects.filter(pk__in=teaching.values("school_class_id")),
            "author": Staff.objects.filter(pk__in=teaching.values("teacher_id")),
        }
        for name, queryset in limits.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "author" in self.fields:
            self.fields["author"].required = True
            if not self.instance.pk:
                self.fields["author"].initial = limits["author"].first()

    def clean(self):
        cleaned = super().clean()
        if self.teaching is None:
            return cleaned
        subject, school_class = cleaned.get("subject"), cleaned.get("school_class")
        if subject is None:
            return cleaned
        if school_class is None:
            # A grade's plan fills every class of the grade, also those another teacher
            # teaches: it is the deputy's to write.
            raise ValidationError(_("Choose one of your classes: a plan for a whole grade "
                                    "is written by the deputy director."))
        allowed = (school_class.pk, school_class.grade, subject.pk) in self.teaching
        if not allowed:
            raise ValidationError(_("You can write a plan only for a subject you teach, in "
                                    "one of your classes or its grade."))
        return cleaned


class TopicImportForm(forms.Form):
    file = TableFileField(label=_("file (CSV or XLSX)"))


def importing_institutions(user):
    """Schools whose timetable the user may replace by an import."""
    needed = [permission(f"schedule.{action}_timetableentry") for action in ("add", "delete")]
    return [i for i in Institution.objects.visible_to(user)
            if all(p.allows(user, TimetableEntry(institution=i)) for p in needed)]


class ImportForm(forms.Form):
    """R-SCH-3: the file, the school, the year and the dates the file's timetable
    applies between (by default the whole year)."""

    institution = forms.ModelChoiceField(queryset=None, label=_("School"))
    academic_year = forms.ModelChoiceField(queryset=None, label=_("Academic year"))
    valid_from = forms.DateField(label=_("Valid from"), required=False,
                                 help_text=_("Empty: from the start of the year."))
    valid_to = forms.DateField(label=_("Valid to"), required=False,
                               help_text=_("Empty: to the end of the year."))
    file = TableFileField(label=_("File (aSc Timetables .xml or .csv)"), accept=".xml,.csv,.txt")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [i.pk for i in importing_institutions(user)]
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=allowed)
        # A year that has ended is closed (its periods refuse every change): the current
        # year and the next are offered.
        years = AcademicYear.objects.filter(institution_id__in=allowed,
                                            ends_on__gte=today()).select_related(
            "institution").order_by("-is_current", "-starts_on")
        self.fields["academic_year"].queryset = years
        self.fields["academic_year"].label_from_instance = (
            lambda y: f"{y} — {y.institution.short_name}" if len(allowed) > 1 else str(y))
        if len(allowed) == 1:
            self.fields["institution"].initial = allowed[0]
        current = next((y for y in years if y.is_current), None)
        if current is not None:
            self.fields["academic_year"].initial = current.pk

    def clean(self):
        data = super().clean()
        school, year = data.get("institution"), data.get("academic_year")
        if not school or not year:
            return data
        if year.institution_id != school.pk:
            self.add_error("academic_year", _("This year belongs to another school."))
            return data
        data["valid_from"] = data.get("valid_from") or year.starts_on
        data["valid_to"] = data.get("valid_to") or year.ends_on
        if not (year.starts_on <= data["valid_from"] <= data["valid_to"] <= year.ends_on):
            self.add_error("valid_to", _("The dates must lie within the academic year, "
                                         "the first before the last."))
        return data


class CalendarForm(forms.Form):
    """The period of a calendar page. Whatever is typed into the address, a bad value
    falls back to this week rather than an error page."""

    mode = forms.ChoiceField(choices=Mode.CHOICES, required=False)
    date = forms.DateField(required=False)

    def mode_and_day(self):
        data = self.cleaned_data if self.is_valid() else {}
        mode = data.get("mode") or Mode.WEEK
        day = data.get("date")
        # Far-off years would overflow the previous/next links.
        if day is None or not (2000 <= day.year <= 2100):
            day = today()
        return mode, day


class CellForm(forms.Form):
    """One cell of the grid editor: every choice is limited to the class's school (and
    the entry to the class's lessons of the week being edited)."""

    entry = IdField(required=False)
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    lesson_number = forms.IntegerField(min_value=0, max_value=12)
    subject = forms.ModelChoiceField(queryset=Subject.objects.none(), label=_("subject"))
    teacher = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("teacher"))
    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False,
                                  label=_("room"))
    subgroup = forms.ModelChoiceField(queryset=Subgroup.objects.none(), required=False,
                                      label=_("subgroup"))
    weeks = forms.ChoiceField(choices=Weeks.choices, required=False, label=_("weeks"))
    joint = forms.BooleanField(required=False, label=_("joint lesson"))
    co_teachers = forms.ModelMultipleChoiceField(queryset=Staff.objects.none(),
                                                 required=False,
                                                 label=_("further teachers"))

    def __init__(self, school_class, monday, *args, deleting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_class, self.monday, self.deleting = school_class, monday, deleting
        institution = school_class.institution_id
        self.fields["subject"].queryset = Subject.objects.filter(institution_id=institution)
        self.fields["teacher"].queryset = Staff.objects.current().filter(
            institution_id=institution).select_related("person")
        self.fields["co_teachers"].queryset = self.fields["teacher"].queryset
        self.fields["room"].queryset = Room.objects.filter(institution_id=institution)
        self.fields["subgroup"].queryset = Subgroup.objects.filter(school_class=school_class)
        if deleting:  # only the entry matters
            for name in ("weekday", "lesson_number", "subject", "teacher"):
                self.fields[name].required = False

    def clean_entry(self):
        pk = self.cleaned_data.get("entry")
        if pk is None:
            return None
        entry = (TimetableEntry.objects.filter(school_class=self.school_class, pk=pk)
                 .overlapping(self.monday, self.monday + datetime.timedelta(days=5))
                 .select_related("school_class").first())
        if entry is None:
            raise forms.ValidationError(_("This lesson is no longer in the timetable of the "
                                          "week: reload the page."))
        return entry

    def clean(self):
        data = super().clean()
        entry = data.get("entry")
        if entry is not None and not self.deleting and (
                data.get("weekday"), data.get("lesson_number")) != (entry.weekday,
                                                                    entry.lesson_number):
            raise forms.ValidationError(_("This lesson is in another cell: reload the page."))
        return data


class TimetableEntryForm(ScopedAdminForm):
    """The admin's weekly lesson: the co-teachers chosen are those the clash check and
    the school check of ``TimetableEntry.clean`` see, before they are saved."""

    def clean(self):
        cleaned = super().clean()
        if "co_teachers" in cleaned:
            self.instance.new_co_teachers = list(cleaned["co_teachers"])
        return cleaned


class ChangeForm(forms.ModelForm):
    """A dated change of one lesson of the class; the model's clean() refuses clashes on
    the day the change takes place."""

    class Meta:
        model = TimetableChange
        fields = ["entry", "date", "kind", "replacement_teacher", "new_date",
                  "new_lesson_number", "new_room", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "new_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, school_class, entries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institution = school_class.institution_id
        self.instance.institution_id = institution
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = lambda e: _(
            "%(day)s, lesson %(number)s: %(subject)s") % {
            "day": e.get_weekday_display(), "number": e.lesson_number, "subject": e.subject
        } + (f" ({e.get_weeks_display()})" if e.weeks else "")
        self.fields["replacement_teacher"].queryset = Staff.objects.current().filter(
            institution_id=institution).select_related("person").order_by(
            "person__search_name")
        self.fields["replacement_teacher"].label_from_instance = lambda s: s.person.full_name
        self.fields["new_room"].queryset = Room.objects.filter(institution_id=institution)
        self.fields["new_room"].label_from_instance = lambda room: room.label
