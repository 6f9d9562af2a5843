import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.tables import ReadableTable

from .models import SubjectRequest


class RegisterTable(ReadableTable):
    """The register of requests; a department reader (limited) sees neither whose data
    it is nor who filed it (ReadableTable leaves those columns out)."""

    number = tables.Column(accessor="pk", verbose_name="№",
                           linkify=("subject_requests:request", {"pk": tables.A("pk")}))
    received_on = tables.DateColumn(verbose_name=capfirst(_("received on")),
                                    format="d.m.Y")
    institution = tables.Column(accessor="institution__short_name",
                                verbose_name=capfirst(_("institution")),
                                order_by="institution__short_name")
    subject = tables.Column(accessor="subject__full_name", verbose_name=capfirst(_("whose data")),
                            order_by="subject__search_name")
    kind = tables.Column(verbose_name=capfirst(_("kind")))
    deadline = tables.DateColumn(verbose_name=capfirst(_("deadline")), format="d.m.Y")
    state = tables.Column(verbose_name=capfirst(_("state")))

    class Meta:
        model = SubjectRequest
        fields = ()
        sequence = ("number", "received_on", "institution", "subject", "kind", "deadline",
                    "state")
        attrs = {"class": "table stack", "data-register": ""}
        row_attrs = {"class": lambda record: "overdue" if record.is_overdue else "",
                     "data-overdue": lambda record: "1" if record.is_overdue else None}
        order_by = ("deadline",)
        empty_text = _("No requests.")

    def render_state(self, record, value):
        if record.is_overdue:
            return _("%(state)s, overdue") % {"state": value}
        return value
