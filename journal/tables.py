import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.tables import ReadableTable
from records.models import Pupil


class ClassPupilTable(ReadableTable):
    number = tables.Column(accessor="pk", empty_values=(), verbose_name="№",
                           orderable=False)
    name = tables.Column(
        accessor="person__full_name",
        verbose_name=capfirst(_("pupil")),
        order_by="person__search_name",
        linkify=("records:pupil", {"pk": tables.A("pk")}),
    )
    birth_date = tables.DateColumn(
        accessor="person__birth_date", verbose_name=capfirst(_("birth date"))
    )
    sex = tables.Column(accessor="person__get_sex_display", verbose_name=capfirst(_("sex")),
                        order_by="person__sex")

    class Meta:
        model = Pupil
        fields = ()
        sequence = ("number", "name", "birth_date", "sex")
        attrs = {"class": "table"}

    def render_number(self, bound_row):
        return bound_row.row_counter + 1
