"""The report builder (R-REP-3, R-REP-4): a source, its columns, filters, a grouping and
totals, chosen by the user and kept as a saved report (``SavedReport.definition``).

A source is a model read through its own permission (``visible_to``) and the columns it
offers. A column is offered to a user — and read when any saved report runs, whoever
saved it — only when the user may read it:

* every field along its path must be readable (``portal.access.may_read``: the
  department's limited fields, R-TEN-3);
* a model along the path that fewer roles read than the source's rows (a pupil's
  medical details, their psychological characteristic: R-PPL-4) needs its own view
  permission, and its values are read only of the rows the user may see of it (a
  medic in one school who teaches in another reads the health group of the first
  school's pupils only).

A definition naming a column the reader may not read loses that column, and any filter,
grouping or order on it, before a query is built: a filter on a health group would tell
the health group as surely as the column.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Avg, Case, Count, F, Max, Min, Q, Sum, Value, When
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Cast, Concat, ExtractYear, Trim
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from journal.models import Attendance, AttendanceKind, Mark
from journal.rules import VIEW_JOURNAL
from journal.tallies import NUMERIC, number_of_mark
from movement.models import Movement, MovementKind
from portal.access import may_read, permission, view_permission
from records.imports import parse_date
from records.models import Pupil, Sex, Staff
from schedule.models import Lesson

from .rules import BUILDERS

TEXT, NUMBER_KIND, DATE, BOOL, CHOICE = "text", "number", "date", "bool", "choice"

# The operators of a filter, by the kind of the column.
OPERATORS = {
    "contains": gettext_lazy("contains"),
    "eq": gettext_lazy("is"),
    "gte": gettext_lazy("is at least"),
    "lte": gettext_lazy("is at most"),
    "empty": gettext_lazy("is empty"),
    "filled": gettext_lazy("is filled"),
    "yes": gettext_lazy("yes"),
    "no": gettext_lazy("no"),
}
KIND_OPERATORS = {
    TEXT: ("contains", "eq", "empty", "filled"),
    NUMBER_KIND: ("eq", "gte", "lte", "empty", "filled"),
    DATE: ("eq", "gte", "lte", "empty", "filled"),
    BOOL: ("yes", "no"),
    CHOICE: ("eq", "empty", "filled"),
}
NEEDS_VALUE = {"contains", "eq", "gte", "lte"}
def _weighted_average(expression):
    """Σ(mark × weight) / Σweight over the marks that are numbers (the journal's average,
    journal.models.weighted_average), the weight being the work's mark type."""
    weight = F("task__mark_type__weight")
    numeric = Case(When(NUMERIC, then=weight), default=Value(None),
                   output_field=models.DecimalField())
    # In floating point: SQLite divides two whole sums as integers.
    return (Cast(Sum(expression * weight, output_field=models.DecimalField()),
                 models.FloatField())
            / Cast(Sum(numeric), models.FloatField()))


AGGREGATES = {"avg": Avg, "sum": Sum, "min": Min, "max": Max, "weighted": _weighted_average}
MAX_FILTERS = 5
MAX_GROUPS = 2


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    # The path read, Django's way: what may_read checks and what the value is, unless
    # ``value`` gives an expression over the same path.
    lookup: str
    kind: str = TEXT
    value: object = None
    choices: tuple = ()
    # What a group shows of the column: its average, its sum (numbers only).
    aggregate: str | None = None

    def __post_init__(self):
        # Some labels are the models' own verbose names, in lower case.
        object.__setattr__(self, "label", capfirst(self.label))

    def expression(self):
        return self.value if self.value is not None else F(self.lookup)

    def display(self, value):
        """The value as a reader sees it (and as the downloads write it)."""
        if value is None or value == "":
            return ""
        if self.kind == CHOICE:
            return str(dict(self.choices).get(value, value))
        if self.kind == BOOL:
            return _("yes") if value else _("no")
        return value


def _name(prefix):
    """A person's full name from the path ``prefix`` to their Person row."""
    # Trimmed: a name without a patronymic ends in no space.
    return Trim(Concat(F(f"{prefix}__surname"), Value(" "), F(f"{prefix}__name"), Value(" "),
                       F(f"{prefix}__patronymic"), output_field=models.CharField()))


def _class_name(prefix):
    return Concat(Cast(F(f"{prefix}__grade"), models.CharField()), F(f"{prefix}__letter"),
                  output_field=models.CharField())


