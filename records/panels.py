"""Edit panels of records."""

import functools

from wagtail.admin import compare
from wagtail.admin.panels import FieldPanel

from .models import Person


class PersonFieldPanel(FieldPanel):
    """A field of the record's person (name, birth date, sex) edited on the record's
    form. Its diff reads the person copy each revision carries (R-PD-2)."""

    class BoundPanel(FieldPanel.BoundPanel):
        def get_comparison(self):
            field = Person._meta.get_field(self.panel.field_name)
            comparison_class = (compare.ChoiceFieldComparison if field.choices
                                else compare.FieldComparison)
            return [functools.partial(PersonComparison, comparison_class, field)]


def PersonComparison(comparison_class, field, obj_a, obj_b):
    return comparison_class(field, obj_a.person, obj_b.person)
