from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.permissions import register_permission_policy

from portal.access import permission
from portal.search import SearchedIndexView
from portal.viewsets import (
    MatrixPermissionPolicy,
    ScopedCreateView,
    ScopedIndexView,
    ScopedModelViewSet,
    Wording,
)

from .filters import DocumentFilterSet
from .models import Document

register_permission_policy(Document, MatrixPermissionPolicy(Document))


class DocumentIndexView(SearchedIndexView, ScopedIndexView):
    def get_base_queryset(self):
        # The register the user keeps or reads as staff, not every school's public
        # documents (those are on the portal's register pages).
        user = self.request.user
        own = permission("documents.view_staff_document").filter(Document.objects.all(), user)
        return super().get_base_queryset().filter(pk__in=own.values("pk"))


class DocumentCreateView(ScopedCreateView):
    def save_instance(self):
        self.form.instance.author = self.request.user
        return super().save_instance()


class DocumentViewSet(ScopedModelViewSet):
    model = Document
    icon = "doc-full"
    menu_label = _("Documents register")
    add_to_admin_menu = True
    menu_order = 260
    index_view_class = DocumentIndexView
    add_view_class = DocumentCreateView
    wording = Wording(
        _("Add document"),
        ngettext_lazy("%(count)d document", "%(count)d documents", "count"),
        "masculine")
    list_display = ["title", "number", "date", "kind", "access_level", "institution"]
    list_filter = None
    filterset_class = DocumentFilterSet
    list_select_related = ["institution"]
    search_fields = ["title", "number"]
    list_export = ["institution", "kind", "number", "date", "title", "access_level"]
    inspect_view_fields = ["institution", "kind", "number", "date", "title", "access_level",
                           "file", "author", "created"]
    panels = [
        FieldPanel("institution"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("access_level")]),
        FieldRowPanel([FieldPanel("number"), FieldPanel("date")]),
        FieldPanel("title"),
        FieldPanel("file"),
    ]


@hooks.register("register_admin_viewset")
def register_documents_viewset():
    return DocumentViewSet("register_documents")


@hooks.register("register_log_actions")
def register_issued_log_actions(actions):
    actions.register_action("documents.issued", _("Document issued"),
                            _("Document issued"))
