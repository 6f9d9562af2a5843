from django.contrib import messages
from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from portal.viewsets import (
    OFFICE_ROLES,
    AdminPageViewSet,
    MatrixPermissionPolicy,
    PermissionMenuItem,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedModelViewSet,
    Wording,
)

from . import actions, views_admin
from .filters import (
    EventFilterSet,
    LessonFilterSet,
    RoomFilterSet,
    ThematicPlanFilterSet,
    TimetableChangeFilterSet,
    TimetableEntryFilterSet,
)
from .forms import LessonForm, ThematicPlanForm, TimetableEntryForm
from .models import BellSchedule, Event, Lesson, Room, ThematicPlan, TimetableChange, TimetableEntry
from .thematic import TOPICS_IMPORTED, refill_lessons

for model in (Room, BellSchedule, TimetableEntry, TimetableChange, Lesson, Event, ThematicPlan):
    register_permission_policy(model, MatrixPermissionPolicy(model))


def fields(*names):
    return [FieldPanel(name) for name in names]


class RoomViewSet(ScopedModelViewSet):
    model = Room
    icon = "home"
    menu_label = _("Rooms")
    wording = Wording(
        _("Add room"),
        ngettext_lazy("%(count)d room", "%(count)d rooms", "count"),
        "masculine")
    list_display = ["name", "short_name", "capacity", "institution"]
    list_select_related = ["institution"]
    filterset_class = RoomFilterSet
    panels = fields("institution", "name", "short_name", "capacity")


class BellScheduleViewSet(ScopedModelViewSet):
    model = BellSchedule
    icon = "time"
    menu_label = _("Lesson times")
    wording = Wording(
        _("Add bell schedule"),
        ngettext_lazy("%(count)d bell schedule", "%(count)d bell schedules", "count"),
        "neuter")
    list_display = ["name", "institution"]
    list_select_related = ["institution"]
    panels = [*fields("institution", "name"), InlinePanel(
        "lesson_times", heading=_("Lessons"),
        panels=[FieldRowPanel(fields("number", "starts_at", "ends_at"))])]


class RegeneratesLessons:
    """Admin edits of the weekly timetable and its dated changes bring the class's
    lessons in line at once, as the grid editor does, so the calendars show them."""

    def save_instance(self):
        instance = super().save_instance()
        school_class = getattr(instance, "school_class", None) or instance.entry.school_class
        report = actions.regenerate(school_class)
        if report.kept:
            messages.warning(self.request, _(
                "%(n)s lessons hold journal data and were kept as they were.")
                % {"n": len(report.kept)})
        return instance


class TimetableCreateView(RegeneratesLessons, ScopedCreateView):
    pass


class TimetableEditView(RegeneratesLessons, ScopedEditView):
    pass


class TimetableEntryDeleteView(ScopedDeleteView):
    def delete_action(self):
        actions.delete_entry(self.object)


class TimetableChangeDeleteView(ScopedDeleteView):
    def delete_action(self):
        school_class = self.object.entry.school_class
        super().delete_action()
        actions.regenerate(school_class)


