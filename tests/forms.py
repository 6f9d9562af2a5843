"""Building POST data from an admin form, as a browser would submit it unchanged."""

from django.db.models.fields.files import FieldFile


def field_values(form):
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if field.disabled or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[key] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, FieldFile):  # a stored file stays as it is
            continue
        data[key] = value
    return data


def form_data(form, **changes):
    """The form's current values, with its inline formsets (Wagtail's InlinePanel)."""
    data = field_values(form)
    for formset in getattr(form, "formsets", {}).values():
        data.update(field_values(formset.management_form))
        for child in formset.forms:
            data.update(field_values(child))
    data.update(changes)
    return data


def add_inline(data, form, relation, values):
    """Adds one row to an inline formset in ``data``."""
    formset = form.formsets[relation]
    index = int(data[f"{formset.prefix}-TOTAL_FORMS"])
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{formset.prefix}-{index}-{name}"] = value
    data[f"{formset.prefix}-{index}-ORDER"] = str(index + 1)
    return data


def no_inline_rows(*relations):
    """The management data of empty inline formsets, for a form posted by hand."""
    data = {}
    for relation in relations:
        data.update({f"{relation}-TOTAL_FORMS": "0", f"{relation}-INITIAL_FORMS": "0",
                     f"{relation}-MIN_NUM_FORMS": "0", f"{relation}-MAX_NUM_FORMS": "1000"})
    return data