def _mark_number():
    return Case(When(NUMERIC, then=number_of_mark()), default=Value(None),
                output_field=models.DecimalField(max_digits=6, decimal_places=2))


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    model: type
    permission: str
    columns: tuple
    defaults: tuple
    # The source's rows of the reader, narrowed (current pupils, this year's marks).
    base: object = field(default=lambda queryset, user: queryset, compare=False)

    def column(self, key):
        for column in self.columns:
            if column.key == key:
                return column
        return None

    def rows(self, user):
        return self.base(self.model.objects.visible_to(user, self.permission), user)


def _pupil_columns():
    """The columns of a pupil's person: name, sex, birth date and year."""
    return (
        Column("pupil", gettext_lazy("Pupil"), "person__surname", value=_name("person")),
        Column("sex", gettext_lazy("Sex"), "person__sex", CHOICE, choices=tuple(Sex.choices)),
        Column("birth_date", gettext_lazy("Birth date"), "person__birth_date", DATE),
        Column("birth_year", gettext_lazy("Year of birth"), "person__birth_date",
               NUMBER_KIND, value=ExtractYear("person__birth_date")),
    )


def _current_pupils(queryset, user):
    return queryset.filter(left_on__isnull=True, school_class__academic_year__is_current=True)


def _current_staff(queryset, user):
    return queryset.filter(left_on__isnull=True)


def _this_year(queryset, user):
    """This year's rows of the lessons whose journal the reader reads: the same rows as
    the marks' own permission gives a member of staff, found through the lessons' index
    (a school's marks have no index of their own: journal/models.py)."""
    lessons = Lesson.objects.filter(academic_year__is_current=True).visible_to(
        user, VIEW_JOURNAL)
    return queryset.filter(lesson__in=lessons.values("pk"))


PUPILS = Source(
    "pupils", gettext_lazy("Pupils"), Pupil, "records.view_pupil", (
        *_pupil_columns(),
        Column("school", gettext_lazy("School"), "institution__short_name"),
        Column("grade", gettext_lazy("Grade"), "school_class__grade", NUMBER_KIND),
        Column("class", gettext_lazy("Class"), "school_class__grade",
               value=_class_name("school_class")),
        Column("personal_file_number", gettext_lazy("Personal file number"),
               "personal_file_number"),
        Column("enrolled_on", gettext_lazy("Enrolled on"), "enrolled_on", DATE),
        Column("citizenship", gettext_lazy("Citizenship"), "citizenship__name"),
        Column("foreign_language", gettext_lazy("Foreign language"),
               "foreign_language__name"),
        Column("residence_address", gettext_lazy("Place of residence"), "residence_address"),
        Column("home_phone", gettext_lazy("Home phone"), "home_phone"),
        Column("email", gettext_lazy("Email"), "email"),
        Column("pc_at_home", gettext_lazy("PC at home"), "pc_at_home", BOOL),
        Column("health_group", gettext_lazy("Health group"), "health__health_group__name"),
        Column("pe_group", gettext_lazy("PE group"), "health__pe_group__name"),
        Column("social_status", gettext_lazy("Social status"),
               "characteristic__social_status__name"),
    ), ("pupil", "class", "birth_date"), _current_pupils)

STAFF = Source(
    "staff", gettext_lazy("Staff"), Staff, "records.view_staff", (
        Column("employee", gettext_lazy("Employee"), "person__surname", value=_name("person")),
        Column("school", gettext_lazy("School"), "institution__short_name"),
        Column("position", gettext_lazy("Position"), "position__name"),
        Column("sex", gettext_lazy("Sex"), "person__sex", CHOICE, choices=tuple(Sex.choices)),
        Column("birth_date", gettext_lazy("Birth date"), "person__birth_date", DATE),
        Column("hired_on", gettext_lazy("Hire date"), "hired_on", DATE),
        Column("teaches", gettext_lazy("Teaching activity"), "teaches", BOOL),
        Column("category", gettext_lazy("Staff category"), "category__name"),
        Column("education", gettext_lazy("Education"), "education__name"),
        Column("total_experience", gettext_lazy("Length of service, years"),
               "total_experience_years", NUMBER_KIND, aggregate="avg"),
        Column("teaching_experience", gettext_lazy("Teaching service, years"),
               "teaching_experience_years", NUMBER_KIND, aggregate="avg"),
        Column("rank_and_degree", gettext_lazy("Rank, academic degree"), "rank_and_degree"),
        Column("on_maternity_leave", gettext_lazy("On maternity leave"), "on_maternity_leave",
               BOOL),
        Column("home_phone", gettext_lazy("Home phone"), "home_phone"),
        Column("email", gettext_lazy("Email"), "email"),
    ), ("employee", "position", "hired_on"), _current_staff)


