from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from portal.access import Role, access
from portal.search import SearchedIndexView
from portal.viewsets import (
    MatrixPermissionPolicy,
    PermissionMenuItem,
    ScopedAdminForm,
    ScopedIndexView,
    ScopedModelViewSet,
    Wording,
)
from records.models import Institution

from .filters import LinkFilterSet
from .models import Link, LinkCategory

for model in (Link, LinkCategory):
    register_permission_policy(model, MatrixPermissionPolicy(model))


class LinkForm(ScopedAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields.get("institution")
        if user is None or field is None or user.is_superuser:
            return
        # The schools whose links the user keeps (an editor is not school staff, so
        # the institutions they may *see* would be none).
        context = access(user)
        if Role.EDITOR in context.department_roles or Role.DEPT_ADMIN in context.department_roles:
            field.queryset = Institution.objects.all()
        else:
            field.queryset = Institution.objects.filter(
                pk__in=context.institutions_with(Role.EDITOR)
                | context.institutions_with(Role.ADMIN))


class LinkIndexView(SearchedIndexView, ScopedIndexView):
    def get_base_queryset(self):
        # The links the user keeps, not the whole public catalog.
        user = self.request.user
        kept = Link.objects.visible_to(user, "links.change_link")
        return super().get_base_queryset().filter(pk__in=kept.values("pk"))


class LinkViewSet(ScopedModelViewSet):
    model = Link
    icon = "link"
    menu_label = _("Links")
    base_form_class = LinkForm
    index_view_class = LinkIndexView
    wording = Wording(
        _("Add link"), ngettext_lazy("%(count)d link", "%(count)d links", "count"),
        "feminine")
    list_display = ["title", "url", "category", "audience", "institution", "is_broken",
                    "check_status", "checked_at"]
    filterset_class = LinkFilterSet
    list_select_related = ["category", "institution"]
    search_fields = ["title", "url"]
    list_export = ["category", "title", "url", "audience", "institution", "check_status",
                   "checked_at", "check_error"]
    inspect_view_fields = ["title", "url", "description", "category", "audience",
                           "institution", "check_status", "checked_at", "check_error",
                           "is_broken"]
    panels = [
        FieldPanel("title"),
        FieldPanel("url"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("audience")]),
        FieldRowPanel([FieldPanel("institution"), FieldPanel("order")]),
    ]


class LinkCategoryViewSet(ScopedModelViewSet):
    model = LinkCategory
    icon = "folder-open-inverse"
    menu_label = _("Link categories")
    wording = Wording(
        _("Add link category"),
        ngettext_lazy("%(count)d link category", "%(count)d link categories", "count"),
        "feminine")
    list_display = ["name", "order"]
    search_fields = None
    panels = [FieldPanel("name"), FieldPanel("order")]

    def menu_shown_to(self, user):
        return user.is_superuser or user.has_perm("links.change_linkcategory")


class BrokenLinksReport(ViewSet):
    """The broken-link report: the links listing filtered to the links whose last check
    failed (links.checks), in the catalog's menu for those who keep links."""

    menu_label = _("Broken links")
    icon = "warning"

    # No views of its own: the menu item opens the links listing with its filter.
    menu_url = format_lazy("{}?is_broken=true", reverse_lazy("links_link:index"))

    def get_urlpatterns(self):
        return []

    def get_menu_item(self, order=None):
        return PermissionMenuItem(
            self.menu_label, self.menu_url,
            "links.change_link", icon_name=self.icon, order=self.get_menu_item_order(order))


class LinksViewSetGroup(ModelViewSetGroup):
    menu_label = _("Link catalog")
    menu_icon = "link"
    menu_order = 270
    items = (LinkViewSet("links"), LinkCategoryViewSet("link_categories"),
             BrokenLinksReport("broken_links"))


@hooks.register("register_admin_viewset")
def register_links_viewsets():
    return LinksViewSetGroup()
