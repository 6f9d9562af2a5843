import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from records.filters import visible_classes, visible_institutions
from records.models import Staff

from .models import Event, Lesson, Room, ThematicPlan, TimetableChange, TimetableEntry, Weekday


def visible_teachers(request):
    return Staff.objects.visible_to(request.user).filter(teaches=True).select_related("person")


def visible_rooms(request):
    return Room.objects.visible_to(request.user)


class TimetableEntryFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(queryset=visible_institutions,
                                                   label=_("institution"))
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))
    teacher = django_filters.ModelChoiceFilter(queryset=visible_teachers, label=_("teacher"))
    room = django_filters.ModelChoiceFilter(queryset=visible_rooms, label=_("room"))
    weekday = django_filters.ChoiceFilter(choices=Weekday.choices, label=_("day of the week"))

    class Meta:
        model = TimetableEntry
        fields = ["institution", "school_class", "teacher", "room", "weekday"]


class TimetableChangeFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(queryset=visible_institutions,
                                                   label=_("institution"))
    date = django_filters.DateFromToRangeFilter(label=_("date of the lesson"))

    class Meta:
        model = TimetableChange
        fields = ["institution", "kind", "date"]


class LessonFilterSet(WagtailFilterSet):
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))
    teacher = django_filters.ModelChoiceFilter(queryset=visible_teachers, label=_("teacher"))
    date = django_filters.DateFromToRangeFilter(label=_("date"))

    class Meta:
        model = Lesson
        fields = ["school_class", "teacher", "date", "is_cancelled"]


class EventFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(queryset=visible_institutions,
                                                   label=_("institution"))
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))

    class Meta:
        model = Event
        fields = ["institution", "school_class"]


class ThematicPlanFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(queryset=visible_institutions,
                                                   label=_("institution"))
    school_class = django_filters.ModelChoiceFilter(queryset=visible_classes, label=_("class"))

    class Meta:
        model = ThematicPlan
        fields = ["institution", "school_class", "grade", "subject"]


class RoomFilterSet(WagtailFilterSet):
    institution = django_filters.ModelChoiceFilter(queryset=visible_institutions,
                                                   label=_("institution"))

    class Meta:
        model = Room
        fields = ["institution"]
