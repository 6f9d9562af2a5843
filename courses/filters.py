import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from curriculum.models import Subject
from portal.filters import WholeNumberFilter
from records.filters import visible_institutions

from .models import Course, CourseMaterial, MaterialKind


def visible_subjects(request):
    return Subject.objects.visible_to(request.user).select_related("institution")


def visible_courses(request):
    return Course.objects.visible_to(request.user, "courses.change_course")


class CourseFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(queryset=visible_institutions,
                                                   label=_("institution"))
    subject = django_filters.ModelChoiceFilter(queryset=visible_subjects, label=_("subject"))
    grade = WholeNumberFilter(min_value=1, max_value=11, label=_("grade"))

    class Meta:
        model = Course
        fields = ["institution", "subject", "grade", "shared"]


class CourseMaterialFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(queryset=visible_courses, label=_("course"),
                                              field_name="section__course")
    kind = django_filters.ChoiceFilter(choices=MaterialKind.choices, label=_("kind"))

    class Meta:
        model = CourseMaterial
        fields = ["course", "kind"]
