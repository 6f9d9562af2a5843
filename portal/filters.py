"""Filters shared by the admin listings."""

import django_filters
from django import forms


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number typed into a listing's filter, between ``min_value`` and
    ``max_value``. Anything else (a fraction, a year 0 or 99999, a number beyond what the
    database stores) is shown as the filter form's error and filters nothing, instead of
    reaching a lookup that cannot take it (``__year=0`` raises in Python)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value, max_value, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
