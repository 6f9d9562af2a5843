"""Wagtail admin glue for models under the access matrix.

Wagtail checks model-level permissions in its generic views and loads objects with
``Model._default_manager``. These classes make every listing use
``visible_to(user)``, every object view 404 on rows outside it, every save refuse a row
the user could not then see or change, and every foreign-key choice offer only rows the
user may see.
"""

from django.contrib import messages
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ProtectedError
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem as SidebarMenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.panels import ObjectList, TabbedInterface
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.mixins import RevisionsRevertMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.models import RevisionMixin
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from .access import DEPARTMENT_ROLES, Role, access, may_read, permission, readable_fields
from .exports import SpreadsheetExport
from .history import ensure_baseline
from .ids import parse_id


class Wording:
    """How the admin's sentences name a model's rows, in the forms Russian needs and a
    ``verbose_name`` cannot give (Wagtail glues the nominative into every sentence:
    «Добавить обучающийся», «250 обучающиеся», «Обучающийся '…' обновлена»):

    - ``add``: the add button, whose noun Russian puts in the accusative:
      ``_("Add pupil")`` → «Добавить обучающегося»;
    - ``count``: the number of rows with Russian's three plural forms:
      ``ngettext_lazy("%(count)d pupil", "%(count)d pupils", "count")`` →
      «1 обучающийся», «2 обучающихся», «5 обучающихся», «21 обучающийся»;
    - ``gender``: the grammatical gender of the translated ``verbose_name``, which the
      participle of the success messages agrees with: «Обучающийся «…» изменён»,
      «Запись «…» изменена», «Расписание «…» изменено», «Настройки школы «…» изменены»
      (``"plural"`` for a name that Russian has in the plural only).

    Every ScopedModelViewSet declares one (tests/portal/test_admin_wording.py)."""

    GENDERS = ("masculine", "feminine", "neuter", "plural")

    def __init__(self, add, count, gender):
        if gender not in self.GENDERS:
            raise ValueError(f"gender must be one of {self.GENDERS}, not {gender!r}")
        self.add = add
        self.count = count
        self.gender = gender

    def count_label(self, number):
        return self.count % {"count": number}

    def created(self):
        return SUCCESS_MESSAGES["created"][self.gender]

    def updated(self):
        return SUCCESS_MESSAGES["updated"][self.gender]

    def deleted(self):
        return SUCCESS_MESSAGES["deleted"][self.gender]


# The context names the gender of %(model_name)s, which the participle agrees with.
SUCCESS_MESSAGES = {
    "created": {
        "masculine": pgettext_lazy("masculine", "%(model_name)s «%(object)s» added."),
        "feminine": pgettext_lazy("feminine", "%(model_name)s «%(object)s» added."),
        "neuter": pgettext_lazy("neuter", "%(model_name)s «%(object)s» added."),
        "plural": pgettext_lazy("plural", "%(model_name)s «%(object)s» added."),
    },
    "updated": {
        "masculine": pgettext_lazy("masculine", "%(model_name)s «%(object)s» changed."),
        "feminine": pgettext_lazy("feminine", "%(model_name)s «%(object)s» changed."),
        "neuter": pgettext_lazy("neuter", "%(model_name)s «%(object)s» changed."),
        "plural": pgettext_lazy("plural", "%(model_name)s «%(object)s» changed."),
    },
    "deleted": {
        "masculine": pgettext_lazy("masculine", "%(model_name)s «%(object)s» deleted."),
        "feminine": pgettext_lazy("feminine", "%(model_name)s «%(object)s» deleted."),
        "neuter": pgettext_lazy("neuter", "%(model_name)s «%(object)s» deleted."),
        "plural": pgettext_lazy("plural", "%(model_name)s «%(object)s» deleted."),
    },
}


class WordedPaginator(WagtailPaginator):
    """Wagtail's paginator, whose count under the listing reads «5 обучающихся»."""

    wording = None

    @cached_property
    def items_count_label(self):
        if self.wording is None:
            return super().items_count_label
        return self.wording.count_label(self.count)


class WordingMixin:
    """A generic view whose success message agrees with the model's gender."""

    wording = None
    wording_message = None  # "created", "updated" or "deleted"

    def get_success_message(self, *args):
        if self.wording is None or self.success_message is None:
            return super().get_success_message(*args)
        instance = args[0] if args else self.object
        message = getattr(self.wording, self.wording_message)()
        return capfirst(message % {"model_name": self.model._meta.verbose_name,
                                   "object": instance})


class MatrixPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's permission questions answered by the access matrix."""

    def user_has_permission(self, user, action):
        return user.has_perm(self._get_permission_name(action))

    def user_has_permission_for_instance(self, user, action, instance):
        return user.has_perm(self._get_permission_name(action), instance)

    def instances_user_has_any_permission_for(self, user, actions):
        querysets = [
            self.model._default_manager.visible_to(user, self._get_permission_name(a))
            for a in actions
        ]
        result = querysets[0]
        for queryset in querysets[1:]:
            result = result | queryset
        return result


class AlternativePermissionPolicy(MatrixPermissionPolicy):
    """A matrix policy where an action is also granted by other permissions: the edit
    view of a pupil opens for whoever may change some group of the card's fields, and
    the form decides which groups are editable."""

    alternatives = {}  # action -> [permission names]

    def _names(self, action):
        return [self._get_permission_name(action), *self.alternatives.get(action, [])]

    def user_has_permission(self, user, action):
        return any(user.has_perm(name) for name in self._names(action))

    def user_has_permission_for_instance(self, user, action, instance):
        return any(user.has_perm(name, instance) for name in self._names(action))

    def instances_user_has_any_permission_for(self, user, actions):
        result = self.model._default_manager.none()
        for action in actions:
            for name in self._names(action):
                result = result | self.model._default_manager.visible_to(user, name)
        return result


class ScopedAdminForm(WagtailAdminModelForm):
    """Limits every choice of a related row to the rows the user may see, and refuses
    to save a row that would fall outside what the user may change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        for form_field in self.fields.values():
            queryset = getattr(form_field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                form_field.queryset = queryset.visible_to(self.for_user)

    def save_allowed(self):
        opts = self.instance._meta
        action = "change" if self.instance.pk else "add"
        return permission(f"{opts.app_label}.{action}_{opts.model_name}").allows(
            self.for_user, self.instance)

    def _post_clean(self):
        super()._post_clean()
        if self.for_user is None or self.errors:
            return
        if not self.save_allowed():
            self.add_error(
                None,
                _("You may not save this record: it would fall outside the schools "
                  "and classes you are responsible for."),
            )


class ScopedObjectMixin:
    """Object views answer 404 for rows outside ``visible_to`` and 403 for rows the
    user sees but may not act on, or may read only limited when the view shows the
    whole row (``full_read_required``)."""

    object_action = None
    full_read_required = False

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        user = self.request.user
        if not self.model._default_manager.visible_to(user).filter(pk=obj.pk).exists():
            raise Http404
        if self.object_action and not self.permission_policy.user_has_permission_for_instance(
            user, self.object_action, obj
        ):
            raise PermissionDenied
        if self.full_read_required and readable_fields(user, self.model, obj) is not None:
            raise PermissionDenied
        return obj


def is_boolean_field(model, lookup):
    try:
        field = get_fields_from_path(model, lookup)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return False
    return isinstance(field, BooleanField)


def related_column(lookup, label):
    """A listing column of a related row's field (``"pupil__school_class"``) under a
    label of its own: Wagtail would glue the relation's name before the field's
    («Обучающийся класс»), which Russian does not say."""
    return Column(lookup, accessor=lookup.replace(LOOKUP_SEP, "."), label=label,
                  sort_key=lookup)


def column_lookups(column):
    """What a listing column reads and sorts by: a field name of ``list_display``, or a
    Column's accessor and sort key. A callable accessor reads who knows what: None."""
    if isinstance(column, str):
        return [column]
    accessor = getattr(column, "accessor", None) or column.name
    if not isinstance(accessor, str):
        return None
    accessor = accessor.replace(".", LOOKUP_SEP)
    return [accessor, *([column.sort_key] if getattr(column, "sort_key", None) else [])]


def readable_filterset(filterset_class, readable):
    """``filterset_class`` without the filters of fields that ``readable`` refuses, nor
    those with a method (which reads who knows what): a filter by a hidden value would
    find rows by it. The parameter of a dropped filter is ignored like any unknown one."""
    kept = {name: f for name, f in filterset_class.base_filters.items()
            if f.method is None and readable(f.field_name)}
    if len(kept) == len(filterset_class.base_filters):
        return filterset_class
    narrowed = type(filterset_class.__name__, (filterset_class,), {})
    narrowed.base_filters = kept
    return narrowed