def _lesson_columns():
    return (
        Column("school", gettext_lazy("School"), "institution__short_name"),
        Column("class", gettext_lazy("Class"), "lesson__school_class__grade",
               value=_class_name("lesson__school_class")),
        Column("subject", gettext_lazy("Subject"), "lesson__subject__name"),
        Column("date", gettext_lazy("Date"), "lesson__date", DATE),
        Column("teacher", gettext_lazy("Teacher"), "lesson__teacher__person__surname",
               value=_name("lesson__teacher__person")),
    )


MARKS = Source(
    "marks", gettext_lazy("Marks"), Mark, "journal.view_mark", (
        Column("pupil", gettext_lazy("Pupil"), "pupil__person__surname",
               value=_name("pupil__person")),
        *_lesson_columns(),
        Column("mark_type", gettext_lazy("Mark type"), "task__mark_type__name"),
        Column("value", gettext_lazy("Mark"), "value"),
        Column("number", gettext_lazy("Mark as a number"), "value", NUMBER_KIND,
               value=_mark_number(), aggregate="avg"),
        # The journal's average (R-JRN-2): Σ(mark × weight) / Σweight of a group's marks.
        Column("weighted", gettext_lazy("Mark, weighted"), "value", NUMBER_KIND,
               value=_mark_number(), aggregate="weighted"),
        Column("weight", gettext_lazy("Weight"), "task__mark_type__weight", NUMBER_KIND,
               aggregate="sum"),
        Column("is_debt", gettext_lazy("Debt"), "is_debt", BOOL),
    ), ("pupil", "subject", "date", "value"), _this_year)

ATTENDANCE = Source(
    "attendance", gettext_lazy("Attendance"), Attendance, "journal.view_attendance", (
        Column("pupil", gettext_lazy("Pupil"), "pupil__person__surname",
               value=_name("pupil__person")),
        *_lesson_columns(),
        Column("kind", gettext_lazy("Attendance"), "kind", CHOICE,
               choices=tuple(AttendanceKind.choices)),
        Column("late_minutes", gettext_lazy("Minutes late"), "late_minutes", NUMBER_KIND,
               aggregate="sum"),
    ), ("pupil", "date", "subject", "kind"), _this_year)

MOVEMENT = Source(
    "movement", gettext_lazy("Movement"), Movement, "movement.view_movement", (
        Column("pupil", gettext_lazy("Pupil"), "pupil__person__surname",
               value=_name("pupil__person")),
        Column("school", gettext_lazy("School"), "institution__short_name"),
        Column("kind", gettext_lazy("Movement"), "kind", CHOICE,
               choices=tuple(MovementKind.choices)),
        Column("date", gettext_lazy("Date"), "date", DATE),
        Column("year", gettext_lazy("Year"), "date", NUMBER_KIND, value=ExtractYear("date")),
        Column("from_class", gettext_lazy("From class"), "from_class__grade",
               value=_class_name("from_class")),
        Column("to_class", gettext_lazy("To class"), "to_class__grade",
               value=_class_name("to_class")),
        Column("reason", gettext_lazy("Reason"), "reason"),
        Column("destination", gettext_lazy("Destination"), "destination"),
    ), ("pupil", "kind", "date"))

SOURCES = {source.key: source for source in (PUPILS, STAFF, MARKS, ATTENDANCE, MOVEMENT)}


# Who may read a column -------------------------------------------------------------------


def _crossed(model, lookup):
    """[(path to the model, model)] of the models the lookup passes into."""
    crossed, path = [], []
    for part in lookup.split(LOOKUP_SEP):
        try:
            found = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if not found.is_relation:
            break
        path.append(part)
        model = found.related_model
        crossed.append((LOOKUP_SEP.join(path), model))
    return crossed


def guards(source, column):
    """The models along the column's path that fewer of the builder's users read than
    the source's rows, with the path to each: their rows are read through their own
    permission. (Pupils and parents, who read their own marks, build no reports.)"""
    readers = set(permission(source.permission).cells) & BUILDERS
    found = []
    for path, model in _crossed(source.model, column.lookup):
        perm = view_permission(model)
        if perm is not None and not set(perm.cells) >= readers:
            found.append((path, model, perm))
    return found


def may_read_column(user, source, column):
    if not may_read(user, source.model, column.lookup):
        return False
    return all(user.has_perm(perm.name) for _path, _model, perm in guards(source, column))


