import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from portal.filters import WholeNumberFilter
from records.filters import visible_classes, visible_institutions

from .models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    CurriculumProfile,
    GradePeriodType,
    GradingScale,
    Holiday,
    LoadLimit,
    MarkType,
    Period,
    PeriodType,
    SchoolClass,
    Subgroup,
    TeachingAssignment,
)


class SchoolClassFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    grade = WholeNumberFilter(label=_("grade"), min_value=0, max_value=12)

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


def visible_years(request):
    return AcademicYear.objects.visible_to(request.user).select_related("institution")


def visible_period_types(request):
    return PeriodType.objects.visible_to(request.user)


class SharedSettingFilterSet(WagtailFilterSet):
    """Department-wide rows, or one school's additions."""

    department_wide = django_filters.BooleanFilter(
        field_name="institution", lookup_expr="isnull", label=_("department-wide")
    )
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )


class HolidayFilterSet(SharedSettingFilterSet):
    class Meta:
        model = Holiday
        fields = ["department_wide", "institution"]


class LoadLimitFilterSet(SharedSettingFilterSet):
    grade = WholeNumberFilter(label=_("grade"), min_value=0, max_value=12)

    class Meta:
        model = LoadLimit
        fields = ["department_wide", "institution", "week_days", "grade"]


class PeriodFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    academic_year = django_filters.ModelChoiceFilter(queryset=visible_years,
                                                     label=_("academic year"))
    period_type = django_filters.ModelChoiceFilter(queryset=visible_period_types,
                                                   label=_("period type"))

    class Meta:
        model = Period
        fields = ["institution", "academic_year", "period_type"]


class CurriculumLineFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    academic_year = django_filters.ModelChoiceFilter(queryset=visible_years,
                                                     label=_("academic year"))
    grade = WholeNumberFilter(label=_("grade"), min_value=0, max_value=12)

    class Meta:
        model = CurriculumLine
        fields = ["institution", "academic_year", "grade", "component"]


class PeriodTypeFilterSet(SharedSettingFilterSet):
    class Meta:
        model = PeriodType
        fields = ["department_wide", "institution"]


class GradingScaleFilterSet(SharedSettingFilterSet):
    class Meta:
        model = GradingScale
        fields = ["department_wide", "institution"]


class MarkTypeFilterSet(SharedSettingFilterSet):
    class Meta:
        model = MarkType
        fields = ["department_wide", "institution"]


class CurriculumProfileFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )

    class Meta:
        model = CurriculumProfile
        fields = ["institution"]


class GradePeriodTypeFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(
        queryset=visible_institutions, label=_("institution")
    )
    academic_year = django_filters.ModelChoiceFilter(queryset=visible_years,
                                                     label=_("academic year"))
    grade = WholeNumberFilter(label=_("grade"), min_value=0, max_value=12)

    class Meta:
        model = GradePeriodType
        fields = ["institution", "academic_year", "grade"]


class SubgroupFilterSet(WagtailFilterSet):
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))

    class Meta:
        model = Subgroup
        fields = ["school_class", "subject"]


class ClassMembershipFilterSet(WagtailFilterSet):
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))

    class Meta:
        model = ClassMembership
        fields = ["school_class"]