class ScopedIndexView(SpreadsheetExport, generic.IndexView):
    """The listing of the rows the user may see; its CSV and XLSX exports are written
    by ``portal.exports`` (formulas made plain text, CSV as Russian Excel reads it).
    Its add button and count are worded by the viewset's ``Wording``."""

    wording = None
    paginator_class = WordedPaginator

    @cached_property
    def add_item_label(self):
        if self.wording is None:
            return super().add_item_label
        return self.wording.add

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        # Wagtail prints a yes/no field as Python's "True"/"False": a tick or a cross.
        if column_class is Column and is_boolean_field(self.model, field_name):
            column_class = BooleanColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.wording = self.wording
        return paginator

    @cached_property
    def no_results_message(self):
        # Wagtail's «Нет %(model_name)s для отображения» would need the genitive plural.
        if self.is_searching or self.is_filtering:
            return _("Nothing matches your query.")
        return _("There is nothing here yet.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.reads_limited = readable_fields(request.user, self.model) is not None
        if self.reads_limited:
            self.limit_to_readable_fields()

    def limit_to_readable_fields(self):
        """R-TEN-3: a user who reads this model limited (the department reading people)
        gets only readable fields as columns (and so as sort keys), filters, search
        fields and export columns, so that no hidden value is shown, sorted, searched or
        filtered by."""
        def readable(lookup):
            return may_read(self.request.user, self.model, lookup)

        def column_readable(column):
            lookups = column_lookups(column)
            return lookups is not None and all(readable(lookup) for lookup in lookups)

        self.list_display = [c for c in self.list_display if column_readable(c)]
        self.list_export = [f for f in self.list_export if readable(f)]
        self.search_fields = [f for f in self.search_fields or () if readable(f)]
        ordering = self.default_ordering
        if ordering and not all(readable(o.lstrip("-")) for o in (
                [ordering] if isinstance(ordering, str) else ordering)):
            self.default_ordering = None
        if self.filterset_class:
            self.filterset_class = readable_filterset(self.filterset_class, readable)

    @cached_property
    def is_searchable(self):
        # A limited reader searches only the readable search fields, if any remain.
        if self.reads_limited and not self.search_fields:
            return False
        return super().is_searchable

    def get_base_queryset(self):
        return super().get_base_queryset().visible_to(self.request.user)

    def search_queryset(self, queryset):
        # Models with a search() queryset method search a normalised column, which
        # finds Cyrillic names case-insensitively on SQLite as well as PostgreSQL.
        if self.is_searching and hasattr(queryset, "search"):
            return queryset.search(self.search_query)
        return super().search_queryset(queryset)


class ReadLogMixin:
    """R-PD-3: opening a confidential card (a model with ``log_reads = True``) is
    written to Wagtail's log: who, whose card, when. The card's history shows it."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if getattr(self.model, "log_reads", False):
            log(self.object, "portal.card_opened", user=request.user)
        return response


class ScopedCreateView(WordingMixin, generic.CreateView):
    wording_message = "created"


class ScopedEditView(WordingMixin, ReadLogMixin, ScopedObjectMixin, generic.EditView):
    wording_message = "updated"
    object_action = "change"
    # The form shows the whole card.
    full_read_required = True
    # Read by RevisionsRevertMixin; these models have no drafts.
    draftstate_enabled = False

    def save_instance(self):
        with transaction.atomic():
            if self.form.has_changed():
                # R-PD-2: a row seeded or imported in bulk has no revision yet; keep its
                # stored state first, so the history shows what this edit changed.
                ensure_baseline(self.object)
            return super().save_instance()


class ScopedRevisionsRevertView(RevisionsRevertMixin, ScopedEditView):
    """Restores an older version: the edit form filled from that version, saved as a
    new revision logged as a revert. The row's scope and the right to change it are
    checked on the live row."""

    view_name = "revisions_revert"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # The mixin's warning names the version before the form is built.
        self.object = self.get_object()

    def get_object(self, queryset=None):
        version = super().get_object(queryset)
        # A restore brings back what the form edits. What only named actions change
        # (a consent's withdrawal, a login's suspension) stays as the live row has it.
        live = self.model._default_manager.get(pk=version.pk)
        for field in self.model._meta.concrete_fields:
            if not field.editable:
                setattr(version, field.attname, getattr(live, field.attname))
        version._live = live
        return version


class ScopedRevisionsCompareView(ReadLogMixin, ScopedObjectMixin, PermissionCheckedMixin,
                                 generic.RevisionsCompareView):
    """Old and new values side by side, for those who may change the card: a past
    version shows every field, so reading it is not granted to viewers with less."""

    object_action = "change"
    permission_required = "change"
    full_read_required = True
    revision_names = ("live", "earliest", "latest")

    def setup(self, request, pk, revision_id_a, revision_id_b, *args, **kwargs):
        for revision_id in (revision_id_a, revision_id_b):
            if revision_id not in self.revision_names and parse_id(revision_id) is None:
                raise Http404
        super().setup(request, pk, revision_id_a, revision_id_b, *args, **kwargs)


class ScopedDeleteView(WordingMixin, ScopedObjectMixin, generic.DeleteView):
    object_action = "delete"
    wording_message = "deleted"

    @property
    def confirmation_message(self):
        # Wagtail's «удалить этот %(model_name)s» would need the accusative and gender.
        return _("Delete «%(object)s»? This cannot be undone.") % {"object": self.object}

    def form_valid(self, form):
        # Rows that others depend on (a subgroup with lessons, a subject in the
        # timetable) are protected by the database: say so instead of failing.
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as error:
            used_by = sorted({str(row._meta.verbose_name_plural)
                              for row in error.protected_objects})
            messages.error(self.request, _(
                "%(object)s cannot be deleted: it is still used (%(used_by)s). "
                "Remove those first.") % {"object": self.object, "used_by": ", ".join(used_by)})
            return redirect(self.get_success_url())
        except ValidationError as error:
            # A rule of the model refuses it, e.g. a row of a closed period.
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.get_success_url())


class ScopedInspectView(ReadLogMixin, ScopedObjectMixin, generic.InspectView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail picks the fields before it loads the row; which fields may be read
        # depends on the row (a user may read one school's pupils whole, another's
        # limited), so pick them again.
        self.fields = self.get_fields()

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        # An empty field reads as a dash, not as Python's None.
        return "—" if value is None else value

    def get_fields(self):
        fields = super().get_fields()
        if not hasattr(self, "object"):
            return fields  # asked again by setup() once the row is loaded
        # R-TEN-3: department users read names, class and school, never documents.
        readable = readable_fields(self.request.user, self.model, self.object)
        if readable is None:
            return fields
        return [name for name in fields if name in readable]


# The history listing's count: «4 записи истории», not «4 записи модели лога».
HISTORY_WORDING = Wording(None, ngettext_lazy(
    "%(count)d history entry", "%(count)d history entries", "count"), "feminine")


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    # The history of a card says who changed what and links every version.
    full_read_required = True
    paginator_class = WordedPaginator

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.wording = HISTORY_WORDING
        return paginator


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    # What refers to a card (its marks, its parents) is not among its limited fields.
    full_read_required = True


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view goes through the access matrix. Models with
    Wagtail's ``RevisionMixin`` also get a diff between versions and restore (R-PD-2),
    linked from their history."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    # The add button, the count and the messages in correct Russian (Wording).
    wording = None
    # Who, besides those who may add, change or delete its rows, finds this listing in
    # the menu: the roles that look things up in it. Others who may read it reach it
    # from links; their menu holds what they work with (tests/portal/test_admin_menu.py).
    menu_readers = frozenset()
    # Every row's id in the address goes through portal.ids (404 beyond the range).
    pk_path_converter = "id"
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    base_form_class = ScopedAdminForm
    panels = []
    # [(heading, [panels])]: the form in tabs, as a secretary thinks of a card.
    tabs = None
    # Relations the listing shows, loaded with the rows instead of once per row.
    list_select_related = ()
    list_prefetch_related = ()

    revisions_revert_view_class = ScopedRevisionsRevertView
    revisions_compare_view_class = ScopedRevisionsCompareView

    @cached_property
    def revision_enabled(self):
        return issubclass(self.model, RevisionMixin)

    def get_history_view_kwargs(self, **kwargs):
        if self.revision_enabled:
            kwargs.setdefault("revisions_revert_url_name", self.get_url_name("revisions_revert"))
            kwargs.setdefault("revisions_compare_url_name",
                              self.get_url_name("revisions_compare"))
        return super().get_history_view_kwargs(**kwargs)

    @property
    def revisions_revert_view(self):
        return self.construct_view(
            self.revisions_revert_view_class, **self.get_edit_view_kwargs(),
            revisions_revert_url_name=self.get_url_name("revisions_revert"),
        )

    @property
    def revisions_compare_view(self):
        return self.construct_view(
            self.revisions_compare_view_class, edit_handler=self._edit_handler,
            template_name="wagtailadmin/generic/revisions/compare.html",
        )

    def get_urlpatterns(self):
        urlpatterns = super().get_urlpatterns()
        if self.revision_enabled:
            urlpatterns += [
                path("history/<id:pk>/revisions/<id:revision_id>/revert/",
                     self.revisions_revert_view, name="revisions_revert"),
                # "live", "earliest", "latest" or an id on either side of the dots:
                # ScopedRevisionsCompareView checks them.
                path("history/<id:pk>/revisions/compare/"
                     "<str:revision_id_a>...<str:revision_id_b>/",
                     self.revisions_compare_view, name="revisions_compare"),
            ]
        return urlpatterns

    def get_index_view_kwargs(self, **kwargs):
        queryset = self.model._default_manager.all()
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return super().get_index_view_kwargs(queryset=queryset, wording=self.wording,
                                             **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(wording=self.wording, **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(wording=self.wording, **kwargs)

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(wording=self.wording, **kwargs)

    def menu_shown_to(self, user):
        """Whether the listing is in ``user``'s menu: for those who may change its rows
        somewhere, and for the ``menu_readers`` who may read them."""
        if user.is_superuser:
            return True
        policy = policy_registry.get_by_type(self.model)
        if policy.user_has_any_permission(user, ["add", "change", "delete"]):
            return True
        return (bool(access(user).all_roles & self.menu_readers)
                and policy.user_has_permission(user, "view"))

    @cached_property
    def menu_item_class(self):
        viewset = self

        class ScopedMenuItem(SidebarMenuItem):
            def is_shown(self, request):
                return viewset.menu_shown_to(request.user)

        return ScopedMenuItem

    @cached_property
    def url_prefix(self):
        return f"{self.model._meta.app_label}/{self.model._meta.model_name}"

    @cached_property
    def url_namespace(self):
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}"

    def get_edit_handler(self):
        if self.tabs:
            handler = TabbedInterface(
                [ObjectList(panels, heading=heading) for heading, panels in self.tabs],
                base_form_class=self.base_form_class,
            )
        else:
            handler = ObjectList(self.panels, base_form_class=self.base_form_class)
        return handler.bind_to_model(self.model)


# The roles whose work is the school's (or the city's) records as a whole: they look
# up pupils, staff and classes in the admin's listings. Teachers, the medic and the
# psychologist read what concerns their classes on the portal's own pages.
OFFICE_ROLES = frozenset({
    Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL,
    Role.SECRETARY, Role.COORDINATOR, *DEPARTMENT_ROLES,
})


class PermissionMenuItem(SidebarMenuItem):
    """A sidebar item shown to those who hold ``permission`` somewhere (and, with
    ``roles``, hold one of those roles)."""

    def __init__(self, label, url, permission, roles=None, **kwargs):
        super().__init__(label, url, **kwargs)
        self.permission = permission
        self.roles = roles

    def is_shown(self, request):
        user = request.user
        if not user.has_perm(self.permission):
            return False
        return (self.roles is None or user.is_superuser
                or bool(access(user).all_roles & self.roles))


class AdminPageViewSet(ViewSet):
    """One admin page of its own (an overview, a report) with a menu item, so that it
    can stand in a menu group next to the model viewsets. The item is shown to those
    who hold ``permission_required`` somewhere; the view checks the row itself."""

    permission_required = None
    # With roles, the item is in the menu of those roles only (see OFFICE_ROLES).
    menu_roles = None
    url_name = "index"

    def get_view(self):
        raise NotImplementedError

    def get_urlpatterns(self):
        return [path("", self.get_view(), name=self.url_name)]

    def get_menu_item(self, order=None):
        return PermissionMenuItem(self.menu_label, self.menu_url, self.permission_required,
                                  roles=self.menu_roles, name=self.menu_name,
                                  icon_name=self.menu_icon, order=self.get_menu_item_order(order))
