from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from portal.viewsets import (
    OFFICE_ROLES,
    AlternativePermissionPolicy,
    MatrixPermissionPolicy,
    PermissionMenuItem,
    ScopedIndexView,
    ScopedModelViewSet,
    Wording,
    related_column,
)

from . import views_admin
from .filters import (
    DirectoryEntryFilterSet,
    ParentFilterSet,
    PupilFilterSet,
    PupilGroupFilterSet,
    RoleAssignmentFilterSet,
    StaffFilterSet,
)
from .forms import PERSON_FIELDS, PersonRecordForm, PupilForm
from .models import (
    Consent,
    DirectoryEntry,
    Institution,
    Parent,
    Pupil,
    PupilCharacteristic,
    PupilHealth,
    RoleAssignment,
    Staff,
)
from .panels import ChildrenPanel, ChosenOncePanel, PersonFieldPanel, PupilGroupForm

for model in (Institution, Staff, Parent, RoleAssignment, PupilHealth,
              PupilCharacteristic, DirectoryEntry, Consent):
    register_permission_policy(model, MatrixPermissionPolicy(model))


class PupilPermissionPolicy(AlternativePermissionPolicy):
    alternatives = {"change": ["records.change_pupil_details"]}


register_permission_policy(Pupil, PupilPermissionPolicy(Pupil))


def fields(*names):
    return [FieldPanel(name) for name in names]


PERSON_PANELS = [PersonFieldPanel(name) for name in PERSON_FIELDS]
PASSPORT = MultiFieldPanel([
    FieldRowPanel(fields("passport_series", "passport_number", "passport_issued_on")),
    FieldPanel("passport_issued_by"),
], heading=_("Passport"))
CONTACTS = fields("residence_address", "registration_address", "home_phone", "email")
FILES = (_("Files"), [InlinePanel("files", heading=_("Attached files"),
                                  panels=fields("title", "file"))])


class DocumentsColumn(Column):
    """The licence, accreditation and attestation of a school; one ending within
    EXPIRY_WARNING_DAYS, or past its end, is highlighted."""

    cell_template_name = "records/admin/documents_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["documents"] = list(instance.documents.all())  # prefetched
        return context


class InstitutionViewSet(ScopedModelViewSet):
    model = Institution
    icon = "home"
    menu_label = _("Institutions")
    wording = Wording(
        _("Add institution"),
        ngettext_lazy("%(count)d institution", "%(count)d institutions", "count"),
        "neuter")
    menu_readers = OFFICE_ROLES
    list_display = ["short_name", "kind", "director_name", "phone",
                    DocumentsColumn("documents", label=_("Licence and accreditation"))]
    search_fields = ["name", "short_name"]
    list_export = ["short_name", "name", "institution_type", "kind", "legal_form", "address",
                   "director_name", "phone", "email", "inn", "okpo", "okato", "okogu"]
    inspect_view_fields = [
        "name", "short_name", "institution_type", "kind", "legal_form", "address",
        "director_name", "deputy_academic_name", "deputy_administrative_name", "phone",
        "fax", "email", "inn", "okpo", "okato", "okogu", "specialisation", "charter",
        "development_programme", "work_plan",
    ]
    tabs = [
        (_("Main"), fields("department", "name", "short_name", "institution_type", "kind",
                           "legal_form", "specialisation")),
        (_("Management and contacts"), fields(
            "director_name", "deputy_academic_name", "deputy_administrative_name",
            "address", "phone", "fax", "email")),
        (_("Codes"), [FieldRowPanel(fields("inn", "okpo")),
                      FieldRowPanel(fields("okato", "okogu"))]),
        (_("Licence and accreditation"), [InlinePanel(
            "documents", heading=_("Licences, accreditation and attestation"),
            panels=[FieldRowPanel(fields("kind", "number")),
                    FieldRowPanel(fields("issued_on", "valid_until")),
                    *fields("issued_by", "scan")])]),
        (_("Documents"), fields("charter", "development_programme", "work_plan")),
    ]
    list_prefetch_related = ["documents"]


class PersonRecordIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        # The model-level check costs no query per row; the view checks the person.
        if instance.person.user_id and self.request.user.has_perm("records.suspend_access"):
            buttons.append(MenuItem(_("Suspend or restore access"), reverse(
                "records_access", args=[instance.person_id]), icon_name="lock",
                priority=40))
        return buttons


class PersonRecordViewSet(ScopedModelViewSet):
    """Staff, pupils and parents: listed by name, searched in Russian on both databases."""

    base_form_class = PersonRecordForm
    index_view_class = PersonRecordIndexView
    search_fields = ["person__search_name"]


class StaffViewSet(PersonRecordViewSet):
    model = Staff
    icon = "user"
    menu_label = _("Staff")
    wording = Wording(
        _("Add staff member"),
        ngettext_lazy("%(count)d staff member", "%(count)d staff members", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    list_display = ["person", "position", "institution", "hired_on"]
    list_export = ["person", "position", "institution", "personnel_number", "hired_on"]
    list_select_related = ["person", "institution", "position"]
    filterset_class = StaffFilterSet
    tabs = [
        (_("Main"), [FieldPanel("institution"), *PERSON_PANELS,
                     *fields("position", "category", "unit", "personnel_number", "teaches",
                             "subjects")]),
        (_("Employment"), fields(
            "hired_on", "hire_order", "left_on", "extra_position_attestation",
            "total_experience_years", "teaching_experience_years", "on_maternity_leave",
            "retirement_date")),
        (_("Documents"), [*fields("citizenship"), PASSPORT, *fields("inn", "snils")]),
        (_("Contacts"), CONTACTS),
        (_("Education"), fields(
            "education", "graduated_from", "diploma_number", "diploma_issued_on",
            "diploma_speciality", "rank_and_degree", "awards", "professional_courses",
            "distance_courses")),
        (_("Attestation and methodical work"), [
            InlinePanel("attestations", heading=_("Attestations"), panels=[
                FieldRowPanel(fields("attested_on", "valid_until")),
                *fields("position", "category", "result", "order_number")]),
            InlinePanel("methodical_work", heading=_("Methodical activity"), panels=[
                FieldRowPanel(fields("done_on", "form")), *fields("topic", "result")]),
        ]),
        (_("Family and other"), fields("marital_status", "family", "pc_at_home", "comment")),
        FILES,
    ]


class PupilViewSet(PersonRecordViewSet):
    model = Pupil
    base_form_class = PupilForm
    icon = "group"
    menu_label = _("Pupils")
    wording = Wording(
        _("Add pupil"),
        ngettext_lazy("%(count)d pupil", "%(count)d pupils", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    list_display = ["person", "school_class", "institution"]
    list_export = ["person", "school_class", "institution"]
    list_select_related = ["person", "institution", "school_class"]
    filterset_class = PupilFilterSet
    tabs = [
        (_("Main"), [FieldPanel("institution"), *PERSON_PANELS,
                     # The class and the dates are the movement book's (R-MOV-1):
                     # written by its orders only, shown on the pupil's card.
                     *fields("personal_file_number")]),
        (_("Documents"), [
            *fields("citizenship"),
            MultiFieldPanel([FieldRowPanel(fields(
                "birth_certificate_series", "birth_certificate_number",
                "birth_certificate_issued_on"))], heading=_("Birth certificate")),
            PASSPORT, *fields("inn", "exam_document", "exam_subjects"),
        ]),
        (_("Contacts"), [*CONTACTS, *fields("extra_contacts")]),
        (_("Family and education"), fields(
            "family", "foreign_language", "additional_education", "pc_at_home", "comment")),
        FILES,
    ]


class ChildrenColumn(Column):
    """A parent's children, each with their class: only those the user may see
    (``ParentIndexView`` prefetches them). A reader limited to some fields gets no
    such column (``column_lookups``: "children" is not among their fields)."""

    def get_value(self, instance):
        return ", ".join(
            f"{child.person.full_name} ({child.school_class})" if child.school_class_id
            else child.person.full_name
            for child in getattr(instance, "visible_children", ()))


class ParentIndexView(PersonRecordIndexView):
    def get_base_queryset(self):
        children = (Pupil.objects.visible_to(self.request.user)
                    .select_related("person", "school_class").order_by("person__search_name"))
        return super().get_base_queryset().prefetch_related(
            Prefetch("children", queryset=children, to_attr="visible_children"))


class ParentViewSet(PersonRecordViewSet):
    model = Parent
    icon = "user"
    menu_label = _("Parents")
    wording = Wording(
        _("Add parent"),
        ngettext_lazy("%(count)d parent", "%(count)d parents", "count"),
        "masculine")
    menu_readers = OFFICE_ROLES
    index_view_class = ParentIndexView
    list_display = ["person", ChildrenColumn("children", label=_("Children")), "institution",
                    "mobile_phone"]
    list_export = ["person", "institution"]
    list_select_related = ["person", "institution"]
    filterset_class = ParentFilterSet
    tabs = [
        (_("Main"), [FieldPanel("institution"), *PERSON_PANELS, ChildrenPanel(),
                     *fields("mobile_phone")]),
        (_("Documents"), [PASSPORT]),
        (_("Contacts"), CONTACTS),
        (_("Work and education"), fields(
            "education", "workplace", "job_position", "work_phone", "fax")),
        (_("Help to the school"), fields(
            "help_to_school", "help_requested_on", "help_request_result", "comment")),
        FILES,
    ]


class PupilGroupViewSet(ScopedModelViewSet):
    """A group of a pupil's fields with its own readers (R-PPL-4)."""

    base_form_class = PupilGroupForm
    list_display = ["pupil", related_column("pupil__school_class", _("Class"))]
    list_select_related = ["pupil__person", "pupil__school_class"]
    search_fields = ["pupil__person__search_name"]
    filterset_class = PupilGroupFilterSet


class PupilHealthViewSet(PupilGroupViewSet):
    model = PupilHealth
    icon = "doc-full"
    menu_label = _("Medical details")
    wording = Wording(
        _("Add medical details"),
        ngettext_lazy("%(count)d medical record", "%(count)d medical records", "count"),
        "plural")
    list_display = ["pupil", related_column("pupil__school_class", _("Class")), "health_group",
                    "pe_group"]
    list_select_related = [*PupilGroupViewSet.list_select_related, "health_group", "pe_group"]
    list_export = ["pupil", "health_group", "pe_group"]
    panels = [ChosenOncePanel("pupil"), *fields("health_group", "pe_group", "insurance_policy",
                                                "insurance_issuer", "notes")]


class PupilCharacteristicViewSet(PupilGroupViewSet):
    model = PupilCharacteristic
    icon = "doc-full"
    menu_label = _("Psychological and pedagogical characteristics")
    wording = Wording(
        _("Add characteristic"),
        ngettext_lazy("%(count)d characteristic", "%(count)d characteristics", "count"),
        "feminine")
    list_display = ["pupil", related_column("pupil__school_class", _("Class")), "social_status"]
    list_select_related = [*PupilGroupViewSet.list_select_related, "social_status"]
    list_export = ["pupil", "social_status"]
    panels = [ChosenOncePanel("pupil"), *fields("social_status", "deviant_behaviour",
                                                "characteristic")]


class ConsentIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if instance.scan:
            buttons.append(MenuItem(_("Open the scan"), instance.scan.url, icon_name="doc-full",
                                    priority=20))
        if instance.withdrawn_on is None and user.has_perm("records.change_consent", instance):
            buttons.append(MenuItem(_("Withdraw"), reverse(
                "records_consent:withdraw", args=[instance.pk]), icon_name="warning",
                priority=30))
        return buttons


class ConsentViewSet(ScopedModelViewSet):
    model = Consent
    icon = "tick-inverse"
    menu_label = _("Consents")
    wording = Wording(
        _("Add consent"),
        ngettext_lazy("%(count)d consent", "%(count)d consents", "count"),
        "neuter")
    menu_readers = OFFICE_ROLES
    index_view_class = ConsentIndexView
    list_display = ["person", "given_on", "withdrawn_on", "institution"]
    list_select_related = ["person", "institution"]
    list_export = ["person", "given_by", "given_on", "withdrawn_on", "institution"]
    list_filter = ["withdrawn_on"]
    search_fields = ["person__search_name"]
    panels = fields("institution", "person", "given_by", "given_on", "scope", "scan")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("withdraw/<id:pk>/", views_admin.consent_withdraw, name="withdraw"),
        ]


class DirectoryEntryViewSet(ScopedModelViewSet):
    model = DirectoryEntry
    icon = "list-ul"
    menu_label = _("Directories")
    wording = Wording(
        _("Add directory value"),
        ngettext_lazy("%(count)d directory value", "%(count)d directory values", "count"),
        "neuter")
    list_display = ["name", "kind", "institution", "is_active"]
    list_select_related = ["institution"]
    list_export = ["kind", "name", "institution", "is_active"]
    search_fields = ["name"]
    filterset_class = DirectoryEntryFilterSet
    panels = fields("kind", "name", "institution", "sort_order", "is_active")


class RoleAssignmentViewSet(ScopedModelViewSet):
    model = RoleAssignment
    icon = "key"
    menu_label = _("Roles and rights")
    wording = Wording(
        _("Add role assignment"),
        ngettext_lazy("%(count)d role assignment", "%(count)d role assignments", "count"),
        "neuter")
    menu_readers = OFFICE_ROLES
    list_display = ["person", "role", "institution", "valid_from", "valid_to"]
    list_export = ["person", "role", "institution", "valid_from", "valid_to"]
    list_select_related = ["person", "institution"]
    filterset_class = RoleAssignmentFilterSet
    search_fields = ["person__search_name"]
    panels = fields("person", "role", "institution", "valid_from", "valid_to")


class RecordsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Records")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (InstitutionViewSet, StaffViewSet, PupilViewSet, ParentViewSet,
             PupilHealthViewSet, PupilCharacteristicViewSet, ConsentViewSet,
             RoleAssignmentViewSet, DirectoryEntryViewSet)


@hooks.register("register_admin_viewset")
def register_records_viewsets():
    return RecordsViewSetGroup()


@hooks.register("register_log_actions")
def register_records_log_actions(actions):
    actions.register_action(
        "records.consent_withdrawn", _("Consent withdrawn"),
        _("Consent withdrawn: personal data beyond the minimum cleared"),
    )
    actions.register_action("records.access_suspended", _("Access suspended"),
                            _("Access suspended"))
    actions.register_action("records.access_restored", _("Access restored"),
                            _("Access restored"))


@hooks.register("register_admin_urls")
def register_records_urls():
    return [
        path("records/credentials/<id:class_pk>/", views_admin.issue_credentials,
             name="records_issue_credentials"),
        path("records/import/", views_admin.import_pupils, name="records_import"),
        path("records/access/<id:person_pk>/", views_admin.access_suspension,
             name="records_access"),
        path("records/import/template.xlsx", views_admin.import_template,
             name="records_import_template"),
        path("records/department/", views_admin.department_staff,
             name="records_department_staff"),
        path("records/department/<id:person_pk>/", views_admin.department_member,
             name="records_department_member"),
    ]


@hooks.register("register_admin_menu_item")
def register_department_staff_menu_item():
    return PermissionMenuItem(_("Department staff"), reverse("records_department_staff"),
                              "records.manage_department_staff", icon_name="group",
                              order=206)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return PermissionMenuItem(_("Import pupils"), reverse("records_import"), "records.add_pupil",
                              icon_name="upload", order=205)
