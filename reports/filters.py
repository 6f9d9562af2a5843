"""The reports' filters (django-filter). Each filter set narrows the rows a report
counts, already scoped by ``visible_to``; the school and period choices offer only
what the user may read."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from curriculum.models import Period, PeriodType
from journal.models import FinalMark, Tally
from portal.access import today
from records.models import Institution, Staff

from .progress import GROUPS

GRADES = [(grade, str(grade)) for grade in range(1, 12)]


def period_choices(school_ids):
    """[("type:number", "1 четверть")] of the periods of the schools' current years,
    and the default: the last one that has ended (else the first)."""
    rows = (Period.objects.filter(institution_id__in=school_ids,
                                  academic_year__is_current=True)
            .values_list("period_type_id", "number").distinct().order_by())
    types = PeriodType.objects.in_bulk({kind for kind, _number in rows})
    keys = sorted(set(rows), key=lambda key: (-types[key[0]].periods_count, key[1]))
    choices = [(f"{kind}:{number}", types[kind].period_label(number)) for kind, number in keys]
    ended = (Period.objects.filter(institution_id__in=school_ids[:1],
                                   academic_year__is_current=True, ends_on__lt=today())
             .order_by("-ends_on").values_list("period_type_id", "number").first())
    default = f"{ended[0]}:{ended[1]}" if ended else (choices[0][0] if choices else "")
    return choices, default


def period_key(value):
    """("type:number") → (type id, number), or None."""
    kind, _sep, number = (value or "").partition(":")
    if not (kind.isdigit() and number.isdigit()) or len(kind) > 18 or len(number) > 3:
        return None
    return int(kind), int(number)


class ReportFilterSet(django_filters.FilterSet):
    """What every report of a period has: the school (when the user reads several),
    the grade and the period."""

    school = django_filters.ModelChoiceFilter(
        label=_("School"), field_name="institution", queryset=Institution.objects.none(),
        empty_label=_("All schools"))
    grade = django_filters.ChoiceFilter(label=_("Grade"), field_name="school_class__grade",
                                        choices=GRADES, empty_label=_("All grades"))
    period = django_filters.ChoiceFilter(label=_("Period"), method="in_period",
                                         empty_label=None)

    def __init__(self, data=None, *args, schools, **kwargs):
        self.schools = schools
        school_ids = [school.pk for school in schools]
        choices, self.default_period = period_choices(school_ids)
        data = data.copy() if data is not None else {}
        if not data.get("period"):
            data["period"] = self.default_period
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = Institution.objects.filter(pk__in=school_ids)
        self.filters["period"].extra["choices"] = choices
        if len(schools) < 2:
            del self.filters["school"]

    def in_period(self, queryset, name, value):
        kind, number = period_key(value)
        # The periods first (one small query): the rows are then found by their
        # period's index, not by joining every row to its period and year.
        chosen = self.form.cleaned_data.get("school")
        schools = [chosen.pk] if chosen else [school.pk for school in self.schools]
        periods = list(Period.objects.filter(
            period_type_id=kind, number=number, academic_year__is_current=True,
            institution_id__in=schools).values_list("pk", flat=True))
        return queryset.filter(**{f"{self.period_path}_id__in": periods})

    @property
    def period_label(self):
        field = self.form.fields["period"]
        return dict(field.choices).get(self.form.cleaned_data.get("period"), "")


class ProgressFilterSet(ReportFilterSet):
    period_path = "period"
    group = django_filters.ChoiceFilter(label=_("Group by"), method="grouped",
                                        choices=list(GROUPS.items()), empty_label=None)

    class Meta:
        model = FinalMark
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        super().__init__(data, *args, **kwargs)
        if not self.data.get("group"):
            self.data["group"] = "school" if "school" in self.filters else "class"

    def grouped(self, queryset, name, value):
        return queryset  # the grouping is the report's (progress.lines), not a filter

    @property
    def grouping(self):
        return self.form.cleaned_data.get("group") or "class"


class CurrentFilterSet(ReportFilterSet):
    """Current progress and attendance over the journal's tallies."""

    period_path = "period"
    school_class = django_filters.ModelChoiceFilter(
        label=_("Class"), field_name="school_class", queryset=None,
        empty_label=_("All classes"))

    class Meta:
        model = Tally
        fields = []

    def __init__(self, data=None, *args, classes, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["school_class"].queryset = classes


class CompletenessForm(forms.Form):
    """The deputy's check of the journals: a school and a range of days."""

    school = forms.ModelChoiceField(label=_("School"), queryset=Institution.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *args, schools, **kwargs):
        data = data.copy()
        day = today()
        data.setdefault("starts_on", (day.replace(day=1) if day.day > 1 else
                                      (day - datetime.timedelta(days=1)).replace(day=1))
                        .isoformat())
        data.setdefault("ends_on", day.isoformat())
        if len(schools) == 1:
            data.setdefault("school", str(schools[0].pk))
        super().__init__(data, *args, **kwargs)
        self.fields["school"].queryset = Institution.objects.filter(
            pk__in=[school.pk for school in schools])

    def clean(self):
        data = super().clean()
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (last - first).days > 400:
                raise forms.ValidationError(_("Choose at most a year of days."))
        return data


class ContingentForm(forms.Form):
    """The contingent as of a day, by grade, class or school."""

    GROUPS = [("grade", pgettext_lazy("report group", "grade")),
              ("class", pgettext_lazy("report group", "class")),
              ("school", pgettext_lazy("report group", "school"))]

    school = forms.ModelChoiceField(label=_("School"), queryset=Institution.objects.none(),
                                    required=False, empty_label=_("All schools"))
    day = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Group by"), choices=GROUPS)

    def __init__(self, data, *args, schools, **kwargs):
        data = data.copy()
        data.setdefault("day", today().isoformat())
        data.setdefault("group", "school" if len(schools) > 1 else "grade")
        super().__init__(data, *args, **kwargs)
        self.fields["school"].queryset = Institution.objects.filter(
            pk__in=[school.pk for school in schools])
        if len(schools) < 2:
            del self.fields["school"]

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not datetime.date(1990, 1, 1) <= day <= datetime.date(2100, 12, 31):
            raise forms.ValidationError(_("Choose a day between 1990 and 2100."))
        return day


class StaffFilterSet(django_filters.FilterSet):
    """The staff list: a school, a position, teachers only."""

    school = django_filters.ModelChoiceFilter(
        label=_("School"), field_name="institution", queryset=Institution.objects.none(),
        empty_label=_("All schools"))
    teaches = django_filters.BooleanFilter(label=_("Teaching staff only"), field_name="teaches",
                                           widget=forms.CheckboxInput, method="only_teachers")

    class Meta:
        model = Staff
        fields = []

    def __init__(self, data=None, *args, schools, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = Institution.objects.filter(
            pk__in=[school.pk for school in schools])
        if len(schools) < 2:
            del self.filters["school"]

    def only_teachers(self, queryset, name, value):
        return queryset.filter(teaches=True) if value else queryset
