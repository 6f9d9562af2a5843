import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from .models import Audience, Link, LinkCategory


class LinkFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(queryset=LinkCategory.objects.all(),
                                                label=_("category"))
    audience = django_filters.ChoiceFilter(choices=Audience.choices, label=_("shown to"))
    # The broken-link report: ?is_broken=true.
    is_broken = django_filters.BooleanFilter(label=_("broken"))

    class Meta:
        model = Link
        fields = ["category", "audience", "is_broken"]