class TimetableEntryViewSet(ScopedModelViewSet):
    model = TimetableEntry
    add_view_class = TimetableCreateView
    edit_view_class = TimetableEditView
    delete_view_class = TimetableEntryDeleteView
    icon = "table"
    menu_label = _("Timetable")
    wording = Wording(
        _("Add timetable lesson"),
        ngettext_lazy("%(count)d timetable lesson", "%(count)d timetable lessons", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    list_display = ["school_class", "weekday", "lesson_number", "weeks", "subject", "teacher",
                    "room", "subgroup"]
    list_export = ["school_class", "weekday", "lesson_number", "weeks", "subject", "teacher",
                   "room", "subgroup", "joint", "valid_from", "valid_to"]
    list_select_related = ["school_class", "subject", "teacher__person", "room", "subgroup"]
    filterset_class = TimetableEntryFilterSet
    base_form_class = TimetableEntryForm
    panels = [
        *fields("institution", "academic_year", "school_class", "subgroup"),
        FieldRowPanel(fields("weekday", "lesson_number", "weeks")),
        *fields("subject", "teacher", "co_teachers", "room", "joint"),
        FieldRowPanel(fields("valid_from", "valid_to")),
    ]


class TimetableChangeViewSet(ScopedModelViewSet):
    model = TimetableChange
    add_view_class = TimetableCreateView
    edit_view_class = TimetableEditView
    delete_view_class = TimetableChangeDeleteView
    icon = "warning"
    menu_label = _("Timetable changes")
    wording = Wording(
        _("Add timetable change"),
        ngettext_lazy("%(count)d timetable change", "%(count)d timetable changes", "count"),
        "neuter")
    menu_readers = OFFICE_ROLES
    list_display = ["date", "entry", "kind", "replacement_teacher", "new_date",
                    "new_lesson_number", "new_room"]
    list_select_related = ["entry__school_class", "entry__subject",
                           "replacement_teacher__person", "new_room"]
    filterset_class = TimetableChangeFilterSet
    panels = [*fields("institution", "entry", "date", "kind", "replacement_teacher"),
              FieldRowPanel(fields("new_date", "new_lesson_number")),
              *fields("new_room", "note")]


class LessonViewSet(ScopedModelViewSet):
    model = Lesson
    icon = "doc-full"
    menu_label = _("Lessons")
    wording = Wording(
        _("Add lesson"),
        ngettext_lazy("%(count)d lesson", "%(count)d lessons", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    add_view_enabled = False
    list_display = ["date", "lesson_number", "school_class", "subject", "teacher", "room",
                    "topic", "is_cancelled"]
    list_select_related = ["school_class", "subject", "teacher__person", "room"]
    filterset_class = LessonFilterSet
    base_form_class = LessonForm
    panels = fields("topic")


class EventViewSet(ScopedModelViewSet):
    model = Event
    icon = "date"
    menu_label = _("Events")
    wording = Wording(
        _("Add event"),
        ngettext_lazy("%(count)d event", "%(count)d events", "count"),
        "neuter")
    menu_readers = OFFICE_ROLES
    list_display = ["title", "starts_on", "ends_on", "school_class", "institution"]
    list_select_related = ["school_class", "institution"]
    filterset_class = EventFilterSet
    panels = [*fields("institution", "school_class", "title"),
              FieldRowPanel(fields("starts_on", "ends_on", "starts_at")),
              *fields("place", "description")]


class RefillLessonsMixin:
    """R-KTP-1: once a plan is saved its topics flow into the lessons, in the same
    transaction."""

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            refill_lessons(instance)
        return instance


class ThematicPlanCreateView(RefillLessonsMixin, ScopedCreateView):
    pass


class ThematicPlanEditView(RefillLessonsMixin, ScopedEditView):
    pass


class ThematicPlanIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("schedule.change_thematicplan", instance):
            buttons.append(MenuItem(_("Import topics"), reverse(
                "schedule_thematicplan_import", args=[instance.pk]), icon_name="upload",
                priority=30))
        return buttons


class ThematicPlanViewSet(ScopedModelViewSet):
    model = ThematicPlan
    icon = "list-ol"
    menu_label = _("Thematic plans")
    wording = Wording(
        _("Add thematic plan"),
        ngettext_lazy("%(count)d thematic plan", "%(count)d thematic plans", "count"),
        "neuter")
    menu_readers = OFFICE_ROLES
    index_view_class = ThematicPlanIndexView
    add_view_class = ThematicPlanCreateView
    edit_view_class = ThematicPlanEditView
    base_form_class = ThematicPlanForm
    list_display = ["subject", "school_class", "grade", "academic_year", "author"]
    list_select_related = ["subject", "school_class", "academic_year", "author__person"]
    filterset_class = ThematicPlanFilterSet
    panels = [*fields("institution", "academic_year", "subject", "school_class", "grade",
                      "author"),
              InlinePanel("topics", heading=_("Topics"),
                          panels=[FieldRowPanel(fields("title", "hours"))])]


class GapReportPage(AdminPageViewSet):
    """R-KTP-1: planned against held lessons per class and subject."""

    name = "schedule_gaps"
    url_prefix = "schedule/plan-gaps"
    icon = "list-ol"
    menu_label = _("Plan and lessons")
    permission_required = "curriculum.view_teachingassignment"

    def get_view(self):
        return views_admin.gap_report


class TimetableViewSetGroup(ModelViewSetGroup):
    menu_label = _("Timetable")
    menu_icon = "time"
    menu_order = 215
    items = (TimetableEntryViewSet, TimetableChangeViewSet, LessonViewSet, BellScheduleViewSet,
             RoomViewSet, EventViewSet, ThematicPlanViewSet, GapReportPage)


@hooks.register("register_admin_viewset")
def register_schedule_viewsets():
    return TimetableViewSetGroup()


@hooks.register("register_admin_urls")
def register_thematic_urls():
    return [
        path("schedule/thematicplan/<id:pk>/import/", views_admin.import_topics,
             name="schedule_thematicplan_import"),
    ]


@hooks.register("register_log_actions")
def register_schedule_log_actions(actions):
    actions.register_action(TOPICS_IMPORTED, _("Topics imported"), _("Topics imported"))


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("schedule/import/", views_admin.import_timetable, name="schedule_import"),
        path("schedule/import/review/", views_admin.import_review,
             name="schedule_import_review"),
        path("schedule/import/sample.csv", views_admin.import_sample,
             name="schedule_import_sample"),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return PermissionMenuItem(_("Import timetable"), reverse("schedule_import"),
                              "schedule.add_timetableentry", icon_name="upload", order=216)