def readable_columns(user, source):
    return [column for column in source.columns if may_read_column(user, source, column)]


def sources_for(user):
    """The sources whose rows the user may read some of."""
    return [source for source in SOURCES.values() if user.has_perm(source.permission)]


def _guarded(user, source, column):
    expression = column.expression()
    for path, model, perm in guards(source, column):
        visible = model.objects.visible_to(user, perm.name).values("pk")
        expression = Case(When(Q(**{f"{path}__in": visible}), then=expression),
                          default=Value(None))
    return expression


# A definition, checked against its reader ------------------------------------------------


@dataclass
class Definition:
    """What a saved report asks for, as stored (``SavedReport.definition``)."""

    columns: list
    filters: list = field(default_factory=list)  # [{"column", "op", "value"}]
    group_by: list = field(default_factory=list)
    totals: bool = False
    order: str = ""  # a column key, "-" in front for descending

    @classmethod
    def from_json(cls, data):
        data = data if isinstance(data, dict) else {}

        def strings(value):
            return [str(item) for item in value] if isinstance(value, list) else []

        filters = [item for item in data.get("filters", []) if isinstance(item, dict)] \
            if isinstance(data.get("filters"), list) else []
        return cls(columns=strings(data.get("columns")),
                   filters=[{"column": str(item.get("column", "")),
                             "op": str(item.get("op", "")),
                             "value": str(item.get("value", ""))} for item in filters],
                   group_by=strings(data.get("group_by")),
                   totals=bool(data.get("totals")), order=str(data.get("order") or ""))

    def as_json(self):
        return {"columns": self.columns, "filters": self.filters, "group_by": self.group_by,
                "totals": self.totals, "order": self.order}


def parse_value(column, op, text):
    """The filter's value as the column's kind, or a ValidationError in words."""
    if op not in NEEDS_VALUE:
        return None
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Enter a value for the filter on «%(column)s».")
                              % {"column": column.label})
    if column.kind == NUMBER_KIND:
        try:
            number = Decimal(text.replace(",", ".").replace(" ", ""))
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or abs(number) >= 10 ** 9:
            raise ValidationError(_("«%(value)s» is not a number (filter on «%(column)s»).")
                                  % {"value": text, "column": column.label})
        return number
    if column.kind == DATE:
        day = parse_date(text)
        if day is None:
            raise ValidationError(
                _("«%(value)s» is not a date: write it as 01.09.2026 (filter on "
                  "«%(column)s»).") % {"value": text, "column": column.label})
        return day
    if column.kind == CHOICE:
        wanted = text.casefold()
        for code, label in column.choices:
            if wanted in (str(code).casefold(), str(label).casefold()):
                return code
        raise ValidationError(
            _("«%(value)s» is not a value of «%(column)s»: choose one of %(values)s.")
            % {"value": text, "column": column.label,
               "values": ", ".join(f"«{label}»" for _code, label in column.choices)})
    if len(text) > 200:
        raise ValidationError(_("The filter's value is too long (200 characters at most)."))
    return text


def _condition(name, column, op, value):
    if op == "empty":
        empty = Q(**{f"{name}__isnull": True})
        return empty | Q(**{name: ""}) if column.kind in (TEXT, CHOICE) else empty
    if op == "filled":
        filled = Q(**{f"{name}__isnull": False})
        return filled & ~Q(**{name: ""}) if column.kind in (TEXT, CHOICE) else filled
    if op == "yes":
        return Q(**{name: True})
    if op == "no":
        return Q(**{name: False}) | Q(**{f"{name}__isnull": True})
    if op == "contains":
        # SQLite folds the case of Latin letters only: the usual spellings of a Russian
        # word («иван», «Иван», «ИВАН») are asked for too.
        variants = {value, value.lower(), value.upper(), value[:1].upper() + value[1:].lower()}
        condition = Q()
        for variant in variants:
            condition |= Q(**{f"{name}__icontains": variant})
        return condition
    return Q(**{f"{name}__{'exact' if op == 'eq' else op}": value})


@dataclass
class Plan:
    """A definition as its reader may run it: the columns, filters, grouping and order
    left once everything they may not read is taken out, and what was taken out."""

    source: Source
    columns: list
    filters: list  # [(column, op, value)]
    group_by: list
    totals: bool
    order: str
    hidden: list  # labels of the columns (or filtered columns) left out


