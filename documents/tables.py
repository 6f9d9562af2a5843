import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.tables import ReadableTable

from .models import IssuedDocument


class IssuedDocumentTable(ReadableTable):
    number = tables.Column(accessor="full_number", verbose_name="№",
                           order_by=("year", "number"))
    issued_on = tables.DateColumn(verbose_name=capfirst(_("issued on")), format="d.m.Y")
    kind = tables.Column(verbose_name=capfirst(_("kind")))
    subject = tables.Column(verbose_name=capfirst(_("about")))
    destination = tables.Column(verbose_name=capfirst(_("for presentation at")))
    institution = tables.Column(accessor="institution__short_name",
                                verbose_name=capfirst(_("institution")))
    issued_by = tables.Column(accessor="issued_by", verbose_name=capfirst(_("issued by")),
                              orderable=False)
    file = tables.TemplateColumn(
        '{% load i18n %}{% if record.file %}<a href="{{ record.get_file_url }}" '
        'data-issued-file="{{ record.pk }}">{% trans "Download" %}</a>{% endif %}',
        verbose_name="PDF", orderable=False, empty_values=())

    class Meta:
        model = IssuedDocument
        fields = ()
        sequence = ("number", "issued_on", "kind", "subject", "destination", "institution",
                    "issued_by", "file")
        attrs = {"class": "table stack"}
        empty_text = _("No documents issued.")

    def render_issued_by(self, value):
        person = value.person_or_none
        return person.short_name if person else value.get_username()
