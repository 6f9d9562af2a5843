"""The report builder's form (R-REP-3): what to show of a source, offered as the columns
the user may read (reports/builder.py), and with whom to share it (R-REP-4)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import DEPARTMENT_ROLES, SCHOOL_STAFF_ROLES, Role, access
from records.models import Institution

from . import builder
from .models import SavedReport
from .rules import PUBLISH_REPORT

NOTHING = [("", "—")]


class FilterForm(forms.Form):
    column = forms.ChoiceField(label=gettext_lazy("Column"), required=False)
    op = forms.ChoiceField(label=gettext_lazy("Condition"), required=False,
                           choices=[(key, label) for key, label in builder.OPERATORS.items()])
    value = forms.CharField(label=gettext_lazy("Value"), required=False, max_length=200)

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = {column.key: column for column in columns}
        self.fields["column"].choices = NOTHING + [(c.key, c.label) for c in columns]

    def clean(self):
        data = super().clean()
        column = self.columns.get(data.get("column") or "")
        if column is None:
            return data
        op = data.get("op")
        if op not in builder.KIND_OPERATORS[column.kind]:
            allowed = ", ".join(f"«{builder.OPERATORS[key]}»"
                                for key in builder.KIND_OPERATORS[column.kind])
            raise ValidationError(_("The condition on «%(column)s» is one of %(allowed)s.")
                                  % {"column": column.label, "allowed": allowed})
        builder.parse_value(column, op, data.get("value"))
        return data


class BaseFilterFormSet(forms.BaseFormSet):
    def __init__(self, *args, columns, **kwargs):
        self.columns = columns
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "columns": self.columns}

    @property
    def empty_form(self):
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"),
                         empty_permitted=True, use_required_attribute=False,
                         columns=self.columns, renderer=self.renderer)

    def filters(self):
        return [{"column": form.cleaned_data["column"], "op": form.cleaned_data["op"],
                 "value": form.cleaned_data.get("value", "")}
                for form in self.forms
                if form.cleaned_data.get("column")]


FilterFormSet = forms.formset_factory(
    FilterForm, formset=BaseFilterFormSet, extra=2, max_num=builder.MAX_FILTERS,
    validate_max=True, absolute_max=builder.MAX_FILTERS)


def audiences_for(user):
    """The audiences the user may share with: the school's staff with their colleagues,
    the department with itself and — publishing — every school."""
    choices = [SavedReport.Audience.OWNER]
    context = access(user)
    if any(roles & SCHOOL_STAFF_ROLES for roles in context.school_roles.values()):
        choices += [SavedReport.Audience.ROLE, SavedReport.Audience.SCHOOL]
    if context.department_roles & DEPARTMENT_ROLES:
        choices.append(SavedReport.Audience.DEPARTMENT)
    if user.has_perm(PUBLISH_REPORT):
        choices.append(SavedReport.Audience.CITY)
    return [(value, SavedReport.Audience(value).label) for value in choices]


class BuilderForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    columns = forms.MultipleChoiceField(label=gettext_lazy("Columns"),
                                        widget=forms.CheckboxSelectMultiple)
    group_by = forms.ChoiceField(label=gettext_lazy("Group by"), required=False)
    then_by = forms.ChoiceField(label=gettext_lazy("then by"), required=False)
    order = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)
    totals = forms.BooleanField(label=gettext_lazy("Totals line"), required=False)
    audience = forms.ChoiceField(label=gettext_lazy("Shared with"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)
    institution = forms.TypedChoiceField(label=gettext_lazy("School"), coerce=int,
                                         required=False)

    def __init__(self, *args, user, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.source = user, source
        self.readable = builder.readable_columns(user, source)
        choices = [(column.key, column.label) for column in self.readable]
        self.fields["columns"].choices = choices
        self.fields["group_by"].choices = NOTHING + choices
        self.fields["then_by"].choices = NOTHING + choices
        self.fields["order"].choices = NOTHING + [
            item for column in self.readable for item in (
                (column.key, _("%(column)s, ascending") % {"column": column.label}),
                (f"-{column.key}", _("%(column)s, descending") % {"column": column.label}))]
        self.fields["audience"].choices = audiences_for(user)
        context = access(user)
        schools = {i: roles & SCHOOL_STAFF_ROLES for i, roles in context.school_roles.items()
                   if roles & SCHOOL_STAFF_ROLES}
        self.schools = schools
        held = sorted({role for roles in schools.values() for role in roles})
        roles = held
        if user.has_perm(PUBLISH_REPORT):
            roles = sorted(SCHOOL_STAFF_ROLES)
        self.fields["role"].choices = NOTHING + [(role, Role(role).label) for role in roles]
        self.fields["institution"].choices = [
            (school.pk, school.short_name)
            for school in Institution.objects.filter(pk__in=schools).order_by("short_name")]
        if len(schools) < 2:
            self.fields["institution"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        role = data.get("role") or ""
        school = data.get("institution") or (next(iter(self.schools)) if self.schools
                                             else None)
        if audience == SavedReport.Audience.ROLE:
            if school not in self.schools or role not in self.schools[school]:
                self.add_error("role", _("Choose a role you hold in the school: the report "
                                         "is shared with your colleagues in it."))
        elif audience == SavedReport.Audience.CITY:
            pass  # a role narrows the publication to it; none: every school's staff
        else:
            role = ""
        if audience in (SavedReport.Audience.ROLE, SavedReport.Audience.SCHOOL):
            if school not in self.schools:
                self.add_error("institution", _("Choose a school where you work."))
        elif audience == SavedReport.Audience.OWNER:
            school = school if school in self.schools else None
        else:
            school = None
        data["role"], data["institution"] = role, school
        if data.get("columns") and data.get("group_by") and data.get("group_by") == data.get(
                "then_by"):
            self.add_error("then_by", _("Choose another column to group by."))
        return data

    def definition(self, filters):
        data = self.cleaned_data
        return builder.Definition(
            columns=list(data["columns"]), filters=filters,
            group_by=[key for key in (data.get("group_by"), data.get("then_by")) if key],
            totals=bool(data.get("totals")), order=data.get("order") or "")

    @classmethod
    def initial_for(cls, report=None, source=None):
        if report is None:
            return {"columns": list(source.defaults), "audience": SavedReport.Audience.OWNER}
        definition = builder.Definition.from_json(report.definition)
        groups = definition.group_by + ["", ""]
        return {"title": report.title, "columns": definition.columns, "group_by": groups[0],
                "then_by": groups[1], "order": definition.order, "totals": definition.totals,
                "audience": report.audience, "role": report.role,
                "institution": report.institution_id}
