import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from curriculum.models import SchoolClass
from portal.filters import WholeNumberFilter

from .models import (
    DirectoryEntry,
    Institution,
    Parent,
    Pupil,
    PupilHealth,
    RoleAssignment,
    Sex,
    Staff,
)


def visible_institutions(request):
    return Institution.objects.visible_to(request.user)


def visible_classes(request):
    return SchoolClass.objects.visible_to(request.user).select_related("institution")


class PupilFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))
    sex = django_filters.ChoiceFilter(
        field_name="person__sex", choices=Sex.choices, label=_("sex")
    )
    birth_year = WholeNumberFilter(
        field_name="person__birth_date__year", label=_("year of birth"),
        min_value=1900, max_value=2100,
    )

    class Meta:
        model = Pupil
        fields = ["institution", "school_class", "sex", "birth_year"]


class StaffFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    current = django_filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", label=_("currently employed")
    )

    class Meta:
        model = Staff
        fields = ["institution", "current"]


class ParentFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    children__school_class = django_filters.ModelChoiceFilter(
        queryset=visible_classes, label=_("class of a child"), distinct=True
    )

    class Meta:
        model = Parent
        fields = ["institution", "children__school_class"]


class RoleAssignmentFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )

    class Meta:
        model = RoleAssignment
        fields = ["institution", "role"]


class PupilGroupFilterSet(WagtailFilterSet):
    pupil__school_class = django_filters.ModelChoiceFilter(
        queryset=visible_classes, label=_("class")
    )

    class Meta:
        model = PupilHealth
        fields = ["pupil__school_class"]


class DirectoryEntryFilterSet(WagtailFilterSet):
    class Meta:
        model = DirectoryEntry
        fields = ["kind", "institution"]
