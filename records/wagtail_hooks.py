from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from portal.viewsets import MatrixPermissionPolicy, ScopedModelViewSet

from .filters import ParentFilterSet, PupilFilterSet, RoleAssignmentFilterSet, StaffFilterSet
from .forms import PERSON_FIELDS, PersonRecordForm
from .models import Institution, Parent, Pupil, RoleAssignment, Staff

for model in (Institution, Staff, Pupil, Parent, RoleAssignment):
    register_permission_policy(model, MatrixPermissionPolicy(model))

PERSON_PANELS = [FieldPanel(field) for field in PERSON_FIELDS]


class InstitutionViewSet(ScopedModelViewSet):
    model = Institution
    icon = "home"
    menu_label = _("Institutions")
    list_display = ["short_name", "name", "address", "phone"]
    search_fields = ["name", "short_name"]
    list_export = ["short_name", "name", "address", "phone", "email"]
    panels = [
        FieldPanel("department"),
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
    ]


class PersonRecordViewSet(ScopedModelViewSet):
    """Staff, pupils and parents: listed by name, searched in Russian on both databases."""

    base_form_class = PersonRecordForm
    search_fields = ["person__search_name"]


class StaffViewSet(PersonRecordViewSet):
    model = Staff
    icon = "user"
    menu_label = _("Staff")
    list_display = ["person", "position", "institution", "hired_on"]
    list_export = ["person", "position", "institution", "personnel_number", "hired_on"]
    filterset_class = StaffFilterSet
    panels = [
        FieldPanel("institution"),
        *PERSON_PANELS,
        FieldPanel("position"),
        FieldPanel("personnel_number"),
        FieldPanel("hired_on"),
        FieldPanel("left_on"),
    ]
    list_select_related = ["person", "institution"]


class PupilViewSet(PersonRecordViewSet):
    model = Pupil
    icon = "group"
    menu_label = _("Pupils")
    list_display = ["person", "school_class", "institution"]
    list_export = ["person", "school_class", "institution"]
    filterset_class = PupilFilterSet
    panels = [
        FieldPanel("institution"),
        *PERSON_PANELS,
        FieldPanel("school_class"),
        FieldPanel("personal_file_number"),
        FieldPanel("enrolled_on"),
        FieldPanel("left_on"),
    ]
    list_select_related = ["person", "institution", "school_class"]


class ParentViewSet(PersonRecordViewSet):
    model = Parent
    icon = "user"
    menu_label = _("Parents")
    list_display = ["person", "institution", "mobile_phone"]
    list_export = ["person", "institution"]
    filterset_class = ParentFilterSet
    panels = [
        FieldPanel("institution"),
        *PERSON_PANELS,
        FieldPanel("mobile_phone"),
        FieldPanel("email"),
    ]
    list_select_related = ["person", "institution"]


class RoleAssignmentViewSet(ScopedModelViewSet):
    model = RoleAssignment
    icon = "key"
    menu_label = _("Roles and rights")
    list_display = ["person", "role", "institution", "valid_from", "valid_to"]
    list_export = ["person", "role", "institution", "valid_from", "valid_to"]
    filterset_class = RoleAssignmentFilterSet
    search_fields = ["person__search_name"]
    panels = [
        FieldPanel("person"),
        FieldPanel("role"),
        FieldPanel("institution"),
        FieldPanel("valid_from"),
        FieldPanel("valid_to"),
    ]
    list_select_related = ["person", "institution"]


class RecordsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Records")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (InstitutionViewSet, StaffViewSet, PupilViewSet, ParentViewSet,
             RoleAssignmentViewSet)


@hooks.register("register_admin_viewset")
def register_records_viewsets():
    return RecordsViewSetGroup()
