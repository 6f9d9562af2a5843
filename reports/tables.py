"""The reports' tables (django-tables2): sortable by every column, over the report's
rows (plain values: every row is a group, already counted)."""

import django_tables2 as tables
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from . import builder
from .progress import CATEGORIES

NONE = -1  # sorts a missing share or average below every real one


class NumberColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value):
        return "—" if value in (None, NONE) else value


class PercentColumn(NumberColumn):
    def render(self, value):
        return "—" if value in (None, NONE) else f"{number_format(value, 1)} %"


class ReportTable(tables.Table):
    """A report's table: every column sortable, one card a row on a phone."""

    class Meta:
        attrs = {"class": "table stack", "data-report": ""}
        orderable = True


class ProgressTable(ReportTable):
    class Meta(ReportTable.Meta):
        pass

    label = tables.Column(verbose_name=_("Group"))
    school = tables.Column(verbose_name=_("School"))
    pupils = NumberColumn(verbose_name=_("Pupils"))
    excellent = NumberColumn(verbose_name=CATEGORIES["excellent"])
    good = NumberColumn(verbose_name=CATEGORIES["good"])
    satisfactory = NumberColumn(verbose_name=CATEGORIES["satisfactory"])
    failing = NumberColumn(verbose_name=CATEGORIES["failing"])
    not_attested = NumberColumn(verbose_name=CATEGORIES["not_attested"])
    quality = PercentColumn(verbose_name=_("Quality"))
    success = PercentColumn(verbose_name=_("Success"))
    average = NumberColumn(verbose_name=_("Average final"))

    def __init__(self, data, *, group, **kwargs):
        exclude = [] if group == "class" else ["school"]
        super().__init__(data, exclude=exclude, **kwargs)
        self.columns["label"].column.verbose_name = {
            "school": _("School"), "grade": _("Grade"), "class": _("Class"),
            "subject": _("Subject")}[group]
        if group == "subject":
            self.columns["pupils"].column.verbose_name = _("Finals")


class CurrentTable(ReportTable):
    class Meta(ReportTable.Meta):
        pass

    label = tables.Column(verbose_name=_("Group"))
    pupils = NumberColumn(verbose_name=_("Pupils"))
    marks = NumberColumn(verbose_name=_("Marks"))
    marks_per_pupil = NumberColumn(verbose_name=_("Marks per pupil"))
    average = NumberColumn(verbose_name=_("Average mark"))
    debts = NumberColumn(verbose_name=_("Debts"))
    absent = NumberColumn(verbose_name=_("Absent"))
    valid = NumberColumn(verbose_name=_("With a valid reason"))
    ill = NumberColumn(verbose_name=_("Ill"))
    late = NumberColumn(verbose_name=_("Late"))
    missed_per_pupil = NumberColumn(verbose_name=_("Lessons missed per pupil"))

    def __init__(self, data, *, label, **kwargs):
        super().__init__(data, **kwargs)
        self.columns["label"].column.verbose_name = label


class CompletenessTable(ReportTable):
    class Meta(ReportTable.Meta):
        pass

    teacher = tables.Column(verbose_name=_("Teacher"))
    held = NumberColumn(verbose_name=_("Lessons held"))
    with_topic = PercentColumn(verbose_name=_("With a topic"))
    with_register = PercentColumn(verbose_name=_("Register taken"))
    with_homework = PercentColumn(verbose_name=_("With homework"))
    marks = NumberColumn(verbose_name=_("Marks"))
    pupils = NumberColumn(verbose_name=_("Pupils taught"))
    marks_per_pupil = NumberColumn(verbose_name=_("Marks per pupil"))


class ContingentTable(ReportTable):
    class Meta(ReportTable.Meta):
        pass

    label = tables.Column(verbose_name=_("Group"))
    school = tables.Column(verbose_name=_("School"))
    classes = NumberColumn(verbose_name=_("Classes"))
    pupils = NumberColumn(verbose_name=_("Pupils"))
    boys = NumberColumn(verbose_name=_("Boys"))
    girls = NumberColumn(verbose_name=_("Girls"))

    def __init__(self, data, *, group, ages, **kwargs):
        extra = [(f"age_{age}", NumberColumn(verbose_name=label)) for age, label in ages]
        super().__init__(data, exclude=[] if group == "class" else ["school"],
                         extra_columns=extra, **kwargs)
        self.columns["label"].column.verbose_name = {
            "school": _("School"), "grade": _("Grade"), "class": _("Class")}[group]


class StaffTable(ReportTable):
    class Meta(ReportTable.Meta):
        pass

    name = tables.Column(verbose_name=_("Name"))
    school = tables.Column(verbose_name=_("School"))
    position = tables.Column(verbose_name=_("Position"))
    load = NumberColumn(verbose_name=_("Hours a week"))
    classes = NumberColumn(verbose_name=_("Classes taught"))
    leads = tables.Column(verbose_name=_("Class teacher of"))

    def __init__(self, data, *, several_schools, **kwargs):
        super().__init__(data, exclude=[] if several_schools else ["school"], **kwargs)


class BuilderColumn(tables.Column):
    """A column of a report of the builder: its value as the builder's column shows it."""

    def __init__(self, source_column, **kwargs):
        self.source_column = source_column
        if source_column is None or source_column.kind == builder.NUMBER_KIND:
            kwargs.setdefault("attrs", {**NumberColumn.attrs, "tf": {"class": "num"}})
        super().__init__(**kwargs)

    def render(self, value):
        return builder.display(self.source_column, value)


class BuilderTable(ReportTable):
    class Meta(ReportTable.Meta):
        pass

    @classmethod
    def of(cls, result, data, **kwargs):
        """The table of a builder's result, its totals line as the footer."""
        total = totals_line(result)
        extra = [(name, BuilderColumn(
            column, verbose_name=label, accessor=name,
            footer=builder.display(column, total[name]) if total and name in total else None))
            for name, label, column in result.columns]
        table = cls(data, extra_columns=extra, **kwargs)
        table.total = total
        return table


def totals_line(result):
    """{column name: value} of the result's totals line, or None: the count of rows and
    the aggregates of the columns that have one."""
    if result.total is None:
        return None
    line = {}
    for name, _label, column in result.columns:
        if name == "rows":
            line[name] = result.total["rows"]
        elif column is not None and column.aggregate and f"a_{column.key}" in result.total:
            line[name] = result.total[f"a_{column.key}"]
    first = result.columns[0][0]
    line[first] = _("Total") if result.grouped else _("Total: %(count)s") % {
        "count": result.total["rows"]}
    return line
