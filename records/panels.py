"""Edit panels of records."""

import functools

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin import compare
from wagtail.admin.panels import FieldPanel, Panel

from portal.viewsets import ScopedAdminForm

from .models import Person, Pupil


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


class ChosenOncePanel(FieldPanel):
    """A field chosen when the row is made and fixed afterwards: editable on a new row,
    shown as text on a saved one (its form leaves the field out, see
    ``PupilGroupForm``). Wagtail's ``read_only`` panels never put the field in the form,
    so the form options are asked for as an editable panel's."""

    def __init__(self, field_name, *args, **kwargs):
        kwargs["read_only"] = True
        super().__init__(field_name, *args, **kwargs)

    def get_form_options(self):
        self.read_only = False
        try:
            return super().get_form_options()
        finally:
            self.read_only = True


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pupil):
        if pupil.school_class_id:
            return f"{pupil.person.full_name} ({pupil.school_class})"
        return pupil.person.full_name


class PupilGroupForm(ScopedAdminForm):
    """The form of a group of a pupil's fields (medical details, characteristic): a
    saved card's pupil is fixed (the card is theirs: moving it to another child would
    carry one child's diagnosis to another), and a new card is for one of the pupils
    the user sees who has none yet, named with their class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "pupil" not in self.fields:
            return
        if self.instance.pk:
            del self.fields["pupil"]
            return
        field = self.fields["pupil"]
        related = self._meta.model._meta.get_field("pupil").remote_field.related_name
        choice = PupilChoiceField(
            queryset=field.queryset.current().filter(**{f"{related}__isnull": True})
            .select_related("person", "school_class")
            .order_by("school_class__grade", "school_class__letter", "person__search_name"),
            label=field.label, help_text=field.help_text, required=field.required,
            widget=forms.Select)
        self.fields["pupil"] = choice


class ChildrenPanel(Panel):
    """On a parent's card: their children, with class and school, as far as the user
    may see them (the guardianships are edited on the pupil's card)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", _("Children"))
        super().__init__(*args, **kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "records/admin/parent_children.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            children = []
            if self.instance is not None and self.instance.pk:
                children = list(
                    Pupil.objects.visible_to(self.request.user)
                    .filter(guardianships__parent=self.instance)
                    .select_related("person", "school_class", "institution")
                    .order_by("person__search_name"))
            context["children"] = children
            return context
