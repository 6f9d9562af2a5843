from django.core.exceptions import PermissionDenied
from django.db import models
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem
from wagtail.admin.ui.fields import BaseFieldDisplay, register_display_class
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.permissions import register_permission_policy

from records.models import User

from . import accounts
from .matrix import matrix_tables
from .viewsets import OFFICE_ROLES, PermissionMenuItem

# Logins are edited in the admin by superusers only (portal.accounts).
register_permission_policy(User, accounts.SuperusersOnlyPermissionPolicy(User))
hooks.register("register_account_menu_item", accounts.email_menu_item)
hooks.register("register_account_menu_item", accounts.password_menu_item)


class YesNoDisplay(BaseFieldDisplay):
    """A yes/no field on a card's inspect page in words, not Python's True/False."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return "—"
        return str(_("yes") if self.value else _("no"))


register_display_class(models.BooleanField, display_class=YesNoDisplay)


class AccessMatrixView(WagtailAdminTemplateMixin, TemplateView):
    """R-TEN-5: the whole access matrix, role by permission, generated from the rules."""

    page_title = _("Access matrix")
    header_icon = "key"
    template_name = "portal/access_matrix.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("portal.view_access_matrix"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"], context["tables"] = matrix_tables()
        return context


@hooks.register("register_admin_urls")
def register_matrix_url():
    return [path("access-matrix/", AccessMatrixView.as_view(), name="access_matrix")]


@hooks.register("register_settings_menu_item")
def register_matrix_menu_item():
    # In the menu of those who run the school; anyone who may read it has the link.
    return PermissionMenuItem(_("Access matrix"), reverse("access_matrix"),
                              "portal.view_access_matrix", roles=OFFICE_ROLES,
                              icon_name="key", order=900)


@hooks.register("insert_global_admin_js")
def start_widgets_without_inline_scripts():
    # See portal/static/portal/admin_widgets.js and templates/wagtailadmin/.
    return format_html('<script src="{}"></script>', static("portal/admin_widgets.js"))


@hooks.register("insert_global_admin_css")
def portal_admin_styles():
    return format_html('<link rel="stylesheet" href="{}">', static("portal/admin.css"))


@hooks.register("register_log_actions")
def register_portal_log_actions(actions):
    actions.register_action("portal.card_opened", _("Card opened"), _("Card opened"))
    actions.register_action("portal.version_kept", _("Version before the first change"),
                            _("The card as it was before its first recorded change"))


@hooks.register("construct_reports_menu")
def hide_site_history(request, menu_items):
    # Wagtail's site history lists every log entry of a model to anyone holding any
    # permission on it, whatever the school; the entries name pupils. Only superusers.
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


@hooks.register("register_admin_menu_item")
def register_portal_menu_item():
    # The way back from the admin to the portal's start page, first in the menu.
    return MenuItem(_("Back to the portal"), reverse("start"), name="portal",
                    icon_name="arrow-left", order=1)


# Wagtail's help items point to wagtail.org, in English, about another product.
WAGTAIL_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def keep_the_portals_help(request, menu_items):
    menu_items[:] = [item for item in menu_items
                     if not item.name.startswith(WAGTAIL_HELP_ITEMS)]


@hooks.register("construct_main_menu")
def settings_without_wagtails_version(request, menu_items):
    # Wagtail signs its settings menu «Wagtail v8.0.1»: the same menu, unsigned.
    for index, item in enumerate(menu_items):
        if item.name == "settings" and type(item) is not SubmenuMenuItem:
            menu_items[index] = SubmenuMenuItem(
                item.label, item.menu, name=item.name, icon_name=item.icon_name,
                classname=item.classname, order=item.order)
