import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from records.filters import visible_classes, visible_institutions

from .models import SchoolClass, TeachingAssignment


class SchoolClassFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    grade = django_filters.NumberFilter(label=_("grade"))

    class Meta:
        model = SchoolClass
        fields = ["institution", "grade"]


class TeachingAssignmentFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))

    class Meta:
        model = TeachingAssignment
        fields = ["institution", "school_class"]
