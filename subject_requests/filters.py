import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.access import today
from records.models import Institution

from .models import RequestKind, RequestState, SubjectRequest


class RegisterFilter(django_filters.FilterSet):
    """The register's filters: state, kind, overdue only, and the school for those who
    read several."""

    state = django_filters.ChoiceFilter(choices=RequestState.choices, label=_("state"))
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices, label=_("kind"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue only"),
                                           widget=forms.CheckboxInput)
    institution = django_filters.ModelChoiceFilter(queryset=Institution.objects.none(),
                                                   label=_("institution"))

    class Meta:
        model = SubjectRequest
        fields = ["state", "kind", "overdue", "institution"]

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is None or len(institutions) < 2:
            del self.filters["institution"]
        else:
            self.filters["institution"].queryset = Institution.objects.filter(
                pk__in=[i.pk for i in institutions])

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(today()) if value else queryset
