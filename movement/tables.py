import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.tables import ReadableTable

from .models import Movement


class BookTable(ReadableTable):
    date = tables.DateColumn(verbose_name=capfirst(_("date")), format="d.m.Y")
    kind = tables.Column(verbose_name=capfirst(_("movement")))
    pupil = tables.Column(accessor="pupil__person__full_name",
                          verbose_name=capfirst(_("pupil")),
                          order_by="pupil__person__search_name",
                          linkify=("records:pupil", {"pk": tables.A("pupil_id")}))
    from_class = tables.Column(verbose_name=capfirst(_("from class")), orderable=False)
    to_class = tables.Column(verbose_name=capfirst(_("to class")), orderable=False)
    order = tables.Column(verbose_name=capfirst(_("order")), order_by=("order__date",
                                                                       "order__number"))
    details = tables.Column(accessor="reason", verbose_name=capfirst(_("reason")),
                            orderable=False, empty_values=())

    class Meta:
        model = Movement
        fields = ()
        sequence = ("date", "kind", "pupil", "from_class", "to_class", "order", "details")
        attrs = {"class": "table stack", "data-book": ""}
        order_by = ("-date",)

    def render_details(self, record):
        parts = [record.reason]
        if record.destination_kind:
            parts.append(record.get_destination_kind_display())
            parts.append(record.destination_institution.short_name
                         if record.destination_institution_id else record.destination)
        if record.cancels_id:
            parts.append(_("cancels: %(movement)s") % {"movement": record.cancels})
        if getattr(record, "is_cancelled", False):
            parts.append(str(_("cancelled")))
        return "; ".join(str(p) for p in parts if p) or "—"
