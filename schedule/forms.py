import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from journal.models import Subgroup, Subject
from portal.access import today
from portal.viewsets import ScopedAdminForm
from records.models import Staff

from .calendar import Mode
from .models import Room, TimetableChange, TimetableEntry, Weekday


class LessonForm(ScopedAdminForm):
    """A topic a teacher types stays: the thematic plan no longer overwrites it."""

    def save(self, commit=True):
        if "topic" in self.changed_data:
            self.instance.topic_edited = True
        return super().save(commit)


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

    entry = forms.IntegerField(required=False)
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    lesson_number = forms.IntegerField(min_value=0, max_value=12)
    subject = forms.ModelChoiceField(queryset=Subject.objects.none(), label=_("subject"))
    teacher = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("teacher"))
    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False,
                                  label=_("room"))
    subgroup = forms.ModelChoiceField(queryset=Subgroup.objects.none(), required=False,
                                      label=_("subgroup"))

    def __init__(self, school_class, monday, *args, deleting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_class, self.monday, self.deleting = school_class, monday, deleting
        institution = school_class.institution_id
        self.fields["subject"].queryset = Subject.objects.filter(institution_id=institution)
        self.fields["teacher"].queryset = Staff.objects.current().filter(
            institution_id=institution).select_related("person")
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
            "day": e.get_weekday_display(), "number": e.lesson_number, "subject": e.subject}
        self.fields["replacement_teacher"].queryset = Staff.objects.current().filter(
            institution_id=institution).select_related("person").order_by(
            "person__search_name")
        self.fields["replacement_teacher"].label_from_instance = lambda s: s.person.full_name
        self.fields["new_room"].queryset = Room.objects.filter(institution_id=institution)
