import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from portal.filters import WholeNumberFilter

from .models import AccessLevel, Document, DocumentKind


class DocumentFilterSet(WagtailFilterSet):
    year = WholeNumberFilter(field_name="date__year", label=_("year"), min_value=1990,
                             max_value=2100)
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label=_("kind"))
    access_level = django_filters.ChoiceFilter(choices=AccessLevel.choices,
                                               label=_("access"))

    class Meta:
        model = Document
        fields = ["year", "kind", "access_level"]
