"""Ids typed by users: one rule for the address, the forms and the JSON endpoints.

Every row's id is a ``BigAutoField``: a whole number from 1 to 2⁶³ − 1, the largest
the databases store (SQLite raises ``OverflowError`` beyond it; PostgreSQL refuses it
when a row is written). Django checks the range for lookups on a model's own integer
fields, but not for foreign keys (``school_class_id=…``), ``__in`` lookups, dates built
from numbers or Python code comparing ids, so an id has to be a valid one before it
reaches any of them. Three tools, all with the same bounds:

- ``<id:pk>`` in ``path()``: the path converter of every id in an address. Anything
  else (a minus, 0, a number above the maximum) does not match, so the answer is 404.
  Registered at start-up (``PortalConfig.ready``), before any URLconf is loaded.
- ``IdField``: the form field of an id posted in a form or to a JSON endpoint.
- ``parse_id(value)``: the id in a query-string parameter or a posted value, or None
  (``id_or_404`` for a page that cannot go on without it).

Behind them, ``IntegerFieldIn`` makes ``__in`` lookups on integer columns leave out
numbers the column cannot hold, for the forms the project does not write.

``tests/portal/test_ids.py`` walks every URL pattern of the project (and checks that
its integer parameters use ``id``), requests each with huge, negative and zero ids, and
posts such values into every field of the journal's and the timetable's endpoints and
every filter of the admin listings.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import IntegerField
from django.db.models.lookups import In
from django.http import Http404
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1
MAX_DIGITS = len(str(MAX_ID))


def parse_number(value, minimum=1, maximum=MAX_ID):
    """The whole number written in ``value`` (ASCII digits only: no sign, no spaces
    inside, no «²»), if it lies between ``minimum`` and ``maximum``; else None."""
    text = "" if value is None else str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > MAX_DIGITS:
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value):
    """The id in ``value`` (1 … ``MAX_ID``), or None."""
    return parse_number(value)


def id_or_404(value):
    """The id in ``value``; a page asked for with anything else is not found."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


class IdConverter:
    """``<id:name>``: an id in the address, or no match (404)."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)


class IntegerFieldIn(In):
    """``pk__in`` (and ``__in`` on any integer column) leaves out the numbers the
    column cannot hold, as Django's own exact lookup does for one number: forms we do
    not write (Wagtail's filters, ``ModelMultipleChoiceField``) look posted ids up with
    ``__in``, and SQLite raises ``OverflowError`` beyond 64 bits."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if not isinstance(value, int)
                        or ((low is None or value >= low) and (high is None or value <= high))]
        return super().process_rhs(compiler, connection)


def register():
    register_converter(IdConverter, "id")
    IntegerField.register_lookup(IntegerFieldIn)


class IdField(forms.IntegerField):
    """An id posted in a form or to a JSON endpoint: digits only, from 1 to ``MAX_ID``."""

    minimum = 1
    default_error_messages = {"invalid": _("This is not the number of a record.")}

    def __init__(self, **kwargs):
        super().__init__(min_value=self.minimum, max_value=MAX_ID, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_number(value, minimum=self.minimum)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class VersionField(IdField):
    """The version of a journal cell the screen showed: 0 (the cell was empty) or more,
    under the same rule as ids."""

    minimum = 0
    default_error_messages = {"invalid": _("Enter a whole number.")}
