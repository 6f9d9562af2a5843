"""The teachers' admin of courses (R-MAT-1): the courses a user may read (their own,
their subjects', the school's shared ones), each with its sections and their topics;
the materials of the sections in a listing of their own, by course."""

from django import forms
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from portal.viewsets import MatrixPermissionPolicy, ScopedIndexView, ScopedModelViewSet, Wording

from .filters import CourseFilterSet, CourseMaterialFilterSet
from .forms import CourseForm, CourseMaterialForm
from .models import Course, CourseMaterial, CourseSection

for model in (Course, CourseSection, CourseMaterial):
    register_permission_policy(model, MatrixPermissionPolicy(model))


class CourseIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(n_sections=Count("sections"))

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(MenuItem(_("Course page"), reverse("courses:course", args=[instance.pk]),
                                icon_name="view", priority=20))
        if self.request.user.has_perm("courses.change_course", instance):
            buttons.append(MenuItem(_("Materials"), reverse("courses_coursematerial:index")
                                    + f"?course={instance.pk}", icon_name="doc-full",
                                    priority=30))
        return buttons


class CourseViewSet(ScopedModelViewSet):
    model = Course
    icon = "folder-open-inverse"
    menu_label = pgettext_lazy("learning", "Courses")
    wording = Wording(
        _("Add course"),
        ngettext_lazy("%(count)d course", "%(count)d courses", "count"),
        "masculine")
    index_view_class = CourseIndexView
    base_form_class = CourseForm
    list_display = ["title", "subject", "grade", "institution", "author", "shared",
                    Column("section_count", label=_("Sections"))]
    list_export = ["title", "subject", "grade", "institution", "author", "shared"]
    list_select_related = ["subject", "institution", "author__person"]
    filterset_class = CourseFilterSet
    search_fields = ["title"]
    panels = [
        FieldPanel("institution"), FieldPanel("subject"), FieldPanel("grade"),
        FieldPanel("title"), FieldPanel("description"), FieldPanel("author"),
        FieldPanel("shared"),
        InlinePanel("sections", heading=_("Sections"), label=_("section"), panels=[
            FieldPanel("title"), FieldPanel("text"),
            FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        ]),
    ]


class CourseMaterialViewSet(ScopedModelViewSet):
    model = CourseMaterial
    icon = "doc-full"
    menu_label = _("Course materials")
    wording = Wording(
        _("Add course material"),
        ngettext_lazy("%(count)d course material", "%(count)d course materials", "count"),
        "masculine")
    base_form_class = CourseMaterialForm
    list_display = ["title", "kind", "section", "sort_order"]
    list_export = ["title", "kind", "section", "url", "sort_order"]
    list_select_related = ["section__course"]
    filterset_class = CourseMaterialFilterSet
    search_fields = ["title"]
    panels = [FieldPanel("section"), FieldPanel("kind"), FieldPanel("title"),
              FieldPanel("description"), FieldPanel("text"), FieldPanel("file"),
              FieldPanel("url"), FieldPanel("sort_order")]


class CoursesViewSetGroup(ModelViewSetGroup):
    menu_label = pgettext_lazy("learning", "Courses")
    menu_icon = "folder-open-inverse"
    menu_order = 230
    items = (CourseViewSet, CourseMaterialViewSet)


@hooks.register("register_admin_viewset")
def register_courses_viewsets():
    return CoursesViewSetGroup()