def plan(user, source, definition):
    """The definition checked against ``user``; values that do not parse raise
    ValidationError (a form shows them; a saved report was checked when saved)."""
    readable = {column.key: column for column in readable_columns(user, source)}
    hidden = []

    def keep(key):
        column = source.column(key)
        if column is None:
            return None
        if column.key not in readable:
            if column.label not in hidden:
                hidden.append(column.label)
            return None
        return column

    columns = [column for key in dict.fromkeys(definition.columns) if (column := keep(key))]
    filters, errors = [], []
    for item in definition.filters[:MAX_FILTERS]:
        column = keep(item["column"])
        if column is None or item["op"] not in KIND_OPERATORS[column.kind]:
            continue
        try:
            filters.append((column, item["op"], parse_value(column, item["op"], item["value"])))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    group_by = [column for key in dict.fromkeys(definition.group_by[:MAX_GROUPS])
                if (column := keep(key))]
    order = definition.order
    order_column = keep(order.lstrip("-")) if order else None
    if group_by:
        orderable = [*group_by, *(c for c in columns if c.aggregate and c not in group_by)]
    else:
        orderable = columns
    if order_column not in orderable:
        order = ""
    return Plan(source, columns, filters, group_by, definition.totals, order, hidden)


# Running a plan --------------------------------------------------------------------------


def _field(key):
    return f"c_{key}"


def _aggregate_field(key):
    return f"a_{key}"


@dataclass
class Result:
    """What a plan gives: ``columns`` [(key, label, column)], ``rows`` (a queryset of
    dicts, or a list), ``total`` (a dict or None)."""

    columns: list
    rows: object
    total: dict | None
    grouped: bool


def run(user, the_plan):
    source = the_plan.source
    shown = {column.key: column for column in (*the_plan.columns, *the_plan.group_by)}
    filtered = {column.key: column for column, _op, _value in the_plan.filters}
    queryset = source.rows(user).annotate(
        **{_field(key): _guarded(user, source, column) for key, column in shown.items()}
    ).alias(**{_field(key): _guarded(user, source, column)
               for key, column in filtered.items() if key not in shown})
    for column, op, value in the_plan.filters:
        queryset = queryset.filter(_condition(_field(column.key), column, op, value))
    measures = [column for column in the_plan.columns
                if column.aggregate and column not in the_plan.group_by]
    aggregates = {_aggregate_field(column.key): AGGREGATES[column.aggregate](
        _guarded(user, source, column)) for column in measures}
    total = queryset.aggregate(rows=Count("pk"), **aggregates) if the_plan.totals else None
    order = the_plan.order
    sign = "-" if order.startswith("-") else ""
    if the_plan.group_by:
        keys = [_field(column.key) for column in the_plan.group_by]
        rows = queryset.values(*keys).annotate(rows=Count("pk"), **aggregates)
        columns = [(_field(column.key), column.label, column) for column in the_plan.group_by]
        columns.append(("rows", pgettext("report builder", "Count"), None))
        columns += [(_aggregate_field(column.key), _aggregate_label(column), column)
                    for column in measures]
        ordering = list(keys)
        if order:
            column = source.column(order.lstrip("-"))
            name = (_field(column.key) if column in the_plan.group_by
                    else _aggregate_field(column.key))
            if name in ordering:
                ordering.remove(name)
            ordering.insert(0, sign + name)
        return Result(columns, rows.order_by(*ordering), total, grouped=True)
    columns = [(_field(column.key), column.label, column) for column in the_plan.columns]
    rows = queryset.values(*[name for name, _label, _column in columns])
    ordering = [sign + _field(order.lstrip("-"))] if order else []
    return Result(columns, rows.order_by(*ordering, "pk"), total, grouped=False)


def _aggregate_label(column):
    word = {"avg": _("average"), "sum": _("sum"), "min": _("minimum"),
            "max": _("maximum"), "weighted": _("weighted average")}[column.aggregate]
    return f"{column.label}: {word}"


def display(column, value):
    """A cell of the result as the reader sees it: the column's display, numbers in
    the Russian way."""
    if column is None or column.kind == NUMBER_KIND or isinstance(value, Decimal | float):
        if isinstance(value, Decimal | float):
            return number_format(round(value, 2), 2 if value != int(value) else 0)
        return "" if value is None else value
    shown = column.display(value)
    if isinstance(shown, date):
        return date_format(shown, "SHORT_DATE_FORMAT")
    return shown


def cell(column, value):
    """A cell of a download: numbers and dates as themselves, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return round(Decimal(value), 2)
    if column is None or column.kind in (NUMBER_KIND, DATE):
        return value
    return column.display(value)
