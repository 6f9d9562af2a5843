import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from portal.filters import WholeNumberFilter

from .models import AccessLevel, Document, DocumentKind, IssuedDocument, IssuedKind


class DocumentFilterSet(WagtailFilterSet):
    year = WholeNumberFilter(field_name="date__year", label=_("year"), min_value=1990,
                             max_value=2100)
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label=_("kind"))
    access_level = django_filters.ChoiceFilter(choices=AccessLevel.choices,
                                               label=_("access"))

    class Meta:
        model = Document
        fields = ["year", "kind", "access_level"]


class IssuedDocumentFilter(django_filters.FilterSet):
    """The register of issued documents on the portal: by school, kind, year, and the
    name of whom it is about."""

    institution = django_filters.ModelChoiceFilter(queryset=None, label=_("institution"))
    kind = django_filters.ChoiceFilter(choices=IssuedKind.choices, label=_("kind"))
    year = WholeNumberFilter(field_name="year", label=_("year"), min_value=1990,
                             max_value=2100)
    subject = django_filters.CharFilter(lookup_expr="icontains", label=_("about"))

    class Meta:
        model = IssuedDocument
        fields = ["institution", "kind", "year", "subject"]

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["institution"].queryset = institutions
