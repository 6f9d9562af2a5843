from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from portal.viewsets import (
    OFFICE_ROLES,
    AdminPageViewSet,
    MatrixPermissionPolicy,
    PermissionMenuItem,
    ScopedDeleteView,
    ScopedIndexView,
    ScopedModelViewSet,
    Wording,
)

from . import views_admin
from .actions import APPROVED, NEW_VERSION
from .filters import (
    ClassMembershipFilterSet,
    CurriculumLineFilterSet,
    CurriculumProfileFilterSet,
    GradePeriodTypeFilterSet,
    GradingScaleFilterSet,
    HolidayFilterSet,
    LoadLimitFilterSet,
    MarkTypeFilterSet,
    PeriodFilterSet,
    PeriodTypeFilterSet,
    SchoolClassFilterSet,
    SubgroupFilterSet,
    TeachingAssignmentFilterSet,
)
from .forms import InstitutionSettingsForm
from .models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    CurriculumProfile,
    GradePeriodType,
    GradingScale,
    Holiday,
    InstitutionSettings,
    LoadLimit,
    MarkType,
    Period,
    PeriodType,
    SchoolClass,
    Subgroup,
    SubgroupMembership,
    Subject,
    Tariffication,
    TeachingAssignment,
)
from .rules import RUN_SETUP_WIZARD

for model in (AcademicYear, SchoolClass, Subject, TeachingAssignment, PeriodType, GradingScale,
              MarkType, Holiday, LoadLimit, InstitutionSettings, CurriculumProfile, Period,
              GradePeriodType, CurriculumLine, Subgroup, ClassMembership, SubgroupMembership,
              Tariffication):
    register_permission_policy(model, MatrixPermissionPolicy(model))


def fields(*names):
    return [FieldPanel(name) for name in names]


