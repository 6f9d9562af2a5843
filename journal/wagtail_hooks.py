from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from portal.viewsets import MatrixPermissionPolicy, ScopedIndexView, ScopedModelViewSet

from .filters import SchoolClassFilterSet, TeachingAssignmentFilterSet
from .models import AcademicYear, SchoolClass, Subject, TeachingAssignment

for model in (AcademicYear, SchoolClass, Subject, TeachingAssignment):
    register_permission_policy(model, MatrixPermissionPolicy(model))


class AcademicYearViewSet(ScopedModelViewSet):
    model = AcademicYear
    icon = "date"
    menu_label = _("Academic years")
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
    list_display = ["__str__", "institution", "academic_year", "class_teacher"]
    list_export = ["__str__", "institution", "academic_year", "class_teacher"]
    filterset_class = SchoolClassFilterSet
    panels = [FieldPanel(f) for f in ("institution", "academic_year", "grade", "letter",
                                      "class_teacher")]
    list_select_related = ["institution", "academic_year", "class_teacher__person"]


class SubjectViewSet(ScopedModelViewSet):
    model = Subject
    icon = "doc-full"
    menu_label = _("Subjects")
    list_display = ["name", "short_name", "institution"]
    search_fields = ["name"]
    panels = [FieldPanel(f) for f in ("institution", "name", "short_name")]
    list_select_related = ["institution"]


class TeachingAssignmentViewSet(ScopedModelViewSet):
    model = TeachingAssignment
    icon = "user"
    menu_label = _("Teaching assignments")
    list_display = ["school_class", "subject", "teacher", "hours_per_week", "institution"]
    filterset_class = TeachingAssignmentFilterSet
    panels = [FieldPanel(f) for f in ("institution", "teacher", "school_class", "subject",
                                      "hours_per_week")]
    list_select_related = ["institution", "teacher__person", "school_class", "subject"]


class CurriculumViewSetGroup(ModelViewSetGroup):
    menu_label = _("Curriculum")
    menu_icon = "table"
    menu_order = 210
    items = (AcademicYearViewSet, SchoolClassViewSet, SubjectViewSet, TeachingAssignmentViewSet)


@hooks.register("register_admin_viewset")
def register_journal_viewsets():
    return CurriculumViewSetGroup()
