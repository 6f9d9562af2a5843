import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Movement, MovementKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BookFilterSet(django_filters.FilterSet):
    """The school's book by kind, date and class (the class moved from or into)."""

    kind = django_filters.ChoiceFilter(choices=MovementKind.choices, label=_("movement"))
    starts_on = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          label=_("from"), widget=DATE)
    ends_on = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("to"),
                                        widget=DATE)
    school_class = django_filters.ModelChoiceFilter(queryset=None, label=_("class"),
                                                    method="of_class")

    class Meta:
        model = Movement
        fields = ["kind", "starts_on", "ends_on", "school_class"]

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school_class"].queryset = classes

    def of_class(self, queryset, name, value):
        return queryset.filter(Q(from_class=value) | Q(to_class=value))