class AcademicYearViewSet(ScopedModelViewSet):
    model = AcademicYear
    icon = "date"
    menu_label = _("Academic years")
    wording = Wording(
        _("Add academic year"),
        ngettext_lazy("%(count)d academic year", "%(count)d academic years", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    list_display = ["name", "institution", "starts_on", "ends_on", "is_current"]
    panels = [FieldPanel(f) for f in ("institution", "name", "starts_on", "ends_on",
                                      "is_current")]
    list_select_related = ["institution"]


class SchoolClassIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("records.issue_credentials", instance):
            buttons.append(MenuItem(_("Issue logins"), reverse(
                "records_issue_credentials", args=[instance.pk]), icon_name="key",
                priority=30))
        return buttons


class SchoolClassViewSet(ScopedModelViewSet):
    model = SchoolClass
    index_view_class = SchoolClassIndexView
    icon = "group"
    menu_label = _("Classes")
    wording = Wording(
        _("Add class"),
        ngettext_lazy("%(count)d class", "%(count)d classes", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    list_display = ["__str__", "institution", "academic_year", "class_teacher"]
    list_export = ["__str__", "institution", "academic_year", "class_teacher"]
    filterset_class = SchoolClassFilterSet
    panels = [FieldPanel(f) for f in ("institution", "academic_year", "grade", "letter",
                                      "class_teacher", "profile", "home_room",
                                      "bell_schedule")]
    list_select_related = ["institution", "academic_year", "class_teacher__person"]


class SubjectViewSet(ScopedModelViewSet):
    model = Subject
    icon = "doc-full"
    menu_label = _("Subjects")
    wording = Wording(
        _("Add subject"),
        ngettext_lazy("%(count)d subject", "%(count)d subjects", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    list_display = ["name", "short_name", "institution"]
    search_fields = ["name"]
    panels = [FieldPanel(f) for f in ("institution", "name", "short_name")]
    list_select_related = ["institution"]


class TeachingAssignmentDeleteView(ScopedDeleteView):
    """An approved tariffication freezes the load: removing a row is a change too."""

    def form_valid(self, form):
        if Tariffication.is_locked(self.object.school_class.academic_year_id):
            messages.error(self.request, _(
                "The tariffication of this year is approved: start a new version to change "
                "the teaching load."))
            return redirect(self.get_success_url())
        return super().form_valid(form)


class TeachingAssignmentViewSet(ScopedModelViewSet):
    model = TeachingAssignment
    delete_view_class = TeachingAssignmentDeleteView
    icon = "user"
    menu_label = _("Teaching assignments")
    wording = Wording(
        _("Add teaching assignment"),
        ngettext_lazy("%(count)d teaching assignment", "%(count)d teaching assignments", "count"),
        "feminine")
    menu_readers = OFFICE_ROLES
    list_display = ["school_class", "subject", "subgroup", "teacher", "hours_per_week",
                    "institution"]
    filterset_class = TeachingAssignmentFilterSet
    panels = [FieldPanel(f) for f in ("institution", "teacher", "school_class", "subject",
                                      "subgroup", "hours_per_week")]
    list_select_related = ["institution", "teacher__person", "school_class", "subject",
                           "subgroup"]


class CurriculumProfileViewSet(ScopedModelViewSet):
    model = CurriculumProfile
    icon = "tag"
    menu_label = _("Curriculum profiles")
    wording = Wording(
        _("Add curriculum profile"),
        ngettext_lazy("%(count)d curriculum profile", "%(count)d curriculum profiles", "count"),
        "masculine")
    list_display = ["name", "institution"]
    filterset_class = CurriculumProfileFilterSet
    panels = fields("institution", "name")
    list_select_related = ["institution"]


class PeriodViewSet(ScopedModelViewSet):
    model = Period
    icon = "date"
    menu_label = _("Periods")
    wording = Wording(
        _("Add grading period"),
        ngettext_lazy("%(count)d grading period", "%(count)d grading periods", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    list_display = ["period_type", "number", "starts_on", "ends_on", "academic_year",
                    "institution"]
    list_export = ["institution", "academic_year", "period_type", "number", "starts_on",
                   "ends_on"]
    filterset_class = PeriodFilterSet
    panels = fields("institution", "academic_year", "period_type", "number", "starts_on",
                    "ends_on")
    list_select_related = ["institution", "academic_year", "period_type"]


class GradePeriodTypeViewSet(ScopedModelViewSet):
    model = GradePeriodType
    icon = "date"
    menu_label = _("Period types of grades")
    wording = Wording(
        _("Add period type of a grade"),
        ngettext_lazy("%(count)d period type of a grade",
                      "%(count)d period types of grades", "count"),
        "masculine")
    list_display = ["grade", "period_type", "academic_year", "institution"]
    filterset_class = GradePeriodTypeFilterSet
    panels = fields("institution", "academic_year", "grade", "period_type")
    list_select_related = ["institution", "academic_year", "period_type"]


class CurriculumLineViewSet(ScopedModelViewSet):
    model = CurriculumLine
    icon = "table"
    menu_label = _("Curriculum plan")
    wording = Wording(
        _("Add curriculum line"),
        ngettext_lazy("%(count)d curriculum line", "%(count)d curriculum lines", "count"),
        "feminine")
    menu_readers = OFFICE_ROLES
    list_display = ["grade", "subject", "profile", "component", "hours_per_week",
                    "academic_year", "institution"]
    list_export = ["institution", "academic_year", "grade", "profile", "subject", "component",
                   "hours_per_week"]
    filterset_class = CurriculumLineFilterSet
    panels = fields("institution", "academic_year", "grade", "profile", "subject", "component",
                    "hours_per_week")
    list_select_related = ["institution", "academic_year", "profile", "subject"]


class SubgroupViewSet(ScopedModelViewSet):
    model = Subgroup
    icon = "group"
    menu_label = _("Subgroups")
    wording = Wording(
        _("Add subgroup"),
        ngettext_lazy("%(count)d subgroup", "%(count)d subgroups", "count"),
        "feminine")
    list_display = ["school_class", "subject", "name", "teacher"]
    list_select_related = ["school_class", "subject", "teacher__person"]
    filterset_class = SubgroupFilterSet
    panels = fields("institution", "school_class", "subject", "name", "teacher")


class ClassMembershipViewSet(ScopedModelViewSet):
    model = ClassMembership
    icon = "user"
    menu_label = _("Pupils in classes")
    wording = Wording(
        _("Add pupil to a class"),
        ngettext_lazy("%(count)d pupil in classes", "%(count)d pupils in classes", "count"),
        "masculine")
    list_display = ["pupil", "school_class", "starts_on", "ends_on"]
    list_select_related = ["pupil__person", "school_class"]
    filterset_class = ClassMembershipFilterSet
    search_fields = ["pupil__person__search_name"]
    panels = fields("institution", "pupil", "school_class", "starts_on", "ends_on")


class SubgroupMembershipViewSet(ScopedModelViewSet):
    model = SubgroupMembership
    icon = "user"
    menu_label = _("Pupils in subgroups")
    wording = Wording(
        _("Add pupil to a subgroup"),
        ngettext_lazy("%(count)d pupil in subgroups", "%(count)d pupils in subgroups", "count"),
        "masculine")
    list_display = ["pupil", "subgroup", "starts_on", "ends_on"]
    list_select_related = ["pupil__person", "subgroup__school_class", "subgroup__subject"]
    panels = fields("institution", "subgroup", "pupil", "starts_on", "ends_on")


class CurriculumPlanPage(AdminPageViewSet):
    """R-CUR-2: the plan of a year as a table with totals and load limits; read-only,
    the lines are edited in their listing and in the setup wizard."""

    name = "journal_plan"
    url_prefix = "journal/plan"
    icon = "table"
    menu_label = _("Curriculum plan overview")
    menu_roles = OFFICE_ROLES
    permission_required = "curriculum.view_curriculumline"

    def get_view(self):
        return views_admin.curriculum_plan


class TarifficationPage(AdminPageViewSet):
    """R-CUR-3: the teacher load of a year, compared with the plan, and its approval."""

    name = "journal_load"
    url_prefix = "journal/load"
    icon = "user"
    menu_label = _("Teacher load")
    menu_roles = OFFICE_ROLES
    permission_required = "curriculum.view_tariffication"

    def get_view(self):
        return views_admin.tariffication


class CurriculumViewSetGroup(ModelViewSetGroup):
    menu_label = _("Curriculum")
    menu_icon = "table"
    menu_order = 210
    # A list, not a tuple: the journal puts its closing of periods after the load page
    # (journal/wagtail_hooks.py), so this menu imports no higher app.
    items = [CurriculumPlanPage, TarifficationPage, AcademicYearViewSet,
             SchoolClassViewSet,
             SubgroupViewSet, ClassMembershipViewSet, SubgroupMembershipViewSet,
             SubjectViewSet, TeachingAssignmentViewSet,
             CurriculumProfileViewSet, PeriodViewSet, GradePeriodTypeViewSet,
             CurriculumLineViewSet]


# School settings (R-INST-3): the department's rows and each school's additions.


class PeriodTypeViewSet(ScopedModelViewSet):
    model = PeriodType
    icon = "date"
    menu_label = _("Period types")
    wording = Wording(
        _("Add period type"),
        ngettext_lazy("%(count)d period type", "%(count)d period types", "count"),
        "masculine")
    list_display = ["name", "periods_count", "institution"]
    filterset_class = PeriodTypeFilterSet
    panels = fields("institution", "name", "periods_count", "period_name")
    list_select_related = ["institution"]


class GradingScaleViewSet(ScopedModelViewSet):
    model = GradingScale
    icon = "list-ol"
    menu_label = _("Grading scales")
    wording = Wording(
        _("Add grading scale"),
        ngettext_lazy("%(count)d grading scale", "%(count)d grading scales", "count"),
        "feminine")
    list_display = ["name", "marks", "lowest_passing_mark", "institution"]
    filterset_class = GradingScaleFilterSet
    panels = fields("institution", "name", "marks", "lowest_passing_mark")
    list_select_related = ["institution"]


class MarkTypeViewSet(ScopedModelViewSet):
    model = MarkType
    icon = "pick"
    menu_label = _("Mark types")
    wording = Wording(
        _("Add mark type"),
        ngettext_lazy("%(count)d mark type", "%(count)d mark types", "count"),
        "masculine")
    list_display = ["name", "short_name", "weight", "institution"]
    list_export = ["name", "short_name", "weight", "institution"]
    search_fields = ["name"]
    filterset_class = MarkTypeFilterSet
    panels = fields("institution", "name", "short_name", "weight")
    list_select_related = ["institution"]


class HolidayViewSet(ScopedModelViewSet):
    model = Holiday
    icon = "date"
    menu_label = _("Holidays")
    wording = Wording(
        _("Add holiday"),
        ngettext_lazy("%(count)d holiday", "%(count)d holidays", "count"),
        "plural")
    list_display = ["name", "first_day", "last_day", "institution"]
    list_export = ["name", "first_day", "last_day", "institution"]
    filterset_class = HolidayFilterSet
    panels = fields("institution", "name", "first_day", "last_day")
    list_select_related = ["institution"]


class LoadLimitViewSet(ScopedModelViewSet):
    model = LoadLimit
    icon = "time"
    menu_label = _("Load limits")
    wording = Wording(
        _("Add load limit"),
        ngettext_lazy("%(count)d load limit", "%(count)d load limits", "count"),
        "feminine")
    list_display = ["grade", "week_days", "max_hours", "institution"]
    list_export = ["grade", "week_days", "max_hours", "institution"]
    filterset_class = LoadLimitFilterSet
    panels = fields("institution", "grade", "week_days", "max_hours")
    list_select_related = ["institution"]


class InstitutionSettingsViewSet(ScopedModelViewSet):
    model = InstitutionSettings
    icon = "cog"
    menu_label = _("School settings")
    wording = Wording(
        _("Add school settings"),
        ngettext_lazy("Settings of %(count)d school", "Settings of %(count)d schools", "count"),
        "plural")
    base_form_class = InstitutionSettingsForm
    list_display = ["institution", "grading_scale", "default_period_type", "week_days",
                    "no_marks_in_first_grade", "rounding_threshold"]
    panels = fields("institution", "grading_scale", "default_period_type", "week_days",
                    "no_marks_in_first_grade", "rounding_threshold")
    list_select_related = ["institution", "grading_scale", "default_period_type"]


class SchoolSettingsViewSetGroup(ModelViewSetGroup):
    menu_label = _("School settings")
    menu_icon = "cog"
    menu_order = 220
    items = (InstitutionSettingsViewSet, PeriodTypeViewSet, GradingScaleViewSet,
             MarkTypeViewSet, HolidayViewSet, LoadLimitViewSet)


@hooks.register("register_admin_viewset")
def register_curriculum_viewsets():
    return CurriculumViewSetGroup()


@hooks.register("register_admin_viewset")
def register_school_settings_viewsets():
    return SchoolSettingsViewSetGroup()


# The data-entry wizard (R-WIZ-1).


@hooks.register("register_admin_urls")
def register_setup_wizard_urls():
    return [
        path("journal/setup/", views_admin.setup_index, name="journal_setup"),
        path("journal/setup/<id:institution_pk>/", views_admin.setup_resume,
             name="journal_setup_resume"),
        path("journal/setup/<id:institution_pk>/lock/", views_admin.setup_lock,
             name="journal_setup_lock"),
        path("journal/setup/<id:institution_pk>/<slug:step>/", views_admin.setup_step,
             name="journal_setup_step"),
    ]


@hooks.register("register_admin_menu_item")
def register_setup_wizard_menu_item():
    return PermissionMenuItem(_("School setup wizard"), reverse("journal_setup"),
                              RUN_SETUP_WIZARD, icon_name="cogs", order=215)


@hooks.register("register_log_actions")
def register_curriculum_log_actions(actions):
    actions.register_action(APPROVED, _("Tariffication approved"),
                            _("Tariffication approved"))
    actions.register_action(NEW_VERSION, _("New tariffication version"),
                            _("New tariffication version started"))
