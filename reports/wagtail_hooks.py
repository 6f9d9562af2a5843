"""The regulation's items in the admin (R-DEP-5): the department's administrator keeps
them (the order's text, who answers for each, its date, how the monitor checks it);
the monitor's page is the portal's (reports/views_monitor.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy

from portal.viewsets import MatrixPermissionPolicy, ScopedAdminForm, ScopedModelViewSet, Wording

from . import actions
from .models import RegulationItem
from .monitor import LABELS

register_permission_policy(RegulationItem, MatrixPermissionPolicy(RegulationItem))


@hooks.register("register_log_actions")
def register_report_log_actions(log_actions):
    # R-PD-3: who read which columns of a saved report of pupils or staff (reports/actions.py).
    log_actions.register_action(actions.READ, _("Report read"), _("Report read"))


def check_choices():
    return [("", _("Not followed: the records cannot show it")), *LABELS.items()]


class RegulationItemForm(ScopedAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The check is one the monitor knows, chosen by what it asks: a name typed by
        # hand that no check has would leave the item silently not followed.
        field = RegulationItem._meta.get_field("computed_by")
        self.fields["computed_by"] = forms.ChoiceField(
            label=field.verbose_name, choices=check_choices(), required=False,
            help_text=_("How the monitor sees from the records that a school has done it."))


class RegulationItemViewSet(ScopedModelViewSet):
    model = RegulationItem
    icon = "list-ol"
    menu_label = _("Regulation items")
    add_to_settings_menu = True
    menu_order = 850
    base_form_class = RegulationItemForm
    wording = Wording(
        _("Add regulation item"),
        ngettext_lazy("%(count)d regulation item", "%(count)d regulation items", "count"),
        "masculine")
    list_display = [
        "appendix", "number", "title", "school_role", "department_role", "due_day",
        "due_month",
        Column("computed_by", label=_("Done when"), sort_key="computed_by",
               accessor=lambda item: LABELS.get(item.computed_by, "—")),
    ]
    list_filter = ["appendix"]
    search_fields = None
    list_export = ["appendix", "number", "title", "school_role", "department_role",
                   "due_day", "due_month", "computed_by"]
    panels = [
        FieldRowPanel([FieldPanel("appendix"), FieldPanel("number")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("school_role"), FieldPanel("department_role")]),
        FieldRowPanel([FieldPanel("due_day"), FieldPanel("due_month")]),
        FieldPanel("computed_by"),
    ]


@hooks.register("register_admin_viewset")
def register_regulation_viewset():
    return RegulationItemViewSet("regulation_items")
